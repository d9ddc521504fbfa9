"""Reads of the reporting app: the impact metrics."""
