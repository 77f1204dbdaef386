"""An exchange node (X-Road security server): ``yagona exchange-node --config node.yaml``.

One process per member, with two listeners:

- the client side (plain HTTP, for the member's own information systems), where a
  system calls ``METHOD /r1/{service id}/{path}`` with ``X-Road-Client`` (or GovStack's
  ``X-GovStack-Client``) and gets the provider's answer, and the metaservices ``/listClients``,
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
expiry stops the node from exchanging. ``GET /status`` on the client side tells the
node's state (configuration, timestamping) for monitoring: 200 while it exchanges, 503
with the reason while it does not.

This module is the node as a whole (configuration, timestamps, running both listeners,
the command line); ``client_side.py`` and ``provider_side.py`` hold the two listeners'
ASGI apps, ``transport.py`` the HTTP they share (requests, errors, hops, listeners).
"""

import argparse
import asyncio
import datetime as dt
import logging
import signal
import ssl
import sys
from pathlib import Path

import uvicorn
import uvloop
from cryptography import x509

from yagona.exchange.node import conf as globalconf
from yagona.exchange.node import signing, stamps
from yagona.exchange.node.client_side import ClientSide
from yagona.exchange.node.config import NodeConfig
from yagona.exchange.node.messagelog import MessageLog
from yagona.exchange.node.provider_side import ProviderSide
from yagona.exchange.node.transport import (
    Hop,
    HopFailed,
    HopTimeout,
    Listener,
    NodeError,
    PeerProtocol,
    log,
)


class Node(ClientSide, ProviderSide):
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

    def status(self) -> tuple[int, dict]:
        """What the node would answer an exchange now and why, with the state behind it
        (so that a monitor, or a test, waits for a state rather than guessing a time)."""
        try:
            self.live_conf("Server.ClientProxy")
            problem = None
        except NodeError as error:
            problem = {"type": error.kind, "message": error.message, "detail": error.detail}
        conf = self.conf.content if self.conf is not None else {}
        since = self.stamping_failed_since
        return (503 if problem else 200), {
            "exchanging": problem is None, "problem": problem,
            "configuration": {"version": conf.get("version"), "expires": conf.get("expires"),
                              "problem": self.conf_problem},
            "timestamping": {"logged": self.messages.head_position()[0],
                             "stamped": self.messages.last_stamped(),
                             "failing_since": since.isoformat() if since else None,
                             "problem": self.stamping_problem}}

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
