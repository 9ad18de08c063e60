"""Evaluate a policy against a subject: each rule in turn, then one outcome."""

from __future__ import annotations

from datetime import date
from typing import Any

from policies.decision import Decision, PolicyRef, RuleResult, combine, priority_of
from policies.document import Policy
from policies.rules import Context
from policies.subjects import Applicant, Subject, parse_subject


def evaluate(policy: Policy, subject: Subject | dict[str, Any], *, as_of: date) -> Decision:
    """The Decision `policy` makes about `subject` on `as_of`.

    `subject` may be a dict (as sent over the wire) or a parsed subject; SubjectError
    names any bad field. Pure: no I/O, no clock; `as_of` is the day the rules are read on.
    """
    parsed = parse_subject(subject, policy.subject_kind)
    context = _context(policy, parsed, as_of)
    results: list[RuleResult] = []
    for rule in policy.rules:
        result = rule.evaluate(parsed, context)
        if result is not None:
            results.append(result)
    return Decision(
        outcome=combine(results),
        priority=priority_of(results),
        policy=PolicyRef(name=policy.name, version=policy.version, sha256=policy.sha256),
        subject_kind=policy.subject_kind,
        as_of=as_of,
        rules=results,
    )


def _context(policy: Policy, subject: Subject, as_of: date) -> Context:
    start = end = None
    if isinstance(subject, Applicant):
        start = subject.intake.start
        end = subject.intake.end
        term = policy.term()
        if end is None and term is not None:
            end = term.programme_end(start)
    return Context(as_of=as_of, association=policy.association, programme_start=start,
                   programme_end=end)
