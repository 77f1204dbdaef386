"""The parts of an ASiC-E container (ETSI EN 319 162-1) that are not cryptography: the
names its entries may have, and the ASiCManifest that a CAdES signature signs.

A CAdES signature in ASiC-E signs one manifest, which lists each data file's name and
digest; so a signature covers the files it names, and a later signer adds a manifest of
its own without touching the first (§4.4.3).
"""

import base64
import binascii
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote, unquote
from xml.etree import ElementTree as ET  # noqa: S405 - untrusted input is screened in parse()
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

ASIC_NS = "http://uri.etsi.org/02918/v1.2.1#"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
SIGNATURE_MIME = "application/pkcs7-signature"
META_INF = "META-INF/"
# The digests a manifest may use (XML Signature URIs); we write SHA-256.
DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256": "sha256",
    "http://www.w3.org/2001/04/xmldsig-more#sha384": "sha384",
    "http://www.w3.org/2001/04/xmlenc#sha512": "sha512",
}
SHA256_URI = "http://www.w3.org/2001/04/xmlenc#sha256"
MAX_MANIFEST = 1024 * 1024  # bytes; a thousand references take about 300 kB
MAX_NAME = 1024  # bytes of UTF-8, and 255 per path segment as file systems allow
_MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][\w!#$&^.+-]{0,126}/[A-Za-z0-9][\w!#$&^.+-]{0,126}$")


class ContainerError(ValueError):
    """A container that cannot be made or trusted; ``message`` is for people (translated)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reference:
    name: str
    mime_type: str
    algorithm: str  # hashlib's name
    digest: bytes

    def matches(self, data: bytes) -> bool:
        return hashlib.new(self.algorithm, data).digest() == self.digest


@dataclass(frozen=True)
class Manifest:
    signature: str  # the entry of the CMS that signs this manifest
    references: list[Reference]


def check_name(name: str) -> None:
    """Refuse a name that could land outside the folder it is unpacked in, or that looks
    like another on a case-insensitive file system (``..``, ``/etc``, ``C:``, ``a\\b``)."""
    segments = name.split("/") if isinstance(name, str) else [""]
    if (not name or len(name.encode()) > MAX_NAME or "\\" in name or ":" in name
            or any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
            or any(s in ("", ".", "..") or len(s.encode()) > 255 for s in segments)):
        raise ContainerError(_("The file name “%(name)s” is not allowed in a container: it "
                               "must be a relative path without “..”.") % {"name": name})


def check_data_name(name: str) -> None:
    """A data file's name: safe, and not one of the container's own (META-INF, mimetype)."""
    check_name(name)
    if name.casefold() == "mimetype" or name.split("/")[0].casefold() == "meta-inf":
        raise ContainerError(_("The name “%(name)s” is reserved for the container's own "
                               "entries.") % {"name": name})


def same_name_key(name: str) -> str:
    """Two names that one file system would take for the same file."""
    return unicodedata.normalize("NFC", name).casefold()


def check_media_type(mime_type: str) -> None:
    if not isinstance(mime_type, str) or not _MEDIA_TYPE.match(mime_type):
        raise ContainerError(_("“%(type)s” is not a valid media type.") % {"type": mime_type})


def write(signature: str, files) -> bytes:
    """The manifest for ``files`` (ContainerFile) signed by the CMS at ``signature``.

    Written as text, not through ElementTree, so that its bytes (which the signature
    covers) are fixed by this code alone. URIs are percent-encoded (RFC 3986), as DSS does.
    """
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<asic:ASiCManifest xmlns:asic="{ASIC_NS}" xmlns:ds="{DS_NS}">',
             f'  <asic:SigReference URI={quoteattr(quote(signature, safe="/"))} '
             f'MimeType="{SIGNATURE_MIME}"/>']
    for file in files:
        digest = base64.b64encode(hashlib.sha256(file.data).digest()).decode()
        lines += [f'  <asic:DataObjectReference URI={quoteattr(quote(file.name, safe="/"))} '
                  f'MimeType={quoteattr(file.mime_type)}>',
                  f'    <ds:DigestMethod Algorithm="{SHA256_URI}"/>',
                  f'    <ds:DigestValue>{escape(digest)}</ds:DigestValue>',
                  '  </asic:DataObjectReference>']
    lines.append("</asic:ASiCManifest>\n")
    return "\n".join(lines).encode()


def parse(name: str, data: bytes) -> Manifest:
    """Read a manifest from the container, refusing anything it does not fully understand."""
    def bad() -> ContainerError:
        return ContainerError(_("%(manifest)s is not a valid ASiC manifest.")
                              % {"manifest": name})

    # Entities and DTDs have no place in a manifest; refusing them closes entity
    # expansion and external references before the parser sees them.
    if len(data) > MAX_MANIFEST or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise bad()
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTD can reach here (above)
    except ET.ParseError:
        raise bad() from None
    if root.tag != f"{{{ASIC_NS}}}ASiCManifest":
        raise bad()
    signatures, references = [], []
    for child in root:
        if child.tag == f"{{{ASIC_NS}}}SigReference":
            signatures.append(_uri(child, bad))
        elif child.tag == f"{{{ASIC_NS}}}DataObjectReference":
            references.append(_reference(name, child, bad))
        elif child.tag == f"{{{ASIC_NS}}}ASiCManifestExtensions":
            # An extension we do not know may change what the signature means.
            if any(e.get("Critical", "false") in ("true", "1") for e in child):
                raise bad()
        else:
            raise bad()
    if len(signatures) != 1 or not references:
        raise bad()
    if len({same_name_key(r.name) for r in references}) != len(references):
        raise bad()
    return Manifest(signatures[0], references)


def _uri(element, bad) -> str:
    uri = element.get("URI")
    if not uri or "#" in uri or "?" in uri:
        raise bad()
    try:
        name = unquote(uri, errors="strict")
    except UnicodeDecodeError:
        raise bad() from None
    check_name(name)
    return name


def _reference(manifest: str, element, bad) -> Reference:
    method = element.find(f"{{{DS_NS}}}DigestMethod")
    value = element.find(f"{{{DS_NS}}}DigestValue")
    if method is None or value is None:
        raise bad()
    algorithm = DIGESTS.get(method.get("Algorithm", ""))
    if algorithm is None:
        raise ContainerError(
            _("%(manifest)s uses a digest algorithm this platform does not accept: "
              "%(algorithm)s.") % {"manifest": manifest, "algorithm": method.get("Algorithm")})
    try:
        digest = base64.b64decode("".join((value.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise bad() from None
    if len(digest) != hashlib.new(algorithm).digest_size:
        raise bad()
    # Another producer's media type is only a hint; one that is not a media type (it may
    # end up in a Content-Type header) is not passed on.
    mime_type = element.get("MimeType") or ""
    if not _MEDIA_TYPE.match(mime_type):
        mime_type = "application/octet-stream"
    return Reference(_uri(element, bad), mime_type, algorithm, digest)
