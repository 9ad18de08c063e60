"""HTTP routes of this capability; registry.app mounts ROUTES."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter

from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from registry.screening import service
from screening import store
from screening.matcher import ScreeningResult
from screening.model import Schema
from tenants.roles import Role
from tenants.scope import TenantScope

SCREENERS = (Role.COORDINATOR, Role.ADMIN)
LIST_READERS = (Role.COORDINATOR, Role.ADMIN, Role.EXECUTIVE, Role.AUDITOR)


class ScreeningController(TenantRoutes):
    """Screen a name against the loaded sanctions lists; the stored list versions."""

    path = TENANT_PATH + "/screening"
    tags = ["screening"]

    @get(
        "/check",
        **allow(SCREENERS, 409),
        summary="Screen a name against the loaded sanctions lists",
        description=(
            "Hits at or above the tenant's review threshold, best first, each with its "
            "explanation. `status` is clear, review, block, or not_cleared when no list "
            "is loaded (fail closed)."
        ),
    )
    async def check(
        self,
        tenant_scope: NamedDependency[TenantScope],
        name: Annotated[str, QueryParameter(min_length=1, max_length=service.MAX_NAME)],
        dob: Annotated[
            str | None, QueryParameter(description="Date of birth: YYYY-MM-DD, YYYY-MM or YYYY")
        ] = None,
        country: Annotated[
            str | None, QueryParameter(description="ISO 3166-1 alpha-2 code or a country name")
        ] = None,
        schema: FromQuery[Schema | None] = None,
    ) -> ScreeningResult:
        query = service.validate_query(name, dob, country, schema)
        return await service.check(tenant_scope, query)

    @get("/lists", **allow(LIST_READERS), summary="Stored sanctions list versions, newest first")
    async def lists(self) -> list[store.StoredVersion]:
        return await store.list_versions()


ROUTES: list[Any] = [ScreeningController]
