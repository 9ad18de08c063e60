"""A partnership's page: its state and who is in it, accepting the agreement, the
named steps after it, meetings logged (with private notes), hours in each party's
professional-development category, the midway and evaluation surveys, and the
certificates (issued by a coordinator, downloaded by their holders).

The mentoring service moves the partnership; participation's keeps the meetings,
hours, surveys and certificates. Withdrawing and terminating cannot be undone, so
each asks on a page of its own, with the reason.
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
from registry.mentoring.partnerships import (
    accept_partnership,
    activate_partnership,
    complete_partnership,
    get_partnership,
    list_partnerships,
    record_evaluation,
    record_midway_review,
    terminate_partnership,
    withdraw_from_partnership,
)
from registry.mentoring.records import is_reader
from registry.mentoring.schemas import PartnershipOut
from registry.mentoring.schemes import get_intake, get_scheme
from registry.participation import service as participation
from registry.participation.schemas import MEETING_MODES, MINUTES_MAX, NOTES_MAX, SurveyOut
from registry.web.mentoring import forms
from registry.web.mentoring.common import (
    EVERYONE,
    ISSUERS,
    PARTICIPANTS,
    RUNNERS,
    STATE_LABELS,
    as_party,
    breakdown_rows,
    names,
)
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants import clock
from tenants.errors import Conflict, Forbidden, InvalidInput
from tenants.scope import TenantScope

Scope = NamedDependency[TenantScope]
Who = NamedDependency[Actor]
Req = Request[Any, Any, Any]

MODE_LABELS = {
    "in_person": "In person",
    "video": "Video call",
    "phone": "Phone",
    "chat": "Chat",
    "email": "E-mail",
    "other": "Other",
}
NOTICES = {
    "accepted": "Your acceptance of the agreement and plan is recorded.",
    "activate": "The partnership is active.",
    "midway_review": "The midway review is recorded.",
    "complete": "The partnership is completed.",
    "evaluate": "The evaluation is recorded.",
    "logged": "The meeting is logged; it counts for both of you.",
    "deleted": "The meeting is deleted, with your notes on it.",
    "issued": "Certificates are issued to both parties.",
    "answered": "Thank you: your answers are recorded.",
    "withdrawn": "The partnership is withdrawn.",
    "terminated": "The partnership is terminated.",
}
#: Steps after acceptance, by their URL: (service function, what the button says).
STEPS = {
    "activate": (activate_partnership, "Contact has begun: make it active"),
    "midway-review": (record_midway_review, "Record the midway review"),
    "complete": (complete_partnership, "Mark the partnership completed"),
    "evaluate": (record_evaluation, "Record the evaluation"),
}
#: Which steps a partnership in a state offers.
STEPS_FROM = {
    "accepted": ["activate"],
    "active": ["midway-review", "complete"],
    "midway_review_done": ["complete"],
    "completed": ["evaluate"],
}
LIVE = ("proposed", "accepted", "active", "midway_review_done")


def base(scope: TenantScope, partnership_id: UUID) -> str:
    return f"/t/{scope.slug}/mentoring/partnerships/{partnership_id}"


class PartnershipPages(TenantPages):
    path = WEB_TENANT_PATH

    async def _render(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        partnership: PartnershipOut,
        *,
        template: str = "mentoring/partnership.html",
        notice: str = "",
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        status: int = 200,
    ) -> Template:
        p = partnership
        intake = await get_intake(scope, p.intake_id)
        scheme = await get_scheme(scope, intake.scheme_id)
        people = await names(scope, [p.person_a, p.person_b])
        side = (
            "a" if actor.person_id == p.person_a else "b" if actor.person_id == p.person_b else ""
        )
        accepted_by_me = bool(side) and (p.accepted_a_at if side == "a" else p.accepted_b_at)
        today = (await clock.today(scope)).isoformat()
        certificates = [
            c
            for c in await participation.list_certificates(scope, actor)
            if c.partnership_id == p.id
        ]
        return await page(
            request,
            template,
            title=f"Partnership in {scheme.name}",
            p=p,
            intake=intake,
            scheme=scheme,
            people=people,
            side=side,
            accepted_by_me=accepted_by_me,
            state_label=STATE_LABELS.get(p.state, p.state),
            parts=breakdown_rows(p.breakdown),
            meetings=await participation.list_meetings(scope, p.id, actor),
            hours=await participation.partnership_hours(scope, p.id, actor),
            surveys=[s for s in await participation.list_surveys(scope, p.id, actor)],
            certificates=certificates,
            steps=[(s, STEPS[s][1]) for s in STEPS_FROM.get(p.state, [])],
            live=p.state in LIVE,
            runner=caller.has(*RUNNERS),
            issuer=caller.has(*ISSUERS),
            modes=[(m, MODE_LABELS.get(m, m)) for m in MEETING_MODES],
            mode_labels=MODE_LABELS,
            today=today,
            notice=notice,
            form=form or {"held_on": today, "mode": "video"},
            errors=errors or {},
            refusal=refusal,
            status=status,
        )

    @get("/mentoring/partnerships", **allow(EVERYONE))
    async def listing(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        mine: FromQuery[bool] = False,
    ) -> Template:
        """Your partnerships (the link of the matching notice); staff see every one."""
        everyone = is_reader(actor) and not mine
        found = await list_partnerships(tenant_scope, actor=actor if everyone else as_party(actor))
        intakes = {}
        for intake_id in {p.intake_id for p in found}:
            intake = await get_intake(tenant_scope, intake_id)
            scheme = await get_scheme(tenant_scope, intake.scheme_id)
            intakes[intake_id] = f"{scheme.name}, {intake.name}"
        people = await names(tenant_scope, [x for p in found for x in (p.person_a, p.person_b)])
        return await page(
            request,
            "mentoring/partnerships.html",
            title="Partnerships" if everyone else "Your partnerships",
            partnerships=sorted(found, key=lambda p: p.created_at, reverse=True),
            intakes=intakes,
            people=people,
            labels=STATE_LABELS,
            everyone=everyone,
        )

    @get("/mentoring/partnerships/{partnership_id:uuid}", **allow(EVERYONE))
    async def show(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
        done: FromQuery[str] = "",
    ) -> Template:
        found = await get_partnership(tenant_scope, partnership_id, actor=actor)
        return await self._render(
            request, tenant_scope, actor, caller, found, notice=NOTICES.get(done, "")
        )

    @get("/partnerships/{partnership_id:uuid}", **allow(EVERYONE))
    async def short_link(
        self, tenant_scope: Scope, actor: Who, partnership_id: FromPath[UUID]
    ) -> Redirect:
        """Participation's notifications link here; the page lives under mentoring."""
        found = await get_partnership(tenant_scope, partnership_id, actor=actor)
        return Redirect(base(tenant_scope, found.id), status_code=303)

    async def _refused(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        found: PartnershipOut,
        exc: Conflict | Forbidden,
    ) -> Template:
        return await self._render(
            request, scope, actor, caller, found, refusal=exc.detail, status=exc.status
        )

    @post(
        "/mentoring/partnerships/{partnership_id:uuid}/accept",
        **allow(PARTICIPANTS, 409),
        status_code=303,
    )
    async def accept(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        found = await get_partnership(tenant_scope, partnership_id, actor=actor)
        values, _ = await forms.read(request)
        if values.get("agree") != "yes":
            return await self._render(
                request,
                tenant_scope,
                actor,
                caller,
                found,
                errors={"agree": "Tick the box to accept the agreement and the plan"},
                status=400,
            )
        try:
            await accept_partnership(tenant_scope, partnership_id, actor=actor)
        except (Conflict, Forbidden) as exc:
            return await self._refused(request, tenant_scope, actor, caller, found, exc)
        return Redirect(f"{base(tenant_scope, found.id)}?done=accepted", status_code=303)

    async def _step(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        partnership_id: UUID,
        step: str,
    ) -> Template | Redirect:
        found = await get_partnership(scope, partnership_id, actor=actor)
        move, _ = STEPS[step]
        try:
            if step == "complete":
                # Before the intake's end a coordinator completes it early, saying why.
                values, _ = await forms.read(request)
                reason = str(values.get("reason", "")).strip()[:2000]
                await complete_partnership(scope, partnership_id, actor=actor, reason=reason)
            else:
                await move(scope, partnership_id, actor=actor)
        except InvalidInput as exc:
            return await self._refused(request, scope, actor, caller, found, Conflict(exc.message))
        except (Conflict, Forbidden) as exc:
            return await self._refused(request, scope, actor, caller, found, exc)
        done = step.replace("-", "_")
        return Redirect(f"{base(scope, found.id)}?done={done}", status_code=303)

    @post(
        [f"/mentoring/partnerships/{{partnership_id:uuid}}/{step}" for step in STEPS],
        **allow(PARTICIPANTS, 409),
        status_code=303,
    )
    async def step(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        """activate, midway-review, complete or evaluate: the step is the path's end."""
        step = request.url.path.rstrip("/").rsplit("/", 1)[1]
        return await self._step(request, tenant_scope, actor, caller, partnership_id, step)

    # --- ending it: withdraw (a party) or terminate (a coordinator) ------------------

    async def _ending(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        partnership_id: UUID,
        how: str,
        submitted: bool,
    ) -> Template | Redirect:
        found = await get_partnership(scope, partnership_id, actor=actor)
        template = f"mentoring/partnership_{how}.html"
        if not submitted:
            return await self._render(request, scope, actor, caller, found, template=template)
        values, _ = await forms.read(request)
        reason = str(values.get("reason", ""))
        errors: dict[str, str] = {}
        if not reason:
            errors["reason"] = "Say why" + (" you withdraw" if how == "withdraw" else "")
        elif len(reason) > 2000:
            errors["reason"] = "Use at most 2000 characters"
        in_breach: UUID | None = None
        if how == "terminate" and values.get("in_breach"):
            try:
                in_breach = UUID(str(values["in_breach"]))
            except ValueError:
                errors["in_breach"] = "Choose a party, or nobody"
        if not errors:
            try:
                if how == "withdraw":
                    await withdraw_from_partnership(scope, partnership_id, reason, actor=actor)
                else:
                    await terminate_partnership(
                        scope, partnership_id, reason, in_breach, actor=actor
                    )
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            except (Conflict, Forbidden) as exc:
                return await self._render(
                    request,
                    scope,
                    actor,
                    caller,
                    found,
                    template=template,
                    form=values,
                    refusal=exc.detail,
                    status=exc.status,
                )
            else:
                done = "withdrawn" if how == "withdraw" else "terminated"
                return Redirect(f"{base(scope, found.id)}?done={done}", status_code=303)
        return await self._render(
            request,
            scope,
            actor,
            caller,
            found,
            template=template,
            form=values,
            errors=errors,
            status=400,
        )

    @get("/mentoring/partnerships/{partnership_id:uuid}/withdraw", **allow(PARTICIPANTS))
    async def confirm_withdraw(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._ending(
            request, tenant_scope, actor, caller, partnership_id, "withdraw", False
        )

    @post(
        "/mentoring/partnerships/{partnership_id:uuid}/withdraw",
        **allow(PARTICIPANTS, 409),
        status_code=303,
    )
    async def withdraw(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._ending(
            request, tenant_scope, actor, caller, partnership_id, "withdraw", True
        )

    @get("/mentoring/partnerships/{partnership_id:uuid}/terminate", **allow(RUNNERS))
    async def confirm_terminate(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._ending(
            request, tenant_scope, actor, caller, partnership_id, "terminate", False
        )

    @post(
        "/mentoring/partnerships/{partnership_id:uuid}/terminate",
        **allow(RUNNERS, 409),
        status_code=303,
    )
    async def terminate(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._ending(
            request, tenant_scope, actor, caller, partnership_id, "terminate", True
        )

    # --- meetings and certificates ----------------------------------------------------

    @post(
        "/mentoring/partnerships/{partnership_id:uuid}/meetings",
        **allow(EVERYONE, 409),
        status_code=303,
    )
    async def log_meeting(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        found = await get_partnership(tenant_scope, partnership_id, actor=actor)
        values, _ = await forms.read(request)
        errors: dict[str, str] = {}
        held_on = forms.day(values, "held_on", errors, required=True)
        minutes = forms.whole(values, "minutes", errors, 1, MINUTES_MAX, "the minutes it took")
        mode = str(values.get("mode", ""))
        if mode not in MEETING_MODES:
            errors["mode"] = "Choose how you met"
        notes = str(values.get("notes", ""))
        if len(notes) > NOTES_MAX:
            errors["notes"] = f"Use at most {NOTES_MAX} characters"
        if not errors:
            assert held_on is not None and minutes is not None
            try:
                await participation.log_meeting(
                    tenant_scope,
                    partnership_id,
                    held_on=held_on,
                    minutes=minutes,
                    mode=mode,
                    notes=notes or None,
                    actor=actor,
                )
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            except (Conflict, Forbidden) as exc:
                return await self._render(
                    request,
                    tenant_scope,
                    actor,
                    caller,
                    found,
                    form=values,
                    refusal=exc.detail,
                    status=exc.status,
                )
            else:
                return Redirect(
                    f"{base(tenant_scope, found.id)}?done=logged#meetings", status_code=303
                )
        return await self._render(
            request, tenant_scope, actor, caller, found, form=values, errors=errors, status=400
        )

    async def _meeting_delete(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        meeting_id: UUID,
        submitted: bool,
    ) -> Template | Redirect:
        meeting = await participation.get_meeting(scope, meeting_id, actor)
        found = await get_partnership(scope, meeting.partnership_id, actor=actor)
        refusal, status = "", 200
        if submitted:
            try:
                await participation.delete_meeting(scope, meeting_id, actor=actor)
            except (Conflict, Forbidden) as exc:
                refusal, status = exc.detail, exc.status
            else:
                return Redirect(f"{base(scope, found.id)}?done=deleted#meetings", status_code=303)
        return await page(
            request,
            "mentoring/meeting_delete.html",
            title="Delete a meeting",
            meeting=meeting,
            p=found,
            mode_labels=MODE_LABELS,
            refusal=refusal,
            status=status,
        )

    @get("/mentoring/meetings/{meeting_id:uuid}/delete", **allow(EVERYONE))
    async def confirm_delete_meeting(
        self, request: Req, tenant_scope: Scope, actor: Who, meeting_id: FromPath[UUID]
    ) -> Template | Redirect:
        return await self._meeting_delete(request, tenant_scope, actor, meeting_id, False)

    @post("/mentoring/meetings/{meeting_id:uuid}/delete", **allow(EVERYONE, 409), status_code=303)
    async def delete_meeting(
        self, request: Req, tenant_scope: Scope, actor: Who, meeting_id: FromPath[UUID]
    ) -> Template | Redirect:
        """Whoever logged a meeting by mistake takes it back (asked first)."""
        return await self._meeting_delete(request, tenant_scope, actor, meeting_id, True)

    @post(
        "/mentoring/partnerships/{partnership_id:uuid}/certificates",
        **allow(ISSUERS, 409),
        status_code=303,
    )
    async def issue_certificates(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        partnership_id: FromPath[UUID],
    ) -> Template | Redirect:
        found = await get_partnership(tenant_scope, partnership_id, actor=actor)
        try:
            await participation.issue_certificates(tenant_scope, partnership_id, actor=actor)
        except (Conflict, Forbidden) as exc:
            return await self._refused(request, tenant_scope, actor, caller, found, exc)
        return Redirect(f"{base(tenant_scope, found.id)}?done=issued#certificates", status_code=303)

    # --- surveys ----------------------------------------------------------------------

    async def _survey(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        survey: SurveyOut,
        *,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        status: int = 200,
    ) -> Template:
        found = await get_partnership(scope, survey.partnership_id, actor=actor)
        intake = await get_intake(scope, found.intake_id)
        mine = next((r for r in survey.responses if r.person_id == actor.person_id), None)
        party = actor.person_id in (found.person_a, found.person_b)
        return await page(
            request,
            "mentoring/survey.html",
            title="Midway review" if survey.kind == "midway" else "Evaluation",
            survey=survey,
            p=found,
            intake=intake,
            mine=mine,
            party=party,
            people=await names(scope, [r.person_id for r in survey.responses]),
            choices={q.id: [(o, o.capitalize()) for o in q.options] for q in survey.questions},
            form=form or {},
            errors=errors or {},
            refusal=refusal,
            status=status,
        )

    @get("/surveys/{survey_id:uuid}", **allow(EVERYONE))
    async def survey(
        self, request: Req, tenant_scope: Scope, actor: Who, survey_id: FromPath[UUID]
    ) -> Template:
        found = await participation.get_survey(tenant_scope, survey_id, actor)
        return await self._survey(request, tenant_scope, actor, found)

    @post("/surveys/{survey_id:uuid}", **allow(EVERYONE, 409), status_code=303)
    async def answer(
        self, request: Req, tenant_scope: Scope, actor: Who, survey_id: FromPath[UUID]
    ) -> Template | Redirect:
        found = await participation.get_survey(tenant_scope, survey_id, actor)
        values, _ = await forms.read(request)
        answers, errors = forms.survey_answers(found.questions, values)
        if not errors:
            try:
                await participation.answer_survey(tenant_scope, survey_id, answers, actor=actor)
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            except (Conflict, Forbidden) as exc:
                return await self._survey(
                    request,
                    tenant_scope,
                    actor,
                    found,
                    form=values,
                    refusal=exc.detail,
                    status=exc.status,
                )
            else:
                return Redirect(
                    f"{base(tenant_scope, found.partnership_id)}?done=answered#surveys",
                    status_code=303,
                )
        return await self._survey(
            request, tenant_scope, actor, found, form=values, errors=errors, status=400
        )
