"""Partner organisations and relationship requests as pages: lists, details (officers,
screening with each hit explained, the policy's Decision in words, the due-diligence
checklist with who/when/evidence, the object's audit trail), and the forms to register
a partner, raise and submit a request, record findings, and for the executive to
receive, refer or decline it.

Every form is turned into the API's own input struct (`registry.relationships.schemas`)
and handed to the same service function the API calls; what either refuses is shown
next to the field it names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote
from uuid import UUID

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from policies.subjects import NON_DISCRIMINATION_GROUNDS
from registry.audit.ledger import Actor
from registry.board.service import latest_motion
from registry.http.tenancy import Caller, allow
from registry.relationships import cases, partners, reviews, service, states
from registry.relationships.controllers import (
    ADJUDICATORS,
    CASE_READERS,
    DILIGENCE,
    EXECUTIVE,
    RAISERS,
    READERS,
)
from registry.relationships.records import now
from registry.relationships.schemas import (
    AttestationIn,
    PartnerIn,
    ReasonIn,
    ReferIn,
    RelationshipReviewIn,
    RequestIn,
    ReversalIn,
)
from registry.web.forms import Form
from registry.web.relationships.common import lines, people, to_struct, trail, values
from registry.web.rendering import page
from registry.web.tenancy import WEB_TENANT_PATH, TenantPages
from tenants.errors import AccordError, Conflict, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope

PAGE_SIZE = 50
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000)]

PARTNER_KINDS = [
    ("library_association", "Library association"),
    ("professional_association", "Professional association"),
    ("library", "Library"),
    ("university", "University"),
    ("school", "School"),
    ("ngo", "Non-governmental organisation"),
    ("government_body", "Government body"),
    ("international_organisation", "International organisation"),
    ("company", "Company"),
    ("other", "Other"),
]
REQUEST_KINDS = [
    ("bilateral_mou", "Bilateral MOU"),
    ("multi_party_mou", "Multi-party MOU"),
    ("in_kind_support", "In-kind support"),
]
ASSISTANCE = [
    ("administrative_resources", "Administrative resources and best-practice advice"),
    ("volunteer_network", "Volunteer network"),
    ("advocacy", "Advocacy"),
    ("lis_education", "LIS education, course accreditation and professional development"),
    ("ip_and_collateral", "IP and collateral"),
]
RAISED_AS = [
    ("member", "A member"),
    ("coordinator", "A coordinator"),
    ("partner", "On the partner's behalf"),
]
SDGS = [
    (1, "No poverty"),
    (2, "Zero hunger"),
    (3, "Good health and well-being"),
    (4, "Quality education"),
    (5, "Gender equality"),
    (6, "Clean water and sanitation"),
    (7, "Affordable and clean energy"),
    (8, "Decent work and economic growth"),
    (9, "Industry, innovation and infrastructure"),
    (10, "Reduced inequalities"),
    (11, "Sustainable cities and communities"),
    (12, "Responsible consumption and production"),
    (13, "Climate action"),
    (14, "Life below water"),
    (15, "Life on land"),
    (16, "Peace, justice and strong institutions"),
    (17, "Partnerships for the goals"),
]
STATE_CHOICES = [(s, s.replace("_", " ").capitalize()) for s in states.STATES]
OUTCOME_WORDS = {
    "eligible": "The policy finds the relationship acceptable.",
    "refer": "The policy refers the relationship: something below still needs a person.",
    "ineligible": "The policy refuses the relationship.",
}
CLEARANCE_WORDS = {
    "clear": "Clear: nothing on the sanctions lists holds the request.",
    "held": "Held: a screening case awaits a coordinator.",
    "blocked": "Blocked: a confirmed sanctions hit, or an adverse finding of due diligence.",
    "not_cleared": "Not cleared: a required list was not checked.",
    "not_screened": "Not screened: screening runs when the request is submitted.",
}
FINDING_WORDS = {
    "in_force": "In force",
    "superseded": "Superseded by a newer finding of its kind",
    "outweighed": "Not in force: an adverse finding of its kind stands until reversed",
    "reversed": "Reversed",
    "reversal": "Reversal",
}
REVIEW_DECISIONS = [
    ("continue", "Continue it"),
    ("modify", "Modify it (say what changes)"),
    ("end", "End it"),
    ("board", "Put it to the board"),
]
ATTESTATION_TITLES = {
    "non_discrimination": "Non-discrimination attestation",
    "reputation": "Reputation and ethical-integrity assessment",
    "personnel": "Personnel availability",
    "country_risk": "Country risk",
    "governance_justification": "Written justification (governance-risk country)",
}


def _partner_field(path: str) -> str:
    # officers[2].name and the like are typed in the one officers box.
    return "officers" if path.startswith("officers") else path.split(".")[0].split("[")[0]


def _officers(text: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    """One officer a line: name; role; date of birth; nationality (the last three optional)."""
    out = []
    for number, parts in enumerate(lines(text), start=1):
        name, role, born, nationality = ([*parts, "", "", "", ""])[:4]
        if not name:
            errors["officers"] = f"Line {number}: start with the officer's name"
            continue
        officer: dict[str, Any] = {"name": name, "role": role}
        if born:
            officer["date_of_birth"] = born
        if nationality:
            officer["nationality"] = nationality.upper()
        out.append(officer)
    return out


def _personnel(text: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    """One person a line: name; staff or member; availability in words."""
    out = []
    for number, parts in enumerate(lines(text), start=1):
        name, kind, availability = ([*parts, "", "", ""])[:3]
        kind = kind.lower() or "staff"
        if not name or kind not in ("staff", "member"):
            errors["personnel"] = (
                f"Line {number}: write name; staff or member; availability, for example "
                "Jo Smith; staff; two days a month"
            )
            continue
        out.append({"name": name, "kind": kind, "availability": availability})
    return out


class PartnerPages(TenantPages):
    path = WEB_TENANT_PATH + "/partners"

    @get("/", **allow(READERS))
    async def list_partners(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        offset: Offset = 0,
    ) -> Template:
        found = await partners.list_partners(tenant_scope, limit=PAGE_SIZE, offset=offset)
        return await page(
            request, "relationships/partners.html", title="Partner organisations", found=found
        )

    async def _form(
        self,
        request: Request[Any, Any, Any],
        form: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        return await page(
            request,
            "relationships/partner_new.html",
            title="Register a partner organisation",
            form=form,
            errors=errors,
            kinds=PARTNER_KINDS,
            status=status,
        )

    @get("/new", **allow(RAISERS))
    async def new_partner(self, request: Request[Any, Any, Any]) -> Template:
        return await self._form(request, {"kind": "library_association"}, {})

    @post("/", **allow(RAISERS), status_code=303)
    async def create_partner(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        submitted = await Form.read(request)
        form = {
            k: submitted.text(k)
            for k in ("name", "country", "kind", "website", "languages", "notes", "officers")
        }
        errors: dict[str, str] = {}
        data = {
            "name": form["name"],
            "country": form["country"].upper(),
            "kind": form["kind"],
            "website": form["website"],
            "languages": [c.strip().lower() for c in form["languages"].split(",") if c.strip()],
            "notes": form["notes"],
            "officers": _officers(submitted.raw("officers"), errors),
        }
        partner_in = to_struct(PartnerIn, data, errors, _partner_field)
        if partner_in is not None and not errors:
            try:
                created = await partners.create_partner(tenant_scope, partner_in, actor)
            except InvalidInput as exc:
                errors[_partner_field(exc.field)] = exc.message
            else:
                return Redirect(f"/t/{tenant_scope.slug}/partners/{created.id}", status_code=303)
        return await self._form(request, form, errors, status=400)

    @get("/{partner_id:uuid}", **allow(READERS))
    async def show_partner(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        partner_id: FromPath[UUID],
    ) -> Template:
        partner = await partners.get_partner(tenant_scope, partner_id, actor)
        sees_screening = caller.has(*CASE_READERS)
        return await page(
            request,
            "relationships/partner.html",
            title=partner.name,
            partner=partner,
            requests=(
                await service.list_requests(
                    tenant_scope, actor, limit=PAGE_SIZE, offset=0, partner_id=partner.id
                )
            ).items,
            screening=(
                await cases.screening_history(tenant_scope, partner.id) if sees_screening else None
            ),
            trail=await trail(tenant_scope, partner.id) if sees_screening else None,
            may_raise=caller.has(*RAISERS),
        )


class RequestPages(TenantPages):
    path = WEB_TENANT_PATH + "/requests"

    @get("/", **allow(READERS))
    async def list_requests(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        offset: Offset = 0,
        in_state: Annotated[str | None, QueryParameter(name="state", max_length=32)] = None,
        queue: FromQuery[bool] = False,
    ) -> Template:
        chosen = in_state if in_state in states.STATES else None
        if queue and caller.has(Role.EXECUTIVE, Role.ADMIN, Role.COORDINATOR, Role.AUDITOR):
            found = await service.executive_queue(tenant_scope, limit=PAGE_SIZE, offset=offset)
        else:
            queue = False
            found = await service.list_requests(
                tenant_scope, actor, limit=PAGE_SIZE, offset=offset, state=chosen
            )
        return await page(
            request,
            "relationships/requests.html",
            title="The executive's queue" if queue else "Relationship requests",
            found=found,
            queue=queue,
            state_filter=chosen or "",
            state_choices=STATE_CHOICES,
            may_raise=caller.has(*RAISERS),
        )

    async def _form(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        form: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
    ) -> Template:
        known = await partners.list_partners(scope, limit=200, offset=0)
        raised_as = [c for c in RAISED_AS if c[0] != "coordinator" or caller.has(Role.COORDINATOR)]
        return await page(
            request,
            "relationships/request_new.html",
            title="Raise a relationship request",
            form=form,
            errors=errors,
            partner_choices=[(str(p.id), f"{p.name} ({p.country})") for p in known.items],
            kinds=REQUEST_KINDS,
            assistance_choices=ASSISTANCE,
            sdg_choices=SDGS,
            raised_as_choices=raised_as,
            status=status,
        )

    @get("/new", **allow(RAISERS))
    async def new_request(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        partner: Annotated[str | None, QueryParameter(name="partner_id", max_length=40)] = None,
    ) -> Template:
        form = {
            "partner_id": partner or "",
            "kind": "bilateral_mou",
            "raised_as": "member",
            "assistance": [],
            "sdgs": [],
        }
        return await self._form(request, tenant_scope, caller, form, {})

    @post("/", **allow(RAISERS), status_code=303)
    async def create_request(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
    ) -> Template | Redirect:
        submitted = await Form.read(request)
        text_fields = (
            "partner_id",
            "kind",
            "title",
            "raised_as",
            "on_behalf_of",
            "shared_interests",
            "expected_outcomes",
            "mutual_benefits",
            "personnel",
        )
        form: dict[str, Any] = {k: submitted.text(k) for k in text_fields}
        form["assistance"] = await values(request, "assistance")
        form["sdgs"] = await values(request, "sdgs")
        errors: dict[str, str] = {}
        data: dict[str, Any] = {
            k: form[k] for k in text_fields if k not in ("personnel", "partner_id")
        }
        if not form["partner_id"]:
            errors["partner_id"] = "Choose the partner organisation"
        data["partner_id"] = form["partner_id"] or None
        data["assistance"] = form["assistance"]
        data["sdgs"] = [int(s) for s in form["sdgs"] if s.isdigit()]
        data["personnel"] = _personnel(submitted.raw("personnel"), errors)
        request_in = to_struct(
            RequestIn, data, errors, lambda path: path.split(".")[0].split("[")[0]
        )
        if request_in is not None and not errors:
            try:
                created = await service.create_request(tenant_scope, request_in, actor)
            except InvalidInput as exc:
                errors[exc.field.split(".")[0].split("[")[0]] = exc.message
            except NotFound:  # the form's choice named no partner of this tenant
                errors["partner_id"] = "Choose one of the association's partners"
            else:
                return Redirect(f"/t/{tenant_scope.slug}/requests/{created.id}", status_code=303)
        return await self._form(request, tenant_scope, caller, form, errors, status=400)

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        actor: Actor,
        request_id: UUID,
        *,
        errors: dict[str, str] | None = None,
        form: dict[str, Any] | None = None,
        refusal: str = "",
        notice: str = "",
        status: int = 200,
    ) -> Template:
        shown = await service.get_request(scope, request_id, actor)
        try:
            # As the partner's own page shows it: a member sees the officers (and
            # their dates of birth) only of a partner they registered.
            partner = await partners.get_partner(scope, shown.partner.id, actor)
        except NotFound:
            partner = None
        may_diligence = caller.has(*DILIGENCE) and shown.state in states.QUEUE
        may_refer_again = False
        if shown.state == states.REFERRED and caller.has(*EXECUTIVE):
            motion = await latest_motion(scope, service.SUBJECT_KIND, shown.id)
            may_refer_again = (
                motion is not None and motion.status != "open" and not motion.tally.quorate
            )
        adverse = [
            a for a in shown.attestations if a.status == "in_force" and a.adverse is not None
        ]
        return await page(
            request,
            "relationships/request.html",
            title=shown.title,
            req=shown,
            partner=partner,
            allowed=states.allowed(shown.state, {r.value for r in caller.roles}),
            outcome_words=OUTCOME_WORDS,
            clearance_words=CLEARANCE_WORDS,
            attestation_titles=ATTESTATION_TITLES,
            finding_words=FINDING_WORDS,
            may_reverse=caller.has(*ADJUDICATORS) and shown.state in states.QUEUE,
            reversible=[
                (str(a.id), f"{ATTESTATION_TITLES.get(a.kind, a.kind)}: {a.adverse}")
                for a in adverse
            ],
            may_refer_again=may_refer_again,
            may_review=caller.has(*DILIGENCE) and shown.state == states.APPROVED,
            open_review=any(r.decision is None for r in shown.reviews),
            review_decisions=REVIEW_DECISIONS,
            who=await people(scope),
            assistance_words=dict(ASSISTANCE),
            kind_words=dict(REQUEST_KINDS),
            sdg_words=dict(SDGS),
            may_diligence=may_diligence,
            grounds=[(g, g.capitalize()) for g in NON_DISCRIMINATION_GROUNDS],
            reputation_results=[
                ("satisfactory", "Satisfactory"),
                ("concerns", "Some concerns"),
                ("unsatisfactory", "Unsatisfactory"),
            ],
            trail=await trail(scope, shown.id) if caller.has(*CASE_READERS) else None,
            sees_cases=caller.has(*CASE_READERS),
            errors=errors or {},
            form=form or {},
            refusal=refusal,
            notice=notice,
            status=status,
        )

    @get("/{request_id:uuid}", **allow(READERS))
    async def show_request(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
        done: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Template:
        notices = {
            "submit": "Submitted to the executive; the partner and its officers were screened.",
            "receive": "Received: the request is in due diligence or screening.",
            "refer": "Referred to the board: a motion is open.",
            "decline": "The request was declined.",
            "withdraw": "The request was withdrawn.",
            "attested": "The finding was recorded.",
            "reversed": "The reversal was recorded; the finding it names no longer stands.",
            "review": "The review is open: record whether the relationship still benefits "
            "members and what is decided.",
            "reviewed": "The review was recorded.",
        }
        return await self._detail(
            request,
            tenant_scope,
            caller,
            actor,
            request_id,
            notice=notices.get(done or "", ""),
        )

    async def _carry_out(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        actor: Actor,
        request_id: UUID,
        change: Awaitable[object] | None,
        done: str,
        *,
        errors: dict[str, str] | None = None,
        form: dict[str, Any] | None = None,
        field: Callable[[str], str] = lambda name: name,
        refused: tuple[type[AccordError], ...] = (Conflict,),
    ) -> Template | Redirect:
        """Make a change to the request: back to its page at `done` (the notice, and
        the anchor after it), or the page again with the form, what the service refused
        next to the field it names (400) or its refusal (409). `change` is None when the
        form itself was refused (`errors`)."""
        errors = {} if errors is None else errors
        refusal = ""
        if change is not None:
            try:
                await change
            except InvalidInput as exc:
                errors[field(exc.field)] = exc.message
            except refused as exc:
                refusal = exc.detail
            else:
                return Redirect(
                    f"/t/{scope.slug}/requests/{request_id}?done={done}", status_code=303
                )
        return await self._detail(
            request,
            scope,
            caller,
            actor,
            request_id,
            errors=errors,
            form=form,
            refusal=refusal,
            status=409 if refusal else 400,
        )

    async def _transition(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        caller: Caller,
        actor: Actor,
        request_id: UUID,
        name: str,
    ) -> Template | Redirect:
        await service.get_request(scope, request_id, actor)  # another's is 404 first
        step = service.submit if name == "submit" else service.receive
        change = step(scope, request_id, actor)
        return await self._carry_out(request, scope, caller, actor, request_id, change, name)

    @post("/{request_id:uuid}/submit", **allow(RAISERS, 409), status_code=303)
    async def submit(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._transition(request, tenant_scope, caller, actor, request_id, "submit")

    @post("/{request_id:uuid}/receive", **allow(EXECUTIVE, 409), status_code=303)
    async def receive(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._transition(request, tenant_scope, caller, actor, request_id, "receive")

    @post("/{request_id:uuid}/attestations", **allow(DILIGENCE, 409), status_code=303)
    async def attest(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        await service.get_request(tenant_scope, request_id, actor)
        submitted = await Form.read(request)
        kind = submitted.text("kind")
        errors: dict[str, str] = {}
        if kind not in ATTESTATION_TITLES:
            errors["kind"] = "Choose which finding you are recording"
            kind = "non_discrimination"
        prefix = f"{kind}-"
        form: dict[str, Any] = {
            k: v.strip() for k, v in submitted.fields.items() if k.startswith(prefix)
        }
        form["kind"] = kind  # the page opens this finding's form again

        def get(name: str) -> str:
            return form.get(prefix + name, "")

        data: dict[str, Any] = {"kind": kind, "evidence": get("evidence")}
        if get("evidence_sha256"):
            data["evidence_sha256"] = get("evidence_sha256")
        if kind == "non_discrimination":
            grounds = await values(request, prefix + "grounds")
            form[prefix + "grounds"] = grounds
            data["grounds"] = grounds
            if get("attested_on"):
                data["attested_on"] = get("attested_on")
        elif kind == "reputation":
            data.update(result=get("result"), notes=get("notes"))
            data["assessed_on"] = get("assessed_on") or None
        elif kind == "personnel":
            for number in ("staff", "members"):
                raw = get(number)
                data[number] = int(raw) if raw.isdigit() else (raw or None)
        elif kind == "country_risk":
            data["emerging_from_conflict"] = bool(get("emerging_from_conflict"))
            data["non_democratic"] = bool(get("non_democratic"))
        else:
            data["text"] = get("text")
            for flag in (
                "strengthens_civil_society",
                "fosters_social_development",
                "advances_sdgs",
                "rejected",
            ):
                data[flag] = bool(get(flag))
        finding = to_struct(
            AttestationIn,  # type: ignore[arg-type]
            data,
            errors,
            lambda path: prefix + (path.split(".")[0].split("[")[0] or "evidence"),
        )
        change = (
            None
            if finding is None or errors
            else service.add_attestation(tenant_scope, request_id, finding, actor)
        )
        return await self._carry_out(
            request,
            tenant_scope,
            caller,
            actor,
            request_id,
            change,
            "attested#diligence",
            errors=errors,
            form=form,
            field=lambda name: prefix + name,
        )

    @post("/{request_id:uuid}/reversals", **allow(ADJUDICATORS, 409), status_code=303)
    async def reverse_finding(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        await service.get_request(tenant_scope, request_id, actor)
        submitted = await Form.read(request)
        form = {k: submitted.text(k) for k in ("reverses", "reason", "evidence")}
        errors: dict[str, str] = {}
        for field, message in (
            ("reverses", "Choose the finding reversed"),
            ("reason", "Say why the finding no longer stands"),
            ("evidence", "Say what the reversal rests on"),
        ):
            if not form[field]:
                errors[field] = message
        reversal = None if errors else to_struct(ReversalIn, form, errors)
        change = (
            None
            if reversal is None or errors
            else service.reverse_finding(tenant_scope, request_id, reversal, actor)
        )
        return await self._carry_out(
            request,
            tenant_scope,
            caller,
            actor,
            request_id,
            change,
            "reversed#diligence",
            errors=errors,
            form=form,
            refused=(Conflict, NotFound),  # a finding named that is not the request's
        )

    # -- periodic reviews of an approved relationship ------------------------------------

    @post("/{request_id:uuid}/reviews", **allow(DILIGENCE, 409), status_code=303)
    async def start_review(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        await service.get_request(tenant_scope, request_id, actor)
        change = reviews.start_review(tenant_scope, request_id, actor)
        return await self._carry_out(
            request, tenant_scope, caller, actor, request_id, change, "review#reviews"
        )

    @post("/{request_id:uuid}/reviews/decision", **allow(DILIGENCE, 409), status_code=303)
    async def decide_review(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        caller: NamedDependency[Caller],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        await service.get_request(tenant_scope, request_id, actor)
        submitted = await Form.read(request)
        form = {
            k: submitted.text(k) for k in ("benefits_members", "decision", "findings", "changes")
        }
        errors: dict[str, str] = {}
        if form["benefits_members"] not in ("yes", "no"):
            errors["benefits_members"] = "Say whether the relationship still benefits members"
        data = {
            "benefits_members": form["benefits_members"] == "yes",
            "decision": form["decision"],
            "findings": submitted.raw("findings"),
            "changes": submitted.raw("changes"),
        }
        decided = to_struct(RelationshipReviewIn, data, errors)
        change = (
            None
            if decided is None or errors
            else reviews.decide_review(tenant_scope, request_id, decided, actor)
        )
        return await self._carry_out(
            request,
            tenant_scope,
            caller,
            actor,
            request_id,
            change,
            "reviewed#reviews",
            errors=errors,
            form=form,
        )

    # -- referral, declining and withdrawing: each confirmed on a page of its own --------

    async def _confirm_page(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        actor: Actor,
        request_id: UUID,
        action: str,
        *,
        form: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        refusal: str = "",
        status: int = 200,
    ) -> Template:
        shown = await service.get_request(scope, request_id, actor)
        titles = {
            "refer": "Refer the request to the board",
            "decline": "Decline the request",
            "withdraw": "Withdraw the request",
        }
        return await page(
            request,
            "relationships/request_action.html",
            title=titles[action],
            req=shown,
            action=action,
            form=form or {"closes_in_days": str(service.DEFAULT_MOTION_DAYS)},
            errors=errors or {},
            refusal=refusal,
            status=status,
        )

    @get("/{request_id:uuid}/refer", **allow(EXECUTIVE))
    async def confirm_refer(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template:
        return await self._confirm_page(request, tenant_scope, actor, request_id, "refer")

    @get("/{request_id:uuid}/decline", **allow(EXECUTIVE))
    async def confirm_decline(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template:
        return await self._confirm_page(request, tenant_scope, actor, request_id, "decline")

    @get("/{request_id:uuid}/withdraw", **allow(RAISERS))
    async def confirm_withdraw(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template:
        return await self._confirm_page(request, tenant_scope, actor, request_id, "withdraw")

    async def _act(
        self,
        request: Request[Any, Any, Any],
        scope: TenantScope,
        actor: Actor,
        request_id: UUID,
        action: str,
    ) -> Template | Redirect:
        await service.get_request(scope, request_id, actor)
        submitted = await Form.read(request)
        form = {k: submitted.text(k) for k in ("reason", "papers", "closes_in_days")}
        errors: dict[str, str] = {}
        try:
            if action == "refer":
                days = form["closes_in_days"] or str(service.DEFAULT_MOTION_DAYS)
                if not days.isdigit() or not 1 <= int(days) <= 90:
                    errors["closes_in_days"] = "Enter a number of days between 1 and 90"
                refer_in = to_struct(ReferIn, {"papers": submitted.raw("papers")}, errors)
                if refer_in is not None and not errors:
                    refer_in.closes_at = now() + timedelta(days=int(days))
                    await service.refer(scope, request_id, refer_in, actor)
            else:
                reason_in = to_struct(ReasonIn, {"reason": form["reason"]}, errors)
                if reason_in is not None and not errors:
                    step = service.decline if action == "decline" else service.withdraw
                    await step(scope, request_id, reason_in, actor)
        except InvalidInput as exc:
            errors[exc.field] = exc.message
        except Conflict as exc:
            return await self._confirm_page(
                request, scope, actor, request_id, action, form=form, refusal=exc.detail, status=409
            )
        if errors:
            if "reason" in errors and not form["reason"]:
                errors["reason"] = "Say why"
            return await self._confirm_page(
                request, scope, actor, request_id, action, form=form, errors=errors, status=400
            )
        return Redirect(
            f"/t/{scope.slug}/requests/{request_id}?done={quote(action)}", status_code=303
        )

    @post("/{request_id:uuid}/refer", **allow(EXECUTIVE, 409), status_code=303)
    async def refer(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._act(request, tenant_scope, actor, request_id, "refer")

    @post("/{request_id:uuid}/decline", **allow(EXECUTIVE, 409), status_code=303)
    async def decline(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._act(request, tenant_scope, actor, request_id, "decline")

    @post("/{request_id:uuid}/withdraw", **allow(RAISERS, 409), status_code=303)
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        request_id: FromPath[UUID],
    ) -> Template | Redirect:
        return await self._act(request, tenant_scope, actor, request_id, "withdraw")
