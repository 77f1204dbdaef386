"""A sign-in lockout survives a full page cache.

Anonymous pages are cached per address, so every different ``/search/?q=…`` adds an
entry. Were they kept in the cache that holds allauth's rate limits, filling it would
cull the lockout (the database cache culls the lowest keys, and ``allauth:rl:…``
sorts before ``page:…``), and an attacker could alternate five guesses with a few
hundred searches. One process with the embedded configuration (not the test one).
"""

import json
import os
import subprocess
import sys

STEP = r"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client
from yagona.accounts.models import User
from django.core.management import call_command

call_command("migrate", verbosity=0)
User.objects.create_user("12345674", password="the right pass phrase 42")
guesser = Client()
guesser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the message below is read in English
login = {"login": "12345674", "password": "a wrong password"}
wrong = [guesser.post("/accounts/login/", login).status_code for _ in range(5)]
pages = settings.CACHES.get("pages", settings.CACHES["default"])
fill = pages.get("OPTIONS", {}).get("MAX_ENTRIES", 300) + 10
searches = [Client().get(f"/search/?q=word{n}").status_code for n in range(fill)]
answer = guesser.post("/accounts/login/", dict(login, password="the right pass phrase 42"))
print(json.dumps({
    "cache": settings.CACHES["default"]["BACKEND"],
    "wrong": wrong, "searches": sorted(set(searches)), "filled": fill,
    "signed_in": answer.status_code == 302,
    "locked": "Too many failed attempts" in answer.content.decode(),
}))
"""


def test_a_lockout_survives_a_full_page_cache(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"YAGONA_TESTING", "YAGONA_MODE", "DATABASE_URL", "REDIS_URL"}}
    env.update(DJANGO_SETTINGS_MODULE="yagona.settings", YAGONA_VAR=str(tmp_path),
               DATABASE_URL=f"sqlite:///{tmp_path / 'flood.sqlite3'}")
    done = subprocess.run([sys.executable, "-c", STEP], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert result["wrong"] == [200] * 5
    assert result["searches"] == [200] and result["filled"] > 300  # every page was cached
    assert not result["signed_in"]
    assert result["locked"]
