"""The tamper-evident audit log.

Every entry is appended inside the caller's transaction to one of
``AUDIT_CHAINS`` chains, chosen by the object it is about, so one object's
history is one chain and concurrent writers about different objects rarely
wait on each other. Each entry's hash is HMAC-SHA256 (keyed with
``settings.AUDIT_KEY``) over the previous hash and the entry's canonical JSON;
the chain head keeps the length and last hash, so removing entries from the
end is caught too. Positions are not hashed: they only order the entries, and
leaving them out lets verify tell an inserted copy from a rewritten entry.
"""

import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yagona.core.models import AuditChain, AuditEntry

AUDIT_CHAINS = 64
GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts, for whom, from which agency. Services receive one of these."""

    user: object = None  # accounts.User or None for the system
    represented: str = ""  # person ID or business ID acted for, if not oneself
    agency: str = ""  # agency code when the actor acts as an official
    system: str = ""  # the calling information system (an exchange subsystem), if not a person

    @property
    def label(self) -> str:
        return getattr(self.user, "username", "") or self.system or "system"


SYSTEM = Actor()


def chain_for(object_type: str, object_id: str) -> int:
    return zlib.crc32(f"{object_type}:{object_id}".encode()) % AUDIT_CHAINS


def entry_digest(prev_hash: str, fields: dict) -> str:
    payload = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = settings.AUDIT_KEY.encode()
    return hmac.new(key, (prev_hash + payload).encode(), hashlib.sha256).hexdigest()


def entry_fields(entry: AuditEntry) -> dict:
    return {
        "chain": entry.chain,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "represented": entry.represented,
        "agency": entry.agency,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "summary": entry.summary,
    }


def record(actor: Actor, action: str, obj_type: str, obj_id, summary: dict | None = None,
           agency: str = "") -> AuditEntry:
    """Append an entry. Must run inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the changing transaction")
    number = chain_for(obj_type, str(obj_id))
    try:
        head = AuditChain.objects.select_for_update().get(number=number)
    except AuditChain.DoesNotExist:
        AuditChain.objects.get_or_create(number=number)
        head = AuditChain.objects.select_for_update().get(number=number)
    entry = AuditEntry(
        chain=number,
        position=head.length + 1,
        at=timezone.now(),
        actor=actor.label,
        represented=actor.represented,
        agency=agency or actor.agency,
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        summary=summary or {},
        prev_hash=head.head_hash,
    )
    # Round-trip the summary through JSON so the hash covers what is stored.
    entry.summary = json.loads(json.dumps(entry.summary, default=str))
    entry.hash = entry_digest(entry.prev_hash, entry_fields(entry))
    entry.save()
    head.length, head.head_hash = entry.position, entry.hash
    head.save(update_fields=["length", "head_hash"])
    return entry


@dataclass(frozen=True)
class Problem:
    chain: int
    position: int
    kind: str  # altered, inserted, removed
    detail: str

    def __str__(self):
        return f"chain {self.chain} position {self.position}: {self.kind}: {self.detail}"


def verify() -> list[Problem]:
    """Check every chain; report altered, inserted and removed entries with their position."""
    problems: list[Problem] = []
    heads = {head.number: head for head in AuditChain.objects.all()}
    numbers = sorted(set(heads) | set(AuditEntry.objects.values_list("chain", flat=True)))
    for number in numbers:
        problems.extend(_verify_chain(number, heads.get(number)))
    return problems


def _verify_chain(number: int, head: AuditChain | None) -> list[Problem]:
    problems = []
    entries = list(AuditEntry.objects.filter(chain=number).order_by("position").iterator())
    prev_hash, expected_position = GENESIS, 1
    for index, entry in enumerate(entries):
        gap = entry.position > expected_position
        if gap:
            problems.append(Problem(number, expected_position, "removed",
                                    f"positions {expected_position}..{entry.position - 1} missing"))
        expected_position = entry.position + 1
        if entry_digest(entry.prev_hash, entry_fields(entry)) != entry.hash:
            problems.append(Problem(number, entry.position, "altered",
                                    "the entry does not match its hash"))
        elif entry.prev_hash != prev_hash:
            following = entries[index + 1] if index + 1 < len(entries) else None
            if following is not None and following.prev_hash == prev_hash:
                problems.append(Problem(number, entry.position, "inserted",
                                        "the entry is not part of the chain"))
                continue  # the chain goes on from the entry before this one
            if not gap:
                problems.append(Problem(number, entry.position, "removed",
                                        "the entry before this one is missing"))
        prev_hash = entry.hash
    last = expected_position - 1
    if head is not None and head.length > last:
        problems.append(Problem(number, expected_position, "removed",
                                f"the chain should end at {head.length}, it ends at {last}"))
    elif head is not None and head.head_hash != prev_hash:
        problems.append(Problem(number, expected_position - 1, "inserted",
                                "entries beyond the recorded end of the chain"))
    return problems
