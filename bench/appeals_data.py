"""Bulk appeals for the appeals benchmark (bench/appeals.py): COPY ``count`` appeals over
``years`` years into a database with a pack loaded, with their submit and forward steps,
and the monthly figures counted as ``appeals.figures.rebuild()`` counts them (received
by the step's day, answered by the answer's day, the days-to-answer histogram, ratings),
so that no rebuild over a million rows is needed before measuring; ``check_rebuild``
runs the real one and says whether it agrees. ``statistics_in_process`` times what the
public statistics page reads, beside a bare SELECT of the same rows."""

import json
import random
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta

WORDS = ["роҳ", "об", "барқ", "мактаб", "беморхона", "нафақа", "андоз", "партов", "кӯча",
         "ҳавлӣ", "чароғ", "истгоҳ", "автобус", "бозор", "боғ", "пул", "сохтмон", "гармӣ",
         "газ", "ҷӯй", "дарахт", "кӯдакон", "шаҳодатнома", "шиноснома", "қабул", "навбат"]
PLACES = [("Душанбе", 38.56, 68.78), ("Хуҷанд", 40.28, 69.62), ("Бохтар", 37.84, 68.78),
          ("Кӯлоб", 37.91, 69.78), ("Истаравшан", 39.91, 69.0), ("Хоруғ", 37.49, 71.55),
          ("Панҷакент", 39.49, 67.61), ("Ваҳдат", 38.56, 69.02), ("Турсунзода", 38.51, 68.23)]
KIND_WEIGHTS = {"proposal": 10, "statement": 45, "complaint": 15, "problem": 25,
                "corruption": 5}


def _local(moment, zone):
    return moment.astimezone(zone).date()


def generate(dsn: str, count: int, years: int, seed: int = 12) -> dict:
    """COPY the appeals, steps and figures; returns the figures as counted and timings."""
    import psycopg
    from django.db import connection

    from yagona.agencies.models import Agency
    from yagona.appeals import deadlines
    from yagona.appeals.models import (
        AnswerDays,
        Appeal,
        Category,
        Kind,
        MonthlyFigures,
        Rules,
        Step,
    )
    from yagona.core.countries import active_pack

    rng = random.Random(seed)
    zone = active_pack().zone
    kinds = {kind.code: kind for kind in Kind.objects.all()}
    categories = list(Category.objects.select_related("agency"))
    agencies = list(Agency.objects.filter(active=True))
    reception = Rules.objects.get().reception
    now = datetime.now(zone)
    start = now - timedelta(days=365 * years)
    span = (now - timedelta(days=1) - start) / count
    first_id = (Appeal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    appeal_columns = [f.column for f in Appeal._meta.concrete_fields]
    step_columns = [f.column for f in Step._meta.concrete_fields if f.column != "id"]
    received, forwarded, answered, on_time = Counter(), Counter(), Counter(), Counter()
    rated, useful, rated_on_time, histogram = Counter(), Counter(), Counter(), Counter()
    sequence, last_of_agency = Counter(), {}
    connection.close()
    began = time.perf_counter()
    with psycopg.connect(dsn) as conn, psycopg.connect(dsn) as step_conn:
        with conn.cursor() as cur, cur.copy(
                f"COPY {Appeal._meta.db_table} ({', '.join(appeal_columns)}) FROM STDIN"
        ) as copy, step_conn.cursor() as step_cur, step_cur.copy(
                f"COPY {Step._meta.db_table} ({', '.join(step_columns)}) FROM STDIN"
        ) as step_copy:
            for index in range(count):
                pk = first_id + index
                sent = start + span * index + timedelta(seconds=rng.randint(0, 3600))
                kind = kinds[rng.choices(list(KIND_WEIGHTS), KIND_WEIGHTS.values())[0]]
                category = rng.choice(categories) if kind.code == "problem" else None
                agency = category.agency if category else rng.choice(agencies)
                via_reception = category is None and rng.random() < 0.08
                sent_day = _local(sent, zone)
                sequence[sent_day.year] += 1
                number = f"М-{sequence[sent_day.year]:06d}/{sent_day.year % 100:02d}"
                first = reception if via_reception else agency
                step_copy.write_row((pk, sent, "submit", "", "received", None, first.pk,
                                     None, "", None))
                month = sent_day.replace(day=1)
                received[(first.pk, month)] += 1
                received_on, arrived = sent_day, sent
                if via_reception and agency.pk != reception.pk:
                    arrived = sent + timedelta(days=rng.randint(1, 4), hours=2)
                    received_on = _local(arrived, zone)
                    step_copy.write_row((pk, arrived, "forward", "received", "received", None,
                                         reception.pk, agency.pk, "", None))
                    forwarded[(reception.pk, received_on.replace(day=1))] += 1
                    received[(agency.pk, received_on.replace(day=1))] += 1
                due = deadlines.due_date(kind, received_on)
                age = (now - arrived).days
                row = {
                    "id": pk, "uuid": uuid.uuid4(), "number": number, "kind_id": kind.pk,
                    "category_id": category.pk if category else None, "agency_id": agency.pk,
                    "status": "received", "channel": "online", "author_id": None,
                    "party_kind": "person", "party_id": f"4{rng.randint(0, 99999999):08d}",
                    "party_name": "", "contact": "{}", "tracking_hash": "", "app_id": None,
                    "subject": " ".join(rng.sample(WORDS, 4)).capitalize(),
                    "text": " ".join(rng.choices(WORDS, k=40)) + ".", "language": "tg",
                    "latitude": None, "longitude": None, "address": "", "attributes": "{}",
                    "submitted_at": sent, "received_on": received_on, "due_date": due,
                    "days_left_at_pause": None, "extended_days": 0, "assigned_to_id": None,
                    "answered_at": None, "answered_on_time": None, "answer_text": "",
                    "answer_document_id": None, "duplicate_of_id": None, "complaint_about_id": None,
                    "useful": None, "on_time": None, "rated_at": None, "updated_at": arrived}
                if category is not None:
                    city, lat, lon = rng.choice(PLACES)
                    row.update(latitude=round(lat + rng.uniform(-0.03, 0.03), 6),
                               longitude=round(lon + rng.uniform(-0.03, 0.03), 6),
                               address=f"ш. {city}",
                               attributes=json.dumps({"size": "bag"}
                                                     if category.code == "illegal_dumping"
                                                     else {}))
                fate = rng.random()
                if age > 40 and fate < 0.88 or age > 20 and fate < 0.5:
                    took = min(rng.choice([2, 5, 8, 10, 12, 13, 14, 15, 18, 25]), age - 1)
                    at = arrived + timedelta(days=took, hours=rng.randint(0, 6))
                    day = _local(at, zone)
                    row.update(status="answered", answered_at=at, answered_on_time=day <= due,
                               answer_text="Ҷавоб дода шуд.", updated_at=at)
                    key = (agency.pk, day.replace(day=1))
                    answered[key] += 1
                    on_time[key] += int(day <= due)
                    histogram[key + (min(max((day - received_on).days, 0), 365),)] += 1
                    if rng.random() < 0.3 and at + timedelta(days=5) < now:
                        rated_at = at + timedelta(days=rng.randint(0, 5), hours=1)
                        row.update(rated_at=rated_at, useful=rng.random() < 0.7,
                                   on_time=rng.random() < 0.75)
                        rkey = (agency.pk, _local(rated_at, zone).replace(day=1))
                        rated[rkey] += 1
                        useful[rkey] += int(row["useful"])
                        rated_on_time[rkey] += int(row["on_time"])
                elif fate > 0.97:
                    row["status"] = "withdrawn"
                elif fate > 0.95 and agency.pk in last_of_agency:
                    row.update(status="merged", duplicate_of_id=last_of_agency[agency.pk])
                else:
                    row["status"] = rng.choice(["received", "in_review", "in_review",
                                                "info_requested"])
                    if row["status"] == "info_requested":
                        row["days_left_at_pause"] = rng.randint(1, kind.days)
                if row["status"] != "merged":
                    last_of_agency[agency.pk] = pk
                copy.write_row([row[column] for column in appeal_columns])
        conn.commit()
        step_conn.commit()
    took_copy = time.perf_counter() - began
    keys = set(received) | set(forwarded) | set(answered) | set(rated)
    counted = {key: (received[key], forwarded[key], answered[key], on_time[key], rated[key],
                     useful[key], rated_on_time[key]) for key in keys}
    with psycopg.connect(dsn) as conn:
        conn.execute(f"DELETE FROM {MonthlyFigures._meta.db_table}")
        conn.execute(f"DELETE FROM {AnswerDays._meta.db_table}")
        with conn.cursor().copy(
                f"COPY {MonthlyFigures._meta.db_table} (agency_id, month, received, "
                "forwarded, answered, answered_on_time, rated, rated_useful, rated_on_time) "
                "FROM STDIN") as copy:
            for (agency_id, month), values in counted.items():
                copy.write_row((agency_id, month, *values))
        with conn.cursor().copy(f"COPY {AnswerDays._meta.db_table} (agency_id, month, days, "
                                "count) FROM STDIN") as copy:
            for key, n in histogram.items():
                copy.write_row((*key, n))
        conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                     (Appeal._meta.db_table, first_id + count - 1))
        for year, last in sequence.items():  # numbers.next_number's series go on from here
            conn.execute(f"CREATE SEQUENCE IF NOT EXISTS appeal_no_{int(year)} "
                         f"START WITH {int(last) + 1}")
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        for model in (Appeal, Step, MonthlyFigures, AnswerDays):
            conn.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return {"figures": counted, "days": dict(histogram), "copy_s": took_copy,
            "total_s": time.perf_counter() - began}


def check_rebuild(expected: dict) -> tuple[float, bool]:
    """Time ``figures.rebuild()`` over everything and compare it with the counted figures."""
    from yagona.appeals import figures
    from yagona.appeals.models import AnswerDays, MonthlyFigures

    began = time.perf_counter()
    figures.rebuild()
    took = time.perf_counter() - began
    rows = {(r[0], r[1]): tuple(r[2:]) for r in MonthlyFigures.objects.values_list(
        "agency_id", "month", *figures.FIELDS)}
    days = {r[:3]: r[3] for r in AnswerDays.objects.values_list("agency_id", "month", "days",
                                                                "count")}
    wanted = {key: values for key, values in expected["figures"].items() if any(values)}
    return took, rows == wanted and days == expected["days"]


def timed_calls(call, times: int) -> list[float]:
    call()  # warm
    out = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        out.append((time.perf_counter() - began) * 1000)
    return out


def statistics_in_process(dsn: str, times: int) -> dict:
    """The stand-in while the page is not there: what it will read, in process."""
    import psycopg

    from yagona.appeals import deadlines, queries
    from yagona.appeals.models import Appeal

    first = deadlines.today().replace(day=1)
    results = {"queries.monthly(12) + queries.totals(12)": timed_calls(
        lambda: (queries.monthly(12), queries.totals(12)), times)}
    with psycopg.connect(dsn) as conn:
        results["baseline: psycopg SELECT of the 12 months' figure rows"] = timed_calls(
            lambda: conn.execute(
                "SELECT f.*, a.code FROM appeals_monthlyfigures f JOIN agencies_agency a ON "
                "a.id = f.agency_id WHERE f.month > %s::date - 366 ORDER BY f.month, a.code",
                (first,)).fetchall(), times)
        results[f"for comparison: counted from the {Appeal.objects.count():,} appeals "
                "(GROUP BY)"] = timed_calls(lambda: conn.execute(
                    "SELECT agency_id, date_trunc('month', submitted_at), count(*), "
                    "count(answered_at), count(*) FILTER (WHERE answered_on_time) FROM "
                    "appeals_appeal WHERE submitted_at > %s::date - 366 GROUP BY 1, 2",
                    (first,)).fetchall(), 5)
    return results
