"""Exchange nodes as real processes on loopback, for tests: members with keys and
certificates on disk, their nodes' configuration, small HTTP(S) servers playing the
providers' information systems and the central authority's configuration and TSA.

Nothing here waits a fixed time: a test waits for a state a node reports on its
``/status`` (or for the message log), within a generous bound, so that a busy machine
makes a test slower, never wrong.
"""

import contextlib
import datetime as dt
import json
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import yaml
from cryptography import x509

from yagona.core.audit import SYSTEM
from yagona.exchange import ca, services
from yagona.exchange.node import signing
from yagona.exchange.node.messagelog import MessageLog
from yagona.signing import tsa

TIMEOUT = 5  # seconds a node waits for the next hop
BOUND = 90  # seconds a test waits at most for a state (a bound, never a pace)
BODY_LIMIT = 64 * 1024
PATIENT = 30  # seconds to wait for an answer where timeouts are not what is tested


_GIVEN: set[int] = set()


def free_port() -> int:
    """A port nobody listens on, never the same one twice in a run (a node started later
    must not land on a port another test part still counts on)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _GIVEN:
            _GIVEN.add(port)
            return port


def closed_port() -> socket.socket:
    """A socket bound and never listening: connections to its port are refused, and no
    one else can take the port meanwhile (the provider system that is down)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s


class Serving:
    """An HTTP(S) server in a thread, answering with ``handler(method, path, body)``."""

    def __init__(self, handler, tls: ssl.SSLContext | None = None, port: int = 0):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.seen.append((self.command, self.path,
                                   {k.lower(): v for k, v in self.headers.items()}))
                status, headers, out = handler(self.command, self.path, body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(out)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(out)  # the slow system: its caller gave up

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args):
                pass

        self.seen = []
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


RELEASED = threading.Event()  # the slow system answers only once the test is over


def systems(method, path, body):
    """The providers' information systems: persons and companies by ID, and a slow one
    that does not answer at all while the test runs (a node that answers in the meantime
    did not wait for it)."""
    if path.startswith("/slow"):
        RELEASED.wait(BOUND)
    if path.startswith("/huge"):  # more than a node passes on
        return 200, {"content-type": "application/octet-stream"}, b"x" * (BODY_LIMIT + 1)
    found = {"/persons/410012345": {"person_id": "410012345", "surname": "Раҳимова"},
             "/companies/020000013": {"business_id": "020000013", "name": "«Помир»"}}
    if path.split("?")[0] in found:
        return 200, {"content-type": "application/json"}, json.dumps(
            found[path.split("?")[0]], ensure_ascii=False).encode()
    return 404, {"content-type": "application/json"}, b'{"detail": "not found"}'


class Member:
    """A member with a node: keys and certificates on disk, a node configuration."""

    def __init__(self, folder: Path, code: str, central: str, backends: dict[str, str],
                 agency=None, **limits):
        self.folder = folder / code
        self.folder.mkdir(parents=True)
        self.client_port, self.peer_port = free_port(), free_port()
        self.member = services.register_member(SYSTEM, "GOV", code, f"Agency {code}",
                                               agency=agency)
        self.node = services.add_node(SYSTEM, self.member, "node1",
                                      f"https://127.0.0.1:{self.peer_port}")
        token = services.issue_system_token(SYSTEM, self.node) if agency else ""
        self.keys = {}
        for kind in ("tls", "sign"):
            key = ca.new_key()
            request = services.submit_request(self.node, kind, ca.make_request(key, code))
            issued = services.approve(SYSTEM, request.pk)
            (self.folder / f"{kind}.key").write_bytes(ca.key_pem(key))
            (self.folder / f"{kind}.pem").write_text(issued.pem)
            self.keys[kind] = key
        (self.folder / "root.pem").write_text(ca.Authority().root.certificate_pem)
        self.config = self.folder / "node.yaml"
        # Stamping may stall on a busy machine and fail for a moment: the node's default
        # timestamp_failure_seconds (600) keeps that from stopping it; the test of that
        # limit sets a short one itself, with an authority that is down.
        self.config.write_text(yaml.safe_dump({
            "member": str(self.member.identifier), "name": "node1",
            "client_listen": f"127.0.0.1:{self.client_port}",
            "peer_listen": f"127.0.0.1:{self.peer_port}", "central": central,
            "anchor": "root.pem", "tls_key": "tls.key", "tls_certificate": "tls.pem",
            "sign_key": "sign.key", "sign_certificate": "sign.pem", "log": "messages.sqlite3",
            "services": backends, "system_token": token,
            "limits": {"timeout_seconds": TIMEOUT, "body_bytes": BODY_LIMIT,
                       "conf_refresh_seconds": 1, "timestamp_interval_seconds": 0.5,
                       **limits}}))
        self.process = None

    @property
    def client(self) -> str:
        return f"http://127.0.0.1:{self.client_port}"

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "yagona.cli", "exchange-node", "--config", str(self.config)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def wait(self):
        """Until the node is up and exchanging (it has a configuration)."""
        try:
            until(lambda: self.status()["exchanging"], f"the node of {self.member} exchanges")
        except BaseException:
            self.stop()
            raise

    def status(self) -> dict:
        """The node's own account of its state (``GET /status``), once it answers."""
        return until(self._status, f"the node of {self.member} answers")

    def _status(self) -> dict | None:
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"the node of {self.member} stopped: "
                        f"{self.process.stderr.read().decode()[-3000:]}")
        try:
            return httpx.get(f"{self.client}/status", timeout=10).json()
        except (httpx.HTTPError, ValueError):
            return None  # not up yet

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # never leave a node running after a test
                self.process.kill()
                self.process.wait()

    def log(self) -> MessageLog:
        return MessageLog(self.folder / "messages.sqlite3")


def central_authority():
    """The central authority's two services for nodes, serving ``central["document"]``
    (or what it returns, if it is a function) and stamping while ``central["tsa"]``."""
    central = {"document": "", "tsa": True}

    def answer(method, path, body):
        if path == "/exchange/tsa":
            if not central["tsa"]:
                return 503, {}, b"down for maintenance"
            return 200, {"content-type": "application/timestamp-reply"}, tsa.stamp(body)
        document = central["document"]  # a document, or what makes one when asked
        document = document() if callable(document) else document
        return 200, {"content-type": "application/jose"}, document.encode()

    return central, Serving(answer)


def until(condition: Callable[[], object], what: str, seconds: float = BOUND):
    """``condition()``'s first true value, asked again and again; the test fails if it
    stays false for ``seconds`` (a bound for a busy machine, not an expected duration)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds}s in vain for: {what}")
        time.sleep(0.1)


def call(network, path, client="XX/GOV/TAX/taxes", **kwargs):
    headers = {"X-Road-Client": client, **kwargs.pop("headers", {})}
    return httpx.request(kwargs.pop("method", "GET"), network["tax"].client + path,
                         headers=headers, timeout=PATIENT, **kwargs)


def rogue_tax_node(network) -> httpx.Client:
    """An HTTPS client holding the TAX node's own TLS key: what a compromised network
    path or a misbehaving node could send."""
    tax = network["tax"]
    tls = ssl.create_default_context(cafile=str(tax.folder / "root.pem"))
    tls.load_cert_chain(str(tax.folder / "tls.pem"), str(tax.folder / "tls.key"))
    return httpx.Client(verify=tls, timeout=10)


def signed_request(network, path="/persons/410012345", body=b"", xroad_id=None):
    tax = network["tax"]
    xroad_id = xroad_id or str(uuid.uuid4())
    at = dt.datetime.now(dt.UTC).isoformat()
    fields = signing.request_fields(xroad_id, "XX/GOV/TAX/taxes", "XX/GOV/VKD/population/persons",
                                    "GET", path, "", "", "", at, body)
    signer = signing.Signer((tax.folder / "sign.key").read_bytes(),
                            x509.load_pem_x509_certificate((tax.folder / "sign.pem").read_bytes()))
    headers = {"X-Road-Client": "XX/GOV/TAX/taxes", "X-Road-Id": xroad_id,
               "X-Road-Request-Time": at,
               "X-Road-Signature": signer.sign(signing.canonical(fields))}
    return f"https://127.0.0.1:{network['vkd'].peer_port}/r1/XX/GOV/VKD/population/persons" \
           f"{path}", headers
