"""A partnership's meetings as an iCalendar file (RFC 5545), via the `icalendar` library.

A meeting is logged with its day and length, not its hour, so each is an all-day
event (DTSTART;VALUE=DATE and DTEND the next day) whose summary says the mode and
the minutes. Private notes never enter the file: it is shared by both parties and
often synced to third-party calendars.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from icalendar import Calendar, Event

PRODID = "-//Accord//Mentoring meetings//EN"


@dataclass(frozen=True, slots=True)
class CalendarMeeting:
    id: UUID
    held_on: date
    minutes: int
    mode: str
    logged_at: datetime


def mode_label(mode: str) -> str:
    return mode.replace("_", " ")


def meetings_calendar(
    meetings: Iterable[CalendarMeeting], *, title: str, host: str = "accord"
) -> bytes:
    """The VCALENDAR text (CRLF line ends, folded at 75 octets by the library)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", title)
    for meeting in meetings:
        event = Event()
        event.add("uid", f"{meeting.id}@{host}")
        event.add("dtstamp", meeting.logged_at)
        event.add("dtstart", meeting.held_on)
        event.add("dtend", meeting.held_on + timedelta(days=1))
        event.add("summary", f"{title}: {mode_label(meeting.mode)}, {meeting.minutes} min")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data
