import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yagona.applications.workflow import (
    APPLICANT,
    ENDED,
    OFFICIAL,
    TRANSITIONS,
    Status,
    TransitionNotAllowed,
    next_status,
)

actions = sorted({action for _, action in TRANSITIONS})


def test_the_table_is_exactly_this():
    assert {(s.value, a): (t.value, w) for (s, a), (t, w) in TRANSITIONS.items()} == {
        ("draft", "submit"): ("submitted", "applicant"),
        ("submitted", "assign"): ("in_review", "official"),
        ("in_review", "assign"): ("in_review", "official"),
        ("info_requested", "assign"): ("info_requested", "official"),
        ("in_review", "request_info"): ("info_requested", "official"),
        ("info_requested", "answer"): ("in_review", "applicant"),
        ("in_review", "approve"): ("approved", "official"),
        ("in_review", "reject"): ("rejected", "official"),
        ("submitted", "withdraw"): ("withdrawn", "applicant"),
        ("in_review", "withdraw"): ("withdrawn", "applicant"),
        ("info_requested", "withdraw"): ("withdrawn", "applicant"),
    }


def test_nothing_leaves_an_ended_status():
    assert not [key for key in TRANSITIONS if key[0] in ENDED]


@settings(deadline=None)  # no timings in tests: a loaded machine is not a failure
@given(st.lists(st.tuples(st.sampled_from(actions), st.sampled_from([APPLICANT, OFFICIAL])),
                max_size=20))
def test_any_sequence_of_actions_only_follows_the_table(steps):
    status = Status.DRAFT
    for action, side in steps:
        allowed = TRANSITIONS.get((status, action))
        if allowed and allowed[1] == side:
            status = next_status(status, action, side)
            assert status == allowed[0]
        else:
            with pytest.raises(TransitionNotAllowed):
                next_status(status, action, side)
    assert status in Status.values


def test_every_action_of_the_table_has_a_name_for_people():
    from yagona.applications.workflow import ACTION_LABELS

    assert set(ACTION_LABELS) == {action for _status, action in TRANSITIONS}


def test_a_history_step_names_the_new_status_only_when_it_adds_something():
    from django.template import Context, Template
    from django.utils import translation

    step = Template("{% load workflow %}{{ step|step_label }}")
    with translation.override("ru"):
        for action, status in (("approve", "approved"), ("request_info", "info_requested")):
            shown = step.render(Context({"step": {"action": action, "to_status": status}}))
            assert "→" not in shown, shown
        shown = step.render(Context({"step": {"action": "submit", "to_status": "submitted"}}))
        assert "→" in shown
