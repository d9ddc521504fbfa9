"""Reporting models (impact reporting issue)."""
