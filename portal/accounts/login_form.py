"""allauth's sign-in form, second step of the e-mail-first sign-in page."""

from __future__ import annotations

from allauth.account.forms import LoginForm

SIGN_IN_EMAIL_SESSION_KEY = "cordee_sign_in_email"


class EmailFirstLoginForm(LoginForm):
    """allauth's login form, with the address typed at the first step filled in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = kwargs.get("request") or getattr(self, "request", None)
        email = request.session.get(SIGN_IN_EMAIL_SESSION_KEY) if request else None
        if email and not self.is_bound:
            self.initial["login"] = email
            self.fields["password"].widget.attrs["autofocus"] = True
            self.fields["login"].widget.attrs.pop("autofocus", None)
