"""Writes of the missions app (catalogue provisioning now; enrolment rules join here)."""
