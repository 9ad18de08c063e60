"""The MOU register as pages: every MOU with the reviews coming due first, and each
MOU with its states, parties, terms, signatories, board motions and reviews, with
the review form and the executive's approval through the request's carried motion
(both confirmed on a page of their own: neither can be taken back)."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import date, timedelta
from typing import Annotated, Any
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from registry.audit.ledger import Actor
from registry.board import service as board
from registry.http.tenancy import Caller, allow
from registry.mous import service as mous
from registry.mous import states as mou_states
from registry.mous.controllers import EXECUTIVE, MOU_KEEPERS, MOU_READERS
from registry.mous.schemas import MotionIn, MouIn, MouOut, ReviewDecisionIn, ReviewOut, SigningIn
from registry.relationships import partners
from registry.relationships import service as relationships
from registry.relationships.records import now
from registry.web.forms import Form
from registry.web.relationships.common import confirmed, people, to_struct, trail, values
from registry.web.relationships.requests import ASSISTANCE, SDGS
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants import clock
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.scope import TenantScope

PAGE_SIZE = 50
#: Reviews falling due within this many days are "coming due".
COMING_DUE_DAYS = 90
STATE_WORDS = {
    "draft": "Draft: the terms are being written.",
    "approved": "Approved by a carried board motion; to be signed.",
    "signed": "Signed by every party; to be brought into force.",
    "active": "In force.",
    "under_review": "In force, under review.",
    "renewed": "In force, renewed.",
    "terminated": "Terminated by the board.",
    "expired": "Expired at the end of its term.",
}
REVIEW_DECISIONS = [
    ("continue", "Continue it as it is"),
    ("modify", "Modify it (a renewal with new terms goes to the board)"),
    ("end", "End it (its termination goes to the board)"),
]
BENEFITS = [("yes", "Yes"), ("no", "No")]
MOU_SUBJECTS = ("mou_approval", "mou_renewal", "mou_termination")
_SIGNATORY = re.compile(r"^signatories\[(\d+)\]\.?(\w*)")


def _signing_field(path: str) -> str:
    """`signatories[1].signed_on` is the form's `sig-1-signed_on`."""
    found = _SIGNATORY.match(path)
    if found and found.group(2):
        return f"sig-{found.group(1)}-{found.group(2)}"
    return "signatories" if path.startswith("signatories") else path


#: What the executive may put to the board from each state (the service checks again).
PROPOSALS = {
    "draft": [("approval", "Its approval")],
    "approved": [("termination", "Its termination")],
    "signed": [("termination", "Its termination")],
    "active": [("renewal", "Its renewal"), ("termination", "Its termination")],
    "renewed": [("renewal", "Its renewal"), ("termination", "Its termination")],
    "under_review": [("renewal", "Its renewal"), ("termination", "Its termination")],
}
MOTION_DAYS = 14

MOU_KINDS = [("bilateral", "Bilateral (one partner)"), ("multi_party", "Multi-party")]
MOU_TEXT = (
    "title",
    "kind",
    "request_id",
    "working_relationships",
    "shared_interests",
    "common_understanding",
    "non_endorsement",
    "effective_date",
    "expires_on",
    "review_interval_months",
)


async def reviews_coming_due(
    scope: TenantScope, within_days: int = COMING_DUE_DAYS
) -> list[MouOut]:
    """MOUs under review, and MOUs in force whose next review falls within
    `within_days`, soonest first."""
    horizon = await clock.today(scope) + timedelta(days=within_days)
    found: list[MouOut] = []
    for state in sorted(mou_states.IN_FORCE):
        offset: int | None = 0
        while offset is not None:
            items, offset = await mous.list_mous(scope, limit=200, offset=offset, state=state)
            found += [
                m
                for m in items
                if m.state == mou_states.UNDER_REVIEW
                or (m.next_review_due is not None and m.next_review_due <= horizon)
            ]
    return sorted(found, key=lambda m: (m.next_review_due or date.max, m.reference))


def _state_steps(state: str) -> list[tuple[str, str]]:
    """The MOU's path so far in words: (state, "done" | "current" | "later")."""
    path = ["draft", "approved", "signed", "active"]
    if state in ("under_review", "renewed", "terminated", "expired"):
        path.append(state)
    if state not in path:
        return [(s, "later") for s in path]
    here = path.index(state)
    return [
        (s, "done" if i < here else "current" if i == here else "later") for i, s in enumerate(path)
    ]


class MouPages(TenantPages):
    path = WEB_TENANT_PATH + "/mous"

    @get("/", **allow(MOU_READERS))
    async def register(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        mou_state: Annotated[str | None, QueryParameter(name="state", max_length=20)] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> Template:
        chosen = mou_state if mou_state in mou_states.STATES else None
        items, next_offset = await mous.list_mous(
            tenant_scope, limit=PAGE_SIZE, offset=offset, state=chosen
        )
        return await page(
            request,
            "relationships/mous.html",
            title="MOU register",
            mous=items,
            next_offset=next_offset,
            coming_due=await reviews_coming_due(tenant_scope),
            horizon=COMING_DUE_DAYS,
            today=await clock.today(tenant_scope),
            state_filter=chosen or "",
            states=mou_states.STATES,
        )

    async def _show(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        mou: MouOut,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        confirming: str = "",
        notice: str = "",
        status: int = 200,
    ) -> Template:
        reviews = await mous.list_reviews(scope, mou.id)
        open_review = next((r for r in reviews if r.decision is None), None)
        motions = []
        for kind in MOU_SUBJECTS:
            items, _ = await board.list_motions(
                scope, limit=20, offset=0, subject_kind=kind, subject_id=mou.id
            )
            motions += items
        request_motion = None
        if mou.request_id is not None:
            request_motion = await board.latest_motion(
                scope, "relationship_request", mou.request_id
            )
        return await page(
            request,
            "relationships/mou.html",
            title=f"{mou.reference}: {mou.title}",
            mou=mou,
            steps=_state_steps(mou.state),
            state_words=STATE_WORDS,
            reviews=reviews,
            open_review=open_review,
            motions=sorted(motions, key=lambda m: m.opened_at),
            request_motion=request_motion,
            may_keep=caller.has(*MOU_KEEPERS),
            proposals=PROPOSALS.get(mou.state, []),
            signing_sides=list(enumerate(["the association", *(p.name for p in mou.parties)])),
            is_executive=caller.has(*EXECUTIVE),
            review_decisions=REVIEW_DECISIONS,
            benefits=BENEFITS,
            who=await people(scope),
            trail=await trail(scope, mou.id),
            form=form or {},
            errors=errors or {},
            refusal=refusal,
            confirming=confirming,
            notice=notice,
            status=status,
        )

    async def _carry_out(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        mou: MouOut,
        change: Awaitable[object],
        done: str,
    ) -> Template | Redirect:
        """Make a confirmed change to the MOU: back to its page with the notice `done`,
        or the page again with the refusal (409)."""
        try:
            await change
        except Conflict as exc:
            return await self._show(request, scope, caller, mou, refusal=exc.detail, status=409)
        return Redirect(f"/t/{scope.slug}/mous/{mou.id}?done={done}", status_code=303)

    async def _draft_form(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        form: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        known = await partners.list_partners(scope, limit=200, offset=0)
        return await page(
            request,
            "relationships/mou_new.html",
            title="Draft an MOU",
            form=form,
            errors=errors,
            kinds=MOU_KINDS,
            partner_choices=[(str(p.id), f"{p.name} ({p.country})") for p in known.items],
            assistance_choices=ASSISTANCE,
            sdg_choices=SDGS,
            status=status,
        )

    @get("/new", **allow(MOU_KEEPERS))
    async def new_mou(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        from_request: Annotated[
            str | None, QueryParameter(name="request_id", max_length=40)
        ] = None,
    ) -> Template:
        """A draft, filled from the relationship request it comes from, if named."""
        today = await clock.today(tenant_scope)
        form: dict[str, Any] = {
            "kind": "bilateral",
            "parties": [],
            "assistance": [],
            "sdgs": [],
            "effective_date": today.isoformat(),
            "expires_on": today.replace(year=today.year + 3).isoformat(),
        }
        if from_request:
            try:
                source = await relationships.get_request(tenant_scope, from_request, actor)
            except NotFound:
                source = None
            if source is not None:
                form.update(
                    request_id=str(source.id),
                    title=f"MOU with {source.partner.name}",
                    kind="multi_party" if source.kind == "multi_party_mou" else "bilateral",
                    parties=[str(source.partner.id)],
                    shared_interests=source.shared_interests,
                    assistance=source.assistance,
                    sdgs=[str(n) for n in source.sdgs],
                )
        return await self._draft_form(request, tenant_scope, form, {})

    @post("/", **allow(MOU_KEEPERS), status_code=303)
    async def create_mou(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        submitted = await Form.read(request)
        form: dict[str, Any] = {k: submitted.text(k) for k in MOU_TEXT}
        for many in ("parties", "assistance", "sdgs"):
            form[many] = await values(request, many)
        data: dict[str, Any] = {k: v for k, v in form.items() if v not in ("", [])}
        data["parties"] = form["parties"]
        data["sdgs"] = [int(n) for n in form["sdgs"] if n.isdigit()]
        if form["review_interval_months"].isdigit():
            data["review_interval_months"] = int(form["review_interval_months"])
        errors: dict[str, str] = {}
        if not form["parties"]:
            errors["parties"] = "Choose the partner organisations that are parties"
        draft = to_struct(MouIn, data, errors, lambda path: path.split("[")[0])
        if draft is not None and not errors:
            try:
                created = await mous.create_mou(tenant_scope, draft, actor=actor)
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            else:
                return Redirect(f"/t/{tenant_scope.slug}/mous/{created.id}", status_code=303)
        return await self._draft_form(request, tenant_scope, form, errors, status=400)

    @get("/{mou_id:uuid}", **allow(MOU_READERS))
    async def show_mou(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        mou_id: FromPath[UUID],
        done: Annotated[str | None, QueryParameter(max_length=20)] = None,
    ) -> Template:
        mou = await mous.get_mou(tenant_scope, mou_id)
        notice = {
            "approved": "The MOU is approved, sanctioned by the board's carried motion.",
            "reviewed": "The review was recorded.",
            "review_opened": "The review is open: record it below.",
            "signed": "The signing was recorded.",
            "activated": "The MOU is in force.",
        }.get(done or "", "")
        return await self._show(request, tenant_scope, caller, mou, notice=notice)

    @post("/{mou_id:uuid}/reviews", **allow(MOU_KEEPERS, 409), status_code=303)
    async def start_review(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> Template | Redirect:
        """Open the review now, before the daily job would (a review is not undone,
        but it only asks a question: no confirmation)."""
        mou = await mous.get_mou(tenant_scope, mou_id)
        change = mous.start_review(tenant_scope, mou_id, actor=actor)
        return await self._carry_out(request, tenant_scope, caller, mou, change, "review_opened")

    @post("/{mou_id:uuid}/motions", **allow(EXECUTIVE, 409), status_code=303)
    async def propose(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> Template | Redirect:
        """Put the MOU's approval, renewal or termination to the board, after a
        confirmation that says what the board is asked."""
        mou = await mous.get_mou(tenant_scope, mou_id)
        submitted = await Form.read(request)
        form = {k: submitted.text(k) for k in ("purpose", "closes_in_days", "papers", "expires_on")}
        form["papers"] = submitted.raw("papers").strip()
        errors: dict[str, str] = {}
        if not form["purpose"]:
            errors["purpose"] = "Choose what the board is asked"
        days = form["closes_in_days"] or str(MOTION_DAYS)
        if not days.isdigit() or not 1 <= int(days) <= 90:
            errors["closes_in_days"] = "Enter a number of days between 1 and 90"
        motion = None
        if not errors:
            data: dict[str, Any] = {
                "purpose": form["purpose"],
                "closes_at": (now() + timedelta(days=int(days))).isoformat(),
                "papers": form["papers"],
            }
            if form["expires_on"]:
                data["expires_on"] = form["expires_on"]
            motion = to_struct(MotionIn, data, errors)
        if errors or motion is None:
            return await self._show(
                request, tenant_scope, caller, mou, form=form, errors=errors, status=400
            )
        if not confirmed(submitted.fields):
            return await self._show(
                request, tenant_scope, caller, mou, form=form, confirming="motion"
            )
        try:
            motion_id = await mous.propose(tenant_scope, mou_id, motion, actor=actor)
        except InvalidInput as exc:
            return await self._show(
                request,
                tenant_scope,
                caller,
                mou,
                form=form,
                errors={exc.field: exc.message},
                status=400,
            )
        except Conflict as exc:
            return await self._show(
                request, tenant_scope, caller, mou, form=form, refusal=exc.detail, status=409
            )
        return Redirect(f"/t/{tenant_scope.slug}/motions/{motion_id}", status_code=303)

    @post("/{mou_id:uuid}/signing", **allow(MOU_KEEPERS, 409), status_code=303)
    async def sign(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> Template | Redirect:
        """The signed MOU: one signatory for the association (row 0) and one for each
        party, and the sha256 of the signed document."""
        mou = await mous.get_mou(tenant_scope, mou_id)
        submitted = await Form.read(request)
        form = {k: v.strip() for k, v in submitted.fields.items() if k.startswith("sig-")}
        form["document_sha256"] = submitted.text("document_sha256")
        rows: list[dict[str, Any]] = []
        for index, party in enumerate([None, *(p.partner_id for p in mou.parties)]):
            row = {k: form.get(f"sig-{index}-{k}", "") for k in ("name", "position", "signed_on")}
            rows.append({"partner_id": None if party is None else str(party), **row})
        errors: dict[str, str] = {}
        signing = to_struct(
            SigningIn,
            {"signatories": rows, "document_sha256": form["document_sha256"]},
            errors,
            _signing_field,
        )
        if signing is not None:
            try:
                await mous.sign(tenant_scope, mou_id, signing, actor=actor)
            except InvalidInput as exc:
                errors[_signing_field(exc.field)] = exc.message
            except Conflict as exc:
                return await self._show(
                    request, tenant_scope, caller, mou, refusal=exc.detail, status=409
                )
            else:
                return Redirect(
                    f"/t/{tenant_scope.slug}/mous/{mou_id}?done=signed", status_code=303
                )
        return await self._show(
            request, tenant_scope, caller, mou, form=form, errors=errors, status=400
        )

    @post("/{mou_id:uuid}/activation", **allow(EXECUTIVE, 409), status_code=303)
    async def activate(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> Template | Redirect:
        mou = await mous.get_mou(tenant_scope, mou_id)
        if not confirmed((await Form.read(request)).fields):
            return await self._show(request, tenant_scope, caller, mou, confirming="activation")
        change = mous.activate(tenant_scope, mou_id, actor=actor)
        return await self._carry_out(request, tenant_scope, caller, mou, change, "activated")

    @post("/{mou_id:uuid}/approval", **allow(EXECUTIVE, 409), status_code=303)
    async def approve(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
    ) -> Template | Redirect:
        mou = await mous.get_mou(tenant_scope, mou_id)
        submitted = await Form.read(request)
        if not confirmed(submitted.fields):
            return await self._show(request, tenant_scope, caller, mou, confirming="approval")
        change = mous.approve_by_request_motion(tenant_scope, mou_id, actor=actor)
        return await self._carry_out(request, tenant_scope, caller, mou, change, "approved")

    @post(
        "/{mou_id:uuid}/reviews/{review_id:uuid}/decision",
        **allow(MOU_KEEPERS, 409),
        status_code=303,
    )
    async def decide_review(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        mou_id: FromPath[UUID],
        review_id: FromPath[UUID],
    ) -> Template | Redirect:
        mou = await mous.get_mou(tenant_scope, mou_id)
        review: ReviewOut = await mous.get_review(tenant_scope, mou_id, review_id)
        submitted = await Form.read(request)
        form = {
            "benefits_members": submitted.text("benefits_members"),
            "decision": submitted.text("decision"),
            "findings": submitted.text("findings"),
            "review_id": str(review.id),
        }
        errors: dict[str, str] = {}
        if form["benefits_members"] not in ("yes", "no"):
            errors["benefits_members"] = "Say whether the relationship still benefits members"
        if not form["decision"]:
            errors["decision"] = "Choose to continue, modify or end the MOU"
        if not form["findings"]:
            errors["findings"] = "Write what the review found"
        decision = None
        if not errors:
            decision = to_struct(
                ReviewDecisionIn,
                {
                    "benefits_members": form["benefits_members"] == "yes",
                    "decision": form["decision"],
                    "findings": form["findings"],
                },
                errors,
            )
        if errors or decision is None:
            return await self._show(
                request, tenant_scope, caller, mou, form=form, errors=errors, status=400
            )
        if not confirmed(submitted.fields):
            return await self._show(
                request, tenant_scope, caller, mou, form=form, confirming="review"
            )
        try:
            await mous.decide_review(tenant_scope, mou_id, review_id, decision, actor=actor)
        except InvalidInput as exc:
            return await self._show(
                request,
                tenant_scope,
                caller,
                mou,
                form=form,
                errors={exc.field: exc.message},
                status=400,
            )
        except Conflict as exc:
            mou = await mous.get_mou(tenant_scope, mou_id)
            return await self._show(
                request, tenant_scope, caller, mou, refusal=exc.detail, status=409
            )
        return Redirect(f"/t/{tenant_scope.slug}/mous/{mou_id}?done=reviewed", status_code=303)
