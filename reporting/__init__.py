"""Impact: metrics, dashboard and the PDF impact report."""
