"""Appeals benchmark (issue 12): `make bench-appeals`.

On a throwaway PostgreSQL database (and var folder) with the tj pack loaded and a
production-mode server (gunicorn, Redis), each figure beside a baseline from the same run:

  statistics  BENCH_APPEALS (1,000,000) appeals over three years, written with COPY with
              their steps and the monthly figures counted as figures.rebuild() counts
              them (bench/appeals_data.py; with BENCH_REBUILD=1 the real rebuild is timed
              and compared). Then the public statistics page (STATS_PATH, the portal's
              appeal-statistics page), anonymous, under wrk at BENCH_CONNECTIONS against
              a static file the same server sends (whitenoise). Until that page exists:
              queries.monthly() and queries.totals() for 12 months in process, against a
              psycopg SELECT of the same figure rows, and wrk on "/" for the HTTP part;
              and once, the same figures counted from the appeals themselves (GROUP BY),
              which is what keeping them current saves. Goal: p95 ≤ 100 ms.
  sending     appeals with a photo (BENCH_PHOTO, 1600×1200 JPEG with GPS in its EXIF,
              which the room strips and re-encodes) for BENCH_SECONDS: through the
              portal's form (FORM_PATH, multipart, signed-in sessions) from BENCH_WORKERS
              client processes when that page answers; else through
              appeals.services.submit (what the form's view calls) in BENCH_WORKERS
              processes. Baseline: as many threads of a bare psycopg INSERT of the text
              and the photo's bytes, one row per transaction.

Results are printed and written to bench/RESULTS.md. Not a test: no assertions. A small
trial: BENCH_APPEALS=20000 BENCH_SECONDS=5.
"""

import io
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import appeals_data  # noqa: E402
from run import machine, prepend_results, wait_for, wrk  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "yagona_bench_appeals"
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/8")
PORT = 8102
APPEALS = int(os.environ.get("BENCH_APPEALS", "1000000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "300"))
REBUILD = os.environ.get("BENCH_REBUILD", "1") == "1"
PHOTO = tuple(int(n) for n in os.environ.get("BENCH_PHOTO", "1600x1200").split("x"))
BIN = Path(sys.executable).parent
# portal:appeal-statistics, and portal:appeal-new-category (one form per category).
STATS_PATH = "/statistics/appeals/"
FORM_PATH = "/write/problem/{category}/"
PHOTO_FIELD = "photos"
CSRF = "b" * 32  # the form's token and its cookie (an unmasked secret is accepted)
CITIZENS = [f"42000{n:04d}" for n in range(1, 65)]
CATEGORIES = [("illegal_dumping", {"size": "bag"}), ("power_line", {}),
              ("unsafe_building", {}), ("school_building", {}), ("public_order", {})]
TEXT = ("Дар кӯчаи мо се ҳафта боз партов ғундошта намешавад ва бӯи бад ба хонаҳо "
        "медарояд. Хоҳиш менамоям, ки чора андешед.")


def environment(folder: Path) -> dict:
    """What the set-up, the server and the workers share (one key: the audit chain)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yagona.settings", "YAGONA_VAR": str(folder),
           "YAGONA_COUNTRY": "tj", "DATABASE_URL": f"{PG}/{DB}", "REDIS_URL": REDIS,
           "SECRET_KEY": secrets.token_urlsafe(50), "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT / "src")}
    env.pop("YAGONA_MODE", None)
    return env


def production(env: dict) -> dict:
    return {**env, "YAGONA_MODE": "production", "YAGONA_PUBLIC_URL": "https://portal.example",
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0", "DEBUG": "0"}


def start_django(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def prepare(env: dict) -> list[str]:
    """The database, the pack, the citizens and their signed-in sessions' keys."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], check=False, capture_output=True)
    start_django(env)
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.core.management import call_command

    from yagona.accounts import services as accounts
    from yagona.core.audit import SYSTEM

    call_command("migrate", verbosity=0)
    call_command("load-country", "tj", verbosity=0)
    store, sessions = import_module(settings.SESSION_ENGINE).SessionStore, []
    for number, person_id in enumerate(CITIZENS):
        user = accounts.create_person(SYSTEM, person_id, first_name="Дилноза",
                                      last_name=f"Раҳимова-{number}", password="bench-password")
        session = store()
        session.update({SESSION_KEY: str(user.pk), HASH_SESSION_KEY: user.get_session_auth_hash(),
                        BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0]})
        session.create()
        sessions.append(session.session_key)
    return sessions


def phone_photo() -> bytes:
    """A phone-sized JPEG: a drawing of the demo's, grain, and GPS in its EXIF."""
    from PIL import Image

    from yagona.demo.pictures import picture

    drawing = Image.open(picture("dump", 1, (38.56, 68.78))).resize(PHOTO)
    grain = Image.effect_noise(PHOTO, 24).convert("RGB")
    out = io.BytesIO()
    Image.blend(drawing, grain, 0.25).save(out, "JPEG", quality=88,
                                           exif=Image.open(picture("dump", 1, (38.56, 68.78)))
                                           .getexif().tobytes())
    return out.getvalue()


def _draft_fields(rng: random.Random, index: int, n: int) -> dict:
    category, attributes = CATEGORIES[n % len(CATEGORIES)]
    return {"kind": "problem", "category": category, "language": "tg",
            "text": f"{TEXT} ({index}-{n})", "latitude": round(38.56 + rng.uniform(-.05, .05), 6),
            "longitude": round(68.78 + rng.uniform(-.05, .05), 6), "address": "ш. Душанбе",
            "attributes": attributes}


def run_worker(name, *args) -> None:
    """A worker (by name, for spawn) that still reports when it fails, so the run ends."""
    try:
        globals()[name](*args)
    except Exception as exc:  # noqa: BLE001 - reported in the results, the run goes on
        args[-1].put(([], [repr(exc)]))


def submit_worker(env, index, photo, _session, start_at, stop_at, queue) -> None:
    """appeals.services.submit in a loop, as the form's view calls it."""
    start_django(env)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yagona.accounts.models import User
    from yagona.appeals import services

    user, rng = User.objects.get(username=CITIZENS[index]), random.Random(index)

    def one(n):
        began = time.perf_counter()
        services.submit(user, services.Draft(**_draft_fields(rng, index, n)),
                        [SimpleUploadedFile("IMG_0001.jpg", photo, "image/jpeg")])
        return (time.perf_counter() - began) * 1000

    n = 0
    for n in range(2):  # fonts, the pack and the connection loaded once per process
        one(n)
    while time.time() < start_at:
        time.sleep(0.005)
    timings = []
    while time.time() < stop_at:
        n += 1
        timings.append(one(n))
    queue.put((timings, []))


def form_worker(env, index, photo, session, start_at, stop_at, queue) -> None:
    """The portal's form, posted as a browser does (multipart, session, CSRF token)."""
    import httpx

    rng, base = random.Random(index), f"http://127.0.0.1:{PORT}"
    client = httpx.Client(base_url=base, cookies={"sessionid": session, "csrftoken": CSRF},
                          timeout=30)

    def one(n):
        fields = _draft_fields(rng, index, n)
        attributes = {f"attribute_{k}": v for k, v in fields.pop("attributes").items()}
        path = FORM_PATH.format(category=fields.pop("category"))
        fields.pop("kind"), fields.pop("language")  # the address and the page's language
        began = time.perf_counter()
        response = client.post(path, headers={"Referer": base + path},
                               data={**fields, **attributes, "csrfmiddlewaretoken": CSRF},
                               files={PHOTO_FIELD: ("IMG_0001.jpg", photo, "image/jpeg")})
        took = (time.perf_counter() - began) * 1000
        return took if response.status_code in (200, 302, 303) else -took

    for n in range(2):
        one(n)
    while time.time() < start_at:
        time.sleep(0.005)
    timings, n = [], 2
    while time.time() < stop_at:
        n += 1
        timings.append(one(n))
    queue.put(([t for t in timings if t > 0], [t for t in timings if t < 0]))


def insert_baseline(photo: bytes, count: int, seconds: int) -> tuple[list, float]:
    import psycopg

    with psycopg.connect(f"{PG}/{DB}", autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_appeal_rows (id bigserial primary key,"
                     " at timestamptz, text text, photo bytea)")
    latencies, lock, stop = [], threading.Lock(), time.monotonic() + seconds

    def loop(index):
        mine, n = [], 0
        with psycopg.connect(f"{PG}/{DB}") as conn:
            while time.monotonic() < stop:
                began = time.perf_counter()
                with conn.transaction():
                    conn.execute("INSERT INTO bench_appeal_rows (at, text, photo) VALUES "
                                 "(now(), %s, %s)", (f"{TEXT} ({index}-{n})", photo))
                mine.append((time.perf_counter() - began) * 1000)
                n += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=loop, args=(i,)) for i in range(count)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.monotonic() - began


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] if values else 0


def serve(env: dict):
    subprocess.run([str(BIN / "yagona"), "collectstatic", "--noinput", "-v0"], env=env,
                   check=True)
    return subprocess.Popen([str(BIN / "gunicorn"), "yagona.wsgi", "--workers", "2",
                             "--worker-class", "gthread", "--threads", "4", "--keep-alive", "5",
                             "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"],
                            env=env, start_new_session=True)


def in_processes(target, env, photo, sessions) -> tuple[list, list, float]:
    """``target`` in WORKERS fresh processes (each its own citizen) for the same SECONDS
    after a warm-up: the timings, the failures, and the seconds it took."""
    context = multiprocessing.get_context("spawn")  # each its own django.setup()
    queue = context.Queue()
    start_at = time.time() + 20
    processes = [context.Process(target=run_worker, args=(
        target.__name__, env, index, photo, sessions[index], start_at, start_at + SECONDS,
        queue)) for index in range(WORKERS)]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    finished = time.time()
    for process in processes:
        process.join()
    return ([t for r in results for t in r[0]], [t for r in results for t in r[1]],
            max(SECONDS, finished - start_at))


def main():
    folder = Path(tempfile.mkdtemp(prefix="yagona-bench-appeals-"))
    server = None
    try:
        env = environment(folder)
        sessions = prepare(env)
        print(f"writing {APPEALS:,} appeals with COPY ...", flush=True)
        generated = appeals_data.generate(f"{PG}/{DB}", APPEALS, 3)
        rebuild = appeals_data.check_rebuild(generated) if REBUILD else None
        server = serve(production(env))
        base = f"http://127.0.0.1:{PORT}"
        wait_for(base + "/")
        import httpx

        static = re.search(r'(/static/[^"]+\.css)', httpx.get(base + "/").text).group(1)
        page = {}
        if httpx.get(base + STATS_PATH).status_code == 200:
            wrk(base + STATS_PATH, seconds=3)  # warm up
            page["the statistics page, anonymous"] = wrk(base + STATS_PATH)
        else:
            print(f"{STATS_PATH} does not answer yet: its queries in process, and '/' for "
                  "the HTTP part", flush=True)
            wrk(base + "/", seconds=3)
            page["'/', anonymous (a stand-in for the page's HTTP part)"] = wrk(base + "/")
        page["baseline: a static file the same server sends"] = wrk(base + static)
        in_process = appeals_data.statistics_in_process(f"{PG}/{DB}", QUERIES)
        photo = phone_photo()
        via_form = httpx.get(base + FORM_PATH.format(category=CATEGORIES[0][0]),
                             cookies={"sessionid": sessions[0]}).status_code == 200
        print(f"sending appeals with a {len(photo):,}-byte photo "
              f"{'through the form' if via_form else 'through appeals.services'}, "
              f"{WORKERS} processes, {SECONDS} s ...", flush=True)
        sending = in_processes(form_worker if via_form else submit_worker, production(env),
                               photo, sessions)
        baseline = insert_baseline(photo, WORKERS, SECONDS)
        write(generated, rebuild, page, in_process, sending, baseline, via_form, len(photo))
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


def write(generated, rebuild, page, in_process, sending, baseline, via_form, photo_size):
    timings, failures, took = sending
    base_timings, base_took = baseline
    rate, base_rate = len(timings) / took, len(base_timings) / base_took
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, appeals: sending and statistics, tj pack",
        "", f"Machine: {machine()}. PostgreSQL and Redis on the same machine; server: "
        "gunicorn, 2 workers × 4 threads (gthread), production mode. "
        f"{APPEALS:,} appeals over three years written with COPY with their steps and "
        f"figures in {generated['total_s']:.0f} s"
        + (f"; figures.rebuild() over them took {rebuild[0]:.0f} s and "
           f"{'agreed' if rebuild[1] else '**disagreed**'} with the figures counted while "
           "writing" if rebuild else "") + ". Written by `make bench-appeals` "
        "(bench/appeals.py).", "",
        "### The public statistics", "",
        "| what | req/s | p50 ms | p95 ms | errors | p95 / baseline p95 |",
        "|---|---|---|---|---|---|"]
    base = page["baseline: a static file the same server sends"]
    for name, m in page.items():
        lines.append(f"| {name} | {m['rps']:.0f} | {m['p50_ms']:.1f} | {m['p95_ms']:.1f} | "
                     f"{m['non_2xx'] + m['socket_errors']} | "
                     f"{m['p95_ms'] / base['p95_ms']:.1f} |")
    lines += ["", "| in process | calls | p50 ms | p95 ms | p95 / baseline p95 |",
              "|---|---|---|---|---|"]
    floor = pct(in_process["baseline: psycopg SELECT of the 12 months' figure rows"], 95)
    for name, values in in_process.items():
        lines.append(f"| {name} | {len(values)} | {statistics.median(values):.1f} | "
                     f"{pct(values, 95):.1f} | {pct(values, 95) / floor:.1f} |")
    measured = next(iter(page.values()))
    stand_in = not next(iter(page)).startswith("the statistics page")
    lines += ["", f"Goal: the statistics page's p95 ≤ 100 ms with {APPEALS:,} appeals: "
              + (f"**{measured['p95_ms']:.0f} ms** "
                 f"({'met' if measured['p95_ms'] <= 100 else 'missed'})." if not stand_in else
                 f"the page ({STATS_PATH}) did not exist yet; its queries take "
                 f"{pct(next(iter(in_process.values())), 95):.1f} ms at p95 in process and "
                 f"'/' {measured['p95_ms']:.0f} ms over HTTP (not measured as one)."), "",
              "### Sending appeals with a photo", "",
              "| what | per second | p50 ms | p95 ms | failed | count | ratio |",
              "|---|---|---|---|---|---|---|",
              f"| {'the portal form (HTTP, signed in)' if via_form else 'appeals.services.submit'}"
              f", {WORKERS} processes, a {photo_size:,}-byte photo each | {rate:.1f} | "
              f"{pct(timings, 50):.0f} | {pct(timings, 95):.0f} | {len(failures)} | "
              f"{len(timings)} | {rate / base_rate:.3f} |",
              f"| baseline: psycopg INSERT of the text and the photo's bytes, {WORKERS} "
              f"threads, 1 row per transaction | {base_rate:.1f} | {pct(base_timings, 50):.1f} | "
              f"{pct(base_timings, 95):.1f} | 0 | {len(base_timings)} | 1 |", "",
              "Each appeal: the photo checked by content, decoded, stripped of its EXIF and "
              "re-encoded (Pillow), a number from the year's sequence, the appeal, photo and "
              "step rows, the audit entry, the event, the month's figures row updated."
              + ("" if via_form else f" The portal's form ({FORM_PATH}) did not exist yet: "
                 "measured through the services its view will call, without HTTP."), ""]
    errors = sorted({f for f in failures if isinstance(f, str)})
    if errors:
        lines += [f"Processes that failed: {'; '.join(errors)}", ""]
    prepend_results("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
