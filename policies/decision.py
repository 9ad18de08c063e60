"""What the engine returns: an outcome, a priority, and one explained entry per rule."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import msgspec

Outcome = Literal["eligible", "ineligible", "refer"]
Effect = Literal["none", "advise", "refer", "ineligible"]
"""What a rule's result does to the outcome: nothing, a note for the coordinator, a
referral to a person, or a refusal."""


class RuleResult(msgspec.Struct, kw_only=True):
    """One rule applied to one subject."""

    rule_id: str
    kind: str
    passed: bool
    effect: Effect
    reason: str
    """A sentence a person understands."""
    data: dict[str, Any] = {}
    """The facts the rule used, so the decision can be explained again later."""
    score: float | None = None
    """The rule's contribution to the priority score, for rules that score."""


class PolicyRef(msgspec.Struct, kw_only=True):
    name: str
    version: str
    sha256: str
    """Hash of the canonical policy document that made the decision."""


class Decision(msgspec.Struct, kw_only=True):
    outcome: Outcome
    policy: PolicyRef
    subject_kind: str
    as_of: date
    priority: float | None = None
    rules: list[RuleResult] = []

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready builtins (dates as ISO strings)."""
        result: dict[str, Any] = msgspec.to_builtins(self)
        return result

    def to_json(self, *, indent: int = 0) -> str:
        raw = msgspec.json.encode(self)
        if indent:
            raw = msgspec.json.format(raw, indent=indent)
        return raw.decode("utf-8")

    def result(self, rule_id: str) -> RuleResult:
        """The entry of one rule; KeyError when that rule was not applied."""
        for entry in self.rules:
            if entry.rule_id == rule_id:
                return entry
        raise KeyError(rule_id)

    @property
    def reasons(self) -> list[str]:
        """The sentences of the rules that did not pass, in order."""
        return [entry.reason for entry in self.rules if not entry.passed]


def combine(results: list[RuleResult]) -> Outcome:
    """Ineligible if any rule refuses, else refer if any rule refers, else eligible."""
    effects = {result.effect for result in results}
    if "ineligible" in effects:
        return "ineligible"
    if "refer" in effects:
        return "refer"
    return "eligible"


def priority_of(results: list[RuleResult]) -> float | None:
    scores = [result.score for result in results if result.score is not None]
    return round(sum(scores), 6) if scores else None


def decision_from_dict(data: dict[str, Any]) -> Decision:
    """A stored Decision read back (e.g. from the audit ledger)."""
    return msgspec.convert(data, Decision, strict=False)
