"""The one settings module of Cordée, read from the environment (see docs/deploy.md)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("CORDEE_TESTING", default=False)

# A development key only ever used with DEBUG on or in tests; production must set its own.
_DEV_SECRET_KEY = "cordee-insecure-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = _DEV_SECRET_KEY
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_ID = 1
WAGTAIL_SITE_NAME = "Cordée"
WAGTAILADMIN_BASE_URL = env.str("BASE_URL", default="http://127.0.0.1:8000")
BASE_URL = WAGTAILADMIN_BASE_URL
# The name e-mails and allauth's pages give the site (its domain comes from BASE_URL).
CORDEE_SITE_NAME = env.str("CORDEE_SITE_NAME", default="Cordée")

INSTALLED_APPS = [
    "portal",
    "portal.scim",
    "missions",
    "donations",
    "reporting",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "health_check",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",  # Django 6.1 + Wagtail on PostgreSQL need it (postgres.E005)
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: the request id is in every log line, and the metrics time the whole request.
    "portal.operations.request_id.RequestIdMiddleware",
    "portal.operations.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.OddInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "portal.middleware.AdminContentSecurityPolicyMiddleware",
    "portal.middleware.AttachmentPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Privileged roles need a second factor (or SSO) on admin and money screens.
    "portal.mfa.PrivilegedSecondFactorMiddleware",
    # Wagtail's admin scoped to the user's company (an allow-list of views, ids checked).
    "portal.admin_scope.AdminScopeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.tenancy",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers (tasks, tests with threads) wait instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
# Persistent connections: seconds a connection is kept between requests (0: one per request, the
# default), checked before reuse; saves the connection setup (20-40 ms) on every request.
if conn_max_age := env.int("DATABASE_CONN_MAX_AGE", default=0):
    DATABASES["default"]["CONN_MAX_AGE"] = conn_max_age
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A read replica for reporting's aggregates (portal/db_routing.py); the primary otherwise.
if DATABASE_REPLICA_URL := env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["portal.db_routing.ReplicaRouter"]

REDIS_URL = env.str("REDIS_URL", default="")
# Whether every process of the deployment sees the same cache (Redis, or one process: the
# development server and the tests). Caches that decide who may see a page need it.
CORDEE_CACHE_IS_SHARED = bool(REDIS_URL) or DEBUG or TESTING
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    # Sessions are read from Redis and written through to the database (a Redis flush signs
    # nobody out); only with a cache every process shares, or a sign-out would linger.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a broker makes tasks run on workers; without one they run inline (eager).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# Three queues, so that a month-end of reports never delays a confirmation e-mail: "mail" (every
# send_* task), "reports" (impact reports, data exports, receipts and other PDFs) and "celery"
# (the rest: scheduled upkeep, payroll). One worker takes them all by default (Procfile's
# WORKER_QUEUES); docs/scaling.md shows a worker per queue.
CELERY_TASK_ROUTES = {
    "*.send_*": {"queue": "mail"},
    "reporting.*": {"queue": "reports"},
    "*.build_*": {"queue": "reports"},
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {
    # Engagement: every task is idempotent, so an overlapping or repeated run is harmless.
    "missions-expire-overdue-requests": {
        "task": "missions.expire_overdue_requests",
        "schedule": 15 * 60,
    },
    "missions-send-session-reminders": {
        "task": "missions.send_session_reminders",
        "schedule": 3600,
    },
    "missions-record-attendance-after-grace": {
        "task": "missions.record_attendance_after_grace",
        "schedule": 6 * 3600,
    },
    # Staff votes close at their end date; volunteer grants follow approved hours (idempotent).
    "donations-close-due-votes": {"task": "donations.close_due_votes", "schedule": 15 * 60},
    "donations-compute-volunteer-grants": {
        "task": "donations.compute_volunteer_grants",
        "schedule": 24 * 3600,
    },
    # People: leave dates that have passed, accounts closed after the grace period (idempotent;
    # hourly so that each company's midnight is caught within the hour).
    "portal-apply-departures": {"task": "portal.apply_departures", "schedule": 3600},
    # Personal data: leavers past the retention period are erased, expired exports deleted.
    "portal-purge-expired-leavers": {
        "task": "portal.purge_expired_leavers",
        "schedule": 24 * 3600,
    },
    # Mécénat ledger: attended skills-sponsorship hours become gifts in kind (idempotent).
    "donations-value-skills-sponsorship": {
        "task": "donations.value_skills_sponsorship",
        "schedule": 24 * 3600,
    },
}
# Days a leaver may still sign in (statements, their data) before the account is deactivated.
CORDEE_LEAVER_GRACE_DAYS = env.int("CORDEE_LEAVER_GRACE_DAYS", default=30)

# Wagtail's own background work (search index updates, reference index) runs inline.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

# Django's and allauth's backends, loading user, profile, company and manager flag at once.
AUTHENTICATION_BACKENDS = [
    "portal.accounts.backends.ModelBackend",
    "portal.accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, tests only

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# New employees give their names at sign-up (payroll and managers know people by name).
ACCOUNT_SIGNUP_FORM_CLASS = "portal.accounts.signup.SignupNamesForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "view_password": "10/m/ip",  # Wagtail's page and document view passwords (portal/urls.py)
}
# Behind a load balancer every request comes from its address: without these, allauth's per-IP
# limits above (30 sign-ins a minute) would count the whole company as one client on a Monday
# morning. Trust exactly as many proxies as you run (X-Forwarded-For), or the one header your
# proxy sets; 0 (the default) ignores X-Forwarded-For, which a client can forge.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default=None)
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "portal.accounts.CompanyAccountAdapter"
ACCOUNT_FORMS = {"login": "portal.accounts.login_form.EmailFirstLoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cordée] "
# One address per person: a new one waits, unverified, and replaces the old once its link is
# followed; the adapter keeps it within the person's company domains.
ACCOUNT_CHANGE_EMAIL = True
# Second factors: an authenticator app, recovery codes, and security keys or passkeys
# (WebAuthn), which also sign a person in on their own, without the password.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# WebAuthn wants HTTPS; browsers accept http://localhost, which the demo and the browser tests
# use (a passkey is bound to the host name: open the demo at localhost, not 127.0.0.1).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG or TESTING
# Single sign-on: one SocialApp per company (portal.models.CompanySignOn); the adapter accepts a
# login only for an e-mail of that company's domains and creates people through apply_person.
SOCIALACCOUNT_ADAPTER = "portal.accounts.sso.CompanySocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {
    # allauth's OpenID Connect, stricter: PKCE, nonce, signature and issuer always checked.
    "openid_connect": {"provider_class": "portal.accounts.oidc.CompanyOIDCProvider"},
    # allauth's SAML, stricter: signed assertions in strict mode whatever the stored settings
    # say, IdP-initiated refused unless allowed, replayed assertions refused.
    "saml": {"provider_class": "portal.accounts.saml.CompanySAMLProvider"},
}

# SAML IdP metadata URLs may point at private, loopback or link-local addresses (an intranet
# IdP); off in production so a CSR officer cannot make the server fetch internal addresses.
CORDEE_SSO_ALLOW_PRIVATE_METADATA = env.bool(
    "CORDEE_SSO_ALLOW_PRIVATE_METADATA", default=DEBUG or TESTING
)

# The demo identity provider (portal.demo_idp, /demo-idp/): demo mode and tests only;
# portal.checks refuses it with DEBUG off.
CORDEE_DEMO_IDP = env.bool("CORDEE_DEMO_IDP", default=DEBUG or TESTING)
if CORDEE_DEMO_IDP:
    from portal.demo_idp.keys import demo_private_key

    INSTALLED_APPS += ["oauth2_provider", "portal.demo_idp"]
    OAUTH2_PROVIDER = {
        "OIDC_ENABLED": True,
        "PKCE_REQUIRED": True,
        "OAUTH2_VALIDATOR_CLASS": "portal.demo_idp.validator.DemoIdPValidator",
        "SCOPES": {"openid": "OpenID Connect", "profile": "Profile", "email": "E-mail"},
        "OIDC_RSA_PRIVATE_KEY": env.str("CORDEE_DEMO_IDP_KEY", default="") or demo_private_key(),
        "ID_TOKEN_EXPIRE_SECONDS": 300,
    }

_email = env.email_url("EMAIL_URL", default="consolemail://")
_smtp = _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {
            "host": _email.get("EMAIL_HOST") or "localhost",
            "port": _email.get("EMAIL_PORT") or None,
            "username": _email.get("EMAIL_HOST_USER") or None,
            "password": _email.get("EMAIL_HOST_PASSWORD") or None,
            "use_tls": bool(_email.get("EMAIL_USE_TLS")),
            "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
            "timeout": 10,
        }
        if _smtp
        else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Cordée <no-reply@cordee.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Public media: Wagtail images and their renditions only (see docs/deploy.md: a web server maps
# nothing else of MEDIA_ROOT). Files of one company (archived reports…) go to the private storage,
# outside MEDIA_ROOT, with no URL: views that check role and company stream them.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
PUBLIC_MEDIA_PREFIXES = ("images/", "original_images/")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "portal.storage.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Object storage (S3 API) instead of local disk, bucket by bucket: S3_MEDIA_BUCKET for uploads
# (Wagtail images and documents), S3_PRIVATE_BUCKET for private files. Both stay private.
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")
_S3_OPTIONS = {
    "endpoint_url": S3_ENDPOINT_URL or None,
    "region_name": env.str("S3_REGION", default="") or None,
    "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
    "signature_version": "s3v4",
    "addressing_style": "path" if S3_ENDPOINT_URL else None,
    "default_acl": None,
    "querystring_auth": True,
    "file_overwrite": False,
}
if S3_MEDIA_BUCKET := env.str("S3_MEDIA_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": S3_MEDIA_BUCKET,
            "querystring_expire": env.int("S3_MEDIA_URL_EXPIRE", default=3600),
        },
    }
if S3_PRIVATE_BUCKET := env.str("S3_PRIVATE_BUCKET", default=""):
    STORAGES["private"] = {
        "BACKEND": "portal.object_storage.PrivateS3Storage",
        "OPTIONS": {
            **_S3_OPTIONS,
            "bucket_name": S3_PRIVATE_BUCKET,
            "querystring_expire": env.int("S3_PRIVATE_URL_EXPIRE", default=60),
        },
    }
# How a private file reaches the one user allowed to have it: "stream" (through the app server)
# or "redirect" (a signed URL of the private bucket, valid S3_PRIVATE_URL_EXPIRE seconds).
CORDEE_PRIVATE_DOWNLOADS = env.str("CORDEE_PRIVATE_DOWNLOADS", default="stream")

WAGTAIL_GRAVATAR_PROVIDER_URL = None  # the admin would hotlink an external host
# The admin signs people in through allauth (verified e-mail, rate limits, no enumeration)
# and leaves password resets to it.
WAGTAILADMIN_LOGIN_URL = "account_login"
# The external-link chooser would turn a pasted URL into a page link, naming any company's
# page by its URL: links typed in rich text stay what they are.
WAGTAILADMIN_EXTERNAL_LINK_CONVERSION = ""
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Pages restricted to signed-in people send them to allauth's sign-in too (urls.py also
# redirects Wagtail's own /_util/login/).
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# E-mail and password change only in allauth's pages (verified, within the company's domains,
# second factor): Wagtail's account page and user forms offer neither.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # PostgreSQL's text-search configuration: French stems and stop words, since missions and
        # associations are written in French ("animal" finds "animaux"). After changing it, run
        # `manage.py update_index`. SQLite's backend ignores it.
        "SEARCH_CONFIG": env.str("CORDEE_SEARCH_CONFIG", default="french"),
    }
}
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
# No SVG: an uploaded SVG keeps its scripts and is served inline (no maintained sanitiser).
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
# Documents only through Wagtail's view (collection restrictions, nosniff, CSP), never a media URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# Security: the same headers in every environment; HTTPS-only parts when DEBUG is off.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Wagtail's admin still relies on inline styles and scripts; it gets its own, looser policy.
CORDEE_ADMIN_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-ancestors": [CSP.SELF],
    "object-src": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not TESTING)
    # Load balancers probe health over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# The language cookie too: HTTPS only in production, never read by scripts.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Payments (issue: giving); empty means the dummy provider serves demo data.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
# Stripe.js, loaded only by the card payment page (its CSP names this origin, nothing else does);
# tests point it at localstripe's fake at http://127.0.0.1:PORT/js.stripe.com/v3/.
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")

# Giving. Covering the card fees adds the European card rate: basis points of the gift plus a
# fixed part, in the company's currency minor units (Stripe's EEA rate: 1.5 % + 0.25 €).
CORDEE_CARD_FEE_BASIS_POINTS = env.int("CORDEE_CARD_FEE_BASIS_POINTS", default=150)
CORDEE_CARD_FEE_FIXED_CENTS = env.int("CORDEE_CARD_FEE_FIXED_CENTS", default=25)
# Payroll runs: above this share of pledgers missing from the net-pay file, confirming asks the
# officer to type the month; files larger than this many bytes are read by a Celery task.
CORDEE_PAYROLL_MISSING_CONFIRM_PERCENT = env.int(
    "CORDEE_PAYROLL_MISSING_CONFIRM_PERCENT", default=10
)
CORDEE_PAYROLL_ASYNC_PARSE_BYTES = env.int("CORDEE_PAYROLL_ASYNC_PARSE_BYTES", default=1_000_000)

# Called with the new company by portal.services.create_company: each app provisions what a
# company needs of it (its page section, permissions) without portal importing that app.
CORDEE_COMPANY_PROVISIONERS = [
    "portal.media_collections.provision_company_collection",
    "missions.services.catalogue.provision_company_catalogue",
]
# What each app holds on a person: modules with export(profile) -> {table: rows}, erase(profile)
# and optionally erasure_blockers(profile) (portal.privacy.contributors). Exported in this order,
# erased in the reverse one (the apps before portal's account and profile).
CORDEE_PERSONAL_DATA: list[str] = [
    "portal.privacy.people",
    "missions.privacy",
    "donations.privacy",
    "reporting.privacy",
]
# A leaver's personal data is erased this many months after their leave date (a company may set
# its own period); the money and tax records stay (docs/privacy.md).
CORDEE_LEAVER_RETENTION_MONTHS = env.int("CORDEE_LEAVER_RETENTION_MONTHS", default=36)
# Days a personal data export can be downloaded before it is deleted.
CORDEE_PERSONAL_DATA_EXPORT_DAYS = env.int("CORDEE_PERSONAL_DATA_EXPORT_DAYS", default=7)
# A privileged session (CSR, payroll officer, executive, platform admin) without a second factor
# or SSO is refused on these paths and on the views of these modules (portal/mfa.py).
CORDEE_MFA_PROTECTED_PATHS = ["/admin/", "/django-admin/"]
CORDEE_MFA_PROTECTED_VIEW_MODULES = [
    "donations.views.payroll",
    "donations.views.finance",
    "donations.views.rules",
    "donations.views.campaigns_csr",  # campaigns set company money (match terms, budgets)
    "reporting.views.impact",
    "reporting.views.csr",  # the CSR home: the company's to-do and figures
    "missions.views.csr",
    "donations.views.community_csr",
    "missions.views.community_csr",
    # People and personal data of the whole company: the HR import, SCIM tokens, leavers.
    "portal.views.people",
    "portal.scim.views.csr",
    "portal.views.privacy",
    # The mécénat ledger (the company's tax position) and salary data.
    "donations.views.ledger",
    "portal.views.pay",
]

# Called in order by `manage.py seed_demo`; each app seeds its own demo data (idempotently).
CORDEE_DEMO_SEEDERS: list[str] = [
    "missions.demo.catalogue.seed_site_tree",  # first: companies get their section in the tree
    "portal.demo.people.seed",
    "portal.demo.sign_on.seed",  # Groupe Horizon signs in through the demo identity provider
    "portal.demo.pay.seed",  # pay grades, for the skills-sponsorship valuation
    "missions.demo.catalogue.seed",
    "missions.demo.engagement.seed",
    "missions.demo.association_workspace.seed",  # an admin account per association with sessions
    "donations.demo.giving.seed",
    "donations.demo.leave_days.seed",  # needs the demo people's pay (or creates it)
    "donations.demo.ledger.seed",  # after engagement and giving: values their skills hours
    "donations.demo.receipts.seed",  # after giving and ledger: last year's receipts
    "donations.demo.campaigns.seed",  # a running Christmas collection and a volunteering month
    "missions.demo.community.seed",  # declared hours and a proposal, then grants and a vote
    "donations.demo.community.seed",
    "reporting.demo.reports.seed",  # last: it reports on what the others seeded
]

# The signed-in employee's home page, in display order: each builder returns a panel or None
# (portal/home.py states the contract). The staff votes' panel goes after the campaigns.
CORDEE_HOME_PANELS: list[str] = [
    "missions.views.home.next_sessions_panel",
    "missions.views.home.hours_panel",
    "donations.views.home.giving_panel",
    "donations.views.home.campaigns_panel",
    "donations.views.home.open_votes_panel",
    "donations.views.home.suggested_missions_panel",
]

# Logs go to stderr: JSON lines (one object a record, with the request id) by default in
# production, readable text in development and tests. LOG_FORMAT=json|text overrides.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG or TESTING else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.operations.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT if LOG_FORMAT in ("json", "text") else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Inline task runs and page-tree edits are chatty at INFO.
        "django.tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},  # one line per layout step and page otherwise
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Prometheus metrics at /metrics/, for a scraper sending "Authorization: Bearer <token>"; without
# a token set, /metrics/ answers 404 to everyone.
CORDEE_METRICS_TOKEN = env.str("CORDEE_METRICS_TOKEN", default="")

# Errors to Sentry when SENTRY_DSN is set (no personal data: no cookies, users or bodies).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from portal.operations.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
