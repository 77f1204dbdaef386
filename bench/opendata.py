"""Open data benchmark (issue 13): `make bench-opendata`.

On a throwaway PostgreSQL database with the tj pack loaded, BENCH_DATASETS (10,000)
published datasets of the pack's agencies (titles, descriptions and keywords in tg, ru
and en from a word list, themes, a CSV and a link each, their facet rows: what the
services write), then, each figure beside a baseline from the same run:

  search   CKAN's package_search (a word, a theme filter, facets, 10 rows) under wrk at
           BENCH_CONNECTIONS (16) against a production-mode server (gunicorn), beside
           as many threads of a bare psycopg loop of a PostgreSQL full-text query (GIN
           index on to_tsvector of the same words) returning the same page and count.
  dcat     the whole catalogue as DCAT-AP in Turtle, every page of it (opendata.dcat,
           100 datasets a page), in a fresh process: seconds and peak memory, beside a
           psycopg export of the same datasets' rows as CSV in a fresh process.

Results are printed and written to bench/RESULTS.md. Not a test: no assertions. A small
trial: BENCH_DATASETS=1000 BENCH_SECONDS=5.
"""

import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from run import CONNECTIONS, machine, prepend_results, wait_for, wrk  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "yagona_bench_opendata"
PORT = 8103
DATASETS = int(os.environ.get("BENCH_DATASETS", "10000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
BIN = Path(sys.executable).parent
WORDS = {
    "tg": ["аҳолӣ", "таваллуд", "мактаб", "бемористон", "барқ", "ҳаво", "андоз", "бекорӣ",
        "роҳ", "об", "замин", "нафақа", "саноат", "кишоварзӣ", "туризм", "варзиш", "фарҳанг",
        "маориф", "тандурустӣ", "нақлиёт"],
    "ru": ["население", "рождения", "школы", "больницы", "электричество", "воздух", "налоги",
        "безработица", "дороги", "вода", "земля", "пенсии", "промышленность", "сельское",
        "туризм", "спорт", "культура", "образование", "здоровье", "транспорт"],
    "en": ["population", "births", "schools", "hospitals", "electricity", "air", "taxes",
        "unemployment", "roads", "water", "land", "pensions", "industry", "farming", "tourism",
        "sport", "culture", "education", "health", "transport"],
}
THEMES = ("AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "REGI", "SOCI", "TRAN")
QUERY = "/api/3/action/package_search?" + urlencode({
    "q": "мактаб", "fq": "groups:educ", "rows": 10,
    "facet.field": '["organization", "groups", "res_format", "license_id"]'})
FTS = ("SELECT name, count(*) OVER () FROM opendata_dataset WHERE state = 'published' AND "
       "to_tsvector('simple', search_text) @@ plainto_tsquery('simple', %s) AND "
       "themes::jsonb ? %s ORDER BY modified_at DESC LIMIT 10")


def environment(folder: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yagona.settings", "YAGONA_VAR": str(folder),
           "YAGONA_COUNTRY": "tj", "DATABASE_URL": f"{PG}/{DB}", "LOG_LEVEL": "WARNING",
           "SECRET_KEY": secrets.token_urlsafe(50), "PYTHONPATH": str(ROOT / "src")}
    env.pop("YAGONA_MODE", None)
    return env


def production(env: dict) -> dict:
    return {**env, "YAGONA_MODE": "production", "YAGONA_PUBLIC_URL": "https://portal.example",
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0", "DEBUG": "0"}


def prepare(env: dict) -> float:
    """The database, the pack and DATASETS published datasets; the seconds it took."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.utils import timezone

    from yagona.agencies.models import Agency
    from yagona.opendata import files, metadata
    from yagona.opendata.models import Dataset, Facet, Resource

    call_command("migrate", verbosity=0)
    call_command("load-country", "tj", verbosity=0)
    started = time.perf_counter()
    rng, agencies = random.Random(13), list(Agency.objects.all())
    table = b"year,region,value\n" + b"".join(b"%d,TJ-DU,%d\n" % (2015 + n, n * 7)
                                              for n in range(10))
    stored = files.store(SimpleUploadedFile("t.csv", table), "CSV", 10 ** 7)
    now = timezone.now()
    for first in range(0, DATASETS, 1000):
        batch = []
        for number in range(first, min(first + 1000, DATASETS)):
            picked = {lang: rng.sample(words, 4) for lang, words in WORDS.items()}
            batch.append(Dataset(
                name=f"dataset-{number:06d}", agency=rng.choice(agencies),
                title={lang: " ".join(w[:3]).capitalize() for lang, w in picked.items()},
                description={lang: " ".join(w * 5) for lang, w in picked.items()},
                keywords={lang: w[:3] for lang, w in picked.items()},
                themes=sorted(rng.sample(THEMES, 2)), licence="CC-BY-4.0",
                frequency="ANNUAL", state=Dataset.State.PUBLISHED, version=1,
                published_at=now))
        made = Dataset.objects.bulk_create(batch)
        Resource.objects.bulk_create(
            [Resource(dataset=d, name={"en": "Table"}, format="CSV", stored=stored)
             for d in made] + [Resource(dataset=d, name={"en": "Page"}, format="HTML",
                                        url="https://example.org/", position=1)
                               for d in made])
        facets, changed = [], []
        for dataset in Dataset.objects.filter(pk__in=[d.pk for d in made]).select_related(
                "agency").prefetch_related("resources"):
            dataset.search_text = metadata.search_text(dataset)
            dataset.title_words = metadata.title_words(dataset)
            facets += metadata.facet_rows(dataset)
            changed.append(dataset)
        Dataset.objects.bulk_update(changed, ["search_text", "title_words"])
        Facet.objects.bulk_create(facets)
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("CREATE INDEX bench_fts ON opendata_dataset USING gin "
                     "(to_tsvector('simple', search_text))")
        conn.execute("ANALYZE")
    return time.perf_counter() - started


def fts_baseline(threads: int, seconds: int) -> dict:
    """``threads`` psycopg connections running the full-text query as fast as they can."""
    import psycopg

    times, stop = [], time.monotonic() + seconds
    lock = threading.Lock()

    def loop():
        mine = []
        with psycopg.connect(f"{PG}/{DB}") as conn:
            while time.monotonic() < stop:
                began = time.perf_counter()
                conn.execute(FTS, ("мактаб", "EDUC")).fetchall()
                mine.append((time.perf_counter() - began) * 1000)
        with lock:
            times.extend(mine)

    workers = [threading.Thread(target=loop) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    times.sort()
    return {"rps": len(times) / seconds, "p50_ms": times[len(times) // 2],
            "p95_ms": times[int(len(times) * 0.95)], "requests": len(times)}


def in_fresh_process(env: dict, code: str) -> dict:
    """Run ``code`` (it prints 'seconds kilobytes') in a new interpreter: its time and its
    peak memory, undisturbed by this process's."""
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, text=True,
                         capture_output=True).stdout.split()
    return {"seconds": float(out[-2]), "peak_mb": int(out[-1]) / 1024}


# The process's own peak (VmHWM, kB): getrusage's maxrss would count the forked parent.
PEAK = """
def PEAK():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
"""
DCAT_EXPORT = PEAK + """
import re, time, django
django.setup()
from yagona.opendata import dcat
began, pages, size = time.perf_counter(), 1, 0
while (graph := dcat.catalogue_page("https://portal.example", pages,
                                    "https://portal.example/catalog.ttl")) is not None:
    size += len(graph.serialize(format="turtle")); pages += 1
print(size, time.perf_counter() - began, PEAK())
"""
CSV_EXPORT = PEAK + """
import csv, io, os, re, time, psycopg
began = time.perf_counter()
out = io.StringIO(); writer = csv.writer(out)
with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
    for row in conn.execute("SELECT d.name, d.title, d.description, d.keywords, d.themes, "
                            "d.licence, d.modified_at, a.code FROM opendata_dataset d JOIN "
                            "agencies_agency a ON a.id = d.agency_id WHERE d.state = "
                            "'published' ORDER BY d.modified_at DESC"):
        writer.writerow(row)
print(len(out.getvalue()), time.perf_counter() - began, PEAK())
"""


def main():
    folder = Path(tempfile.mkdtemp(prefix="yagona-bench-opendata-"))
    server = None
    try:
        env = environment(folder)
        print(f"publishing {DATASETS:,} datasets ...", flush=True)
        made = prepare(env)
        subprocess.run([str(BIN / "yagona"), "collectstatic", "--noinput", "-v0"],
                       env=production(env), check=True)
        server = subprocess.Popen([str(BIN / "gunicorn"), "yagona.wsgi", "--workers", "2",
                                   "--worker-class", "gthread", "--threads", "4",
                                   "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
                                  env=production(env), start_new_session=True)
        base = f"http://127.0.0.1:{PORT}"
        wait_for(base + "/api/3/action/status_show")
        print(f"package_search at {CONNECTIONS} connections, {SECONDS} s ...", flush=True)
        wrk(base + QUERY, seconds=3)  # warm up
        search = wrk(base + QUERY, seconds=SECONDS)
        baseline = fts_baseline(CONNECTIONS, SECONDS)
        print("the catalogue in DCAT-AP, every page ...", flush=True)
        dcat = in_fresh_process(env, DCAT_EXPORT)
        export = in_fresh_process(env, CSV_EXPORT.replace("os.environ[\"DATABASE_URL\"]",
                                                          f"'{PG}/{DB}'"))
        write(made, search, baseline, dcat, export)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def row(*cells) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def write(made, search, baseline, dcat, export):
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    ratio = search["p95_ms"] / baseline["p95_ms"] if baseline["p95_ms"] else 0
    errors = search["socket_errors"] + search["non_2xx"]
    lines = [
        f"## {stamp}, open data: search and DCAT export, tj pack", "",
        f"Machine: {machine()}. PostgreSQL on the same machine; server: gunicorn, 2 workers "
        f"× 4 threads (gthread), production mode. {DATASETS:,} published datasets (three "
        "languages, two themes, a CSV and a link each, with their facet rows) written in "
        f"{made:.0f} s. Written by `make bench-opendata` (bench/opendata.py).", "",
        row("what", "req/s", "p50 ms", "p95 ms", "count", "p95 / baseline p95"),
        row("---", "---", "---", "---", "---", "---"),
        row(f"CKAN package_search (a word, a theme, four facets, 10 rows), {CONNECTIONS} "
            "connections", f"{search['rps']:.0f}", f"{search['p50_ms']:.1f}",
            f"{search['p95_ms']:.1f}", f"{search['requests']} (errors: {errors})",
            f"{ratio:.1f}"),
        row(f"baseline: PostgreSQL full-text query (GIN index), the same page and count, "
            f"{CONNECTIONS} psycopg threads", f"{baseline['rps']:.0f}",
            f"{baseline['p50_ms']:.1f}", f"{baseline['p95_ms']:.1f}", baseline["requests"],
            "1.0"), "",
        row(f"export of all {DATASETS:,} datasets, in a fresh process", "seconds",
            "peak memory MB", "time / baseline"),
        row("---", "---", "---", "---"),
        row("the DCAT-AP catalogue in Turtle, every page (100 datasets a page)",
            f"{dcat['seconds']:.1f}", f"{dcat['peak_mb']:.0f}",
            f"{dcat['seconds'] / export['seconds']:.1f}"),
        row("baseline: the datasets' rows as CSV straight from psycopg",
            f"{export['seconds']:.1f}", f"{export['peak_mb']:.0f}", "1.0"), ""]
    prepend_results("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
