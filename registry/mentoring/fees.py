"""The participant's fee: falling due once both partners have accepted (in the months
the policy says), marked charged or waived by a coordinator, and charged when due.

Every change runs in one `write_transaction()` with its audit event (`mentoring.*`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from policies import SubjectError, evaluate
from registry.audit.ledger import Actor, lock_head
from registry.mentoring import domain
from registry.mentoring.applications import _application_row, _set_application, get_application
from registry.mentoring.records import _created, _json, _row
from registry.mentoring.schemas import (
    ApplicationOut,
)
from registry.mentoring.schemes import scheme_policy
from registry.mentoring.tables import (
    MentoringApplication,
)
from tenants import clock
from tenants.database import as_uuid, write_transaction
from tenants.errors import Conflict
from tenants.scope import TenantScope


async def _fees_fall_due(
    scope: TenantScope, row: dict[str, Any], scheme: dict[str, Any], as_of: date, actor: Actor
) -> None:
    """Both accepted: a partner is allocated and the acceptance signed, so a fee the
    policy charges this role falls due, in the months the policy says."""
    policy = await scheme_policy(scope, scheme)
    matched_on = clock.local_day(_created(row["created_at"]), await clock.zone_name(scope))
    for column in ("application_a", "application_b"):
        app = await _row(scope, MentoringApplication, row[column], "application")
        if app["fee_state"] != "not_due":
            continue
        subject = dict(_json(app["subject"]))
        subject["match"] = {
            "matched_on": matched_on.isoformat(),
            "acceptance_signed_on": as_of.isoformat(),
        }
        try:
            decision = evaluate(policy, subject, as_of=as_of)
        except SubjectError as exc:
            raise Conflict(f"the stored application no longer reads: {exc}") from None
        owed = domain.fee_owed(decision)
        if owed is None:
            continue
        amount, currency, due_from, due_by = owed
        await _set_application(
            scope,
            app,
            {
                MentoringApplication.fee_state: "due",
                MentoringApplication.fee_amount: amount,
                MentoringApplication.fee_currency: currency,
                MentoringApplication.fee_due_from: due_from,
                MentoringApplication.fee_due_by: due_by,
                MentoringApplication.fee_changed_at: datetime.now(UTC),
            },
        )
        await actor.record(
            scope.tenant_id,
            "mentoring.fee.due",
            "mentoring_application",
            app["id"],
            {
                "fee_state": ["not_due", "due"],
                "amount": [None, f"{amount:.2f} {currency}"],
                "due_from": [None, due_from.isoformat()],
                "due_by": [None, due_by.isoformat()],
            },
        )


async def set_fee(
    scope: TenantScope, application_id: UUID | str, state: str, note: str, *, actor: Actor
) -> ApplicationOut:
    """A coordinator marks a fee charged (only once due: an unmatched mentee is never
    charged) or waived (before it is charged)."""
    async with write_transaction():
        await lock_head(scope.tenant_id)
        app = await _application_row(scope, application_id, actor)
        current = app["fee_state"]
        if state == "charged" and current != "due":
            raise Conflict(
                f"the fee is {current.replace('_', ' ')}; only a fee that is due is charged "
                "(it falls due once a partner is allocated and the acceptance signed)"
            )
        if state == "waived" and current not in ("not_due", "due"):
            raise Conflict(f"the fee is {current}; it can no longer be waived")
        await _set_application(
            scope,
            app,
            {
                MentoringApplication.fee_state: state,
                MentoringApplication.fee_changed_at: datetime.now(UTC),
                MentoringApplication.fee_note: note,
            },
        )
        await actor.record(
            scope.tenant_id,
            f"mentoring.fee.{state}",
            "mentoring_application",
            app["id"],
            {"fee_state": [current, state]},
            note,
        )
    return await get_application(scope, application_id, actor=actor)


async def charge_due_fees(scope: TenantScope, as_of: date, *, actor: Actor) -> list[UUID]:
    """Charge every fee that is due and whose charging date (the earliest the policy
    allows) has come: the job behind `accord mentoring charge-fees`."""
    charged: list[UUID] = []
    async with write_transaction():
        await lock_head(scope.tenant_id)
        rows = await scope.select(MentoringApplication).where(
            (MentoringApplication.fee_state == "due") & (MentoringApplication.fee_due_from <= as_of)
        )
        now = datetime.now(UTC)
        for app in rows:
            await _set_application(
                scope,
                app,
                {
                    MentoringApplication.fee_state: "charged",
                    MentoringApplication.fee_changed_at: now,
                    MentoringApplication.fee_note: f"charged by the fee run of {as_of.isoformat()}",
                },
            )
            await actor.record(
                scope.tenant_id,
                "mentoring.fee.charged",
                "mentoring_application",
                app["id"],
                {
                    "fee_state": ["due", "charged"],
                    "amount": [None, f"{float(app['fee_amount']):.2f} {app['fee_currency']}"],
                },
            )
            charged.append(as_uuid(app["id"]))
    return charged
