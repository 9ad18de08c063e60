"""Correcting a scheme or an intake from the pages: rename an intake and move its
window before it opens, rename a scheme, delete either while it is empty. Each page
asks first; the service's refusal (someone applied, the window opened) is shown above
the form, and a mistake next to its field."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.http.tenancy import allow
from registry.mentoring import corrections
from registry.mentoring.schemas import IntakeEdit, SchemeEdit
from registry.mentoring.schemes import get_intake, get_scheme
from registry.web.mentoring import forms
from registry.web.mentoring.common import RUNNERS
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope

Scope = NamedDependency[TenantScope]
Who = NamedDependency[Actor]
Req = Request[Any, Any, Any]

#: The intake's fields the page corrects, with their labels; dates as YYYY-MM-DD.
INTAKE_FIELDS = (
    ("name", "Name"),
    ("starts_on", "Starts on"),
    ("applications_open", "Applications open on"),
    ("applications_close", "Applications close on"),
)


class CorrectionPages(TenantPages):
    path = WEB_TENANT_PATH + "/mentoring"

    async def _intake_page(
        self,
        request: Req,
        scope: TenantScope,
        intake_id: UUID,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        status: int = 200,
        deleting: bool = False,
    ) -> Template:
        intake = await get_intake(scope, intake_id)
        scheme = await get_scheme(scope, intake.scheme_id)
        current = {
            "name": intake.name,
            **{f: getattr(intake, f).isoformat() for f, _ in INTAKE_FIELDS[1:]},
        }
        return await page(
            request,
            "mentoring/correct.html",
            title=f"Correct {intake.name}",
            what="intake",
            heading=f"{scheme.name}: {intake.name}",
            action=f"/t/{scope.slug}/mentoring/intakes/{intake.id}",
            back=f"/t/{scope.slug}/mentoring/intakes/{intake.id}",
            fields=INTAKE_FIELDS,
            form={**current, **(form or {})},
            errors=errors or {},
            refusal=refusal,
            deleting=deleting,
            status=status,
        )

    @get("/intakes/{intake_id:uuid}/correct", **allow(RUNNERS))
    async def intake_form(
        self,
        request: Req,
        tenant_scope: Scope,
        intake_id: FromPath[UUID],
        delete: FromQuery[bool] = False,
    ) -> Template:
        return await self._intake_page(request, tenant_scope, intake_id, deleting=delete)

    @post("/intakes/{intake_id:uuid}/correct", **allow(RUNNERS, 409), status_code=303)
    async def correct_intake(
        self, request: Req, tenant_scope: Scope, actor: Who, intake_id: FromPath[UUID]
    ) -> Template | Redirect:
        intake = await get_intake(tenant_scope, intake_id)
        values, _ = await forms.read(request)
        errors: dict[str, str] = {}
        changed: dict[str, Any] = {}
        if values.get("name", "") and values["name"] != intake.name:
            changed["name"] = values["name"]
        for field, _ in INTAKE_FIELDS[1:]:
            day = forms.day(values, field, errors)
            if day is not None and day != getattr(intake, field):
                changed[field] = day
        refusal, status = "", 400
        if not errors:
            try:
                data = msgspec.convert(changed, IntakeEdit, builtin_types=(date,))
                await corrections.update_intake(tenant_scope, intake_id, data, actor=actor)
            except msgspec.ValidationError as exc:
                errors["name"] = f"Enter the intake's name, in at most 200 characters ({exc})"
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            except Conflict as exc:
                refusal, status = exc.detail, 409
            else:
                return Redirect(
                    f"/t/{tenant_scope.slug}/mentoring/intakes/{intake_id}", status_code=303
                )
        return await self._intake_page(
            request,
            tenant_scope,
            intake_id,
            form=values,
            errors=errors,
            refusal=refusal,
            status=status,
        )

    @post("/intakes/{intake_id:uuid}/delete", **allow(RUNNERS, 409), status_code=303)
    async def delete_intake(
        self, request: Req, tenant_scope: Scope, actor: Who, intake_id: FromPath[UUID]
    ) -> Template | Redirect:
        intake = await get_intake(tenant_scope, intake_id)
        try:
            await corrections.delete_intake(tenant_scope, intake_id, actor=actor)
        except Conflict as exc:
            return await self._intake_page(
                request, tenant_scope, intake_id, refusal=exc.detail, status=409, deleting=True
            )
        return Redirect(
            f"/t/{tenant_scope.slug}/mentoring/schemes/{intake.scheme_id}", status_code=303
        )

    async def _scheme_page(
        self,
        request: Req,
        scope: TenantScope,
        scheme_id: UUID,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        status: int = 200,
        deleting: bool = False,
    ) -> Template:
        scheme = await get_scheme(scope, scheme_id)
        return await page(
            request,
            "mentoring/correct.html",
            title=f"Correct {scheme.name}",
            what="scheme",
            heading=scheme.name,
            action=f"/t/{scope.slug}/mentoring/schemes/{scheme.id}",
            back=f"/t/{scope.slug}/mentoring/schemes/{scheme.id}",
            fields=(("name", "Name"),),
            form={"name": scheme.name, **(form or {})},
            errors=errors or {},
            refusal=refusal,
            deleting=deleting,
            status=status,
        )

    @get("/schemes/{scheme_id:uuid}/correct", **allow(RUNNERS))
    async def scheme_form(
        self,
        request: Req,
        tenant_scope: Scope,
        scheme_id: FromPath[UUID],
        delete: FromQuery[bool] = False,
    ) -> Template:
        return await self._scheme_page(request, tenant_scope, scheme_id, deleting=delete)

    @post("/schemes/{scheme_id:uuid}/correct", **allow(RUNNERS, 409), status_code=303)
    async def correct_scheme(
        self, request: Req, tenant_scope: Scope, actor: Who, scheme_id: FromPath[UUID]
    ) -> Template | Redirect:
        await get_scheme(tenant_scope, scheme_id)
        values, _ = await forms.read(request)
        errors: dict[str, str] = {}
        refusal, status = "", 400
        try:
            data = msgspec.convert({"name": values.get("name", "")}, SchemeEdit)
            await corrections.update_scheme(tenant_scope, scheme_id, data, actor=actor)
        except msgspec.ValidationError:
            errors["name"] = "Enter the scheme's name, in at most 200 characters"
        except InvalidInput as exc:
            errors[exc.field] = exc.message
        except Conflict as exc:
            refusal, status = exc.detail, 409
        else:
            return Redirect(
                f"/t/{tenant_scope.slug}/mentoring/schemes/{scheme_id}", status_code=303
            )
        return await self._scheme_page(
            request,
            tenant_scope,
            scheme_id,
            form=values,
            errors=errors,
            refusal=refusal,
            status=status,
        )

    @post("/schemes/{scheme_id:uuid}/delete", **allow(RUNNERS, 409), status_code=303)
    async def delete_scheme(
        self, request: Req, tenant_scope: Scope, actor: Who, scheme_id: FromPath[UUID]
    ) -> Template | Redirect:
        try:
            await corrections.delete_scheme(tenant_scope, scheme_id, actor=actor)
        except Conflict as exc:
            return await self._scheme_page(
                request, tenant_scope, scheme_id, refusal=exc.detail, status=409, deleting=True
            )
        return Redirect(f"/t/{tenant_scope.slug}/mentoring", status_code=303)
