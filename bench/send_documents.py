"""The document half of `make bench-exchange` (run by bench/exchange.py while the
platform and the two nodes run; not alone): a signed, registered letter of the client
agency to the provider agency is delivered BENCH_DELIVERIES times over, each delivery
the whole way (``correspondence.delivery.attempt``: the capsule built, through the two
nodes, checked, the sender's seal verified, registered with a number, the receipt sealed,
then verified and kept by the sender), by BENCH_SENDERS threads for BENCH_SECONDS; the
same threads then look up the population register through the same nodes as long. Prints
one JSON line: both figures."""

import json
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
SENDERS = int(os.environ.get("BENCH_SENDERS", "4"))
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def setup(client: str, provider: str):
    """A letter of ``client`` to ``provider``, signed and registered, sent once."""
    import pyotp
    from django.core.files.uploadedfile import SimpleUploadedFile

    from yagona.accounts import services as accounts
    from yagona.accounts.models import Role
    from yagona.agencies.models import Agency
    from yagona.core.audit import SYSTEM
    from yagona.correspondence import delivery, routes, services
    from yagona.correspondence.services import Card
    from yagona.testing.documents import plain_pdf

    sender, to = Agency.objects.get(code=client), Agency.objects.get(code=provider)
    clerk = accounts.create_person(SYSTEM, "420000001", first_name="Гулнора",
                                   last_name="Котиба", password="correct horse battery")
    head = accounts.create_person(SYSTEM, "420000002", first_name="Рустам",
                                  last_name="Сардоров", password="correct horse battery")
    accounts.grant_role(SYSTEM, clerk, sender, Role.CLERK)
    accounts.grant_role(SYSTEM, head, sender, Role.HEAD)
    accounts.enable_totp(SYSTEM, head, TOTP_SECRET)
    draft = services.create_draft(clerk, sender, "outgoing", Card(
        doc_type="letter", subject="Дар бораи пешниҳоди маълумот", correspondent_agency=to,
        pages=2))
    services.attach(clerk, draft.pk, "main", SimpleUploadedFile(
        "letter.pdf", plain_pdf(2, "Letter"), "application/pdf"))
    routes.set_route(clerk, draft.pk, [], signatory=head)
    routes.send_for_approval(clerk, draft.pk)
    routes.sign(head, draft.pk, pyotp.TOTP(TOTP_SECRET).now())
    case = sender.file_plan.first().index
    services.register(clerk, draft.pk, case_index=case)
    delivery.send(clerk, draft.pk, [to])
    return draft


def deliveries(document, count: int) -> list[int]:
    """More deliveries of the same letter (each its own consignment: a new arrival)."""
    from django.utils import timezone

    from yagona.correspondence.models import Delivery

    first = document.deliveries.first()
    return [Delivery.objects.create(document=document, recipient=first.recipient,
                                    recipient_member=first.recipient_member,
                                    next_attempt_at=timezone.now()).pk
            for _ in range(count)]


def in_threads(work, seconds: int) -> tuple[list[float], float]:
    """``work()`` over and over in SENDERS threads for ``seconds``: (ms each, seconds)."""
    timings, stop_at = [], time.perf_counter() + seconds
    lock = threading.Lock()

    def loop():
        from django.db import connection

        while time.perf_counter() < stop_at:
            began = time.perf_counter()
            if not work():
                break
            with lock:
                timings.append((time.perf_counter() - began) * 1000)
        connection.close()

    began = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - began


def main():
    client, provider, lookup_url, caller = sys.argv[1:5]
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    import httpx

    from yagona.correspondence import delivery
    from yagona.correspondence.models import Delivery

    document = setup(client, provider)
    queue = deliveries(document, 20000)
    lock = threading.Lock()

    def send_one():
        with lock:
            if not queue:
                return False
            pk = queue.pop()
        delivery.attempt(pk)
        return True

    in_threads(send_one, 3)  # warm up
    before = Delivery.objects.filter(state="delivered").count()
    sent, took = in_threads(send_one, SECONDS)
    delivered = Delivery.objects.filter(state="delivered").count() - before
    failed = Delivery.objects.filter(state="waiting", attempts__gt=0).count()
    ids = Path(os.environ["BENCH_IDS"]).read_text().split()[:5000]
    session = threading.local()
    position = iter(range(10**9))

    def look_up():
        if not hasattr(session, "client"):
            session.client = httpx.Client(headers={"X-Road-Client": caller}, timeout=30)
        answer = session.client.get(lookup_url.format(id=ids[next(position) % len(ids)]))
        return answer.status_code == 200

    in_threads(look_up, 3)
    looked, looked_took = in_threads(look_up, SECONDS)
    print(json.dumps({"documents": {"count": delivered, "seconds": took, "ms": sent,
                                    "not_delivered": failed},
                      "lookups": {"count": len(looked), "seconds": looked_took,
                                  "ms": looked}}))


if __name__ == "__main__":
    sys.exit(main())
