"""The request's state machine and the due-diligence reading of a Decision, without
a database or a server."""

from __future__ import annotations

import datetime as dt

import pytest

from policies import load_preset
from policies.subjects import NON_DISCRIMINATION_GROUNDS
from registry.relationships import diligence, states
from tenants.errors import Conflict, Forbidden


def test_each_transition_checks_role_then_state():
    states.check(states.SUBMIT, "draft", ["member"])
    with pytest.raises(Forbidden, match="receive needs one of the roles: executive"):
        states.check(states.RECEIVE, "submitted", ["coordinator", "admin"])
    with pytest.raises(Conflict) as refused:
        states.check(states.REFER, "screening", ["executive"])
    assert str(refused.value) == (
        "cannot refer a request that is screening: only a request whose screening is "
        "settled and in due diligence can be referred"
    )
    with pytest.raises(Conflict, match="referred to the board or decided"):
        states.check(states.WITHDRAW, "referred", ["member"])
    # Nobody asks for the board's outcome: only the system moves a request there.
    with pytest.raises(Forbidden):
        states.check(states.APPROVE, "referred", ["executive", "board", "admin"])
    states.check(states.APPROVE, "referred", [states.SYSTEM])


def test_allowed_transitions_per_role():
    assert states.allowed("draft", ["member"]) == ["submit", "withdraw"]
    assert states.allowed("submitted", ["executive"]) == ["receive", "decline", "withdraw"]
    assert states.allowed("due_diligence", ["executive"]) == ["refer", "decline", "withdraw"]
    assert states.allowed("approved", ["executive", "admin"]) == []
    assert set(states.STATES) >= states.OPEN | states.FINAL


def _subject(**extra):
    today = dt.date(2026, 11, 29)
    return {
        "kind": "partner",
        "name": "Fiji Library Association",
        "country": "FJ",
        "request": "bilateral",
        "received_by": "executive",
        "non_discrimination": {"grounds": list(NON_DISCRIMINATION_GROUNDS)},
        "reputation": {"result": "satisfactory", "assessed_on": today.isoformat()},
        "personnel": {"staff": 1, "members": 0},
        "screening": {"lists": [{"list": "un"}, {"list": "dfat"}], "hits": []},
        **extra,
    }


def test_due_diligence_waits_for_findings_but_not_for_the_board():
    policy = diligence.PartnerPolicy(load_preset("alia-international"), "international", 1)
    day = dt.date(2026, 11, 29)
    complete = diligence.decide(policy, _subject(), day)
    assert complete.outcome == "refer"  # the board has not voted
    assert diligence.waiting_for(complete) == []
    assert diligence.priority_reasons(complete)[0].startswith("Fiji is in Melanesia")

    no_reputation = _subject()
    del no_reputation["reputation"]
    waiting = diligence.waiting_for(diligence.decide(policy, no_reputation, day))
    assert len(waiting) == 1 and "not been assessed" in waiting[0]

    flagged = _subject(country_risk={"non_democratic": True})
    decision = diligence.decide(policy, flagged, day)
    assert decision.outcome == "ineligible"
    assert "written justification is required" in diligence.waiting_for(decision)[0]

    confirmed = _subject(
        screening={
            "lists": [{"list": "un"}, {"list": "dfat"}],
            "hits": [{"list": "un", "score": 0.9, "status": "confirmed", "name": "ERIC BADEGE"}],
        }
    )
    decision = diligence.decide(policy, confirmed, day)
    assert diligence.waiting_for(decision) == []  # a finding, not a gap
    assert diligence.refusals(decision) == [
        "Blocked: a confirmed match to 'ERIC BADEGE' on the UN Security Council Consolidated List."
    ]
    assert policy.required_lists == ["un", "dfat"]
    assert policy.thresholds(None).review == 0.8  # type: ignore[arg-type]
