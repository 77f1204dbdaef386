"""Enrolment codes are typed after `--enrol` on a command line, so none may start with
'-' (argparse would take it for an option): drawn many times from a seeded source."""

import random
import secrets

import pytest

from yagona.core.audit import SYSTEM
from yagona.exchange import queries, services


@pytest.mark.django_db
def test_enrolment_codes_never_start_with_a_dash(monkeypatch):
    member = services.register_member(SYSTEM, "COM", "123456782", "Pamir Bank")
    node = services.add_node(SYSTEM, member, "node1", "https://127.0.0.1:5599")
    source = random.Random(9)  # seeded: the same draws on every run
    monkeypatch.setattr(secrets, "token_bytes", lambda n=32: source.randbytes(n))
    codes = [services.open_enrolment(SYSTEM, node) for _ in range(300)]
    assert [code for code in codes if code.startswith("-")] == []
    assert len(set(codes)) == len(codes)
    assert all(len(code) >= 32 for code in codes)  # still 160 bits or more
    assert queries.enrolled_node(str(member.identifier), "node1", codes[-1]) == node
