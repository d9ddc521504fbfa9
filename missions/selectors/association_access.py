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
