"""Who may take part: role, membership, experience, declarations and time commitment."""

from __future__ import annotations

from typing import ClassVar

import msgspec

from policies.dates import human_date, number, plural
from policies.decision import Effect, RuleResult
from policies.rules.base import ApplicantRule, Context, one_of, role_label, with_article
from policies.subjects import Applicant, Role, Subject

CURRENT_STATUSES = ("current", "financial")


class RoleRule(ApplicantRule, tag="role"):
    """The roles a scheme has (e.g. a peer network has peers, not mentors)."""

    allowed: list[Role]

    def problems(self) -> list[tuple[str, str]]:
        return [] if self.allowed else [("allowed", "name at least one role")]

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        allowed = [role_label(r).lower() for r in self.allowed]
        data = {"role": subject.role, "allowed": list(self.allowed)}
        if subject.role in self.allowed:
            return self.result(True, f"Applies as a {subject.role}, a role this scheme has.", data)
        return self.result(
            False,
            f"This scheme takes applications as {one_of(allowed)} only; "
            f"the application is for the role of {subject.role}.",
            data,
        )


def membership_note(subject: Applicant) -> str:
    """Where the membership facts come from, as a sentence ("" when the subject does not
    say): the association's register, or the applicant's own declaration."""
    membership = subject.membership
    if subject.membership_source == "register":
        if membership is None:
            return "The member register has no record of the applicant."
        until = f" until {human_date(membership.until)}" if membership.until else ""
        number_ = f" (member {membership.number})" if membership.number else ""
        return (
            f"The register shows {membership.membership_class}, "
            f"{membership.status}{until}{number_}."
        )
    if subject.membership_source == "declared":
        return "Membership is as declared: the association keeps no member register in Accord."
    return ""


class MembershipRule(ApplicantRule, tag="membership"):
    """Membership of the association: type, class, status, years, and held throughout."""

    association: str | None = None
    """Name used in sentences; defaults to the policy's association."""
    types: list[str] = []
    """Membership types accepted (e.g. "personal"); empty accepts any."""
    classes: list[str] = []
    """Membership classes accepted (e.g. "Associate"); empty accepts any."""
    statuses: list[str] = msgspec.field(default_factory=lambda: ["current", "financial"])
    held_throughout: bool = False
    """Membership must run from the programme's start to its end."""
    allow_joining: bool = False
    """A non-member who takes out membership with the application is referred, not refused."""
    min_years: float | None = None
    """Years of membership needed by the day of evaluation (from the joining date)."""

    def problems(self) -> list[tuple[str, str]]:
        if self.min_years is not None and self.min_years < 0:
            return [("min_years", "cannot be negative")]
        return [] if self.statuses else [("statuses", "name at least one accepted status")]

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        result = self._evaluate(subject, context)
        note = membership_note(subject)
        if note:
            result = msgspec.structs.replace(result, reason=f"{result.reason} {note}")
        return result

    def _evaluate(self, subject: Applicant, context: Context) -> RuleResult:
        who = role_label(subject.role)
        body = self.association or context.association
        membership = subject.membership
        register = subject.membership_source == "register"
        shows = "the register shows" if register else "the application shows"
        states = "the register shows" if register else "the application states"
        data: dict[str, object] = {
            "role": subject.role,
            "membership": membership,
            "membership_source": subject.membership_source,
            "classes": self.classes,
            "types": self.types,
            "statuses": self.statuses,
            "held_throughout": self.held_throughout,
            "min_years": self.min_years,
            "programme_start": context.programme_start,
            "programme_end": context.programme_end,
        }
        if membership is None:
            if self.allow_joining and subject.joining:
                return self.result(
                    False,
                    f"{who} is not yet {with_article(body)} member but is taking out membership; "
                    "eligible once the membership is in place.",
                    data,
                    effect="refer",
                )
            kind = f"{one_of(self.types)} " if self.types else ""
            return self.result(
                False,
                f"{who} must be {with_article(f'{body} {kind}member')}; {shows} no membership.",
                data,
            )
        if self.types and membership.type not in self.types:
            return self.result(
                False,
                f"{who} must hold {one_of(self.types)} membership of {body}; "
                f"{shows} {membership.type} membership.",
                data,
            )
        if self.classes and membership.membership_class not in self.classes:
            return self.result(
                False,
                f"{who} must be {with_article(body)} {one_of(self.classes)} member; "
                f"{states} {membership.membership_class}.",
                data,
            )
        if membership.status not in self.statuses:
            return self.result(
                False,
                f"{who} must be {with_article(one_of(self.statuses))} member of {body}; "
                f"the membership is {membership.status}.",
                data,
            )
        if membership.until is not None and membership.until < context.as_of:
            return self.result(
                False,
                f"{who}'s {body} membership lapsed on {human_date(membership.until)}.",
                data,
            )
        if self.min_years is not None:
            need = f"{who} needs at least {plural(self.min_years, 'year')} of {body} membership"
            if membership.since is None:
                return self.result(False, f"{need}; {shows} no joining date.", data)
            years = (context.as_of - membership.since).days / 365.25
            if years < self.min_years:
                return self.result(
                    False,
                    f"{need}; the membership began on {human_date(membership.since)}.",
                    data,
                )
        if self.held_throughout:
            start, end = context.programme_start, context.programme_end
            if start is not None and membership.since is not None and membership.since > start:
                return self.result(
                    False,
                    f"{who} must be {with_article(body)} member throughout the programme; the "
                    "membership "
                    f"starts on {human_date(membership.since)}, after the programme starts on "
                    f"{human_date(start)}.",
                    data,
                )
            if end is not None and membership.until is not None and membership.until < end:
                return self.result(
                    False,
                    f"{who} must maintain {body} membership throughout the programme, which "
                    f"ends on {human_date(end)}; the membership ends on "
                    f"{human_date(membership.until)}.",
                    data,
                )
        held = " and held throughout the programme" if self.held_throughout else ""
        return self.result(
            True,
            f"{who} is {with_article(membership.status)} {body} {membership.membership_class} "
            f"member{held}.",
            data,
        )


class ExperienceRule(ApplicantRule, tag="experience"):
    """At least N years of experience in a named field."""

    field: str
    """Key in the applicant's `experience`, e.g. "lis"."""
    min_years: float
    field_label: str | None = None
    """How the field reads after "at least 4 years", e.g. "of LIS industry experience"."""

    def problems(self) -> list[tuple[str, str]]:
        return [("min_years", "cannot be negative")] if self.min_years < 0 else []

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        years = subject.experience.get(self.field)
        label = self.field_label or f"of experience in {self.field}"
        data = {"role": subject.role, "field": self.field, "min_years": self.min_years,
                "years": years}
        need = f"{role_label(subject.role)} needs at least {plural(self.min_years, 'year')} {label}"
        if years is None:
            return self.result(False, f"{need}; the application states none.", data)
        if years >= self.min_years:
            return self.result(True, f"{need}; the application states {number(years)}.", data)
        return self.result(False, f"{need}; the application states {number(years)}.", data)


class DeclarationsRule(ApplicantRule, tag="declarations"):
    """Things the applicant must agree to or attach (code of conduct, resume)."""

    required: list[str]
    labels: dict[str, str] = {}
    """How each declaration reads in a sentence."""

    default_on_fail: ClassVar[Effect] = "refer"

    def problems(self) -> list[tuple[str, str]]:
        return [] if self.required else [("required", "name at least one declaration")]

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        missing = [item for item in self.required if item not in subject.declarations]
        data = {"required": self.required, "declared": subject.declarations, "missing": missing}
        if not missing:
            done = one_of([self.labels.get(i, i) for i in self.required], "and")
            return self.result(True, f"The application includes {done}.", data)
        names = one_of([self.labels.get(i, i) for i in missing], "and")
        return self.result(False, f"The application is missing {names}.", data)


class CommitmentRule(ApplicantRule, tag="commitment"):
    """The time an applicant must be able to give each month."""

    min_hours_per_month: float | None = None
    min_preparation_hours_per_month: float | None = None
    min_meetings_per_month: float | None = None
    per_mentee: bool = False
    """Contact hours are per mentee: a mentor offering 2 mentees needs twice the hours."""

    default_on_fail: ClassVar[Effect] = "refer"

    def problems(self) -> list[tuple[str, str]]:
        given = (self.min_hours_per_month, self.min_preparation_hours_per_month,
                 self.min_meetings_per_month)
        if all(v is None for v in given):
            return [("min_hours_per_month", "set at least one minimum")]
        return []

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        who = role_label(subject.role)
        commitment = subject.commitment
        mentees = max(subject.mentees_requested or 1, 1) if self.per_mentee else 1
        need_hours = self.min_hours_per_month * mentees if self.min_hours_per_month else None
        data = {
            "commitment": commitment,
            "min_hours_per_month": need_hours,
            "min_preparation_hours_per_month": self.min_preparation_hours_per_month,
            "min_meetings_per_month": self.min_meetings_per_month,
            "mentees": mentees,
        }
        needs: list[str] = []
        if need_hours is not None:
            extra = f" ({number(self.min_hours_per_month or 0)} per mentee)" if mentees > 1 else ""
            needs.append(f"{plural(need_hours, 'hour')} of contact a month{extra}")
        if self.min_preparation_hours_per_month is not None:
            needs.append(f"{plural(self.min_preparation_hours_per_month, 'hour')} of "
                         "preparation a month")
        if self.min_meetings_per_month is not None:
            needs.append(f"{plural(self.min_meetings_per_month, 'meeting')} a month")
        expected = f"{who} should commit at least {one_of(needs, 'and')}"
        if commitment is None:
            return self.result(False, f"{expected}; the application states no commitment.", data)
        shortfalls: list[str] = []
        checks = (
            (need_hours, commitment.hours_per_month, "hour", "of contact"),
            (self.min_preparation_hours_per_month, commitment.preparation_hours_per_month,
             "hour", "of preparation"),
            (self.min_meetings_per_month, commitment.meetings_per_month, "meeting", ""),
        )
        for minimum, stated, unit, what in checks:
            if minimum is None:
                continue
            if stated is None or stated < minimum:
                value = "none" if stated is None else plural(stated, unit)
                shortfalls.append(f"{value} {what}".strip() if stated is not None else
                                  f"no {unit}s {what}".strip())
        if shortfalls:
            return self.result(False, f"{expected}; the application states "
                               f"{one_of(shortfalls, 'and')} a month.", data)
        return self.result(True, f"{expected}; the application meets that.", data)
