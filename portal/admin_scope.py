"""The Wagtail admin of someone who is not a platform admin stops at their company's border.

Wagtail's admin is built for one organisation: beyond the page tree, many of its views (reports,
bulk-action and confirmation pages, the API, tag autocomplete) list every object they are asked
for. For users who are not superusers, `AdminScopeMiddleware` lets through only the admin views
named in `ALLOWED` and answers 404 when an id in the URL (or an `id` query parameter) names an
object outside the user's company: a page in another company's section, an image or document
outside the collections the user may use, another company's profile or rules. Every other admin
view (reports, workflows, collections, users, settings, Wagtail's deliberate error page…) is a 404
for them. Lists are scoped by Wagtail hooks in portal/wagtail_hooks.py, using the helpers below.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.functional import cached_property
from django.views.decorators.cache import never_cache
from taggit.models import Tag
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import MultipleUserFilter, PopularTagsFilter
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page, TaskState, WorkflowState

from portal.media_collections import scope_to_collections
from portal.models import CompanyRules, EmployeeProfile
from portal.tenancy import company_of

TAGS_AUTOCOMPLETE_LIMIT = 10  # as Wagtail's own view


# ---- What a user may see --------------------------------------------------------------------


def hidden_pages_filter(user) -> Q | None:
    """Pages in another company's part of the tree (None: nothing hidden, for superusers).

    A company's part is where its CSR group holds page permissions (its mission section), so this
    follows the permissions that already stop edits, without portal knowing the page models.
    """
    if user.is_superuser:
        return None
    company = company_of(user)
    others = GroupPagePermission.objects.filter(group__csr_company__isnull=False)
    if company is not None and company.csr_group_id:
        others = others.exclude(group_id=company.csr_group_id)
    paths = set(others.values_list("page__path", flat=True))
    if not paths:
        return None
    return reduce(or_, (Q(path__startswith=path) for path in sorted(paths)))


def hide_other_companies_pages(pages: QuerySet, user) -> QuerySet:
    hidden = hidden_pages_filter(user)
    return pages if hidden is None else pages.exclude(hidden)


def visible_pages(user) -> QuerySet[Page]:
    return hide_other_companies_pages(Page.objects.all(), user)


CHOOSE = ["add", "change", "choose", "delete"]  # the shared collection gives only "choose"
MANAGE = ["add", "change", "delete"]  # the user's own collection


def images_for(user, *, actions: list[str] = CHOOSE) -> QuerySet:
    return scope_to_collections(get_image_model().objects.all(), user, actions=actions)


def documents_for(user, *, actions: list[str] = CHOOSE) -> QuerySet:
    return scope_to_collections(get_document_model().objects.all(), user, actions=actions)


def people_for(user) -> QuerySet[EmployeeProfile]:
    company = company_of(user)
    return (
        EmployeeProfile.objects.filter(company=company)
        if company
        else EmployeeProfile.objects.none()
    )


def rules_for(user) -> QuerySet[CompanyRules]:
    company = company_of(user)
    return CompanyRules.objects.filter(pk=company.pk) if company else CompanyRules.objects.none()


def visible_tags(user) -> QuerySet[Tag]:
    """Tags on images and documents the user may choose (the only tagged things in Cordée)."""
    tagged = Q()
    for objects in (images_for(user), documents_for(user)):
        content_type = ContentType.objects.get_for_model(objects.model)
        tagged |= Q(
            taggit_taggeditem_items__content_type=content_type,
            taggit_taggeditem_items__object_id__in=objects.values("pk"),
        )
    return Tag.objects.filter(tagged).distinct()


# ---- The allow-list ---------------------------------------------------------------------------

# A check takes the user and the value of one URL argument; False means 404.
Check = Callable[[object, str], bool]


def anything(user, value) -> bool:
    """An argument that names nothing of a company (a model name, a token, a revision of a
    page already checked), or that the view checks itself."""
    return True


def _exists(queryset_of: Callable[[object], QuerySet]) -> Check:
    def check(user, value) -> bool:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return False
        return queryset_of(user).filter(pk=pk).exists()

    return check


def whole_number(user, value) -> bool:
    """An id of a shared catalogue (causes, skills): any company may choose it, if it is one."""
    return str(value).isascii() and str(value).isdigit()


def revision(user, value) -> bool:
    """A revision of a page the user may see (the page argument is checked on its own too)."""
    from wagtail.models import Revision

    found = Revision.objects.filter(pk=int(value)).first() if whole_number(user, value) else None
    return found is not None and visible_pages(user).filter(pk=found.object_id).exists()


page = _exists(visible_pages)
image = _exists(images_for)
own_image = _exists(lambda user: images_for(user, actions=MANAGE))
document = _exists(documents_for)
own_document = _exists(lambda user: documents_for(user, actions=MANAGE))
profile = _exists(people_for)
rules = _exists(rules_for)


def sign_ons_for(user) -> QuerySet:
    from portal.models import CompanySignOn

    company = company_of(user)
    return (
        CompanySignOn.objects.filter(company=company) if company else CompanySignOn.objects.none()
    )


sign_on = _exists(sign_ons_for)


def _state_of_visible_page(model) -> Check:
    """A task or workflow state of a page the user may see."""

    def check(user, value) -> bool:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return False
        states = model.objects.filter(pk=pk)
        object_ids = (
            states.values_list("workflow_state__object_id", flat=True)
            if model is TaskState
            else states.values_list("object_id", flat=True)
        )
        return any(page(user, object_id) for object_id in object_ids)

    return check


task_state = _state_of_visible_page(TaskState)
workflow_state = _state_of_visible_page(WorkflowState)

_PAGE_ARGS = {"page_id": page, "parent_page_id": page}
_NO_ARGS: dict[str, Check] = {}

# URL name -> the checks of its arguments (an argument without a check makes the view a 404).
ALLOWED: dict[str, dict[str, Check]] = {
    # Dashboard, account, assets
    "wagtailadmin_home": _NO_ARGS,
    "wagtailadmin_account": _NO_ARGS,
    "wagtailadmin_logout": _NO_ARGS,
    "wagtailadmin_login": _NO_ARGS,
    "wagtailadmin_sprite": _NO_ARGS,
    "wagtailadmin_javascript_catalog": _NO_ARGS,
    "wagtailadmin_dismissibles": _NO_ARGS,
    "wagtailadmin_block_preview": _NO_ARGS,
    "wagtailadmin_password_reset": _NO_ARGS,
    "wagtailadmin_password_reset_done": _NO_ARGS,
    "wagtailadmin_password_reset_confirm": {"uidb64": anything, "token": anything},
    "wagtailadmin_password_reset_complete": _NO_ARGS,
    # Editing sessions check the right to edit the object themselves (404 otherwise).
    "wagtailadmin_editing_sessions:ping": {
        "app_label": anything,
        "model_name": anything,
        "object_id": anything,
        "session_id": anything,
    },
    "wagtailadmin_editing_sessions:release": {"session_id": anything},
    # Page tree
    "wagtailadmin_explore_root": _NO_ARGS,
    "wagtailadmin_explore": _PAGE_ARGS,
    "wagtailadmin_explore_results": _PAGE_ARGS,
    "wagtailadmin_pages:add": {
        **_PAGE_ARGS,
        "content_type_app_name": anything,
        "content_type_model_name": anything,
    },
    "wagtailadmin_pages:preview_on_add": {
        **_PAGE_ARGS,
        "content_type_app_name": anything,
        "content_type_model_name": anything,
    },
    "wagtailadmin_pages:choose_parent": {
        "app_label": anything,
        "model_name": anything,
    },
    "wagtailadmin_pages:search": _NO_ARGS,
    "wagtailadmin_pages:search_results": _NO_ARGS,
    "wagtailadmin_pages:move": {"page_to_move_id": page},
    "wagtailadmin_pages:move_confirm": {"page_to_move_id": page, "destination_id": page},
    "wagtailadmin_pages:set_page_position": {"page_to_move_id": page},
    "wagtailadmin_pages:workflow_action": {
        "page_id": page,
        "action_name": anything,
        "task_state_id": task_state,
    },
    "wagtailadmin_pages:collect_workflow_action_data": {
        "page_id": page,
        "action_name": anything,
        "task_state_id": task_state,
    },
    "wagtailadmin_pages:workflow_preview": {"page_id": page, "task_id": anything},
    "wagtailadmin_pages:revisions_view": {**_PAGE_ARGS, "revision_id": revision},
    "wagtailadmin_pages:revisions_revert": {**_PAGE_ARGS, "revision_id": revision},
    "wagtailadmin_pages:revisions_unschedule": {
        **_PAGE_ARGS,
        "revision_id": anything,
    },
    "wagtailadmin_pages:revisions_compare": {
        "pk": page,
        "revision_id_a": anything,
        "revision_id_b": anything,
    },
    "wagtailadmin_pages:workflow_history_detail": {
        "page_id": page,
        "workflow_state_id": workflow_state,
    },
    # Page choosers
    "wagtailadmin_choose_page": _NO_ARGS,
    "wagtailadmin_choose_page_child": _PAGE_ARGS,
    "wagtailadmin_choose_page_search": _NO_ARGS,
    "wagtailadmin_choose_page_chosen_multiple": _NO_ARGS,
    "wagtailadmin_choose_page_external_link": _NO_ARGS,
    "wagtailadmin_choose_page_email_link": _NO_ARGS,
    "wagtailadmin_choose_page_phone_link": _NO_ARGS,
    "wagtailadmin_choose_page_anchor_link": _NO_ARGS,
    # Tag autocomplete: answered by `scoped_tag_autocomplete` (see OVERRIDES)
    "wagtailadmin_tag_autocomplete": _NO_ARGS,
    "wagtailadmin_tag_model_autocomplete": {"app_name": anything, "model_name": anything},
    "wagtailembeds:chooser": _NO_ARGS,
    "wagtailembeds:chooser_upload": _NO_ARGS,
    # Admin API (the sidebar's page explorer, choosers); its querysets are scoped too.
    "wagtailadmin_api:pages:listing": _NO_ARGS,
    "wagtailadmin_api:pages:detail": {"pk": page},
    "wagtailadmin_api:pages:find": _NO_ARGS,
    "wagtailadmin_api:pages:action": {"pk": page, "action_name": anything},
    "wagtailadmin_api:images:listing": _NO_ARGS,
    "wagtailadmin_api:images:detail": {"pk": image},
    "wagtailadmin_api:images:find": _NO_ARGS,
    "wagtailadmin_api:documents:listing": _NO_ARGS,
    "wagtailadmin_api:documents:detail": {"pk": document},
    "wagtailadmin_api:documents:find": _NO_ARGS,
    # Images
    "wagtailimages:index": _NO_ARGS,
    "wagtailimages:index_results": _NO_ARGS,
    "wagtailimages:add": _NO_ARGS,
    "wagtailimages:add_multiple": _NO_ARGS,
    "wagtailimages:edit": {"image_id": own_image},
    "wagtailimages:delete": {"image_id": own_image},
    "wagtailimages:url_generator": {"image_id": own_image},
    "wagtailimages:url_generator_output": {"image_id": own_image},
    "wagtailimages:preview": {"image_id": own_image, "filter_spec": anything},
    "wagtailimages:image_usage": {"image_id": own_image},
    "wagtailimages:edit_multiple": {"image_id": own_image},
    "wagtailimages:delete_multiple": {"image_id": own_image},
    # Uploads are checked against their uploader by Wagtail.
    "wagtailimages:create_multiple_from_uploaded_image": {"uploaded_file_id": anything},
    "wagtailimages:delete_upload_multiple": {"uploaded_file_id": anything},
    "wagtailimages_chooser:choose": _NO_ARGS,
    "wagtailimages_chooser:choose_results": _NO_ARGS,
    "wagtailimages_chooser:chosen": {"pk": image},
    "wagtailimages_chooser:chosen_multiple": _NO_ARGS,
    "wagtailimages_chooser:create": _NO_ARGS,
    "wagtailimages_chooser:select_format": {"image_id": image},
    # Documents
    "wagtaildocs:index": _NO_ARGS,
    "wagtaildocs:index_results": _NO_ARGS,
    "wagtaildocs:add": _NO_ARGS,
    "wagtaildocs:add_multiple": _NO_ARGS,
    "wagtaildocs:edit": {"document_id": own_document},
    "wagtaildocs:delete": {"document_id": own_document},
    "wagtaildocs:document_usage": {"document_id": own_document},
    "wagtaildocs:edit_multiple": {"doc_id": own_document},
    "wagtaildocs:delete_multiple": {"doc_id": own_document},
    "wagtaildocs:create_multiple_from_uploaded_document": {"uploaded_file_id": anything},
    "wagtaildocs:delete_upload_multiple": {"uploaded_file_id": anything},
    "wagtaildocs_chooser:choose": _NO_ARGS,
    "wagtaildocs_chooser:choose_results": _NO_ARGS,
    "wagtaildocs_chooser:chosen": {"pk": document},
    "wagtaildocs_chooser:chosen_multiple": _NO_ARGS,
    "wagtaildocs_chooser:create": _NO_ARGS,
    # Shared catalogues (causes, skills): their choosers, for the mission editor
    **{
        f"wagtailsnippetchoosers_missions_{model}:{view}": (
            {"pk": whole_number} if view == "chosen" else _NO_ARGS
        )
        for model in ("cause", "skill")
        for view in ("choose", "choose_results", "chosen", "chosen_multiple")
    },
    # People and company rules (their own policies; ids checked here as well)
    "people:index": _NO_ARGS,
    "people:index_results": _NO_ARGS,
    "people:edit": {"pk": profile},
    "people:history": {"pk": profile},
    "people:history_results": {"pk": profile},
    "people:usage": {"pk": profile},
    # Company sign-on (portal.accounts.sign_on_admin: its own policy, ids checked here too)
    "company_sign_on:index": _NO_ARGS,
    "company_sign_on:index_results": _NO_ARGS,
    "company_sign_on:add": _NO_ARGS,
    "company_sign_on:edit": {"pk": sign_on},
    "company_rules:index": _NO_ARGS,
    "company_rules:index_results": _NO_ARGS,
    "company_rules:edit": {"pk": rules},
    "company_rules:history": {"pk": rules},
    "company_rules:history_results": {"pk": rules},
    # Bulk actions: the ids are query parameters, checked in `bulk_action_allowed`.
    "wagtail_bulk_action": {
        "app_label": anything,
        "model_name": anything,
        "action": anything,
    },
}
for _name in (
    "usage",
    "edit",
    "preview_on_edit",
    "view_draft",
    "add_subpage",
    "delete",
    "unpublish",
    "convert_alias",
    "copy",
    "confirm_workflow_cancellation",
    "lock",
    "unlock",
    "revisions_index",
    "workflow_history",
    "history",
    "history_results",
):
    ALLOWED[f"wagtailadmin_pages:{_name}"] = _PAGE_ARGS

# What the `id` query parameters of these views name (bulk actions, "chosen multiple").
ID_LISTS: dict[str, Check] = {
    "wagtailadmin_choose_page_chosen_multiple": page,
    "wagtailimages_chooser:chosen_multiple": image,
    "wagtaildocs_chooser:chosen_multiple": document,
    "wagtailsnippetchoosers_missions_cause:chosen_multiple": anything,
    "wagtailsnippetchoosers_missions_skill:chosen_multiple": anything,
}
BULK_ACTION_MODELS: dict[tuple[str, str], Check] = {
    ("wagtailcore", "page"): page,
    ("wagtailimages", "image"): own_image,
    ("wagtaildocs", "document"): own_document,
}
BLOCKED_FOR_EVERYONE = {"wagtailadmin_error_test"}  # raises on purpose: a 500 for nothing


def ids_allowed(user, check: Check, ids: list[str]) -> bool:
    # "all" means every object of the listing, whatever the user may see: refused.
    return all(value != "all" and check(user, value) for value in ids)


def admin_request_allowed(request: HttpRequest, url_name: str, kwargs: dict) -> bool:
    """Whether this user may open this admin view with these arguments at all."""
    user = request.user
    if url_name in BLOCKED_FOR_EVERYONE:
        return False
    if not user.is_authenticated or user.is_superuser:
        return True  # Wagtail sends visitors to sign in; platform admins see everything
    checks = ALLOWED.get(url_name)
    if checks is None:
        return False
    for name, value in kwargs.items():
        check = checks.get(name)
        if check is None or not check(user, value):
            return False
    ids = request.GET.getlist("id")
    if url_name == "wagtail_bulk_action":
        check = BULK_ACTION_MODELS.get((kwargs["app_label"], kwargs["model_name"]))
        return check is not None and ids_allowed(user, check, ids)
    if ids and url_name in ID_LISTS:
        return ids_allowed(user, ID_LISTS[url_name], ids)
    return True


def scoped_tag_autocomplete(request: HttpRequest, app_name=None, model_name=None):
    """Wagtail's tag autocomplete, limited to tags on what the user may see."""
    if not request.user.has_perm("wagtailadmin.access_admin"):
        raise Http404
    if (app_name or model_name) and (app_name, model_name) != ("taggit", "tag"):
        raise Http404
    term = request.GET.get("term", "")
    if not term:
        return JsonResponse([], safe=False)
    names = (
        visible_tags(request.user)
        .filter(name__istartswith=term)
        .order_by("name")
        .values_list("name", flat=True)[:TAGS_AUTOCOMPLETE_LIMIT]
    )
    return JsonResponse(list(names), safe=False)


def popular_tags_for(user, model, *, count: int = 10) -> QuerySet[Tag]:
    """Wagtail's popular tags of an image or document listing, among what the user may see."""
    objects = scope_to_collections(model.objects.all(), user, actions=CHOOSE)
    return (
        Tag.objects.filter(
            taggit_taggeditem_items__content_type=ContentType.objects.get_for_model(model),
            taggit_taggeditem_items__object_id__in=objects.values("pk"),
        )
        .annotate(item_count=Count("taggit_taggeditem_items"))
        .order_by("-item_count", "name")[:count]
    )


def company_users(user) -> QuerySet:
    """The users a listing's user filter may offer: people of the user's own company."""
    company = company_of(user)
    users = get_user_model().objects.all()
    return users.filter(profile__company=company) if company else users.none()


def _only_company_users(queryset_or_callable, user):
    def queryset(request):
        users = queryset_or_callable
        if callable(users):
            users = users(request)
        if users is None:  # set later by the filter set itself (history): use the company's
            return company_users(user)
        return users.filter(pk__in=company_users(user).values("pk"))

    return queryset


class CompanyFiltersMixin:
    """Listings whose filters offer every company's tags or users: only the user's company's.

    Wagtail's page explorer and search offer "Owner" and "Edited by" among all users who ever
    owned or edited a page; image and document listings and choosers offer the popular tags of
    every collection.
    """

    @cached_property
    def filters(self):
        # As Wagtail's BaseListingView.filters, with the choices replaced before the form is built.
        if not self.filterset_class:
            return None
        filterset = self.filterset_class(**self.get_filterset_kwargs())
        user = self.request.user
        for name, listing_filter in list(filterset.filters.items()):
            if isinstance(listing_filter, MultipleUserFilter):
                listing_filter.queryset = _only_company_users(listing_filter.queryset, user)
            elif isinstance(listing_filter, PopularTagsFilter):
                names = [tag.name for tag in popular_tags_for(user, self.model)]
                if names:
                    listing_filter.extra["choices"] = [(name, name) for name in names]
                else:
                    del filterset.filters[name]
        return filterset if filterset.form.fields else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "popular_tags" in context:
            context["popular_tags"] = popular_tags_for(self.request.user, self.model)
        return context


_scoped_views: dict[Callable, Callable] = {}

# How Wagtail wraps an admin view (wagtail/admin/urls/__init__.py), outermost first; the last
# is the class-based view itself, or the page view router that picks the page type's viewset.
WAGTAIL_ADMIN_VIEW_WRAPPERS = [
    "never_cache.<locals>._view_wrapper",
    "display_custom_404.<locals>.wrapper",
    "require_admin_access.<locals>.decorated_view",
]
CLASS_BASED_VIEW = "View.as_view.<locals>.view"
PAGE_VIEW_ROUTER = "PageViewSetRegistry.as_view.<locals>.view_router"
# The page viewset's view behind each routed URL name, and the URL argument naming the page.
ROUTED_PAGE_VIEWS = {
    "wagtailadmin_explore_root": ("index", None),
    "wagtailadmin_explore": ("index", "parent_page_id"),
    "wagtailadmin_explore_results": ("index_results", "parent_page_id"),
    "wagtailadmin_pages:search": ("search", None),
    "wagtailadmin_pages:search_results": ("search_results", None),
    "wagtailadmin_pages:history": ("history", "page_id"),
    "wagtailadmin_pages:history_results": ("history_results", "page_id"),
}


def _qualname(function) -> str | None:
    code = getattr(function, "__code__", None)
    return code.co_qualname if code else None


def _class_based_view(view_func, url_name: str, kwargs: dict) -> Callable | None:
    """The class-based view that Wagtail's wrappers around `view_func` end up calling."""
    chain = []
    function = view_func
    while function is not None:
        chain.append(function)
        function = getattr(function, "__wrapped__", None)
    if [_qualname(f) for f in chain[:-1]] != WAGTAIL_ADMIN_VIEW_WRAPPERS:
        return None
    inner = chain[-1]
    if _qualname(inner) == PAGE_VIEW_ROUTER and url_name in ROUTED_PAGE_VIEWS:
        from wagtail.admin.viewsets.pages import page_viewset_registry

        view_name, page_argument = ROUTED_PAGE_VIEWS[url_name]
        if page_argument is None:
            viewset = page_viewset_registry.get_by_type(Page)
        elif page_argument == "parent_page_id":
            viewset = page_viewset_registry.get_by_parent_page_id(kwargs[page_argument])
        else:
            viewset = page_viewset_registry.get_by_page_id(kwargs[page_argument])
        inner = viewset.get_view_by_name(view_name)
    if _qualname(inner) != CLASS_BASED_VIEW or hasattr(inner, "__wrapped__"):
        return None
    return inner


def with_company_filters(view_func, url_name: str, kwargs: dict) -> Callable | None:
    """The same admin view, its class given `CompanyFiltersMixin` (None if not possible).

    Rebuilt with Wagtail's own wrappers, after checking they are still the ones expected (the
    tests fail if a Wagtail upgrade changes them).
    """
    from wagtail.admin.urls import display_custom_404

    inner = _class_based_view(view_func, url_name, kwargs)
    if inner is None:
        return None
    if inner not in _scoped_views:  # one per view function of Wagtail's: a bounded cache
        scoped = type(
            f"Company{inner.view_class.__name__}", (CompanyFiltersMixin, inner.view_class), {}
        )
        view = scoped.as_view(**inner.view_initkwargs)
        _scoped_views[inner] = never_cache(display_custom_404(require_admin_access(view)))
    return _scoped_views[inner]


OVERRIDES = {
    "wagtailadmin_tag_autocomplete": scoped_tag_autocomplete,
    "wagtailadmin_tag_model_autocomplete": scoped_tag_autocomplete,
}
# Views whose filters are scoped by rebuilding them with CompanyFiltersMixin.
FILTERED_VIEWS = {
    "wagtailadmin_explore_root",
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
    "wagtailadmin_pages:search",
    "wagtailadmin_pages:search_results",
    "wagtailadmin_pages:history",
    "wagtailadmin_pages:history_results",
    "people:history",
    "people:history_results",
    "company_rules:history",
    "company_rules:history_results",
    "wagtailimages:index",
    "wagtailimages:index_results",
    "wagtailimages_chooser:choose",
    "wagtailimages_chooser:choose_results",
    "wagtaildocs:index",
    "wagtaildocs:index_results",
    "wagtaildocs_chooser:choose",
    "wagtaildocs_chooser:choose_results",
}


class AdminScopeMiddleware:
    """Applies `admin_request_allowed` to every Wagtail admin view (404 when refused)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not match.route.startswith("admin/"):
            return None
        if not admin_request_allowed(request, match.view_name, view_kwargs):
            raise Http404
        user = request.user
        if not user.is_authenticated or user.is_superuser:
            return None
        override = OVERRIDES.get(match.view_name)
        if override is None and match.view_name in FILTERED_VIEWS:
            override = with_company_filters(view_func, match.view_name, view_kwargs)
            if override is None:  # Wagtail changed how it builds the view: fail closed
                raise Http404
        if override is not None:
            return override(request, *view_args, **view_kwargs)
        return None


def external_link_chooser(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Wagtail's external-link chooser, but a POST without its URL field is a 400, not a 500
    (Wagtail's URL field calls `startswith` on the missing value)."""
    from wagtail.admin.views.chooser import ExternalLinkView

    if request.method == "POST" and "external-link-chooser-url" not in request.POST:
        return HttpResponseBadRequest("Bad request", content_type="text/plain")
    return ExternalLinkView.as_view()(request, *args, **kwargs)
