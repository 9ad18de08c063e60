"""The Litestar application: routes, authentication, errors, OpenAPI, lifecycle."""

from __future__ import annotations

import gc
import logging
from typing import Any

from litestar import Litestar, Router, get
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from registry.audit.controllers import ROUTES as audit_routes
from registry.board.controllers import ROUTES as board_routes
from registry.board.jobs import start_motion_jobs, stop_motion_jobs
from registry.http.auth import PUBLIC_PATHS, AccordAuthentication
from registry.http.body import DOCUMENT_BODY_MAX, JSON_BODY_MAX, AccordRequest
from registry.http.headers import add_security_headers
from registry.http.problems import EXCEPTION_HANDLERS
from registry.http.strict_query import refuse_unknown_query
from registry.http.swagger import LocalSwaggerPlugin
from registry.identity.controllers import MeController, TenantController, sign_in, sign_out
from registry.identity.schemas import Health
from registry.members.controllers import ROUTES as member_register_routes
from registry.mentoring.controllers import ROUTES as mentoring_routes
from registry.mous.controllers import ROUTES as mou_routes
from registry.mous.jobs import start_mou_jobs, stop_mou_jobs
from registry.notifications.controllers import ROUTES as notification_routes
from registry.notifications.sender import start_sender, stop_sender
from registry.participation.controllers import ROUTES as participation_routes
from registry.policies.controllers import ROUTES as policy_routes
from registry.relationships.controllers import ROUTES as relationship_routes
from registry.screening.controllers import ROUTES as screening_routes
from registry.web.controllers import ROUTES as web_routes
from registry.web.controllers import template_config
from registry.web.member_register import MemberRegisterPages
from registry.web.policy_pages import PolicyPages
from registry.web.relationships import ROUTES as relationship_pages
from screening.live import load_screening_index
from tenants import text
from tenants.database import close_pool, current_engine, open_pool
from tenants.settings import load_settings


def settle_heap() -> None:
    """What start-up built (routes, templates, the screening index: ~150,000 objects)
    lives as long as the process. Frozen out of the cyclic collector, which would
    otherwise walk all of it in every full collection (~80 ms, paid by whichever
    request is unlucky)."""
    gc.collect()
    gc.freeze()


@get("/health", tags=["service"], summary="Liveness and database reachability")
async def health() -> Health:
    await current_engine().run_ddl("SELECT 1")
    return Health(status="ok", database=current_engine().engine_type)


#: The web pages that edit documents (policies, MOUs, requests, board papers).
DOCUMENT_PAGES: list[Any] = [PolicyPages, MemberRegisterPages, *relationship_pages]


def documents() -> Router:
    """The routes that carry documents (and the member register's file imports): up to
    DOCUMENT_BODY_MAX; every other route takes up to JSON_BODY_MAX
    (`registry/http/body.py`)."""
    return Router(
        path="/",
        route_handlers=[
            *policy_routes,
            *mou_routes,
            *relationship_routes,
            *member_register_routes,
            *DOCUMENT_PAGES,
        ],
        request_max_body_size=DOCUMENT_BODY_MAX,
    )


def create_app() -> Litestar:
    settings = load_settings()
    logging.basicConfig(level=settings.server.log_level.upper())
    app = Litestar(
        route_handlers=[
            health,
            MeController,
            sign_in,
            sign_out,
            TenantController,
            *audit_routes,
            *screening_routes,
            *board_routes,
            *mentoring_routes,
            *participation_routes,
            *notification_routes,
            *(route for route in web_routes if route not in DOCUMENT_PAGES),
            documents(),
        ],
        request_class=AccordRequest,
        request_max_body_size=JSON_BODY_MAX,
        before_send=[add_security_headers],
        template_config=template_config(),
        middleware=[DefineMiddleware(AccordAuthentication, exclude=PUBLIC_PATHS)],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=refuse_unknown_query,
        on_startup=[
            open_pool,
            load_screening_index,
            start_sender,
            start_motion_jobs,
            start_mou_jobs,
            settle_heap,
        ],
        on_shutdown=[stop_mou_jobs, stop_motion_jobs, stop_sender, close_pool],
        openapi_config=OpenAPIConfig(
            title="Accord",
            version="0.1.0",
            description="Governance of mentoring schemes and international partnerships.",
            path="/schema",
            render_plugins=[LocalSwaggerPlugin()],
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer"),
                }
            ),
        ),
        debug=False,
    )
    # Log lines escape control characters (tenants/text.py): a client's ESC or newline
    # never reaches an operator's terminal as itself. After Litestar, which adds its own
    # handlers.
    text.escape_logs("uvicorn", "uvicorn.error", "uvicorn.access", "litestar")
    return app
