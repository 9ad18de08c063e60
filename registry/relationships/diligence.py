"""Due diligence as the tenant's partner policy sees it.

The request, its partner, the findings in force (`findings`) and the screening become the
policy engine's `Partner` subject; the engine's Decision says what is missing, what
refuses, and the regional priority. Nothing here writes: the service stores the
Decision on the request.

A request's due diligence is complete when no rule other than the board's approval
is still waiting for something (an entry that did not pass with the effect `refer`,
or a governance-risk entry without its justification): a refusal (`ineligible`,
such as a confirmed sanctions hit) is a finding, and goes to the board with the
papers; it keeps the request from approval whatever the vote.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from policies import Decision, Policy, PolicyError, evaluate, load_policy
from policies.rules.approval import ApprovalRule
from policies.rules.screening import SanctionsRule
from registry.policies.service import CURRENT_SQL
from registry.relationships.records import loads
from screening.matcher import Thresholds
from tenants.database import as_datetime
from tenants.errors import Conflict
from tenants.scope import TenantScope

#: What the request's kind is called in the policy's approval rule.
POLICY_REQUEST = {
    "in_kind_support": "support",
    "bilateral_mou": "bilateral",
    "multi_party_mou": "multi-party",
}
#: How adjudicated cases read as the policy's hits.
HIT_STATUS = {
    "open": "open",
    "confirmed": "confirmed",
    "false_positive": "dismissed",
    "delisted": "dismissed",
}


@dataclass(frozen=True)
class PartnerPolicy:
    policy: Policy
    name: str
    version: int

    @property
    def sanctions(self) -> SanctionsRule | None:
        found = [r for r in self.policy.rules if isinstance(r, SanctionsRule)]
        return found[0] if found else None

    @property
    def approval(self) -> ApprovalRule | None:
        found = [r for r in self.policy.rules if isinstance(r, ApprovalRule)]
        return found[0] if found else None

    @property
    def required_lists(self) -> list[str]:
        """The lists the association is bound by; empty: any list will do."""
        rule = self.sanctions
        return list(rule.lists) if rule is not None else []

    def thresholds(self, fallback: Thresholds) -> Thresholds:
        rule = self.sanctions
        if rule is None:
            return fallback
        return Thresholds(review=rule.review_score, block=rule.block_score)


_LOADED: dict[str, Policy] = {}


def _load(document: str, format: str, sha256: str) -> Policy | None:
    if sha256 not in _LOADED:
        try:
            _LOADED[sha256] = load_policy(document, format="json" if format == "json" else "toml")
        except PolicyError:
            return None
    return _LOADED[sha256]


async def partner_policy(scope: TenantScope) -> PartnerPolicy | None:
    """The tenant's current policy for partner organisations: of those whose subject is
    `partner`, the most recently changed."""
    rows = await scope.rows(CURRENT_SQL)
    rows.sort(key=lambda r: (as_datetime(r["created_at"]), r["name"]), reverse=True)
    for row in rows:
        policy = _load(row["document"], row["format"], row["sha256"])
        if policy is not None and str(policy.subject_kind) == "partner":
            return PartnerPolicy(policy, row["name"], int(row["version"]))
    return None


async def require_partner_policy(scope: TenantScope) -> PartnerPolicy:
    found = await partner_policy(scope)
    if found is None:
        raise Conflict(
            "the association has no policy for partner organisations: an administrator "
            "creates one (for example from the preset alia-international) before requests "
            "can be submitted"
        )
    return found


@dataclass(frozen=True)
class ScreeningState:
    """What the screening of the partner and its current officers says now."""

    lists_checked: list[tuple[str, str]]
    """(source, list version) checked for every current subject."""
    unscreened: list[str]
    """Current subjects never screened."""
    hits: list[dict[str, Any]]
    """Every case of the partner and its officers, as the policy's hits."""
    open_cases: int
    confirmed: list[str]
    """Who a confirmed hit names: subject and listed name."""


def subject_for(
    request: dict[str, Any],
    partner: dict[str, Any],
    attestations: dict[str, dict[str, Any]],
    screening: ScreeningState,
) -> dict[str, Any]:
    """The policy engine's partner subject for this request."""
    subject: dict[str, Any] = {
        "kind": "partner",
        "name": partner["name"],
        "country": partner["country"],
        "request": POLICY_REQUEST.get(request["kind"], "support"),
    }
    if request["state"] != "draft":
        # Requests reach the executive first: that is how the service routes them.
        subject["received_by"] = "executive"
    found = attestations.get("non_discrimination")
    if found is not None:
        details = found["details"]
        subject["non_discrimination"] = {
            "grounds": details.get("grounds", []),
            "discriminates_on": details.get("discriminates_on", []),
            **({"attested_on": details["attested_on"]} if details.get("attested_on") else {}),
        }
    found = attestations.get("reputation")
    if found is not None:
        details = found["details"]
        subject["reputation"] = {
            "result": details["result"],
            "assessed_on": details["assessed_on"],
            "assessed_by": str(found["attested_by"]) if found["attested_by"] else None,
            "notes": details.get("notes") or None,
        }
        subject["reputation"] = {k: v for k, v in subject["reputation"].items() if v is not None}
    found = attestations.get("personnel")
    if found is not None:
        subject["personnel"] = {
            "staff": int(found["details"].get("staff", 0)),
            "members": int(found["details"].get("members", 0)),
        }
    found = attestations.get("country_risk")
    if found is not None:
        subject["country_risk"] = {
            "emerging_from_conflict": bool(found["details"].get("emerging_from_conflict")),
            "non_democratic": bool(found["details"].get("non_democratic")),
        }
    found = attestations.get("governance_justification")
    # A rejected justification is no justification: the policy waits for one that
    # stands (and the rejection stands until a coordinator reverses it).
    if found is not None and not found["details"].get("rejected"):
        details = found["details"]
        subject["justification"] = {
            "text": details["text"],
            "strengthens_civil_society": bool(details.get("strengthens_civil_society")),
            "fosters_social_development": bool(details.get("fosters_social_development")),
            "advances_sdgs": bool(details.get("advances_sdgs")),
        }
    if request["state"] != "draft" and not screening.unscreened:
        subject["screening"] = {
            "lists": [
                {"list": source, "version": version} for source, version in screening.lists_checked
            ],
            "hits": screening.hits,
        }
    return subject


def decide(policy: PartnerPolicy, subject: dict[str, Any], as_of: date) -> Decision:
    return evaluate(policy.policy, subject, as_of=as_of)


#: Rules whose failure due diligence can always cure by adding a finding, whatever
#: effect the policy gives it: the governance-risk rule refuses a flagged country
#: until the written justification is on file, and a justification can be written.
CURABLE = frozenset({"governance-risk"})


def waiting_for(decision: Decision) -> list[str]:
    """What due diligence still waits for, in the policy's words: every entry other
    than the board's approval that did not pass and refers to a person, and a
    governance-risk entry that wants its justification."""
    return [
        entry.reason
        for entry in decision.rules
        if entry.kind != "approval"
        and not entry.passed
        and (entry.effect == "refer" or entry.kind in CURABLE)
    ]


def refusals(decision: Decision) -> list[str]:
    """Why the policy refuses the relationship, if it does. The approval rule's own
    reading of the vote is left out: the board's motion (its roll, recusals and
    tally) decides whether it carried."""
    return [
        entry.reason
        for entry in decision.rules
        if entry.effect == "ineligible" and entry.kind != "approval"
    ]


def priority_reasons(decision: Decision) -> list[str]:
    return [entry.reason for entry in decision.rules if entry.score is not None]


def stored_decision(text: Any) -> dict[str, Any] | None:
    value = loads(text, None)
    return value if isinstance(value, dict) else None
