"""SCIM 2.0 provisioning (RFC 7643/7644): a company's identity provider creates, updates and
deactivates its people at /scim/v2/, authenticated by a bearer token of that company.

Resources are parsed, validated, patched and serialised by scim2-models (python-scim); filters
become Django queries with scim2-filter-parser; every write goes through
`portal.people.records.apply_person`.
"""
