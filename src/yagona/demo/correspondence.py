"""Demo correspondence: a living registry office for `make demo` (demo.yaml ``correspondence``).

Each entry is one document of an agency, taken through the room's services (never its
models) as far as the entry says:

- ``kind: incoming``: a letter that came on paper, registered by ``clerk`` in ``journal``
  ``from`` an organisation (``name``) or an agency (``agency``), with their ``number``
  and a date ``days_ago`` (the working day on or before); a ``resolution`` of a head
  (``by``, ``text``) gives ``executors`` (``official``, ``working_days``, ``responsible``)
  their tasks; an executor with ``done`` completes theirs with that note (and the
  ``answer``, the key of a registered document of the list), co-executors first.
- ``kind: outgoing`` or ``internal``: written by ``author`` (``text`` is set on the
  letterhead, ``to`` names the addressee, ``answers`` the key of the document it answers),
  then ``until`` one of STEPS: ``route`` (stages of approvers, all of whom approve) and
  ``signatory`` (who signs with the demo code), registered by ``clerk`` in ``journal``
  (``case``: the file plan's index) and sent over the exchange when the addressee is in
  the address book (else it stays registered).

Person ids are demo.yaml's. Documents are made only for agencies with none yet, so that
a second run changes nothing. A signature uses the signatory's code of the moment, which
works once per person (allauth refuses its reuse): each person signs at most once.
"""

import logging
from collections import Counter
from datetime import timedelta

from django.db import transaction

from yagona.agencies.models import Agency
from yagona.core.countries import active_pack
from yagona.correspondence import control, delivery, letters, resolutions, routes, services
from yagona.correspondence.models import Access, Document

log = logging.getLogger(__name__)
STEPS = ("draft", "in_approval", "approved", "signed", "registered", "sent")


class DemoError(ValueError):
    """demo.yaml's ``correspondence`` cannot be played as written."""


def load_correspondence(data: dict, people: dict, code) -> list[Document]:
    """The documents of demo.yaml's ``correspondence`` for agencies that have none yet;
    ``code()`` gives a signatory's second-factor code now."""
    entries = [dict(entry, key=entry.get("key") or f"#{index}")
               for index, entry in enumerate(data.get("correspondence") or [])]
    used = {entry["agency"] for entry in entries}
    fresh = set(Agency.objects.filter(code__in=used, active=True)
                .exclude(pk__in=Document.objects.values("agency_id"))
                .values_list("code", flat=True))
    entries = [entry for entry in entries if entry["agency"] in fresh]
    _check(entries, people)
    made: dict[str, Document] = {}
    with transaction.atomic():
        for entry in entries:
            agency = Agency.objects.get(code=entry["agency"])
            write = _incoming if entry["kind"] == "incoming" else _written
            made[entry["key"]] = write(entry, agency, people, made, code)
        for entry in entries:  # tasks done once every answer is registered
            _complete(entry, people, made)
    if made:
        log.info("demo: %s documents in the registry offices of %s", len(made),
                 ", ".join(sorted(fresh)))
    return [Document.objects.get(pk=document.pk) for document in made.values()]


def _check(entries: list[dict], people: dict) -> None:
    """Refuse what would fail halfway: unknown people, unknown steps, a second
    signature of the same person in one run."""
    for entry in entries:
        if entry.get("until", "draft") not in STEPS:
            raise DemoError(f"demo.yaml correspondence {entry['key']}: 'until' is one of "
                            f"{', '.join(STEPS)}")
    signing = Counter(entry.get("signatory") for entry in entries
                      if entry["kind"] != "incoming"
                      and STEPS.index(entry.get("until", "draft")) >= STEPS.index("signed"))
    twice = sorted(person for person, count in signing.items() if count > 1)
    if twice:
        raise DemoError(f"demo.yaml correspondence: {', '.join(twice)} would sign more than "
                        "one document (a code works once)")
    for entry in entries:
        named = [entry.get(role) for role in ("clerk", "author", "signatory")]
        named += [person for stage in entry.get("route") or [] for person in stage]
        resolution = entry.get("resolution") or {}
        named += [resolution.get("by")] + [e["official"] for e in
                                           resolution.get("executors") or []]
        unknown = sorted(p for p in named if p is not None and p not in people)
        if unknown:
            raise DemoError(f"demo.yaml correspondence {entry['key']}: "
                            f"{', '.join(unknown)} not among the demo officials")


def _card(entry: dict, party: dict) -> services.Card:
    agency = Agency.objects.get(code=party["agency"]) if party.get("agency") else None
    return services.Card(
        doc_type=entry["type"], subject=entry["subject"], summary=entry.get("summary", ""),
        pages=int(entry.get("pages", 1)), access=entry.get("access", Access.PUBLIC),
        correspondent_agency=agency, correspondent_name=party.get("name", ""),
        their_number=str(party.get("number", "")),
        their_date=_working_day_back(party["days_ago"]) if "days_ago" in party else None,
        department_code=str(entry.get("department", "")))


def _working_day_back(days: int):
    """The working day ``days`` days ago, or the last one before it."""
    pack = active_pack()
    day = resolutions.local_today() - timedelta(days=int(days))
    while not pack.calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _incoming(entry: dict, agency, people: dict, made: dict, code) -> Document:
    document = services.register_incoming(people[entry["clerk"]], agency,
                                          _card(entry, entry.get("from") or {}),
                                          journal_code=entry.get("journal", ""))
    resolution = entry.get("resolution")
    if resolution:
        resolutions.write_resolution(
            people[resolution["by"]], document.pk, resolution["text"],
            [(people[e["official"]], int(e["working_days"]), bool(e.get("responsible")))
             for e in resolution["executors"]])
    return document


def _written(entry: dict, agency, people: dict, made: dict, code) -> Document:
    """An outgoing or internal document taken as far as ``until``."""
    author = people[entry["author"]]
    answers = made[entry["answers"]].pk if entry.get("answers") else None
    document = services.create_draft(author, agency, entry["kind"],
                                     _card(entry, entry.get("to") or {}), answers=answers)
    letters.compose(author, document.pk, entry["text"])
    until = STEPS.index(entry.get("until", "draft"))
    stages = [[people[person] for person in stage] for stage in entry.get("route") or []]
    if entry.get("signatory"):
        routes.set_route(author, document.pk, stages, people[entry["signatory"]])
    if until >= STEPS.index("in_approval"):
        routes.send_for_approval(author, document.pk)
    if until >= STEPS.index("approved"):
        for stage in stages:  # each stage opens once the one before it approved
            for approver in stage:
                routes.decide(approver, document.pk, True)
    if until >= STEPS.index("signed"):
        routes.sign(people[entry["signatory"]], document.pk, code())
    if until >= STEPS.index("registered"):
        services.register(people[entry["clerk"]], document.pk,
                          case_index=str(entry.get("case", "")),
                          journal_code=entry.get("journal", ""))
    if until >= STEPS.index("sent"):
        _send(people[entry["clerk"]], document)
    return document


def _send(clerk, document: Document) -> None:
    """Over the exchange, when the addressee's registry office can be reached (the
    demo's exchange is set up first); else the letter waits, registered, for the clerk."""
    document.refresh_from_db()
    reachable = {agency.pk for agency in delivery.address_book()}
    if document.correspondent_agency_id not in reachable:
        log.info("demo: %s stays registered: its addressee is not on the exchange",
                 document.number)
        return
    delivery.send(clerk, document.pk)


def _complete(entry: dict, people: dict, made: dict) -> None:
    executors = (entry.get("resolution") or {}).get("executors") or []
    document = made[entry["key"]]
    # Co-executors report first; the responsible executor's completion ends the work.
    for executor in sorted(executors, key=lambda e: bool(e.get("responsible"))):
        if "done" not in executor:
            continue
        user = people[executor["official"]]
        task = control.assignments_of(user).get(resolution__document=document)
        answer = made[executor["answer"]].pk if executor.get("answer") else None
        resolutions.complete_assignment(user, task.pk, executor["done"], answer)
