"""Donations models (giving issue)."""
