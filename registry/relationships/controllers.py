"""HTTP routes of relationships: partners, relationship requests and their
transitions, screening cases, and the register's export. Thin handlers over the
room's service modules; each route names the roles it admits, and the service checks
what depends on the record (a member's own request, the request's state).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter, QueryParameter
from litestar.response import Response

from registry.audit.ledger import Actor
from registry.http.files import SpreadsheetOperation, attachment
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from registry.relationships import cases, export, partners, reviews, service
from registry.relationships.records import now
from registry.relationships.schemas import (
    AdjudicationIn,
    AttachmentIn,
    AttachmentOut,
    AttestationIn,
    CaseOut,
    CasePage,
    CaseStatus,
    OfficerIn,
    OfficerOut,
    OfficerPatch,
    PartnerIn,
    PartnerKind,
    PartnerOut,
    PartnerPage,
    PartnerPatch,
    ReasonIn,
    ReferIn,
    RelationshipReviewIn,
    RelationshipReviewOut,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestPatch,
    RequestState,
    RescreenOut,
    ReversalIn,
    ScreeningResultOut,
)
from registry.spreadsheet import MEDIA_TYPES
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope

#: Raise requests and register partners.
RAISERS = (Role.MEMBER, Role.COORDINATOR, Role.EXECUTIVE, Role.ADMIN)
#: Read every partner and request (a member reaches the routes too, and sees their own).
READERS = (Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.AUDITOR, Role.BOARD, Role.MEMBER)
DILIGENCE = (Role.COORDINATOR, Role.EXECUTIVE)
CASE_READERS = (Role.COORDINATOR, Role.EXECUTIVE, Role.ADMIN, Role.AUDITOR)
ADJUDICATORS = (Role.COORDINATOR,)
EXECUTIVE = (Role.EXECUTIVE,)
EXPORTERS = (Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.AUDITOR)

Limit = Annotated[int, Parameter(ge=1, le=200)]
Offset = Annotated[int, Parameter(ge=0, le=1_000_000)]


class PartnerController(TenantRoutes):
    """Partner organisations: names in every script, country, officers, attachments."""

    path = TENANT_PATH + "/partners"
    tags = ["relationships"]

    @get("/", **allow(ALL_ROLES), summary="Partner organisations by name, paginated")
    async def list_partners(
        self,
        tenant_scope: NamedDependency[TenantScope],
        limit: Limit = 50,
        offset: Offset = 0,
        country: Annotated[str | None, QueryParameter(max_length=3)] = None,
        kind: FromQuery[PartnerKind | None] = None,
    ) -> PartnerPage:
        return await partners.list_partners(
            tenant_scope, limit=limit, offset=offset, country=country, kind=kind
        )

    @post(
        "/",
        **allow(RAISERS, 409),
        summary="Register a partner organisation, with its officers",
        description="`country` is ISO 3166-1, `languages` ISO 639, `other_names[].script` "
        "ISO 15924; an officer's `date_of_birth` is YYYY-MM-DD, YYYY-MM or YYYY.",
    )
    async def create_partner(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[PartnerIn],
    ) -> PartnerOut:
        return await partners.create_partner(tenant_scope, data, actor)

    @get("/{partner_id:uuid}", **allow(READERS), summary="A partner with officers and attachments")
    async def show_partner(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partner_id: FromPath[UUID],
    ) -> PartnerOut:
        return await partners.get_partner(tenant_scope, partner_id, actor)

    @patch(
        "/{partner_id:uuid}",
        **allow(RAISERS, 409),
        summary="Change a partner (screened again if a request of it is under way)",
    )
    async def update_partner(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partner_id: FromPath[UUID],
        data: JSONBody[PartnerPatch],
    ) -> PartnerOut:
        return await partners.update_partner(tenant_scope, partner_id, data, actor)

    @post(
        "/{partner_id:uuid}/officers",
        **allow(RAISERS, 409),
        summary="Add an officer (screened at once if a request of the partner is under way)",
    )
    async def add_officer(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partner_id: FromPath[UUID],
        data: JSONBody[OfficerIn],
    ) -> OfficerOut:
        return await partners.add_officer(tenant_scope, partner_id, data, actor)

    @patch(
        "/{partner_id:uuid}/officers/{officer_id:uuid}",
        **allow(RAISERS, 409),
        summary="Change an officer; `left_on` records that they left (their record stays)",
    )
    async def update_officer(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partner_id: FromPath[UUID],
        officer_id: FromPath[UUID],
        data: JSONBody[OfficerPatch],
    ) -> OfficerOut:
        return await partners.update_officer(tenant_scope, partner_id, officer_id, data, actor)

    @post(
        "/{partner_id:uuid}/attachments",
        **allow(RAISERS, 409),
        summary="Attach a document by reference (its sha256; the file stays elsewhere)",
    )
    async def add_attachment(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partner_id: FromPath[UUID],
        data: JSONBody[AttachmentIn],
    ) -> AttachmentOut:
        return await partners.add_attachment(tenant_scope, partner_id, data, actor)

    @get(
        "/{partner_id:uuid}/screening",
        **allow(CASE_READERS),
        summary="Every screening result of the partner and its officers, newest first",
    )
    async def screening(
        self, tenant_scope: NamedDependency[TenantScope], partner_id: FromPath[UUID]
    ) -> list[ScreeningResultOut]:
        await partners.partner_row(tenant_scope, partner_id)
        return await cases.screening_history(tenant_scope, partner_id)


class RequestController(TenantRoutes):
    """Relationship requests and their transitions (each a 409 from the wrong state)."""

    path = TENANT_PATH + "/relationship-requests"
    tags = ["relationships"]

    @get("/", **allow(READERS), summary="Requests, newest first (a member sees their own)")
    async def list_requests(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        limit: Limit = 50,
        offset: Offset = 0,
        # `state` is a name Litestar reserves for the app's state: renamed here.
        in_state: Annotated[RequestState | None, QueryParameter(name="state")] = None,
        partner_id: FromQuery[UUID | None] = None,
    ) -> RequestPage:
        return await service.list_requests(
            tenant_scope, actor, limit=limit, offset=offset, state=in_state, partner_id=partner_id
        )

    @get(
        "/queue",
        **allow((Role.EXECUTIVE, Role.ADMIN, Role.COORDINATOR, Role.AUDITOR)),
        summary="The executive's queue: requests not yet referred, highest priority first",
    )
    async def queue(
        self, tenant_scope: NamedDependency[TenantScope], limit: Limit = 50, offset: Offset = 0
    ) -> RequestPage:
        return await service.executive_queue(tenant_scope, limit=limit, offset=offset)

    @post("/", **allow(RAISERS, 409), summary="Raise a request (a draft)")
    async def create_request(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[RequestIn],
    ) -> RequestOut:
        return await service.create_request(tenant_scope, data, actor)

    @get("/{request_id:uuid}", **allow(READERS), summary="A request: due diligence and priority")
    async def show_request(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> RequestOut:
        return await service.get_request(tenant_scope, request_id, actor)

    @patch("/{request_id:uuid}", **allow(RAISERS, 409), summary="Change a draft request")
    async def update_request(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        data: JSONBody[RequestPatch],
    ) -> RequestOut:
        return await service.update_request(tenant_scope, request_id, data, actor)

    @post(
        "/{request_id:uuid}/submit",
        **allow(RAISERS, 409),
        status_code=200,
        summary="Submit to the executive: the partner and its officers are screened",
        description="409 unless a draft, or when the association has no partner policy.",
    )
    async def submit(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> RequestOut:
        return await service.submit(tenant_scope, request_id, actor)

    @post(
        "/{request_id:uuid}/receive",
        **allow(EXECUTIVE, 409),
        status_code=200,
        summary="The executive takes a submitted request into due diligence",
    )
    async def receive(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> RequestOut:
        return await service.receive(tenant_scope, request_id, actor)

    @post(
        "/{request_id:uuid}/attestations",
        **allow(DILIGENCE, 409),
        status_code=200,
        summary="Record a due-diligence finding (who, when, evidence)",
        description="`kind`: non_discrimination, reputation, personnel, country_risk or "
        "governance_justification. The newest clean finding of a kind counts; an adverse "
        "one stands until a coordinator reverses it (`/reversals`).",
    )
    async def attest(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        data: JSONBody[AttestationIn],
    ) -> RequestOut:
        return await service.add_attestation(tenant_scope, request_id, data, actor)

    @post(
        "/{request_id:uuid}/reversals",
        **allow(ADJUDICATORS, 409),
        status_code=200,
        summary="Reverse an adverse finding, naming it, with a reason and evidence",
        description="An adverse finding (discrimination found, reputation unsatisfactory, "
        "nobody available, a governance-risk justification rejected) stands until reversed: "
        "a later clean finding does not lift it. Both stay on record. 409 when the finding "
        "named is not adverse or was already reversed.",
    )
    async def reverse_finding(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        data: JSONBody[ReversalIn],
    ) -> RequestOut:
        return await service.reverse_finding(tenant_scope, request_id, data, actor)

    @get(
        "/{request_id:uuid}/reviews",
        **allow((*CASE_READERS, Role.BOARD)),
        summary="The periodic reviews of an approved relationship, oldest first",
    )
    async def list_reviews(
        self, tenant_scope: NamedDependency[TenantScope], request_id: FromPath[UUID]
    ) -> list[RelationshipReviewOut]:
        return await reviews.list_reviews(tenant_scope, request_id)

    @post(
        "/{request_id:uuid}/reviews",
        **allow(DILIGENCE, 409),
        status_code=201,
        summary="Open the relationship's periodic review now (the daily job opens it when due)",
    )
    async def start_review(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> RelationshipReviewOut:
        return await reviews.start_review(tenant_scope, request_id, actor)

    @post(
        "/{request_id:uuid}/reviews/decision",
        **allow(DILIGENCE, 409),
        status_code=200,
        summary="Decide the open review: continue, modify (what changes), end, or board",
        description="A review that finds the relationship no longer benefits members "
        "cannot end in `continue` (409): modify it, end it, or put it to the board.",
    )
    async def decide_review(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        data: JSONBody[RelationshipReviewIn],
    ) -> RelationshipReviewOut:
        return await reviews.decide_review(tenant_scope, request_id, data, actor)

    @post(
        "/{request_id:uuid}/refer",
        **allow(EXECUTIVE, 409),
        status_code=200,
        summary="Refer to the board: opens a motion (due diligence must be complete)",
    )
    async def refer(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        data: JSONBody[ReferIn],
    ) -> RequestOut:
        return await service.refer(tenant_scope, request_id, data, actor)

    @post(
        "/{request_id:uuid}/decline",
        **allow(EXECUTIVE, 409),
        status_code=200,
        summary="The executive declines a request not yet referred (rejected, with why)",
    )
    async def decline(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> RequestOut:
        return await service.decline(tenant_scope, request_id, data, actor)

    @post(
        "/{request_id:uuid}/withdraw",
        **allow(RAISERS, 409),
        status_code=200,
        summary="Withdraw a request not yet referred",
    )
    async def withdraw(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> RequestOut:
        return await service.withdraw(tenant_scope, request_id, data, actor)


class CaseController(TenantRoutes):
    """Screening cases: one hit on one subject, adjudicated by a coordinator."""

    path = TENANT_PATH + "/screening-cases"
    tags = ["relationships"]

    @get("/", **allow(CASE_READERS), summary="Screening cases, newest first, filtered")
    async def list_cases(
        self,
        tenant_scope: NamedDependency[TenantScope],
        limit: Limit = 50,
        offset: Offset = 0,
        status: FromQuery[CaseStatus | None] = None,
        partner_id: FromQuery[UUID | None] = None,
        request_id: FromQuery[UUID | None] = None,
    ) -> CasePage:
        return await cases.list_cases(
            tenant_scope,
            limit=limit,
            offset=offset,
            status=status,
            partner_id=partner_id,
            request_id=request_id,
        )

    @get("/{case_id:uuid}", **allow(CASE_READERS), summary="A case with the hit explained")
    async def show_case(
        self, tenant_scope: NamedDependency[TenantScope], case_id: FromPath[UUID]
    ) -> CaseOut:
        return await cases.get_case(tenant_scope, case_id)

    @post(
        "/{case_id:uuid}/adjudicate",
        **allow(ADJUDICATORS, 409),
        status_code=200,
        summary="Adjudicate: false_positive (with a reason) or confirmed",
    )
    async def adjudicate(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        case_id: FromPath[UUID],
        data: JSONBody[AdjudicationIn],
    ) -> CaseOut:
        return await cases.adjudicate(tenant_scope, case_id, data, actor)

    @post(
        "/rescreen",
        **allow(ADJUDICATORS, 409),
        status_code=200,
        summary="Screen again every partner of a request under way or an active MOU",
    )
    async def rescreen(
        self, tenant_scope: NamedDependency[TenantScope], actor: NamedDependency[Actor]
    ) -> RescreenOut:
        partners_n, subjects, opened, gone, versions = await cases.rescreen_tenant(
            tenant_scope, trigger="manual", actor=actor
        )
        return RescreenOut(
            partners=partners_n,
            subjects=subjects,
            cases_opened=opened,
            hits_disappeared=gone,
            list_versions=versions,
        )


class RegisterController(TenantRoutes):
    path = TENANT_PATH + "/relationships"
    tags = ["relationships"]

    @get(
        "/export",
        **allow(EXPORTERS),
        media_type=MEDIA_TYPES["csv"],
        operation_class=SpreadsheetOperation,
        summary="The relationships register as CSV (default) or XLSX",
    )
    async def export_register(
        self,
        tenant_scope: NamedDependency[TenantScope],
        format: Annotated[
            Literal["csv", "xlsx"], QueryParameter(description="csv (default) or xlsx")
        ] = "csv",
    ) -> Response[bytes]:
        body = await export.export_register(tenant_scope, format, now())
        name = export.filename(tenant_scope.slug, format)
        return attachment(body, MEDIA_TYPES[format], name)


ROUTES: list[Any] = [PartnerController, RequestController, CaseController, RegisterController]
