"""Views of the donations app, one module per audience or concern: giving (employees), payroll,
finance, rules (CSR officers) and webhooks (the payment provider)."""
