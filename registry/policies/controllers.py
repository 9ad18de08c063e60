"""HTTP routes of a tenant's policies: read, create, new versions, dry-run evaluate.

Thin: they call `registry.policies.service`. Every change is a new version and an
audit event `policy.changed`; a PUT of the current document is a no-op (200,
`changed: false`).
"""

from __future__ import annotations

from typing import Any

from litestar import get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from registry.audit.ledger import Actor
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from registry.policies import service
from registry.policies.schemas import (
    EvaluateIn,
    PolicyCreate,
    PolicyIn,
    PolicySaved,
    PolicySummary,
    PolicyVersionOut,
)
from tenants.roles import Role
from tenants.scope import TenantScope

POLICY_READERS = (Role.ADMIN, Role.EXECUTIVE, Role.COORDINATOR, Role.AUDITOR, Role.BOARD)
POLICY_EDITORS = (Role.ADMIN,)
EVALUATORS = (Role.ADMIN, Role.COORDINATOR, Role.EXECUTIVE)


class PolicyController(TenantRoutes):
    """The tenant's policy documents, every version kept, and dry runs."""

    path = TENANT_PATH + "/policies"
    tags = ["policies"]

    @get("/", **allow(POLICY_READERS, 409), summary="Each policy at its current version")
    async def list_policies(
        self, tenant_scope: NamedDependency[TenantScope]
    ) -> list[PolicySummary]:
        return await service.list_policies(tenant_scope)

    @post(
        "/",
        **allow(POLICY_EDITORS, 409),
        summary="Create a policy (version 1) from a document or a preset",
        description=(
            "Body: `name` and either `document` (TOML or JSON text, `format`) or `preset` "
            "(see `accord policies presets`). A document that does not load is a 400 "
            "naming the bad key and its line. 409 if the name is taken."
        ),
    )
    async def create_policy(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        data: JSONBody[PolicyCreate],
    ) -> PolicyVersionOut:
        return await service.create_policy(
            tenant_scope,
            data.name,
            document=data.document,
            format=data.format,
            preset=data.preset,
            actor=actor,
        )

    @get("/{name:str}", **allow(POLICY_READERS, 409), summary="The current version's document")
    async def show_policy(
        self, tenant_scope: NamedDependency[TenantScope], name: FromPath[str]
    ) -> PolicyVersionOut:
        return await service.get_policy(tenant_scope, name)

    @put(
        "/{name:str}",
        **allow(POLICY_EDITORS, 409),
        summary="Store a new version of a policy",
        description=(
            "Body: `document` (TOML or JSON text, `format`) or `preset` to start again from "
            "a preset. Stores a new version and records `policy.changed`. A document "
            "identical to the current one (same sha256) stores nothing: 200 with "
            "`changed: false`. A document that does not load is a 400 naming the bad key "
            "and its line, and nothing is stored."
        ),
    )
    async def put_policy(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        name: FromPath[str],
        data: JSONBody[PolicyIn],
    ) -> PolicySaved:
        return await service.put_policy(
            tenant_scope,
            name,
            document=data.document,
            format=data.format,
            preset=data.preset,
            actor=actor,
        )

    @get(
        "/{name:str}/versions",
        **allow(POLICY_READERS, 409),
        summary="Every stored version of a policy, oldest first",
    )
    async def list_versions(
        self, tenant_scope: NamedDependency[TenantScope], name: FromPath[str]
    ) -> list[PolicySummary]:
        return await service.list_versions(tenant_scope, name)

    @get(
        "/{name:str}/versions/{version:int}",
        **allow(POLICY_READERS, 409),
        summary="One stored version of a policy, with its document",
    )
    async def show_version(
        self,
        tenant_scope: NamedDependency[TenantScope],
        name: FromPath[str],
        version: FromPath[int],
    ) -> PolicyVersionOut:
        return await service.get_version(tenant_scope, name, version)

    @post(
        "/{name:str}/evaluate",
        **allow(EVALUATORS, 409),
        status_code=200,
        summary="Dry run: the Decision the current version makes about a subject",
        description=(
            "Nothing is stored. The Decision names the policy's sha256. A subject that "
            "cannot be evaluated is a 400 naming the field (see `accord policies schema`)."
        ),
    )
    async def evaluate(
        self,
        tenant_scope: NamedDependency[TenantScope],
        name: FromPath[str],
        data: JSONBody[EvaluateIn],
    ) -> dict[str, Any]:
        return await service.evaluate_policy(tenant_scope, name, data.subject, data.as_of)


ROUTES: list[Any] = [PolicyController]
