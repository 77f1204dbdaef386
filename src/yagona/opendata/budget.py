"""Budget transparency (issue 13, point 5): the finance ministry imports a year's planned
and executed budget per agency and programme from a CSV; every row is checked and every
problem named with its row before anything changes; the year is then replaced in one
transaction and published as the dataset ``state-budget-<year>`` of the ministry.

Who: a data publisher (or administrator) of the agency the pack names as the budget's
keeper (pack.yaml ``opendata.budget``). The file: UTF-8 CSV with the columns
``agency_code, programme_code, programme_name_<lang>`` for each language of the pack (the
state language's required), ``planned`` and ``executed`` in the currency's major units
with a point before the minor ones (``1500000.50``); ``executed`` may be empty."""

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yagona.agencies.models import Agency
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.opendata import queries, services
from yagona.opendata.metadata import in_each_language
from yagona.opendata.models import BudgetLine

PROGRAMME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$")
MAX_PROBLEMS = 20
MAX_BYTES = 5 * 1024 * 1024


def keeper() -> str:
    """The code of the agency that keeps the budget (pack data), or ""."""
    return (active_pack().raw.get("opendata") or {}).get("budget", "")


def may_import(user) -> bool:
    return any(agency.code == keeper() for agency in services.publisher_agencies(user))


def _amount(text: str, digits: int):
    """Minor units of a major-unit amount, None for an empty cell; ValueError if wrong."""
    text = (text or "").strip().replace(" ", "")
    if not text:
        return None
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or \
                value != value.quantize(Decimal(1).scaleb(-digits)):
            raise ValueError
    except InvalidOperation:
        raise ValueError from None
    return int(value.scaleb(digits))


def columns() -> list[str]:
    """The columns of a budget file, for the pack's languages."""
    return ["agency_code", "programme_code",
            *(f"programme_name_{lang}" for lang in active_pack().languages), "planned",
            "executed"]


def read(data: bytes) -> list[dict]:
    """The rows of a budget file, checked; ValidationError lists every problem (up to
    MAX_PROBLEMS), each with its row."""
    pack = active_pack()
    languages = pack.languages
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": _("The file must be text in UTF-8.")}) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None or set(reader.fieldnames) != set(columns()):
        raise ValidationError({"file": _("The columns must be: %(columns)s.")
                               % {"columns": ", ".join(columns())}})
    agencies = {a.code: a for a in Agency.objects.filter(active=True)}
    problems, rows, seen = [], [], set()
    for number, row in enumerate(reader, start=2):
        problem = None
        planned = executed = None
        try:
            planned = _amount(row["planned"], pack.currency_minor_units)
            executed = _amount(row["executed"], pack.currency_minor_units)
        except ValueError:
            problem = _("the amounts must be numbers of at least 0, e.g. 1500000.50")
        if row["agency_code"] not in agencies:
            problem = _("no agency has the code %(code)s") % {"code": row["agency_code"]}
        elif not PROGRAMME.match(row["programme_code"] or ""):
            problem = _("the programme code must be up to 32 Latin letters, digits, . and -")
        elif not (row[f"programme_name_{languages[0]}"] or "").strip():
            problem = _("the programme's name in the state language is missing")
        elif planned is None and problem is None:
            problem = _("the planned amount is missing")
        elif (row["agency_code"], row["programme_code"]) in seen:
            problem = _("the programme is listed twice")
        if problem:
            problems.append(_("Row %(row)s: %(problem)s.") % {"row": number, "problem": problem})
            if len(problems) == MAX_PROBLEMS:
                break
            continue
        seen.add((row["agency_code"], row["programme_code"]))
        rows.append({"agency": agencies[row["agency_code"]],
                     "programme_code": row["programme_code"],
                     "programme_name": {lang: row[f"programme_name_{lang}"].strip()
                                        for lang in languages
                                        if (row[f"programme_name_{lang}"] or "").strip()},
                     "planned": planned, "executed": executed})
    if problems:
        raise ValidationError({"file": problems})
    if not rows:
        raise ValidationError({"file": _("The file has a header but no rows of data.")})
    return rows


def import_year(user, year: int, upload, note: str = "") -> int:
    """Replace the year's budget with the file's rows and publish it (``note``: what
    the version says of itself); the rows' count."""
    if not may_import(user):
        raise PermissionDenied
    year = int(year) if str(year).isdigit() else 0
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give the budget's year.")})
    if upload is None or not upload.size or upload.size > MAX_BYTES:
        raise ValidationError({"file": _("Choose a CSV file smaller than 5 MB.")})
    data = upload.read()
    rows = read(data)
    with transaction.atomic():
        BudgetLine.objects.filter(year=year).delete()
        BudgetLine.objects.bulk_create([BudgetLine(year=year, **row) for row in rows])
        audit.record(audit.Actor(user=user, agency=keeper()), "opendata.budget_imported",
                     "budget", year, {"rows": len(rows)})
        publish(year, note)
    return len(rows)


def table(year: int) -> bytes:
    languages = active_pack().languages
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["year", "agency_code", "programme_code",
                     *(f"programme_name_{lang}" for lang in languages),
                     "planned_minor", "executed_minor", "executed_percent"])
    for line in BudgetLine.objects.filter(year=year).select_related("agency"):
        writer.writerow([year, line.agency.code, line.programme_code,
                         *(line.programme_name.get(lang, "") for lang in languages),
                         line.planned, "" if line.executed is None else line.executed,
                         queries.percent(line.executed, line.planned)])
    return out.getvalue().encode()


def publish(year: int, note: str = ""):
    """The year's budget as the keeper's dataset (inside the import's transaction)."""
    digits = {"units": active_pack().currency_minor_units}
    return services.publish_generated(keeper(), f"state-budget-{year}", {
        "title": in_each_language(lambda: _(
            "State budget %(year)s: planned and executed, by agency and programme")
            % {"year": year}),
        "description": in_each_language(lambda: _(
            "The state budget of the year per agency and programme: the planned amount "
            "and what has been executed so far, in the currency's minor units (%(units)s "
            "decimal places), and the execution in per cent. The finance ministry imports "
            "it; each import is a new version.") % digits),
        "keywords": in_each_language(lambda: _("budget, public spending")),
        "themes": ["ECON", "GOVE"], "licence": "CC-BY-4.0", "frequency": "MONTHLY",
        "temporal_start": f"{year}-01-01", "temporal_end": f"{year}-12-31",
        "spatial": active_pack().name,
    }, [(in_each_language(lambda: _("Budget lines")), "CSV", table(year))], note=note)
