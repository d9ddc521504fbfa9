"""Writes of giving: pledges, payroll runs, matching, card payments, disbursements."""
