"""Yagona benchmark: one command, `make bench`.

Starts the production-style server (gunicorn, whitenoise, Redis cache) on a fresh
PostgreSQL database with the demo country pack and demo data, then measures with
wrk at 16 connections, each figure beside a baseline measured in the same run:

  pages        anonymous catalogue and service pages, a signed-in account page,
               against a static copy of the same page served by nginx
  submissions  POST /api/v1/applications (start, answers, submit: audit entries,
               inbox notification, e-mail job queued in Redis for the worker that
               runs beside the server) against a plain psycopg INSERT loop of one row
               per transaction on 16 connections

Results are printed and written to bench/RESULTS.md. Not a test: no assertions.
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "yagona_bench"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/7")
PORT, STATIC_PORT = 8100, 8101
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 2)))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
COUNTRY = os.environ.get("YAGONA_COUNTRY", "tj")


def need(tool, package):
    if shutil.which(tool) is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
                       check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def yagona(*args, env, capture=False):
    result = subprocess.run([str(BIN / "yagona"), *args], env=env, check=True, text=True,
                            capture_output=capture)
    return result.stdout if capture else None


def prepare_database(env):
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    yagona("migrate", "--noinput", "-v0", env=env)
    yagona("load-country", COUNTRY, env=env)
    yagona("demo-data", env=env, capture=True)


def shell(code, env) -> str:
    return yagona("shell", "-v", "0", "-c", code, env=env, capture=True).strip()


def wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wrk(url, headers=(), method=None, body=None, seconds=SECONDS) -> dict:
    env = {**os.environ}
    if headers:
        env["BENCH_HEADERS"] = "|".join(headers)
    if method:
        env["BENCH_METHOD"] = method
    if body is not None:
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            handle.write(body)
        env["BENCH_BODY_FILE"] = handle.name
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s",
                          "-s", str(ROOT / "bench" / "report.lua"), url],
                         env=env, check=True, text=True, capture_output=True).stdout
    line = next(line for line in out.splitlines() if line.startswith("{"))
    result = json.loads(line)
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def nginx_static(folder: Path, body: bytes, path: str):
    target = folder / "www" / path.strip("/") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    conf = folder / "nginx.conf"
    conf.write_text(f"""
worker_processes {os.cpu_count() or 2};
daemon off; pid {folder}/nginx.pid; error_log {folder}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off; sendfile on; keepalive_requests 100000;
  types {{ text/html html; }} default_type text/html;
  client_body_temp_path {folder}/tmp; proxy_temp_path {folder}/tmp;
  fastcgi_temp_path {folder}/tmp; uwsgi_temp_path {folder}/tmp; scgi_temp_path {folder}/tmp;
  server {{ listen 127.0.0.1:{STATIC_PORT}; root {folder}/www; index index.html; }}
}}
""")
    (folder / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(["nginx", "-c", str(conf), "-p", str(folder)])


def insert_baseline(seconds=SECONDS) -> dict:
    """A plain psycopg INSERT loop, one row per transaction, on CONNECTIONS connections."""
    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_rows")
        conn.execute("CREATE TABLE bench_rows (id bigserial primary key, at timestamptz, "
                     "payload jsonb)")
    counts, latencies, stop = [], [], time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        done, mine = 0, []
        with psycopg.connect(f"{PG}/{DB}") as conn:
            while time.monotonic() < stop:
                began = time.perf_counter()
                with conn.transaction():
                    conn.execute("INSERT INTO bench_rows (at, payload) VALUES (now(), %s)",
                                 ['{"service": "x", "answers": {"a": 1}}'])
                mine.append(time.perf_counter() - began)
                done += 1
        with lock:
            counts.append(done)
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(CONNECTIONS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    pick = lambda q: latencies[int(q * (len(latencies) - 1))] * 1000  # noqa: E731
    return {"rps": sum(counts) / elapsed, "p50_ms": pick(0.5), "p95_ms": pick(0.95),
            "p99_ms": pick(0.99), "non_2xx": 0, "socket_errors": 0}


def main():
    need("wrk", "wrk")
    need("nginx", "nginx-light")
    # One key for set-up and server: the audit chain is keyed with it.
    base_env = {**os.environ, "DATABASE_URL": f"{PG}/{DB}", "REDIS_URL": REDIS,
                "SECRET_KEY": secrets.token_urlsafe(50),
                "YAGONA_COUNTRY": COUNTRY, "YAGONA_JOBS_IMMEDIATE": "1"}
    base_env.pop("YAGONA_MODE", None)
    print(f"preparing {DB} with the {COUNTRY} pack and demo data ...", flush=True)
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=False, capture_output=True)
    prepare_database(base_env)
    token = shell("from yagona.accounts import services as s; from yagona.accounts.models "
                  "import User; from yagona.core.audit import SYSTEM; import yaml; "
                  "from yagona.core.countries import pack_dir; "
                  "d = yaml.safe_load(open(pack_dir() / 'demo.yaml')); "
                  "print(s.issue_api_token(SYSTEM, User.objects.get(username="
                  "d['citizens'][0]['person_id']), 'bench'))", base_env)
    submission = json.loads(shell(
        "import json, random; from yagona.demo import data as demo; from yagona.catalogue.models "
        "import Service; from yagona.catalogue.forms import FormDefinition; "
        "from yagona.accounts.models import User\n"
        "ids = list(User.objects.values_list('username', flat=True)[:5])\n"
        "for s in Service.objects.filter(online=True, active=True).order_by('code'):\n"
        "    f = FormDefinition(s.form)\n"
        "    if any(x.is_file for x in f.fields.values()) or 'person' not in "
        "(s.applicant_kinds or ['person']): continue\n"
        "    a = demo.example_answers(f, ids, random.Random(1))\n"
        "    if not f.errors(a): print(json.dumps({'service': s.code, 'answers': a, "
        "'submit': True})); break", base_env))
    demo_people = shell("import yaml; from yagona.core.countries import pack_dir; "
                        "d = yaml.safe_load(open(pack_dir() / 'demo.yaml')); "
                        "print(d['citizens'][0]['person_id'])", base_env)
    service_code = submission["service"]

    server_env = {**base_env, "YAGONA_MODE": "production",
                  "YAGONA_PUBLIC_URL": "https://portal.example",
                  "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
                  "SECURE_COOKIES": "0",
                  "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    server_env.pop("YAGONA_JOBS_IMMEDIATE", None)  # jobs go through Redis to the worker
    yagona("collectstatic", "--noinput", "-v0", env=server_env)
    # The job worker runs beside the server, as in production, on the same two cores.
    worker = subprocess.Popen([str(BIN / "yagona"), "run_huey", "--workers", "1"],
                              env=server_env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen([str(BIN / "gunicorn"), "yagona.wsgi", "--workers", str(WORKERS),
                               "--worker-class", "gthread", "--threads", str(THREADS),
                               "--keep-alive", "5", "--bind", f"127.0.0.1:{PORT}",
                               "--log-level", "warning"],
                              env=server_env, start_new_session=True)
    folder = Path(tempfile.mkdtemp(prefix="yagona-bench-"))
    static = None
    try:
        base = f"http://127.0.0.1:{PORT}"
        wait_for(base + "/")
        client = httpx.Client(base_url=base)
        page = client.get(f"/services/{service_code}/")
        static = nginx_static(folder, page.content, f"/services/{service_code}/")
        wait_for(f"http://127.0.0.1:{STATIC_PORT}/services/{service_code}/")
        login = client.get("/accounts/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        client.post("/accounts/login/", data={"login": demo_people,
                                              "password": "demo-password-2026",
                                              "csrfmiddlewaretoken": csrf},
                    headers={"Referer": base + "/accounts/login/"})
        session = client.cookies.get("sessionid")
        assert session, "could not sign in the demo citizen"
        cookie = f"Cookie: sessionid={session}"
        account = client.get("/account/", headers={"Cookie": f"sessionid={session}"})
        static_account = folder / "www" / "account" / "index.html"
        static_account.parent.mkdir(parents=True, exist_ok=True)
        static_account.write_bytes(account.content)

        results = {}
        static_url = f"http://127.0.0.1:{STATIC_PORT}"
        for name, path, headers in [
            ("catalogue page (anonymous)", "/services/", ()),
            ("service page (anonymous)", f"/services/{service_code}/", ()),
            ("account page (signed in)", "/account/", (cookie,)),
        ]:
            wrk(base + path, headers, seconds=3)  # warm up
            measured = wrk(base + path, headers)
            if path == "/services/":
                (folder / "www" / "services" / "index.html").write_bytes(
                    client.get("/services/").content)
            baseline = wrk(static_url + path)
            results[name] = (measured, baseline, "nginx, static copy")
            print(f"{name}: {measured['rps']:.0f} req/s (nginx {baseline['rps']:.0f})",
                  flush=True)
        body = json.dumps(submission)
        auth = (f"Authorization: Bearer {token}", "Content-Type: application/json")
        measured = wrk(base + "/api/v1/applications", auth, method="POST", body=body)
        baseline = insert_baseline()
        results["submission through the API"] = (measured, baseline,
                                                 "psycopg INSERT, 1 row per transaction")
        print(f"submissions: {measured['rps']:.0f}/s (INSERT loop {baseline['rps']:.0f}/s)",
              flush=True)
        count = shell("from yagona.applications.models import Application as A; "
                      "print(A.objects.exclude(status='draft').count())", base_env)
        backlog = shell("from huey.contrib.djhuey import HUEY; "
                        "print(HUEY.pending_count())", server_env)
        audit_ok = subprocess.run([str(BIN / "yagona"), "audit", "verify"], env=base_env,
                                  capture_output=True, text=True)
        write_results(results, count, audit_ok.stdout.strip() or audit_ok.stderr.strip(),
                      backlog)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        os.killpg(worker.pid, signal.SIGTERM)
        if static is not None:
            static.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    return (f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {platform.platform()}; "
            f"10 million additions in a Python loop took {reference_loop():.2f} s (shared "
            "machines vary from session to session: compare runs by their ratios, not their times)")


def reference_loop() -> float:
    """Seconds for a fixed pure-Python loop: how fast this machine is right now."""
    start = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - start


def write_results(results, submitted, audit_line, backlog):
    lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {COUNTRY} pack",
             "", f"Machine: {machine()}. Server: gunicorn, {WORKERS} workers × {THREADS} "
             f"threads (gthread), PostgreSQL, Redis cache. Load: wrk, {CONNECTIONS} connections, "
             f"{SECONDS} s per figure.", "",
             "| what | req/s | p50 ms | p95 ms | errors | baseline | baseline req/s | "
             "baseline p95 ms | ratio |", "|---|---|---|---|---|---|---|---|---|"]
    for name, (m, b, label) in results.items():
        lines.append(f"| {name} | {m['rps']:.0f} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | "
                     f"{m['non_2xx'] + m['socket_errors']} | {label} | {b['rps']:.0f} | "
                     f"{b['p95_ms']:.1f} | {m['rps'] / b['rps']:.2f} |")
    lines += ["", f"Applications submitted in the database afterwards: {submitted}. "
              f"Notification jobs still queued when the load stopped: {backlog} (one huey "
              f"worker ran beside the server). Audit log after the run: {audit_line}.", ""]
    prepend_results("\n".join(lines))


HEAD = ("# Benchmark results\n\nWritten by `make bench` (bench/run.py), "
        "`make bench-registries` (bench/registries.py), `make bench-exchange` "
        "(bench/exchange.py), `make bench-verify` (bench/verification.py), "
        "`make bench-signing` (bench/signing.py), `make bench-correspondence` "
        "(bench/correspondence.py) and `make bench-appeals` (bench/appeals.py); newest "
        "first.\n\n")


def prepend_results(text: str) -> None:
    """Print a run's section and put it first in bench/RESULTS.md."""
    print(text)
    path = ROOT / "bench" / "RESULTS.md"
    old = path.read_text() if path.exists() else HEAD
    body = old.split("\n\n", 2)[2] if old.startswith("# Benchmark results") else old
    path.write_text(HEAD + text + "\n" + body)


if __name__ == "__main__":
    sys.exit(main())
