"""Participation: meetings and private notes, hours, surveys, the daily job (60-day
flags, surveys opening, reminders) and certificates, always through a `TenantScope`.

Every change runs in one `write_transaction()` with its audit event; the tenant's
audit chain head is locked first, which also serialises the tenant's writers, so a
check ("not answered yet", "no open flag") and the write after it cannot interleave
with another request's. Private notes are encrypted with the tenant's data key
before they reach the database and never enter the audit log.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

from piccolo.table import Table

from registry.audit.canonical import loads_canonical
from registry.audit.ledger import Actor, lock_head
from registry.mentoring.partnerships import (
    activate_partnership,
    complete_partnership,
    record_evaluation,
    record_midway_review,
)
from registry.mentoring.tables import MentoringIntake, MentoringPartnership, MentoringScheme
from registry.notifications.service import notify, people_with_role
from registry.participation import access
from registry.participation.access import PartnershipView, require_party
from registry.participation.calendar import CalendarMeeting, meetings_calendar
from registry.participation.certificates import (
    VERIFY_PATH,
    CertificateFacts,
    actual_period,
    evaluation_required,
    hours_text,
    new_code,
    normalise_code,
    render_pdf,
    verdict,
)
from registry.participation.exports import ExportFormat, HoursLine, export_hours
from registry.participation.flags import staleness
from registry.participation.hours import (
    Attendance,
    PersonHours,
    check_day_total,
    check_meeting_length,
    roll_up,
)
from registry.participation.schemas import (
    CertificateOut,
    FlagOut,
    HoursOut,
    MeetingOut,
    QuestionOut,
    ResponseOut,
    RunOut,
    SurveyOut,
    VerificationOut,
)
from registry.participation.surveys import (
    SURVEY_KINDS,
    SurveyKind,
    SurveyWindow,
    questions_for,
    survey_window,
    validate_answers,
)
from registry.participation.tables import (
    Certificate,
    Flag,
    Meeting,
    MeetingNote,
    Survey,
    SurveyResponse,
)
from tenants import clock, keys
from tenants.database import as_uuid, fetch, write_transaction
from tenants.errors import Conflict, Forbidden, InvalidInput, NotFound
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.tables import Person, Tenant

log = logging.getLogger(__name__)

FLAG_KIND = "no_meeting_60_days"
T = TypeVar("T", bound=Table)


def _note_context(note_id: UUID) -> str:
    return f"participation_meeting_note:{note_id}"


# --- the partnership's own state --------------------------------------------------------

Step = Callable[..., Awaitable[Any]]


async def _advance(
    scope: TenantScope, partnership_id: UUID, steps: tuple[Step, ...], actor: Actor
) -> None:
    """Move the partnership on through the mentoring room's own transitions (which
    check its state and the actor and record their audit events), after what caused it
    has been stored. When its rules refuse (say, the intake has ended), the partnership
    stays as it is and the coordinator moves it by hand; what was logged stands."""
    for step in steps:
        try:
            await step(scope, partnership_id, actor=actor)
        except Conflict as refused:
            log.info("partnership %s stays as it is: %s", partnership_id, refused.detail)
            return


# --- meetings ---------------------------------------------------------------------------


async def _my_notes(scope: TenantScope, meeting_ids: list[UUID], actor: Actor) -> dict[UUID, str]:
    """The actor's own notes on these meetings, decrypted; nobody else's is read."""
    if actor.person_id is None or not meeting_ids:
        return {}
    rows = await scope.objects(MeetingNote).where(
        MeetingNote.meeting.is_in(meeting_ids) & (MeetingNote.author == actor.person_id)
    )
    found: dict[UUID, str] = {}
    for note in rows:
        plain = await keys.decrypt(scope.tenant_id, str(note.ciphertext), _note_context(note.id))
        found[as_uuid(note.meeting)] = plain.decode()
    return found


def _meeting_out(row: Meeting, notes: dict[UUID, str]) -> MeetingOut:
    return MeetingOut(
        id=row.id,
        partnership_id=as_uuid(row.partnership),
        held_on=row.held_on,
        minutes=int(row.minutes),
        mode=str(row.mode),
        logged_by=as_uuid(row.logged_by),
        created_at=row.created_at,
        my_notes=notes.get(row.id),
    )


async def _has_current_certificate(scope: TenantScope, partnership_id: UUID) -> bool:
    count = await scope.count(Certificate).where(
        (Certificate.partnership == partnership_id) & Certificate.revoked_at.is_null()
    )
    return bool(count)


def _check_meeting_day(view: PartnershipView, held_on: date, today: date, zone: str) -> None:
    """A meeting of the pair is held between the partnership's start (the intake's,
    or both parties' acceptance when later) and the day it ended, and not in the
    future; InvalidInput naming `held_on` otherwise."""
    earliest = view.met_from(zone)
    if held_on > today:
        raise InvalidInput(
            "held_on", f"{held_on.isoformat()} is in the future (today is {today.isoformat()})"
        )
    if held_on < earliest:
        raise InvalidInput(
            "held_on", f"the partnership began on {earliest.isoformat()}; this is before it"
        )
    if held_on > view.last_day:
        ended = "completed" if view.completed_on is not None else "the intake ended"
        raise InvalidInput(
            "held_on",
            f"{held_on.isoformat()} is after the partnership ended ({ended} on "
            f"{view.last_day.isoformat()}); nothing continues past it",
        )


#: One person's minutes of meetings on one day, in every partnership of the tenant
#: they are a party to (a meeting counts for both parties).
DAY_MINUTES_SQL = (
    "SELECT COALESCE(SUM(m.minutes), 0) AS minutes FROM participation_meeting m"
    " JOIN mentoring_partnership x ON x.id = m.partnership"
    " WHERE m.tenant = {tenant} AND m.held_on = {}"
    " AND (x.person_a = {} OR x.person_b = {})"
)


async def _check_day_totals(
    scope: TenantScope, view: PartnershipView, held_on: date, minutes: int
) -> None:
    """Neither party would have more than 24 hours of meetings on the day (inside the
    caller's transaction, after the tenant's writers are serialised)."""
    names = await _names(view.parties)
    for person in view.parties:
        rows = await scope.rows(DAY_MINUTES_SQL, held_on, person, person)
        logged = int(rows[0]["minutes"] or 0) if rows else 0
        check_day_total(names.get(person, (str(person), ""))[0], held_on, logged, minutes)


async def _write_note(scope: TenantScope, meeting_id: UUID, author: UUID, notes: str) -> bool:
    """Set (or with empty text remove) the author's note; whether one exists after."""
    existing = (
        await scope.objects(MeetingNote)
        .where((MeetingNote.meeting == meeting_id) & (MeetingNote.author == author))
        .first()
    )
    if not notes.strip():
        if existing is not None:
            await scope.delete(MeetingNote).where(MeetingNote.id == existing.id)
        return False
    note_id = existing.id if existing is not None else uuid.uuid4()
    ciphertext = await keys.encrypt(scope.tenant_id, notes.encode(), _note_context(note_id))
    if existing is None:
        await scope.create(
            MeetingNote,
            id=note_id,
            meeting=meeting_id,
            author=author,
            ciphertext=ciphertext,
            updated_at=datetime.now(UTC),
        )
    else:
        await scope.update(
            MeetingNote,
            {MeetingNote.ciphertext: ciphertext, MeetingNote.updated_at: datetime.now(UTC)},
        ).where(MeetingNote.id == note_id)
    return True


async def log_meeting(
    scope: TenantScope,
    partnership_id: UUID | str,
    *,
    held_on: date,
    minutes: int,
    mode: str,
    notes: str | None = None,
    actor: Actor,
    today: date | None = None,
) -> MeetingOut:
    """A party logs a meeting held; it counts for both parties and clears a 60-day flag."""
    zone = await clock.zone_name(scope)
    today = today or clock.today_in(zone)
    view = await access.partnership(scope, partnership_id, actor)
    person = require_party(view, actor, "log its meetings")
    if view.state not in access.MEETING_STATES:
        raise Conflict(
            f"meetings are logged for an accepted, active or completed partnership; "
            f"this one is {view.state.replace('_', ' ')}"
        )
    check_meeting_length(minutes)
    _check_meeting_day(view, held_on, today, zone)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        if await _has_current_certificate(scope, view.id):
            raise Conflict(
                "certificates were issued on the hours as they stood; revoke them to log more"
            )
        await _check_day_totals(scope, view, held_on, minutes)
        row = await scope.create(
            Meeting,
            partnership=view.id,
            logged_by=person,
            held_on=held_on,
            minutes=minutes,
            mode=mode,
            created_at=datetime.now(UTC),
        )
        has_notes = await _write_note(scope, row.id, person, notes or "")
        await actor.record(
            scope.tenant_id,
            "meeting.logged",
            "meeting",
            row.id,
            {
                "partnership": [None, str(view.id)],
                "held_on": [None, held_on.isoformat()],
                "minutes": [None, minutes],
                "mode": [None, mode],
                "private_notes": [None, has_notes],
            },
        )
        if not staleness(
            today=today, last_meeting_on=held_on, starts_on=view.starts_on, accepted_on=None
        ).stale:
            # A meeting from long ago, logged late, leaves the pair as quiet as it was.
            await _resolve_flags(
                scope, view.id, f"a meeting held on {held_on.isoformat()} was logged"
            )
    if view.state == "accepted":
        # The first meeting is the contact that makes an accepted partnership active,
        # from the day it was held.
        activate = functools.partial(activate_partnership, first_day=held_on)
        await _advance(scope, view.id, (activate,), actor)
    return _meeting_out(row, {row.id: notes} if has_notes and notes else {})


async def _in_partnership(
    scope: TenantScope, table: type[T], object_id: UUID | str, what: str, actor: Actor
) -> tuple[T, PartnershipView]:
    """A row that belongs to a partnership, if the actor may see the partnership; a
    row of someone else's partnership is as unknown as a row that does not exist."""
    row = await scope.get(table, object_id, what)
    try:
        view = await access.partnership(scope, as_uuid(row.partnership), actor)  # type: ignore[attr-defined]
    except NotFound:
        name = table._meta.tablename.replace("_", " ")
        raise NotFound(f"no {name} {object_id}") from None
    return row, view


async def _meeting(
    scope: TenantScope, meeting_id: UUID | str, actor: Actor
) -> tuple[Meeting, PartnershipView]:
    return await _in_partnership(scope, Meeting, meeting_id, "meeting_id", actor)


async def get_meeting(scope: TenantScope, meeting_id: UUID | str, actor: Actor) -> MeetingOut:
    row, _ = await _meeting(scope, meeting_id, actor)
    return _meeting_out(row, await _my_notes(scope, [row.id], actor))


async def list_meetings(
    scope: TenantScope, partnership_id: UUID | str, actor: Actor
) -> list[MeetingOut]:
    """The partnership's meetings, oldest first, with the caller's own notes."""
    view = await access.partnership(scope, partnership_id, actor)
    rows = await _meetings_of(scope, view.id)
    notes = await _my_notes(scope, [r.id for r in rows], actor)
    return [_meeting_out(r, notes) for r in rows]


async def _meetings_of(scope: TenantScope, partnership_id: UUID) -> list[Meeting]:
    return await (
        scope.objects(Meeting)
        .where(Meeting.partnership == partnership_id)
        .order_by(Meeting.held_on)
        .order_by(Meeting.created_at)
    )


async def set_notes(
    scope: TenantScope, meeting_id: UUID | str, notes: str, *, actor: Actor
) -> MeetingOut:
    """A party sets (or, with empty text, removes) their own private notes."""
    row, view = await _meeting(scope, meeting_id, actor)
    person = require_party(view, actor, "keep notes on its meetings")
    async with write_transaction():
        await lock_head(scope.tenant_id)
        has_notes = await _write_note(scope, row.id, person, notes)
        await actor.record(
            scope.tenant_id,
            "meeting.notes_changed",
            "meeting",
            row.id,
            {"private_notes": [None, has_notes]},
        )
    return _meeting_out(row, {row.id: notes} if has_notes else {})


async def delete_meeting(scope: TenantScope, meeting_id: UUID | str, *, actor: Actor) -> None:
    """Whoever logged a meeting may take it back (a mistake), with its notes, unless
    certificates were issued on the hours."""
    row, view = await _meeting(scope, meeting_id, actor)
    require_party(view, actor, "correct its meetings")
    if actor.person_id != as_uuid(row.logged_by):
        raise Forbidden("only the party who logged a meeting may delete it")
    async with write_transaction():
        await lock_head(scope.tenant_id)
        if await _has_current_certificate(scope, view.id):
            raise Conflict("certificates were issued on these hours; revoke them first")
        await scope.delete(MeetingNote).where(MeetingNote.meeting == row.id)
        await scope.delete(Meeting).where(Meeting.id == row.id)
        await actor.record(
            scope.tenant_id,
            "meeting.deleted",
            "meeting",
            row.id,
            {
                "held_on": [row.held_on.isoformat(), None],
                "minutes": [int(row.minutes), None],
            },
        )


async def meetings_ics(scope: TenantScope, partnership_id: UUID | str, actor: Actor) -> bytes:
    view = await access.partnership(scope, partnership_id, actor)
    rows = await _meetings_of(scope, view.id)
    events = [
        CalendarMeeting(r.id, r.held_on, int(r.minutes), str(r.mode), r.created_at) for r in rows
    ]
    return meetings_calendar(events, title=view.title, host=f"{scope.slug}.accord")


# --- hours ------------------------------------------------------------------------------


async def _names(ids: Iterable[UUID]) -> dict[UUID, tuple[str, str]]:
    """(name, email) of people; Person is not tenant-scoped, ids come from scoped rows."""
    wanted = list(set(ids))
    if not wanted:
        return {}
    rows = await Person.select(Person.id, Person.name, Person.email).where(Person.id.is_in(wanted))
    return {as_uuid(r["id"]): (str(r["name"] or r["email"]), str(r["email"])) for r in rows}


async def _minutes_by_partnership(
    scope: TenantScope, partnership_ids: list[UUID]
) -> dict[UUID, list[int]]:
    """The minutes of each meeting of each partnership."""
    if not partnership_ids:
        return {}
    rows = await scope.select(Meeting, Meeting.partnership, Meeting.minutes).where(
        Meeting.partnership.is_in(partnership_ids)
    )
    found: dict[UUID, list[int]] = defaultdict(list)
    for r in rows:
        found[as_uuid(r["partnership"])].append(int(r["minutes"]))
    return found


async def _hours(
    scope: TenantScope, views: list[PartnershipView], only_person: UUID | None
) -> list[tuple[PersonHours, PartnershipView, str]]:
    """Each party's hours in each partnership (or only `only_person`'s), with their
    e-mail. Every meeting counts for both parties."""
    meetings = await _minutes_by_partnership(scope, [v.id for v in views])
    names = await _names(p for v in views for p in v.parties)
    by_id = {v.id: v for v in views}
    attendances: dict[UUID, list[Attendance]] = defaultdict(list)
    for pair_id, view in by_id.items():
        scheme_id = as_uuid(view.scheme.id)
        for person in view.parties:
            if only_person is not None and person != only_person:
                continue
            role = view.role_of(person) or "peer"
            name = names.get(person, (str(person), ""))[0]
            # A 0-minute entry makes a party without meetings appear with 0 hours.
            attendances[scheme_id].extend(
                Attendance(person, name, role, pair_id, minutes)
                for minutes in meetings.get(pair_id) or [0]
            )
    out: list[tuple[PersonHours, PartnershipView, str]] = []
    for view in views:
        scheme_id = as_uuid(view.scheme.id)
        if scheme_id not in attendances:
            continue
        policy = await access.scheme_policy(scope, view.scheme)
        for row in roll_up(attendances.pop(scheme_id), policy):
            out.append((row, by_id[row.partnership_id], names.get(row.person_id, ("", ""))[1]))
    return out


def _hours_out(item: tuple[PersonHours, PartnershipView, str]) -> HoursOut:
    h, view, _ = item
    return HoursOut(
        person_id=h.person_id,
        name=h.name,
        role=h.role,
        partnership_id=h.partnership_id,
        scheme=str(view.scheme.name),
        intake=str(view.intake.name),
        meetings=h.meetings,
        minutes=h.minutes,
        hours=h.hours,
        pd_scheme=h.cpd.scheme,
        category=h.cpd.category,
        recommended_min_hours=h.cpd.recommended_min_hours,
        minimum_met=h.minimum_met,
        hours_to_minimum=h.hours_to_minimum,
    )


async def partnership_hours(
    scope: TenantScope, partnership_id: UUID | str, actor: Actor
) -> list[HoursOut]:
    """Both parties' hours in the partnership, each in their own PD category."""
    view = await access.partnership(scope, partnership_id, actor)
    return [_hours_out(item) for item in await _hours(scope, [view], None)]


async def _visible_partnerships(
    scope: TenantScope,
    actor: Actor,
    scheme_id: UUID | None = None,
    intake_id: UUID | None = None,
) -> list[PartnershipView]:
    """Partnerships past the proposal, the actor's own unless staff, by scheme/intake."""
    query = scope.objects(MentoringPartnership).where(MentoringPartnership.state != "proposed")
    if not access.is_staff(actor):
        me = actor.person_id
        if me is None:
            return []
        query = query.where(
            (MentoringPartnership.person_a == me) | (MentoringPartnership.person_b == me)
        )
    if intake_id is not None:
        query = query.where(MentoringPartnership.intake == intake_id)
    rows = await query.order_by(MentoringPartnership.created_at)
    if not rows:
        return []
    intakes = {
        i.id: i
        for i in await scope.objects(MentoringIntake).where(
            MentoringIntake.id.is_in([r.intake for r in rows])
        )
    }
    schemes = {s.id: s for s in await scope.objects(MentoringScheme)}
    views = [PartnershipView(r, intakes[r.intake], schemes[intakes[r.intake].scheme]) for r in rows]
    if scheme_id is not None:
        views = [v for v in views if v.scheme.id == scheme_id]
    return views


async def hours_report(
    scope: TenantScope,
    actor: Actor,
    *,
    scheme_id: UUID | None = None,
    intake_id: UUID | None = None,
) -> list[HoursOut]:
    """Hours per person and partnership: staff see everyone's, a participant their own."""
    return [_hours_out(item) for item in await _report(scope, actor, scheme_id, intake_id)]


async def _report(
    scope: TenantScope, actor: Actor, scheme_id: UUID | None, intake_id: UUID | None
) -> list[tuple[PersonHours, PartnershipView, str]]:
    views = await _visible_partnerships(scope, actor, scheme_id, intake_id)
    only = None if access.is_staff(actor) else actor.person_id
    items = await _hours(scope, views, only)
    items.sort(key=lambda i: (i[0].name.casefold(), str(i[1].intake.name), str(i[0].person_id)))
    return items


async def export_hours_file(
    scope: TenantScope,
    actor: Actor,
    format: ExportFormat,
    *,
    scheme_id: UUID | None = None,
    intake_id: UUID | None = None,
) -> bytes:
    items = await _report(scope, actor, scheme_id, intake_id)
    lines = [HoursLine(h, email, str(v.scheme.name), str(v.intake.name)) for h, v, email in items]
    return export_hours(lines, format)


# --- surveys ----------------------------------------------------------------------------


def _window(view: PartnershipView, kind: SurveyKind) -> SurveyWindow:
    """The survey's dates from the intake's (the policy's); a partnership completed
    early is evaluated from the day it completed, with the same time to answer."""
    due_on = access.as_day(view.intake.evaluation_due_on)
    if kind == "evaluation" and view.completed_early and view.completed_on is not None:
        return survey_window(
            kind,
            midway_review_on=access.as_day(view.intake.midway_review_on),
            ends_on=view.completed_on,
            evaluation_due_on=view.completed_on + (due_on - view.ends_on),
        )
    return survey_window(
        kind,
        midway_review_on=access.as_day(view.intake.midway_review_on),
        ends_on=view.ends_on,
        evaluation_due_on=due_on,
    )


async def _questions(
    scope: TenantScope, view: PartnershipView, kind: SurveyKind
) -> list[QuestionOut]:
    policy = await access.scheme_policy(scope, view.scheme)
    return [
        QuestionOut(id=q.id, text=q.text, kind=q.kind, required=q.required, options=list(q.options))
        for q in questions_for(policy.name if policy else "", kind)
    ]


def _stored_window(row: Survey, kind: SurveyKind) -> SurveyWindow:
    return SurveyWindow(kind, access.as_day(row.opens_on), access.as_day(row.due_on))


def _response_out(row: SurveyResponse, due_on: date, zone: str) -> ResponseOut:
    return ResponseOut(
        person_id=as_uuid(row.person),
        role=str(row.role),
        answers=_answers(row.answers),
        submitted_at=row.submitted_at,
        late=clock.local_day(row.submitted_at, zone) > due_on,
    )


def _answers(value: Any) -> dict[str, Any]:
    """A JSON column as stored: a dict on PostgreSQL, its text on SQLite."""
    loaded = json.loads(value) if isinstance(value, str) else value
    return dict(loaded or {})


async def _survey_out(
    scope: TenantScope,
    view: PartnershipView,
    kind: SurveyKind,
    row: Survey | None,
    actor: Actor,
    today: date,
) -> SurveyOut:
    # An opened survey keeps the dates it was opened with, whatever the intake says now.
    window = _window(view, kind) if row is None else _stored_window(row, kind)
    responses: list[SurveyResponse] = []
    if row is not None:
        responses = await scope.objects(SurveyResponse).where(SurveyResponse.survey == row.id)
    answered_by = [as_uuid(r.person) for r in responses]
    mine = actor.person_id is not None and actor.person_id in answered_by
    shown = [r for r in responses if access.is_staff(actor) or as_uuid(r.person) == actor.person_id]
    # A survey is open only once the daily job has opened it (and told the parties).
    status = "not_open" if row is None else window.status(today, mine)
    zone = await clock.zone_name(scope) if shown else "UTC"
    return SurveyOut(
        id=None if row is None else row.id,
        partnership_id=view.id,
        kind=kind,
        opens_on=window.opens_on,
        due_on=window.due_on,
        status=status,
        answered_by=answered_by,
        questions=await _questions(scope, view, kind),
        responses=[_response_out(r, window.due_on, zone) for r in shown],
    )


async def list_surveys(
    scope: TenantScope, partnership_id: UUID | str, actor: Actor, today: date | None = None
) -> list[SurveyOut]:
    """The midway review and the evaluation of the partnership, opened or not yet."""
    today = today or await clock.today(scope)
    view = await access.partnership(scope, partnership_id, actor)
    rows = {
        str(r.kind): r for r in await scope.objects(Survey).where(Survey.partnership == view.id)
    }
    return [await _survey_out(scope, view, k, rows.get(k), actor, today) for k in SURVEY_KINDS]


async def _survey(
    scope: TenantScope, survey_id: UUID | str, actor: Actor
) -> tuple[Survey, PartnershipView]:
    return await _in_partnership(scope, Survey, survey_id, "survey_id", actor)


async def get_survey(
    scope: TenantScope, survey_id: UUID | str, actor: Actor, today: date | None = None
) -> SurveyOut:
    row, view = await _survey(scope, survey_id, actor)
    kind: SurveyKind = "midway" if row.kind == "midway" else "evaluation"
    return await _survey_out(scope, view, kind, row, actor, today or await clock.today(scope))


async def answer_survey(
    scope: TenantScope,
    survey_id: UUID | str,
    answers: dict[str, Any],
    *,
    actor: Actor,
    today: date | None = None,
) -> SurveyOut:
    """A party answers the survey once; late answers are kept (and marked late)."""
    today = today or await clock.today(scope)
    row, view = await _survey(scope, survey_id, actor)
    person = require_party(view, actor, "answer its surveys")
    if view.state in ("withdrawn", "terminated"):
        raise Conflict(f"the partnership was {view.state}; its surveys are closed")
    kind: SurveyKind = "midway" if row.kind == "midway" else "evaluation"
    questions = questions_for(
        (p.name if (p := await access.scheme_policy(scope, view.scheme)) else ""), kind
    )
    clean = validate_answers(questions, answers)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        done = await scope.count(SurveyResponse).where(
            (SurveyResponse.survey == row.id) & (SurveyResponse.person == person)
        )
        if done:
            raise Conflict(f"you already answered this {kind} survey")
        await scope.create(
            SurveyResponse,
            survey=row.id,
            person=person,
            role=view.role_of(person) or "peer",
            answers=clean,
            submitted_at=datetime.now(UTC),
        )
        await actor.record(
            scope.tenant_id,
            "survey.answered",
            "survey",
            row.id,
            {"kind": [None, kind], "questions_answered": [None, len(clean)]},
        )
        answers_in = await scope.count(SurveyResponse).where(SurveyResponse.survey == row.id)
    if answers_in == len(set(view.parties)):
        await _advance(scope, view.id, _REVIEWED[kind].get(view.state, ()), actor)
    return await _survey_out(scope, view, kind, row, actor, today)


#: Once both parties have answered: the mentoring transitions that follow, by state.
#: Both answering the end-of-intake evaluation of a pair never marked completed
#: completes it first.
_REVIEWED: dict[str, dict[str, tuple[Step, ...]]] = {
    "midway": {"active": (record_midway_review,)},
    "evaluation": {
        "active": (complete_partnership, record_evaluation),
        "midway_review_done": (complete_partnership, record_evaluation),
        "completed": (record_evaluation,),
    },
}


# --- the daily job: flags, surveys opening, reminders -----------------------------------


def _flag_out(row: Flag) -> FlagOut:
    return FlagOut(
        id=row.id,
        partnership_id=as_uuid(row.partnership),
        kind=str(row.kind),
        quiet_since=row.quiet_since,
        raised_on=row.raised_on,
        resolved_at=row.resolved_at,
        resolution=str(row.resolution),
    )


async def list_flags(scope: TenantScope, *, open_only: bool = True) -> list[FlagOut]:
    query = scope.objects(Flag)
    if open_only:
        query = query.where(Flag.resolved_at.is_null())
    rows = await query.order_by(Flag.raised_at)
    return [_flag_out(r) for r in rows]


async def _resolve_flags(scope: TenantScope, partnership_id: UUID, resolution: str) -> int:
    """Close the partnership's open flags (inside the caller's transaction)."""
    open_flags = await scope.objects(Flag).where(
        (Flag.partnership == partnership_id) & Flag.resolved_at.is_null()
    )
    if open_flags:
        await scope.update(
            Flag, {Flag.resolved_at: datetime.now(UTC), Flag.resolution: resolution}
        ).where((Flag.partnership == partnership_id) & Flag.resolved_at.is_null())
    return len(open_flags)


async def _last_meetings(scope: TenantScope, ids: list[UUID]) -> dict[UUID, date]:
    if not ids:
        return {}
    rows = await scope.select(Meeting, Meeting.partnership, Meeting.held_on).where(
        Meeting.partnership.is_in(ids)
    )
    last: dict[UUID, date] = {}
    for r in rows:
        key, held = as_uuid(r["partnership"]), access.as_day(r["held_on"])
        if key not in last or held > last[key]:
            last[key] = held
    return last


def _link(scope: TenantScope, view: PartnershipView) -> str:
    return f"/t/{scope.slug}/partnerships/{view.id}"


async def _flag_stale(
    scope: TenantScope, views: list[PartnershipView], today: date, actor: Actor
) -> tuple[int, int]:
    """Raise a flag for each live pair quiet for 60 days; close flags of pairs that
    ended or whose intake is over. (raised, resolved)"""
    raised = resolved = 0
    last = await _last_meetings(scope, [v.id for v in views])
    open_flags = {
        as_uuid(f.partnership)
        for f in await scope.objects(Flag).where(
            (Flag.kind == FLAG_KIND) & Flag.resolved_at.is_null()
        )
    }
    coordinators: list[UUID] | None = None
    zone = await clock.zone_name(scope)
    for view in views:
        live = view.state in access.LIVE_STATES and view.starts_on <= today <= view.ends_on
        if not live:
            if view.id in open_flags:
                resolved += await _resolve_flags(
                    scope,
                    view.id,
                    f"the partnership is {view.state.replace('_', ' ')}"
                    if view.state not in access.LIVE_STATES
                    else "the intake has ended",
                )
            continue
        quiet = staleness(
            today=today,
            last_meeting_on=last.get(view.id),
            starts_on=view.starts_on,
            accepted_on=view.accepted_on(zone),
        )
        if not quiet.stale or view.id in open_flags:
            continue
        flag = await scope.create(
            Flag,
            partnership=view.id,
            kind=FLAG_KIND,
            quiet_since=quiet.quiet_since,
            raised_on=today,
            raised_at=datetime.now(UTC),
        )
        await actor.record(
            scope.tenant_id,
            "partnership.flagged",
            "partnership",
            view.id,
            {"flag": [None, FLAG_KIND], "quiet_since": [None, quiet.quiet_since.isoformat()]},
        )
        if coordinators is None:
            coordinators = await people_with_role(scope, Role.COORDINATOR)
        names = await _names(view.parties)
        who = " and ".join(names.get(p, (str(p), ""))[0] for p in view.parties)
        await notify(
            scope,
            coordinators,
            kind="participation.flagged",
            subject=f"No meeting logged for {quiet.days_quiet} days: {who}",
            body=(
                f"{who} ({view.title}) have logged no meeting since "
                f"{quiet.quiet_since.isoformat()}. Flag {flag.id}."
            ),
            link=_link(scope, view),
        )
        raised += 1
    return raised, resolved


async def _open_and_remind(
    scope: TenantScope, views: list[PartnershipView], today: date, actor: Actor
) -> tuple[int, int]:
    """Open each survey that has come due and tell both parties; remind once near the
    due date those who have not answered. (opened, reminded people)"""
    opened = reminded = 0
    if not views:
        return 0, 0
    existing = {
        (as_uuid(s.partnership), str(s.kind)): s
        for s in await scope.objects(Survey).where(Survey.partnership.is_in([v.id for v in views]))
    }
    for view in views:
        for kind in SURVEY_KINDS:
            window = _window(view, kind)
            wanted = (
                view.state in access.LIVE_STATES
                if kind == "midway"
                else view.state in (*access.LIVE_STATES, "completed")
            )
            row = existing.get((view.id, kind))
            if row is None:
                if not wanted or today < window.opens_on:
                    continue
                row = await scope.create(
                    Survey,
                    partnership=view.id,
                    kind=kind,
                    opens_on=window.opens_on,
                    due_on=window.due_on,
                    opened_at=datetime.now(UTC),
                )
                opened += 1
                await actor.record(
                    scope.tenant_id,
                    "survey.opened",
                    "survey",
                    row.id,
                    {
                        "partnership": [None, str(view.id)],
                        "kind": [None, kind],
                        "due_on": [None, window.due_on.isoformat()],
                    },
                )
                await notify(
                    scope,
                    view.parties,
                    kind="participation.survey_open",
                    subject=f"Your {_label(kind)} is open: due {window.due_on.isoformat()}",
                    body=f"Please answer the {_label(kind)} of {view.title} by "
                    f"{window.due_on.isoformat()}.",
                    link=f"/t/{scope.slug}/surveys/{row.id}",
                )
                continue
            window = _stored_window(row, kind)
            if row.reminded_at is not None or today < window.remind_on or not wanted:
                continue
            answered = {
                as_uuid(r["person"])
                for r in await scope.select(SurveyResponse, SurveyResponse.person).where(
                    SurveyResponse.survey == row.id
                )
            }
            pending = [p for p in view.parties if p not in answered]
            await scope.update(Survey, {Survey.reminded_at: datetime.now(UTC)}).where(
                Survey.id == row.id
            )
            await actor.record(
                scope.tenant_id,
                "survey.reminded",
                "survey",
                row.id,
                {"reminded": [None, len(pending)]},
            )
            if pending:
                late = today > window.due_on
                await notify(
                    scope,
                    pending,
                    kind="participation.survey_reminder",
                    subject=f"Reminder: your {_label(kind)} "
                    + ("was due" if late else "is due")
                    + f" {window.due_on.isoformat()}",
                    body=f"The {_label(kind)} of {view.title} is due on "
                    f"{window.due_on.isoformat()} and we have no answer from you yet.",
                    link=f"/t/{scope.slug}/surveys/{row.id}",
                )
                reminded += len(pending)
    return opened, reminded


def _label(kind: str) -> str:
    return "midway review survey" if kind == "midway" else "evaluation survey"


async def run_daily(scope: TenantScope, *, actor: Actor, today: date | None = None) -> RunOut:
    """The daily job for one tenant; idempotent (a second run the same day finds the
    flags raised, the surveys opened and the reminders sent, and does nothing)."""
    today = today or await clock.today(scope)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        views = await _visible_partnerships(scope, actor)
        raised, resolved = await _flag_stale(scope, views, today, actor)
        opened, reminded = await _open_and_remind(scope, views, today, actor)
    return RunOut(
        tenant=scope.slug,
        today=today,
        flags_raised=raised,
        flags_resolved=resolved,
        surveys_opened=opened,
        reminders_sent=reminded,
    )


async def run_daily_all(*, actor: Actor, today: date | None = None) -> list[RunOut]:
    """The daily job for every active tenant (the cron entry point)."""
    tenants = await Tenant.select(Tenant.id, Tenant.slug).where(Tenant.status == "active")
    return [
        await run_daily(TenantScope(as_uuid(t["id"]), str(t["slug"])), actor=actor, today=today)
        for t in sorted(tenants, key=lambda t: str(t["slug"]))
    ]


# --- certificates -----------------------------------------------------------------------


def _certificate_out(row: Certificate) -> CertificateOut:
    facts = CertificateFacts.from_payload(loads_canonical(str(row.facts).encode()))
    return CertificateOut(
        id=row.id,
        code=str(row.code),
        partnership_id=as_uuid(row.partnership),
        person_id=as_uuid(row.person),
        person_name=facts.person_name,
        role=facts.role,
        scheme=facts.scheme,
        intake=facts.intake,
        hours=facts.hours,
        meetings=facts.meetings,
        cpd=facts.cpd,
        starts_on=facts.starts_on,
        ends_on=facts.ends_on,
        completed_early=facts.completed_early,
        issued_at=row.issued_at,
        revoked_at=row.revoked_at,
        revoked_reason=str(row.revoked_reason),
        verify_path=VERIFY_PATH + str(row.code),
    )


async def issue_certificates(
    scope: TenantScope, partnership_id: UUID | str, *, actor: Actor
) -> list[CertificateOut]:
    """Sign a certificate for each party of a completed or evaluated partnership that
    has no current one; Conflict when the partnership is not finished or both have one."""
    if not access.can_issue(actor):
        raise Forbidden("certificates are issued by an administrator or coordinator")
    view = await access.partnership(scope, partnership_id, actor)
    if view.state not in access.CERTIFIABLE_STATES:
        raise Conflict(
            f"only a completed or evaluated partnership gets a certificate; "
            f"this one is {view.state.replace('_', ' ')}"
        )
    policy = await access.scheme_policy(scope, view.scheme)
    if view.state != "evaluated" and evaluation_required(policy):
        window = _window(view, "evaluation")
        raise Conflict(
            f"the evaluation of this partnership is outstanding (due "
            f"{window.due_on.isoformat()}); the scheme's policy asks for it, so the "
            "certificate waits until it is recorded"
        )
    tenant = await Tenant.objects().where(Tenant.id == scope.tenant_id).first()
    assert tenant is not None
    async with write_transaction():
        await lock_head(scope.tenant_id)
        held = [access.as_day(m.held_on) for m in await _meetings_of(scope, view.id)]
        if not held:
            raise Conflict(
                "no meeting of this partnership was logged: a certificate states what "
                "happened, and there is nothing to certify"
            )
        starts_on, ends_on = actual_period(
            active_from=view.active_from,
            first_meeting=min(held),
            completed_on=view.completed_on,
            starts_on=view.starts_on,
            ends_on=view.ends_on,
        )
        current = {
            as_uuid(r["person"])
            for r in await scope.select(Certificate, Certificate.person).where(
                (Certificate.partnership == view.id) & Certificate.revoked_at.is_null()
            )
        }
        missing = [p for p in view.parties if p not in current]
        if not missing:
            raise Conflict("both parties already hold a current certificate for it")
        issued = []
        for h, _, _ in await _hours(scope, [view], None):
            if h.person_id not in missing:
                continue
            now = datetime.now(UTC)
            facts = CertificateFacts(
                code=new_code(),
                association=str(tenant.name),
                tenant=scope.slug,
                person_name=h.name,
                person_id=str(h.person_id),
                role=h.role,
                scheme=str(view.scheme.name),
                intake=str(view.intake.name),
                partnership_id=str(view.id),
                starts_on=starts_on.isoformat(),
                ends_on=ends_on.isoformat(),
                hours=hours_text(h.minutes),
                meetings=h.meetings,
                cpd=h.cpd.label,
                issued_at=now.isoformat(timespec="seconds"),
                completed_early=view.completed_early,
            )
            signed = facts.signed_bytes()
            signature = await keys.sign(scope.tenant_id, signed)
            row = await scope.create(
                Certificate,
                partnership=view.id,
                person=h.person_id,
                code=facts.code,
                facts=signed.decode(),
                signature=signature.signature.hex(),
                key_id=signature.key_id,
                issued_at=now,
                issued_by=actor.person_id,
            )
            await actor.record(
                scope.tenant_id,
                "certificate.issued",
                "certificate",
                row.id,
                {
                    "code": [None, facts.code],
                    "person": [None, str(h.person_id)],
                    "partnership": [None, str(view.id)],
                    "hours": [None, facts.hours],
                    "period": [None, f"{facts.starts_on}..{facts.ends_on}"],
                    "completed_early": [None, view.completed_early],
                },
            )
            issued.append(_certificate_out(row))
    return issued


async def _certificate(scope: TenantScope, certificate_id: UUID | str, actor: Actor) -> Certificate:
    """The certificate if it is the actor's own or the actor is staff; else NotFound."""
    row = await scope.get(Certificate, certificate_id, "certificate_id")
    if not (access.is_staff(actor) or actor.person_id == as_uuid(row.person)):
        raise NotFound(f"no participation certificate {row.id}")
    return row


async def list_certificates(scope: TenantScope, actor: Actor) -> list[CertificateOut]:
    query = scope.objects(Certificate)
    if not access.is_staff(actor):
        if actor.person_id is None:
            return []
        query = query.where(Certificate.person == actor.person_id)
    return [_certificate_out(r) for r in await query.order_by(Certificate.issued_at)]


async def get_certificate(
    scope: TenantScope, certificate_id: UUID | str, actor: Actor
) -> CertificateOut:
    return _certificate_out(await _certificate(scope, certificate_id, actor))


async def certificate_pdf(
    scope: TenantScope, certificate_id: UUID | str, actor: Actor, base_url: str
) -> tuple[str, bytes]:
    """(file name, PDF) of a certificate; the PDF names the public verification URL."""
    row = await _certificate(scope, certificate_id, actor)
    if row.revoked_at is not None:
        raise Conflict(f"certificate {row.code} was revoked: {row.revoked_reason}")
    facts = CertificateFacts.from_payload(loads_canonical(str(row.facts).encode()))
    url = base_url.rstrip("/") + VERIFY_PATH + facts.code
    return f"certificate-{facts.code}.pdf", render_pdf(
        facts, url, str(row.key_id), await clock.zone_name(scope)
    )


async def revoke_certificate(
    scope: TenantScope, certificate_id: UUID | str, reason: str, *, actor: Actor
) -> CertificateOut:
    if not access.can_issue(actor):
        raise Forbidden("certificates are revoked by an administrator or coordinator")
    if not reason.strip():
        raise InvalidInput("reason", "say why the certificate is revoked")
    row = await _certificate(scope, certificate_id, actor)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        fresh = await scope.get(Certificate, row.id, "certificate_id")
        if fresh.revoked_at is not None:
            raise Conflict(f"certificate {fresh.code} was already revoked")
        now = datetime.now(UTC)
        await scope.update(
            Certificate, {Certificate.revoked_at: now, Certificate.revoked_reason: reason.strip()}
        ).where(Certificate.id == row.id)
        await actor.record(
            scope.tenant_id,
            "certificate.revoked",
            "certificate",
            row.id,
            {"code": [row.code, row.code], "revoked_at": [None, now]},
            reason=reason.strip(),
        )
    return await get_certificate(scope, row.id, actor)


#: The one unscoped read: a public code names its tenant. Everything after it goes
#: through that tenant's scope.
CODE_SQL = (
    "SELECT c.tenant, t.slug FROM participation_certificate c"
    " JOIN tenant t ON t.id = c.tenant WHERE c.code = {}"
)


async def verify_certificate(code_text: str) -> VerificationOut:
    """Anyone's check of a code: the signed facts, and valid / revoked / tampered."""
    code = normalise_code(code_text)
    found = await fetch(CODE_SQL, code) if code else []
    if not found:
        raise NotFound(f"no certificate has the code {code_text!r}")
    scope = TenantScope(as_uuid(found[0]["tenant"]), str(found[0]["slug"]))
    row = await scope.objects(Certificate).where(Certificate.code == code).first()
    assert row is not None
    public_key = ""
    try:
        facts = CertificateFacts.from_payload(loads_canonical(str(row.facts).encode()))
        holds = await keys.verify(
            scope.tenant_id, str(row.key_id), facts.signed_bytes(), bytes.fromhex(row.signature)
        )
        key_rows = [k for k in await keys.public_keys(scope.tenant_id) if k.key_id == row.key_id]
        public_key = str(key_rows[0].public_key) if key_rows else ""
        # The signed facts must also be this row's: a signature moved from another
        # certificate holds over its own facts, not over this code and person.
        holds = holds and facts.code == row.code and facts.person_id == str(row.person)
    except (ValueError, TypeError, NotFound):
        facts, holds = None, False
    answer = verdict(
        signature_ok=holds,
        revoked_at=row.revoked_at,
        reason=row.revoked_reason,
        zone=await clock.zone_name(scope),
    )
    shown = facts or _unreadable(str(row.code))
    return VerificationOut(
        code=str(row.code),
        valid=answer.valid,
        status=answer.status,
        detail=answer.detail,
        revoked_at=row.revoked_at,
        key_id=str(row.key_id),
        public_key=public_key,
        signature=str(row.signature),
        association=shown.association,
        person_name=shown.person_name,
        role=shown.role,
        scheme=shown.scheme,
        intake=shown.intake,
        starts_on=shown.starts_on,
        ends_on=shown.ends_on,
        hours=shown.hours,
        meetings=shown.meetings,
        cpd=shown.cpd,
        completed_early=shown.completed_early,
        issued_at=shown.issued_at,
    )


def _unreadable(code: str) -> CertificateFacts:
    """What is shown for stored facts that no longer parse: nothing but the code."""
    return CertificateFacts(code, "", "", "", "", "", "", "", "", "", "", "", 0, "", "")
