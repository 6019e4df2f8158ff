"""Settings for the test suite: the real settings, with a throwaway key and a fast hasher."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="samma-test-media-"))
os.environ.setdefault("PAGE_CACHE_GENERATION_DIR", tempfile.mkdtemp(prefix="samma-test-generations-"))

from samma_portal.settings import *  # noqa: E402,F403

# Hashing passwords slowly is a production virtue and a test-suite cost.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Serve static files straight from the finders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None
# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
