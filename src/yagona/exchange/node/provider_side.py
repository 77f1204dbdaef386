"""The provider side of an exchange node (HTTPS with mutual TLS, certificates from the
platform's authority), where other nodes bring their members' signed requests: the TLS
certificate and the signature are checked against the global configuration, replays and
callers without an access right are refused, the provider's system is called, and the
answer is signed, naming the hash of the request received."""

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from yagona.exchange.ids import BadIdentifier, SubsystemId
from yagona.exchange.node import signing
from yagona.exchange.node.messagelog import Replayed
from yagona.exchange.node.transport import (
    GOVSTACK_CLIENT,
    PASSED_ON,
    HopFailed,
    HopTimeout,
    HopTooLarge,
    NodeError,
    Request,
    parse_xroad_id,
    read_body,
    respond,
    service_path,
    utc_now,
)


class ProviderSide:
    """The Node's peer-side listener (a mixin, like ClientSide)."""

    async def peer_app(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send, refresh=False)
        request, request_hash, xroad_id = None, "", ""
        try:
            body = await read_body(scope, receive, self.config.limits["body_bytes"])
            request = Request(scope, body)
            xroad_id = parse_xroad_id(request.header("X-Road-Id"), required=True)
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
            service, rest = service_path(request.path)
        except NodeError:
            service, rest = request.path, request.path
        path = rest + (f"?{request.query}" if request.query else "")
        return signing.digest(signing.canonical(request.fields(
            xroad_id, _client_as_sent(request), str(service), path,
            request.header("X-Road-Request-Time"))))

    def _signed(self, xroad_id, request_hash, status, headers, body, request) -> dict:
        """The response headers with this member's signature over the response."""
        at = utc_now()
        content_type = headers.get("content-type", "")
        message = signing.canonical(signing.response_fields(
            xroad_id, request_hash, status, content_type, at, body))
        signature = self.signer.sign(message)
        if request is not None and xroad_id:
            try:
                service = str(service_path(request.path)[0])
            except NodeError:
                service = ""
            self.messages.append(xroad_id=xroad_id, kind="response", direction="out",
                                 client=_client_as_sent(request), service=service,
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
            client = SubsystemId.parse(request.client())
        except BadIdentifier as exc:
            raise NodeError(400, "Client.InvalidClientIdentifier", str(exc)) from None
        if peer_member != str(client.member):
            raise NodeError(403, "Server.ServerProxy.SslAuthenticationFailed",
                            f"The calling node is not a node of {client.member}")
        service, rest = service_path(request.path)
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
        headers.update({"x-road-client": str(client), GOVSTACK_CLIENT.lower(): str(client),
                        "x-road-id": xroad_id, "x-road-service": str(service),
                        **request.context()})
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


def _client_as_sent(request: Request) -> str:
    """The client header for the log and the hash of what was received, also when the
    request was refused for naming two clients."""
    try:
        return request.client()
    except NodeError:
        return request.header("X-Road-Client")
