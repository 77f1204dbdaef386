"""The appeal status table, and the checks of a pack's appeals.yaml."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yagona.appeals.workflow import (
    ACTION_LABELS,
    AUTHOR,
    ENDED,
    OFFICIAL,
    SUPERVISOR,
    TRANSITIONS,
    Status,
    TransitionNotAllowed,
    next_status,
)
from yagona.core.pack_appeals import appeals_problems
from yagona.testing.packs import APPEALS

actions = sorted({action for _, action in TRANSITIONS})


def test_nothing_leaves_an_ended_status_and_every_action_has_a_name():
    assert not [key for key in TRANSITIONS if key[0] in ENDED]
    assert set(ACTION_LABELS) == {action for _status, action in TRANSITIONS}
    assert {side for _, side in TRANSITIONS.values()} == {AUTHOR, OFFICIAL, SUPERVISOR}


@settings(deadline=None)  # no timings in tests
@given(st.lists(st.tuples(st.sampled_from(actions),
                          st.sampled_from([AUTHOR, OFFICIAL, SUPERVISOR])), max_size=20))
def test_any_sequence_of_actions_only_follows_the_table(steps):
    status = ""
    for action, side in steps:
        allowed = TRANSITIONS.get((status, action))
        if allowed and allowed[1] == side:
            status = next_status(status, action, side)
            assert status == allowed[0]
        else:
            with pytest.raises(TransitionNotAllowed):
                next_status(status, action, side)
    assert status == "" or status in Status.values


def problems(change):
    data = copy.deepcopy(APPEALS)
    change(data)
    return appeals_problems(data, ("en", "ru"), {"REG", "TAX"})


def test_the_test_packs_appeals_are_fine():
    assert problems(lambda data: None) == []


@pytest.mark.parametrize("change, expected", [
    (lambda d: d["reception"].update(agency="NOPE"), "reception.agency: no agency 'NOPE'"),
    (lambda d: d["superiors"].update(TAX="NOPE"), "superiors.TAX: no agency 'NOPE'"),
    (lambda d: d["kinds"][0]["deadline"].update(days=0), "0 is less than the minimum"),
    (lambda d: d["kinds"][1].update(code="statement"), "'statement' is used twice"),
    (lambda d: d["kinds"][0].update(name={"en": "Statement"}), "missing text in 'ru'"),
    (lambda d: d["categories"][0].update(kind="nope"), "'nope' is not a kind"),
    (lambda d: d["categories"][0].update(agency="NOPE"), "no agency 'NOPE'"),
    (lambda d: d["categories"][1]["attributes"][0].pop("values"), "values are given"),
    (lambda d: d.update(number="{agency}-{seq}/{yy}"), "only {seq} and the year"),
    (lambda d: d.update(number="{seq}"), "one year"),
    (lambda d: d.update(complaint_kind="appeal"), "complaint_kind: 'appeal' is not a kind"),
    (lambda d: d.update(map={"bounds": [75, 36, 67, 41]}), "west before east"),
    (lambda d: d.update(colour="red"), "Additional properties are not allowed"),
])
def test_a_broken_appeals_file_is_named_and_placed(change, expected):
    found = problems(change)
    assert any(expected in problem and problem.startswith("appeals.yaml") for problem in found
               ), found


def test_the_shipped_packs_have_the_laws_kinds_and_deadlines():
    from pathlib import Path

    from yagona.catalogue.packs import read_full_pack

    root = Path(__file__).resolve().parents[4] / "countries"
    tj, az = (read_full_pack(root / code).appeals for code in ("tj", "az"))
    for data in (tj, az):
        assert {k["code"] for k in data["kinds"]} >= {
            "proposal", "statement", "complaint", "problem", "corruption"}
        assert [k["code"] for k in data["kinds"] if k.get("anonymous")] == ["corruption"]
    statement = {k["code"]: k["deadline"] for k in tj["kinds"]}["statement"]
    assert statement == {"days": 15, "extension": 15}  # calendar days in Tajikistan
    statement = {k["code"]: k["deadline"] for k in az["kinds"]}["statement"]
    assert statement == {"days": 15, "working_days": True, "extension": 15}
    assert (tj["reception"]["forward_days"], az["reception"]["forward_days"]) == (5, 5)
