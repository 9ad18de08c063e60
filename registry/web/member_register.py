"""The member register's pages: the records (search, filter, edit one) and the
import of a membership export, a dry run first, for administrators.

Each form calls the service the API calls (`registry.members.service`); what it
refuses comes back next to the field it names, and an import's report is shown row
by row, as the API answers it.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.http.tenancy import allow
from registry.members import service
from registry.members.controllers import MAX_FILE
from registry.members.parsing import STATUSES
from registry.members.schemas import ImportReport, RecordPatch
from registry.web.forms import clean_form
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.errors import Conflict, InvalidInput
from tenants.roles import Role
from tenants.scope import TenantScope

READERS = (Role.ADMIN, Role.COORDINATOR, Role.AUDITOR)
ADMINS = (Role.ADMIN,)
PAGE = 50


class MemberRegisterPages(TenantPages):
    path = WEB_TENANT_PATH + "/admin/member-register"

    async def _render(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        *,
        q: str = "",
        status_filter: str = "",
        offset: int = 0,
        report: ImportReport | None = None,
        errors: dict[str, str] | None = None,
        notice: str = "",
        status: int = 200,
    ) -> Template:
        records = await service.list_records(
            scope, status=status_filter or None, search=q or None, limit=PAGE, offset=offset
        )
        return await page(
            request,
            "member_register.html",
            title="Member register",
            records=records,
            q=q,
            status_filter=status_filter,
            statuses=STATUSES,
            report=report,
            errors=errors or {},
            notice=notice,
            status=status,
        )

    @get("/", **allow(READERS))
    async def records(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        status: Annotated[str | None, Parameter(max_length=16)] = None,
        offset: Annotated[int, Parameter(ge=0, le=10_000_000)] = 0,
        saved: Annotated[str | None, Parameter(max_length=64)] = None,
    ) -> Template:
        status = status if status in STATUSES else ""
        notice = f"Record {saved} saved." if saved else ""
        return await self._render(
            request,
            tenant_scope,
            q=q or "",
            status_filter=status or "",
            offset=offset,
            notice=notice,
        )

    @post("/import", **allow(ADMINS), status_code=200)
    async def import_file(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
    ) -> Template:
        form = await request.form()
        fields = dict(clean_form((k, v) for k, v in form.multi_items() if isinstance(v, str)))
        upload = form.get("file")
        apply = fields.get("apply") == "yes"
        skip_bad = fields.get("mode") == "skip-bad"
        errors: dict[str, str] = {}
        report: ImportReport | None = None
        content = await upload.read() if isinstance(upload, UploadFile) else b""
        if not content:
            errors["file"] = "Choose the CSV or XLSX file your membership system exported"
        elif len(content) > MAX_FILE:
            errors["file"] = f"The file is larger than {MAX_FILE // 1024} KiB; split it"
        else:
            try:
                report = await service.import_register(
                    tenant_scope, content, apply=apply, skip_bad=skip_bad, actor=actor
                )
            except InvalidInput as exc:
                errors["file"] = exc.message
            except Conflict as exc:
                errors["file"] = exc.detail
                report = (await service.plan_import(tenant_scope, content)).report
        notice = ""
        if report is not None and report.applied:
            notice = "The register was updated."
        elif report is not None and apply and not errors:
            notice = "The file changes nothing: the register already holds it."
        return await self._render(
            request,
            tenant_scope,
            report=report,
            errors=errors,
            notice=notice,
            status=400 if errors else 200,
        )

    @get("/{record_id:uuid}", **allow(ADMINS))
    async def edit(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        record_id: FromPath[UUID],
    ) -> Template:
        record = await service.get_record(tenant_scope, record_id)
        return await page(
            request,
            "member_record.html",
            title=f"Member {record.number}",
            record=record,
            form=msgspec.to_builtins(record),
            statuses=STATUSES,
            errors={},
        )

    @post("/{record_id:uuid}", **allow(ADMINS), status_code=303)
    async def save(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        record_id: FromPath[UUID],
    ) -> Template | Redirect:
        record = await service.get_record(tenant_scope, record_id)
        fields = dict(
            clean_form(
                (k, v) for k, v in (await request.form()).multi_items() if isinstance(v, str)
            )
        )
        errors: dict[str, str] = {}
        try:
            patch = msgspec.convert(
                {
                    "name": fields.get("name", "").strip(),
                    "email": fields.get("email", "").strip(),
                    "membership_class": fields.get("membership_class", "").strip(),
                    "status": fields.get("status", ""),
                    "paid_until": fields.get("paid_until", "").strip() or None,
                    "joined_on": fields.get("joined_on", "").strip() or None,
                    "country": fields.get("country", "").strip() or None,
                },
                RecordPatch,
            )
            await service.update_record(tenant_scope, record_id, patch, actor=actor)
        except InvalidInput as exc:
            errors[exc.field] = exc.message
        except msgspec.ValidationError as exc:
            field = str(exc).rpartition("$.")[2].rstrip("`") or "form"
            errors[field] = str(exc).split(" - at ")[0]
        if errors:
            return await page(
                request,
                "member_record.html",
                title=f"Member {record.number}",
                record=record,
                form=fields,
                statuses=STATUSES,
                errors=errors,
                status=400,
            )
        return Redirect(
            f"/t/{tenant_scope.slug}/admin/member-register?saved={quote(record.number)}",
            status_code=303,
        )
