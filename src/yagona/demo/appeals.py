"""Demo appeals: citizens' appeals in every state for `make demo` (demo.yaml ``appeals``).

Each entry is one appeal, sent through the appeals room's services (``appeals.services``,
never its models) and taken through its ``steps``:

- the appeal: ``author`` (a demo citizen; ``party: organisation`` for the company whose
  director they are), or ``anonymous: true``; ``kind``; ``agency`` (left out: the
  category's agency, or the reception, which routes it); a problem report's
  ``category``, ``attributes``, ``place`` (``lat``, ``lon``, ``address``) and ``photos``
  (drawings of demo/pictures.py: dump, wire, wall, roof, traffic_light, site);
  ``language``, ``subject``, ``text``; sent ``days_ago``.
- ``steps``, in order, each an ``action`` by an official (``by``) or the author:
  ``assign`` (the official takes it, or gives it ``to`` a colleague), ``forward`` (``to``
  an agency, with a ``reason`` the author reads), ``note`` (``text``, ``to_author``),
  ``request_info`` (``text``), ``provide_info`` (the author's ``text``), ``extend``
  (``days``, ``reason``), ``merge`` (``into``: the key of an earlier entry), ``answer``
  (``text``; signed with the official's authenticator code), ``rate`` (``useful``,
  ``on_time``), ``complain`` (``text``; the complaint at the superior body takes its own
  ``steps``), ``withdraw``. A step happens ``days_ago``, else a day after the one before.

The steps of all entries are played in the order of their days, so that a duplicate is
merged before the appeal it repeats is answered, and numbers follow the days of
sending. After each step demo/backdate.py (demo only) moves what it wrote to its day
and replays the legal clock from there; the monthly figures are rebuilt at the end.
Person ids are demo.yaml's. Appeals are made only while there are none, so that a second
run changes nothing. An answer takes the official's code of the step before this one
(still accepted, and not the one a person signing in now types): each official answers
at most once in the demo.
"""

import logging
from collections import Counter
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yagona.accounts import queries as accounts
from yagona.appeals import figures, services
from yagona.appeals.models import Appeal
from yagona.core.countries import active_pack
from yagona.demo import backdate
from yagona.demo.correspondence import DemoError
from yagona.demo.pictures import DRAWINGS, picture

log = logging.getLogger(__name__)
OFFICIALS = {"assign", "forward", "note", "request_info", "extend", "merge", "answer"}
AUTHORS = {"provide_info", "rate", "complain", "withdraw"}
STEP_KEYS = {"action", "by", "days_ago", "text", "to", "to_author", "reason", "days", "into",
             "useful", "on_time", "steps"}


def load_appeals(data: dict, people: dict, spare_codes) -> dict:
    """The appeals of demo.yaml's ``appeals`` while there are none yet: {key: appeal},
    and under "tracking" the tracking codes of anonymous ones (shown once, as to their
    authors). ``spare_codes()`` gives the officials' authenticator codes to sign with."""
    entries = [dict(entry, key=entry.get("key") or f"#{index}")
               for index, entry in enumerate(data.get("appeals") or [])]
    if not entries or Appeal.objects.exists():
        return {}
    _check(entries, people)
    made: dict[str, Appeal] = {}
    tracking: dict[str, str] = {}
    with transaction.atomic():
        for when, _order, key, entry, step in _timeline(entries):
            if step is None:
                appeal, code = _send(entry, people)
                made[key] = backdate.settle(appeal, "submit", when, None)
                if code:
                    tracking[key] = code
                continue
            appeal = made[key]
            before = backdate.mark(appeal)
            complaint = _play(step, appeal, people, entry, made, spare_codes)
            made[key] = backdate.settle(appeal, step["action"], when, before)
            if complaint is not None:
                made[f"{key}/complaint"] = backdate.settle(complaint, "submit", when, None)
        figures.rebuild()
    log.info("demo: %s appeals, %s of them answered", len(made),
             sum(1 for appeal in made.values() if appeal.answered_at))
    return {"appeals": made, "tracking": tracking}


def _check(entries: list[dict], people: dict) -> None:
    """Refuse what would fail halfway: unknown people, actions or entries, an appeal sent
    today or later, an official answering twice (one code each)."""
    keys: set[str] = set()
    answering: Counter = Counter()
    for entry in entries:
        where = f"demo.yaml appeals {entry['key']}"
        if int(entry.get("days_ago", 0)) < 1:
            raise DemoError(f"{where}: 'days_ago' is at least 1 (the demo's past)")
        if not entry.get("anonymous") and entry.get("author") not in people:
            raise DemoError(f"{where}: the author is not among the demo citizens")
        unknown = set(entry.get("photos") or []) - set(DRAWINGS)
        if unknown:
            raise DemoError(f"{where}: no drawing of {', '.join(sorted(unknown))} "
                            f"(one of {', '.join(DRAWINGS)})")
        for step in _steps(entry):
            action = step.get("action")
            if action not in OFFICIALS | AUTHORS:
                raise DemoError(f"{where}: no action '{action}'")
            if set(step) - STEP_KEYS:  # e.g. a comma in an unquoted text of a {...} step
                raise DemoError(f"{where}: {action} has unknown keys "
                                f"{', '.join(map(str, sorted(set(step) - STEP_KEYS)))}")
            if action in OFFICIALS and step.get("by") not in people:
                raise DemoError(f"{where}: {action} by {step.get('by')}, not among the "
                                "demo officials")
            if action == "merge" and step.get("into") not in keys:
                raise DemoError(f"{where}: merge into '{step.get('into')}', not an "
                                "earlier entry")
            if action == "answer":
                answering[step["by"]] += 1
        keys.add(entry["key"])
    twice = sorted(person for person, count in answering.items() if count > 1)
    if twice:
        raise DemoError(f"demo.yaml appeals: {', '.join(twice)} would answer more than "
                        "once (each official signs one answer with a spare code)")


def _steps(entry: dict) -> list[dict]:
    """The entry's steps, and those of its complaint."""
    steps = list(entry.get("steps") or [])
    for step in entry.get("steps") or []:
        steps += step.get("steps") or [] if step.get("action") == "complain" else []
    return steps


def _moment(days_ago: int, order: int) -> datetime:
    """A time in office hours ``days_ago`` days before today, in the country's zone."""
    zone = active_pack().zone
    day = timezone.localtime(timezone.now(), zone).date() - timedelta(days=int(days_ago))
    minutes = 9 * 60 + (order * 37) % (8 * 60)
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)


def _timeline(entries: list[dict]) -> list[tuple]:
    """(when, order, key, entry, step) of every sending and step, in the order of time;
    a step's ``days_ago`` or a day after the one before, never earlier than it."""
    events, order, latest = [], 0, timezone.now() - timedelta(minutes=5)

    def chain(key, entry, steps, start):
        nonlocal order
        previous = start
        for step in steps:
            order += 1
            when = _moment(step["days_ago"], order) if "days_ago" in step else \
                previous + timedelta(days=1)
            when = min(max(when, previous + timedelta(minutes=20)), latest)
            events.append((when, order, key, entry, step))
            if step["action"] == "complain":
                chain(f"{key}/complaint", entry, step.get("steps") or [], when)
            previous = when

    for entry in entries:
        order += 1
        sent = min(_moment(entry["days_ago"], order), latest)
        events.append((sent, order, entry["key"], entry, None))
        chain(entry["key"], entry, entry.get("steps") or [], sent)
    return sorted(events, key=lambda event: (event[0], event[1]))


def _send(entry: dict, people: dict):
    author = None if entry.get("anonymous") else people[entry["author"]]
    party = "self"
    if author is not None and entry.get("party") == "organisation":
        party = next(p.key for p in accounts.parties_for(author) if p.kind == "organisation")
    place = entry.get("place") or {}
    spot = (place["lat"], place["lon"]) if place else None
    photos = [picture(name, index, spot) for index, name in enumerate(entry.get("photos") or [])]
    return services.submit(author, services.Draft(
        kind=entry["kind"], text=entry["text"], subject=entry.get("subject", ""),
        agency=entry.get("agency", ""), category=entry.get("category", ""),
        latitude=place.get("lat"), longitude=place.get("lon"),
        address=place.get("address", ""), attributes=entry.get("attributes") or {},
        anonymous=bool(entry.get("anonymous")), party=party,
        language=entry.get("language") or active_pack().languages[0]), photos)


def _play(step: dict, appeal, people: dict, entry: dict, made: dict, spare_codes):
    """One step through the services; the complaint a ``complain`` step makes."""
    action, uuid = step["action"], appeal.uuid
    official = people.get(step.get("by"))
    author = None if entry.get("anonymous") else people[entry["author"]]
    if action == "assign":
        services.assign(official, uuid, people[step["to"]] if step.get("to") else None)
    elif action == "forward":
        services.forward(official, uuid, step["to"], step["reason"])
    elif action == "note":
        services.note(official, uuid, step["text"], to_author=bool(step.get("to_author")))
    elif action == "request_info":
        services.request_info(official, uuid, step["text"])
    elif action == "extend":
        services.extend(official, uuid, int(step["days"]), step["reason"])
    elif action == "merge":
        into = Appeal.objects.get(pk=made[step["into"]].pk)  # its number, as renumbered
        services.merge(official, uuid, into.number)
    elif action == "answer":
        _answer(official, uuid, step["text"], spare_codes)
    elif action == "provide_info":
        services.provide_info(author, uuid, step["text"])
    elif action == "rate":
        services.rate(author, uuid, useful=bool(step["useful"]), on_time=bool(step["on_time"]))
    elif action == "complain":
        return services.complain(author, uuid, step["text"])
    elif action == "withdraw":
        services.withdraw(author, uuid)
    return None


def _answer(official, uuid, text: str, spare_codes) -> None:
    """Sign the answer with a code the official has not used (allauth takes each once)."""
    for code in spare_codes():
        try:
            services.answer(official, uuid, text, code)
            return
        except ValidationError as exc:
            if "confirmation" not in getattr(exc, "message_dict", {}):
                raise
    raise DemoError(f"demo appeals: no unused authenticator code left for "
                    f"{official.username}")
