"""Rendering pages: the template engine, the context every page shares, the
navigation, and errors as pages (a redirect to sign in, or a page that says why)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig
from markupsafe import Markup

from registry.identity.service import me
from registry.notifications.service import unread_count
from registry.web.auth import CSRF_FIELD, SignInRequired, current_principal
from tenants import clock
from tenants.errors import AccordError, InvalidInput
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope

log = logging.getLogger("accord.web")

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


#: Headers of every page: only this site's own scripts, styles and forms (the pages
#: have no inline script), never inside another site's frame, and pages (which may
#: show a new token once) are not kept in caches.
PAGE_HEADERS = [
    ResponseHeader(
        name="Content-Security-Policy",
        value=(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
            " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
    ),
    ResponseHeader(name="X-Content-Type-Options", value="nosniff"),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
    ResponseHeader(name="Cache-Control", value="no-store"),
]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals.update(csrf_field=CSRF_FIELD)
    environment.filters.update(moment=moment_filter, day=day_filter)
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(environment))


def _instant(value: datetime | str) -> datetime | None:
    """An instant; an audit event's time arrives as text ("2026-12-03T14:49:00.000000Z",
    "2026-12-03 14:49:00"), UTC. None for text that is not a time."""
    if not isinstance(value, datetime):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@pass_context
def moment_filter(context: Context, value: datetime | str | None) -> Markup | str:
    """`{{ x.created_at|moment }}`: an instant in the association's zone (the page's
    `zone`), with the zone named, "4 Dec 2026 01:49 AEDT", in a <time> element whose
    datetime attribute keeps the exact UTC instant. Every page shows times this way."""
    if value is None or value == "":
        return "—"
    at = _instant(value)
    if at is None:
        return str(value)
    zone = context.get("zone") or "UTC"
    # Markup.format escapes each value.
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        at.isoformat(), zone, clock.local_time(at, zone)
    )


@pass_context
def day_filter(context: Context, value: datetime | date | str | None) -> str:
    """`{{ x.opened_at|day }}`: "04 Dec 2026"; an instant is read as the day it was
    in the association's zone, a date as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str | datetime):
        at = _instant(value)
        if at is None:
            return str(value)
        value = clock.local_day(at, context.get("zone") or "UTC")
    return value.strftime("%d %b %Y")


async def zone_context(scope: TenantScope) -> dict[str, str]:
    """What a template needs to show times: the association's zone. `page` adds it;
    a fragment rendered on its own (an HTMX row) adds it with this."""
    return {"zone": await clock.zone_name(scope)}


@dataclass(frozen=True, slots=True)
class NavItem:
    """A link in a tenant's navigation, shown to the roles that may open it."""

    label: str
    path: str  # below /t/{tenant}, "" for the dashboard
    roles: frozenset[Role]


#: Other rooms add their pages' links here (`NAV.append(NavItem(...))`).
NAV: list[NavItem] = [
    NavItem("Dashboard", "", ALL_ROLES),
    NavItem("Inbox", "/inbox", ALL_ROLES),
    NavItem(
        "Policies",
        "/policies",
        frozenset({Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.AUDITOR, Role.BOARD}),
    ),
    NavItem("Audit", "/audit", frozenset({Role.ADMIN, Role.AUDITOR})),
    NavItem("Members", "/admin/members", frozenset({Role.ADMIN})),
    NavItem(
        "Member register",
        "/admin/member-register",
        frozenset({Role.ADMIN, Role.COORDINATOR, Role.AUDITOR}),
    ),
    NavItem("Settings", "/admin/settings", frozenset({Role.ADMIN})),
    NavItem("API tokens", "/tokens", ALL_ROLES),
]


def tenant_url(slug: str, path: str = "") -> str:
    return f"/t/{slug}{path or '/'}"


async def page(
    request: Request[Any, Any, Any],
    template: str,
    *,
    title: str,
    status: int = 200,
    **context: Any,
) -> Template:
    """A full page: `template` with what every page shows (who is signed in, the
    tenant and its navigation, the CSRF token for forms)."""
    principal = current_principal(request)
    shared: dict[str, Any] = {"title": title, "path": request.url.path, "principal": principal}
    if principal is not None:
        person = await me(principal.person_id)
        shared["person"] = person
        shared["session_csrf"] = principal.csrf_token or ""
        caller = getattr(request.state, "caller", None)
        if caller is not None:
            scope = TenantScope(caller.tenant_id, caller.tenant_slug)
            shared["tenant"] = next(
                (m for m in person.memberships if m.tenant == caller.tenant_slug), None
            )
            shared["slug"] = caller.tenant_slug
            shared["roles"] = sorted(role.value for role in caller.roles)
            shared["unread"] = await unread_count(scope, caller.person_id)
            shared.update(await zone_context(scope))
            shared["nav"] = [
                (item.label, tenant_url(caller.tenant_slug, item.path))
                for item in NAV
                if item.roles & caller.roles
            ]
    shared.update(context)
    return Template(template_name=template, context=shared, status_code=status)


def field_errors(exc: InvalidInput) -> dict[str, str]:
    return {exc.field: exc.message}


# -- errors as pages ---------------------------------------------------------------


def _sign_in_redirect(next_path: str) -> Redirect:
    return Redirect(f"/sign-in?next={quote(next_path, safe='/')}", status_code=303)


def on_sign_in_required(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    return _sign_in_redirect(exc.next_path)


def _error_page(request: Request[Any, Any, Any], status: int, message: str) -> Response[Any]:
    titles = {
        400: "Something in the request is not right",
        403: "Not allowed",
        404: "Not found",
        405: "Not allowed",
        409: "That cannot be done now",
        410: "This link can no longer be used",
        429: "Too many attempts",
    }
    return Template(
        template_name="error.html",
        context={
            "title": titles.get(status, "Something went wrong"),
            "status": status,
            "message": message,
            "principal": current_principal(request),
            "path": request.url.path,
        },
        status_code=status,
    )


def on_domain_error(request: Request[Any, Any, Any], exc: AccordError) -> Response[Any]:
    if exc.status == 401:
        return _sign_in_redirect(request.url.path)
    return _error_page(request, exc.status, exc.detail)


def on_http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, ValidationException):
        return _error_page(request, 400, "The address or the form is not valid.")
    return _error_page(request, exc.status_code, str(exc.detail))


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on page %s %s", request.method, request.url.path, exc_info=exc)
    return _error_page(request, 500, "An internal error happened; it has been logged.")


PAGE_ERRORS: dict[Any, Any] = {
    SignInRequired: on_sign_in_required,
    AccordError: on_domain_error,
    HTTPException: on_http_error,
    Exception: on_unexpected,
}
