"""The UN E-Government Survey's Member States Questionnaire (issue 13, point 6):
``yagona report un-msq --year Y`` answers the questions the platform's own data can
answer for that year (its portals, usage, satisfaction, open data, the budget published,
e-participation) and lists those that need a person's answer (strategy, law, the CIO,
ICT spending ...), as Markdown and JSON. The questions are the UN's
(``un_msq_2020.yaml``); the report is in English, the questionnaire's language."""

from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import yaml
from django.conf import settings

from yagona.appeals import queries as appeals
from yagona.applications import queries as applications
from yagona.catalogue import queries as catalogue
from yagona.core.countries import active_pack
from yagona.core.text import localized
from yagona.opendata import own_data, queries

QUESTIONS = Path(__file__).with_name("un_msq_2020.yaml")


@dataclass
class Answer:
    number: str
    section: str
    question: str
    answer: str = ""  # empty: a person must answer
    sources: list = field(default_factory=list)  # where the figures come from


def _url(path: str) -> str:
    return settings.PUBLIC_URL.rstrip("/") + path


def _percent(part, whole) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def facts(year: int) -> dict:
    """The year's figures the answers quote."""
    since = date(year, 1, 1)
    mine = [f for f in applications.monthly_figures(since, by=("channel",))
            if f["month"].startswith(f"{year}-")]
    rated = [r for r in applications.monthly_ratings(since, by=())
             if r["month"].startswith(f"{year}-")]
    services = list(catalogue.active_services().prefetch_related("life_events"))
    letters = appeals.totals(12, until=date(year, 12, 31))
    published = queries.counts()
    return {
        "applications": sum(f["submitted"] for f in mine),
        "online": sum(f["submitted"] for f in mine if f["channel"] == "online"),
        "decided": sum(f["decided"] for f in mine),
        "on_time": sum(f["on_time"] for f in mine),
        "ratings": sum(r["ratings"] for r in rated),
        "satisfied": sum(r["satisfied"] for r in rated),
        "services": len(services), "services_online": sum(s.online for s in services),
        "by_life_event": sorted(
            ((localized(event.name, "en"), sum(1 for s in event.services.all()
                                                if s.online and s.active),
              event.service_count) for event in catalogue.life_events_with_counts()
             .prefetch_related("services")), key=lambda row: -row[2]),
        "appeals": letters.get("received") or 0, "appeals_answered": letters.get("answered")
        or 0, "datasets": published["datasets"], "publishers": published["agencies"],
        "budget": queries.public_dataset(f"state-budget-{year}", include_withdrawn=False)
        is not None,
    }


def answers(year: int) -> list[Answer]:
    f = facts(year)
    dashboard, data = _url("/data/dashboard/"), _url("/data/")
    known = {
        "1": (_url("/"), ["settings: YAGONA_PUBLIC_URL"]),
        "2a": (f"{_url('/services/')} ({f['services_online']} of {f['services']} services "
               "can be applied for online)", ["catalogue"]),
        "2b": (f"{_url('/write/')} (appeals, complaints and problem reports to every "
               f"agency; {f['appeals']} received and {f['appeals_answered']} answered in "
               f"{year})", ["appeals: monthly figures"]),
        "2c": (f"{data} ({f['datasets']} datasets of {f['publishers']} agencies; CKAN API "
               f"{_url('/api/3/action/')}; DCAT-AP {_url('/catalog.ttl')})", ["opendata"]),
        "10": (f"Yes. Every application is counted by month, agency, service and channel: "
               f"{f['applications']} applications in {year}, "
               f"{_percent(f['online'], f['applications'])} of them online; "
               f"{_percent(f['on_time'], f['decided'])} of the "
               f"{f['decided']} decided were decided within the legal deadline.",
               ["applications"]),
        "11": (f"Yes, published online and refreshed daily: {dashboard} and the open "
               f"datasets {data}{own_data.APPLICATIONS}/ and {data}{own_data.FIGURES}/.",
               ["opendata: own_data"]),
    }
    if f["ratings"]:
        known["12"] = (f"Yes. Applicants rate the service after its decision (1 to 5): "
                       f"{f['ratings']} ratings in {year}.", ["applications: ratings"])
        known["13"] = (f"Yes, published online and refreshed daily: {dashboard}, "
                       f"{data}{own_data.RATINGS}/ and, by sex, age band and region (SDG "
                       f"16.6.2), {data}{own_data.SATISFACTION}/.", ["opendata: own_data"])
        known["17"] = (f"{_percent(f['satisfied'], f['ratings'])} of the users who rated a "
                       f"service online in {year} gave it 4 or 5 out of 5 ({f['ratings']} "
                       "ratings; users who did not rate are not counted).",
                       ["applications: ratings"])
    rows = []
    for item in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8")):
        answer, sources = known.get(item["number"], ("", []))
        rows.append(Answer(item["number"], item["section"], item["text"], answer, sources))
    return rows


def report(year: int) -> tuple[str, dict]:
    """The report as Markdown and as a JSON-ready dict."""
    rows, f = answers(year), facts(year)
    country = localized(active_pack().name, "en")
    answered = [row for row in rows if row.answer]
    open_rows = [row for row in rows if not row.answer]
    lines = [f"# UN E-Government Survey, Member States Questionnaire: {country}, {year}", "",
             f"Answers from the platform's data ({_url('/')}), {len(answered)} of "
             f"{len(rows)} questions; the {len(open_rows)} others need a person's answer "
             "(listed at the end).", ""]
    for row in answered:
        lines += [f"## {row.number}. {row.question}", "", row.answer, "",
                  f"*Source: {', '.join(row.sources)}.*", ""]
    lines += ["## Services online by life event", "",
              "| life event | online | services |", "|---|---|---|"]
    lines += [f"| {name} | {online} | {total} |" for name, online, total in f["by_life_event"]]
    if f["budget"]:
        lines += ["", f"The state budget of {year} is published: {_url('/data/budget/')} "
                  "(question 9, digitally publishing government expenditure).", ""]
    lines += ["", "## Questions that need a person's answer", ""]
    lines += [f"- {row.number}. {row.question} ({row.section})" for row in open_rows]
    return "\n".join(lines) + "\n", {
        "country": country, "year": year, "answers": [asdict(row) for row in answered],
        "needs_a_person": [asdict(row) for row in open_rows],
        "services_by_life_event": [{"life_event": name, "online": online, "services": total}
                                   for name, online, total in f["by_life_event"]],
        "budget_published": f["budget"]}
