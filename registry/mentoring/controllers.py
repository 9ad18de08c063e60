"""HTTP routes of mentoring: thin handlers over the mentoring services.

Participants (members) see only their own applications and partnerships; the tenant's
readers (coordinator, admin, auditor, executive) see every scheme's. Coordinators and
administrators run schemes: intakes, admissions, match runs, terminations and fees.
An illegal partnership transition is a 409 saying why.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Response

from registry.audit.ledger import Actor
from registry.http.files import attachment
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from registry.mentoring import applications, corrections, fees, partnerships, runs, schemes
from registry.mentoring.export import MEDIA_TYPES
from registry.mentoring.schemas import (
    ApplicationIn,
    ApplicationOut,
    CompleteIn,
    FeeIn,
    IntakeCreate,
    IntakeEdit,
    IntakeOut,
    MatchRunOut,
    PartnershipOut,
    PinChoices,
    PinIn,
    ReasonIn,
    RefundIn,
    SchemeCreate,
    SchemeEdit,
    SchemeOut,
    SwapIn,
    TerminateIn,
)
from tenants.roles import Role
from tenants.scope import TenantScope

EVERYONE = tuple(Role)
READERS = (Role.COORDINATOR, Role.ADMIN, Role.AUDITOR, Role.EXECUTIVE)
RUNNERS = (Role.COORDINATOR, Role.ADMIN)
#: Who may take part: members, and staff who also mentor (their own records only).
PARTICIPANTS = (Role.MEMBER, Role.COORDINATOR, Role.ADMIN)

Scope = NamedDependency[TenantScope]
Who = NamedDependency[Actor]
PartnershipState = Annotated[
    str | None,
    QueryParameter(
        name="state",
        max_length=24,
        pattern=r"^(proposed|accepted|active|midway_review_done|completed|evaluated|withdrawn"
        r"|terminated)$",
        description="Only partnerships in this state",
    ),
]

ApplicationStatus = Annotated[
    str | None,
    QueryParameter(
        max_length=16,
        pattern=r"^(accepted|referred|matched|waitlisted|withdrawn|refused|removed)$",
        description="Only applications in this status (`waitlisted`: the waitlist)",
    ),
]


class SchemeController(TenantRoutes):
    """Schemes, their intakes, applications and match runs."""

    path = TENANT_PATH + "/mentoring"
    tags = ["mentoring"]

    @get("/schemes", **allow(EVERYONE), summary="The tenant's mentoring schemes")
    async def list_schemes(self, tenant_scope: Scope) -> list[SchemeOut]:
        return await schemes.list_schemes(tenant_scope)

    @post(
        "/schemes",
        **allow(RUNNERS),
        summary="Create a scheme under a stored policy or a preset",
        description=(
            "Body: `name`, `mode` (mentor-mentee or peer), either `policy` (a stored policy "
            "of the tenant, read at its current version) or `preset`, and `interests`, the "
            "vocabulary applicants choose from."
        ),
    )
    async def create_scheme(
        self, tenant_scope: Scope, actor: Who, data: JSONBody[SchemeCreate]
    ) -> SchemeOut:
        return await schemes.create_scheme(tenant_scope, data, actor=actor)

    @get("/schemes/{scheme_id:uuid}", **allow(EVERYONE), summary="One scheme")
    async def show_scheme(self, tenant_scope: Scope, scheme_id: FromPath[UUID]) -> SchemeOut:
        return await schemes.get_scheme(tenant_scope, scheme_id)

    @patch(
        "/schemes/{scheme_id:uuid}",
        **allow(RUNNERS, 409),
        summary="Correct a scheme while no application to it is stored",
        description=(
            "Only the fields given change. 409 once an application is stored, and for a "
            "new mode or policy while the scheme has intakes (their dates came from it)."
        ),
    )
    async def edit_scheme(
        self, tenant_scope: Scope, actor: Who, scheme_id: FromPath[UUID], data: JSONBody[SchemeEdit]
    ) -> SchemeOut:
        return await corrections.update_scheme(tenant_scope, scheme_id, data, actor=actor)

    @delete(
        "/schemes/{scheme_id:uuid}",
        **allow(RUNNERS, 409),
        summary="Delete a scheme that has no intake (409 says which it has)",
    )
    async def delete_scheme(
        self, tenant_scope: Scope, actor: Who, scheme_id: FromPath[UUID]
    ) -> None:
        await corrections.delete_scheme(tenant_scope, scheme_id, actor=actor)

    @get("/schemes/{scheme_id:uuid}/intakes", **allow(EVERYONE), summary="A scheme's intakes")
    async def list_intakes(self, tenant_scope: Scope, scheme_id: FromPath[UUID]) -> list[IntakeOut]:
        return await schemes.list_intakes(tenant_scope, scheme_id)

    @post(
        "/schemes/{scheme_id:uuid}/intakes",
        **allow(RUNNERS),
        summary="Set up an intake (round) from the scheme's policy",
        description=(
            "Body: `name` and `starts_on`. The end, the application window, the members-only "
            "period, the midway review and the evaluation deadline (end + 14 days) come from "
            "the policy; a date the policy fixes may not be given differently (400)."
        ),
    )
    async def create_intake(
        self,
        tenant_scope: Scope,
        actor: Who,
        scheme_id: FromPath[UUID],
        data: JSONBody[IntakeCreate],
    ) -> IntakeOut:
        return await schemes.create_intake(tenant_scope, scheme_id, data, actor=actor)

    @get("/intakes/{intake_id:uuid}", **allow(EVERYONE), summary="One intake with its dates")
    async def show_intake(self, tenant_scope: Scope, intake_id: FromPath[UUID]) -> IntakeOut:
        return await schemes.get_intake(tenant_scope, intake_id)

    @patch(
        "/intakes/{intake_id:uuid}",
        **allow(RUNNERS, 409),
        summary="Correct an intake while nobody has applied; move its dates before it opens",
        description=(
            "Only the fields given change. Dates are planned again from the scheme's "
            "policy (a date it fixes follows the start); they move only before "
            "applications open (409 after), and nothing changes once an application is "
            "stored (409)."
        ),
    )
    async def edit_intake(
        self, tenant_scope: Scope, actor: Who, intake_id: FromPath[UUID], data: JSONBody[IntakeEdit]
    ) -> IntakeOut:
        return await corrections.update_intake(tenant_scope, intake_id, data, actor=actor)

    @delete(
        "/intakes/{intake_id:uuid}",
        **allow(RUNNERS, 409),
        summary="Delete an intake nobody has applied to (409 otherwise)",
    )
    async def delete_intake(
        self, tenant_scope: Scope, actor: Who, intake_id: FromPath[UUID]
    ) -> None:
        await corrections.delete_intake(tenant_scope, intake_id, actor=actor)

    @post(
        "/intakes/{intake_id:uuid}/applications",
        **allow(PARTICIPANTS),
        summary="Apply to an intake as mentor, mentee or peer",
        description=(
            "The scheme's policy decides and its Decision is stored. An ineligible "
            "application, or one outside the window, is a 403 with the policy's reasons and "
            "nothing is stored; a referred one is stored as `referred` for a coordinator."
        ),
    )
    async def apply(
        self,
        tenant_scope: Scope,
        actor: Who,
        intake_id: FromPath[UUID],
        data: JSONBody[ApplicationIn],
    ) -> ApplicationOut:
        return await applications.submit_application(tenant_scope, intake_id, data, actor=actor)

    @get(
        "/intakes/{intake_id:uuid}/applications",
        **allow(EVERYONE),
        summary="An intake's applications (a member sees their own)",
    )
    async def list_applications(
        self,
        tenant_scope: Scope,
        actor: Who,
        intake_id: FromPath[UUID],
        status: ApplicationStatus = None,
    ) -> list[ApplicationOut]:
        return await applications.list_applications(
            tenant_scope, intake_id, actor=actor, status=status
        )

    @get(
        "/applications",
        **allow(EVERYONE),
        summary="Your own applications, in every intake",
    )
    async def my_applications(self, tenant_scope: Scope, actor: Who) -> list[ApplicationOut]:
        return await applications.my_applications(tenant_scope, actor=actor)

    @get(
        "/intakes/{intake_id:uuid}/pairs.csv",
        **allow(READERS),
        media_type=MEDIA_TYPES["csv"],
        summary="The intake's partnerships as CSV",
    )
    async def pairs_csv(self, tenant_scope: Scope, intake_id: FromPath[UUID]) -> Response[bytes]:
        return await _export(tenant_scope, intake_id, "csv")

    @get(
        "/intakes/{intake_id:uuid}/pairs.xlsx",
        **allow(READERS),
        media_type=MEDIA_TYPES["xlsx"],
        summary="The intake's partnerships as XLSX",
    )
    async def pairs_xlsx(self, tenant_scope: Scope, intake_id: FromPath[UUID]) -> Response[bytes]:
        return await _export(tenant_scope, intake_id, "xlsx")

    @get(
        "/applications/{application_id:uuid}",
        **allow(EVERYONE),
        summary="One application with its Decision (a member sees their own)",
    )
    async def show_application(
        self, tenant_scope: Scope, actor: Who, application_id: FromPath[UUID]
    ) -> ApplicationOut:
        return await applications.get_application(tenant_scope, application_id, actor=actor)

    @post(
        "/applications/{application_id:uuid}/admit",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Admit an application the policy referred to a coordinator",
    )
    async def admit(
        self, tenant_scope: Scope, actor: Who, application_id: FromPath[UUID]
    ) -> ApplicationOut:
        return await applications.admit_application(tenant_scope, application_id, actor=actor)

    @post(
        "/applications/{application_id:uuid}/refuse",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Refuse an application the policy referred to a coordinator",
    )
    async def refuse(
        self,
        tenant_scope: Scope,
        actor: Who,
        application_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> ApplicationOut:
        return await applications.refuse_application(
            tenant_scope, application_id, data.reason, actor=actor
        )

    @post(
        "/applications/{application_id:uuid}/withdraw",
        **allow(PARTICIPANTS, 409),
        status_code=200,
        summary="Withdraw an application that is not matched yet",
    )
    async def withdraw_application(
        self,
        tenant_scope: Scope,
        actor: Who,
        application_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> ApplicationOut:
        return await applications.withdraw_application(
            tenant_scope, application_id, data.reason, actor=actor
        )

    @post(
        "/applications/{application_id:uuid}/fee",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Mark a fee charged (only once due) or waived",
    )
    async def set_fee(
        self,
        tenant_scope: Scope,
        actor: Who,
        application_id: FromPath[UUID],
        data: JSONBody[FeeIn],
    ) -> ApplicationOut:
        return await fees.set_fee(tenant_scope, application_id, data.state, data.note, actor=actor)

    @post(
        "/applications/{application_id:uuid}/fee/refund",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Refund a charged fee, with the reason (it is never charged again)",
    )
    async def refund_fee(
        self,
        tenant_scope: Scope,
        actor: Who,
        application_id: FromPath[UUID],
        data: JSONBody[RefundIn],
    ) -> ApplicationOut:
        return await corrections.refund_fee(tenant_scope, application_id, data.reason, actor=actor)

    @post(
        "/intakes/{intake_id:uuid}/match-runs",
        **allow(RUNNERS, 409),
        summary="Run matching over the intake's pool (a draft to review)",
        description=(
            "Informal pairs are pinned, `avoid` lists honoured, the rematch list matched "
            "first. Every pair carries its score and breakdown; everyone unmatched, a reason."
        ),
    )
    async def create_run(
        self, tenant_scope: Scope, actor: Who, intake_id: FromPath[UUID]
    ) -> MatchRunOut:
        return await runs.create_run(tenant_scope, intake_id, actor=actor)

    @get(
        "/intakes/{intake_id:uuid}/match-runs",
        **allow(READERS),
        summary="An intake's match runs, oldest first",
    )
    async def list_runs(self, tenant_scope: Scope, intake_id: FromPath[UUID]) -> list[MatchRunOut]:
        return await runs.list_runs(tenant_scope, intake_id)

    @get("/match-runs/{run_id:uuid}", **allow(READERS), summary="One match run")
    async def show_run(self, tenant_scope: Scope, run_id: FromPath[UUID]) -> MatchRunOut:
        return await runs.get_run(tenant_scope, run_id)

    @get(
        "/match-runs/{run_id:uuid}/pin-choices",
        **allow(RUNNERS),
        summary="Who a draft can pin, by name (its matching pool)",
    )
    async def pin_choices(self, tenant_scope: Scope, run_id: FromPath[UUID]) -> PinChoices:
        return await corrections.pin_choices(tenant_scope, run_id)

    @post(
        "/match-runs/{run_id:uuid}/pins",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Pin two applications together and compute the draft again",
    )
    async def pin(
        self, tenant_scope: Scope, actor: Who, run_id: FromPath[UUID], data: JSONBody[PinIn]
    ) -> MatchRunOut:
        return await runs.pin_pair(tenant_scope, run_id, data.a, data.b, actor=actor)

    @post(
        "/match-runs/{run_id:uuid}/unpin",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Remove a coordinator's pin and compute the draft again",
    )
    async def unpin(
        self, tenant_scope: Scope, actor: Who, run_id: FromPath[UUID], data: JSONBody[PinIn]
    ) -> MatchRunOut:
        return await runs.unpin_pair(tenant_scope, run_id, data.a, data.b, actor=actor)

    @post(
        "/match-runs/{run_id:uuid}/swap",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Swap the partners of two paired applications (both new pairs pinned)",
    )
    async def swap(
        self, tenant_scope: Scope, actor: Who, run_id: FromPath[UUID], data: JSONBody[SwapIn]
    ) -> MatchRunOut:
        return await runs.swap_partners(tenant_scope, run_id, data.first, data.second, actor=actor)

    @post(
        "/match-runs/{run_id:uuid}/rerun",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Compute the draft again over the pool as it is now, keeping its pins",
    )
    async def rerun(self, tenant_scope: Scope, actor: Who, run_id: FromPath[UUID]) -> MatchRunOut:
        return await runs.rerun(tenant_scope, run_id, actor=actor)

    @post(
        "/match-runs/{run_id:uuid}/publish",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Publish the draft: partnerships proposed, both parties notified",
    )
    async def publish(self, tenant_scope: Scope, actor: Who, run_id: FromPath[UUID]) -> MatchRunOut:
        return await runs.publish_run(tenant_scope, run_id, actor=actor)


async def _export(scope: TenantScope, intake_id: UUID, format: str) -> Response[bytes]:
    content, media_type, name = await runs.export_pairs(scope, intake_id, format)
    return attachment(content, media_type, name)


class PartnershipController(TenantRoutes):
    """Partnerships and their transitions; each checks state and role (409 says why)."""

    path = TENANT_PATH + "/mentoring/partnerships"
    tags = ["mentoring"]

    @get("/", **allow(EVERYONE), summary="Partnerships (a member sees their own)")
    async def list_partnerships(
        self,
        tenant_scope: Scope,
        actor: Who,
        intake: Annotated[UUID | None, QueryParameter(description="Only this intake's")] = None,
        in_state: PartnershipState = None,
    ) -> list[PartnershipOut]:
        return await partnerships.list_partnerships(
            tenant_scope, actor=actor, intake_id=intake, state=in_state
        )

    @get("/{partnership_id:uuid}", **allow(EVERYONE), summary="One partnership")
    async def show(
        self, tenant_scope: Scope, actor: Who, partnership_id: FromPath[UUID]
    ) -> PartnershipOut:
        return await partnerships.get_partnership(tenant_scope, partnership_id, actor=actor)

    @post(
        "/{partnership_id:uuid}/accept",
        **allow(PARTICIPANTS, 409),
        status_code=200,
        summary="Accept the partnership agreement and plan (each party; both: accepted)",
    )
    async def accept(
        self, tenant_scope: Scope, actor: Who, partnership_id: FromPath[UUID]
    ) -> PartnershipOut:
        return await partnerships.accept_partnership(tenant_scope, partnership_id, actor=actor)

    @post(
        "/{partnership_id:uuid}/activate",
        **allow(PARTICIPANTS, 409),
        status_code=200,
        summary="Contact has begun: accepted to active",
    )
    async def activate(
        self, tenant_scope: Scope, actor: Who, partnership_id: FromPath[UUID]
    ) -> PartnershipOut:
        return await partnerships.activate_partnership(tenant_scope, partnership_id, actor=actor)

    @post(
        "/{partnership_id:uuid}/midway-review",
        **allow(PARTICIPANTS, 409),
        status_code=200,
        summary="The midway review is done",
    )
    async def midway_review(
        self, tenant_scope: Scope, actor: Who, partnership_id: FromPath[UUID]
    ) -> PartnershipOut:
        return await partnerships.record_midway_review(tenant_scope, partnership_id, actor=actor)

    @post(
        "/{partnership_id:uuid}/complete",
        **allow(PARTICIPANTS, 409),
        status_code=200,
        summary=(
            "The partnership has run its course: from the intake's end date; before it, "
            "a coordinator completes it early, with a reason"
        ),
    )
    async def complete(
        self,
        tenant_scope: Scope,
        actor: Who,
        partnership_id: FromPath[UUID],
        data: JSONBody[CompleteIn | None] = None,
    ) -> PartnershipOut:
        reason = data.reason if data is not None else ""
        return await partnerships.complete_partnership(
            tenant_scope, partnership_id, actor=actor, reason=reason
        )

    @post(
        "/{partnership_id:uuid}/evaluate",
        **allow(PARTICIPANTS, 409),
        status_code=200,
        summary="The end-of-intake evaluation is in",
    )
    async def evaluate(
        self, tenant_scope: Scope, actor: Who, partnership_id: FromPath[UUID]
    ) -> PartnershipOut:
        return await partnerships.record_evaluation(tenant_scope, partnership_id, actor=actor)

    @post(
        "/{partnership_id:uuid}/withdraw",
        **allow(PARTICIPANTS, 409),
        status_code=200,
        summary="Formal withdrawal by a party, with reason; the other party is rematched first",
    )
    async def withdraw(
        self,
        tenant_scope: Scope,
        actor: Who,
        partnership_id: FromPath[UUID],
        data: JSONBody[ReasonIn],
    ) -> PartnershipOut:
        return await partnerships.withdraw_from_partnership(
            tenant_scope, partnership_id, data.reason, actor=actor
        )

    @post(
        "/{partnership_id:uuid}/terminate",
        **allow(RUNNERS, 409),
        status_code=200,
        summary="Terminate for a code-of-conduct breach (coordinator)",
    )
    async def terminate(
        self,
        tenant_scope: Scope,
        actor: Who,
        partnership_id: FromPath[UUID],
        data: JSONBody[TerminateIn],
    ) -> PartnershipOut:
        return await partnerships.terminate_partnership(
            tenant_scope, partnership_id, data.reason, data.in_breach, actor=actor
        )


ROUTES: list[Any] = [SchemeController, PartnershipController]
