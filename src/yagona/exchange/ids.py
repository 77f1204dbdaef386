"""X-Road identifiers: members, subsystems and services.

A member is ``INSTANCE/CLASS/CODE`` (class GOV, COM or NGO), a subsystem (an
information system of the member) ``INSTANCE/CLASS/CODE/SUBSYSTEM``, a service
``INSTANCE/CLASS/CODE/SUBSYSTEM/SERVICE``. Used by the central authority and by the
exchange nodes alike, so it imports nothing of Django.
"""

import re
from dataclasses import dataclass

MEMBER_CLASSES = ("GOV", "COM", "NGO")
PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class BadIdentifier(ValueError):
    pass


def _parts(text: str, count: int, what: str) -> list[str]:
    parts = (text or "").split("/")
    if len(parts) != count or not all(PART.fullmatch(p) for p in parts):
        raise BadIdentifier(f"{text!r} is not a {what} identifier "
                            f"({'/'.join(['PART'] * count)})")
    if parts[1] not in MEMBER_CLASSES:
        raise BadIdentifier(f"{parts[1]!r} is not a member class ({', '.join(MEMBER_CLASSES)})")
    return parts


@dataclass(frozen=True, order=True)
class MemberId:
    instance: str
    member_class: str
    code: str

    @classmethod
    def parse(cls, text: str) -> "MemberId":
        return cls(*_parts(text, 3, "member"))

    def __str__(self) -> str:
        return f"{self.instance}/{self.member_class}/{self.code}"


@dataclass(frozen=True, order=True)
class SubsystemId:
    instance: str
    member_class: str
    member_code: str
    subsystem: str

    @classmethod
    def parse(cls, text: str) -> "SubsystemId":
        return cls(*_parts(text, 4, "subsystem"))

    @property
    def member(self) -> MemberId:
        return MemberId(self.instance, self.member_class, self.member_code)

    def __str__(self) -> str:
        return f"{self.member}/{self.subsystem}"


@dataclass(frozen=True, order=True)
class ServiceId:
    instance: str
    member_class: str
    member_code: str
    subsystem: str
    service: str

    @classmethod
    def parse(cls, text: str) -> "ServiceId":
        return cls(*_parts(text, 5, "service"))

    @property
    def provider(self) -> SubsystemId:
        return SubsystemId(self.instance, self.member_class, self.member_code, self.subsystem)

    def __str__(self) -> str:
        return f"{self.provider}/{self.service}"
