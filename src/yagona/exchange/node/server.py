"""An exchange node (X-Road security server): ``yagona exchange-node --config node.yaml``.

One process per member, with two listeners:

- the client side (plain HTTP, for the member's own information systems), where a
  system calls ``METHOD /r1/{service id}/{path}`` with ``X-Road-Client`` and gets the
  provider's answer, and the metaservices ``/listClients``,
  ``/r1/{subsystem id}/listMethods``, ``/allowedMethods``, ``/getOpenAPI``;
- the peer side (HTTPS with mutual TLS, certificates from the platform's authority),
  where other nodes bring their members' signed requests.

The client's node signs the request with its member's key; the provider's node checks
the TLS certificate and the signature against the global configuration, refuses
replays and callers without an access right, calls the provider system, and signs the
response, naming the hash of the request it received; the client's node checks both
before it passes the answer on. Both log everything in their message log. Errors are
JSON ``{type, message, detail}`` with ``X-Road-Error``. Redirects are not followed,
hop-by-hop headers are dropped, every hop has a timeout, and a configuration past its
expiry stops the node from exchanging.
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import signal
import ssl
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import uvicorn
import uvloop
import yarl
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from yagona.exchange.ids import BadIdentifier, ServiceId, SubsystemId
from yagona.exchange.node import conf as globalconf
from yagona.exchange.node import signing, stamps
from yagona.exchange.node.config import NodeConfig
from yagona.exchange.node.messagelog import MessageLog, Replayed

log = logging.getLogger("yagona.exchange.node")
METASERVICES = ("listMethods", "allowedMethods", "getOpenAPI")
# The only headers passed on besides X-Road's own: hop-by-hop headers (RFC 9110 §7.6.1),
# cookies and credentials never cross a node.
PASSED_ON = ("content-type", "accept", "accept-language")
# Who asks and why, signed with the request and passed to the provider's system. The
# issue (what the request is for, an application's number) is X-Road's "issue" field.
CONTEXT = ("x-road-userid", "x-road-represented-party", "x-road-issue")


class NodeError(Exception):
    def __init__(self, status: int, kind: str, message: str, detail: str = ""):
        super().__init__(message)
        self.status, self.kind, self.message, self.detail = status, kind, message, detail

    def body(self) -> bytes:
        return json.dumps({"type": self.kind, "message": self.message,
                           "detail": self.detail}).encode()


def _now() -> str:
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
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                        for k, v in scope["headers"]}
        self.body = body
        self.state = scope.get("state") or {}

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def fields(self, xroad_id: str, client: str, service: str, path: str, at: str) -> dict:
        """What is signed of this request (signing.request_fields)."""
        return signing.request_fields(xroad_id, client, service, self.method, path,
                                      *(self.header(h) for h in CONTEXT), at, self.body)

    def context(self) -> dict:
        return {h: self.header(h) for h in CONTEXT}

    def query_params(self) -> dict[str, str]:
        from urllib.parse import parse_qsl

        return dict(parse_qsl(self.query))

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


def _xroad_id(value: str, *, required: bool) -> str:
    if not value and not required:
        return str(uuid.uuid4())
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NodeError(400, "Client.InvalidXRoadId", "X-Road-Id must be a UUID") from None


def _service_path(path: str) -> tuple[ServiceId, str]:
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


class Node:
    def __init__(self, config: NodeConfig):
        self.config = config
        self.anchor = x509.load_pem_x509_certificate(config.anchor.read_bytes())
        self.signer = signing.Signer(config.sign_key.read_bytes(),
                                     x509.load_pem_x509_certificate(
                                         config.sign_certificate.read_bytes()))
        self.messages = MessageLog(config.log)
        self.conf: globalconf.Configuration | None = None
        self.conf_problem = "the global configuration has not been downloaded yet"
        self.stamping_failed_since: dt.datetime | None = None
        self.stamping_problem = ""
        seconds = config.limits["timeout_seconds"]
        connect = min(5, seconds)
        tls = ssl.create_default_context(cafile=str(config.anchor))
        tls.load_cert_chain(str(config.tls_certificate), str(config.tls_key))
        # The provider's node waits timeout_seconds for its system; this node waits a little
        # longer for that node, so that its clear error arrives before our own timeout.
        limit = config.limits["body_bytes"]  # for answers as for requests
        self.peers = Hop(seconds + 2, connect, tls, limit)
        self.systems = Hop(seconds, connect, limit=limit)
        self.central = Hop(seconds, connect)

    # --- the global configuration ------------------------------------------------------

    async def refresh(self) -> None:
        """Download and check the configuration; on failure keep the last good one,
        which serves until it expires."""
        try:
            response = await self.central.request(
                "GET", f"{self.config.central}/exchange/globalconf")
            if response.status_code != 200:
                raise HopFailed(f"the authority answered {response.status_code}")
            self.conf = globalconf.Configuration(
                globalconf.verify(response.content.decode(), self.anchor))
            self.conf_problem = ""
        except (HopFailed, HopTimeout, globalconf.ConfError, KeyError, ValueError) as exc:
            self.conf_problem = f"the last download failed: {exc}"
            log.warning("global configuration: %s", self.conf_problem)

    async def keep_refreshing(self) -> None:
        while True:
            await asyncio.sleep(self.config.limits["conf_refresh_seconds"])
            await self.refresh()

    # --- timestamps ---------------------------------------------------------------------

    async def stamp(self) -> None:
        """Timestamp the head of the message log, if anything was logged since the last
        timestamp (a batch: one token covers every entry before it)."""
        position, head = self.messages.head_position()
        if position == self.messages.last_stamped():
            return
        wanted = stamps.request(head)
        try:
            answer = await self.central.request(
                "POST", f"{self.config.central}/exchange/tsa", content=wanted.as_bytes(),
                headers={"content-type": "application/timestamp-query"})
            if answer.status_code != 200:
                raise HopFailed(f"the authority's timestamping answered {answer.status_code}")
            at = stamps.check(answer.content, head, self.anchor, wanted.nonce)
        except (HopFailed, HopTimeout, stamps.BadStamp) as exc:
            self.stamping_failed_since = self.stamping_failed_since or dt.datetime.now(dt.UTC)
            self.stamping_problem = str(exc) or type(exc).__name__
            log.warning("timestamping: %s", self.stamping_problem)
            return
        self.messages.add_stamp(position, head, answer.content, at)
        self.stamping_failed_since, self.stamping_problem = None, ""

    async def keep_stamping(self) -> None:
        while True:
            await asyncio.sleep(self.config.limits["timestamp_interval_seconds"])
            await self.stamp()

    def live_conf(self, side: str) -> globalconf.Configuration:
        since = self.stamping_failed_since
        if since is not None and (dt.datetime.now(dt.UTC) - since).total_seconds() > \
                self.config.limits["timestamp_failure_seconds"]:
            raise NodeError(503, f"{side}.TimestampingFailed",
                            "Timestamping of the message log has been failing since "
                            f"{since.isoformat()}; the node does not exchange until it works "
                            "again", self.stamping_problem)
        if self.conf is None or self.conf.expired():
            why = self.conf_problem if self.conf is None else \
                f"it expired at {self.conf.expires.isoformat()}; {self.conf_problem or ''}"
            raise NodeError(503, f"{side}.OutdatedGlobalConf",
                            "The node has no valid global configuration and does not exchange",
                            why.strip("; "))
        return self.conf

    # --- the client side ---------------------------------------------------------------

    async def client_app(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        try:
            body = await read_body(scope, receive, self.config.limits["body_bytes"])
            request = Request(scope, body)
            parts = request.path.split("/")
            if request.path == "/listClients":
                status, payload, headers = 200, self.list_clients(), {}
            elif len(parts) == 7 and parts[1] == "r1" and parts[6] in METASERVICES:
                status, payload, headers = 200, self.metaservice(request, parts), {}
            else:
                status, payload, headers = await self.forward(request)
        except NodeError as error:
            status, payload, headers = error.status, error.body(), {
                "content-type": "application/json", "x-road-error": error.kind}
        if isinstance(payload, dict):
            payload = json.dumps(payload, ensure_ascii=False).encode()
            headers = {"content-type": "application/json", **headers}
        await respond(send, status, payload, headers)

    def list_clients(self) -> dict:
        conf = self.live_conf("Server.ClientProxy")
        out = []
        for member in conf.content["members"]:
            instance, kind, code = member["id"].split("/")
            out.append({"name": member["name"], "id": {
                "objectType": "MEMBER", "instanceId": instance, "memberClass": kind,
                "memberCode": code}})
        for subsystem in conf.content["subsystems"]:
            instance, kind, code, app = subsystem["id"].split("/")
            out.append({"name": subsystem["name"], "id": {
                "objectType": "APPLICATION", "instanceId": instance, "memberClass": kind,
                "memberCode": code, "applicationCode": app}})
        return {"member": out}

    def metaservice(self, request: Request, parts: list[str]):
        conf = self.live_conf("Server.ClientProxy")
        try:
            provider = SubsystemId.parse("/".join(parts[2:6]))
        except BadIdentifier as exc:
            raise NodeError(400, "Client.InvalidServiceIdentifier", str(exc)) from None
        offered = [s for s in conf.content["services"]
                   if s["id"].rsplit("/", 1)[0] == str(provider)]
        if parts[6] == "getOpenAPI":
            code = request.query_params().get("serviceCode", "")
            found = next((s for s in offered if s["id"].endswith("/" + code)), None)
            if found is None:
                raise NodeError(404, "Server.ClientProxy.UnknownService",
                                f"{provider} offers no service {code!r}")
            return found.get("openapi") or {}
        client = None
        if parts[6] == "allowedMethods":
            client = self._client(request, conf)
        listed = []
        for service in offered:
            sid = ServiceId.parse(service["id"])
            endpoints = [m for m in service["methods"] if client is None or
                         conf.allowed(client, sid, m["method"], m["path"])]
            if client is not None and not endpoints:
                continue
            listed.append({"objectType": "SERVICE", "serviceType": "REST",
                           "instanceId": sid.instance, "memberClass": sid.member_class,
                           "memberCode": sid.member_code, "applicationCode": sid.subsystem,
                           "serviceCode": sid.service, "endpointList": {"member": endpoints}})
        return {"member": listed}

    def _client(self, request: Request, conf) -> SubsystemId:
        try:
            client = SubsystemId.parse(request.header("X-Road-Client"))
        except BadIdentifier as exc:
            raise NodeError(400, "Client.InvalidClientIdentifier",
                            f"X-Road-Client: {exc}") from None
        if client.member != self.config.member:
            raise NodeError(403, "Client.ClientNotOwned",
                            f"{client} is not a subsystem of {self.config.member}, whose node "
                            "this is")
        if str(client) not in conf.subsystems:
            raise NodeError(404, "Server.ClientProxy.UnknownClient",
                            f"{client} is not in the global configuration")
        return client

    async def forward(self, request: Request):
        conf = self.live_conf("Server.ClientProxy")
        client = self._client(request, conf)
        service, rest = _service_path(request.path)
        if str(service) not in conf.services:
            raise NodeError(404, "Server.ClientProxy.UnknownService",
                            f"{service} is not in the global configuration")
        provider = conf.nodes.get(str(service.provider.member))
        if provider is None:
            raise NodeError(404, "Server.ClientProxy.UnknownMember",
                            f"{service.provider.member} has no node")
        xroad_id = _xroad_id(request.header("X-Road-Id"), required=False)
        at = _now()
        path = rest + (f"?{request.query}" if request.query else "")
        message = signing.canonical(request.fields(xroad_id, str(client), str(service), path,
                                                   at))
        signature = self.signer.sign(message)
        request_hash = signing.digest(message)
        self.messages.append(xroad_id=xroad_id, kind="request", direction="out",
                             client=str(client), service=str(service), at=at,
                             message=message.decode(), signature=signature,
                             body=request.body)
        headers = {k: v for k, v in request.headers.items() if k in PASSED_ON}
        headers.update({"x-road-client": str(client), "x-road-id": xroad_id,
                        **request.context(), "x-road-request-time": at,
                        "x-road-signature": signature})
        url = provider["address"].rstrip("/") + request.raw_path + (
            f"?{request.query}" if request.query else "")
        try:
            answer = await self.peers.request(request.method, url, headers=headers,
                                              content=request.body)
        except HopTimeout:
            raise NodeError(504, "Server.ClientProxy.Timeout",
                            f"{service.provider.member}'s node did not answer in time") \
                from None
        except HopTooLarge as exc:
            raise NodeError(502, "Server.ClientProxy.NetworkError",
                            f"{service.provider.member}'s node answered with more than this "
                            "node passes on", str(exc)) from None
        except HopFailed as exc:
            raise NodeError(502, "Server.ClientProxy.NetworkError",
                            f"{service.provider.member}'s node cannot be reached",
                            str(exc)) from None
        return self._checked_answer(answer, conf, service, client, xroad_id, request_hash)

    def _checked_answer(self, answer, conf, service, client, xroad_id, request_hash):
        """The provider's answer if its signature and request hash hold; otherwise it is
        logged as received and refused."""
        content_type = answer.headers.get("content-type", "")
        fields = signing.response_fields(xroad_id, answer.headers.get("x-road-request-hash", ""),
                                         answer.status_code, content_type,
                                         answer.headers.get("x-road-response-time", ""),
                                         answer.content)
        message = signing.canonical(fields)
        signature = answer.headers.get("x-road-signature", "")
        provider_member = str(service.provider.member)
        problem = None
        try:
            signing.verify(signature, message, conf.signing.get(provider_member, []))
        except signing.BadSignature as exc:
            problem = NodeError(502, "Server.ClientProxy.InvalidSignature",
                                f"The answer of {provider_member}'s node is not validly signed",
                                str(exc))
        if problem is None and fields["request"] != request_hash:
            problem = NodeError(502, "Server.ClientProxy.InvalidRequestHash",
                                "The answer names another request than the one sent")
        self.messages.append(xroad_id=xroad_id, kind="response", direction="in",
                             client=str(client), service=str(service), at=_now(),
                             message=message.decode(), signature=signature,
                             body=answer.content)
        if problem is not None:
            raise problem
        headers = {"x-road-id": xroad_id, "x-road-client": str(client),
                   "x-road-service": str(service), "x-road-request-hash": request_hash}
        if content_type:
            headers["content-type"] = content_type
        if answer.headers.get("x-road-error"):
            headers["x-road-error"] = answer.headers["x-road-error"]
        return answer.status_code, answer.content, headers

    # --- the peer side -----------------------------------------------------------------

    async def peer_app(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send, refresh=False)
        request, request_hash, xroad_id = None, "", ""
        try:
            body = await read_body(scope, receive, self.config.limits["body_bytes"])
            request = Request(scope, body)
            xroad_id = _xroad_id(request.header("X-Road-Id"), required=True)
            status, payload, headers, request_hash = await self.serve(request, xroad_id)
        except NodeError as error:
            if request is not None and not request_hash:
                request_hash = self._received_hash(request, xroad_id)
            status, payload = error.status, error.body()
            headers = {"content-type": "application/json", "x-road-error": error.kind}
        await respond(send, status, payload, self._signed(
            xroad_id, request_hash, status, headers, payload, request))

    def _received_hash(self, request: Request, xroad_id: str) -> str:
        try:
            service, rest = _service_path(request.path)
        except NodeError:
            service, rest = request.path, request.path
        path = rest + (f"?{request.query}" if request.query else "")
        return signing.digest(signing.canonical(request.fields(
            xroad_id, request.header("X-Road-Client"), str(service), path,
            request.header("X-Road-Request-Time"))))

    def _signed(self, xroad_id, request_hash, status, headers, body, request) -> dict:
        """The response headers with this member's signature over the response."""
        at = _now()
        content_type = headers.get("content-type", "")
        message = signing.canonical(signing.response_fields(
            xroad_id, request_hash, status, content_type, at, body))
        signature = self.signer.sign(message)
        if request is not None and xroad_id:
            try:
                service = str(_service_path(request.path)[0])
            except NodeError:
                service = ""
            self.messages.append(xroad_id=xroad_id, kind="response", direction="out",
                                 client=request.header("X-Road-Client"), service=service,
                                 at=at, message=message.decode(), signature=signature,
                                 body=body)
        return {**headers, "x-road-id": xroad_id, "x-road-request-hash": request_hash,
                "x-road-response-time": at, "x-road-signature": signature}

    async def serve(self, request: Request, xroad_id: str):
        conf = self.live_conf("Server.ServerProxy")
        peer = request.state.get("peer_certificate")
        if not peer:
            raise NodeError(403, "Server.ServerProxy.SslAuthenticationFailed",
                            "No client certificate")
        peer_member = conf.tls.get(x509.load_der_x509_certificate(peer).fingerprint(
            hashes.SHA256()).hex())
        try:
            client = SubsystemId.parse(request.header("X-Road-Client"))
        except BadIdentifier as exc:
            raise NodeError(400, "Client.InvalidClientIdentifier", str(exc)) from None
        if peer_member != str(client.member):
            raise NodeError(403, "Server.ServerProxy.SslAuthenticationFailed",
                            f"The calling node is not a node of {client.member}")
        service, rest = _service_path(request.path)
        path = rest + (f"?{request.query}" if request.query else "")
        at = request.header("X-Road-Request-Time")
        message = signing.canonical(request.fields(xroad_id, str(client), str(service), path,
                                                   at))
        request_hash = signing.digest(message)
        signature = request.header("X-Road-Signature")
        try:
            signing.verify(signature, message, conf.signing.get(str(client.member), []))
        except signing.BadSignature as exc:
            raise NodeError(403, "Server.ServerProxy.InvalidSignature",
                            "The request is not validly signed by its client's member",
                            str(exc)) from None
        try:
            sent = dt.datetime.fromisoformat(at)
            skew = abs((dt.datetime.now(dt.UTC) - sent).total_seconds())
        except (ValueError, TypeError):  # not a time, or one without its zone
            raise NodeError(400, "Server.ServerProxy.InvalidTime",
                            "X-Road-Request-Time is not a time with its zone") from None
        if skew > self.config.limits["clock_skew_seconds"]:
            raise NodeError(400, "Server.ServerProxy.InvalidTime",
                            f"The request was signed {skew:.0f} s away from this node's time")
        try:
            self.messages.append(xroad_id=xroad_id, kind="request", direction="in",
                                 client=str(client), service=str(service), at=at,
                                 message=message.decode(), signature=signature,
                                 body=request.body)
        except Replayed:
            raise NodeError(409, "Server.ServerProxy.DuplicateId",
                            f"A request with X-Road-Id {xroad_id} from {client} was already "
                            "received") from None
        if service.provider.member != self.config.member or str(service) not in conf.services:
            raise NodeError(404, "Server.ServerProxy.UnknownService",
                            f"This node does not offer {service}")
        if not conf.allowed(client, service, request.method, rest):
            raise NodeError(403, "Server.ServerProxy.AccessDenied",
                            f"{client} may not call {request.method} {rest} of {service}")
        backend = self.config.services.get(f"{service.subsystem}/{service.service}")
        if backend is None:
            raise NodeError(502, "Server.ServerProxy.ServiceFailed",
                            f"{service} has no system behind this node")
        headers = {k: v for k, v in request.headers.items() if k in PASSED_ON}
        headers.update({"x-road-client": str(client), "x-road-id": xroad_id,
                        "x-road-service": str(service), **request.context()})
        if self.config.system_token:
            headers["authorization"] = f"Bearer {self.config.system_token}"
        try:
            answer = await self.systems.request(
                request.method, backend.rstrip("/") + request.raw_rest +
                (f"?{request.query}" if request.query else ""), headers=headers,
                content=request.body)
        except HopTimeout:
            raise NodeError(504, "Server.ServerProxy.ServiceTimeout",
                            f"{service} did not answer in "
                            f"{self.config.limits['timeout_seconds']} s") from None
        except HopTooLarge as exc:
            raise NodeError(502, "Server.ServerProxy.ServiceFailed",
                            f"{service} answered with more than this node passes on",
                            str(exc)) from None
        except HopFailed as exc:
            raise NodeError(502, "Server.ServerProxy.ServiceFailed",
                            f"{service} cannot be reached", str(exc)) from None
        out = {"content-type": answer.headers["content-type"]} \
            if "content-type" in answer.headers else {}
        return answer.status_code, answer.content, out, request_hash

    # --- running -----------------------------------------------------------------------

    async def _lifespan(self, receive, send, refresh: bool = True) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def run(self) -> None:
        await self.refresh()
        config = self.config
        client = Listener(uvicorn.Config(
            self.client_app, host=config.client_listen[0], port=config.client_listen[1],
            lifespan="off", log_level="warning", access_log=False, interface="asgi3",
            http="httptools", proxy_headers=False, timeout_graceful_shutdown=3))
        peer = Listener(uvicorn.Config(
            self.peer_app, host=config.peer_listen[0], port=config.peer_listen[1],
            lifespan="off", log_level="warning", access_log=False, http=PeerProtocol,
            interface="asgi3", proxy_headers=False, timeout_graceful_shutdown=3,
            ssl_keyfile=str(config.tls_key), ssl_certfile=str(config.tls_certificate),
            ssl_ca_certs=str(config.anchor), ssl_cert_reqs=ssl.CERT_REQUIRED))
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(number, lambda: [setattr(s, "should_exit", True)
                                                     for s in (client, peer)])
        background = [asyncio.create_task(self.keep_refreshing()),
                      asyncio.create_task(self.keep_stamping())]
        try:
            await asyncio.gather(client.serve(), peer.serve())
            await self.stamp()  # what the last moments logged
        finally:
            for task in background:
                task.cancel()
            for hop in (self.peers, self.systems, self.central):
                await hop.close()
            self.messages.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="yagona exchange-node")
    parser.add_argument("--config", required=True)
    parser.add_argument("--enrol", metavar="CODE", help="make the node's keys and ask the "
                        "authority for its certificates with this enrolment code, then stop")
    parser.add_argument("--wait", type=float, default=0, metavar="SECONDS",
                        help="with --enrol: how long to wait for the approval")
    args = parser.parse_args(argv)
    if args.enrol:
        from yagona.exchange.node.enrol import EnrolmentError, enrol

        config = Path(args.config)
        try:
            done = enrol(NodeConfig.load(config), args.enrol, wait_seconds=args.wait,
                         state_path=config.with_name("enrolment.json"))
        except EnrolmentError as exc:
            sys.exit(f"enrolment: {exc}")
        sys.exit(0 if done else 3)
    config = NodeConfig.load(args.config)
    for path in (config.anchor, config.tls_key, config.tls_certificate, config.sign_key,
                 config.sign_certificate):
        if not path.exists():
            sys.exit(f"{path} is missing: enrol the node first (--enrol CODE, with the code "
                     "the authority gave you)")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvloop.run(Node(config).run())  # libuv's loop: less per message
