"""An exchange node's own settings, from a YAML file:

```yaml
member: TJ/GOV/ANDOZ               # whose node this is
name: node1
client_listen: 127.0.0.1:8601      # plain HTTP, for the member's own systems only
peer_listen: 127.0.0.1:5501        # mutual TLS, for other nodes
central: http://127.0.0.1:8000     # the central authority: configuration, timestamps
anchor: keys/root.pem              # the configuration anchor (authority's root)
tls_key: keys/tls.key              # this node's TLS key and certificate
tls_certificate: keys/tls.pem
sign_key: keys/sign.key            # the member's signing key and certificate
sign_certificate: keys/sign.pem
log: var/node1.sqlite3             # the message log
services:                          # services of this member's subsystems -> their systems
  registries/population: http://127.0.0.1:8000/exchange/provider/population
system_token: ...                  # shown to those systems as "Authorization: Bearer"
limits: {body_bytes: 10485760, timeout_seconds: 10, clock_skew_seconds: 300,
         conf_refresh_seconds: 60, timestamp_interval_seconds: 5,
         timestamp_failure_seconds: 600}
```

Relative paths are relative to the file.
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from yagona.exchange.ids import MemberId

# Timestamps: the log's head is stamped every interval; when stamping has failed for
# longer than timestamp_failure_seconds the node stops exchanging (as X-Road does).
DEFAULT_LIMITS = {"body_bytes": 10 * 2**20, "timeout_seconds": 10, "clock_skew_seconds": 300,
                  "conf_refresh_seconds": 60, "timestamp_interval_seconds": 5,
                  "timestamp_failure_seconds": 600}


@dataclass
class NodeConfig:
    member: MemberId
    name: str
    client_listen: tuple[str, int]
    peer_listen: tuple[str, int]
    central: str
    anchor: Path
    tls_key: Path
    tls_certificate: Path
    sign_key: Path
    sign_certificate: Path
    log: Path
    services: dict[str, str] = field(default_factory=dict)  # "subsystem/service" -> URL
    system_token: str = ""
    limits: dict = field(default_factory=lambda: dict(DEFAULT_LIMITS))

    @classmethod
    def load(cls, path: Path) -> "NodeConfig":
        path = Path(path)
        raw = yaml.safe_load(path.read_text()) or {}
        here = path.parent

        def file(name):
            value = Path(raw[name])
            return value if value.is_absolute() else here / value

        def address(name):
            host, _, port = str(raw[name]).rpartition(":")
            return host, int(port)

        return cls(member=MemberId.parse(raw["member"]), name=raw["name"],
                   client_listen=address("client_listen"), peer_listen=address("peer_listen"),
                   central=raw["central"].rstrip("/"),
                   **{name: file(name) for name in ("anchor", "tls_key", "tls_certificate",
                                                    "sign_key", "sign_certificate", "log")},
                   services=dict(raw.get("services") or {}),
                   system_token=str(raw.get("system_token") or ""),
                   limits={**DEFAULT_LIMITS, **(raw.get("limits") or {})})

    def dump(self) -> dict:
        return {"member": str(self.member), "name": self.name,
                "client_listen": "{}:{}".format(*self.client_listen),
                "peer_listen": "{}:{}".format(*self.peer_listen), "central": self.central,
                **{name: str(getattr(self, name)) for name in (
                    "anchor", "tls_key", "tls_certificate", "sign_key", "sign_certificate",
                    "log")},
                "services": self.services, "system_token": self.system_token,
                "limits": self.limits}
