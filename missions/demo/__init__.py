"""Demo data of the missions app: the catalogue (causes, skills, associations, missions, sessions)
and engagement (enrolments, approvals, attendance, feedback)."""
