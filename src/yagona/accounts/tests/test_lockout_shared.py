"""Sign-in lockout is kept in the database cache, so every worker process sees it.

Two real processes on one database, with the embedded configuration (not the test one):
the first fails to sign in until allauth locks the person ID, the second then tries the
right password and must be refused too. With a per-process cache it would get in.
"""

import json
import os
import subprocess
import sys

STEP = r"""
import json, os, sys
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from yagona.accounts.models import User

step = sys.argv[1]
if step == "first":
    call_command("migrate", verbosity=0)
    User.objects.create_user("12345674", password="the right pass phrase 42")
client = Client()
client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message below is read in English
password = "a wrong password" if step == "first" else "the right pass phrase 42"
answers = [client.post("/accounts/login/", {"login": "12345674", "password": password})
           for _ in range(6 if step == "first" else 1)]
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "signed_in": [a.status_code == 302 for a in answers],
    "locked": ["Too many failed attempts" in a.content.decode() for a in answers],
}))
"""


def run_step(tmp_path, step):
    env = {k: v for k, v in os.environ.items()
           if k not in {"YAGONA_TESTING", "YAGONA_MODE", "DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="yagona.settings", YAGONA_VAR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}")
    done = subprocess.run([sys.executable, "-c", STEP, step], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_lockout_recorded_by_one_process_holds_in_another(tmp_path):
    first = run_step(tmp_path, "first")
    assert first["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert first["signed_in"] == [False] * 6
    assert first["locked"][-1]  # allauth locked the person ID in this process

    second = run_step(tmp_path, "second")
    assert second["signed_in"] == [False]
    assert second["locked"] == [True]
