"""Settings for Entraide.

One module, switched by environment variables. Defaults run the site with no
set-up at all (SQLite and a generated secret key under ``var/``); production
sets ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS`` and ``DATABASE_URL``.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ENTRAIDE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Local runs keep one generated key so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "mptt",
    "reversion",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "privacy",
    "qa",
    "reputation",
    "search",
    "versioning",
    "notifications",
    "moderation",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "webhooks",
    "embed",
    "imports",
    "wiki",
    "ideas",
    "community",
    "dashboard",
    "seo",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First, so every log line of the request, even a refusal, carries its id.
    "entraide.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "entraide.db_router.ReplicaPinMiddleware",
    # Answers a visitor's request for a cached page without most of what follows.
    "qa.page_cache.VisitorPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Answers CORS for API keys before anything else can refuse the request.
    "api.cors.ApiKeyCorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.MemberLanguageMiddleware",
    "accounts.middleware.AccountFormStatusMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "privacy.middleware.PolicyConsentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "entraide.security.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "entraide.urls"
WSGI_APPLICATION = "entraide.wsgi.application"
ASGI_APPLICATION = "entraide.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    conn_max_age = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue
            # instead of failing with "database is locked" on lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                # Keep hot pages in memory: a thread page reads several
                # scattered bodies, and a 2 MB cache sends each to the OS.
                " PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
            ),
        }
        config["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME") or None}
    else:
        config["CONN_HEALTH_CHECKS"] = True
        # A stopped or unreachable server fails the request within seconds
        # (503, entraide.views.server_error) instead of holding a worker.
        config["OPTIONS"] = {
            "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "3")),
            **config.get("OPTIONS", {}),
        }
        statement_timeout = os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS")
        if statement_timeout:
            config["OPTIONS"]["options"] = f"-c statement_timeout={int(statement_timeout)}"
    return config


def _databases() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'entraide.sqlite3'}"
    databases = {"default": _database(url)}
    replica_url = os.environ.get("DATABASE_REPLICA_URL")
    if replica_url:
        # Read-only selectors read here (entraide.db_router); in tests it
        # mirrors the test database, so what the primary wrote is visible.
        databases["replica"] = {**_database(replica_url), "TEST": {"MIRROR": "default"}}
    return databases


DATABASES = _databases()
DATABASE_ROUTERS = ["entraide.db_router.PrimaryReplicaRouter"] if "replica" in DATABASES else []
# After a write, the client reads from the primary this long (replication lag).
DATABASE_REPLICA_PIN_SECONDS = int(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Django's ModelBackend, loading the member with their unread-notification
# count for the header in the same query. ModelBackend stays listed so that
# sessions started with it stay valid (their header counts with one query more).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One backend: allauth's (username or e-mail, rate limits), loading the
# member with their unread-notification count (notifications.backends).
AUTHENTICATION_BACKENDS = ["notifications.backends.UserWithUnreadCountBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "qa:question_list"
LOGOUT_REDIRECT_URL = "qa:question_list"

# Accounts (django-allauth): log in with username or e-mail, sign up with a
# verified e-mail address, one address per member (changing it re-verifies).
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the member when their password or e-mail changes
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapter.SocialAccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Entraide] "
# Brute-force protection: after LOGIN_FAILURES_PER_ACCOUNT failed attempts on
# one account in LOGIN_LOCKOUT_MINUTES, that account's log-in is locked for the
# rest of the window ("Too many failed login attempts"); one address may fail
# at most 20 times a minute across accounts. Counters live in the cache, which
# must be shared between processes in production (REDIS_URL).
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
ACCOUNT_RATE_LIMITS = {
    "login_failed": (f"20/m/ip,{LOGIN_FAILURES_PER_ACCOUNT}/{LOGIN_LOCKOUT_MINUTES * 60}s/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
}


def oidc_providers(environ: Mapping[str, str]) -> dict[str, Any]:
    """Single sign-on with a brand's OpenID Connect provider, when configured
    (``OIDC_*`` in ``environ``; the SSO test passes its own provider's)."""
    server = environ.get("OIDC_SERVER_URL")
    if not server:
        return {}
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": environ.get("OIDC_PROVIDER_ID", "sso"),
                    "name": environ.get("OIDC_NAME", "Single sign-on"),
                    "client_id": environ.get("OIDC_CLIENT_ID", ""),
                    "secret": environ.get("OIDC_CLIENT_SECRET", ""),
                    "settings": {"server_url": server},
                }
            ],
        }
    }


SOCIALACCOUNT_PROVIDERS = oidc_providers(os.environ)
# The brand's provider vouches for its customers' addresses.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False


# Privacy: policy versions (raise one and every member is asked again),
# erasure grace period, retention of logs and export archives.
PRIVACY: dict[str, Any] = {
    "SITE_NAME": os.environ.get("SITE_NAME", "Entraide"),
    "TERMS_VERSION": os.environ.get("TERMS_VERSION", "2026-11-01"),
    "PRIVACY_VERSION": os.environ.get("PRIVACY_VERSION", "2026-11-01"),
    "ERASURE_GRACE_DAYS": int(os.environ.get("ERASURE_GRACE_DAYS", "7")),
    "LOG_RETENTION_DAYS": int(os.environ.get("LOG_RETENTION_DAYS", "90")),
    "EXPORT_KEEP_DAYS": 7,
    # Accounts with more posts, comments and votes than this get their
    # archive built by the scheduler instead of during the request.
    "EXPORT_INLINE_MAX_ITEMS": 2000,
}

LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns at start-up when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    # Avatars; served through accounts.views.avatar, not by URL.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Export archives: only ever handed out by a view that checks the owner.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# A 1 MB post body must reach the form and be refused with a message; the
# request itself is capped a little above that.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Sessions read from the cache and written through to the database: a
# member's page then needs no session query, and with Redis (production;
# see CACHES) every web node sees them and a Redis restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the small site script reads it for fetch()
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    # HTTPS only: cookies never travel in clear, HTTP redirects to HTTPS, and
    # browsers remember it (HSTS). Behind a TLS-terminating proxy, set
    # SECURE_PROXY_SSL_HEADER=1 so Django trusts its X-Forwarded-Proto.
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer's probes come over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Content-Security-Policy (entraide.security): everything from this site only,
# no inline scripts or styles. A view may widen frame-ancestors for embeds.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
if os.environ.get("OIDC_SERVER_URL"):
    # Log-in with single sign-on posts a form that redirects to the provider.
    from urllib.parse import urlsplit

    _oidc = urlsplit(os.environ["OIDC_SERVER_URL"])
    CONTENT_SECURITY_POLICY["form-action"].append(f"{_oidc.scheme}://{_oidc.netloc}")


# Rules of the Q&A core, in one place so a site can change them.
QA = {
    "TITLE_MIN": 15,
    "TITLE_MAX": 150,
    "BODY_MIN": 30,
    "BODY_MAX": 30_000,
    "TAGS_MIN": 1,
    "TAGS_MAX": 5,
    "TAG_MAX_LENGTH": 35,
    "COMMENT_MIN": 15,
    "COMMENT_MAX": 600,
    # Levels below a top-level comment: 0 is top level, so 3 allows replies
    # to replies to replies, which keeps threads readable on a phone.
    "COMMENT_MAX_DEPTH": 3,
    "QUESTIONS_PER_PAGE": 15,
}

# Reputation rules (Stack Exchange's defaults). PRIVILEGE_PRESET picks the
# thresholds: "standard", or "beta" for a small or new community.
REPUTATION: dict[str, Any] = {
    "QUESTION_UPVOTE": 10,
    "ANSWER_UPVOTE": 10,
    "POST_DOWNVOTED": -2,
    "ANSWER_DOWNVOTE_COST": -1,
    "ANSWER_ACCEPTED": 15,
    "ACCEPTER": 2,
    "EDIT_APPROVED": 2,
    "EDIT_APPROVED_MAX_TOTAL": 1000,
    "SPAM_PENALTY": -100,
    "DAILY_CAP": 200,
    "DAILY_VOTE_LIMIT": 40,
    "BOUNTY_MIN": 50,
    "BOUNTY_MAX": 500,
    "BOUNTY_DAYS": 7,
    "SERIAL_VOTES_THRESHOLD": 10,
    "SERIAL_VOTES_WINDOW_HOURS": 24,
    "PRIVILEGE_PRESET": os.environ.get("PRIVILEGE_PRESET", "standard"),
}

# Moderation thresholds and abuse limits (Stack Exchange's defaults where it has one).
MODERATION: dict[str, Any] = {
    # Spam or rude/abusive flags from distinct members that hide a post at once.
    "POST_SPAM_FLAGS_TO_HIDE": 6,
    # Flags of any kind from distinct members that hide a comment.
    "COMMENT_FLAGS_TO_HIDE": 3,
    "CLOSE_VOTES_NEEDED": 5,
    "REOPEN_VOTES_NEEDED": 5,
    # Matching reviews that settle a review task (staff and super-users settle at once).
    "REVIEWS_NEEDED": 3,
    # How long a task handed to a reviewer stays theirs alone.
    "REVIEW_CLAIM_MINUTES": 10,
    # An answer this long after its question goes to the late-answers queue.
    "LATE_ANSWER_DAYS": 30,
    # Below this reputation a member is new: the limits below apply.
    "NEW_MEMBER_REPUTATION": 10,
    "NEW_MEMBER_QUESTION_MINUTES": 20,
    "NEW_MEMBER_ANSWERS_PER_HOUR": 3,
    "NEW_MEMBER_MAX_LINKS": 2,
    # Reputation needed to answer a protected question.
    "PROTECTED_MIN_REPUTATION": 10,
    # The same body from the same member within this time is refused.
    "DUPLICATE_BODY_MINUTES": 10,
    # Sign-up and posting forms filled faster than this are refused (bots).
    "FORM_MIN_FILL_SECONDS": 3,
    "SUSPENSION_MAX_DAYS": 365,
}

# The cache: Redis when REDIS_URL is set (shared by every process, as rate
# limits, log-in lockouts, sessions and the page cache need in production),
# else memory local to the process.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "entraide.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
            # A stalled Redis fails the request quickly (503) rather than hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Anonymous question pages are cached whole for at most this long, a recent
# thread for a tenth of its newest date's age (qa.page_cache.seconds_for);
# any change to the question drops its copy at once (a vote, within a
# minute: qa.page_cache.questions_voted). 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "3600" if REDIS_URL else "0"))
# Visitors' lists and search results, and the API's instant answers, are
# cached this long whatever changes (qa.page_cache, search.instant). A minute:
# under the load mix, 30 s left one search in five to the engine, whose
# queries then took more CPU than the database (README, *Load*). 0 turns it
# off.
LIST_CACHE_SECONDS = int(os.environ.get("LIST_CACHE_SECONDS", "60" if REDIS_URL else "0"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.QueryStringCredentialsRefused",
        "api.authentication.BearerAuthentication",
        "api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # ``format`` is oEmbed's parameter, not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Entraide API",
    "DESCRIPTION": (
        "Questions, answers, comments, votes, tags, categories, members and badges of an "
        "Entraide community. Every error is an RFC 9457 problem document."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The query-string refusal is a guard, not a way to authenticate.
    "AUTHENTICATION_WHITELIST": [
        "api.authentication.BearerAuthentication",
        "api.authentication.CsrfSessionAuthentication",
    ],
}

# Where the site is reached, for absolute links sent to other systems
# (webhook payloads, oEmbed, the widget).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Webhook deliveries: attempts before giving up, the first retry's delay
# (doubled after each failure, at most MAX_BACKOFF), the request timeout.
WEBHOOKS: dict[str, Any] = {
    "MAX_ATTEMPTS": 8,
    "BACKOFF_SECONDS": 30,
    "MAX_BACKOFF_SECONDS": 6 * 3600,
    "TIMEOUT_SECONDS": 10,
    # A claimed delivery is retried by another worker if this one dies.
    "LEASE_SECONDS": 120,
    # Plain http endpoints, for local receivers; production sends https only.
    "ALLOW_HTTP": env_bool("WEBHOOKS_ALLOW_HTTP", DEBUG),
}

# The API: limits per minute (reads and writes apart), the body size limit,
# and how long anonymous readers may cache a response.
API: dict[str, Any] = {
    "ANON_READS_PER_MINUTE": int(os.environ.get("API_ANON_READS_PER_MINUTE", "60")),
    "USER_READS_PER_MINUTE": int(os.environ.get("API_USER_READS_PER_MINUTE", "300")),
    "WRITES_PER_MINUTE": int(os.environ.get("API_WRITES_PER_MINUTE", "20")),
    "MAX_BODY_BYTES": 256 * 1024,
    "ANON_MAX_AGE": 60,
    "PAGE_SIZE": 20,
    "MAX_PAGE_SIZE": 100,
}


def _meilisearch_key() -> str:
    key = os.environ.get("MEILISEARCH_API_KEY")
    if key:
        return key
    # `make run` generates the local server's master key here (search.engine).
    local = VAR_DIR / "meilisearch" / "master_key"
    return local.read_text().strip() if local.exists() else ""


# Search (Meilisearch). The site's server side uses the admin key; pages
# query through a search-only key that ``search_setup`` creates.
SEARCH: dict[str, Any] = {
    "URL": os.environ.get("MEILISEARCH_URL", "http://127.0.0.1:7700"),
    "API_KEY": _meilisearch_key(),
    # One index for questions, FAQ entries and wiki pages, so one query ranks them together.
    "INDEX": os.environ.get("MEILISEARCH_INDEX", "entraide"),
    "TIMEOUT": float(os.environ.get("MEILISEARCH_TIMEOUT", "2")),
    "RESULTS_PER_PAGE": 10,
    "SUGGESTIONS": 5,
    # Answers whose text goes into their question's document besides the accepted one.
    "TOP_ANSWERS": 3,
    "SYNC_BATCH": int(os.environ.get("SEARCH_SYNC_BATCH", "500")),
    # How long a worker owns the outbox rows it claimed before another may retry them.
    "SYNC_LEASE_SECONDS": int(os.environ.get("SEARCH_SYNC_LEASE_SECONDS", "300")),
    # How long the worker gathers new rows after a wake-up before it sends them.
    "SYNC_GATHER_SECONDS": float(os.environ.get("SEARCH_SYNC_GATHER_SECONDS", "1")),
    "SYNC_MAX_BACKOFF_SECONDS": int(os.environ.get("SEARCH_SYNC_MAX_BACKOFF_SECONDS", "60")),
}

# Contact support: where a request that the search did not deflect goes.
SUPPORT = {
    "EMAIL": os.environ.get("SUPPORT_EMAIL", "support@localhost"),
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Entraide <noreply@localhost>")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Notification e-mail is sent by a worker (its links start with SITE_URL); a
# stalled SMTP server must not hold the worker.
EMAIL_TIMEOUT = 20

# The wiki: who edits (staff and super-users always), and how long a page may be.
WIKI: dict[str, Any] = {
    "EDIT_MIN_REPUTATION": int(os.environ.get("WIKI_EDIT_MIN_REPUTATION", "1000")),
    "BODY_MAX": 100_000,
}

# The FAQ: when on, an entry is published only after a second staff member
# (or a super-user) approves what the first one sent to review.
FAQ: dict[str, Any] = {
    "REQUIRE_SECOND_APPROVAL": env_bool("FAQ_REQUIRE_SECOND_APPROVAL", True),
}

# Logs: one JSON object a line with the request id in production
# (LOG_FORMAT=json, the default when DEBUG is off), plain text otherwise.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "entraide.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "entraide.observability.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
