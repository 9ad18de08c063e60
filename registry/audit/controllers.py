"""HTTP routes of the audit ledger: the events page, the export bundle and the report."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import Parameter, QueryParameter
from litestar.response import Response, Stream

from registry.audit import store
from registry.audit.report import FORMATS, MEDIA_TYPES, Format, filename, render
from registry.audit.report_data import load_report
from registry.http.files import SpreadsheetOperation, attachment
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from tenants.errors import InvalidInput
from tenants.roles import Role
from tenants.scope import TenantScope

READERS = (Role.AUDITOR, Role.ADMIN)
NDJSON = "application/x-ndjson"
Filter = Annotated[str | None, QueryParameter(max_length=200)]
Moment = Annotated[
    str | None,
    QueryParameter(
        max_length=64,
        description="ISO 8601 time with a zone, e.g. 2026-01-01T00:00:00Z",
    ),
]


class EventPage(msgspec.Struct):
    items: list[dict[str, Any]]
    limit: int
    offset: int
    next_offset: int | None


def _moment(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(name, "must be an ISO 8601 time, e.g. 2026-01-01T00:00:00Z") from None
    if moment.tzinfo is None:
        raise InvalidInput(name, "must carry a time zone, e.g. 2026-01-01T00:00:00Z")
    return moment


def _window(since: str | None, until: str | None) -> tuple[datetime | None, datetime | None]:
    start, end = _moment("since", since), _moment("until", until)
    if start is not None and end is not None and end < start:
        raise InvalidInput("until", "must not be before since")
    return start, end


class AuditController(TenantRoutes):
    path = TENANT_PATH + "/audit"
    tags = ["audit"]

    @get("/events", **allow(READERS), summary="Audit events, filtered, in sequence order")
    async def events(
        self,
        tenant_scope: NamedDependency[TenantScope],
        since: Moment = None,
        until: Moment = None,
        by_person: Annotated[str | None, QueryParameter(name="actor", max_length=200)] = None,
        object_type: Filter = None,
        object_id: Filter = None,
        action: Filter = None,
        limit: Annotated[int, Parameter(ge=1, le=500)] = 100,
        offset: Annotated[int, Parameter(ge=0, le=100_000_000)] = 0,
    ) -> EventPage:
        start, end = _window(since, until)
        where = store.EventFilter(start, end, by_person, object_type, object_id, action)
        items, next_offset = await store.list_events(
            tenant_scope, where, limit=limit, offset=offset
        )
        return EventPage(items=items, limit=limit, offset=offset, next_offset=next_offset)

    @get(
        "/export",
        **allow(READERS),
        media_type=NDJSON,
        summary="Export bundle (JSON Lines, signed tree head last) of events in a period",
    )
    async def export(
        self,
        tenant_scope: NamedDependency[TenantScope],
        since: Moment = None,
        until: Moment = None,
    ) -> Stream:
        start, end = _window(since, until)
        lines = store.export_lines(tenant_scope.tenant_id, tenant_scope.slug, start, end)
        first = await anext(lines)  # errors surface before the response starts

        async def body() -> AsyncIterator[bytes]:
            yield first
            async for line in lines:
                yield line

        filename = f"{tenant_scope.slug}-audit.jsonl"
        return Stream(
            body(),
            media_type=NDJSON,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @get(
        "/report",
        **allow(READERS),
        media_type=MEDIA_TYPES["csv"],
        operation_class=SpreadsheetOperation,
        summary="Governance report (CSV or XLSX) of a period, with audit sequence numbers",
        description=(
            "What a board secretary writes the minutes from: every board motion (its"
            " subject in words, each director's vote or recusal with the declared"
            " conflict, quorum, majority rule, outcome, the signed record's sha256) and"
            " what it decided, every MOU event, screening adjudications and findings,"
            " suspensions, role and policy changes and key rotations; one row each with"
            " its audit seq, names not ids, times in the association's zone, and the"
            " signed tree head on the first line."
        ),
    )
    async def report(
        self,
        tenant_scope: NamedDependency[TenantScope],
        since: Moment = None,
        until: Moment = None,
        format: Annotated[Format, QueryParameter(description="csv (default) or xlsx")] = "csv",
    ) -> Response[bytes]:
        start, end = _window(since, until)
        if format not in FORMATS:
            raise InvalidInput("format", "must be csv or xlsx")
        rows, title = await load_report(tenant_scope.tenant_id, tenant_scope.slug, start, end)
        name = filename(tenant_scope.slug, format)
        return attachment(render(rows, title, format), MEDIA_TYPES[format], name)


ROUTES: list[Any] = [AuditController]
