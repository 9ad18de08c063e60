"""Running matching and reviewing the draft: every pair with its score and the parts
of it, everyone unmatched with the reason, and the coordinator's swap, pin, run again
and publish (publishing asks first: it proposes the partnerships and tells everyone).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.http.tenancy import Caller, allow
from registry.mentoring import corrections
from registry.mentoring.applications import list_applications
from registry.mentoring.runs import create_run, get_run, pin_pair, publish_run, rerun, swap_partners
from registry.mentoring.schemas import MatchRunOut, PinChoice
from registry.mentoring.schemes import get_intake, get_scheme
from registry.web.mentoring import forms
from registry.web.mentoring.common import READERS, RUNNERS, breakdown_rows, names
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope

Scope = NamedDependency[TenantScope]
Who = NamedDependency[Actor]
Req = Request[Any, Any, Any]

NOTICES = {
    "created": "Matching ran over the whole pool. Review the draft, then publish it.",
    "swapped": "The partners are swapped; both new pairs are pinned and the rest recomputed.",
    "pinned": "The pair is pinned and the rest recomputed around it.",
    "rerun": "The draft was computed again over the pool as it is now, keeping its pins.",
    "published": "Published: the partnerships are proposed and everyone has been told.",
}

#: The review's changes by the path's last part, and the notice each ends with.
CHANGES = {"swap": "swapped", "pin": "pinned", "rerun": "rerun"}


def _uuid(value: str, field: str, errors: dict[str, str], what: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        errors[field] = f"Choose {what}"
        return None


class MatchRunPages(TenantPages):
    path = WEB_TENANT_PATH + "/mentoring"

    async def _review(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        run: MatchRunOut,
        *,
        notice: str = "",
        errors: dict[str, str] | None = None,
        form: dict[str, str] | None = None,
        refusal: str = "",
        status: int = 200,
        template: str = "mentoring/run.html",
    ) -> Template:
        intake = await get_intake(scope, run.intake_id)
        scheme = await get_scheme(scope, intake.scheme_id)
        applications = {a.id: a for a in await list_applications(scope, intake.id, actor=actor)}
        people = await names(scope, [a.person_id for a in applications.values()])

        def who(application_id: UUID) -> str:
            found = applications.get(application_id)
            return people.get(found.person_id, "?") if found else str(application_id)

        pairs = [
            {
                "pair": pair,
                "first": who(pair.a),
                "second": who(pair.b),
                "parts": breakdown_rows(pair.breakdown),
            }
            for pair in sorted(run.pairs, key=lambda p: -p.score)
        ]
        unmatched = [
            {
                "who": who(u.application),
                "role": applications[u.application].role if u.application in applications else "",
                "reason": u.reason,
            }
            for u in run.unmatched
        ]
        peer = scheme.mode == "peer"
        first_side = [(str(p.a), who(p.a)) for p in run.pairs]
        runner = caller.has(*RUNNERS)
        # Only the run's own pool can be pinned (not a mentee matched already, nor a
        # mentor without a place left); peers are shown with their country.
        choices = await corrections.pin_choices(scope, run.id) if runner else None

        def shown(choice: PinChoice) -> tuple[str, str]:
            label = f"{choice.name} ({choice.country})" if peer else choice.name
            return str(choice.application), label

        pin_a = [shown(c) for c in choices.first] if choices else []
        pin_b = [shown(c) for c in choices.second] if choices else []
        return await page(
            request,
            template,
            title=f"Matching for {intake.name}",
            run=run,
            intake=intake,
            scheme=scheme,
            peer=peer,
            pairs=pairs,
            unmatched=unmatched,
            first_side=first_side,
            pin_a=pin_a,
            pin_b=pin_b,
            runner=runner,
            notice=notice,
            errors=errors or {},
            form=form or {},
            refusal=refusal,
            status=status,
        )

    @post("/intakes/{intake_id:uuid}/match-runs", **allow(RUNNERS, 409), status_code=303)
    async def run_matching(
        self, tenant_scope: Scope, actor: Who, intake_id: FromPath[UUID]
    ) -> Redirect:
        run = await create_run(tenant_scope, intake_id, actor=actor)
        return self._back(tenant_scope, run.id, "created")

    def _back(self, scope: TenantScope, run_id: UUID, what: str) -> Redirect:
        return Redirect(
            f"/t/{scope.slug}/mentoring/match-runs/{run_id}?done={what}", status_code=303
        )

    @get("/match-runs/{run_id:uuid}", **allow(READERS))
    async def review(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        run_id: FromPath[UUID],
        done: FromQuery[str] = "",
    ) -> Template:
        run = await get_run(tenant_scope, run_id)
        return await self._review(
            request, tenant_scope, actor, caller, run, notice=NOTICES.get(done, "")
        )

    async def _change(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        run_id: UUID,
        what: str,
    ) -> Template | Redirect:
        """Swap, pin or run again: the form's choices, then the service's answer (its
        refusals next to the field they name, or above the draft)."""
        run = await get_run(scope, run_id)  # another tenant's run: 404 first
        values, _ = await forms.read(request)
        errors: dict[str, str] = {}
        refusal, status = "", 400
        try:
            if what == "swapped":
                first = _uuid(str(values.get("first", "")), "first", errors, "a first partner")
                second = _uuid(str(values.get("second", "")), "second", errors, "a second partner")
                if first and second:
                    await swap_partners(scope, run_id, first, second, actor=actor)
            elif what == "pinned":
                a = _uuid(str(values.get("a", "")), "a", errors, "who to pin")
                b = _uuid(str(values.get("b", "")), "b", errors, "their partner")
                if a and b:
                    await pin_pair(scope, run_id, a, b, actor=actor)
            else:
                await rerun(scope, run_id, actor=actor)
        except InvalidInput as exc:
            errors[exc.field] = exc.message
        except Conflict as exc:
            refusal, status = exc.detail, 409
        if not errors and not refusal:
            return self._back(scope, run_id, what)
        return await self._review(
            request,
            scope,
            actor,
            caller,
            await get_run(scope, run.id),
            errors=errors,
            form=values,
            refusal=refusal,
            status=status,
        )

    @post(
        [f"/match-runs/{{run_id:uuid}}/{change}" for change in CHANGES],
        **allow(RUNNERS, 409),
        status_code=303,
    )
    async def change(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        run_id: FromPath[UUID],
    ) -> Template | Redirect:
        """swap, pin or rerun: the change is the path's end."""
        what = CHANGES[request.url.path.rstrip("/").rsplit("/", 1)[1]]
        return await self._change(request, tenant_scope, actor, caller, run_id, what)

    @get("/match-runs/{run_id:uuid}/publish", **allow(RUNNERS))
    async def confirm_publish(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        run_id: FromPath[UUID],
    ) -> Template:
        run = await get_run(tenant_scope, run_id)
        return await self._review(
            request, tenant_scope, actor, caller, run, template="mentoring/run_publish.html"
        )

    @post("/match-runs/{run_id:uuid}/publish", **allow(RUNNERS, 409), status_code=303)
    async def publish(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        run_id: FromPath[UUID],
    ) -> Template | Redirect:
        run = await get_run(tenant_scope, run_id)
        try:
            await publish_run(tenant_scope, run_id, actor=actor)
        except Conflict as exc:
            return await self._review(
                request,
                tenant_scope,
                actor,
                caller,
                run,
                refusal=exc.detail,
                status=409,
                template="mentoring/run_publish.html",
            )
        return self._back(tenant_scope, run_id, "published")
