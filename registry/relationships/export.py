"""The relationships register as a spreadsheet: one row per request, with its
partner, state, regional priority, screening clearance, cases and the policy that
decided it, written by `registry.spreadsheet`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registry.relationships.diligence import stored_decision
from registry.relationships.records import loads
from registry.relationships.service import summary_clearance
from registry.relationships.tables import (
    PartnerOrganisation,
    RelationshipRequest,
    ScreeningCase,
)
from registry.spreadsheet import Format, write_table
from tenants import clock
from tenants.database import as_datetime
from tenants.scope import TenantScope

COLUMNS = (
    "request_id",
    "title",
    "partner",
    "country",
    "partner_kind",
    "kind",
    "state",
    "raised_as",
    "assistance",
    "sdgs",
    "priority",
    "clearance",
    "open_cases",
    "confirmed_cases",
    "policy",
    "policy_outcome",
    "motion_id",
    "outcome_reason",
    "submitted_at",
    "decided_at",
)


def _time(value: Any, zone: str) -> str:
    moment = as_datetime(value)
    return "" if moment is None else clock.local_time(moment, zone, sortable=True)


async def register_rows(scope: TenantScope) -> list[list[Any]]:
    """Every request of the tenant, oldest first, as the export's rows."""
    requests = await scope.select(RelationshipRequest).order_by(RelationshipRequest.created_at)
    partners = {str(p["id"]): p for p in await scope.select(PartnerOrganisation)}
    by_partner: dict[str, list[dict[str, Any]]] = {}
    for case in await scope.select(ScreeningCase, ScreeningCase.partner, ScreeningCase.status):
        by_partner.setdefault(str(case["partner"]), []).append(case)
    zone = await clock.zone_name(scope)
    rows = []
    for r in requests:
        partner = partners[str(r["partner"])]
        partner_cases = by_partner.get(str(r["partner"]), [])
        found = [c["status"] for c in partner_cases]
        decision = stored_decision(r["decision"]) or {}
        policy = ""
        if r["policy_version"] is not None:
            policy = f"{r['policy_name']} v{r['policy_version']}"
        rows.append(
            [
                str(r["id"]),
                r["title"],
                partner["name"],
                partner["country"],
                partner["kind"],
                r["kind"],
                r["state"],
                r["raised_as"],
                ", ".join(loads(r["assistance"], [])),
                ", ".join(str(s) for s in loads(r["sdgs"], [])),
                "" if r["priority_score"] is None else r["priority_score"],
                summary_clearance(r, partner_cases).replace("_", " "),
                found.count("open"),
                found.count("confirmed"),
                policy,
                decision.get("outcome", ""),
                "" if r["motion_id"] is None else str(r["motion_id"]),
                r["outcome_reason"],
                _time(r["submitted_at"], zone),
                _time(r["decided_at"], zone),
            ]
        )
    return rows


async def export_register(scope: TenantScope, format: Format, at: datetime) -> bytes:
    rows = await register_rows(scope)
    stamp = clock.local_time(at, await clock.zone_name(scope), sortable=True)
    title = f"Relationships register of {scope.slug}, {stamp}"
    return write_table(COLUMNS, rows, format, sheet_name="Relationships", title=title)


def filename(slug: str, format: Format) -> str:
    return f"{slug}-relationships.{format}"
