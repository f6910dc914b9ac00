# A minimal Django project for the integration tier. Everything about storage comes from
# storage_settings.py, which the test writes with `npm run env -- <stack> --format django` and
# puts on the path unchanged; the key comes from the environment, as `npm run env --
# <stack> --with-secrets` writes it. Nothing here names a bucket, a host or a key.
from pathlib import Path

from storage_settings import *  # noqa: F401,F403 (STORAGES)

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = "integration-tier-only"
DEBUG = False
USE_TZ = True
INSTALLED_APPS = ["django.contrib.staticfiles"]
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "assets"]
