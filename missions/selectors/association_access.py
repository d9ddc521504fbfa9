"""Which associations a signed-in user acts for (the association workspace's tenancy)."""

from __future__ import annotations

from django.db.models import QuerySet

from missions.models import AssociationMembership, AssociationPage


def associations_of(user) -> QuerySet[AssociationPage]:
    """The associations `user` is an active member of (none for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return AssociationPage.objects.none()
    return AssociationPage.objects.filter(
        memberships__user=user, memberships__is_active=True
    ).distinct()


def membership(user, association_id: int) -> AssociationMembership | None:
    """`user`'s active membership of one association, or None (then: 404, never 403)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        AssociationMembership.objects.filter(
            user=user, association_id=association_id, is_active=True
        )
        .select_related("association")
        .first()
    )


def is_association_admin(user, association_id: int) -> bool:
    found = membership(user, association_id)
    return found is not None and found.role == AssociationMembership.Role.ADMIN


def require_membership(user, association_id: int) -> AssociationMembership:
    """The active membership, or 404: the workspace of an association is invisible to others.

    A company's people never act for an association, whatever rows exist.
    """
    from django.http import Http404

    from portal.tenancy import profile_of

    found = membership(user, association_id)
    if found is None or profile_of(user) is not None:
        raise Http404
    return found


def require_admin_membership(user, association_id: int) -> AssociationMembership:
    found = require_membership(user, association_id)
    if found.role != AssociationMembership.Role.ADMIN:
        from django.http import Http404

        raise Http404
    return found
