"""Django settings: the :class:`~medtrace.web.config.WebConfig` of ``medtrace serve`` mapped
onto Django's names. DEBUG is never on; cookies are HttpOnly, SameSite=Lax and Secure
behind https; passwords are hashed with Argon2; the CSP forbids inline script and style."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF

from medtrace.api.sign import signing_setup
from medtrace.web.config import WebConfig, read_secret
from medtrace.web.database import database_settings
from medtrace.web.logs import logging_settings

CONFIG = WebConfig.from_environ()
# [signatures.accounts] of the project: session timeout, lockout, password rules (11.300)
ACCOUNT_RULES = signing_setup(Path(CONFIG.project))[1].accounts

DEBUG = False
SECRET_KEY = read_secret(CONFIG.state_dir)
# On loopback (alone, or behind a reverse proxy on the same machine): the loopback names
# and the hosts of the origins the proxy serves the application at.
ALLOWED_HOSTS = (
    ["*"]
    if not CONFIG.loopback
    else [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "testserver",
        *(urlsplit(origin).hostname or "" for origin in CONFIG.trusted_origins),
    ]
)
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "ninja",
    "medtrace.web",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "medtrace.web.middleware.RequestIdMiddleware",
    "medtrace.web.logs.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "medtrace.web.middleware.SignInRequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "medtrace.web.middleware.MedtraceErrorMiddleware",
]
ROOT_URLCONF = "medtrace.web.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "medtrace.web.services.context.navigation",
            ],
            "string_if_invalid": "",
        },
    }
]
DATABASES = {"default": database_settings(CONFIG.database_url, CONFIG.database)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": ACCOUNT_RULES.password_min_length},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
# Signed out after this long without a request: each request moves the expiry on.
SESSION_COOKIE_AGE = ACCOUNT_RULES.idle_minutes * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CONFIG.https
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = CONFIG.https
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 31536000 if CONFIG.https else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CONFIG.https else None
# Behind a reverse proxy (medtrace server run): the host the person typed, and the origins
# the proxy serves the application at, which CSRF accepts.
USE_X_FORWARDED_HOST = CONFIG.https
CSRF_TRUSTED_ORIGINS = list(CONFIG.trusted_origins)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True  # served from the installed package: no collectstatic step
WHITENOISE_AUTOREFRESH = False
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = False
LOGGING = logging_settings(CONFIG.log_format)
NINJA_PAGINATION_PER_PAGE = 50
