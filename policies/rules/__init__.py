"""Typed rules, one class per kind. `Rule` is the tagged union a policy document holds."""

from __future__ import annotations

from typing import TypeAlias

from policies.rules.approval import ApprovalRule, tally
from policies.rules.base import Context, RuleBase
from policies.rules.eligibility import (
    CommitmentRule,
    DeclarationsRule,
    ExperienceRule,
    MembershipRule,
    RoleRule,
)
from policies.rules.ethics import (
    GovernanceRiskRule,
    NonDiscriminationRule,
    PersonnelRule,
    ReputationRule,
)
from policies.rules.money import CpdRule, FeeRule
from policies.rules.places import (
    CapacityRule,
    CountryCapRule,
    PartnerCountryRule,
    RegionalPriorityRule,
)
from policies.rules.screening import SanctionsRule
from policies.rules.timing import MilestonesRule, TermRule, WindowRule

Rule: TypeAlias = (
    RoleRule
    | MembershipRule
    | ExperienceRule
    | DeclarationsRule
    | CommitmentRule
    | TermRule
    | WindowRule
    | MilestonesRule
    | CapacityRule
    | CountryCapRule
    | PartnerCountryRule
    | RegionalPriorityRule
    | FeeRule
    | CpdRule
    | SanctionsRule
    | NonDiscriminationRule
    | ReputationRule
    | PersonnelRule
    | GovernanceRiskRule
    | ApprovalRule
)

RULE_KINDS: dict[str, type[RuleBase]] = {
    str(cls.__struct_config__.tag): cls
    for cls in (
        RoleRule, MembershipRule, ExperienceRule, DeclarationsRule, CommitmentRule, TermRule,
        WindowRule, MilestonesRule, CapacityRule, CountryCapRule, PartnerCountryRule,
        RegionalPriorityRule, FeeRule, CpdRule, SanctionsRule, NonDiscriminationRule,
        ReputationRule, PersonnelRule, GovernanceRiskRule, ApprovalRule,
    )
}

__all__ = ["RULE_KINDS", "Context", "Rule", "RuleBase", "TermRule", "tally"]
