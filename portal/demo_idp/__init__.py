"""A demo OpenID Connect identity provider, for `make demo` and the tests only.

django-oauth-toolkit's OIDC provider mounted at /demo-idp/ plays a company's identity provider
(Entra ID, Okta…): its sign-in page lists the people of its directory, and it issues RS256 ID
tokens with their claims (e-mail, names, employee id, department, office, manager id). It exists
only when CORDEE_DEMO_IDP is on (DEBUG or tests); `portal.checks` refuses it with DEBUG off.

It is a separate identity store: signing in at the provider logs a technical user
("demo-idp:<e-mail>", no e-mail, no profile, no password) into the provider's pages only, never
a Cordée account. Serve it at another host name than Cordée (http://localhost:8000/demo-idp/ for
a portal at http://127.0.0.1:8000/) so that its session cookie is not Cordée's.
"""
