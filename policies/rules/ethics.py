"""Ethics and governance: non-discrimination, reputation, personnel, governance risk."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar, Literal

import msgspec

from policies.dates import human_date, plural
from policies.decision import Effect, RuleResult
from policies.regions import country_name, normalise_country
from policies.rules.base import Context, PartnerRule, one_of, out_of_range
from policies.subjects import NON_DISCRIMINATION_GROUNDS, Ground, Partner, Subject

Aim = Literal["civil-society", "social-development", "sdgs"]
AIM_LABELS: dict[str, str] = {
    "civil-society": "strengthens civil society",
    "social-development": "fosters social development",
    "sdgs": "advances the UN 2030 Sustainable Development Goals",
}


class NonDiscriminationRule(PartnerRule, tag="non-discrimination"):
    """The organisation attests it does not discriminate on any of the listed grounds."""

    grounds: list[Ground] = msgspec.field(default_factory=lambda: list(NON_DISCRIMINATION_GROUNDS))

    default_on_fail: ClassVar[Effect] = "refer"

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not isinstance(subject, Partner):
            return None
        attestation = subject.non_discrimination
        data: dict[str, object] = {"required_grounds": self.grounds, "attestation": attestation}
        if attestation is not None and attestation.discriminates_on:
            found = one_of(list(attestation.discriminates_on), "and")
            return self.result(False, f"{subject.name} discriminates on the basis of {found}; "
                               "no relationship can be entered into.", data, effect="ineligible")
        if attestation is None:
            return self.result(False, f"{subject.name} has not attested that it does not "
                               "discriminate.", data)
        missing = [g for g in self.grounds if g not in attestation.grounds]
        data["missing_grounds"] = missing
        if missing:
            return self.result(False, "The non-discrimination attestation does not cover "
                               f"{one_of(missing, 'and')}.", data)
        return self.result(True, f"{subject.name} attests it does not discriminate on the basis "
                           f"of {one_of(list(self.grounds), 'or')}.", data)


class ReputationRule(PartnerRule, tag="reputation"):
    """The organisation's reputation and ethical integrity are assessed before any arrangement."""

    max_age_days: int | None = None
    """An older assessment must be redone."""

    default_on_fail: ClassVar[Effect] = "refer"

    def problems(self) -> list[tuple[str, str]]:
        return out_of_range("max_age_days", self.max_age_days, 1, 3650)

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not isinstance(subject, Partner):
            return None
        assessment = subject.reputation
        data = {"assessment": assessment, "max_age_days": self.max_age_days}
        if assessment is None:
            return self.result(False, f"The reputation and ethical integrity of {subject.name} "
                               "have not been assessed yet.", data)
        when = human_date(assessment.assessed_on)
        if self.max_age_days is not None and (
            assessment.assessed_on + timedelta(days=self.max_age_days) < context.as_of
        ):
            return self.result(False, f"The reputation assessment of {when} is older than "
                               f"{plural(self.max_age_days, 'day')}; assess again.", data)
        if assessment.result == "unsatisfactory":
            return self.result(False, f"The reputation and ethical-integrity assessment of {when} "
                               "is unsatisfactory.", data, effect="ineligible")
        if assessment.result == "concerns":
            return self.result(False, f"The reputation and ethical-integrity assessment of {when} "
                               "raised concerns.", data)
        return self.result(True, f"Reputation and ethical integrity assessed as satisfactory on "
                           f"{when}.", data)


class PersonnelRule(PartnerRule, tag="personnel"):
    """Appropriate staff and members are available to work with the organisation."""

    min_people: int = 1

    default_on_fail: ClassVar[Effect] = "refer"

    def problems(self) -> list[tuple[str, str]]:
        return [("min_people", "must be at least 1")] if self.min_people < 1 else []

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not isinstance(subject, Partner):
            return None
        people = subject.personnel
        available = people.staff + people.members if people else 0
        data = {"personnel": people, "available": available, "min_people": self.min_people}
        need = f"At least {plural(self.min_people, 'person', 'people')} (staff or members) must " \
               f"be available to work with {subject.name}"
        if people is None:
            return self.result(False, f"{need}; nobody has been named yet.", data)
        if available < self.min_people:
            return self.result(False, f"{need}; {available} available.", data)
        return self.result(True, f"{need}; {available} available.", data)


class GovernanceRiskRule(PartnerRule, tag="governance-risk"):
    """Countries emerging from conflict or without robust democratic government are
    considered case by case, and only with a written justification."""

    countries: list[str] = []
    """ISO codes always treated as at risk, besides those the due diligence flags."""
    required_aims: list[Aim] = msgspec.field(
        default_factory=lambda: ["civil-society", "social-development", "sdgs"]
    )
    min_aims: int | None = None
    """How many of the required aims the justification must address; default all."""

    default_on_fail: ClassVar[Effect] = "ineligible"

    def problems(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for index, code in enumerate(self.countries):
            try:
                normalise_country(code)
            except ValueError as exc:
                found.append((f"countries[{index}]", str(exc)))
        if self.min_aims is not None and not 0 <= self.min_aims <= len(self.required_aims):
            found.append(("min_aims", "must be between 0 and the number of required aims"))
        return found

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not isinstance(subject, Partner):
            return None
        listed = subject.country in {normalise_country(c) for c in self.countries}
        risk = subject.country_risk
        reasons: list[str] = []
        if risk is not None and risk.emerging_from_conflict:
            reasons.append("is emerging from conflict")
        if risk is not None and risk.non_democratic:
            reasons.append("does not have a robust form of democratic government")
        if listed and not reasons:
            reasons.append("is on the association's list for case-by-case consideration")
        name = country_name(subject.country)
        data: dict[str, object] = {"country": subject.country, "risk": risk, "listed": listed}
        if not reasons:
            return self.result(True, f"{name} is not flagged for governance risk.", data)
        flagged = f"{name} {one_of(reasons, 'and')}"
        justification = subject.justification
        aims = {
            "civil-society": bool(justification and justification.strengthens_civil_society),
            "social-development": bool(justification and justification.fosters_social_development),
            "sdgs": bool(justification and justification.advances_sdgs),
        }
        needed = self.min_aims if self.min_aims is not None else len(self.required_aims)
        met = [a for a in self.required_aims if aims[a]]
        unmet = [AIM_LABELS[a] for a in self.required_aims if not aims[a]]
        data.update(required_aims=self.required_aims, aims_met=met, min_aims=needed)
        if justification is None or not justification.text.strip():
            wanted = one_of([AIM_LABELS[a] for a in self.required_aims], "and")
            return self.result(False, f"{flagged}: a written justification is required showing "
                               f"the partnership {wanted}.", data)
        if len(met) < needed:
            return self.result(False, f"{flagged}: the written justification does not show that "
                               f"the partnership {one_of(unmet, 'or')}.", data)
        return self.result(True, f"{flagged}: considered case by case after consideration of "
                           "risk; a written justification is on file.", data, effect="refer")
