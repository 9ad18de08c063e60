"""Policy pages: each policy at its current version, its versions, and (for
administrators) a new policy from a preset and a new version from an edited document.

Saving calls `registry.policies.service` like the API's POST and PUT: a document that
does not load comes back with the error (key and line) next to the document field,
and nothing is stored. Saving is not irreversible (every version is kept, and an
earlier one can be saved again), so it needs no confirmation.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template

from policies import list_presets
from registry.audit.ledger import Actor
from registry.http.tenancy import allow
from registry.policies import service as policies
from registry.policies.controllers import POLICY_EDITORS, POLICY_READERS
from registry.web.forms import Form
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope

FORMATS = [("toml", "TOML"), ("json", "JSON")]


class PolicyPages(TenantPages):
    path = WEB_TENANT_PATH + "/policies"

    async def _list(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        return await page(
            request,
            "policies.html",
            title="Policies",
            policies=await policies.list_policies(scope),
            presets=[(name, name) for name in list_presets()],
            form=form or {},
            errors=errors or {},
            status=status,
        )

    @get("/", **allow(POLICY_READERS))
    async def list_policies(
        self, request: Request[Any, Any, Any], tenant_scope: NamedDependency[TenantScope]
    ) -> Template:
        return await self._list(request, tenant_scope)

    @post("/", **allow(POLICY_EDITORS), status_code=303)
    async def create(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        form = await Form.read(request)
        values = {"name": form.text("name"), "preset": form.text("preset")}
        errors: dict[str, str] = {}
        if not values["name"]:
            errors["name"] = "Enter a name, for example mentoring"
        if not values["preset"]:
            errors["preset"] = "Choose a preset to start from"
        if not errors:
            try:
                created = await policies.create_policy(
                    tenant_scope, values["name"], preset=values["preset"], actor=actor
                )
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            except Conflict as exc:
                errors["name"] = exc.detail
            else:
                return Redirect(
                    f"/t/{tenant_scope.slug}/policies/{created.name}?saved={created.version}",
                    status_code=303,
                )
        return await self._list(request, tenant_scope, values, errors, status=400)

    @get("/{name:str}", **allow(POLICY_READERS))
    async def show(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        name: FromPath[str],
        saved: Annotated[int | None, Parameter(ge=1)] = None,
        unchanged: FromQuery[bool] = False,
    ) -> Template:
        current = await policies.get_policy(tenant_scope, name)
        notice = ""
        if saved is not None:
            notice = f"Saved as version {saved}."
        elif unchanged:
            notice = "The document was the same as the current version: nothing was stored."
        return await page(
            request,
            "policy.html",
            title=f"Policy {name}",
            policy=current,
            versions=await policies.list_versions(tenant_scope, name),
            notice=notice,
        )

    @get("/{name:str}/versions/{version:int}", **allow(POLICY_READERS))
    async def show_version(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        name: FromPath[str],
        version: FromPath[int],
    ) -> Template:
        stored = await policies.get_version(tenant_scope, name, version)
        return await page(
            request, "policy_version.html", title=f"Policy {name}, version {version}", policy=stored
        )

    async def _edit(
        self,
        request: Request[Any, Any, Any],
        name: str,
        form: dict[str, str],
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        return await page(
            request,
            "policy_edit.html",
            title=f"Edit policy {name}",
            name=name,
            form=form,
            formats=FORMATS,
            errors=errors or {},
            status=status,
        )

    @get("/{name:str}/edit", **allow(POLICY_EDITORS))
    async def edit(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        name: FromPath[str],
    ) -> Template:
        current = await policies.get_policy(tenant_scope, name)
        return await self._edit(
            request, name, {"document": current.document, "format": current.format}
        )

    @post("/{name:str}/edit", **allow(POLICY_EDITORS), status_code=303)
    async def save(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        name: FromPath[str],
    ) -> Template | Redirect:
        await policies.get_policy(tenant_scope, name)  # another tenant's name: 404 first
        form = await Form.read(request)
        values = {"document": form.raw("document"), "format": form.text("format") or "toml"}
        errors: dict[str, str] = {}
        if values["format"] not in dict(FORMATS):
            errors["format"] = "Choose TOML or JSON"
        elif not values["document"].strip():
            errors["document"] = "Enter the policy document"
        if not errors:
            try:
                saved = await policies.put_policy(
                    tenant_scope,
                    name,
                    document=values["document"],
                    format=values["format"],
                    actor=actor,
                )
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            else:
                outcome = f"saved={saved.version}" if saved.changed else "unchanged=true"
                return Redirect(
                    f"/t/{tenant_scope.slug}/policies/{name}?{outcome}", status_code=303
                )
        return await self._edit(request, name, values, errors, status=400)
