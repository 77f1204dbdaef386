"""Data-exchange benchmark (issues 4 and 11): `make bench-exchange`.

A registry lookup through two exchange nodes (the Tax Committee's node → the
population register keeper's node → the platform's registry), with signing,
verification, message logging and timestamping on, beside the same lookup called
directly on the platform (what the provider's node itself calls), in the same run,
at 16 connections with wrk: requests/s and the latency the exchange adds (p50, p99).
Then documents between the same two agencies through the same nodes, sent and
receipted (bench/send_documents.py), beside the registry lookup made by the same
threads through the same nodes.

Results are printed and written to bench/RESULTS.md. Not a test: no assertions.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import yaml
from run import (
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

DB = "yagona_bench_exchange"
PERSONS = int(os.environ.get("BENCH_PERSONS", "20000"))
PROVIDER = {"tj": "VKD", "az": "DIN"}[COUNTRY]
CLIENT = {"tj": "ANDOZ", "az": "VERGI"}[COUNTRY]


def wrk(url: str, ids: list[str], headers: dict, folder: Path, seconds=SECONDS,
        connections=CONNECTIONS) -> dict:
    """wrk on ``url`` ("{id}" in it: a random person ID each request)."""
    parts = urlsplit(url)
    ids_file = folder / "ids.txt"
    ids_file.write_text("\n".join(ids) + "\n")
    env = {**os.environ, "BENCH_IDS": str(ids_file),
           "BENCH_PATH": f"{parts.path}?{parts.query}".replace("%7Bid%7D", "{id}"),
           "BENCH_REPORT": str(ROOT / "bench" / "report.lua"),
           "BENCH_HEADERS": "|".join(f"{k}: {v}" for k, v in headers.items())}
    threads = min(2, connections)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s",
                          "--timeout", "5s",
                          "-s", str(ROOT / "bench" / "lookup.lua"),
                          f"{parts.scheme}://{parts.netloc}"],
                         env=env, check=True, text=True, capture_output=True).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def main():
    need("wrk", "wrk")
    central = f"http://127.0.0.1:{PORT}"
    env = {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "REDIS_URL": REDIS,
           "SECRET_KEY": secrets.token_urlsafe(50), "YAGONA_COUNTRY": COUNTRY,
           # The bench sends one letter again and again, each time a new consignment.
           "CORRESPONDENCE_DUPLICATE_DAYS": "0"}
    env.pop("YAGONA_MODE", None)
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    yagona("migrate", "--noinput", "-v0", env=env)
    yagona("load-country", COUNTRY, env=env, capture=True)
    folder = Path(tempfile.mkdtemp(prefix="yagona-bench-exchange-"))
    print(f"generating and importing {PERSONS:,} people ...", flush=True)
    yagona("registries", "generate", "--persons", str(PERSONS), "--businesses", "0",
           "--seed", "7", "--out", str(folder), env=env, capture=True)
    yagona("registries", "import", "population", str(folder / "population.jsonl"), env=env,
           capture=True)
    with (folder / "population.jsonl").open() as lines:
        ids = [json.loads(line)["person_id"] for _, line in zip(range(5000), lines,
                                                                 strict=False)]
    configs = [Path(p) for p in yagona("exchange", "demo", "--out", str(folder / "nodes"),
                                       "--central", central, env=env,
                                       capture=True).split()]
    nodes = {NodeInfo(c).code: NodeInfo(c) for c in configs}
    provider, client = nodes[PROVIDER], nodes[CLIENT]
    server_env = {**env, "YAGONA_MODE": "production",
                  "YAGONA_PUBLIC_URL": "https://portal.example",
                  "ALLOWED_HOSTS": "127.0.0.1,localhost",
                  "SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "DEBUG": "0",
                  "LOG_LEVEL": "WARNING"}
    yagona("collectstatic", "--noinput", "-v0", env=server_env)
    processes = [subprocess.Popen(
        [str(BIN / "gunicorn"), "yagona.wsgi", "--workers", str(WORKERS), "--worker-class",
         "gthread", "--threads", str(THREADS), "--keep-alive", "5", "--bind",
         f"127.0.0.1:{PORT}", "--log-level", "warning"], env=server_env,
        start_new_session=True)]
    try:
        wait_for(central + "/")
        for node in (provider, client):
            processes.append(subprocess.Popen(
                [str(BIN / "yagona"), "exchange-node", "--config", str(node.path)],
                env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL))
        wait_for(client.url + "/listClients")
        wait_for(provider.url + "/listClients")
        service = f"{COUNTRY.upper()}/GOV/{PROVIDER}/registries/population"
        caller = f"{COUNTRY.upper()}/GOV/{CLIENT}/services"
        through = f"{client.url}/r1/{service}/records?field=person_id&value={{id}}"
        direct = f"{central}/exchange/provider/population/records?field=person_id&value={{id}}"
        check = httpx.get(through.format(id=ids[0]), headers={"X-Road-Client": caller})
        assert check.status_code == 200, check.text
        results = {}
        for name, url, headers in (
                ("direct", direct, {"X-Road-Client": caller,
                                    "Authorization": f"Bearer {provider.token}"}),
                ("exchange", through, {"X-Road-Client": caller})):
            wrk(url, ids, headers, folder, seconds=3)  # warm up
            results[name] = wrk(url, ids, headers, folder)
            # One connection: no queue, so the difference is what the two nodes add.
            results[f"{name}, one connection"] = wrk(url, ids, headers, folder,
                                                     connections=1)
            print(f"{name}: {results[name]['rps']:.0f} req/s, p50 "
                  f"{results[name]['p50_ms']:.1f} ms", flush=True)
        documents = json.loads(subprocess.run(
            [str(BIN / "python"), str(ROOT / "bench" / "send_documents.py"), CLIENT, PROVIDER,
             through, caller], env={**env, "BENCH_IDS": str(folder / "ids.txt"),
                                    "DJANGO_SETTINGS_MODULE": "yagona.settings",
                                    "LOG_LEVEL": "WARNING"},
            check=True, text=True, capture_output=True).stdout.splitlines()[-1])
        logged = sum(_entries(n) for n in (provider, client))
        stamped = all(_stamped(n) for n in (provider, client))
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)
    audited = shell("from yagona.core.audit import AuditEntry; print(AuditEntry.objects."
                    "filter(action='registry.record_read').count())", env)
    write_results(results, logged, stamped, audited, documents)


class NodeInfo:
    def __init__(self, path: Path):
        self.path = path
        raw = yaml.safe_load(path.read_text())
        self.code = raw["member"].split("/")[2]
        self.url = f"http://{raw['client_listen']}"
        self.token = raw.get("system_token", "")
        self.log = path.parent / raw["log"]


def _entries(node: NodeInfo) -> int:
    import sqlite3

    with sqlite3.connect(node.log) as db:
        return db.execute("SELECT count(*) FROM entry").fetchone()[0]


def _stamped(node: NodeInfo) -> bool:
    import sqlite3

    with sqlite3.connect(node.log) as db:
        return db.execute("SELECT count(*) FROM stamp").fetchone()[0] > 0


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


def write_results(results, logged, stamped, audited, documents):
    d, x = results["direct"], results["exchange"]
    d1, x1 = results["direct, one connection"], results["exchange, one connection"]
    labels = {"direct": "registry lookup called directly (the baseline), 16 connections",
              "exchange": "the same through two exchange nodes, 16 connections",
              "direct, one connection": "called directly, one connection",
              "exchange, one connection": "through two exchange nodes, one connection"}
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, data exchange, {COUNTRY} pack", "",
        f"Machine: {machine()}. One machine for all: PostgreSQL, the platform (gunicorn, "
        f"{WORKERS} workers × {THREADS} threads), the two exchange nodes (one process each, "
        f"mutual TLS between them) and wrk ({SECONDS} s per figure). Signing and "
        "verification (ES256), message logs and RFC 3161 timestamps (every 5 s) on. Written "
        "by `make bench-exchange` (bench/exchange.py).", "",
        "| what | req/s | p50 ms | p99 ms | errors |", "|---|---|---|---|---|"]
    lines += [f"| {labels[name]} | {r['rps']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | "
              f"{r['non_2xx'] + r['socket_errors']} |" for name, r in results.items()]
    lines += [
        "", f"Throughput through the exchange at 16 connections: **{x['rps'] / d['rps']:.0%}** "
        f"of the direct call (target ≥ 40 %). Latency the two nodes add, on one connection "
        f"(no queue): p50 **{x1['p50_ms'] - d1['p50_ms']:.1f} ms**, p99 "
        f"{x1['p99_ms'] - d1['p99_ms']:.1f} ms (target p50 ≤ 3 ms); at 16 connections the "
        f"p50 grows by {x['p50_ms'] - d['p50_ms']:.0f} ms, the queue for the same two cores. "
        f"Messages in the two logs: {logged:,}; both logs timestamped: "
        f"{'yes' if stamped else 'no'}; reads recorded for the people read: {audited}.", ""]
    sent, looked = documents["documents"], documents["lookups"]
    per_second = sent["count"] / sent["seconds"]
    lookups = looked["count"] / looked["seconds"]
    lines += [
        "Documents between the same two agencies through the same two nodes "
        "(bench/send_documents.py, 4 threads in one process, "
        f"{SECONDS} s each): each delivery the whole way (the capsule of a signed 2-page "
        "letter, both nodes, the sender's seal verified, registered with a number, the "
        "receipt sealed, verified and kept by the sender), beside the registry lookup made "
        "by the same threads through the same nodes.", "",
        "| what | per second | p50 ms | p95 ms |", "|---|---|---|---|",
        f"| documents sent and receipted | {per_second:.1f} | {pct(sent['ms'], 0.5):.0f} | "
        f"{pct(sent['ms'], 0.95):.0f} |",
        f"| registry lookups, same threads and nodes (the baseline) | {lookups:.0f} | "
        f"{pct(looked['ms'], 0.5):.1f} | {pct(looked['ms'], 0.95):.1f} |", "",
        f"A document costs **{lookups / per_second:.0f}** lookups' time "
        f"(ratio {per_second / lookups:.3f}); not delivered at the end: "
        f"{sent['not_delivered']}.", ""]
    prepend_results("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
