"""Who a request belongs to: the signed-in user's profile and company, and role checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

if TYPE_CHECKING:
    from portal.models import Company, EmployeeProfile


def profile_of(user) -> EmployeeProfile | None:
    """The user's employee profile, or None for anonymous users and profile-less admins."""
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.profile
    except ObjectDoesNotExist:  # a platform admin without a company
        return None


def company_of(user) -> Company | None:
    profile = profile_of(user)
    return profile.company if profile else None


def require_profile(user) -> EmployeeProfile:
    """The profile, or 404: pages of a company are invisible to those outside it."""
    profile = profile_of(user)
    if profile is None:
        raise Http404
    return profile


def require_csr_officer(user) -> EmployeeProfile:
    profile = require_profile(user)
    if not profile.is_csr_officer:
        raise Http404
    return profile


def require_payroll_officer(user) -> EmployeeProfile:
    """CSR officers and payroll officers run payroll and the money trail; others get a 404."""
    profile = require_profile(user)
    if not (profile.is_csr_officer or profile.is_payroll_officer):
        raise Http404
    return profile


def require_impact_viewer(user) -> EmployeeProfile:
    """CSR officers and executives see the company's impact; anyone else gets a 404."""
    profile = require_profile(user)
    if not (profile.is_csr_officer or profile.is_executive):
        raise Http404
    return profile
