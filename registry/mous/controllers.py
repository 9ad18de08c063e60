"""HTTP routes of the MOU register: drafts, the board's sanction, signing, activation,
reviews and the register's export. Thin: they call `registry.mous.service`."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter, QueryParameter

from registry.audit.ledger import Actor
from registry.board.schemas import MotionOut
from registry.board.service import get_motion
from registry.http.files import SpreadsheetOperation, attachment
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from registry.mous import service
from registry.mous.export import MEDIA_TYPES, Format, render
from registry.mous.schemas import (
    MotionIn,
    MouIn,
    MouOut,
    MouPage,
    MouPatch,
    MouState,
    ReviewDecisionIn,
    ReviewOut,
    SigningIn,
)
from tenants import clock
from tenants.roles import Role
from tenants.scope import TenantScope

MOU_READERS = (Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.BOARD, Role.AUDITOR)
#: The executive and the international coordinators keep the register.
MOU_KEEPERS = (Role.EXECUTIVE, Role.COORDINATOR)
#: Only the executive puts an MOU to the board and brings it into force.
EXECUTIVE = (Role.EXECUTIVE,)
EXPORTERS = (Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.AUDITOR)


class MouController(TenantRoutes):
    """The MOU register."""

    path = TENANT_PATH + "/mous"
    tags = ["mous"]

    @get("/", **allow(MOU_READERS), summary="MOUs by reference, filtered and paginated")
    async def list_mous(
        self,
        tenant_scope: NamedDependency[TenantScope],
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        offset: Annotated[int, Parameter(ge=0, le=1_000_000)] = 0,
        mou_state: Annotated[MouState | None, QueryParameter(name="state")] = None,
        partner_id: FromQuery[UUID | None] = None,
    ) -> MouPage:
        items, next_offset = await service.list_mous(
            tenant_scope, limit=limit, offset=offset, state=mou_state, partner_id=partner_id
        )
        return MouPage(items=items, limit=limit, offset=offset, next_offset=next_offset)

    @post("/", **allow(MOU_KEEPERS, 409), summary="Draft a new MOU with its parties")
    async def create_mou(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[MouIn],
    ) -> MouOut:
        return await service.create_mou(tenant_scope, data, actor=actor)

    @get(
        "/export",
        **allow(EXPORTERS),
        media_type=MEDIA_TYPES["csv"],
        operation_class=SpreadsheetOperation,
        summary="The MOU register as CSV (default) or XLSX",
    )
    async def export(
        self,
        tenant_scope: NamedDependency[TenantScope],
        format: Annotated[Format, Parameter(description="csv (default) or xlsx")] = "csv",
    ) -> Response[bytes]:
        mous = await service.all_mous(tenant_scope)
        name = f"{tenant_scope.slug}-mou-register.{format}"
        title = f"MOU register of {tenant_scope.slug}, {await clock.today(tenant_scope)}"
        return attachment(render(mous, format, title), MEDIA_TYPES[format], name)

    @get("/{mou_id:uuid}", **allow(MOU_READERS), summary="One MOU")
    async def show_mou(
        self, tenant_scope: NamedDependency[TenantScope], mou_id: FromPath[UUID]
    ) -> MouOut:
        return await service.get_mou(tenant_scope, mou_id)

    @patch("/{mou_id:uuid}", **allow(MOU_KEEPERS, 409), summary="Change a draft MOU's terms")
    async def update_mou(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
        data: JSONBody[MouPatch],
    ) -> MouOut:
        return await service.update_mou(tenant_scope, mou_id, data, actor=actor)

    @post(
        "/{mou_id:uuid}/motions",
        **allow(EXECUTIVE, 409),
        summary="Put the MOU's approval, renewal or termination to the board",
        description=(
            "Opens a board motion (see /motions). Approval: a complete draft whose "
            "relationship request, if any, is approved and clear. Renewal: an MOU in force, "
            "with the new `expires_on`. Termination: an approved, signed or in-force MOU. "
            "The MOU moves only when the motion carries."
        ),
    )
    async def propose(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
        data: JSONBody[MotionIn],
    ) -> MotionOut:
        motion_id = await service.propose(tenant_scope, mou_id, data, actor=actor)
        return await get_motion(tenant_scope, motion_id)

    @post(
        "/{mou_id:uuid}/approval",
        **allow(EXECUTIVE, 409),
        status_code=200,
        summary="Approve a draft through its relationship request's carried motion",
        description=(
            "When the MOU's relationship request asked for this MOU and the board's motion "
            "on the request carried, that motion is the MOU's sanction. 409 otherwise: "
            "put the MOU's approval to the board."
        ),
    )
    async def approve(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> MouOut:
        return await service.approve_by_request_motion(tenant_scope, mou_id, actor=actor)

    @post(
        "/{mou_id:uuid}/signing",
        **allow(MOU_KEEPERS, 409),
        status_code=200,
        summary="Record the signed MOU: signatories of every party and the document's sha256",
    )
    async def sign(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
        data: JSONBody[SigningIn],
    ) -> MouOut:
        return await service.sign(tenant_scope, mou_id, data, actor=actor)

    @post(
        "/{mou_id:uuid}/activation",
        **allow(EXECUTIVE, 409),
        status_code=200,
        summary="Bring a signed MOU into force (on or after its effective date)",
    )
    async def activate(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> MouOut:
        return await service.activate(tenant_scope, mou_id, actor=actor)

    @get("/{mou_id:uuid}/reviews", **allow(MOU_READERS), summary="The MOU's reviews")
    async def list_reviews(
        self, tenant_scope: NamedDependency[TenantScope], mou_id: FromPath[UUID]
    ) -> list[ReviewOut]:
        return await service.list_reviews(tenant_scope, mou_id)

    @post(
        "/{mou_id:uuid}/reviews",
        **allow(MOU_KEEPERS, 409),
        summary="Open the MOU's review now (the daily job opens it when due)",
    )
    async def start_review(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> ReviewOut:
        return await service.start_review(tenant_scope, mou_id, actor=actor)

    @get("/{mou_id:uuid}/reviews/{review_id:uuid}", **allow(MOU_READERS), summary="One review")
    async def show_review(
        self,
        tenant_scope: NamedDependency[TenantScope],
        mou_id: FromPath[UUID],
        review_id: FromPath[UUID],
    ) -> ReviewOut:
        return await service.get_review(tenant_scope, mou_id, review_id)

    @post(
        "/{mou_id:uuid}/reviews/{review_id:uuid}/decision",
        **allow(MOU_KEEPERS, 409),
        status_code=200,
        summary="Record the review: does it still benefit members; continue, modify or end",
    )
    async def decide_review(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
        review_id: FromPath[UUID],
        data: JSONBody[ReviewDecisionIn],
    ) -> ReviewOut:
        return await service.decide_review(tenant_scope, mou_id, review_id, data, actor=actor)


ROUTES: list[Any] = [MouController]
