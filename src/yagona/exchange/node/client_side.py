"""The client side of an exchange node (plain HTTP, for the member's own information
systems): ``METHOD /r1/{service id}/{path}`` with ``X-Road-Client`` (or GovStack's
``X-GovStack-Client``) is signed with the member's key and sent to the provider's node,
whose signed answer is checked (signature and request hash) before it is passed on; and
the metaservices ``/listClients``, ``/r1/{subsystem id}/listMethods``,
``/allowedMethods``, ``/getOpenAPI``; and the node's ``/status``."""

import json
from urllib.parse import parse_qs

import yaml

from yagona.exchange.ids import PART, BadIdentifier, ServiceId, SubsystemId
from yagona.exchange.node import signing
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

METASERVICES = ("listMethods", "allowedMethods", "getOpenAPI")
# getOpenAPI's 200 answer is "type: string" under both media types of the directory
# services spec; the first is the default.
OPENAPI_TYPES = ("application/json", "text/yaml")


class ClientSide:
    """The Node's client-side listener (a mixin: the Node holds the configuration, the
    signer, the message log and the hops)."""

    async def client_app(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        try:
            body = await read_body(scope, receive, self.config.limits["body_bytes"])
            request = Request(scope, body)
            request.client()  # naming two different clients is refused, whatever is asked
            parts = request.path.split("/")
            if request.path == "/status" and request.method == "GET":
                status, payload = self.status()
                headers = {"cache-control": "no-store"}
            elif request.path == "/listClients":
                _only_get(request)
                status, payload, headers = 200, self.list_clients(request), {}
            elif len(parts) == 7 and parts[1] == "r1" and parts[6] in METASERVICES:
                _only_get(request)
                status, (payload, headers) = 200, self.metaservice(request, parts)
            else:
                status, payload, headers = await self.forward(request)
        except NodeError as error:
            status, payload, headers = error.status, error.body(), {
                "content-type": "application/json", "x-road-error": error.kind}
        if isinstance(payload, dict):
            payload = json.dumps(payload, ensure_ascii=False).encode()
            headers = {"content-type": "application/json", **headers}
        await respond(send, status, payload, headers)

    def list_clients(self, request: Request) -> dict:
        asked = parse_qs(request.query).get("instanceId", [])
        if any(instance != self.config.member.instance for instance in asked):
            raise NodeError(400, "Client.InvalidRequest",
                            f"instanceId: this exchange is instance "
                            f"{self.config.member.instance} and federated with no other")
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

    def metaservice(self, request: Request, parts: list[str]) -> tuple[dict | bytes, dict]:
        conf = self.live_conf("Server.ClientProxy")
        try:
            provider = SubsystemId.parse("/".join(parts[2:6]))
        except BadIdentifier as exc:
            raise NodeError(400, "Client.InvalidServiceIdentifier", str(exc)) from None
        offered = [s for s in conf.content["services"]
                   if s["id"].rsplit("/", 1)[0] == str(provider)]
        if parts[6] == "getOpenAPI":
            return self.openapi(request, provider, offered)
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
        return {"member": listed}, {}

    def openapi(self, request: Request, provider: SubsystemId,
                offered: list[dict]) -> tuple[bytes, dict]:
        """getOpenAPI: the service's description as a string, JSON text in a JSON string or
        YAML text, as the Accept header prefers. Any fault of ``serviceCode`` is 400, the
        only client error the spec gives this operation (an unknown code too)."""
        codes = parse_qs(request.query, keep_blank_values=True).get("serviceCode", [])
        if len(codes) != 1 or not PART.fullmatch(codes[0]):
            raise NodeError(400, "Client.InvalidServiceCode",
                            "getOpenAPI takes one serviceCode: 1 to 64 letters, digits, '.', "
                            "'_' or '-', beginning with a letter or digit",
                            f"serviceCode given: {codes}")
        found = next((s for s in offered if s["id"] == f"{provider}/{codes[0]}"), None)
        if found is None:
            raise NodeError(400, "Client.InvalidServiceCode",
                            f"{provider} offers no service {codes[0]!r}")
        document = found.get("openapi") or {}
        if preferred(request.header("accept"), OPENAPI_TYPES) == "text/yaml":
            return (yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode(),
                    {"content-type": "text/yaml"})
        text = json.dumps(document, ensure_ascii=False)
        return json.dumps(text, ensure_ascii=False).encode(), {"content-type": "application/json"}

    def _client(self, request: Request, conf) -> SubsystemId:
        try:
            client = SubsystemId.parse(request.client())
        except BadIdentifier as exc:
            raise NodeError(400, "Client.InvalidClientIdentifier",
                            f"X-Road-Client (or {GOVSTACK_CLIENT}): {exc}") from None
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
        service, rest = service_path(request.path)
        if str(service) not in conf.services:
            raise NodeError(404, "Server.ClientProxy.UnknownService",
                            f"{service} is not in the global configuration")
        provider = conf.nodes.get(str(service.provider.member))
        if provider is None:
            raise NodeError(404, "Server.ClientProxy.UnknownMember",
                            f"{service.provider.member} has no node")
        xroad_id = parse_xroad_id(request.header("X-Road-Id"), required=False)
        at = utc_now()
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
                             client=str(client), service=str(service), at=utc_now(),
                             message=message.decode(), signature=signature,
                             body=answer.content)
        if problem is not None:
            raise problem
        headers = {"x-road-id": xroad_id, "x-road-client": str(client),
                   GOVSTACK_CLIENT.lower(): str(client), "x-road-service": str(service),
                   "x-road-request-hash": request_hash}
        if content_type:
            headers["content-type"] = content_type
        if answer.headers.get("x-road-error"):
            headers["x-road-error"] = answer.headers["x-road-error"]
        return answer.status_code, answer.content, headers


def _only_get(request: Request) -> None:
    """The directory services are reads: the spec defines GET only."""
    if request.method != "GET":
        raise NodeError(405, "Client.MethodNotAllowed",
                        f"{request.method} {request.path}: the directory answers GET only")


def preferred(accept: str, offered: tuple[str, ...]) -> str:
    """The offered media type the Accept header ranks highest (RFC 9110 §12.5.1), the first
    offered on a tie, without Accept, or when none is acceptable (no 406: the spec has none)."""
    ranks = {}
    for item in accept.split(","):
        media, *parameters = (part.strip().lower() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranks[media] = quality

    def rank(media: str) -> float:
        for key in (media, media.split("/")[0] + "/*", "*/*"):
            if key in ranks:
                return ranks[key]
        return 0.0 if ranks else 1.0

    return max(offered, key=rank)
