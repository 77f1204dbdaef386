"""Capsules: what one agency's system sends to another's through the exchange nodes.

Modelled on Estonia's DHX ``sendDocument`` and its Capsule 2.1: a consignment id chosen by
the sender (the key the receiver detects duplicates by), the registration card of the
document, and the signed container itself, in one canonical UTF-8 JSON object
(``capsule.schema.json`` beside this file is version 1.0, for integrators too).

``build`` makes one; ``parse`` reads one received and refuses it with a ``CapsuleFault``
whose code is what the exchange service answers with. ``parse`` checks, in this order:
the size (before decoding anything), JSON, the version, the schema (the fault's ``detail``
is the JSON path of the first problem, such as ``document.pages``), the consignment id,
the addressee, then the container: base64, size and SHA-256, and that it is what its media
type says (a PDF, or an ASiC-E ZIP whose first entry is ``mimetype``, stored). The
container's signatures are the receiver's to validate (``signing.asic``). Pure Python,
no Django: the messages are for integrators, in English.
"""

import base64
import binascii
import hashlib
import io
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import date
from importlib import resources

import jsonschema_rs

from yagona.core.identifiers import is_uuid

FAULT_SIZE_LIMIT = "size_limit"
FAULT_UNSUPPORTED_VERSION = "unsupported_version"
FAULT_VALIDATION = "validation"
FAULT_INVALID_ADDRESSEE = "invalid_addressee"
FAULT_DUPLICATE = "duplicate"  # never raised here: the receiver's database decides
FAULTS = (FAULT_SIZE_LIMIT, FAULT_UNSUPPORTED_VERSION, FAULT_VALIDATION,
          FAULT_INVALID_ADDRESSEE, FAULT_DUPLICATE)

VERSION = "1.0"
SUPPORTED_VERSIONS = frozenset({VERSION})
ASICE = "application/vnd.etsi.asic-e+zip"
PDF = "application/pdf"
MEDIA_TYPES = (ASICE, PDF)
RELATIONS = ("refers_to", "amends", "cancels", "supersedes")

SCHEMA = json.loads(resources.files(__package__).joinpath("capsule.schema.json").read_text(
    encoding="utf-8"))
_VALIDATOR = jsonschema_rs.Draft202012Validator(SCHEMA, validate_formats=True)


class CapsuleFault(Exception):
    """A refused capsule: ``code`` one of FAULTS, ``message`` for the integrator,
    ``detail`` the JSON path of the problem (empty when it is the capsule as a whole)."""

    def __init__(self, code: str, message: str, detail: str = ""):
        super().__init__(code, message, detail)
        self.code, self.message, self.detail = code, message, detail

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" + (f" ({self.detail})" if self.detail else "")


@dataclass(frozen=True)
class Party:
    agency: str  # the agency's code, "MOJ"
    member: str  # its exchange member, "TJ/GOV/MOJ"
    name: dict[str, str] = field(default_factory=dict)  # {language: text}


@dataclass(frozen=True)
class Reference:
    """Another registered document, by its number and registration date."""
    number: str
    registered_on: date
    relation: str | None = None  # one of RELATIONS for links; None for in_reply_to


@dataclass(frozen=True)
class DocumentMeta:
    """The registration card of the document sent."""
    number: str  # the sender's registration number, "01-12/345/26"
    registered_on: date
    type: str  # "letter", ...
    subject: str
    pages: int
    access: str  # "public" or "official_use"
    language: str
    signed_by: str
    in_reply_to: Reference | None = None
    links: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class Capsule:
    version: str
    consignment: str  # the UUID in its canonical form (lower case, hyphens)
    sender: Party
    recipient: Party
    document: DocumentMeta
    container_name: str
    media_type: str
    container: bytes  # decoded, its size and SHA-256 checked
    sha256: str


def build(*, consignment: str | uuid.UUID, sender: Party, recipient: Party, document: DocumentMeta,
          container: bytes, container_name: str, media_type: str,
          max_bytes: int | None = None) -> bytes:
    """The capsule's canonical bytes (sorted keys, no spaces: the same input gives the same
    bytes), checked as the recipient will check it; CapsuleFault if it would be refused."""
    doc = document
    card = {"number": doc.number, "registered_on": doc.registered_on.isoformat(), "type": doc.type,
            "subject": doc.subject, "pages": doc.pages, "access": doc.access,
            "language": doc.language, "signed_by": doc.signed_by,
            "in_reply_to": _reference(doc.in_reply_to) if doc.in_reply_to else None,
            "links": [_reference(link) for link in doc.links]}
    capsule = {"version": VERSION, "consignment": str(consignment), "sender": _party(sender),
               "recipient": _party(recipient), "document": card,
               "container": {"name": container_name, "media_type": media_type,
                             "size": len(container),
                             "sha256": hashlib.sha256(container).hexdigest(),
                             "data": base64.b64encode(container).decode("ascii")}}
    raw = json.dumps(capsule, sort_keys=True, separators=(",", ":"),
                     ensure_ascii=False).encode("utf-8")
    parse(raw, recipient_member=recipient.member,
          max_bytes=len(raw) if max_bytes is None else max_bytes)
    return raw


def _party(party: Party) -> dict:
    return {"agency": party.agency, "member": party.member} | (
        {"name": dict(party.name)} if party.name else {})


def _reference(ref: Reference) -> dict:
    return {"number": ref.number, "registered_on": ref.registered_on.isoformat()} | (
        {"relation": ref.relation} if ref.relation is not None else {})


def parse(raw: bytes, *, recipient_member: str, max_bytes: int) -> Capsule:
    """The capsule in ``raw``, addressed to ``recipient_member``; CapsuleFault otherwise."""
    if len(raw) > max_bytes:
        raise CapsuleFault(FAULT_SIZE_LIMIT, f"The capsule is {len(raw)} bytes; this "
                           f"exchange service accepts at most {max_bytes}.")
    data = _json(raw)
    version = data.get("version")
    if not isinstance(version, str):
        raise _invalid("version", "The capsule has no version (a string such as \"1.0\").")
    if version not in SUPPORTED_VERSIONS:
        raise CapsuleFault(FAULT_UNSUPPORTED_VERSION, f"Capsule version {version[:20]!r} is "
                           f"not supported; supported: {', '.join(sorted(SUPPORTED_VERSIONS))}.",
                           "version")
    _check_schema(data)
    if not is_uuid(data["consignment"]):
        raise _invalid("consignment", "The consignment is not a UUID.")
    recipient = data["recipient"]
    if recipient["member"] != recipient_member:
        raise CapsuleFault(FAULT_INVALID_ADDRESSEE, f"The capsule is addressed to "
                           f"{recipient['member']}, not to {recipient_member}.",
                           "recipient.member")
    box = data["container"]
    try:
        content = base64.b64decode(box["data"], validate=True)
    except (binascii.Error, ValueError):
        raise _invalid("container.data", "The container is not valid base64 "
                       "(RFC 4648 alphabet, padded).") from None
    if len(content) != box["size"]:
        raise _invalid("container.size", f"The container is {len(content)} bytes once "
                       f"decoded; the capsule says {box['size']}.")
    digest = hashlib.sha256(content).hexdigest()
    if digest != box["sha256"]:
        raise _invalid("container.sha256", f"The container's SHA-256 is {digest}; the "
                       "capsule says another.")
    _check_content(content, box["media_type"])
    doc = data["document"]
    return Capsule(
        version=version, consignment=str(uuid.UUID(data["consignment"])),
        sender=_party_of(data["sender"]), recipient=_party_of(recipient),
        document=DocumentMeta(
            number=doc["number"], registered_on=date.fromisoformat(doc["registered_on"]),
            type=doc["type"], subject=doc["subject"], pages=int(doc["pages"]),
            access=doc["access"], language=doc["language"], signed_by=doc["signed_by"],
            in_reply_to=_reference_of(doc["in_reply_to"]) if doc["in_reply_to"] else None,
            links=tuple(_reference_of(link) for link in doc["links"])),
        container_name=box["name"], media_type=box["media_type"], container=content,
        sha256=digest)


def _invalid(path: str, message: str) -> CapsuleFault:
    return CapsuleFault(FAULT_VALIDATION, message, path)


def _json(raw: bytes) -> dict:
    try:
        data = json.loads(str(raw, "utf-8"), object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constant)
    except UnicodeDecodeError as exc:
        raise _invalid("", f"The capsule is not UTF-8 (byte {exc.start}).") from None
    except json.JSONDecodeError as exc:
        raise _invalid("", f"The capsule is not JSON: {exc.msg} at line {exc.lineno}, "
                       f"column {exc.colno}.") from None
    except (ValueError, RecursionError) as exc:  # duplicates, constants, depth, digits
        raise _invalid("", f"The capsule is not acceptable JSON: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise _invalid("", "The capsule is not a JSON object.")
    return data


def _no_duplicates(pairs: list) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        twice = next(name for name in found if [n for n, _ in pairs].count(name) > 1)
        raise ValueError(f"the key {twice[:100]!r} appears twice in one object.")
    return found


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number.")


def _check_schema(data: dict) -> None:
    try:
        error = next(_VALIDATOR.iter_errors(data), None)
    except UnicodeEncodeError:  # a lone surrogate escape ("\ud800") Rust cannot take
        raise _invalid("", "The capsule holds an unpaired UTF-16 surrogate escape.") from None
    if error is None:
        return
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}"
                   for part in error.instance_path).lstrip(".")
    kind = error.kind
    if kind.name == "required":
        path = f"{path}.{kind.property}".lstrip(".")
    elif kind.name in ("additionalProperties", "unevaluatedProperties"):
        path = f"{path}.{kind.unexpected[0]}".lstrip(".")
    message = error.message if len(error.message) <= 300 else error.message[:300] + "…"
    raise _invalid(path, f"Capsule {VERSION} schema: {path or 'the capsule'}: {message}")


def _check_content(content: bytes, media_type: str) -> None:
    """The container is what its media type says; its signatures are the receiver's."""
    if media_type == PDF:
        if not content.startswith(b"%PDF-"):
            raise _invalid("container.data", "The container is not a PDF (no %PDF- header).")
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            first = archive.infolist()[0] if archive.infolist() else None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
            EOFError):
        raise _invalid("container.data", "The container is not a ZIP archive, which an "
                       "ASiC-E container is.") from None
    name_length = int.from_bytes(content[26:28], "little")
    start = 30 + name_length + int.from_bytes(content[28:30], "little")
    if (first is None or first.filename != "mimetype" or first.header_offset != 0
            or content[:4] != b"PK\x03\x04" or content[30:30 + name_length] != b"mimetype"):
        raise _invalid("container.data", "The ASiC-E container's first entry is not "
                       "\"mimetype\" (ETSI EN 319 162-1, A.1).")
    if first.compress_type != zipfile.ZIP_STORED or content[8:10] != b"\0\0":
        raise _invalid("container.data", "The ASiC-E container's \"mimetype\" entry is "
                       "compressed; it must be stored.")
    if content[start:start + first.compress_size] != ASICE.encode() or \
            first.compress_size != len(ASICE):
        raise _invalid("container.data", f"The ASiC-E container's \"mimetype\" entry is not "
                       f"{ASICE}.")


def _party_of(data: dict) -> Party:
    return Party(agency=data["agency"], member=data["member"], name=data.get("name", {}))


def _reference_of(data: dict) -> Reference:
    return Reference(number=data["number"],
                     registered_on=date.fromisoformat(data["registered_on"]),
                     relation=data.get("relation"))
