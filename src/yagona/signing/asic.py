"""ASiC-E containers (ETSI EN 319 162-1) with CAdES detached signatures: several files
signed together, by one party or more, for documents that travel between agencies.

The container is a ZIP: ``mimetype`` first and stored (so the type shows at a fixed
offset), the data files, and per signature a ``META-INF/ASiCManifest*.xml`` naming each
file with its digest plus the ``META-INF/signature*.p7s`` that signs that manifest's exact
bytes. A second party adds a manifest and signature of its own; the first stay as they
were, byte for byte. ``read`` trusts nothing in the ZIP: it refuses what cannot be checked
and says which file was altered; ``validate`` then asks pyhanko about each signature.
"""

import asyncio
import hashlib
import io
import re
import time
import zipfile
import zlib
from dataclasses import dataclass

from asn1crypto import cms
from django.utils.translation import gettext as _
from pyhanko.sign.signers.pdf_cms import Signer, select_suitable_signing_md
from pyhanko.sign.timestamps import TimeStamper
from pyhanko.sign.validation import ades, generic_cms
from pyhanko.sign.validation.policy_decl import SignatureValidationSpec
from pyhanko.sign.validation.status import StandardCMSSignatureStatus
from pyhanko_certvalidator import ValidationContext

from yagona.signing import asic_manifest
from yagona.signing.asic_manifest import (
    META_INF,
    ContainerError,
    check_data_name,
    check_media_type,
    check_name,
    same_name_key,
)

__all__ = ["Container", "ContainerError", "ContainerFile", "ContainerSignature",
           "add_signature", "async_add_signature", "async_build", "build", "read",
           "validate", "validate_ades"]

MIMETYPE = "application/vnd.etsi.asic-e+zip"
MAX_TOTAL_BYTES = 100 * 1024 * 1024  # unpacked, all entries together
MAX_ENTRIES = 1000
_MANIFEST = re.compile(r"^META-INF/ASiCManifest[^/]*\.xml$")
_SIGNATURE = re.compile(r"^META-INF/[^/]*signature[^/]*\.p7s$")
_ODF_MANIFEST = "META-INF/manifest.xml"  # optional in ASiC-E, informative only


@dataclass(frozen=True)
class ContainerFile:
    name: str  # relative UTF-8 path inside the container, "/" between folders
    data: bytes
    mime_type: str


@dataclass(frozen=True)
class ContainerSignature:
    name: str  # META-INF/signature001.p7s
    manifest_name: str  # META-INF/ASiCManifest.xml
    cms: bytes  # DER ContentInfo (SignedData, detached)
    covered: list[str]  # the data files the manifest names
    manifest: bytes  # the manifest's exact bytes: what ``cms`` signs


@dataclass(frozen=True)
class Container:
    files: dict[str, ContainerFile]
    signatures: list[ContainerSignature]


# Making

async def async_build(files: list[ContainerFile], signer: Signer, *,
                      timestamper: TimeStamper | None = None) -> bytes:
    """A container of ``files`` signed by ``signer`` (CAdES-B; CAdES-T with a timestamper)."""
    if not files:
        raise ContainerError(_("A container needs at least one file."))
    seen = set()
    for file in files:
        check_data_name(file.name)
        check_media_type(file.mime_type)
        if same_name_key(file.name) in seen:
            raise ContainerError(_("The container holds “%(name)s” twice.")
                                 % {"name": file.name})
        seen.add(same_name_key(file.name))
    if sum(len(f.data) for f in files) > MAX_TOTAL_BYTES:
        raise _too_large()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # No extra field and no compression, or the type is not where readers look.
        archive.writestr(_entry("mimetype"), MIMETYPE.encode(), zipfile.ZIP_STORED)
        for file in files:
            archive.writestr(_entry(file.name), file.data, zipfile.ZIP_DEFLATED)
        await _sign_into(archive, files, signer, timestamper)
    return buffer.getvalue()


async def async_add_signature(container: bytes, signer: Signer, *,
                              timestamper: TimeStamper | None = None) -> bytes:
    """``container`` with one more signature over all its files, by ``signer``.

    The ZIP is appended to, so every entry already signed keeps its bytes."""
    files = list(read(container).files.values())
    buffer = io.BytesIO(container)
    with zipfile.ZipFile(buffer, "a") as archive:
        await _sign_into(archive, files, signer, timestamper)
    return buffer.getvalue()


def build(files: list[ContainerFile], signer: Signer, *,
          timestamper: TimeStamper | None = None) -> bytes:
    """``async_build`` for code outside an event loop (pyhanko's signers are async)."""
    return asyncio.run(async_build(files, signer, timestamper=timestamper))


def add_signature(container: bytes, signer: Signer, *,
                  timestamper: TimeStamper | None = None) -> bytes:
    """``async_add_signature`` for code outside an event loop."""
    return asyncio.run(async_add_signature(container, signer, timestamper=timestamper))


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = 0o644 << 16  # a plain readable file when unpacked
    return info


async def _sign_into(archive: zipfile.ZipFile, files, signer, timestamper) -> None:
    taken = set(archive.namelist())
    number = 1
    while _signature_names(number)[0] in taken or _signature_names(number)[1] in taken:
        number += 1
    signature_name, manifest_name = _signature_names(number)
    manifest = asic_manifest.write(signature_name, files)
    digest_algorithm = (select_suitable_signing_md(signer.signing_cert.public_key)
                        if signer.signing_cert is not None else "sha256")
    # use_cades: signing-certificate-v2 and signing-time (CAdES-B-B); the timestamper
    # adds the signature timestamp as an unsigned attribute (CAdES-B-T).
    signed = await signer.async_sign_general_data(
        manifest, digest_algorithm, detached=True, use_cades=True, timestamper=timestamper)
    archive.writestr(_entry(manifest_name), manifest, zipfile.ZIP_DEFLATED)
    archive.writestr(_entry(signature_name), signed.dump(), zipfile.ZIP_DEFLATED)


def _signature_names(number: int) -> tuple[str, str]:
    manifest = "ASiCManifest.xml" if number == 1 else f"ASiCManifest{number:03d}.xml"
    return f"{META_INF}signature{number:03d}.p7s", META_INF + manifest


# Reading

def read(data: bytes) -> Container:
    """The container's files and signatures, once every entry has been accounted for:
    each data file is named by a manifest whose digest it matches, each manifest by one
    signature. The signatures themselves are checked by ``validate``."""
    entries = _entries(data)
    files, manifests, signatures = {}, {}, {}
    for name, content in entries.items():
        if name.startswith(META_INF):
            if _MANIFEST.match(name):
                manifests[name] = content
            elif _SIGNATURE.match(name):
                signatures[name] = content
            elif name != _ODF_MANIFEST:
                raise ContainerError(_("The container holds %(name)s, which this platform "
                                       "does not read.") % {"name": name})
        else:
            check_data_name(name)
            files[name] = content
    if not manifests:
        raise ContainerError(_("The container holds no signature."))
    mime_types, covered_by, result = {}, set(), []
    for manifest_name, manifest_bytes in sorted(manifests.items()):
        manifest = asic_manifest.parse(manifest_name, manifest_bytes)
        if manifest.signature not in signatures:
            raise ContainerError(_("%(manifest)s refers to the signature %(signature)s, which "
                                   "is not in the container.")
                                 % {"manifest": manifest_name, "signature": manifest.signature})
        for reference in manifest.references:
            if reference.name not in files:
                raise ContainerError(_("%(manifest)s names the file “%(name)s”, which is not "
                                       "in the container.")
                                     % {"manifest": manifest_name, "name": reference.name})
            if not reference.matches(files[reference.name]):
                raise ContainerError(_("The file “%(name)s” was altered after it was signed: "
                                       "it no longer matches %(manifest)s.")
                                     % {"name": reference.name, "manifest": manifest_name})
            mime_types.setdefault(reference.name, reference.mime_type)
            covered_by.add(reference.name)
        result.append(ContainerSignature(
            name=manifest.signature, manifest_name=manifest_name,
            cms=_checked_cms(manifest.signature, signatures[manifest.signature]),
            covered=[r.name for r in manifest.references], manifest=manifest_bytes))
    _account_for_signatures(result, signatures)
    for name in files:
        if name not in covered_by:
            raise ContainerError(_("The file “%(name)s” is not covered by any signature.")
                                 % {"name": name})
    return Container(
        files={name: ContainerFile(name, content, mime_types[name])
               for name, content in files.items()},
        signatures=sorted(result, key=lambda s: s.name))


def _entries(data: bytes) -> dict[str, bytes]:
    """The ZIP's entries by name, after the checks that need no manifest."""
    if not data:
        raise ContainerError(_("This is not an ASiC container: the file is empty."))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
            EOFError):
        raise ContainerError(_("This is not an ASiC container: it is not a ZIP file.")) from None
    # Bombs: count and declared sizes first; zipfile then stops each entry at its
    # declared size (and checks its CRC), so a lying header cannot unpack more.
    if len(infos) > MAX_ENTRIES:
        raise ContainerError(_("The container holds too many entries (the limit is "
                               "%(count)s).") % {"count": MAX_ENTRIES})
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise _too_large()
    _check_mimetype(data, infos)
    entries, seen = {}, set()
    for info in infos[1:]:
        check_name(info.filename.removesuffix("/"))
        if same_name_key(info.filename) in seen:
            raise ContainerError(_("The container holds “%(name)s” twice.")
                                 % {"name": info.filename})
        seen.add(same_name_key(info.filename))
        if info.flag_bits & 0x1:
            raise ContainerError(_("The file “%(name)s” is encrypted, so it cannot be "
                                   "checked.") % {"name": info.filename})
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ContainerError(_("The file “%(name)s” is compressed with a method ASiC "
                                   "does not allow.") % {"name": info.filename})
        if info.filename.endswith("/"):  # folders some tools add; they must carry nothing
            if info.file_size:
                raise _damaged(info.filename)
            continue
        try:
            entries[info.filename] = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, ValueError, EOFError,
                OSError):
            raise _damaged(info.filename) from None
    return entries


def _damaged(name: str) -> ContainerError:
    return ContainerError(_("The file “%(name)s” in the container is damaged.")
                          % {"name": name})


def _check_mimetype(data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """EN 319 162-1 §A.1: ``mimetype`` first in the file, stored, no extra field."""
    found = [info for info in infos if info.filename == "mimetype"]
    if not found:
        raise ContainerError(_("The container has no “mimetype” entry: it is not an "
                               "ASiC-E container."))
    info = found[0]
    # The local header at offset 0 is what type sniffers read; the central directory's
    # order is checked too, as zipfile (and other readers) list by it.
    local_name_length = int.from_bytes(data[26:28], "little")
    if (info is not infos[0] or info.header_offset != 0 or data[:4] != b"PK\x03\x04"
            or data[30:30 + local_name_length] != b"mimetype"):
        raise ContainerError(_("The “mimetype” entry must be the first in the container."))
    if info.compress_type != zipfile.ZIP_STORED or data[8:10] != b"\0\0":
        raise ContainerError(_("The “mimetype” entry must be stored uncompressed."))
    if info.extra or data[28:30] != b"\0\0":
        raise ContainerError(_("The “mimetype” entry must not carry extra fields."))
    content = data[30 + local_name_length:30 + local_name_length + info.compress_size]
    if content != MIMETYPE.encode():
        raise ContainerError(_("The container's type is “%(type)s”, not an ASiC-E container.")
                             % {"type": content[:80].decode("utf-8", "replace")})


def _checked_cms(name: str, der: bytes) -> bytes:
    """A CMS SignedData with one signer and no content of its own (detached)."""
    try:
        info = cms.ContentInfo.load(der, strict=True)
        signed = info["content"] if info["content_type"].native == "signed_data" else None
        if (signed is None or len(signed["signer_infos"]) != 1
                or signed["encap_content_info"]["content"].native is not None):
            raise ValueError(name)
        signed["signer_infos"][0].native  # noqa: B018 - parse all of it now, not in validate
    except (ValueError, TypeError, KeyError):
        raise ContainerError(_("The signature %(name)s is damaged or is not a detached CAdES "
                               "signature.") % {"name": name}) from None
    return der


def _account_for_signatures(result: list[ContainerSignature], signatures: dict) -> None:
    named = [s.name for s in result]
    for name in signatures:
        if named.count(name) > 1:
            raise ContainerError(_("Two manifests refer to the same signature %(name)s.")
                                 % {"name": name})
        if name not in named:
            raise ContainerError(_("The signature %(name)s has no manifest, so what it "
                                   "signs is unknown.") % {"name": name})


def _too_large() -> ContainerError:
    return ContainerError(_("The container's files are too large once unpacked (the limit "
                            "is %(size)s MB).") % {"size": MAX_TOTAL_BYTES // (1024 * 1024)})


# Validating

async def validate(container: Container, validation_context: ValidationContext, *,
                   ts_validation_context: ValidationContext | None = None,
                   ) -> list[tuple[ContainerSignature, StandardCMSSignatureStatus]]:
    """pyhanko's status for each signature, checked against its manifest's bytes: intact
    (the manifest is what was signed), valid, trusted (a path to the context's roots,
    revocation as the context allows) and the signature timestamp's own status."""
    results = []
    for signature in container.signatures:
        status = await generic_cms.async_validate_detached_cms(
            signature.manifest, _signed_data(signature),
            signer_validation_context=validation_context,
            ts_validation_context=ts_validation_context)
        results.append((signature, status))
    return results


async def validate_ades(container: Container, spec: SignatureValidationSpec,
                        ) -> list[tuple[ContainerSignature, ades.AdESBasicValidationResult]]:
    """ETSI EN 319 102-1 indications for each signature: pyhanko's ``ades_*`` validation
    takes a detached CMS given the content's digest. With a signature timestamp it is the
    validation with time (§5.5), else the basic one (§5.3), which leaves a valid signature
    INDETERMINATE only where time would have mattered."""
    results = []
    for signature in container.signatures:
        signed_data = _signed_data(signature)
        signer_info = signed_data["signer_infos"][0]
        raw_digest = _digest(signer_info["digest_algorithm"]["algorithm"].native,
                             signature.manifest)
        timestamped = next(generic_cms.extract_tst_data_iter(signer_info, signed=False),
                           None) is not None
        check = ades.ades_with_time_validation if timestamped else ades.ades_basic_validation
        results.append((signature, await check(signed_data, spec, raw_digest=raw_digest)))
    return results


def _signed_data(signature: ContainerSignature) -> cms.SignedData:
    return cms.ContentInfo.load(signature.cms)["content"]


def _digest(algorithm: str, data: bytes) -> bytes:
    return hashlib.new(algorithm, data).digest()

