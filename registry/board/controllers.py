"""HTTP routes of board motions: read motions and their signed decisions, vote, recuse.

Motions are opened by the room that owns their subject (a relationship request is
referred by `relationships`; an MOU's approval, renewal or termination by `mous`).
Thin: they call `registry.board.service`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from registry.audit.ledger import Actor
from registry.board import service
from registry.board.schemas import DecisionOut, MotionOut, MotionPage, RecusalIn, VoteIn
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope

MOTION_READERS = (Role.ADMIN, Role.EXECUTIVE, Role.BOARD, Role.AUDITOR, Role.COORDINATOR)
#: Who may vote is the motion's roll (the board when it opened), checked by the
#: service, not the roles held today: a director who left the board after the motion
#: opened is still on its roll. Every member of the tenant reaches that check.
ROLL = ALL_ROLES


class MotionController(TenantRoutes):
    """Board motions, their votes and recusals, and signed decision records."""

    path = TENANT_PATH + "/motions"
    tags = ["board"]

    @get("/", **allow(MOTION_READERS), summary="Motions, newest first, filtered and paginated")
    async def list_motions(
        self,
        tenant_scope: NamedDependency[TenantScope],
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
        status: FromQuery[Literal["open", "carried", "lost"] | None] = None,
        subject_kind: FromQuery[str | None] = None,
        subject_id: FromQuery[UUID | None] = None,
    ) -> MotionPage:
        items, next_offset = await service.list_motions(
            tenant_scope,
            limit=limit,
            offset=offset,
            status=status,
            subject_kind=subject_kind,
            subject_id=subject_id,
        )
        return MotionPage(items=items, limit=limit, offset=offset, next_offset=next_offset)

    @get(
        "/{motion_id:uuid}",
        **allow(MOTION_READERS),
        summary="A motion with its roll: each director's vote or recusal, and the tally",
    )
    async def show_motion(
        self, tenant_scope: NamedDependency[TenantScope], motion_id: FromPath[UUID]
    ) -> MotionOut:
        return await service.get_motion(tenant_scope, motion_id)

    @get(
        "/{motion_id:uuid}/decision",
        **allow(MOTION_READERS, 409),
        summary="The signed decision record of a decided motion",
        description=(
            "`record` is the canonical JSON (RFC 8785) that was signed; `signature` is the "
            "tenant's Ed25519 signature of its UTF-8 bytes (hex), made with `key_id` "
            "(`public_key`, also under /keys); `sha256` is named by the audit event "
            "`motion.decided` at `audit_seq`. 409 while the motion is open."
        ),
    )
    async def show_decision(
        self, tenant_scope: NamedDependency[TenantScope], motion_id: FromPath[UUID]
    ) -> DecisionOut:
        return await service.get_decision(tenant_scope, motion_id)

    @put(
        "/{motion_id:uuid}/vote",
        **allow(ROLL, 409),
        summary="Cast or change the caller's vote: for, against or abstain",
        description=(
            "Only directors on the motion's roll may vote (403 otherwise); a recused "
            "director cannot (409). Voting again before the motion closes changes the "
            "vote. The motion closes as soon as every director has voted or recused, or "
            "when the quorum can no longer be reached; a vote after the deadline is 409."
        ),
    )
    async def vote(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        motion_id: FromPath[UUID],
        data: JSONBody[VoteIn],
    ) -> MotionOut:
        return await service.cast_vote(tenant_scope, motion_id, data.choice, actor=actor)

    @post(
        "/{motion_id:uuid}/recusal",
        **allow(ROLL, 409),
        status_code=200,
        summary="Declare a conflict of interest: the caller is recused (not abstaining)",
        description=(
            "A recused director does not count towards the quorum; any vote already cast "
            "is withdrawn. A recusal is final."
        ),
    )
    async def recuse(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        motion_id: FromPath[UUID],
        data: JSONBody[RecusalIn],
    ) -> MotionOut:
        return await service.declare_conflict(tenant_scope, motion_id, data.conflict, actor=actor)


ROUTES: list[Any] = [MotionController]
