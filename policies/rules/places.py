"""Where and how many: mentor capacity, country caps, partners' countries, regional priority."""

from __future__ import annotations

from typing import ClassVar, Literal

from policies.dates import number, plural
from policies.decision import Effect, RuleResult
from policies.regions import (
    DEVELOPING_GROUPS,
    area_of,
    country_name,
    normalise_country,
    region_names,
)
from policies.rules.base import ApplicantRule, Context, RuleBase, one_of, role_label
from policies.subjects import Applicant, Partner, Subject

GroupName = Literal["LDC", "LLDC", "SIDS"]
GROUP_LABELS = {
    "LDC": "a Least Developed Country",
    "LLDC": "a Land Locked Developing Country",
    "SIDS": "a Small Island Developing State",
}


class CapacityRule(ApplicantRule, tag="capacity"):
    """How many mentees a mentor may take in one intake."""

    max_mentees: int

    default_on_fail: ClassVar[Effect] = "refer"

    def problems(self) -> list[tuple[str, str]]:
        return [("max_mentees", "must be at least 1")] if self.max_mentees < 1 else []

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        offered = subject.mentees_requested if subject.mentees_requested is not None else 1
        data = {"max_mentees": self.max_mentees, "mentees_requested": offered}
        limit = (f"A {role_label(subject.role).lower()} may take at most "
                 f"{plural(self.max_mentees, 'mentee')} per intake")
        if offered < 1:
            return self.result(False, f"{limit}; the application offers none.", data)
        if offered > self.max_mentees:
            return self.result(False, f"{limit}; the application offers {offered}.", data)
        return self.result(True, f"{limit}; the application offers {offered}.", data)


class CountryCapRule(ApplicantRule, tag="country-cap"):
    """No country may hold more than a share of an intake's or round's places."""

    max_percent: float
    scope: Literal["intake", "round"] = "intake"

    def problems(self) -> list[tuple[str, str]]:
        if not 0 < self.max_percent <= 100:
            return [("max_percent", "must be more than 0 and at most 100")]
        return []

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        cap = f"No country may have more than {number(self.max_percent)}% of a {self.scope}"
        if subject.country is None:
            return self.result(False, f"{cap}; the application does not say which country the "
                               "applicant is in.", {"max_percent": self.max_percent},
                               effect="refer")
        if subject.cohort is None:
            return None
        already = subject.cohort.by_country.get(subject.country, 0)
        accepted = sum(subject.cohort.by_country.values())
        size = max(subject.cohort.planned_size or 0, accepted + 1)
        share = (already + 1) * 100 / size
        passed = (already + 1) * 100 <= self.max_percent * size + 1e-9
        data = {"country": subject.country, "already_from_country": already,
                "places": size, "share_percent": round(share, 2),
                "max_percent": self.max_percent}
        taken = (f"this applicant would make {already + 1} of {size} from "
                 f"{country_name(subject.country)} ({number(round(share, 2))}%)")
        return self.result(passed, f"{cap}; {taken}.", data)


class PartnerCountryRule(ApplicantRule, tag="partner-country"):
    """Partners are matched with colleagues in another country."""

    different: bool = True

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        if not self.applies_to(subject):
            return None
        assert isinstance(subject, Applicant)
        if subject.partner_country is None or subject.country is None:
            return None
        same = subject.partner_country == subject.country
        data = {"country": subject.country, "partner_country": subject.partner_country}
        home = country_name(subject.country)
        if self.different and same:
            return self.result(False, f"Partners must be in different countries; both are in "
                               f"{home}.", data)
        there = country_name(subject.partner_country)
        return self.result(True, f"The partners are in {home} and {there}.", data)


class RegionalPriorityRule(RuleBase, tag="regional-priority"):
    """Priority weights by the UN M49 region of a country and its developing-country groups.

    The score is the sum of the weights of the country's region, sub-region and
    intermediate region that are listed, plus those of its groups (LDC, LLDC, SIDS).
    """

    region_weights: dict[str, float] = {}
    """M49 region, sub-region or intermediate-region name -> weight."""
    group_weights: dict[GroupName, float] = {}
    country_weights: dict[str, float] = {}
    """ISO country code -> extra weight, for countries named outright."""

    default_on_fail: ClassVar[Effect] = "none"

    def problems(self) -> list[tuple[str, str]]:
        known = region_names()
        found = [
            (f"region_weights.{name}", f"'{name}' is not an M49 region or sub-region name")
            for name in self.region_weights
            if name not in known
        ]
        for code in self.country_weights:
            try:
                normalise_country(code)
            except ValueError as exc:
                found.append((f"country_weights.{code}", str(exc)))
        return found

    def evaluate(self, subject: Subject, context: Context) -> RuleResult | None:
        country = subject.country if isinstance(subject, Applicant | Partner) else None
        if country is None:
            return None
        area = area_of(country)
        name = country_name(country)
        contributions: dict[str, float] = {}
        if area is not None:
            for region in (area.region, area.sub_region, area.intermediate_region):
                if region and region in self.region_weights:
                    contributions[region] = self.region_weights[region]
            for group in DEVELOPING_GROUPS:
                if group in area.groups and group in self.group_weights:
                    contributions[group] = self.group_weights[group]
        for code, weight in self.country_weights.items():
            if normalise_country(code) == country:
                contributions[country] = weight
        score = sum(contributions.values())
        data = {
            "country": country,
            "region": area.region if area else None,
            "sub_region": area.sub_region if area else None,
            "intermediate_region": (area.intermediate_region or None) if area else None,
            "groups": sorted(area.groups) if area else [],
            "weights": contributions,
        }
        if area is None:
            reason = f"{name} is not listed in the UN M49 table, so it has no regional priority."
        else:
            where = area.sub_region or area.region or "no M49 region"
            groups = [GROUP_LABELS[g] for g in DEVELOPING_GROUPS if g in area.groups]
            status = f", and is {one_of(groups, 'and')}" if groups else ""
            if contributions:
                parts = ", ".join(f"{k} {number(v)}" for k, v in contributions.items())
                reason = (f"{name} is in {where}{status}; priority score {number(score)} "
                          f"({parts}).")
            else:
                reason = f"{name} is in {where}{status}; it is not a priority area (score 0)."
        return self.result(True, reason, data, score=score)
