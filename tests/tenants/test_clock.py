"""The association's clock: the day and the time as the association reads them, and a
walk of the source that keeps every other module from making a business date itself."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

from tenants import clock

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("registry", "tenants", "policies", "screening")
CLOCK = REPO / "tenants" / "clock.py"

#: 01:49 on 4 December 2026 in Canberra (AEDT, UTC+11) is 14:49 on 3 December in UTC.
CANBERRA_MORNING = datetime(2026, 12, 3, 14, 49, tzinfo=UTC)


def test_today_in_canberra_at_0149_is_the_4th_while_utc_is_still_the_3rd():
    assert clock.today_in("Australia/Canberra", CANBERRA_MORNING) == date(2026, 12, 4)
    assert clock.today_in("UTC", CANBERRA_MORNING) == date(2026, 12, 3)
    assert clock.local_day(CANBERRA_MORNING, "Australia/Canberra") == date(2026, 12, 4)


def test_times_read_in_the_zone_with_the_zone_named():
    assert clock.local_time(CANBERRA_MORNING, "Australia/Canberra") == "4 Dec 2026 01:49 AEDT"
    assert (
        clock.local_time(CANBERRA_MORNING, "Australia/Canberra", sortable=True)
        == "2026-12-04 01:49 AEDT"
    )
    # In July Canberra keeps standard time.
    july = datetime(2026, 7, 1, 3, 0, tzinfo=UTC)
    assert clock.local_time(july, "Australia/Canberra") == "1 Jul 2026 13:00 AEST"
    # A zone the database names only by its offset is named by it.
    assert clock.local_time(CANBERRA_MORNING, "Pacific/Kiritimati") == "4 Dec 2026 04:49 UTC+14"
    assert clock.local_time(CANBERRA_MORNING, "Asia/Kolkata") == "3 Dec 2026 20:19 IST"
    assert clock.local_time(CANBERRA_MORNING, "Asia/Kathmandu") == "3 Dec 2026 20:34 UTC+5:45"
    # A naive time read back from SQLite is UTC; an unknown zone reads as UTC.
    naive = CANBERRA_MORNING.replace(tzinfo=None)
    assert clock.local_time(naive, "Australia/Canberra") == "4 Dec 2026 01:49 AEDT"
    assert clock.local_time(CANBERRA_MORNING, "Mars/Olympus") == "3 Dec 2026 14:49 UTC"


def test_no_later_day_has_begun_anywhere_than_the_latest_today():
    assert clock.latest_today() >= clock.today_in("UTC")
    assert clock.latest_today() == clock.today_in("Pacific/Kiritimati")


def _is_now_call(node: ast.AST) -> bool:
    """`datetime.now(...)`, `now()`, `utc_now()`, `clock.utc_now()` and the like."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name in ("now", "utc_now", "utcnow", "today")


def business_dates_made_here(tree: ast.AST) -> list[tuple[int, str]]:
    """Where a module makes "today" itself: `date.today()`, `datetime.today()`,
    `datetime.utcnow()`, or `.date()` of the present instant (`datetime.now(UTC).date()`,
    `now().date()`)."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        attr, owner = node.func.attr, node.func.value
        owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
        if attr == "today" and owner_name in ("date", "datetime"):
            found.append((node.lineno, f"{owner_name}.today()"))
        elif attr == "utcnow":
            found.append((node.lineno, f"{owner_name}.utcnow()"))
        elif attr == "date" and not node.args and _is_now_call(owner):
            found.append((node.lineno, "the present instant's .date() (a UTC day)"))
    return found


def test_the_walk_finds_each_way_of_making_today():
    source = (
        "from datetime import UTC, date, datetime\n"
        "a = date.today()\n"
        "b = datetime.now(UTC).date()\n"
        "c = datetime.utcnow()\n"
        "d = now().date()\n"
        "e = dt.date.today()\n"
        "f = datetime.now(UTC)\n"  # an instant is fine: it is stored in UTC
        "g = clock.today_in('UTC')\n"
    )
    assert [line for line, _ in business_dates_made_here(ast.parse(source))] == [2, 3, 4, 5, 6]


def test_no_module_but_the_clock_makes_a_business_date():
    offenders = []
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            if path == CLOCK or "piccolo_migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            offenders += [
                f"{path.relative_to(REPO)}:{line}: {what}"
                for line, what in business_dates_made_here(tree)
            ]
    assert not offenders, (
        "business dates come from tenants.clock (await clock.today(scope), "
        "clock.today_in(zone)):\n" + "\n".join(offenders)
    )
