"""Uses the project's storages the way an app does and prints what it got, as JSON.

Saves one public file through the default storage and, when the settings have one, one private
file through the "private" storage, asks each for its URL, and with --collectstatic runs Django's
collectstatic and asks the staticfiles storage for a file's URL. The test judges the URLs and the
objects; this script only reports them.
"""
import json
import posixpath
import sys

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import storages  # noqa: E402
from django.core.management import call_command  # noqa: E402


def saved(alias, name, content):
    storage = storages[alias]
    stored = storage.save(name, ContentFile(content))
    return {"name": stored, "key": posixpath.join(storage.location, stored), "url": storage.url(stored)}


report = {"public": saved("default", "avatars/photo.txt", b"public bytes\n")}
if "private" in settings.STORAGES:
    report["private"] = saved("private", "invoices/2026-12.txt", b"private bytes\n")
if "--collectstatic" in sys.argv:
    call_command("collectstatic", interactive=False, verbosity=0)
    static = storages["staticfiles"]
    report["static"] = {"key": posixpath.join(static.location, "css/site.css"), "url": static.url("css/site.css")}
print(json.dumps(report))
