"""What every page view reads and editors rarely change, read from the cache instead of the tree.

Serving one Wagtail page used to cost a query for the site, one per level of the URL, two for
the view restrictions of its ancestors and two for the catalogue links of the menu. These live
in the cache under a version that any change to pages, sites or restrictions bumps (the
receivers at the end), so an edit shows at once wherever the cache is shared.

Whether a page is private is a security decision: the "no restriction exists" shortcut is only
taken when every process sees the same cache (`CORDEE_CACHE_IS_SHARED`: Redis, or a single
process). Elsewhere the site and the menu links are cached briefly, restrictions never.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

VERSION_KEY = "cordee:page-tree:version"
# Without a shared cache another process would not see a bump: keep what it holds briefly.
UNSHARED_TIMEOUT = 60
SHARED_TIMEOUT = 60 * 60


def is_shared() -> bool:
    return bool(getattr(settings, "CORDEE_CACHE_IS_SHARED", False))


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 1
        cache.add(VERSION_KEY, version, None)
    return version


def bump() -> None:
    """Forget every cached page-tree fact (called on any change to pages, sites, restrictions)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def cached(
    name: str, compute: Callable[[], Any], *, fresh: Callable[[Any], bool] | None = None
) -> Any:
    """`compute()` under the current tree version (None is cached too, as a miss marker).

    `fresh(value)`, when given, may refuse a cached value (one that time made stale): it is
    then computed again and replaces the old one.
    """
    key = f"cordee:page-tree:{_version()}:{name}"
    found = cache.get(key, default=_MISSING)
    if found is not _MISSING and (fresh is None or fresh(found)):
        return found
    value = compute()
    cache.set(key, value, SHARED_TIMEOUT if is_shared() else UNSHARED_TIMEOUT)
    return value


class _Missing:
    pass


_MISSING = _Missing()


def any_view_restriction() -> bool:
    """Whether any page has a view restriction (always True when the cache is not shared)."""
    from wagtail.models import PageViewRestriction

    if not is_shared():
        return True
    return cached("any-view-restriction", PageViewRestriction.objects.exists)


def site_for(hostname: str, port: int, compute: Callable[[], Any]) -> Any:
    return cached(f"site:{hostname}:{port}", compute)


def _cache_wagtail_site_lookup() -> None:
    """Wagtail's site of a request, with its specific root page, from the cache.

    Wagtail reads it with one query per page request (and another for the home page's own
    type); both change only when an editor changes a site or the home page, which bumps the
    cache. Wagtail still looks the site up lazily (`Site.find_for_request` keeps it on the
    request); only its lookup is wrapped, and only for a host `ALLOWED_HOSTS` accepts.
    """
    from django.core.exceptions import DisallowedHost
    from wagtail.models import Site

    find = Site._find_for_request
    if getattr(find, "cordee_cached", False):
        return

    def with_specific_root(request):
        site = find(request)
        if site is not None:
            site.root_page = site.root_page.specific
        return site

    def cached_find(request):
        try:
            host = request.get_host()
        except DisallowedHost:
            return find(request)
        return site_for(host, request.get_port(), lambda: with_specific_root(request))

    cached_find.cordee_cached = True
    Site._find_for_request = staticmethod(cached_find)


def _connect() -> None:
    _cache_wagtail_site_lookup()

    from wagtail.models import Page, PageViewRestriction, Site
    from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

    def on_change(sender=None, **kwargs):
        bump()

    for signal in (page_published, page_unpublished, post_page_move, page_slug_changed):
        signal.connect(on_change, dispatch_uid=f"cordee-page-cache-{id(signal)}", weak=False)
    for model in (Site, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(
                on_change,
                sender=model,
                dispatch_uid=f"cordee-page-cache-{model.__name__}-{id(signal)}",
                weak=False,
            )

    @receiver(post_save, dispatch_uid="cordee-page-cache-page-save", weak=False)
    @receiver(post_delete, dispatch_uid="cordee-page-cache-page-delete", weak=False)
    def on_page_saved(sender, instance=None, **kwargs):
        # Any page type: a page saved (moved, renamed, made live) changes URLs below it.
        if isinstance(instance, Page):
            bump()
