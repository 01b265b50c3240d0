"""Production settings served over plain HTTP on loopback, with the baseline view added."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-" + "0123456789abcdef" * 3)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("BEHIND_TLS_PROXY", "0")

from bigbuyers.env import Rate
from bigbuyers.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
RATELIMIT_SUBMIT_PER_IP = Rate(1_000_000, 60)
RATELIMIT_SIGNIN_PER_IP = Rate(1_000_000, 60)
