"""Template context shared by every page: who is signed in and for which company."""

from django.http import HttpRequest

from portal.tenancy import profile_of


def tenancy(request: HttpRequest) -> dict:
    profile = profile_of(getattr(request, "user", None))
    return {
        "current_profile": profile,
        "current_company": profile.company if profile else None,
    }
