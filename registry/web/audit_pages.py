"""Audit pages: browse the tenant's events with filters, and download the signed
export bundle or the governance report of a period.

The events come from `registry.audit.store.list_events`, as on the API. The
downloads are the API's own routes (`/api/v1/t/{tenant}/audit/export` and
`.../report`, which accept the browser's session for a GET): this page checks the
period typed as days of the association's time zone, next to its fields, and then
sends the browser there, so there is one implementation of each file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import Parameter
from litestar.response import Redirect, Template

from registry.audit import store
from registry.audit.controllers import READERS
from registry.audit.report import report_row
from registry.http.tenancy import allow
from registry.notifications.service import member_addresses
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.scope import TenantScope
from tenants.service import get_tenant

EVENTS_PAGE = 50
Text = Annotated[str | None, Parameter(max_length=200)]
Day = Annotated[str | None, Parameter(max_length=32)]


def _day(value: str | None, field: str, errors: dict[str, str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = "Enter a date as YYYY-MM-DD, for example 2026-07-01"
        return None


def period(
    since: str | None,
    until: str | None,
    zone: str,
    errors: dict[str, str],
    names: tuple[str, str] = ("since", "until"),
) -> tuple[datetime | None, datetime | None]:
    """From the start of day `since` to the end of day `until`, in the tenant's zone,
    as UTC moments; errors beside the fields."""
    first, last = _day(since, names[0], errors), _day(until, names[1], errors)
    if first and last and last < first:
        errors[names[1]] = "The last day must not be before the first"
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(), tz).astimezone(UTC) if first else None
    end = datetime.combine(last + timedelta(days=1), time(), tz).astimezone(UTC) if last else None
    return start, end


def _iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


class AuditPages(TenantPages):
    path = WEB_TENANT_PATH + "/audit"

    async def _render(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        filters: dict[str, str],
        errors: dict[str, str],
        *,
        offset: int = 0,
        downloads: dict[str, str] | None = None,
    ) -> Template:
        zone = (await get_tenant(scope.slug)).time_zone
        start, end = period(filters.get("since"), filters.get("until"), zone, errors)
        actor_id: str | None = None
        members = await member_addresses(scope)
        if filters.get("who"):
            # Only this association's members: the page must not tell whether an
            # address has an account elsewhere on the platform.
            wanted = filters["who"].lower()
            found = [person for person, email in members.items() if email == wanted]
            if found:
                actor_id = str(found[0])
            else:
                errors["who"] = "No member of this association has this e-mail address"
        rows: list[Any] = []
        next_offset = None
        if not errors:
            where = store.EventFilter(
                start,
                end,
                actor_id,
                filters.get("object_type") or None,
                None,
                filters.get("action") or None,
            )
            events, next_offset = await store.list_events(
                scope, where, limit=EVENTS_PAGE, offset=offset
            )
            # Members by e-mail; a former member's id is shown as it is.
            people = {str(pid): email for pid, email in members.items()}
            rows = [(event, report_row(event, people)) for event in events]
        more = None
        if next_offset is not None:
            more = urlencode({**{k: v for k, v in filters.items() if v}, "offset": next_offset})
        return await page(
            request,
            "audit.html",
            title="Audit",
            rows=rows,
            filters=filters,
            zone=zone,
            more=more,
            downloads=downloads or {"format": "csv"},
            errors=errors,
            status=400 if errors else 200,
        )

    @get("/", **allow(READERS))
    async def events(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        since: Day = None,
        until: Day = None,
        action: Text = None,
        object_type: Text = None,
        who: Text = None,
        offset: Annotated[int, Parameter(ge=0, le=100_000_000)] = 0,
    ) -> Template:
        filters = {
            "since": since or "",
            "until": until or "",
            "action": (action or "").strip(),
            "object_type": (object_type or "").strip(),
            "who": (who or "").strip(),
        }
        return await self._render(request, tenant_scope, filters, {}, offset=offset)

    async def _download(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        what: str,
        since: str | None,
        until: str | None,
        extra: dict[str, str],
    ) -> Template | Redirect:
        errors: dict[str, str] = {}
        zone = (await get_tenant(scope.slug)).time_zone
        names = (f"{what}_since", f"{what}_until")
        start, end = period(since, until, zone, errors, names)
        if errors:
            downloads = {names[0]: since or "", names[1]: until or "", **extra}
            empty = {"since": "", "until": "", "action": "", "object_type": "", "who": ""}
            return await self._render(request, scope, empty, errors, downloads=downloads)
        query = {k: v for k, v in {"since": _iso(start), "until": _iso(end), **extra}.items() if v}
        suffix = f"?{urlencode(query)}" if query else ""
        return Redirect(f"/api/v1/t/{scope.slug}/audit/{what}{suffix}", status_code=303)

    @get("/export", **allow(READERS))
    async def export(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        export_since: Day = None,
        export_until: Day = None,
    ) -> Template | Redirect:
        return await self._download(request, tenant_scope, "export", export_since, export_until, {})

    @get("/report", **allow(READERS))
    async def report(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        report_since: Day = None,
        report_until: Day = None,
        format: Annotated[str, Parameter(max_length=8)] = "csv",
    ) -> Template | Redirect:
        if format not in ("csv", "xlsx"):
            format = "csv"
        return await self._download(
            request, tenant_scope, "report", report_since, report_until, {"format": format}
        )
