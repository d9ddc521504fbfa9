"""Who the demo identity provider knows, and the claims it asserts for them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

SUBJECT_PREFIX = "demo-idp:"
# The demo company that signs in through the demo provider, and one person its HR system knows
# who has never used Cordée yet (their first sign-in creates them).
DEMO_COMPANY = "horizon"
NEW_JOINER = {
    "email": "nouvelle.recrue@horizon.example",
    "given_name": "Alice",
    "family_name": "Nouvelle",
    "employee_id": "HZN-09001",
    "department": "Systèmes d'information",
    "office": "Lyon Part-Dieu",
    "manager_id": "",
    "locale": "fr-FR",
}
# The demo sign-on's claim mapping (portal.demo.sign_on): the claim names of this provider.
CLAIM_MAPPING = {
    "employee_number": "employee_id",
    "department": "department",
    "site": "office",
    "manager_employee_number": "manager_id",
}


def people() -> list[dict]:
    """The directory: CORDEE_DEMO_IDP_PEOPLE when set (tests), else the demo company's people
    with a demo account, as its HR system describes them, and a new joiner."""
    configured = getattr(settings, "CORDEE_DEMO_IDP_PEOPLE", None)
    if configured is not None:
        return list(configured)
    from portal.models import EmployeeProfile

    profiles = (
        EmployeeProfile.objects.filter(company__slug=DEMO_COMPANY)
        .exclude(employee_number="")
        .select_related("user", "manager")
        .filter(user__email__regex=r"^(employee|manager|csr|executive|payroll)@")
        .order_by("user__email")
    )
    found = [
        {
            "email": p.user.email,
            "given_name": p.user.first_name,
            "family_name": p.user.last_name,
            "employee_id": p.employee_number,
            "department": p.department,
            "office": p.site,
            "manager_id": p.manager.employee_number if p.manager else "",
            "locale": "fr-FR",
        }
        for p in profiles
    ]
    return [*found, NEW_JOINER]


def person(email: str) -> dict | None:
    email = (email or "").strip().lower()
    return next((p for p in people() if p["email"].lower() == email), None)


def subject_user(email: str):
    """The provider's technical user for a person of its directory (created on first use)."""
    user, _created = get_user_model().objects.get_or_create(
        username=f"{SUBJECT_PREFIX}{email.lower()}", defaults={"email": "", "is_active": True}
    )
    if _created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def claims_for(user) -> dict:
    if not user.username.startswith(SUBJECT_PREFIX):
        return {}
    entry = person(user.username.removeprefix(SUBJECT_PREFIX))
    if entry is None:
        return {}
    claims = {"email_verified": True, **entry}
    claims["name"] = f"{entry.get('given_name', '')} {entry.get('family_name', '')}".strip()
    return claims


def token_overrides() -> dict:
    """Tests make the provider misbehave: another audience, nonce or issuer in its ID tokens."""
    return dict(getattr(settings, "CORDEE_DEMO_IDP_TOKEN_OVERRIDES", None) or {})
