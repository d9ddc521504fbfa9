"""Demo data of the reporting app: one archived impact report per company."""
