"""Screening cases as pages: the coordinator's list, and each case side by side (what
was screened, and the listed entity it matched, with each feature's contribution)
with the adjudication form. A finding stands once made, so the form leads to a
confirmation page first; a false positive needs its reason, shown beside the field."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.http.tenancy import Caller, allow
from registry.relationships import cases, partners
from registry.relationships.controllers import ADJUDICATORS, CASE_READERS
from registry.relationships.schemas import AdjudicationIn, CaseOut
from registry.web.forms import Form
from registry.web.relationships.common import confirmed, people, to_struct, trail
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from screening.model import ListedEntity
from screening.tables import ScreeningEntity, ScreeningListVersion
from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope

PAGE_SIZE = 50
STATUSES = [
    ("open", "Open"),
    ("false_positive", "False positive"),
    ("confirmed", "Confirmed"),
    ("delisted", "Delisted"),
]
OUTCOMES = [
    ("false_positive", "False positive: not the listed entity (say why)"),
    ("confirmed", "Confirmed: the listed entity; the request is blocked"),
]
_ENTITY = msgspec.json.Decoder(ListedEntity)


async def listed_entity(case: CaseOut) -> ListedEntity | None:
    """The listed entry the case matched, as its list version stored it; None when that
    version is no longer stored (the hit itself still says what matched)."""
    version = (
        await ScreeningListVersion.select(ScreeningListVersion.id)
        .where(
            (ScreeningListVersion.source == case.list)
            & (ScreeningListVersion.version_key == case.list_version)
        )
        .first()
    )
    if version is None:
        return None
    row = (
        await ScreeningEntity.select(ScreeningEntity.data)
        .where(
            (ScreeningEntity.version == version["id"])
            & (ScreeningEntity.entity_ref == case.entity_ref)
        )
        .first()
    )
    return None if row is None else _ENTITY.decode(str(row["data"]))


class CasePages(TenantPages):
    path = WEB_TENANT_PATH + "/screening-cases"

    @get("/", **allow(CASE_READERS))
    async def list_cases(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        status: Annotated[str | None, QueryParameter(max_length=20)] = "open",
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> Template:
        chosen = status if status in dict(STATUSES) else None
        found = await cases.list_cases(tenant_scope, limit=PAGE_SIZE, offset=offset, status=chosen)
        return await page(
            request,
            "relationships/cases.html",
            title="Screening cases",
            found=found,
            status_filter=chosen or "",
            statuses=STATUSES,
        )

    async def _show(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        case: CaseOut,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        confirming: bool = False,
        notice: str = "",
        status: int = 200,
    ) -> Template:
        partner = await partners.get_partner(scope, case.partner_id)
        officer = next((o for o in partner.officers if o.id == case.officer_id), None)
        return await page(
            request,
            "relationships/case.html",
            title=f"Screening case: {case.subject_name}",
            case=case,
            partner=partner,
            officer=officer,
            entity=await listed_entity(case),
            outcomes=OUTCOMES,
            may_adjudicate=caller.has(*ADJUDICATORS) and case.status == "open",
            who=await people(scope),
            trail=await trail(scope, case.id),
            form=form or {},
            errors=errors or {},
            refusal=refusal,
            confirming=confirming,
            notice=notice,
            status=status,
        )

    @get("/{case_id:uuid}", **allow(CASE_READERS))
    async def show_case(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        case_id: FromPath[UUID],
        done: Annotated[bool, QueryParameter(name="adjudicated")] = False,
    ) -> Template:
        case = await cases.get_case(tenant_scope, case_id)
        notice = "Your finding was recorded." if done else ""
        return await self._show(request, tenant_scope, caller, case, notice=notice)

    @post("/{case_id:uuid}/adjudicate", **allow(ADJUDICATORS, 409), status_code=303)
    async def adjudicate(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        case_id: FromPath[UUID],
    ) -> Template | Redirect:
        case = await cases.get_case(tenant_scope, case_id)
        submitted = await Form.read(request)
        form = {"outcome": submitted.text("outcome"), "reason": submitted.text("reason")}
        errors: dict[str, str] = {}
        if not form["outcome"]:
            errors["outcome"] = "Choose false positive or confirmed"
        finding = to_struct(AdjudicationIn, form, errors) if not errors else None
        if finding is not None and finding.outcome == "false_positive" and not finding.reason:
            errors["reason"] = "Say why the match is a false positive"
        if errors or finding is None:
            return await self._show(
                request, tenant_scope, caller, case, form=form, errors=errors, status=400
            )
        if not confirmed(submitted.fields):
            return await self._show(request, tenant_scope, caller, case, form=form, confirming=True)
        try:
            await cases.adjudicate(tenant_scope, case_id, finding, actor)
        except InvalidInput as exc:
            return await self._show(
                request,
                tenant_scope,
                caller,
                case,
                form=form,
                errors={exc.field: exc.message},
                status=400,
            )
        except Conflict as exc:
            case = await cases.get_case(tenant_scope, case_id)
            return await self._show(
                request, tenant_scope, caller, case, refusal=exc.detail, status=409
            )
        return Redirect(
            f"/t/{tenant_scope.slug}/screening-cases/{case_id}?adjudicated=true", status_code=303
        )
