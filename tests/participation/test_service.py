"""Participation through its service, on the real database: meetings and private
notes, hours, the daily job (flags, surveys, reminders) and certificates."""

from __future__ import annotations

from datetime import date

import pytest

from registry.audit.ledger import OPERATOR
from registry.notifications.tables import Notification
from registry.participation import service
from registry.participation.tables import Certificate, Flag, MeetingNote
from tenants.database import fetch, write_transaction
from tenants.errors import Conflict, Forbidden, InvalidInput, NotFound
from tenants.keys import rotate_tenant_keys
from tenants.roles import Role
from tenants.scope import TenantScope
from tests.participation.world import partnership, person


@pytest.fixture(scope="module")
async def world(factory):
    return await factory.tenant("part")


def scope_of(world) -> TenantScope:
    return TenantScope(world.tenant.id, world.slug)


async def new_pair(world, **kwargs):
    return await partnership(
        scope_of(world),
        await person(world.tenant, "mentor"),
        await person(world.tenant, "mentee"),
        **kwargs,
    )


async def log(world, pair, who, held_on, minutes, **kwargs):
    return await service.log_meeting(
        scope_of(world),
        pair.id,
        held_on=held_on,
        minutes=minutes,
        mode=kwargs.pop("mode", "video"),
        actor=pair.actor(who),
        today=kwargs.pop("today", date(2025, 9, 30)),
        **kwargs,
    )


async def test_notes_are_encrypted_at_rest_and_readable_only_by_their_author(world):
    pair = await new_pair(world)
    secret = "Talked about leaving my job: confidential"
    meeting = await log(world, pair, pair.b, date(2025, 3, 12), 60, notes=secret)
    assert meeting.my_notes == secret
    rows = await fetch(
        "SELECT ciphertext FROM participation_meeting_note WHERE meeting = {}", meeting.id
    )
    assert len(rows) == 1
    assert "confidential" not in rows[0]["ciphertext"]
    assert "Talked" not in rows[0]["ciphertext"]
    scope = scope_of(world)
    assert (await service.get_meeting(scope, meeting.id, pair.actor(pair.b))).my_notes == secret
    assert (await service.get_meeting(scope, meeting.id, pair.actor(pair.a))).my_notes is None
    assert (await service.get_meeting(scope, meeting.id, OPERATOR)).my_notes is None
    # The mentor keeps a note of their own on the same meeting.
    await service.set_notes(scope, meeting.id, "mentor's view", actor=pair.actor(pair.a))
    assert (await service.get_meeting(scope, meeting.id, pair.actor(pair.a))).my_notes == (
        "mentor's view"
    )
    assert (await service.get_meeting(scope, meeting.id, pair.actor(pair.b))).my_notes == secret
    # A note moved onto another row no longer decrypts: the note id is bound in.
    notes = await scope.objects(MeetingNote).where(MeetingNote.meeting == meeting.id)
    assert len(notes) == 2


async def test_only_parties_log_meetings_and_others_do_not_see_the_pair(world):
    pair = await new_pair(world)
    stranger = await person(world.tenant, "stranger")
    with pytest.raises(NotFound):
        await log(world, pair, stranger, date(2025, 3, 12), 60)
    with pytest.raises(Forbidden):
        await service.log_meeting(
            scope_of(world),
            pair.id,
            held_on=date(2025, 3, 12),
            minutes=60,
            mode="video",
            actor=OPERATOR,
        )


async def test_meeting_days_must_fall_in_the_partnership(world):
    pair = await new_pair(world)
    for day, today, why in (
        (date(2025, 2, 1), date(2025, 9, 1), "before"),
        (date(2025, 10, 1), date(2025, 12, 1), "ended"),
        (date(2025, 9, 29), date(2025, 9, 1), "future"),
    ):
        with pytest.raises(InvalidInput) as caught:
            await log(world, pair, pair.a, day, 30, today=today)
        assert caught.value.field == "held_on" and why in caught.value.message


async def test_proposed_or_withdrawn_partnerships_log_nothing(world):
    for state in ("proposed", "withdrawn", "terminated"):
        pair = await new_pair(world, state=state)
        with pytest.raises(Conflict):
            await log(world, pair, pair.a, date(2025, 3, 12), 60)


async def test_aasw_hours_roll_up_into_categories(world):
    pair = await new_pair(world)
    await log(world, pair, pair.a, date(2025, 3, 5), 60)
    await log(world, pair, pair.b, date(2025, 4, 5), 90)
    rows = {h.role: h for h in await service.partnership_hours(scope_of(world), pair.id, OPERATOR)}
    assert rows["mentee"].hours == rows["mentor"].hours == 2.5
    assert rows["mentee"].meetings == 2
    assert rows["mentee"].category == "Category 1" and rows["mentee"].recommended_min_hours == 10
    assert rows["mentor"].category == "Category 3" and rows["mentor"].hours_to_minimum == 2.5
    mine = await service.hours_report(scope_of(world), pair.actor(pair.b))
    assert [(h.person_id, h.hours) for h in mine] == [(pair.b, 2.5)]


async def test_alia_hours_are_pd_scheme_hours(world):
    pair = await new_pair(world, preset="alia-mentoring")
    await log(world, pair, pair.a, date(2025, 3, 5), 45)
    rows = await service.partnership_hours(scope_of(world), pair.id, OPERATOR)
    assert {(h.pd_scheme, h.category, h.hours) for h in rows} == {("ALIA PD Scheme", None, 0.75)}


async def test_sixty_days_without_a_meeting_flags_the_pair_once(factory):
    world = await factory.tenant("flag")
    scope = scope_of(world)
    quiet = await new_pair(world)
    busy = await new_pair(world)
    await log(world, busy, busy.a, date(2025, 4, 10), 60)
    first = await service.run_daily(scope, actor=OPERATOR, today=date(2025, 4, 30))
    assert first.flags_raised == 1  # quiet since 1 March: 60 days on 30 April
    again = await service.run_daily(scope, actor=OPERATOR, today=date(2025, 4, 30))
    assert again.flags_raised == 0
    flags = await service.list_flags(scope)
    assert [(f.partnership_id, f.quiet_since) for f in flags] == [(quiet.id, date(2025, 3, 1))]
    coordinator = world[Role.COORDINATOR].person_id
    inbox = await scope.objects(Notification).where(
        (Notification.person == coordinator) & (Notification.kind == "participation.flagged")
    )
    assert len(inbox) == 1 and "No meeting logged for 60 days" in inbox[0].subject
    # A meeting held long ago and logged late leaves the pair flagged.
    await log(world, quiet, quiet.a, date(2025, 3, 2), 30, today=date(2025, 5, 1))
    assert len(await service.list_flags(scope)) == 1
    # A recent meeting clears the flag; sixty more quiet days raise a new one.
    await log(world, quiet, quiet.b, date(2025, 5, 2), 30, today=date(2025, 5, 2))
    assert await service.list_flags(scope) == []
    later = await service.run_daily(scope, actor=OPERATOR, today=date(2025, 7, 1))
    assert later.flags_raised == 2  # quiet since 2 May, and busy since 10 April
    assert len(await scope.objects(Flag).where(Flag.partnership == quiet.id)) == 2


async def test_surveys_open_when_due_remind_once_and_take_one_answer_each(factory):
    world = await factory.tenant("survey")
    scope = scope_of(world)
    pair = await new_pair(world, state="midway_review_done")
    before = await service.list_surveys(scope, pair.id, pair.actor(pair.a), date(2025, 6, 1))
    assert [(s.kind, s.id, s.status) for s in before] == [
        ("midway", None, "not_open"),
        ("evaluation", None, "not_open"),
    ]
    run = await service.run_daily(scope, actor=OPERATOR, today=date(2025, 10, 1))
    assert run.surveys_opened == 2  # midway (still live) and evaluation
    [midway, evaluation] = await service.list_surveys(
        scope, pair.id, pair.actor(pair.b), date(2025, 10, 1)
    )
    assert (midway.kind, midway.due_on, midway.status) == ("midway", date(2025, 6, 29), "overdue")
    assert (evaluation.opens_on, evaluation.due_on, evaluation.status) == (
        date(2025, 9, 30),
        date(2025, 10, 14),
        "open",
    )
    assert "cpd_claimed" in {q.id for q in evaluation.questions}
    answers = {"goals_met": 4, "satisfaction": 5, "recommend": True, "cpd_claimed": True}
    assert evaluation.id is not None
    answered = await service.answer_survey(
        scope, evaluation.id, answers, actor=pair.actor(pair.b), today=date(2025, 10, 2)
    )
    assert answered.status == "answered" and answered.answered_by == [pair.b]
    assert answered.responses[0].answers == answers
    with pytest.raises(Conflict):
        await service.answer_survey(scope, evaluation.id, answers, actor=pair.actor(pair.b))
    with pytest.raises(InvalidInput) as caught:
        await service.answer_survey(
            scope, evaluation.id, {**answers, "goals_met": 9}, actor=pair.actor(pair.a)
        )
    assert caught.value.field == "answers.goals_met"
    # The mentor sees only their own answers, staff see both parties'.
    mentor_view = await service.get_survey(
        scope, evaluation.id, pair.actor(pair.a), date(2025, 10, 2)
    )
    assert mentor_view.responses == [] and mentor_view.status == "open"
    staff_view = await service.get_survey(scope, evaluation.id, OPERATOR)
    assert [r.person_id for r in staff_view.responses] == [pair.b]
    # Three days before the due date the mentor, who has not answered, is reminded once.
    remind = await service.run_daily(scope, actor=OPERATOR, today=date(2025, 10, 11))
    assert remind.reminders_sent >= 1
    assert (
        await service.run_daily(scope, actor=OPERATOR, today=date(2025, 10, 12))
    ).reminders_sent == 0
    reminders = await scope.objects(Notification).where(
        Notification.kind == "participation.survey_reminder"
    )
    assert pair.b not in {r.person for r in reminders if "evaluation" in r.subject}
    assert pair.a in {r.person for r in reminders if "evaluation" in r.subject}


async def test_certificates_only_for_finished_pairs_and_verify(factory):
    world = await factory.tenant("cert")
    scope = scope_of(world)
    active = await new_pair(world)
    with pytest.raises(Conflict) as refused:
        await service.issue_certificates(scope, active.id, actor=OPERATOR)
    assert "completed or evaluated" in refused.value.detail
    pair = await new_pair(world, state="completed")
    await log(world, pair, pair.a, date(2025, 3, 5), 60)
    await log(world, pair, pair.b, date(2025, 4, 5), 30)
    issued = await service.issue_certificates(scope, pair.id, actor=OPERATOR)
    assert {(c.role, c.hours, c.cpd) for c in issued} == {
        ("mentor", "1.5", "AASW CPD Policy, Category 3"),
        ("mentee", "1.5", "AASW CPD Policy, Category 1"),
    }
    with pytest.raises(Conflict):
        await service.issue_certificates(scope, pair.id, actor=OPERATOR)
    with pytest.raises(Conflict):  # hours are frozen once certified
        await log(world, pair, pair.a, date(2025, 5, 5), 30)
    mentee = next(c for c in issued if c.role == "mentee")
    check = await service.verify_certificate(mentee.code.lower())
    assert (check.valid, check.status, check.hours) == (True, "valid", "1.5")
    assert check.scheme == "AASW Mentoring Program"
    with pytest.raises(NotFound):
        await service.verify_certificate("ACC-AAAA-BBBB-CCCC-DDDD")
    # Someone edits the stored hours: the signature no longer holds.
    row = await scope.get(Certificate, mentee.id)
    await Certificate.update({Certificate.facts: row.facts.replace('"1.5"', '"15"')}).where(
        Certificate.id == row.id
    )
    tampered = await service.verify_certificate(mentee.code)
    assert (tampered.valid, tampered.status) == (False, "tampered")
    mentor = next(c for c in issued if c.role == "mentor")
    revoked = await service.revoke_certificate(scope, mentor.id, "issued in error", actor=OPERATOR)
    assert revoked.revoked_reason == "issued in error"
    check = await service.verify_certificate(mentor.code)
    assert (check.valid, check.status) == (False, "revoked")
    with pytest.raises(Conflict):
        await service.revoke_certificate(scope, mentor.id, "again", actor=OPERATOR)
    # A participant sees only their own certificates.
    mine = await service.list_certificates(scope, pair.actor(pair.b))
    assert [c.id for c in mine] == [mentee.id]
    with pytest.raises(NotFound):
        await service.get_certificate(scope, mentee.id, pair.actor(pair.a))


async def test_certificates_and_notes_outlive_a_key_rotation(factory):
    world = await factory.tenant("rot")
    scope = scope_of(world)
    pair = await new_pair(world, state="completed")
    meeting = await log(world, pair, pair.b, date(2025, 3, 5), 60, notes="before rotation")
    [issued, _] = await service.issue_certificates(scope, pair.id, actor=OPERATOR)
    async with write_transaction():
        await rotate_tenant_keys(world.tenant.id, actor=OPERATOR)
    check = await service.verify_certificate(issued.code)
    assert check.status == "valid"
    mine = await service.get_meeting(scope, meeting.id, pair.actor(pair.b))
    assert mine.my_notes == "before rotation"
