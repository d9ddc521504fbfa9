"""Engagement: the catalogue of associations and missions, sessions and enrolments."""
