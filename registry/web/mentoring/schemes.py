"""Mentoring pages of schemes, intakes and applications.

A coordinator starts a scheme from a preset and sets up its intakes (every date the
policy fixes comes from it); a member applies to an open intake as mentor, mentee or
peer with what matching needs and what the policy reads, and sees the policy's
Decision with the reason of every rule. The services are those of `registry.mentoring`
(`schemes`, `applications`, `fees`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from policies import Policy, list_presets, load_preset
from registry.audit.ledger import Actor
from registry.http.tenancy import Caller, allow
from registry.mentoring import corrections, domain, languages
from registry.mentoring.applications import (
    admit_application,
    get_application,
    list_applications,
    my_applications,
    submit_application,
    withdraw_application,
)
from registry.mentoring.fees import set_fee
from registry.mentoring.partnerships import list_partnerships
from registry.mentoring.records import is_reader
from registry.mentoring.runs import list_runs
from registry.mentoring.schemas import ApplicationOut, IntakeOut, RefundIn
from registry.mentoring.schemes import (
    create_intake,
    create_scheme,
    get_intake,
    get_scheme,
    list_intakes,
    list_schemes,
    scheme_policy,
)
from registry.policies.service import list_policies
from registry.web.mentoring import forms
from registry.web.mentoring.common import (
    BACKGROUNDS,
    CAREER_STAGES,
    EVERYONE,
    MEMBERSHIP_STATUSES,
    PARTICIPANTS,
    PREFERENCES,
    RUNNERS,
    SECTORS,
    all_intakes,
    as_party,
    form_needs,
    members_by_email,
    names,
    pays_fee,
    policy_of,
    policy_rules,
    roles_for,
    utc_offset_of,
    window_open,
)
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants import clock
from tenants.errors import Conflict, Forbidden, InvalidInput
from tenants.scope import TenantScope
from tenants.service import get_tenant

Scope = NamedDependency[TenantScope]
Who = NamedDependency[Actor]
Req = Request[Any, Any, Any]


def mode_of(policy: Policy) -> str:
    return "peer" if "peer" in domain.allowed_roles(policy) else "mentor-mentee"


def presets() -> dict[str, tuple[str, str]]:
    """Applicant presets by name: (title, mode)."""
    found = {}
    for name in list_presets():
        policy = load_preset(name)
        if policy.subject_kind != "applicant":
            continue
        found[name] = (str(policy.to_dict()["policy"].get("title") or name), mode_of(policy))
    return found


async def policy_choices(scope: TenantScope) -> dict[str, tuple[str, str]]:
    """What a scheme may run under, by the form's value: (label, mode). A preset by
    its name; the association's own stored applicant policies (an edited copy of a
    preset, say) as `policy:<name>`."""
    found = {
        name: (f"{title} (preset {name}, {mode})", mode)
        for name, (title, mode) in presets().items()
    }
    for stored in await list_policies(scope):
        if stored.subject != "applicant":
            continue
        row = {"policy_source": "tenant", "policy_name": stored.name}
        try:
            policy = await scheme_policy(scope, row)
        except Conflict:
            continue  # a stored version that no longer loads is not offered
        mode = mode_of(policy)
        label = f"{stored.name} (the association's policy, version {stored.version}, {mode})"
        found[f"policy:{stored.name}"] = (label, mode)
    return found


def _chosen_languages(chosen: dict[str, list[str]], form: dict[str, Any]) -> list[str]:
    """The languages to show as picked: as sent (names become codes), else English."""
    sent = chosen.get("languages") or [str(form.get("languages", ""))]
    typed = [x for item in sent for x in item.split(",") if x.strip()]
    return languages.stored_codes(typed) or ["en"]


def base(scope: TenantScope) -> str:
    return f"/t/{scope.slug}/mentoring"


class MentoringPages(TenantPages):
    path = WEB_TENANT_PATH + "/mentoring"

    async def _overview(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        today = await clock.today(scope)
        schemes = await list_schemes(scope)
        intakes = await all_intakes(scope)
        mine = await my_applications(scope, actor=actor)
        applied = {a.intake_id: a for a in mine}
        partnerships = await list_partnerships(scope, actor=as_party(actor))
        return await page(
            request,
            "mentoring/index.html",
            title="Mentoring",
            schemes=schemes,
            intakes=intakes,
            open_intakes=[
                (s, i) for s, i in intakes if window_open(i, today) and i.id not in applied
            ],
            mine=mine,
            intake_names={i.id: f"{s.name}, {i.name}" for s, i in intakes},
            partnerships=partnerships,
            runner=caller.has(*RUNNERS),
            participant=caller.has(*PARTICIPANTS),
            preset_choices=[
                (value, label) for value, (label, _) in (await policy_choices(scope)).items()
            ]
            if caller.has(*RUNNERS)
            else [],
            form=form or {},
            errors=errors or {},
            status=status,
        )

    @get("/", **allow(EVERYONE))
    async def overview(
        self, request: Req, tenant_scope: Scope, actor: Who, caller: NamedDependency[Caller]
    ) -> Template:
        return await self._overview(request, tenant_scope, actor, caller)

    @post("/schemes", **allow(RUNNERS), status_code=303)
    async def create_scheme(
        self, request: Req, tenant_scope: Scope, actor: Who, caller: NamedDependency[Caller]
    ) -> Template | Redirect:
        values, multi = await forms.read(request)
        modes = {value: mode for value, (_, mode) in (await policy_choices(tenant_scope)).items()}
        data, errors = forms.scheme_form(values, multi, modes)
        if data is not None:
            try:
                scheme = await create_scheme(tenant_scope, data, actor=actor)
            except InvalidInput as exc:
                # The service names `policy` or `preset`; the form has one choice.
                field = "preset" if exc.field in ("policy", "mode") else exc.field
                errors[field] = exc.message
            else:
                return Redirect(f"{base(tenant_scope)}/schemes/{scheme.id}", status_code=303)
        return await self._overview(
            request, tenant_scope, actor, caller, form=values, errors=errors, status=400
        )

    async def _scheme(
        self,
        request: Req,
        scope: TenantScope,
        caller: Caller,
        scheme_id: UUID,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Template:
        scheme = await get_scheme(scope, scheme_id)
        return await page(
            request,
            "mentoring/scheme.html",
            title=scheme.name,
            scheme=scheme,
            rules=policy_rules(await policy_of(scope, scheme)),
            intakes=await list_intakes(scope, scheme_id),
            runner=caller.has(*RUNNERS),
            form=form or {},
            errors=errors or {},
            status=status,
        )

    @get("/schemes/{scheme_id:uuid}", **allow(EVERYONE))
    async def scheme(
        self,
        request: Req,
        tenant_scope: Scope,
        caller: NamedDependency[Caller],
        scheme_id: FromPath[UUID],
    ) -> Template:
        return await self._scheme(request, tenant_scope, caller, scheme_id)

    @post("/schemes/{scheme_id:uuid}/intakes", **allow(RUNNERS), status_code=303)
    async def create_intake(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        scheme_id: FromPath[UUID],
    ) -> Template | Redirect:
        await get_scheme(tenant_scope, scheme_id)  # another tenant's: 404 first
        values, _ = await forms.read(request)
        data, errors = forms.intake_form(values)
        if data is not None:
            try:
                intake = await create_intake(tenant_scope, scheme_id, data, actor=actor)
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            else:
                return Redirect(
                    f"{base(tenant_scope)}/intakes/{intake.id}?created=true", status_code=303
                )
        return await self._scheme(
            request, tenant_scope, caller, scheme_id, form=values, errors=errors, status=400
        )

    @get("/intakes/{intake_id:uuid}", **allow(EVERYONE))
    async def intake(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        intake_id: FromPath[UUID],
        created: FromQuery[bool] = False,
    ) -> Template:
        intake = await get_intake(tenant_scope, intake_id)
        scheme = await get_scheme(tenant_scope, intake.scheme_id)
        applications = await list_applications(tenant_scope, intake_id, actor=actor)
        runner = caller.has(*RUNNERS)
        runs = await list_runs(tenant_scope, intake_id) if is_reader(actor) else []
        own = [a for a in applications if a.person_id == actor.person_id]
        return await page(
            request,
            "mentoring/intake.html",
            title=f"{scheme.name}: {intake.name}",
            scheme=scheme,
            intake=intake,
            applications=applications,
            people=await names(tenant_scope, [a.person_id for a in applications]),
            own=own[0] if own else None,
            runs=list(reversed(runs)),
            runner=runner,
            reader=is_reader(actor),
            can_apply=caller.has(*PARTICIPANTS)
            and window_open(intake, await clock.today(tenant_scope)),
            notice="The intake is set up; its dates come from the scheme's policy."
            if created
            else "",
        )

    async def _apply_form(
        self,
        request: Req,
        scope: TenantScope,
        intake: IntakeOut,
        *,
        form: dict[str, Any] | None = None,
        chosen: dict[str, list[str]] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        status: int = 200,
    ) -> Template:
        scheme = await get_scheme(scope, intake.scheme_id)
        policy = await policy_of(scope, scheme)
        needs = form_needs(policy)
        tenant = await get_tenant(scope.slug)
        defaults = {
            "role": "peer" if scheme.mode == "peer" else "mentee",
            "country": str(tenant.country or ""),
            "utc_offset": utc_offset_of(str(tenant.time_zone or "")),
            "languages": "en",
            "preference": "open",
            "partner_background": "either",
            "capacity": "1",
            "membership_status": "financial",
        }
        return await page(
            request,
            "mentoring/apply.html",
            title=f"Apply to {intake.name}",
            scheme=scheme,
            intake=intake,
            needs=needs,
            rules=policy_rules(policy),
            form={**defaults, **(form or {})},
            chosen=chosen or {},
            errors=errors or {},
            refusal=refusal,
            role_choices=roles_for(scheme.mode),
            interest_choices=[(i, i.capitalize()) for i in scheme.interests],
            sectors=SECTORS,
            stages=CAREER_STAGES,
            preferences=PREFERENCES,
            backgrounds=BACKGROUNDS,
            language_choices=languages.choices(),
            chosen_languages=_chosen_languages(chosen or {}, form or {}),
            statuses=MEMBERSHIP_STATUSES,
            status=status,
        )

    @get("/intakes/{intake_id:uuid}/apply", **allow(PARTICIPANTS))
    async def apply_form(
        self, request: Req, tenant_scope: Scope, intake_id: FromPath[UUID]
    ) -> Template:
        intake = await get_intake(tenant_scope, intake_id)
        return await self._apply_form(request, tenant_scope, intake)

    @post("/intakes/{intake_id:uuid}/apply", **allow(PARTICIPANTS), status_code=303)
    async def apply(
        self, request: Req, tenant_scope: Scope, actor: Who, intake_id: FromPath[UUID]
    ) -> Template | Redirect:
        intake = await get_intake(tenant_scope, intake_id)
        scheme = await get_scheme(tenant_scope, intake.scheme_id)
        needs = form_needs(await policy_of(tenant_scope, scheme))
        values, multi = await forms.read(request)
        data, errors = forms.application_form(values, multi, scheme.mode, needs)
        avoid = await members_by_email(tenant_scope, "avoid", values.get("avoid", ""), errors)
        partner = await members_by_email(
            tenant_scope, "pair_with", values.get("pair_with", ""), errors
        )
        if len(partner) > 1:
            errors["pair_with"] = "Name one person: the one you already work with"
        refusal, status = "", 400
        if data is not None and not errors:
            data = msgspec.structs.replace(
                data, avoid=avoid, pair_with=partner[0] if partner else None
            )
            try:
                made = await submit_application(tenant_scope, intake_id, data, actor=actor)
            except InvalidInput as exc:
                errors[exc.field] = exc.message
            except (Forbidden, Conflict) as exc:
                refusal, status = exc.detail, exc.status
            else:
                return Redirect(
                    f"{base(tenant_scope)}/applications/{made.id}?submitted=true",
                    status_code=303,
                )
        return await self._apply_form(
            request,
            tenant_scope,
            intake,
            form=values,
            chosen=multi,
            errors=errors,
            refusal=refusal,
            status=status,
        )

    async def _application(
        self,
        request: Req,
        scope: TenantScope,
        actor: Actor,
        caller: Caller,
        application: ApplicationOut,
        *,
        notice: str = "",
        refusal: str = "",
        errors: dict[str, str] | None = None,
        form: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        intake = await get_intake(scope, application.intake_id)
        scheme = await get_scheme(scope, intake.scheme_id)
        people = await names(scope, [application.person_id])
        return await page(
            request,
            "mentoring/application.html",
            title="Application",
            application=application,
            intake=intake,
            scheme=scheme,
            applicant=people.get(application.person_id, ""),
            own=application.person_id == actor.person_id,
            runner=caller.has(*RUNNERS),
            notice=notice,
            refusal=refusal,
            errors=errors or {},
            form=form or {},
            fee_choices=[("", "Choose"), ("charged", "Charged"), ("waived", "Waived")],
            pays_fee=pays_fee(await policy_of(scope, scheme), application.role),
            status=status,
        )

    @get("/applications/{application_id:uuid}", **allow(EVERYONE))
    async def application(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        application_id: FromPath[UUID],
        submitted: FromQuery[bool] = False,
        admitted: FromQuery[bool] = False,
        fee: FromQuery[bool] = False,
    ) -> Template:
        found = await get_application(tenant_scope, application_id, actor=actor)
        notice = ""
        if submitted:
            notice = "Your application is in. " + (
                "The policy refers it to a coordinator, who will decide."
                if found.status == "referred"
                else "It will be in the next matching run."
            )
        elif admitted:
            notice = "The application is admitted to the pool."
        elif fee:
            notice = f"The fee is now {found.fee.state.replace('_', ' ')}."
        return await self._application(request, tenant_scope, actor, caller, found, notice=notice)

    @post("/applications/{application_id:uuid}/admit", **allow(RUNNERS, 409), status_code=303)
    async def admit(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        application_id: FromPath[UUID],
    ) -> Template | Redirect:
        found = await get_application(tenant_scope, application_id, actor=actor)
        try:
            await admit_application(tenant_scope, application_id, actor=actor)
        except Conflict as exc:
            return await self._application(
                request, tenant_scope, actor, caller, found, refusal=exc.detail, status=409
            )
        return Redirect(
            f"{base(tenant_scope)}/applications/{application_id}?admitted=true", status_code=303
        )

    @post("/applications/{application_id:uuid}/fee", **allow(RUNNERS, 409), status_code=303)
    async def set_fee(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        application_id: FromPath[UUID],
    ) -> Template | Redirect:
        """A coordinator marks the fee charged (only once due) or waived."""
        found = await get_application(tenant_scope, application_id, actor=actor)
        values, _ = await forms.read(request)
        state, note = str(values.get("fee_state", "")), str(values.get("fee_note", ""))
        errors: dict[str, str] = {}
        if state not in ("charged", "waived"):
            errors["fee_state"] = "Choose charged or waived"
        if len(note) > 2000:
            errors["fee_note"] = "Use at most 2000 characters"
        if not errors:
            try:
                await set_fee(tenant_scope, application_id, state, note, actor=actor)
            except Conflict as exc:
                return await self._application(
                    request, tenant_scope, actor, caller, found, refusal=exc.detail, status=409
                )
            return Redirect(
                f"{base(tenant_scope)}/applications/{application_id}?fee=true", status_code=303
            )
        return await self._application(
            request, tenant_scope, actor, caller, found, errors=errors, form=values, status=400
        )

    @post("/applications/{application_id:uuid}/fee/refund", **allow(RUNNERS, 409), status_code=303)
    async def refund_fee(
        self,
        request: Req,
        tenant_scope: Scope,
        actor: Who,
        caller: NamedDependency[Caller],
        application_id: FromPath[UUID],
    ) -> Template | Redirect:
        """A coordinator refunds a charged fee, saying why."""
        found = await get_application(tenant_scope, application_id, actor=actor)
        values, _ = await forms.read(request)
        errors: dict[str, str] = {}
        try:
            reason = str(values.get("refund_reason", "")).strip()
            data = msgspec.convert({"reason": reason}, RefundIn)
        except (InvalidInput, msgspec.ValidationError):
            errors["refund_reason"] = "Say why the fee is refunded, in at most 2000 characters"
        else:
            try:
                await corrections.refund_fee(tenant_scope, application_id, data.reason, actor=actor)
            except Conflict as exc:
                return await self._application(
                    request, tenant_scope, actor, caller, found, refusal=exc.detail, status=409
                )
            return Redirect(
                f"{base(tenant_scope)}/applications/{application_id}?fee=true", status_code=303
            )
        return await self._application(
            request, tenant_scope, actor, caller, found, errors=errors, form=values, status=400
        )

    @get("/applications/{application_id:uuid}/withdraw", **allow(PARTICIPANTS))
    async def confirm_withdraw(
        self, request: Req, tenant_scope: Scope, actor: Who, application_id: FromPath[UUID]
    ) -> Template:
        found = await get_application(tenant_scope, application_id, actor=actor)
        return await page(
            request,
            "mentoring/application_withdraw.html",
            title="Withdraw an application",
            application=found,
            form={},
            errors={},
        )

    @post(
        "/applications/{application_id:uuid}/withdraw", **allow(PARTICIPANTS, 409), status_code=303
    )
    async def withdraw(
        self, request: Req, tenant_scope: Scope, actor: Who, application_id: FromPath[UUID]
    ) -> Template | Redirect:
        found = await get_application(tenant_scope, application_id, actor=actor)
        values, _ = await forms.read(request)
        reason = str(values.get("reason", ""))
        errors: dict[str, str] = {}
        refusal, status = "", 400
        if not reason:
            errors["reason"] = "Say why you withdraw"
        elif len(reason) > 2000:
            errors["reason"] = "Use at most 2000 characters"
        else:
            try:
                await withdraw_application(tenant_scope, application_id, reason, actor=actor)
            except (Conflict, Forbidden) as exc:
                refusal, status = exc.detail, exc.status
            else:
                return Redirect(
                    f"{base(tenant_scope)}/applications/{application_id}", status_code=303
                )
        return await page(
            request,
            "mentoring/application_withdraw.html",
            title="Withdraw an application",
            application=found,
            form=values,
            errors=errors,
            refusal=refusal,
            status=status,
        )
