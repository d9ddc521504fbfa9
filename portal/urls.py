"""URL map: accounts, admin areas, app views, then Wagtail's page tree."""

from allauth.decorators import rate_limit
from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.documents.views.serve import authenticate_with_password as document_password
from wagtail.views import authenticate_with_password as page_password

from portal.admin_scope import external_link_chooser
from portal.media import public_media_urlpatterns
from portal.operations import health, metrics
from portal.scim.views import csr as scim_csr
from portal.views import pay
from portal.views.people import people_import, people_import_confirm, people_import_preview
from portal.views.profile import profile
from portal.views.public import brand_css, set_language
from portal.views.sign_in import sign_in_email

urlpatterns = [
    # Every sign-in goes through allauth (verified e-mail, rate limits), the admins' too.
    path(
        "django-admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # Wagtail's front-end login for restricted pages (mounted by wagtail.urls below).
    path("_util/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    # Password changes in allauth's page only (it asks for the current password).
    path(
        "django-admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
    ),
    # A page's or document's view password is a shared secret, not a sign-in, but guessing it
    # is throttled like one, by allauth (ACCOUNT_RATE_LIMITS["view_password"]).
    path(
        "_util/authenticate_with_password/<int:page_view_restriction_id>/<int:page_id>/",
        rate_limit(action="view_password")(page_password),
    ),
    path(
        "documents/authenticate_with_password/<int:restriction_id>/",
        rate_limit(action="view_password")(document_password),
    ),
    # Before Wagtail's own: the same chooser, with its empty-form 500 answered 400.
    path(
        "admin/choose-external-link/",
        require_admin_access(external_link_chooser),
        name="wagtailadmin_choose_page_external_link",
    ),
    # Operations: a load balancer's probes, and Prometheus metrics for a scraper with the token.
    path("health/", health.readiness, name="health"),
    path("health/live/", health.liveness, name="health_live"),
    path("metrics/", metrics.metrics_view, name="metrics"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # The e-mail-first sign-in page's first step (the page itself is allauth's login).
    path("accounts/sign-in/", sign_in_email, name="sign_in_email"),
    path("accounts/", include("allauth.urls")),
    # SCIM 2.0 provisioning by the company's identity provider (bearer token per company).
    path("scim/v2/", include("portal.scim.urls")),
    path("company/scim/", scim_csr.tokens, name="scim_tokens"),
    path("company/scim/<id:token_id>/revoke/", scim_csr.revoke, name="scim_token_revoke"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("brand.css", brand_css, name="brand_css"),
    path("profile/", profile, name="profile"),
    path("sitemap.xml", sitemap, name="sitemap"),
    # Browsers and feed readers ask for /favicon.ico whatever the pages say.
    path("favicon.ico", lambda request: redirect(static_url("img/favicon.svg"), permanent=True)),
    path("people/import/", people_import, name="people_import"),
    path("people/import/<id:pk>/", people_import_preview, name="people_import_preview"),
    path("people/import/<id:pk>/confirm/", people_import_confirm, name="people_import_confirm"),
    # Salary data for skills-sponsorship valuation (CSR and payroll officers).
    path("people/pay/", pay.pay_data, name="pay_data"),
    path("people/pay/grades/new/", pay.pay_grade_create, name="pay_grade_create"),
    path("people/pay/grades/<id:pk>/", pay.pay_grade_edit, name="pay_grade_edit"),
    path("people/pay/assign/", pay.pay_assign, name="pay_assign"),
    path("people/pay/upload/", pay.salary_upload, name="salary_upload"),
    # Personal data: /profile/data/ (export, erasure) and a CSR officer's /privacy/leavers/.
    path("", include(("portal.privacy.urls", "portal"))),
    path("", include("missions.urls")),
    path("impact/", include("reporting.urls")),
    path("csr/", include("reporting.csr_urls")),
    path("giving/", include("donations.urls")),
    # The association's tax receipts (its members only).
    path(
        "association/<id:association_id>/receipts/",
        include("donations.association_receipts_urls"),
    ),
    # The association workspace's money pages (its other pages are in missions.urls).
    path("association/", include("donations.association_urls")),
]

# The demo identity provider: demo mode and tests only (portal.checks refuses it otherwise).
if settings.CORDEE_DEMO_IDP:
    urlpatterns += [path("demo-idp/", include("portal.demo_idp.urls"))]

# Only public images, and only with DEBUG on: private files are never under MEDIA_ROOT.
urlpatterns += public_media_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]
