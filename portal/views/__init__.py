"""Views of the portal: public (the language switch and the company brand stylesheet), privacy."""
