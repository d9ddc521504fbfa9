"""Personal data: the export a person downloads, erasure (pseudonymisation) and retention.

`portal` imports no app, so what each app holds on a person is told by the modules named in
`settings.CORDEE_PERSONAL_DATA` (see `contributors.py`).
"""
