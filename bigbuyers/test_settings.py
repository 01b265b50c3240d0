"""Settings for the test suite: the real PostgreSQL and Redis, and only what tests need changed."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 48)
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bigbuyers")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from bigbuyers.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed: tests create many users
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Tasks run in-process unless a test starts a real worker (tests/conftest.py, `celery_worker`).
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
STATIC_ROOT = None  # tests serve static files from the app folders (no collectstatic)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
AXES_VERBOSE = False  # its INFO lines on every test login drown failing output
LOGGING["loggers"] = {"axes": {"level": "WARNING"}}  # noqa: F405
