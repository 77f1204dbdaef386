"""The platform publishes itself (issue 13, point 4): the service catalogue, the
applications by month, agency, service and channel, and the users' ratings, as open
datasets of the agency that publishes the catalogue (pack.yaml ``opendata.publisher``),
and the public extract of each base register that declares public fields (the legal
entities, the legal acts) as its keeper's dataset; refreshed by a daily job
(``tasks.py``) and by ``yagona opendata-refresh``.

Only aggregates leave, and a count under MIN_CELL is left empty (with what is derived
from it), so that no person can be singled out by a rare service in a small month; the
datasets' descriptions say so. The portal's dashboard (/data/dashboard/) reads these
same files."""

import csv
import io
from datetime import date, timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.applications import queries as applications
from yagona.catalogue import queries as catalogue
from yagona.core.countries import active_pack
from yagona.core.text import localized
from yagona.opendata import services
from yagona.opendata.metadata import in_each_language
from yagona.registries import queries as registries

MIN_CELL = 5  # the least count published; fewer is an empty cell
YEARS = 3  # how far back the figures reach
SERVICES, APPLICATIONS, RATINGS, FIGURES, SATISFACTION = (
    "platform-services", "platform-applications-by-month", "platform-ratings-by-month",
    "platform-figures-by-month", "platform-satisfaction-by-group")
APPLICATION_COLUMNS = ("month", "agency_code", "service_code", "channel", "submitted",
                       "decided", "approved", "rejected", "decided_on_time", "median_days")
RATING_COLUMNS = ("month", "service_code", "channel", "ratings", "average_score",
                  "satisfied_percent")
SATISFACTION_COLUMNS = ("quarter", "dimension", "group", "ratings", "average_score",
                        "satisfied_percent")
DIMENSIONS = ("all", "sex", "age_band", "region")
UNKNOWN = "unknown"  # the group of a rater the register could not place
OTHER = "other"  # the small groups of a dimension, summed
FIGURE_COLUMNS = ("month", "submitted", "submitted_online", "submitted_assisted",
                  "digital_take_up_percent", "decided", "decided_on_time_percent",
                  "median_days", "ratings", "average_score", "satisfied_percent",
                  "started_online", "completion_rate_percent")


def _csv(columns, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode()


def _cell(count: int):
    """A count as published: none (0) or at least MIN_CELL, else empty."""
    return count if count == 0 or count >= MIN_CELL else ""


def service_rows() -> list[list]:
    language = active_pack().languages[0]
    return [[s.code, localized(s.name, language), s.agency.code, int(s.online),
             s.fee_minor, s.processing_days,
             " ".join(sorted(e.code for e in s.life_events.all()))]
            for s in catalogue.active_services().select_related("agency")
            .prefetch_related("life_events").order_by("code")]


def application_rows(since: date) -> list[list]:
    """A row per month, agency, service and channel; what rests on fewer than MIN_CELL
    applications is empty, and approvals and refusals both when either is small (the
    other would tell it)."""
    rows = []
    for f in applications.monthly_figures(since):
        row = [f["month"], f["agency"], f["service"], f["channel"]]
        if f["submitted"] < MIN_CELL:
            rows.append(row + [""] * 6)
        elif f["decided"] < MIN_CELL:
            rows.append(row + [f["submitted"]] + [""] * 5)
        else:
            outcomes = [f["approved"], f["rejected"]]
            if any(_cell(n) == "" for n in outcomes):
                outcomes = ["", ""]
            rows.append(row + [f["submitted"], f["decided"], *outcomes, f["on_time"],
                               f["median_days"]])
    return rows


def rating_rows(since: date) -> list[list]:
    return [[r["month"], r["service"], r["channel"], r["ratings"],
             round(r["score"] / r["ratings"], 2), round(100 * r["satisfied"] / r["ratings"], 1)]
            if r["ratings"] >= MIN_CELL else
            [r["month"], r["service"], r["channel"], "", "", ""]
            for r in applications.monthly_ratings(since)]


def _percent(part: int, whole: int):
    return round(100 * part / whole, 1) if whole >= MIN_CELL else ""


def figure_rows(since: date) -> list[list]:
    """The whole platform by month (the dashboard's figures): submissions by channel and
    the share online (digital take-up), decisions within the legal deadline, the median
    days to a decision, the users' ratings, and the applications started online with the
    share of them submitted (completion rate)."""
    totals = {f["month"]: f for f in applications.monthly_figures(since, by=())}
    channels = {(f["month"], f["channel"]): f["submitted"]
                for f in applications.monthly_figures(since, by=("channel",))}
    ratings = {r["month"]: r for r in applications.monthly_ratings(since, by=())}
    starts = {c["month"]: c for c in applications.monthly_completion(since)}
    rows = []
    for month in sorted(set(totals) | set(ratings) | set(starts)):
        total = totals.get(month) or {"submitted": 0, "decided": 0, "on_time": 0,
                                      "median_days": None}
        online, assisted = (channels.get((month, c), 0) for c in ("online", "assisted"))
        rated = ratings.get(month) or {"ratings": 0, "score": 0, "satisfied": 0}
        started = starts.get(month) or {"started": 0, "completed": 0}
        decided = total["decided"] >= MIN_CELL
        rows.append([
            month, _cell(total["submitted"]), _cell(online), _cell(assisted),
            _percent(online, total["submitted"]),
            _cell(total["decided"]), _percent(total["on_time"], total["decided"]),
            total["median_days"] if decided and total["median_days"] is not None else "",
            _cell(rated["ratings"]),
            round(rated["score"] / rated["ratings"], 2) if rated["ratings"] >= MIN_CELL else "",
            _percent(rated["satisfied"], rated["ratings"]),
            _cell(started["started"]), _percent(started["completed"], started["started"])])
    return rows


def satisfaction_rows(since: date, today: date) -> list[list]:
    """Per closed quarter: every rating, then by the rater's sex, age band and region, each
    apart (SDG 16.6.2). A quarter's rows are written once it has ended and never change,
    so that no version of the dataset less another tells a day's ratings. Groups under
    MIN_CELL are not named: they are summed as OTHER, with the next smallest groups until
    that sum is MIN_CELL or more (else the quarter's total less the others would tell
    them); a quarter with fewer ratings than that is left empty."""
    cells = {dimension: applications.satisfaction_by_group(since, quarter_start(today),
                                                           dimension)
             for dimension in DIMENSIONS[1:]}
    rows = []
    for period in sorted({cell["period"] for cell in cells["sex"]}):
        of_period = {dimension: [c for c in cells[dimension] if c["period"] == period]
                     for dimension in DIMENSIONS[1:]}
        everyone = _summed("", of_period["sex"])
        if everyone["ratings"] < MIN_CELL:
            rows.append([period, "all", "", "", "", ""])
            continue
        rows.append([period, "all", "", *_rated(everyone)])
        for dimension in DIMENSIONS[1:]:
            shown, other = _publishable(of_period[dimension])
            rows += [[period, dimension, c["group"] or UNKNOWN, *_rated(c)] for c in shown]
            if other is not None:
                rows.append([period, dimension, OTHER, *_rated(other)])
    return rows


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _publishable(cells: list[dict]) -> tuple[list[dict], dict | None]:
    """(the groups that may be named, the rest summed or None): every group under MIN_CELL
    goes to the rest, and then the smallest others until the rest holds MIN_CELL."""
    shown = sorted((c for c in cells if c["ratings"] >= MIN_CELL), key=lambda c: c["ratings"])
    rest = [c for c in cells if c["ratings"] < MIN_CELL]
    while rest and shown and sum(c["ratings"] for c in rest) < MIN_CELL:
        rest.append(shown.pop(0))
    named = [c for c in cells if any(c is s for s in shown)]  # in the query's order
    return named, (_summed(OTHER, rest) if rest else None)


def _summed(group: str, cells: list[dict]) -> dict:
    return {"group": group, **{key: sum(c[key] for c in cells)
                               for key in ("ratings", "score", "satisfied")}}


def _rated(cell: dict) -> tuple:
    return (cell["ratings"], round(cell["score"] / cell["ratings"], 2),
            round(100 * cell["satisfied"] / cell["ratings"], 1))


def group_label(dimension: str, value: str) -> str:
    """A group of SATISFACTION for people: a sex by the register's label for its code."""
    given = active_pack().raw.get("satisfaction")
    if value == UNKNOWN:
        return _("Not known")
    if value == OTHER:
        return _("Other groups")
    if dimension == "sex" and given:
        try:
            schema = registries.version(registries.registry(given["register"]))
        except Http404:
            return value
        return registries.display_text(schema, given["sex"], value)
    return value


def refresh(today: date | None = None) -> list:
    """Write the platform's datasets again from its tables; returns them."""
    pack = active_pack()
    publisher = (pack.raw.get("opendata") or {}).get("publisher")
    if not publisher:
        return []
    today = today or timezone.localdate()
    since = today.replace(year=today.year - YEARS, month=1, day=1)
    common = {"licence": "CC-BY-4.0", "frequency": "DAILY", "themes": ["GOVE"],
              "spatial": pack.name, "temporal_start": since, "temporal_end": today}
    cell = {"count": MIN_CELL}
    made = [services.publish_generated(publisher, SERVICES, {
        **common, "temporal_start": None, "temporal_end": None,
        "title": in_each_language(lambda: _("Public services of the one window")),
        "description": in_each_language(lambda: _(
            "Every service the portal offers: code, name (in the state language), the "
            "agency's code, whether it can be applied for online (1) or not (0), fee in "
            "the currency's minor units, legal processing time in working days, and the "
            "codes of the life events it belongs to. Written every day from the "
            "catalogue.")),
        "keywords": in_each_language(lambda: _("services")),
    }, [(in_each_language(lambda: _("Services")), "CSV", _csv(
        ("code", "name", "agency_code", "online", "fee_minor", "processing_days",
         "life_events"), service_rows()))])]
    made.append(services.publish_generated(publisher, APPLICATIONS, {
        **common,
        "title": in_each_language(lambda: _("Applications by month, agency, service and "
                                          "channel")),
        "description": in_each_language(lambda: _(
            "Applications by the month they were submitted, agency, service and channel "
            "(online: by the applicant on the portal; assisted: at a service centre): "
            "submitted, decided, approved, rejected, decided within the legal deadline, "
            "and the median days from submission to decision. Counts under %(count)s are "
            "left empty, with what is derived from them, so that no person can be "
            "singled out. Written every day; the dashboard draws it.") % cell),
        "keywords": in_each_language(lambda: _("applications, processing time, digital "
                                             "take-up")),
    }, [(in_each_language(lambda: _("Applications by month")), "CSV",
         _csv(APPLICATION_COLUMNS, application_rows(since)))]))
    made.append(services.publish_generated(publisher, RATINGS, {
        **common,
        "title": in_each_language(lambda: _("Users' ratings of services by month")),
        "description": in_each_language(lambda: _(
            "How the users rated the services after their decision, by month, service "
            "and channel: ratings, the average score (1 to 5) and the share of 4 and 5 "
            "(satisfied), in per cent. A rating is not linked to the person or the "
            "application. Months with fewer than %(count)s ratings of a service are "
            "left empty.") % cell),
        "keywords": in_each_language(lambda: _("satisfaction, ratings")),
    }, [(in_each_language(lambda: _("Ratings by month")), "CSV",
         _csv(RATING_COLUMNS, rating_rows(since)))]))
    made.append(services.publish_generated(publisher, SATISFACTION, {
        **common, "temporal_end": quarter_start(today) - timedelta(days=1),  # closed ones
        "title": in_each_language(lambda: _("User satisfaction by sex, age band and region")),
        "description": in_each_language(lambda: _(
            "How satisfied the users were with the services they applied for (SDG "
            "16.6.2), by quarter, once the quarter has ended: all ratings, then by the "
            "rater's sex (the register's code), age band and region, each read from the "
            "register (%(register)s) when the rating was given; \"unknown\" where it "
            "could not tell. For each: ratings, the average score (1 to 5) and the share "
            "of 4 and 5 (satisfied), in per cent. The ratings themselves keep no person. "
            "Groups under %(count)s ratings are not named but summed as \"other\", with "
            "the next smallest groups until that sum is %(count)s or more; a quarter with "
            "fewer ratings is left empty. A quarter's rows do not change once written.")
            % {**cell, "register": applications.rating_groups_register() or "-"}),
        "keywords": in_each_language(lambda: _("satisfaction, SDG 16.6.2, sex, age, "
                                             "region")),
    }, [(in_each_language(lambda: _("Satisfaction by group")), "CSV",
         _csv(SATISFACTION_COLUMNS, satisfaction_rows(since, today)))]))
    made += [services.publish_generated(registry.agency.code, f"register-{registry.code}", {
        **common, "temporal_start": None, "temporal_end": None,
        "themes": ["GOVE", "JUST"] if "act" in registry.code else ["GOVE", "ECON"],
        "title": in_each_language(lambda registry=registry: _(
            "%(register)s: the public extract") % {"register": localized(registry.name)}),
        "description": in_each_language(lambda registry=registry, schema=schema: _(
            "The public fields of every live record of the register, written every day "
            "from the register itself: %(fields)s. The register's other fields are not "
            "published.") % {"fields": ", ".join(
                f"{registries.display_label(schema, name)} ({name})"
                for name in schema.public_fields)}),
        "keywords": in_each_language(lambda: _("register, public extract")),
    }, [(in_each_language(lambda: _("Public extract")), "CSV",
         registries.public_extract_csv(registry.code)[0])])
        for registry, schema in registries.public_registers()]
    made.append(services.publish_generated(publisher, FIGURES, {
        **common,
        "title": in_each_language(lambda: _("The one window in figures, by month")),
        "description": in_each_language(lambda: _(
            "The whole platform by the month applications were submitted: submitted, "
            "online and at service centres, the share online (digital take-up, in per "
            "cent), decided, the share decided within the legal deadline (per cent), the "
            "median days to a decision, the users' ratings, their average score (1 to 5) "
            "and the share satisfied (4 or 5, per cent), and by the month they were "
            "begun, the applications started online and the share of them submitted "
            "(completion rate, per cent). Counts under %(count)s and what rests on them "
            "are left empty. The figures of the dashboard.") % cell),
        "keywords": in_each_language(lambda: _("statistics, digital take-up, satisfaction")),
    }, [(in_each_language(lambda: _("Figures by month")), "CSV",
         _csv(FIGURE_COLUMNS, figure_rows(since)))]))
    return made
