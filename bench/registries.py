"""Registries benchmark (issue 3): `make bench-registries`.

On a fresh PostgreSQL database with the country pack's registries:

  import   `yagona registries generate` makes BENCH_PERSONS people (1,000,000), which
           `yagona registries import` loads with validation, keys, search terms,
           revisions and audit entries: persons/s and peak memory of each process,
           beside PostgreSQL's own COPY of the same file into a one-column table
  lookup   GET /api/v1/registries/population/records?field=person_id&value=... by an
           official's API token (each read audited), random person IDs, wrk at 16
           connections against gunicorn; beside a psycopg loop of the same indexed
           SELECT on 16 connections. Measured with a tenth of the people imported and
           again with all of them, to show whether lookups stay flat.

Results are printed and written to bench/RESULTS.md. Not a test: no assertions.
"""

import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from run import (  # the pages benchmark's helpers: same server set-up, same wrk reporting
    BIN,
    CONNECTIONS,
    COUNTRY,
    PG,
    PORT,
    REDIS,
    ROOT,
    SECONDS,
    THREADS,
    WORKERS,
    machine,
    need,
    prepend_results,
    shell,
    wait_for,
    yagona,
)

DB = "yagona_bench_registries"
PERSONS = int(os.environ.get("BENCH_PERSONS", "1000000"))
SAMPLE = 20_000  # person IDs the lookups draw from


def timed(*args, env) -> tuple[float, int]:
    """Run a yagona command; (seconds, peak resident memory of that process in MiB)."""
    began = time.monotonic()
    child = subprocess.Popen([str(BIN / "yagona"), *args], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    if status:
        raise RuntimeError(f"yagona {' '.join(args)} failed: {child.stderr.read().decode()}")
    return time.monotonic() - began, usage.ru_maxrss // 1024


def split(source: Path, first: int, folder: Path) -> tuple[Path, Path, list[str], list[str]]:
    """The first ``first`` lines and the rest, and a sample of person IDs from each."""
    head, tail = folder / "first.jsonl", folder / "rest.jsonl"
    early, late, rng = [], [], random.Random(7)
    with source.open(encoding="utf-8") as lines, head.open("w", encoding="utf-8") as a, \
            tail.open("w", encoding="utf-8") as b:
        for number, line in enumerate(lines):
            (a if number < first else b).write(line)
            sample = early if number < first else late
            ident = json.loads(line)["person_id"]
            if len(sample) < SAMPLE:  # reservoir sampling: constant memory
                sample.append(ident)
            elif (slot := rng.randrange(number + 1)) < SAMPLE:
                sample[slot] = ident
    return head, tail, early, late


def copy_baseline(source: Path) -> float:
    """PostgreSQL COPY of the same file into a table of one jsonb column: the floor."""
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_copy")
        conn.execute("CREATE TABLE bench_copy (id bigserial primary key, data jsonb)")
        began = time.monotonic()
        # CSV with quote and delimiter bytes that JSON never holds: each line as it is.
        with conn.cursor() as cursor, cursor.copy(
                "COPY bench_copy (data) FROM STDIN WITH (FORMAT csv, QUOTE e'\\x01', "
                "DELIMITER e'\\x02')") as copy, source.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        elapsed = time.monotonic() - began
        conn.execute("DROP TABLE bench_copy")
    return elapsed


def wrk_lookups(token: str, ids: list[str], folder: Path, seconds=SECONDS) -> dict:
    ids_file = folder / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    env = {**os.environ, "BENCH_IDS": str(ids_file), "BENCH_TOKEN": token,
           "BENCH_REPORT": str(ROOT / "bench" / "report.lua"),
           "BENCH_PATH": "/api/v1/registries/population/records?field=person_id&value={id}"}
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(ROOT / "bench" / "lookup.lua"), f"http://127.0.0.1:{PORT}"],
                         env=env, check=True, text=True, capture_output=True).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def select_baseline(ids: list[str], seconds=SECONDS) -> dict:
    """The same lookup as one indexed SELECT through psycopg, on CONNECTIONS threads."""
    sql = ("SELECT r.data FROM registries_recordkey k JOIN registries_record r "
           "ON r.id = k.record_id JOIN registries_registry g ON g.id = k.registry_id "
           "WHERE g.code = 'population' AND k.field = 'person_id' AND k.value = %s")
    latencies, counts, lock = [], [], threading.Lock()
    stop = time.monotonic() + seconds

    def worker(seed):
        rng, mine = random.Random(seed), []
        with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
            while time.monotonic() < stop:
                began = time.perf_counter()
                assert conn.execute(sql, [rng.choice(ids)]).fetchone() is not None
                mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            counts.append(len(mine))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def pick(q):
        return latencies[int(q * (len(latencies) - 1))] * 1000

    return {"rps": sum(counts) / elapsed, "p50_ms": pick(0.5), "p95_ms": pick(0.95),
            "p99_ms": pick(0.99), "non_2xx": 0, "socket_errors": 0}


def sizes() -> dict:
    with psycopg.connect(f"{PG}/{DB}") as conn:
        rows = conn.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname IN "
            "('registries_record', 'registries_recordkey', 'registries_recordterm', "
            "'registries_revision', 'core_auditentry')").fetchall()
    return dict(rows)


def main():
    need("wrk", "wrk")
    env = {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "REDIS_URL": REDIS,
           "SECRET_KEY": secrets.token_urlsafe(50), "YAGONA_COUNTRY": COUNTRY}
    env.pop("YAGONA_MODE", None)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    yagona("migrate", "--noinput", "-v0", env=env)
    yagona("load-country", COUNTRY, env=env, capture=True)
    token = shell(
        "from yagona.accounts import services as s; from yagona.agencies.models import Agency\n"
        "from yagona.core.audit import SYSTEM; from yagona.core.countries import active_pack\n"
        "from yagona.registries.models import Registry\n"
        "p = active_pack().person_id\n"
        "pid = next(f'{n:09d}' for n in range(599000000, 600000000) if p.is_valid(f'{n:09d}'))\n"
        "u = s.create_person(SYSTEM, pid, first_name='Bench', last_name='Reader')\n"
        "s.grant_role(SYSTEM, u, Registry.objects.get(code='population').agency, 'operator')\n"
        "import pyotp; s.enable_totp(SYSTEM, u, pyotp.random_base32())\n"
        "print(s.issue_api_token(SYSTEM, u, 'bench', scope='office'))", env)
    folder = Path(tempfile.mkdtemp(prefix="yagona-bench-registries-"))
    print(f"generating {PERSONS:,} people ...", flush=True)
    generated = timed("registries", "generate", "--persons", str(PERSONS), "--businesses", "0",
                      "--seed", "7", "--out", str(folder), env=env)
    source = folder / "population.jsonl"
    head, tail, early, late = split(source, PERSONS // 10, folder)
    results = {"generate": (PERSONS, *generated), "copy": copy_baseline(source)}
    print(f"COPY baseline: {PERSONS / results['copy']:,.0f} rows/s", flush=True)
    imports = []
    lookups = {}
    server_env = {**env, "YAGONA_MODE": "production",
                  "YAGONA_PUBLIC_URL": "https://portal.example",
                  "ALLOWED_HOSTS": "127.0.0.1,localhost",
                  "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "DEBUG": "0",
                  "LOG_LEVEL": "WARNING"}
    yagona("collectstatic", "--noinput", "-v0", env=server_env)
    for part, ids, label in ((head, early, f"{PERSONS // 10:,}"), (tail, early + late,
                                                                    f"{PERSONS:,}")):
        print(f"importing {part.name} ...", flush=True)
        imports.append(timed("registries", "import", "population", str(part), env=env))
        with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "yagona.wsgi", "--workers", str(WORKERS), "--worker-class",
             "gthread", "--threads", str(THREADS), "--keep-alive", "5", "--bind",
             f"127.0.0.1:{PORT}", "--log-level", "warning"], env=server_env,
            start_new_session=True)
        try:
            wait_for(f"http://127.0.0.1:{PORT}/")
            wrk_lookups(token, ids, folder, seconds=3)  # warm up
            measured = wrk_lookups(token, ids, folder)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        baseline = select_baseline(ids)
        lookups[label] = (measured, baseline)
        print(f"lookups at {label}: {measured['rps']:.0f} req/s p95 {measured['p95_ms']:.1f} ms"
              f" (SELECT loop {baseline['rps']:.0f}/s)", flush=True)
    audited = shell("from yagona.core.audit import AuditEntry; print(AuditEntry.objects."
                    "filter(action='registry.record_read').count())", env)
    write_results(results, imports, lookups, sizes(), audited)


def write_results(results, imports, lookups, size, audited):
    persons, gen_seconds, gen_mib = results["generate"]
    import_seconds = sum(seconds for seconds, _ in imports)
    import_mib = max(mib for _, mib in imports)
    rate, copy_rate = persons / import_seconds, persons / results["copy"]
    mib = {name: value / 2**20 for name, value in size.items()}
    stored = sum(v for k, v in mib.items() if k != "core_auditentry")
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, registries, {COUNTRY} pack", "",
        f"Machine: {machine()}. PostgreSQL on the same machine. Server for lookups: "
        f"gunicorn, {WORKERS} workers × {THREADS} threads (gthread), Redis cache; wrk, "
        f"{CONNECTIONS} connections, {SECONDS} s per figure. Written by "
        "`make bench-registries` (bench/registries.py).", "",
        "| what | measured | peak memory | baseline | baseline figure | ratio |",
        "|---|---|---|---|---|---|",
        f"| generate {persons:,} people | {persons / gen_seconds:,.0f} persons/s | "
        f"{gen_mib} MiB | | | |",
        f"| import {persons:,} people (validation, keys, search terms, revisions, audit) | "
        f"{rate:,.0f} persons/s ({import_seconds:.0f} s) | {import_mib} MiB | PostgreSQL "
        f"COPY of the same file into one jsonb column | {copy_rate:,.0f} rows/s | "
        f"{rate / copy_rate:.2f} |",
    ]
    for label, (m, b) in lookups.items():
        lines.append(
            f"| lookup by person ID through the API, {label} people | {m['rps']:.0f} req/s, "
            f"p50 {m['p50_ms']:.1f} ms, p95 {m['p95_ms']:.1f} ms, "
            f"{m['non_2xx'] + m['socket_errors']} errors | | psycopg indexed SELECT loop | "
            f"{b['rps']:.0f}/s, p50 {b['p50_ms']:.1f} ms, p95 {b['p95_ms']:.1f} ms | "
            f"{m['rps'] / b['rps']:.2f} |")
    lines += [
        "", f"Storage at {persons:,} people: records {mib.get('registries_record', 0):,.0f} "
        f"MiB, keys {mib.get('registries_recordkey', 0):,.0f} MiB, search terms "
        f"{mib.get('registries_recordterm', 0):,.0f} MiB, revisions "
        f"{mib.get('registries_revision', 0):,.0f} MiB (tables with their indexes; "
        f"{stored:,.0f} MiB in all). Staff reads audited during the lookups: {audited}.", ""]
    prepend_results("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
