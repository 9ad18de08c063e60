"""The association's clock: "now" and "today" in the tenant's own time zone.

A business date (the day a signature was made, an intake's first day, a review
falling due, an assessment's date) is a day in the association's calendar. At 01:49
in Canberra on 4 December it is still 3 December in UTC, so a UTC date would refuse
a signature made that morning as "in the future". Every module asks this one for
business dates; none calls `date.today()` or `datetime.now(UTC).date()` itself (a test
walks the source to keep it so).

Stored instants stay in UTC; only their reading as a day, or their display, takes
the zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tenants.scope import TenantScope


def utc_now() -> datetime:
    """The instant, aware, in UTC: what is stored."""
    return datetime.now(UTC)


def zone(name: str | None) -> tzinfo:
    """The IANA zone of that name; UTC for none or an unknown one (a zone is checked
    when the tenant is written, so this only guards rows older than that check)."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def today_in(zone_name: str | None, at: datetime | None = None) -> date:
    """The day it is (or was at `at`) in that zone."""
    return local_day(at or utc_now(), zone_name)


def latest_today() -> date:
    """The day it is where the calendar is furthest ahead (UTC+14): no later day has
    begun anywhere. For a bound that holds whatever the association's zone."""
    return today_in("Pacific/Kiritimati")


async def zone_name(scope: TenantScope) -> str:
    rows = await scope.rows("SELECT time_zone FROM tenant WHERE id = {tenant}")
    return str(rows[0]["time_zone"] or "UTC") if rows else "UTC"


async def tenant_zone(scope: TenantScope) -> tzinfo:
    return zone(await zone_name(scope))


async def now(scope: TenantScope) -> datetime:
    """The instant, aware, in the association's zone."""
    return utc_now().astimezone(await tenant_zone(scope))


async def today(scope: TenantScope) -> date:
    """Today in the association's own calendar."""
    return (await now(scope)).date()


def zone_label(local: datetime) -> str:
    """The zone of a local time as people name it: its abbreviation ("AEDT", "UTC"),
    or "UTC+14" where the zone database has only a number for it."""
    name = local.tzname() or ""
    if name.isalpha():
        return name
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    hours, rest = divmod(minutes, 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def local_time(at: datetime, zone_name: str | None, *, sortable: bool = False) -> str:
    """An instant as the association reads it, with its zone named: on pages
    "4 Dec 2026 01:49 AEDT"; in exports (`sortable`) "2026-12-04 01:49 AEDT", which
    sorts as text. The one formatter of times for people, pages and exports alike."""
    if at.tzinfo is None:  # a naive time read back from SQLite is UTC
        at = at.replace(tzinfo=UTC)
    local = at.astimezone(zone(zone_name))
    if sortable:
        return f"{local:%Y-%m-%d %H:%M} {zone_label(local)}"
    return f"{local.day} {local:%b %Y %H:%M} {zone_label(local)}"


def local_day(at: datetime, zone_name: str | None) -> date:
    """The association's day on which an instant fell."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(zone(zone_name)).date()


async def day_of(scope: TenantScope, at: datetime) -> date:
    """The association's day on which an instant fell."""
    return local_day(at, await zone_name(scope))


async def time_for(scope: TenantScope, at: datetime | None) -> str:
    """An instant as the association reads it, zone named (`local_time`), for a
    message or a notification; "an unknown time" for none."""
    return "an unknown time" if at is None else local_time(at, await zone_name(scope))
