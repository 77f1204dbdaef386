"""Verification benchmark (issue 10): `make bench-verify`.

In one process, on a throwaway SQLite database and signing folders with the test pack:
a 2-page decision sealed as the platform seals results (the official's signature and
the agency seal, each timestamped, validation data in the DSS: PAdES B-LT), then

  verify     signing.verify.verify_pdf on it, BENCH_ROUNDS times (the upload page and
             POST /api/v1/verify do exactly this; the QR code's page caches it)
  phases     the same work cut in its parts, each timed alone: reading the PDF and its
             signatures (pyhanko's parser), plus the integrity and change analysis,
             plus the platform's CRLs and the DSS (trust material), and the rest
  baseline   reading the file and hashing each signature's byte range: the least any
             verifier does

Percentiles over the rounds (after 5 warm-up rounds). Results are printed and written
to bench/RESULTS.md. Not a test: no assertions. The goal is p95 ≤ 50 ms.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))


def setup(folder: Path):
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "yagona.settings", "YAGONA_VAR": str(folder),
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "EXCHANGE_DIR": str(folder / "exchange"), "SIGNING_DIR": str(folder / "signing"),
        "YAGONA_JOBS_IMMEDIATE": "1"})
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def sealed(folder: Path) -> bytes:
    from yagona.accounts import services as accounts
    from yagona.accounts.models import Role
    from yagona.agencies.models import Agency
    from yagona.catalogue.packs import load_pack
    from yagona.conftest import make_person_id
    from yagona.core.audit import SYSTEM
    from yagona.signing import services
    from yagona.signing.tests.helpers import plain_pdf
    from yagona.testing.packs import write_pack

    load_pack(SYSTEM, write_pack(folder / "xx"))
    reg = Agency.objects.get(code="REG")
    official = accounts.create_person(SYSTEM, make_person_id(10), first_name="Olim",
                                      last_name="Operatorov", password="correct horse battery")
    accounts.grant_role(SYSTEM, official, reg, Role.OPERATOR)
    return services.seal(plain_pdf(2), reg, official=official, official_role="operator",
                         kind="result", title={"en": "Decision"},
                         reference="REG-2026-000001").file.read()


def timed(work, rounds=ROUNDS) -> list[float]:
    for _ in range(5):
        work()
    out = []
    for _ in range(rounds):
        began = time.perf_counter()
        work()
        out.append((time.perf_counter() - began) * 1000)
    return sorted(out)


def pct(values, p):
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main():
    with tempfile.TemporaryDirectory(prefix="yagona-bench-verify-") as tmp:
        setup(Path(tmp))
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY

        from yagona.signing import verify
        from yagona.signing.verify_material import Material, embedded_knowledge

        data = sealed(Path(tmp))
        report = verify.verify_pdf(data)
        assert report.indication == "TOTAL_PASSED", report.as_dict()

        def signatures():
            return list(PdfFileReader(io.BytesIO(data), strict=False)
                        .embedded_regular_signatures)

        def baseline():
            for signature in signatures():
                signature.compute_digest()

        def integrity():
            for signature in signatures():
                signature.compute_integrity_info(diff_policy=DEFAULT_DIFF_POLICY)

        def material():
            Material(embedded_knowledge(PdfFileReader(io.BytesIO(data), strict=False))[0])

        rows = [("verify_pdf: the whole report", timed(lambda: verify.verify_pdf(data))),
                ("reading the PDF and its signatures", timed(signatures)),
                ("… and their integrity and changes after signing", timed(integrity)),
                ("trust material: the platform's CRLs and the DSS", timed(material)),
                ("baseline: read and hash the signed ranges", timed(baseline))]
        whole, base = rows[0][1], rows[-1][1]
        load = os.getloadavg()[0]
        from run import machine, prepend_results  # the pages benchmark's helpers

        lines = [f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, verification of a sealed "
                 "2-page PDF", "",
                 f"Machine: {machine()}; load average {load:.2f} at the end "
                 f"(other sessions share it). One process, SQLite, {ROUNDS} rounds each after 5 "
                 f"warm-up rounds; the file: {len(data):,} bytes, two signatures (official "
                 "and seal), PAdES B-LT. Written by `make bench-verify` (bench/verification.py).",
                 "", "| what | p50 ms | p95 ms | mean ms |", "|---|---|---|---|"]
        lines += [f"| {name} | {pct(v, 50):.1f} | {pct(v, 95):.1f} | "
                  f"{statistics.fmean(v):.1f} |" for name, v in rows]
        lines += ["", f"Verification p95 **{pct(whole, 95):.1f} ms** (goal ≤ 50 ms); "
                      f"{pct(whole, 50) / pct(base, 50):.1f}× the baseline at the median.", ""]
        prepend_results("\n".join(lines))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
