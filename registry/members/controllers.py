"""HTTP routes of the member register: list, show and edit records; import a file.

Thin: they call `registry.members.service`. The import takes the file itself as the
request body (CSV or XLSX, told apart by content); without `apply=true` it is a dry
run. Administrators write; administrators, coordinators and auditors read.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from registry.audit.ledger import Actor
from registry.http.body import DOCUMENT_BODY_MAX
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from registry.members import service
from registry.members.schemas import ImportReport, RecordOut, RecordPage, RecordPatch
from tenants.errors import InvalidInput
from tenants.roles import Role
from tenants.scope import TenantScope

READERS = (Role.ADMIN, Role.COORDINATOR, Role.AUDITOR)
WRITERS = (Role.ADMIN,)
#: The largest file the import takes: the document routes' limit (registry/app.py
#: mounts these routes with them), about 40,000 rows of a typical export.
MAX_FILE = DOCUMENT_BODY_MAX


class MemberRegisterController(TenantRoutes):
    """The association's member register, as its membership system exports it."""

    path = TENANT_PATH + "/member-register"
    tags = ["member register"]

    @get("/records", **allow(READERS), summary="Register records by member number, paginated")
    async def list_records(
        self,
        tenant_scope: NamedDependency[TenantScope],
        limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=10_000_000)] = 0,
        status: FromQuery[Literal["current", "financial", "lapsed", "resigned"] | None] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
    ) -> RecordPage:
        return await service.list_records(
            tenant_scope, status=status, search=q, limit=limit, offset=offset
        )

    @get("/records/{record_id:uuid}", **allow(READERS), summary="One register record")
    async def show_record(
        self, tenant_scope: NamedDependency[TenantScope], record_id: FromPath[UUID]
    ) -> RecordOut:
        return await service.get_record(tenant_scope, record_id)

    @patch(
        "/records/{record_id:uuid}",
        **allow(WRITERS, 409),
        summary="Change one register record",
        description="Audited; coordinators are told if a live participant is no longer eligible.",
    )
    async def update_record(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        record_id: FromPath[UUID],
        data: JSONBody[RecordPatch],
    ) -> RecordOut:
        return await service.update_record(tenant_scope, record_id, data, actor=actor)

    @post(
        "/imports",
        **allow(WRITERS, 409),
        status_code=200,
        summary="Import the register from a CSV or XLSX file (a dry run unless apply=true)",
        description=(
            "The body is the file itself (CSV in UTF-8, or XLSX; at most 4 MiB). Columns "
            "are found by header (`mapping` shows how). The answer says, row by row, what "
            "is (or would be) added, changed, lapsed or refused and why, naming row and "
            "column. `apply=true` applies it in one transaction: all or nothing (409 if any "
            "row is refused), or with `mode=skip-bad` the good rows only. A file that "
            "changes nothing writes nothing."
        ),
    )
    async def import_register(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        apply: FromQuery[bool] = False,
        mode: FromQuery[Literal["all-or-nothing", "skip-bad"]] = "all-or-nothing",
    ) -> ImportReport:
        content = await request.body()
        if len(content) > MAX_FILE:
            raise InvalidInput("file", f"larger than {MAX_FILE // 1024} KiB; split the file")
        return await service.import_register(
            tenant_scope, content, apply=apply, skip_bad=mode == "skip-bad", actor=actor
        )


ROUTES = [MemberRegisterController]
