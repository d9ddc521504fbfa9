"""Views of the reporting app: impact (the dashboard, its CSV breakdowns and the PDF reports),
for executives and CSR officers."""
