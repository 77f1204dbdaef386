"""The tamper-evident audit log.

Every entry is appended inside the caller's transaction to one of
``AUDIT_CHAINS`` chains, chosen by the object it is about, so one object's
history is one chain and concurrent writers about different objects rarely
wait on each other. Each entry's hash is HMAC-SHA256 (keyed with
``settings.AUDIT_KEY``) over the previous hash and the entry's canonical JSON;
the chain head keeps the length and last hash. Positions are not hashed: they
only order the entries, and leaving them out lets verify tell an inserted copy
from a rewritten entry.

A head row can be rewritten (or deleted) along with the entries it ends, so the
heads are anchored by keyed checkpoints (``checkpoint``): an HMAC over every
head, chained from one checkpoint to the next, taken periodically
(``core/tasks.py``) and on demand (``yagona audit checkpoint``). Verify holds
every chain to every authentic checkpoint, and reports a newest checkpoint
older than two periods and any gap longer than two periods between one
checkpoint's last confirmation and the next one's taking (or between the first
entry and the first checkpoint): checkpoints were removed there, or the
periodic task did not run. ``checkpoint`` refuses to seal after such a gap, so
that it cannot hide it; an operator looks, then acknowledges it with a reason
(``yagona audit checkpoint --acknowledge REASON``), which is itself an audit
entry that verify accepts for that gap only.
"""

import getpass
import hashlib
import hmac
import json
import zlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from yagona.core.models import AuditChain, AuditCheckpoint, AuditEntry

AUDIT_CHAINS = 64
GENESIS = "0" * 64
GAP_ACKNOWLEDGED = "audit.gap_acknowledged"


class CheckpointGap(Exception):
    """Sealing now would chain onto a stale checkpoint and hide what happened since."""


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


def _mac(text: str) -> str:
    return hmac.new(settings.AUDIT_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def _canonical(fields: dict) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_digest(prev_hash: str, fields: dict) -> str:
    return _mac(prev_hash + _canonical(fields))


def checkpoint_digest(point: AuditCheckpoint) -> str:
    # The "checkpoint" prefix keeps a checkpoint's MAC from ever passing for an entry's.
    return _mac("checkpoint" + point.prev_mac + _canonical({
        "taken_at": point.taken_at.isoformat(), "confirmed_at": point.confirmed_at.isoformat(),
        "heads": point.heads}))


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


def _gap() -> timedelta | None:
    minutes = settings.AUDIT_CHECKPOINT_MINUTES
    return timedelta(minutes=2 * minutes) if minutes else None


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # a container's uid without a name
        return ""


def checkpoint(acknowledge: str = "") -> AuditCheckpoint:
    """Seal every chain head with AUDIT_KEY. While the heads have not moved the newest
    checkpoint is re-sealed with a later ``confirmed_at`` instead of adding a row.

    After a gap (the newest authentic checkpoint, or the log's first entry when there
    is no checkpoint, older than two periods) it raises CheckpointGap, unless an operator
    ``acknowledge``s it with a reason: newer checkpoints may have been removed, and sealing
    the heads as they are now would make whatever was removed with them look whole."""
    with transaction.atomic():
        # Locking the newest checkpoint orders concurrent calls; the first one ever is
        # kept single by the unique prev_mac.
        newest = AuditCheckpoint.objects.select_for_update().order_by("-pk").first()
        authentic = newest is not None and checkpoint_digest(newest) == newest.mac
        now, gap = timezone.now(), _gap()
        if gap is None:
            since = None
        elif newest is None:
            first = AuditEntry.objects.order_by("at").values_list("at", flat=True).first()
            since = first if first is not None and first < now - gap else None
        else:
            since = newest.confirmed_at if authentic and newest.confirmed_at < now - gap \
                else None
        if since is not None:
            if not acknowledge.strip():
                raise CheckpointGap(
                    f"no audit checkpoint since {since.isoformat()}, though one is taken every "
                    f"{settings.AUDIT_CHECKPOINT_MINUTES} minutes: newer ones may have been "
                    "removed. Run `yagona audit verify`, find out why, then seal with "
                    "`yagona audit checkpoint --acknowledge \"<reason>\"` (audited).")
            after = newest.mac if newest is not None else GENESIS
            record(Actor(system="audit-checkpoint"), GAP_ACKNOWLEDGED, "audit_checkpoint",
                   after[:16], {"after": after, "since": since.isoformat(),
                                "reason": acknowledge.strip()[:500],
                                "operator": _os_user()})
        heads = [[0, GENESIS] for _ in range(AUDIT_CHAINS)]
        for head in AuditChain.objects.all():
            heads[head.number] = [head.length, head.head_hash]
        # Only an authentic checkpoint is re-sealed: re-sealing an altered one would
        # launder the alteration.
        if newest is not None and newest.heads == heads and authentic:
            point = newest
        else:
            point = AuditCheckpoint(taken_at=now, heads=heads,
                                    prev_mac=newest.mac if newest else GENESIS)
        point.confirmed_at = now
        point.mac = checkpoint_digest(point)
        point.save()
    return point


@dataclass(frozen=True)
class Problem:
    chain: int | None  # None: a problem of the checkpoints, position counts them
    position: int
    kind: str  # altered, inserted, removed
    detail: str

    def __str__(self):
        where = (f"checkpoint {self.position}" if self.chain is None
                 else f"chain {self.chain} position {self.position}")
        return f"{where}: {self.kind}: {self.detail}"


def verify() -> list[Problem]:
    """Check every chain; report altered, inserted and removed entries with their position,
    checkpoints that were altered or removed, and chains that fall short of a checkpoint."""
    problems, sealed = _verify_checkpoints()
    heads = {head.number: head for head in AuditChain.objects.all()}
    numbers = sorted(set(heads) | set(sealed)
                     | set(AuditEntry.objects.values_list("chain", flat=True).distinct()))
    for number in numbers:
        problems.extend(_verify_chain(number, heads.get(number), sealed.get(number, set())))
    return problems


def _verify_checkpoints() -> tuple[list[Problem], dict[int, set[tuple[int, str]]]]:
    """Problems of the checkpoints themselves, and per chain the (length, hash) pairs
    that authentic checkpoints sealed."""
    problems: list[Problem] = []
    sealed: dict[int, set[tuple[int, str]]] = {}
    gap, acknowledged = _gap(), _acknowledged_gaps()
    prev_mac, newest, newest_index = GENESIS, None, 0
    for index, point in enumerate(AuditCheckpoint.objects.order_by("pk").iterator(), 1):
        if point.prev_mac != prev_mac:
            problems.append(Problem(
                None, index, "removed", f"the checkpoint before the one of {point.taken_at} "
                "is missing"))
        prev_mac = point.mac
        if checkpoint_digest(point) != point.mac:
            problems.append(Problem(None, index, "altered",
                                    f"the checkpoint of {point.taken_at} does not match its MAC"))
            continue
        # Unsealed time before this checkpoint: since the previous authentic one's last
        # confirmation, or, for the first, since the log's first entry.
        if newest is not None:
            since, after = newest.confirmed_at, newest.mac
        else:
            since = AuditEntry.objects.order_by("at").values_list("at", flat=True).first()
            after = GENESIS
        if gap is not None and since is not None and point.taken_at - since > gap and \
                after not in acknowledged:
            problems.append(Problem(
                None, index, "removed",
                f"no checkpoint between {since} and {point.taken_at}, though one is taken every "
                f"{settings.AUDIT_CHECKPOINT_MINUTES} minutes: checkpoints were removed, or the "
                "periodic task was not running (`audit checkpoint --acknowledge`)"))
        newest, newest_index = point, index
        for number, (length, last_hash) in enumerate(point.heads):
            if length:
                sealed.setdefault(number, set()).add((length, last_hash))
    if gap is not None:
        cutoff = timezone.now() - gap
        if (newest is None or newest.confirmed_at < cutoff) and \
                AuditEntry.objects.filter(at__lt=cutoff).exists():
            since = f"since {newest.confirmed_at}" if newest else "at all"
            problems.append(Problem(
                None, newest_index, "removed",
                f"no checkpoint {since}, though one is taken every "
                f"{settings.AUDIT_CHECKPOINT_MINUTES} minutes: newer ones were removed, or "
                "the periodic task is not running"))
    return problems, sealed


def _acknowledged_gaps() -> set[str]:
    """The checkpoints (their MACs, GENESIS for none) after which an operator acknowledged a
    gap, read from authentic entries only: without AUDIT_KEY none can be forged."""
    return {entry.summary.get("after") for entry in AuditEntry.objects.filter(
        action=GAP_ACKNOWLEDGED, object_type="audit_checkpoint")
        if entry_digest(entry.prev_hash, entry_fields(entry)) == entry.hash}


def _verify_chain(number: int, head: AuditChain | None,
                  sealed: set[tuple[int, str]] = frozenset()) -> list[Problem]:
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
    # The longest sealed length the chain no longer reaches with the sealed hash.
    hashes = {entry.position: entry.hash for entry in entries}
    broken = [(length, last_hash) for length, last_hash in sealed
              if hashes.get(length) != last_hash]
    if broken:
        length, last_hash = max(broken)
        kind = "removed" if length not in hashes else "altered"
        problems.append(Problem(
            number, length, kind,
            f"a checkpoint sealed the chain at {length} with {last_hash[:12]}…, it ends at {last}"))
    return problems
