"""Demo data of the donations app: a year of pledges, payroll runs, card gifts and matches."""
