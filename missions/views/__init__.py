"""Views of the missions app, one module per audience: catalogue, employee, approvals, csr."""
