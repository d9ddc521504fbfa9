"""Demo data of the portal: the demo companies, their people and logins (bench/ reuses them)."""
