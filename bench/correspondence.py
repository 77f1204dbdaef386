"""Document-flow search benchmark (issue 11): `make bench-correspondence`.

On a throwaway PostgreSQL database with the tj pack loaded, one agency's incoming journal
of BENCH_DOCUMENTS (1,000,000) registration cards over five years, written with COPY
(cards and their search terms, as correspondence.services writes them), then searched
by a registry clerk through ``correspondence.search.find`` (the journal page's query:
the first 50, newest first), in the same run as a baseline:

  number        a document's number, whole or its beginning (ours or the sender's)
  words         one or two words of subjects and correspondents, by their beginning
  words+dates   the same within a quarter of registrations
  journal       the first page, nothing typed
  baseline      psycopg, one SELECT of a document by agency and number: the index
                lookup under every search, without Django, the ORM or access rules

Figures: p50 / p95 / max per query over BENCH_QUERIES (300) queries of each kind.
Results are printed and written to bench/RESULTS.md. Not a test: no assertions.
Goal: p95 ≤ 100 ms by number and by text.
"""

import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import machine, prepend_results  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "yagona_bench_correspondence"
DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "1000000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "300"))
AGENCY, CLERK = "ADLIA", "410000002"
TOPICS = ["дар бораи", "оид ба", "иҷрои", "ҳисоботи", "пешниҳоди", "дархости", "мувофиқа",
          "шартномаи", "санҷиши", "феҳристи", "қарори", "тағйирот", "маълумот", "номаи",
          "бақайдгирии", "суғурта", "андоз", "нафақа", "шаҳрвандон", "ташкилот",
          "лоиҳаи", "тартиби", "барномаи", "сохтмони", "таъминоти", "мактабҳо",
          "беморхонаҳо", "роҳҳо", "обёрӣ", "замин", "ҳуқуқи", "муҳоҷират", "ҷавоб",
          "шикоят", "ариза", "фармони", "супориши", "назорати", "иттилоот", "ҳамкорӣ"]
PLACES = ["Душанбе", "Хуҷанд", "Бохтар", "Кӯлоб", "Хоруғ", "Истаравшан", "Панҷакент",
          "Турсунзода", "Ваҳдат", "Ҳисор", "Исфара", "Конибодом", "Данғара", "Норак"]
SENDERS = [f"{kind} {place}" for kind in ("Ҳукумати шаҳри", "Раёсати адлияи",
                                          "Мақомоти иҷроияи", "Суди ноҳияи",
                                          "Прокуратураи", "ҶДММ «Сомон»", "Бонки")
           for place in PLACES]


def configure() -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "yagona.settings", "YAGONA_COUNTRY": "tj",
                       "DATABASE_URL": f"{PG}/{DB}", "LOG_LEVEL": "WARNING"})
    os.environ.pop("YAGONA_MODE", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare():
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    configure()
    from django.core.management import call_command

    from yagona.accounts import services as accounts
    from yagona.accounts.models import Role
    from yagona.agencies.models import Agency
    from yagona.core.audit import SYSTEM

    call_command("migrate", verbosity=0)
    call_command("load-country", "tj", verbosity=0)
    agency = Agency.objects.get(code=AGENCY)
    clerk = accounts.create_person(SYSTEM, CLERK, first_name="Гулнора", last_name="Котиба",
                                   password="correct horse battery")
    accounts.grant_role(SYSTEM, clerk, agency, Role.CLERK)
    return agency, clerk


def generate(agency, clerk, rng: random.Random) -> tuple[float, list, list]:
    """COPY the journal; (seconds, sample numbers, sample senders' numbers)."""
    import psycopg
    from django.db import connection

    from yagona.correspondence import services
    from yagona.correspondence.models import Document, DocumentType, Journal

    journal = Journal.objects.get(agency=agency, code="IN")
    letter = DocumentType.objects.get(code="letter").pk
    start = datetime(2021, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 1, 1, tzinfo=UTC) - start) / DOCUMENTS
    numbers, theirs, sequence, year, terms = [], [], 0, None, 0
    connection.close()
    began = time.perf_counter()
    # Cards and terms stream side by side on two connections (the terms' foreign key is
    # checked when they commit, after the cards).
    with psycopg.connect(f"{PG}/{DB}") as conn, psycopg.connect(f"{PG}/{DB}") as term_conn:
        term_conn.execute("DROP INDEX document_term_idx")  # made again after the COPY
        term_conn.execute("DROP INDEX document_term_probe_idx")
        with conn.cursor() as cur, cur.copy(
                "COPY correspondence_document (id, agency_id, kind, status, journal_id, number,"
                " year, sequence, registered_at, doc_type_id, subject, summary, language, pages,"
                " access, correspondent_name, their_number, created_by_id, created_at,"
                " search_text, source) FROM STDIN") as copy, term_conn.cursor() as term_cur, \
                term_cur.copy("COPY correspondence_documentterm (agency_id, term, document_id)"
                              " FROM STDIN") as term_copy:
            for index in range(DOCUMENTS):
                at = start + span * index
                if at.year != year:
                    year, sequence = at.year, 0
                sequence += 1
                number = f"в-{sequence}/{year % 100:02d}"
                their = f"{rng.randint(1, 99)}/{rng.randint(1, 9999)}"
                subject = " ".join(rng.sample(TOPICS, 4) + [rng.choice(PLACES)])
                sender = rng.choice(SENDERS)
                document = Document(number=number, their_number=their, subject=subject,
                                    correspondent_name=sender)
                text = services._search_text(document)
                pk = uuid.uuid4()
                copy.write_row((pk, agency.pk, "incoming", "registered", journal.pk, number,
                                year, sequence, at, letter, subject, "", "tg", 1, "public",
                                sender, their, clerk.pk, at, text, ""))
                for term in sorted(set(text.split())):
                    term_copy.write_row((agency.pk, term, pk))
                    terms += 1
                if index % 1000 == 0:
                    numbers.append(number)
                    theirs.append(their)
        conn.commit()
        term_conn.commit()
        print(f"{DOCUMENTS:,} cards and {terms:,} terms copied in "
              f"{time.perf_counter() - began:.0f} s", flush=True)
        term_conn.execute("CREATE INDEX document_term_idx ON correspondence_documentterm "
                          "(agency_id, term)")
        term_conn.execute("CREATE INDEX document_term_probe_idx ON "
                          "correspondence_documentterm (document_id, term) INCLUDE (agency_id)")
        term_conn.commit()
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE correspondence_document")
        conn.execute("VACUUM ANALYZE correspondence_documentterm")
    took = time.perf_counter() - began
    print(f"... indexed and analysed in {took:.0f} s", flush=True)
    return took, numbers, theirs


def timed(call) -> float:
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def measure(agency, clerk, numbers, theirs, rng: random.Random) -> dict:
    import psycopg

    from yagona.correspondence.search import Filters, find

    def first_page(**filters):
        return lambda: list(find(clerk, agency, Filters(**filters))[:50])

    def sample(items):
        return [rng.choice(items) for _ in range(QUERIES)]

    quarter = (datetime(2024, 4, 1).date(), datetime(2024, 6, 30).date())
    kinds = {
        "number, whole": [first_page(number=n) for n in sample(numbers)],
        "number, its beginning": [first_page(number=n[:4]) for n in sample(numbers)],
        "the sender's number": [first_page(number=n) for n in sample(theirs)],
        "one word, its beginning": [first_page(text=w[:5]) for w in sample(TOPICS + PLACES)],
        "two words": [first_page(text=f"{rng.choice(TOPICS)} {rng.choice(PLACES)}")
                      for _ in range(QUERIES)],
        "a correspondent and a place": [first_page(text=rng.choice(SENDERS))
                                        for _ in range(QUERIES)],
        "two words within a quarter": [
            first_page(text=f"{rng.choice(TOPICS)} {rng.choice(PLACES)}",
                       registered_from=quarter[0], registered_to=quarter[1])
            for _ in range(QUERIES)],
        "the journal's first page": [first_page() for _ in range(QUERIES)],
    }
    results = {}
    for name, calls in kinds.items():
        calls[0]()  # warm
        results[name] = [timed(call) for call in calls]
    with psycopg.connect(f"{PG}/{DB}") as conn:
        def lookup(number):
            return lambda: conn.execute(
                "SELECT id, number, subject FROM correspondence_document WHERE agency_id = %s"
                " AND number = %s", (agency.pk, number)).fetchall()
        calls = [lookup(n) for n in sample(numbers)]
        calls[0]()
        results["baseline: psycopg SELECT by number"] = [timed(call) for call in calls]
    return results


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def write(results, took):
    base = pct(results["baseline: psycopg SELECT by number"], 0.95)
    lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, document-flow search, tj pack", "",
             f"Machine: {machine()}. PostgreSQL on the same machine. One agency's journal of "
             f"{DOCUMENTS:,} registration cards over five years (written with COPY in "
             f"{took:.0f} s with their search terms and index); each figure is "
             f"{QUERIES} queries of `correspondence.search.find` as a registry clerk (the "
             "journal page's query, the first 50 newest first, access rules on), one after "
             "another. Written by `make bench-correspondence` (bench/correspondence.py).", "",
             "| query | p50 ms | p95 ms | max ms | p95 / baseline p95 |",
             "|---|---|---|---|---|"]
    for name, values in results.items():
        lines.append(f"| {name} | {statistics.median(values):.1f} | {pct(values, 0.95):.1f} | "
                     f"{max(values):.1f} | {pct(values, 0.95) / base:.1f} |")
    worst = max(pct(v, 0.95) for k, v in results.items() if not k.startswith("baseline"))
    lines += ["", f"Goal: p95 ≤ 100 ms by number and by text; the slowest kind's p95 here: "
              f"**{worst:.0f} ms** ({'met' if worst <= 100 else 'missed'}).", ""]
    prepend_results("\n".join(lines))


def main():
    rng = random.Random(11)
    agency, clerk = prepare()
    took, numbers, theirs = generate(agency, clerk, rng)
    write(measure(agency, clerk, numbers, theirs, rng), took)


if __name__ == "__main__":
    sys.exit(main())
