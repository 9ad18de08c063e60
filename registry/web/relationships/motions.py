"""Board motions as pages: the papers, the roll, the tally against the quorum, the
caller's vote (changeable until the close) and conflict declaration, and once decided
the signed decision record with its sha256 and whether the signature verifies.

A vote and a recusal each lead to a confirmation page first: a recusal is final, and
a vote may be the one that settles the motion."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.board import service as board
from registry.board.controllers import MOTION_READERS, ROLL
from registry.board.schemas import STATUSES, MotionOut, RecusalIn, VoteIn
from registry.http.tenancy import Caller, allow
from registry.web.forms import Form
from registry.web.relationships.common import confirmed, to_struct, trail
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.errors import Conflict, Forbidden, InvalidInput
from tenants.scope import TenantScope

PAGE_SIZE = 50
CHOICES = [("for", "For"), ("against", "Against"), ("abstain", "Abstain")]
SUBJECT_PAGES = {
    "relationship_request": ("requests", "The relationship request"),
    "mou_approval": ("mous", "The MOU"),
    "mou_renewal": ("mous", "The MOU"),
    "mou_termination": ("mous", "The MOU"),
}


def subject_link(slug: str, motion: Any) -> tuple[str, str] | None:
    found = SUBJECT_PAGES.get(motion.subject_kind)
    if found is None:
        return None
    return f"/t/{slug}/{found[0]}/{motion.subject_id}", found[1]


class MotionPages(TenantPages):
    path = WEB_TENANT_PATH + "/motions"

    @get("/", **allow(MOTION_READERS))
    async def list_motions(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        status: Annotated[str | None, QueryParameter(max_length=10)] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> Template:
        chosen = status if status in STATUSES else None
        items, next_offset = await board.list_motions(
            tenant_scope, limit=PAGE_SIZE, offset=offset, status=chosen
        )
        return await page(
            request,
            "relationships/motions.html",
            title="Board motions",
            motions=items,
            next_offset=next_offset,
            status_filter=chosen or "",
        )

    async def _show(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        motion: MotionOut,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        confirming: str = "",
        notice: str = "",
        status: int = 200,
    ) -> Template:
        mine = next((b for b in motion.ballots if b.person_id == caller.person_id), None)
        decision = await board.get_decision(scope, motion.id) if motion.status != "open" else None
        return await page(
            request,
            "relationships/motion.html",
            title=motion.title,
            motion=motion,
            mine=mine,
            decision=decision,
            subject=subject_link(scope.slug, motion),
            choices=CHOICES,
            trail=await trail(scope, motion.id),
            form=form or {},
            errors=errors or {},
            refusal=refusal,
            confirming=confirming,
            notice=notice,
            status=status,
        )

    @get("/{motion_id:uuid}", **allow(MOTION_READERS))
    async def show_motion(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        motion_id: FromPath[UUID],
        done: Annotated[str | None, QueryParameter(max_length=10)] = None,
    ) -> Template:
        motion = await board.get_motion(tenant_scope, motion_id)
        notice = {
            "voted": "Your vote was recorded.",
            "recused": "Your conflict of interest was recorded: you are recused.",
        }.get(done or "", "")
        return await self._show(request, tenant_scope, caller, motion, notice=notice)

    @get("/{motion_id:uuid}/tally", **allow(MOTION_READERS))
    async def tally(
        self,
        tenant_scope: NamedDependency[TenantScope],
        motion_id: FromPath[UUID],
    ) -> Template:
        """The tally alone, for the motion page to refresh in place (HTMX)."""
        motion = await board.get_motion(tenant_scope, motion_id)
        return Template(
            template_name="relationships/motion_tally.html",
            context={"motion": motion, "slug": tenant_scope.slug, "refreshed": True},
        )

    async def _act(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        actor: Actor,
        motion_id: UUID,
        what: str,
    ) -> Template | Redirect:
        motion = await board.get_motion(scope, motion_id)
        on_roll = any(b.person_id == caller.person_id for b in motion.ballots)
        if not on_roll and not caller.has(*MOTION_READERS):
            # The service would refuse too; the page must not show them the papers.
            raise Forbidden("only the directors on this motion's roll may vote on it")
        submitted = await Form.read(request)
        form = {"choice": submitted.text("choice"), "conflict": submitted.text("conflict")}
        errors: dict[str, str] = {}
        chosen: VoteIn | RecusalIn | None
        if what == "vote":
            if not form["choice"]:
                errors["choice"] = "Choose for, against or abstain"
            chosen = to_struct(VoteIn, {"choice": form["choice"]}, errors) if not errors else None
        else:
            if not form["conflict"]:
                errors["conflict"] = "Say what the conflict of interest is"
            chosen = (
                to_struct(RecusalIn, {"conflict": form["conflict"]}, errors) if not errors else None
            )
        if errors or chosen is None:
            return await self._show(
                request, scope, caller, motion, form=form, errors=errors, status=400
            )
        if not confirmed(submitted.fields):
            return await self._show(request, scope, caller, motion, form=form, confirming=what)
        try:
            if isinstance(chosen, VoteIn):
                await board.cast_vote(scope, motion_id, chosen.choice, actor=actor)
            else:
                await board.declare_conflict(scope, motion_id, chosen.conflict, actor=actor)
        except InvalidInput as exc:
            return await self._show(
                request,
                scope,
                caller,
                motion,
                form=form,
                errors={exc.field: exc.message},
                status=400,
            )
        except (Conflict, Forbidden) as exc:
            motion = await board.get_motion(scope, motion_id)
            return await self._show(
                request, scope, caller, motion, refusal=exc.detail, status=exc.status
            )
        done = "voted" if what == "vote" else "recused"
        return Redirect(f"/t/{scope.slug}/motions/{motion_id}?done={done}", status_code=303)

    @post("/{motion_id:uuid}/vote", **allow(ROLL, 409), status_code=303)
    async def vote(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        motion_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._act(request, tenant_scope, caller, actor, motion_id, "vote")

    @post("/{motion_id:uuid}/recusal", **allow(ROLL, 409), status_code=303)
    async def recuse(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        motion_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._act(request, tenant_scope, caller, actor, motion_id, "recusal")
