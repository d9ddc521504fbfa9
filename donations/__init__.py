"""Giving: payroll round-up pledges, card donations, matching and disbursements."""
