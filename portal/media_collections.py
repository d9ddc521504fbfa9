"""Images and documents per company: one Wagtail collection each, plus a shared platform one.

A company's CSR group holds collection permissions on its own collection (add, change, choose,
delete images and documents) and may only choose from the shared platform collection. No CSR
group holds a model-wide image or document permission, so Wagtail's own listings, choosers and
permission checks stop at the company's collection.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q, QuerySet
from wagtail.models import Collection, GroupCollectionPermission

from portal.models import Company
from portal.services import ensure_csr_group

# The shared collection platform admins fill (association logos, stock photos): every CSR
# officer may choose from it, none may change it. Found by name under the root collection.
SHARED_COLLECTION_NAME = "Platform"

OWN_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtaildocs", "delete_document"),
]
SHARED_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "choose_document"),
]


def shared_collection() -> Collection:
    """The shared platform collection, created under the root on first use."""
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=SHARED_COLLECTION_NAME).first()
    return existing or root.add_child(name=SHARED_COLLECTION_NAME)


@transaction.atomic
def provision_company_collection(company: Company) -> Collection:
    """The company's own collection and its CSR group's permissions there (idempotent).

    A company provisioner (settings.CORDEE_COMPANY_PROVISIONERS).
    """
    locked = Company.objects.select_for_update().get(pk=company.pk)  # one collection, ever
    collection = locked.collection
    if collection is None:
        collection = Collection.get_first_root_node().add_child(name=company.name)
        Company.objects.filter(pk=company.pk).update(collection=collection)
    company.collection = collection
    group = ensure_csr_group(company)
    _grant(group=group, collection=collection, permissions=OWN_COLLECTION_PERMISSIONS)
    _grant(group=group, collection=shared_collection(), permissions=SHARED_COLLECTION_PERMISSIONS)
    return collection


def _grant(*, group, collection: Collection, permissions: list[tuple[str, str]]) -> None:
    for app_label, codename in permissions:
        GroupCollectionPermission.objects.get_or_create(
            group=group,
            collection=collection,
            permission=Permission.objects.get(content_type__app_label=app_label, codename=codename),
        )


def collections_for(user, *, actions: list[str], app_label: str) -> QuerySet[Collection] | None:
    """Collections (with their descendants) where `user` holds one of `actions` for the model.

    None when the user is not limited (superusers). `actions` are codename prefixes such as
    "choose" or "change"; `app_label` is "wagtailimages" or "wagtaildocs".
    """
    if user.is_superuser:
        return None
    if not (user.is_authenticated and user.is_active):
        return Collection.objects.none()
    model = {"wagtailimages": "image", "wagtaildocs": "document"}[app_label]
    codenames = [f"{action}_{model}" for action in actions]
    if (
        user.user_permissions.filter(
            content_type__app_label=app_label, codename__in=codenames
        ).exists()
        or Permission.objects.filter(
            group__user=user, content_type__app_label=app_label, codename__in=codenames
        ).exists()
    ):
        return None  # a model-wide permission (never given to CSR groups): Wagtail decides
    roots = Collection.objects.filter(
        group_permissions__group__user=user,
        group_permissions__permission__content_type__app_label=app_label,
        group_permissions__permission__codename__in=codenames,
    ).values_list("path", flat=True)
    paths = list(roots)
    if not paths:
        return Collection.objects.none()
    return Collection.objects.filter(reduce(or_, (Q(path__startswith=path) for path in paths)))


def scope_to_collections(queryset: QuerySet, user, *, actions: list[str]) -> QuerySet:
    """Images or documents of `queryset` in the collections where the user may do `actions`."""
    app_label = queryset.model._meta.app_label
    collections = collections_for(user, actions=actions, app_label=app_label)
    if collections is None:
        return queryset
    return queryset.filter(collection__in=collections)
