"""HTTP routes of participation: thin handlers over the room's service.

Routes on a partnership admit every role at the tenant wall, because any member may
be a party to one; the service then lets through only the two parties and the
tenant's staff (others get 404, as for a partnership that does not exist), and lets
only the parties act as participants. Certificates are checked by anyone at
`/verify/certificates/{code}`, outside the tenant wall and without signing in.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from litestar import Request, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Response

from registry.audit.ledger import Actor
from registry.http.files import SpreadsheetOperation, attachment
from registry.http.problems import problem_responses
from registry.http.tenancy import TENANT_PATH, TenantRoutes, allow
from registry.participation import service
from registry.participation.schemas import (
    CertificateOut,
    FlagOut,
    HoursOut,
    MeetingIn,
    MeetingOut,
    NotesIn,
    ResponseIn,
    RevokeIn,
    RunOut,
    SurveyOut,
    VerificationOut,
)
from registry.spreadsheet import MEDIA_TYPES
from tenants.roles import ALL_ROLES, Role
from tenants.scope import TenantScope

#: Any member may be a party; the service narrows to parties and staff.
EVERYONE = ALL_ROLES
ISSUERS = (Role.ADMIN, Role.COORDINATOR)
FLAG_READERS = (Role.ADMIN, Role.COORDINATOR, Role.EXECUTIVE, Role.AUDITOR)
#: A partnership lives at the mentoring room's URL; its meetings, hours, surveys
#: and certificates hang below it.
PARTNERSHIP = "/mentoring/partnerships/{partnership_id:uuid}"
CALENDAR = "text/calendar; charset=utf-8"
OptionalId = Annotated[UUID | None, QueryParameter(description="only this scheme or intake")]


class ParticipationController(TenantRoutes):
    """Meetings, hours, surveys, flags and certificates of a tenant's partnerships."""

    path = TENANT_PATH
    tags = ["participation"]

    # --- meetings -------------------------------------------------------------------

    @get(PARTNERSHIP + "/meetings", **allow(EVERYONE), summary="A partnership's meetings")
    async def list_meetings(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partnership_id: FromPath[UUID],
    ) -> list[MeetingOut]:
        return await service.list_meetings(tenant_scope, partnership_id, actor)

    @post(
        PARTNERSHIP + "/meetings",
        **allow(EVERYONE, 409),
        summary="Log a meeting held (a party of the partnership)",
        description=(
            "It counts for both parties. `notes` are private: encrypted with the tenant's "
            "data key and shown only to whoever wrote them. 409 when the partnership is "
            "not accepted, active or completed, or certificates were already issued."
        ),
    )
    async def log_meeting(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partnership_id: FromPath[UUID],
        data: JSONBody[MeetingIn],
    ) -> MeetingOut:
        return await service.log_meeting(
            tenant_scope,
            partnership_id,
            held_on=data.held_on,
            minutes=data.minutes,
            mode=data.mode,
            notes=data.notes,
            actor=actor,
        )

    @get("/meetings/{meeting_id:uuid}", **allow(EVERYONE), summary="One meeting")
    async def get_meeting(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[UUID],
    ) -> MeetingOut:
        return await service.get_meeting(tenant_scope, meeting_id, actor)

    @put(
        "/meetings/{meeting_id:uuid}/notes",
        **allow(EVERYONE),
        summary="Set (or with empty text remove) your own private notes on a meeting",
    )
    async def set_notes(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[UUID],
        data: JSONBody[NotesIn],
    ) -> MeetingOut:
        return await service.set_notes(tenant_scope, meeting_id, data.notes, actor=actor)

    @delete(
        "/meetings/{meeting_id:uuid}",
        **allow(EVERYONE, 409),
        summary="Delete a meeting you logged by mistake",
    )
    async def delete_meeting(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        meeting_id: FromPath[UUID],
    ) -> None:
        await service.delete_meeting(tenant_scope, meeting_id, actor=actor)

    @get(
        PARTNERSHIP + "/calendar",
        **allow(EVERYONE),
        media_type=CALENDAR,
        summary="The partnership's meetings as an iCalendar (.ics) file",
    )
    async def calendar(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partnership_id: FromPath[UUID],
    ) -> Response[bytes]:
        data = await service.meetings_ics(tenant_scope, partnership_id, actor)
        return attachment(data, CALENDAR, f"meetings-{partnership_id}.ics")

    # --- hours ----------------------------------------------------------------------

    @get(
        PARTNERSHIP + "/hours",
        **allow(EVERYONE),
        summary="Both parties' hours, each in their professional-development category",
    )
    async def partnership_hours(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partnership_id: FromPath[UUID],
    ) -> list[HoursOut]:
        return await service.partnership_hours(tenant_scope, partnership_id, actor)

    @get(
        "/hours",
        **allow(EVERYONE),
        summary="Hours per person and partnership (yours; everyone's for staff)",
    )
    async def hours(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        scheme_id: OptionalId = None,
        intake_id: OptionalId = None,
    ) -> list[HoursOut]:
        return await service.hours_report(
            tenant_scope, actor, scheme_id=scheme_id, intake_id=intake_id
        )

    @get(
        "/hours/export",
        **allow(EVERYONE),
        media_type=MEDIA_TYPES["csv"],
        operation_class=SpreadsheetOperation,
        summary="Hours per person as CSV or XLSX (yours; everyone's for staff)",
    )
    async def export_hours(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        format: Annotated[
            Literal["csv", "xlsx"], QueryParameter(description="csv (default) or xlsx")
        ] = "csv",
        scheme_id: OptionalId = None,
        intake_id: OptionalId = None,
    ) -> Response[bytes]:
        data = await service.export_hours_file(
            tenant_scope, actor, format, scheme_id=scheme_id, intake_id=intake_id
        )
        return attachment(data, MEDIA_TYPES[format], f"hours-{tenant_scope.slug}.{format}")

    # --- surveys --------------------------------------------------------------------

    @get(
        PARTNERSHIP + "/surveys",
        **allow(EVERYONE),
        summary="The midway review and evaluation surveys of a partnership",
    )
    async def list_surveys(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partnership_id: FromPath[UUID],
    ) -> list[SurveyOut]:
        return await service.list_surveys(tenant_scope, partnership_id, actor)

    @get("/surveys/{survey_id:uuid}", **allow(EVERYONE), summary="One survey and its questions")
    async def get_survey(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        survey_id: FromPath[UUID],
    ) -> SurveyOut:
        return await service.get_survey(tenant_scope, survey_id, actor)

    @post(
        "/surveys/{survey_id:uuid}/responses",
        **allow(EVERYONE, 409),
        summary="Answer a survey (once, a party of the partnership)",
        description="`answers` keyed by question id; a bad answer is a 400 naming "
        "`answers.<question>`; 409 when you already answered.",
    )
    async def answer_survey(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        survey_id: FromPath[UUID],
        data: JSONBody[ResponseIn],
    ) -> SurveyOut:
        return await service.answer_survey(tenant_scope, survey_id, data.answers, actor=actor)

    # --- flags and the daily job ----------------------------------------------------

    @get(
        "/participation/flags",
        **allow(FLAG_READERS),
        summary="Partnerships flagged to the coordinator (60 days without a meeting)",
    )
    async def flags(
        self,
        tenant_scope: NamedDependency[TenantScope],
        include_resolved: Annotated[bool, QueryParameter(description="also closed flags")] = False,
    ) -> list[FlagOut]:
        return await service.list_flags(tenant_scope, open_only=not include_resolved)

    @post(
        "/participation/daily-run",
        **allow(ISSUERS),
        status_code=200,
        summary="Run today's participation job now (flags, surveys opening, reminders)",
        description="The same job `accord participation daily` runs from cron; idempotent.",
    )
    async def daily_run(
        self, tenant_scope: NamedDependency[TenantScope], actor: NamedDependency[Actor]
    ) -> RunOut:
        return await service.run_daily(tenant_scope, actor=actor)

    # --- certificates ---------------------------------------------------------------

    @post(
        PARTNERSHIP + "/certificates",
        **allow(ISSUERS, 409),
        summary="Issue signed certificates of participation to both parties",
        description="Only for a completed or evaluated partnership (409 otherwise, and "
        "when both parties already hold a current one).",
    )
    async def issue_certificates(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        partnership_id: FromPath[UUID],
    ) -> list[CertificateOut]:
        return await service.issue_certificates(tenant_scope, partnership_id, actor=actor)

    @get("/certificates", **allow(EVERYONE), summary="Certificates (yours; all for staff)")
    async def list_certificates(
        self, tenant_scope: NamedDependency[TenantScope], actor: NamedDependency[Actor]
    ) -> list[CertificateOut]:
        return await service.list_certificates(tenant_scope, actor)

    @get("/certificates/{certificate_id:uuid}", **allow(EVERYONE), summary="One certificate")
    async def get_certificate(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        certificate_id: FromPath[UUID],
    ) -> CertificateOut:
        return await service.get_certificate(tenant_scope, certificate_id, actor)

    @get(
        "/certificates/{certificate_id:uuid}/pdf",
        **allow(EVERYONE, 409),
        media_type="application/pdf",
        summary="The certificate as a PDF",
    )
    async def certificate_pdf(
        self,
        request: Request[Any, Any, Any],
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        certificate_id: FromPath[UUID],
    ) -> Response[bytes]:
        name, data = await service.certificate_pdf(
            tenant_scope, certificate_id, actor, str(request.base_url)
        )
        return attachment(data, "application/pdf", name)

    @post(
        "/certificates/{certificate_id:uuid}/revoke",
        **allow(ISSUERS, 409),
        status_code=200,
        summary="Revoke a certificate, saying why",
    )
    async def revoke_certificate(
        self,
        tenant_scope: NamedDependency[TenantScope],
        actor: NamedDependency[Actor],
        certificate_id: FromPath[UUID],
        data: JSONBody[RevokeIn],
    ) -> CertificateOut:
        return await service.revoke_certificate(
            tenant_scope, certificate_id, data.reason, actor=actor
        )


@get(
    "/verify/certificates/{code:str}",
    tags=["participation"],
    exclude_from_auth=True,
    summary="Check a certificate of participation (public, no sign-in)",
    description=(
        "Who, what, hours and when, and whether the certificate is valid: `status` is "
        "valid, revoked or tampered (the stored facts no longer match their Ed25519 "
        "signature by the association's key). An unknown code is a 404."
    ),
    responses=problem_responses(404),
)
async def verify_certificate(code: FromPath[str]) -> VerificationOut:
    return await service.verify_certificate(code)


ROUTES: list[Any] = [ParticipationController, verify_certificate]
