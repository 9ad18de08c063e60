"""Subjects for policy tests: a valid applicant or partner, with overrides merged in."""

from __future__ import annotations

import copy
from typing import Any

from policies.subjects import NON_DISCRIMINATION_GROUNDS

REMOVE = object()
"""An override value that deletes the key."""


def merged(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`base` with `overrides` merged in depth-first; dotted keys reach into nested dicts."""
    result = copy.deepcopy(base)
    for key, value in overrides.items():
        target = result
        *parents, last = key.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        if value is REMOVE:
            target.pop(last, None)
        else:
            target[last] = copy.deepcopy(value)
    return result


def alia_mentor(**overrides: Any) -> dict[str, Any]:
    """An ALIA Associate with 6 years' LIS experience applying to the July 2025 intake."""
    base = {
        "kind": "applicant",
        "role": "mentor",
        "intake": {"start": "2025-07-01"},
        "applied_on": "2025-06-01",
        "membership": {"class": "Associate", "status": "current", "type": "personal",
                       "since": "2015-01-01", "until": "2026-06-30"},
        "experience": {"lis": 6},
        "mentees_requested": 1,
        "commitment": {"hours_per_month": 1, "meetings_per_month": 1},
        "declarations": ["code-of-conduct", "resume"],
    }
    return merged(base, _dotted(overrides))


def alia_mentee(**overrides: Any) -> dict[str, Any]:
    base = {
        "kind": "applicant",
        "role": "mentee",
        "intake": {"start": "2025-07-01"},
        "applied_on": "2025-06-01",
        "membership": {"class": "Student", "status": "current", "type": "personal",
                       "until": "2026-06-30"},
        "experience": {"lis": 1},
        "commitment": {"hours_per_month": 1, "preparation_hours_per_month": 2},
        "declarations": ["code-of-conduct", "resume"],
    }
    return merged(base, _dotted(overrides))


def aasw_mentor(**overrides: Any) -> dict[str, Any]:
    """A financial AASW member, 8 years in practice, for the March-September 2025 program."""
    base = {
        "kind": "applicant",
        "role": "mentor",
        "intake": {"start": "2025-03-01"},
        "applied_on": "2025-02-01",
        "membership": {"class": "Full", "status": "financial", "until": "2026-06-30"},
        "experience": {"social-work-practice": 8},
        "mentees_requested": 1,
        "commitment": {"meetings_per_month": 1},
    }
    return merged(base, _dotted(overrides))


def aasw_mentee(**overrides: Any) -> dict[str, Any]:
    base = {
        "kind": "applicant",
        "role": "mentee",
        "intake": {"start": "2025-03-01"},
        "applied_on": "2025-02-01",
        "membership": {"class": "Graduate", "status": "financial", "until": "2026-06-30"},
        "commitment": {"meetings_per_month": 1},
    }
    return merged(base, _dotted(overrides))


def iln_peer(**overrides: Any) -> dict[str, Any]:
    """An ALIA member in Australia applying to the round starting 1 March 2025."""
    base = {
        "kind": "applicant",
        "role": "peer",
        "intake": {"start": "2025-03-01"},
        "applied_on": "2025-01-20",
        "membership": {"class": "Associate", "status": "current"},
        "country": "AU",
    }
    return merged(base, _dotted(overrides))


def partner(**overrides: Any) -> dict[str, Any]:
    """A Fijian library association that meets every condition of the ALIA protocol."""
    base = {
        "kind": "partner",
        "name": "Fiji Library Association",
        "country": "FJ",
        "request": "support",
        "received_by": "executive",
        "non_discrimination": {"grounds": list(NON_DISCRIMINATION_GROUNDS),
                               "attested_on": "2025-01-05"},
        "reputation": {"result": "satisfactory", "assessed_on": "2025-01-10"},
        "personnel": {"staff": 1, "members": 2},
        "screening": {"lists": [{"list": "un", "version": "2025-02-27"},
                                {"list": "dfat", "version": "2025-02"}],
                      "hits": []},
        "board": {"board_size": 9, "present": 7, "votes_for": 6, "votes_against": 1,
                  "decided_on": "2025-02-20"},
    }
    return merged(base, _dotted(overrides))


def _dotted(overrides: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments can't hold dots: `membership__until` means `membership.until`."""
    return {key.replace("__", "."): value for key, value in overrides.items()}
