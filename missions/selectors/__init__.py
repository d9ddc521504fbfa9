"""Reads of the missions app: querysets, aggregates and read models, also what other apps import.

- `catalogue`: the mission list (filters, search, cards), causes, upcoming missions;
- `engagement`: enrolments, approvals and rosters as employees, managers and CSR officers see them.
"""
