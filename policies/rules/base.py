"""What every rule shares: an id, a kind, the roles it applies to, what failing does,
and the context it is evaluated in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import msgspec

from policies.decision import Effect, RuleResult
from policies.subjects import Applicant, Partner, Role, Subject

ROLE_LABELS: dict[str, str] = {"mentor": "Mentor", "mentee": "Mentee", "peer": "Peer"}


@dataclass(frozen=True, slots=True)
class Context:
    """Facts about the evaluation that are not in the subject or the rule."""

    as_of: date
    association: str
    programme_start: date | None = None
    programme_end: date | None = None


class RuleBase(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, tag_field="kind"):
    """Fields common to every rule kind."""

    id: str
    """Unique within the policy; named in every Decision entry."""
    description: str | None = None
    """Where the rule comes from, in words (e.g. the sentence of the scheme's guidelines)."""
    on_fail: Effect | None = None
    """What failing does to the outcome; each kind has its own default."""

    subject_kinds: ClassVar[tuple[str, ...]] = ("applicant", "partner")
    default_on_fail: ClassVar[Effect] = "ineligible"

    @property
    def kind(self) -> str:
        return str(type(self).__struct_config__.tag)

    @property
    def fail_effect(self) -> Effect:
        return self.on_fail or self.default_on_fail

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        """The rule's result for this subject, or None when it does not apply."""
        raise NotImplementedError

    def problems(self) -> list[tuple[str, str]]:
        """(field, message) pairs for values the types alone cannot reject."""
        return []

    def result(
        self,
        passed: bool,
        reason: str,
        data: dict[str, Any] | None = None,
        *,
        effect: Effect | None = None,
        score: float | None = None,
    ) -> RuleResult:
        """A Decision entry: failing takes this rule's fail effect unless told otherwise."""
        if effect is None:
            effect = "none" if passed else self.fail_effect
        return RuleResult(
            rule_id=self.id,
            kind=self.kind,
            passed=passed,
            effect=effect,
            reason=reason,
            data=msgspec.to_builtins(data or {}),
            score=score,
        )


class ApplicantRule(RuleBase, kw_only=True):
    """A rule about people applying to a mentoring intake or peer round."""

    roles: list[Role] = []
    """Roles the rule applies to; empty means every role."""

    subject_kinds: ClassVar[tuple[str, ...]] = ("applicant",)

    def applies_to(self, subject: Subject) -> bool:
        return isinstance(subject, Applicant) and (not self.roles or subject.role in self.roles)


class PartnerRule(RuleBase, kw_only=True):
    """A rule about an organisation proposed for an international relationship."""

    subject_kinds: ClassVar[tuple[str, ...]] = ("partner",)


def out_of_range(
    name: str, value: float | None, low: float, high: float
) -> list[tuple[str, str]]:
    """[(name, message)] when `value` is set and outside [low, high]; else []."""
    if value is None or low <= value <= high:
        return []
    return [(name, f"must be between {low:g} and {high:g}")]


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.capitalize())


def is_partner(subject: Subject) -> bool:
    return isinstance(subject, Partner)


def one_of(items: Sequence[str], conjunction: str = "or") -> str:
    """'a', 'a or b', 'a, b or c'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def with_article(phrase: str) -> str:
    """'an ALIA member', 'a financial member'."""
    return f"{'an' if phrase[:1].upper() in 'AEIOU' else 'a'} {phrase}"
