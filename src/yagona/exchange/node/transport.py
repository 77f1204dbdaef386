"""HTTP for an exchange node: its listeners (uvicorn, the peer side's one telling the
node the caller's TLS certificate), what it needs of an ASGI request and answer, the
node's errors, and the outbound hops to peers, systems and the authority (aiohttp).

Only the headers in PASSED_ON and CONTEXT cross a node besides X-Road's own: hop-by-hop
headers (RFC 9110 §7.6.1), cookies and credentials never do. Redirects are not followed
and every hop has a timeout and a size limit.
"""

import contextlib
import datetime as dt
import json
import logging
import uuid
from dataclasses import dataclass

import aiohttp
import uvicorn
import yarl
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from yagona.exchange.ids import BadIdentifier, ServiceId
from yagona.exchange.node import signing

log = logging.getLogger("yagona.exchange.node")
# The only headers passed on besides X-Road's own: hop-by-hop headers (RFC 9110 §7.6.1),
# cookies and credentials never cross a node.
PASSED_ON = ("content-type", "accept", "accept-language")
# Who asks and why, signed with the request and passed to the provider's system. The
# issue (what the request is for, an application's number) is X-Road's "issue" field.
CONTEXT = ("x-road-userid", "x-road-represented-party", "x-road-issue")
# The GovStack Information Mediator specs' name for X-Road-Client: accepted as its synonym,
# and sent beside it to the member's systems (answers, calls of a provider's system).
GOVSTACK_CLIENT = "X-GovStack-Client"


class NodeError(Exception):
    def __init__(self, status: int, kind: str, message: str, detail: str = ""):
        super().__init__(message)
        self.status, self.kind, self.message, self.detail = status, kind, message, detail

    def body(self) -> bytes:
        return json.dumps({"type": self.kind, "message": self.message,
                           "detail": self.detail}).encode()


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


class PeerProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (httptools), telling the app the peer's TLS certificate
    (DER) in ``scope["state"]["peer_certificate"]``: the node checks whose node is
    calling. (uvicorn puts no TLS details in the scope itself.)"""

    def connection_made(self, transport):
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object else None
        self.app_state = {**self.app_state, "peer_certificate": der}


class HopTimeout(Exception):
    pass


class HopFailed(Exception):
    pass


class HopTooLarge(HopFailed):
    """The next hop answered with more than the node takes (``body_bytes``)."""


@dataclass
class Answer:
    status_code: int
    headers: object  # case-insensitive: answer.headers.get("x-road-error")
    content: bytes


class Hop:
    """Outbound HTTP for one kind of next hop (aiohttp: a pool of kept-alive connections,
    no redirects followed, a time limit to connect and to read, and at most ``limit``
    bytes of an answer read: a bigger one is refused, not held in memory)."""

    def __init__(self, read_seconds: float, connect_seconds: float, tls=None,
                 limit: int | None = None):
        self.timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_seconds,
                                             sock_read=read_seconds)
        self.tls = tls
        self.limit = limit
        self.session: aiohttp.ClientSession | None = None

    async def request(self, method: str, url: str, headers: dict | None = None,
                      content: bytes = b"") -> Answer:
        if self.session is None:  # made inside the running loop
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=self.tls if self.tls else True, limit=64),
                timeout=self.timeout)
        try:
            async with self.session.request(method, yarl.URL(url, encoded=True),
                                            headers=headers, data=content,
                                            allow_redirects=False) as answer:
                if self.limit is None:
                    return Answer(answer.status, answer.headers, await answer.read())
                if (answer.content_length or 0) > self.limit:
                    raise HopTooLarge(f"the answer is larger than {self.limit} bytes")
                body = bytearray()
                async for chunk in answer.content.iter_chunked(64 * 1024):
                    body += chunk
                    if len(body) > self.limit:
                        raise HopTooLarge(f"the answer is larger than {self.limit} bytes")
                return Answer(answer.status, answer.headers, bytes(body))
        except TimeoutError as exc:
            raise HopTimeout(url) from exc
        except aiohttp.ClientError as exc:
            raise HopFailed(str(exc) or type(exc).__name__) from exc

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


class Listener(uvicorn.Server):
    """A uvicorn server that leaves signals to the node: it stops both listeners."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


class Request:
    """What the node needs of an ASGI request, the body read within the limit."""

    def __init__(self, scope, body: bytes):
        self.method = scope["method"]
        self.path = scope["path"]
        self.raw_path = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
        self.query = scope.get("query_string", b"").decode("latin-1")
        self.headers, seen = {}, {}
        for key, value in scope["headers"]:
            name, text = key.decode("latin-1").lower(), value.decode("latin-1")
            self.headers[name] = text
            seen.setdefault(name, set()).add(text)
        # An exchange header given twice with two values is ambiguous: refused, not guessed.
        self.ambiguous = sorted(name for name, values in seen.items() if len(values) > 1
                                and name.startswith(("x-road-", "x-govstack-")))
        self.body = body
        self.state = scope.get("state") or {}

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def client(self) -> str:
        """The calling subsystem as sent, under X-Road's header or under the name the
        GovStack Information Mediator specs give it; two different ones are refused rather
        than one of them chosen."""
        if self.ambiguous:
            raise NodeError(400, "Client.InvalidRequest",
                            f"{', '.join(self.ambiguous)}: given twice with different values",
                            "send each exchange header once")
        xroad, govstack = self.header("X-Road-Client"), self.header(GOVSTACK_CLIENT)
        if xroad and govstack and xroad != govstack:
            raise NodeError(400, "Client.InvalidClientIdentifier",
                            f"X-Road-Client and {GOVSTACK_CLIENT} name different clients: "
                            "send one of them, or the same identifier in both",
                            f"X-Road-Client: {xroad}; {GOVSTACK_CLIENT}: {govstack}")
        return xroad or govstack

    def fields(self, xroad_id: str, client: str, service: str, path: str, at: str) -> dict:
        """What is signed of this request (signing.request_fields)."""
        return signing.request_fields(xroad_id, client, service, self.method, path,
                                      *(self.header(h) for h in CONTEXT), at, self.body)

    def context(self) -> dict:
        return {h: self.header(h) for h in CONTEXT}

    @property
    def raw_rest(self) -> str:
        """The path after the service identifier, as it was sent (still quoted)."""
        return "/" + "/".join(self.raw_path.split("/")[7:])


async def read_body(scope, receive, limit: int) -> bytes:
    """The request body, refused before it is read when its declared length is over the
    limit, and as soon as it grows over it when undeclared."""
    declared = dict(scope["headers"]).get(b"content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise NodeError(413, "Client.RequestTooLarge",
                        f"The request body is over the limit of {limit} bytes")
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise NodeError(413, "Client.RequestTooLarge",
                            f"The request body is over the limit of {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def respond(send, status: int, body: bytes, headers: dict) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(k.encode("latin-1"), str(v).encode("latin-1"))
                            for k, v in headers.items()]})
    await send({"type": "http.response.body", "body": body})


def parse_xroad_id(value: str, *, required: bool) -> str:
    if not value and not required:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NodeError(400, "Client.InvalidXRoadId", "X-Road-Id must be a UUID") from None


def service_path(path: str) -> tuple[ServiceId, str]:
    """(the service named by /r1/I/C/M/S/SERVICE, the rest of the path)."""
    parts = path.split("/")
    if len(parts) < 7 or parts[1] != "r1":
        raise NodeError(400, "Client.InvalidServiceIdentifier",
                        "Call /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE/path")
    try:
        service = ServiceId.parse("/".join(parts[2:7]))
    except BadIdentifier as exc:
        raise NodeError(400, "Client.InvalidServiceIdentifier", str(exc)) from None
    return service, "/" + "/".join(parts[7:])
