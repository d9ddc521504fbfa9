"""People from the company's own systems: one record shape that SSO, SCIM and the HR file share."""
