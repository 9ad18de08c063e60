"""The 60-day flag: a live partnership with no logged meeting for 60 days is flagged
to the coordinator. Pure: the dates in, whether it is stale (and since when) out.

The clock starts at the last meeting held, or, before any meeting, at the later of
the intake's start and the day both parties accepted: a pair cannot be expected to
have met before either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

STALE_AFTER_DAYS = 60


@dataclass(frozen=True, slots=True)
class Staleness:
    quiet_since: date
    days_quiet: int

    @property
    def stale(self) -> bool:
        return self.days_quiet >= STALE_AFTER_DAYS

    @property
    def stale_on(self) -> date:
        """The day the partnership is (or was) first flagged."""
        return self.quiet_since + timedelta(days=STALE_AFTER_DAYS)


def staleness(
    *, today: date, last_meeting_on: date | None, starts_on: date, accepted_on: date | None
) -> Staleness:
    """How long the partnership has gone without a meeting, as of `today`."""
    quiet_since = last_meeting_on or max(starts_on, accepted_on or starts_on)
    return Staleness(quiet_since, max(0, (today - quiet_since).days))
