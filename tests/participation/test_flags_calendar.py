"""The 60-day flag's clock and the iCalendar file."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from icalendar import Calendar

from registry.participation.calendar import CalendarMeeting, meetings_calendar
from registry.participation.flags import staleness


def test_flag_counts_from_the_last_meeting():
    quiet = staleness(
        today=date(2025, 6, 1),
        last_meeting_on=date(2025, 4, 2),
        starts_on=date(2025, 3, 1),
        accepted_on=date(2025, 3, 3),
    )
    assert quiet.days_quiet == 60 and quiet.stale and quiet.stale_on == date(2025, 6, 1)
    assert not staleness(
        today=date(2025, 5, 31),
        last_meeting_on=date(2025, 4, 2),
        starts_on=date(2025, 3, 1),
        accepted_on=None,
    ).stale


def test_before_any_meeting_the_clock_starts_at_start_or_acceptance():
    early = staleness(
        today=date(2025, 4, 29),
        last_meeting_on=None,
        starts_on=date(2025, 3, 1),
        accepted_on=date(2025, 2, 20),
    )
    assert early.quiet_since == date(2025, 3, 1) and not early.stale
    late = staleness(
        today=date(2025, 5, 1),
        last_meeting_on=None,
        starts_on=date(2025, 3, 1),
        accepted_on=date(2025, 3, 10),
    )
    assert late.quiet_since == date(2025, 3, 10) and late.days_quiet == 52


def test_calendar_lists_meetings_as_all_day_events_without_notes():
    ids = [uuid.uuid4(), uuid.uuid4()]
    meetings = [
        CalendarMeeting(ids[0], date(2025, 3, 5), 60, "video", datetime(2025, 3, 5, tzinfo=UTC)),
        CalendarMeeting(
            ids[1], date(2025, 4, 2), 45, "in_person", datetime(2025, 4, 2, tzinfo=UTC)
        ),
    ]
    data = meetings_calendar(meetings, title="Mentoring: Ann and Bo")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    parsed = Calendar.from_ical(data)
    events = parsed.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"{i}@accord" for i in ids]
    assert events[1].decoded("dtstart") == date(2025, 4, 2)
    assert events[1].decoded("dtend") == date(2025, 4, 3)
    assert "in person, 45 min" in str(events[1]["summary"])
