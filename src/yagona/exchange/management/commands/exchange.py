"""yagona exchange init-authority | demo --out FOLDER | verify --config NODE.yaml --id ID"""

import json
from pathlib import Path

from cryptography import x509
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yagona.exchange import ca
from yagona.exchange.ids import MemberId, ServiceId, SubsystemId
from yagona.exchange.models import Certificate
from yagona.exchange.node import signing
from yagona.exchange.node.config import NodeConfig
from yagona.exchange.node.messagelog import MessageLog


class Command(BaseCommand):
    help = "The data exchange's central authority, and proofs from a node's message log."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init-authority", help="make the authority's keys (once)")
        demo = sub.add_parser("demo", help="the demo's nodes: members, keys, configurations")
        demo.add_argument("--out", type=Path, required=True)
        demo.add_argument("--central", default="http://127.0.0.1:8000")
        proof = sub.add_parser("verify", help="prove an exchange from a node's message log")
        proof.add_argument("--config", required=True, help="the node's configuration file")
        proof.add_argument("--id", required=True, help="the exchange's X-Road-Id")

    def handle(self, *args, action, **options):
        if action == "init-authority":
            folder = Path(settings.EXCHANGE_DIR)
            if ca.exists(folder):
                raise CommandError(f"{folder} already holds an authority")
            ca.create(folder)
            self.stdout.write(f"authority made in {folder}; its root certificate (root.pem) "
                              "is the anchor every node is installed with")
            return
        if action == "demo":
            from yagona.exchange import demo

            for config in demo.set_up(options["out"], options["central"]):
                self.stdout.write(str(config))
            return
        self._verify(NodeConfig.load(options["config"]), options["id"])

    def _verify(self, config: NodeConfig, xroad_id: str) -> None:
        log = MessageLog(config.log)
        anchor = x509.load_pem_x509_certificate(config.anchor.read_bytes())
        entries = log.exchange(xroad_id)
        if not entries:
            raise CommandError(f"{config.log} holds no exchange {xroad_id}")
        problems = [f"log: {p}" for p in log.verify_chain() + log.verify_stamps(anchor)]
        for entry in entries:
            message = json.loads(entry["message"])
            signer = (SubsystemId.parse(entry["client"]).member if entry["kind"] == "request"
                      else ServiceId.parse(entry["service"]).provider.member)
            where = f"{entry['kind']} {entry['direction']} (entry {entry['position']})"
            try:
                signing.verify(entry["signature"], entry["message"].encode(),
                               _certificates(signer))
                signed = f"signed by {signer}"
            except signing.BadSignature as exc:
                problems.append(f"{where}: {exc}")
                signed = "NOT validly signed"
            if signing.digest(entry["body"]) != message["body"]:
                problems.append(f"{where}: the body logged is not the body signed")
            stamp = log.stamp_for(entry["position"])
            stamped = f"timestamped {stamp['at']}" if stamp else "not yet timestamped"
            self.stdout.write(f"{where}: {message.get('method', message.get('status'))} "
                              f"{entry['service']} for {entry['client']} at {entry['at']}, "
                              f"{len(entry['body'])} bytes, {signed}, {stamped}")
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"exchange {xroad_id} is NOT proven: {len(problems)} problem(s)")
        self.stdout.write(f"exchange {xroad_id} is proven: what was sent and received is as "
                          "signed, and the log is intact")


def _certificates(member: MemberId) -> list:
    """Every signing certificate the authority issued to a member, revoked ones too: a
    message signed before a revocation stays proof."""
    return [x509.load_pem_x509_certificate(c.pem.encode()) for c in Certificate.objects.filter(
        kind=Certificate.Kind.SIGN, member__instance=member.instance,
        member__member_class=member.member_class, member__code=member.code)]
