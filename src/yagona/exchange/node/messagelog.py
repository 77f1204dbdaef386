"""A node's message log: every request and response it sent or received, with its
signature, in one hash chain (each entry's hash covers the previous hash and the
entry), in a SQLite file of the node's own.

``verify_chain`` recomputes the chain and names the first entry that does not fit;
``exchange(id)`` gives the entries of one exchange, so that the node can prove what
was sent and received, and that the log was not altered since.
"""

import hashlib
import json
import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    position INTEGER PRIMARY KEY,
    xroad_id TEXT NOT NULL,
    kind TEXT NOT NULL,          -- request or response
    direction TEXT NOT NULL,     -- out (this node sent it) or in
    client TEXT NOT NULL,
    service TEXT NOT NULL,
    at TEXT NOT NULL,
    message TEXT NOT NULL,       -- the canonical form that was signed
    signature TEXT NOT NULL,
    body BLOB NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entry_xroad_id ON entry (xroad_id);
-- A request received twice with one X-Road-Id from one client is a replay.
CREATE UNIQUE INDEX IF NOT EXISTS one_request_in
    ON entry (client, xroad_id) WHERE kind = 'request' AND direction = 'in';
-- RFC 3161 timestamps of the chain's head: each proves every entry up to its position
-- existed, unchanged, at the authority's time (entries are stamped in batches).
CREATE TABLE IF NOT EXISTS stamp (
    position INTEGER PRIMARY KEY,  -- the last entry it covers
    hash TEXT NOT NULL,            -- that entry's hash: the head of the chain then
    token BLOB NOT NULL,           -- the TimeStampResp, DER
    at TEXT NOT NULL               -- the authority's time
);
"""
GENESIS = "0" * 64
FIELDS = ("xroad_id", "kind", "direction", "client", "service", "at", "message",
          "signature", "body")


class Replayed(Exception):
    pass


def entry_hash(prev_hash: str, fields: dict) -> str:
    payload = {k: (fields[k].hex() if isinstance(fields[k], bytes) else fields[k])
               for k in FIELDS}
    data = prev_hash + json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


class MessageLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # one writer: the chain has one head
        self.db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        row = self.db.execute("SELECT hash FROM entry ORDER BY position DESC LIMIT 1").fetchone()
        self.head = row[0] if row else GENESIS

    def append(self, **fields) -> int:
        """Add an entry; a request received again from the same client with the same
        X-Road-Id raises Replayed and adds nothing."""
        with self._lock:
            digest = entry_hash(self.head, fields)
            try:
                cursor = self.db.execute(
                    f"INSERT INTO entry ({', '.join(FIELDS)}, prev_hash, hash) "  # noqa: S608
                    f"VALUES ({', '.join('?' * (len(FIELDS) + 2))})",
                    [fields[k] for k in FIELDS] + [self.head, digest])
            except sqlite3.IntegrityError as exc:
                raise Replayed(fields["xroad_id"]) from exc
            self.head = digest
            return cursor.lastrowid

    def head_position(self) -> tuple[int, str]:
        row = self.db.execute("SELECT position, hash FROM entry ORDER BY position DESC "
                              "LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, GENESIS)

    def last_stamped(self) -> int:
        row = self.db.execute("SELECT max(position) FROM stamp").fetchone()
        return row[0] or 0

    def add_stamp(self, position: int, head: str, token: bytes, at: str) -> None:
        self.db.execute("INSERT INTO stamp (position, hash, token, at) VALUES (?, ?, ?, ?)",
                        [position, head, token, at])

    def stamp_for(self, position: int) -> dict | None:
        """The first timestamp that covers entry ``position``."""
        row = self.db.execute("SELECT position, hash, token, at FROM stamp WHERE position >= ? "
                              "ORDER BY position LIMIT 1", [position]).fetchone()
        return dict(zip(("position", "hash", "token", "at"), row, strict=True)) if row else None

    def verify_stamps(self, anchor) -> list[str]:
        """Every timestamp must name the hash its entry has and be the authority's."""
        from yagona.exchange.node import stamps

        problems = []
        for position, head, token in self.db.execute(
                "SELECT s.position, s.hash, s.token FROM stamp s ORDER BY s.position"):
            row = self.db.execute("SELECT hash FROM entry WHERE position = ?",
                                  [position]).fetchone()
            if row is None or row[0] != head:
                problems.append(f"timestamp of entry {position}: the log no longer holds "
                                "what was stamped")
                continue
            try:
                stamps.check(token, head, anchor)
            except stamps.BadStamp as exc:
                problems.append(f"timestamp of entry {position}: {exc}")
        return problems

    def seen(self, client: str, xroad_id: str) -> bool:
        return self.db.execute(
            "SELECT 1 FROM entry WHERE client = ? AND xroad_id = ? AND kind = 'request' "
            "AND direction = 'in'", [client, xroad_id]).fetchone() is not None

    def exchange(self, xroad_id: str) -> list[dict]:
        rows = self.db.execute(
            f"SELECT position, {', '.join(FIELDS)}, prev_hash, hash FROM entry "  # noqa: S608
            "WHERE xroad_id = ? ORDER BY position", [xroad_id]).fetchall()
        names = ("position", *FIELDS, "prev_hash", "hash")
        return [dict(zip(names, row, strict=True)) for row in rows]

    def verify_chain(self) -> list[str]:
        """Every problem of the chain: an entry whose hash does not match its content or
        whose link does not match the entry before it."""
        problems, previous = [], GENESIS
        names = ("position", *FIELDS, "prev_hash", "hash")
        for row in self.db.execute(
                f"SELECT position, {', '.join(FIELDS)}, prev_hash, hash FROM entry "  # noqa: S608
                "ORDER BY position"):
            entry = dict(zip(names, row, strict=True))
            if entry["prev_hash"] != previous:
                problems.append(f"entry {entry['position']}: its link does not match the "
                                "entry before it (an entry was removed or inserted)")
            if entry_hash(entry["prev_hash"], entry) != entry["hash"]:
                problems.append(f"entry {entry['position']}: its content was altered")
            previous = entry["hash"]
        if previous != self.head and problems == []:
            problems.append("the last entries were removed")
        return problems

    def close(self) -> None:
        self.db.close()
