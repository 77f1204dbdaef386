"""Signing benchmark (issue 10): `make bench-signing`.

On a throwaway PostgreSQL database and var folder (signing keys in files) with the tj
pack loaded, what deciding an application does to its decision, beside a baseline taken
in the same run:

  seal       the issue's figure: BENCH_WORKERS (4) processes, each for BENCH_SECONDS,
             seal a rendered 2-page result as the agency alone (signing.services.seal
             without an official: the agency seal, timestamped, B-LT; file, row, audit),
             as an API decision is sealed.
  decide     the same processes and time: render a 2-page
             decision (signing.render, a long reason) and seal it
             (signing.services.seal: the official's signature and the agency seal,
             each timestamped by the platform TSA, validation data in the DSS, PAdES
             B-LT; then the file, the row and the audit entry). Documents/s, p50/p95 per
             document, and its parts: render, sign (pades.sign), store (the rest of
             seal: certificates looked up, file, row, audit).
  baseline   the same number of parallel loops of a bare `openssl dgst -sha256 -sign`
             with the seal's own key file over the same PDF bytes, for as long.
  verify     signing.verify.verify_pdf on the sealed documents, in 1 and 2 processes.

Results are printed and written to bench/RESULTS.md. Not a test: no assertions.
Goals: ≥ 50 sealed documents/s on 2 cores; verification p95 ≤ 50 ms.
"""

import functools
import multiprocessing
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Another tree's sources may be measured with this benchmark (a before/after comparison
# in one session): BENCH_SOURCES=/path/to/src.
SOURCES = Path(os.environ.get("BENCH_SOURCES", ROOT / "src"))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "yagona_bench_signing"
SECONDS = int(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
AGENCY, OFFICIAL = "ADLIA", "410000001"
PARAGRAPH = ("Асоси ҳуқуқии қарор моддаи 12-и Қонун аст; ҳуҷҷатҳо санҷида шуданд ва "
             "маълумоти дар ариза овардашуда бо феҳристҳо мувофиқ аст. ") * 9
REASON = "\n\n".join([PARAGRAPH] * 5)


def configure(folder: Path) -> None:
    """The environment every process of the run shares (spawned workers inherit it)."""
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "yagona.settings", "YAGONA_VAR": str(folder),
        "YAGONA_COUNTRY": "tj", "DATABASE_URL": f"{PG}/{DB}", "YAGONA_JOBS_IMMEDIATE": "1",
        "LOG_LEVEL": "WARNING"})
    os.environ.pop("YAGONA_MODE", None)
    os.environ.pop("REDIS_URL", None)


def start_django() -> None:
    sys.path.insert(0, str(SOURCES))  # this tree's sources, not an installed copy
    import django

    django.setup()


def prepare() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")
    start_django()
    from django.core.management import call_command

    from yagona.accounts import services as accounts
    from yagona.accounts.models import Role
    from yagona.agencies.models import Agency
    from yagona.core.audit import SYSTEM

    call_command("migrate", verbosity=0)
    call_command("load-country", "tj", verbosity=0)
    official = accounts.create_person(SYSTEM, OFFICIAL, first_name="Ғайрат",
                                      last_name="Ҷӯраев", password="correct horse battery")
    accounts.grant_role(SYSTEM, official, Agency.objects.get(code=AGENCY), Role.OPERATOR)


def decision() -> tuple[bytes, float, uuid.UUID]:
    """A 2-page decision as results.issue renders it, the ms it took, and its id."""
    from django.conf import settings

    from yagona.agencies.models import Agency
    from yagona.signing import render

    agency = Agency.objects.get(code=AGENCY)
    document_id = uuid.uuid4()
    began = time.perf_counter()
    pdf = render.render_decision(render.DecisionFacts(
        document_id=str(document_id), number="ADLIA-2026-000123",
        decided_on=date(2026, 3, 17), approved=True,
        service={"tg": "Бақайдгирии таваллуди кӯдак", "ru": "Регистрация рождения ребёнка"},
        agency_name=agency.name, agency_address=agency.address,
        agency_website=agency.website, applicant_name="Раҳимова Дилноза Қаҳҳоровна",
        applicant_id="410012345", reason=REASON, official_name="Ҷӯраев Ғайрат",
        verify_url=f"{settings.PUBLIC_URL}/verify/{document_id}"),
        render.decision_template(), ["tg", "ru"])
    return pdf, (time.perf_counter() - began) * 1000, document_id


def seal_one(timings: list) -> str:
    """Render and seal one decision; appends (render, sign, store, total) ms and the
    process's CPU ms for it (PostgreSQL's share is not in it)."""
    from yagona.accounts.models import User
    from yagona.agencies.models import Agency
    from yagona.signing import pades, services

    began, cpu = time.perf_counter(), time.process_time()
    pdf, render_ms, document_id = decision()
    signing = {}
    sign = pades.sign

    def timed_sign(*args, **kwargs):
        start = time.perf_counter()
        try:
            return sign(*args, **kwargs)
        finally:
            signing["ms"] = (time.perf_counter() - start) * 1000

    agency, official = Agency.objects.get(code=AGENCY), User.objects.get(username=OFFICIAL)
    pades.sign = timed_sign  # measured where services.seal calls it
    try:
        sealing = time.perf_counter()
        document = services.seal(
            pdf, agency, official=official, official_role="operator",
            kind="result", title={"tg": "Қарор"}, holder_id="410012345",
            reference="ADLIA-2026-000123", document_id=document_id)
        seal_ms = (time.perf_counter() - sealing) * 1000
    finally:
        pades.sign = sign
    total = (time.perf_counter() - began) * 1000
    timings.append((render_ms, signing["ms"], seal_ms - signing["ms"], total,
                    (time.process_time() - cpu) * 1000))
    return document.file.path


def seal_result(pdf: bytes, timings: list) -> str:
    """Seal a rendered result as the agency alone; appends (total ms, CPU ms)."""
    from yagona.agencies.models import Agency
    from yagona.signing import services

    began, cpu = time.perf_counter(), time.process_time()
    document = services.seal(pdf, Agency.objects.get(code=AGENCY), kind="result",
                             title={"tg": "Қарор"}, holder_id="410012345",
                             reference="ADLIA-2026-000123")
    timings.append(((time.perf_counter() - began) * 1000,
                    (time.process_time() - cpu) * 1000))
    return document.file.path


def seal_worker(whole_decision: bool, start_at: float, stop_at: float, queue) -> None:
    start_django()
    pdf = decision()[0]
    one = seal_one if whole_decision else functools.partial(seal_result, pdf)
    warm = []
    for _ in range(2):  # fonts, keys, the hierarchy and the TSA loaded once per process
        one(warm)
    while time.time() < start_at:
        time.sleep(0.005)
    timings, paths = [], []
    while time.time() < stop_at:
        paths.append(one(timings))
    queue.put((timings, paths))


def verify_worker(paths: list[str], start_at: float, stop_at: float, queue) -> None:
    start_django()
    from yagona.signing import verify

    files = [Path(path).read_bytes() for path in paths]
    for data in files[:3]:
        verify.verify_pdf(data)
    while time.time() < start_at:
        time.sleep(0.005)
    out, cpu, turn = [], [], 0
    while time.time() < stop_at:
        began, used = time.perf_counter(), time.process_time()
        report = verify.verify_pdf(files[turn % len(files)])
        out.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - used) * 1000)
        if report.indication != "TOTAL_PASSED":
            raise RuntimeError(f"not verified: {report.as_dict()}")
        turn += 1
    queue.put((out, cpu))


def in_processes(target, count: int, seconds: int, *args) -> tuple[list, list, float]:
    """Run ``target`` in ``count`` fresh processes for the same ``seconds``."""
    context = multiprocessing.get_context("spawn")  # each process its own django.setup()
    queue = context.Queue()
    start_at = time.time() + 15  # enough for every process to start and warm up
    processes = [context.Process(target=target, args=(*args, start_at, start_at + seconds,
                                                      queue)) for _ in range(count)]
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    finished = time.time()
    for process in processes:
        process.join()
    timings = [t for result in results for t in result[0]]
    paths = [p for result in results for p in result[1]]
    return timings, paths, max(seconds, finished - start_at)


def openssl_baseline(key: str, pdf: Path, count: int, seconds: int) -> tuple:
    """``count`` parallel loops of a bare openssl signature over the same bytes: the
    latencies, the seconds, and the CPU ms of each openssl process (its start included)."""
    latencies, lock, stop = [], threading.Lock(), time.monotonic() + seconds
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = ["openssl", "dgst", "-sha256", "-sign", key, "-out", os.devnull, str(pdf)]

    def loop():
        mine = []
        while time.monotonic() < stop:
            began = time.perf_counter()
            subprocess.run(command, check=True)
            mine.append((time.perf_counter() - began) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=loop) for _ in range(count)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took, after = time.monotonic() - began, resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000
    return latencies, took, cpu / max(1, len(latencies))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def row(name, values, seconds, cpu: float, per="documents") -> str:
    rate = len(values) / seconds
    return (f"| {name} | {rate:.1f} {per}/s | {pct(values, 50):.1f} | {pct(values, 95):.1f} | "
            f"{cpu:.1f} | {len(values)} |")


def main():
    folder = Path(tempfile.mkdtemp(prefix="yagona-bench-signing-"))
    try:
        measure(folder)
    finally:
        shutil.rmtree(folder)  # keys and files; the database stays, for a look afterwards


def measure(folder: Path) -> None:
    configure(folder)
    prepare()
    from django.conf import settings

    from yagona.signing.models import Certificate

    warm = []
    first = Path(seal_one(warm))  # issues the seal's and the official's certificates
    seal_key = Certificate.objects.get(profile=Certificate.Profile.SEAL, holder=AGENCY)
    key_file = Path(settings.SIGNING_DIR) / "keys" / f"{seal_key.key_label}.key"
    unsigned = folder / "decision.pdf"
    unsigned.write_bytes(decision()[0])
    loads = [os.getloadavg()[0]]

    print(f"sealing results: {WORKERS} processes, {SECONDS} s ...", flush=True)
    sealing = in_processes(seal_worker, WORKERS, SECONDS, False)
    loads.append(os.getloadavg()[0])
    print(f"rendering and sealing decisions: {WORKERS} processes, {SECONDS} s ...",
          flush=True)
    timings, paths, took = in_processes(seal_worker, WORKERS, SECONDS, True)
    loads.append(os.getloadavg()[0])
    print(f"baseline: {WORKERS} openssl loops, {SECONDS} s ...", flush=True)
    base, base_took, base_cpu = openssl_baseline(str(key_file), unsigned, WORKERS, SECONDS)
    loads.append(os.getloadavg()[0])
    sample = [str(first)] + paths[:49]
    verifying = {}
    for count in (1, 2):
        print(f"verification: {count} process(es), {SECONDS // 2} s ...", flush=True)
        verifying[count] = in_processes(verify_worker, count, SECONDS // 2, sample)
    loads.append(os.getloadavg()[0])
    write(sealing, timings, took, (base, base_took, base_cpu), verifying,
          unsigned.stat().st_size, first.stat().st_size, loads)


def write(sealing, timings, took, baseline, verifying, unsigned_size, sealed_size, loads):
    from run import machine, prepend_results  # the pages benchmark's helpers

    base, base_took, base_cpu = baseline
    seals, seal_took = [t[0] for t in sealing[0]], sealing[2]
    seal_rate, seal_cpu = len(seals) / seal_took, statistics.median(t[1] for t in sealing[0])
    totals, cpu = [t[3] for t in timings], statistics.median(t[4] for t in timings)
    rate, base_rate = len(totals) / took, len(base) / base_took
    verify_rate = {n: len(v[0]) / v[2] for n, v in verifying.items()}
    verify_cpu = statistics.median(verifying[1][1])
    verify_p95 = pct(verifying[1][0], 95)
    parts = ", ".join(f"{name} {statistics.median(t[i] for t in timings):.1f} ms"
                      for i, name in enumerate(("render", "sign", "store")))
    cores = os.cpu_count()
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, sealing and verifying 2-page decisions",
        "", f"Machine: {machine()}; load average {', '.join(f'{x:.2f}' for x in loads)} before "
        "sealing, after the results, after the decisions, after the baseline and at the "
        "end (other sessions share the machine). PostgreSQL on the same machine, tj pack, "
        f"keys in files. {WORKERS} processes, {SECONDS} s for each sealing figure and for "
        f"the baseline, {SECONDS // 2} s for each verification figure, after warm-up. The "
        f"decision: {unsigned_size:,} bytes rendered, {sealed_size:,} sealed (the "
        "official's signature and the agency seal, each timestamped, PAdES B-LT). Sources: "
        f"{'this tree' if SOURCES == ROOT / 'src' else SOURCES}. Written by "
        "`make bench-signing` (bench/signing.py).",
        "", "| what | rate | p50 ms | p95 ms | CPU ms each (median) | count |",
        "|---|---|---|---|---|---|",
        row(f"seal a 2-page result (the agency's seal, timestamped, B-LT), {WORKERS} "
            "processes", seals, seal_took, seal_cpu),
        row(f"render a decision, sign it as the official and seal it, {WORKERS} processes",
            totals, took, cpu),
        row(f"baseline: `openssl dgst -sha256 -sign` (the seal's key, the same PDF), "
            f"{WORKERS} loops", base, base_took, base_cpu, "signatures"),
        row("verify_pdf on the sealed decisions, 1 process", verifying[1][0], verifying[1][2],
            verify_cpu, "verifications"),
        row("verify_pdf on the sealed decisions, 2 processes", verifying[2][0],
            verifying[2][2], statistics.median(verifying[2][1]), "verifications"),
        "", f"Sealing a result runs at **{seal_rate / base_rate:.2f}×** the bare openssl "
        f"loop ({seal_rate:.1f} against {base_rate:.1f}/s) and costs "
        f"{seal_cpu / base_cpu:.1f}× its CPU per item. A whole decision (medians, wall time "
        f"at {WORKERS} processes on {cores} cores): {parts}; it runs at "
        f"{rate / base_rate:.2f}× the loop and costs {cpu / base_cpu:.1f}× its CPU. CPU "
        f"time in the worker (PostgreSQL's not counted) puts {cores} idle cores at about "
        f"{cores * 1000 / seal_cpu:.0f} sealed results/s, "
        f"{cores * 1000 / cpu:.0f} decisions/s and "
        f"{cores * 1000 / verify_cpu:.0f} verifications/s. Verifying in 2 processes gives "
        f"{verify_rate[2] / verify_rate[1]:.2f}× one.", "",
        "### Against the targets (issue 10)", "", "| target | measured | |", "|---|---|---|",
        f"| ≥ 50 sealed documents/s on 2 cores | {seal_rate:.1f}/s, p95 "
        f"{pct(seals, 95):.0f} ms (whole decisions: {rate:.1f}/s) | "
        f"{'met' if seal_rate >= 50 else '**missed**'} |",
        f"| verification p95 ≤ 50 ms | {verify_p95:.1f} ms (1 process); "
        f"{pct(verifying[2][0], 95):.1f} ms (2) | "
        f"{'met' if verify_p95 <= 50 else '**missed**'} |", ""]
    prepend_results("\n".join(lines))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
