"""Demo member registers for `accord demo`: each association's membership export,
imported through the service (so it is audited, and a second run changes nothing).

Each register holds the demo people of its association (so they can apply to its
scheme and the register decides their membership) and members as an export has
them: financial and current members, students, a lapsed and a resigned member, and
(ALIA) an institution."""

from __future__ import annotations

import csv
import io
from datetime import date

from registry.audit.ledger import OPERATOR
from registry.members.service import has_register, import_register
from tenants import clock
from tenants.scope import TenantScope
from tenants.tables import Tenant

HEADER = ("Member No", "Name", "Email", "Category", "Status", "Paid Until", "Joined", "Country")

#: slug -> (e-mail domain, member number prefix, the classes the roster uses)
REGISTERS = {
    "alia": ("alia.example", "A", ["Associate", "Library Technician", "Student", "Institutional"]),
    "aasw": ("aasw.example", "S", ["Full", "Graduate", "Student", "Full"]),
    "iln": ("iln.example", "I", ["Associate", "Library Technician", "Student", "Associate"]),
}
ROLES = ("admin", "executive", "coordinator", "board", "auditor", "member")
#: (given, family, class index, status, months paid ahead (negative: lapsed), joined year)
OTHERS = (
    ("Mei", "Chen", 0, "financial", 7, 2012),
    ("Tom", "Walker", 1, "current", 10, 2018),
    ("Priya", "Natarajan", 2, "financial", 5, 2024),
    ("Sione", "Taufa", 2, "current", 9, 2025),
    ("Ruth", "Okafor", 0, "lapsed", -3, 2009),
    ("Dan", "Murphy", 1, "resigned", -14, 2015),
    ("Aroha", "Ngata", 0, "financial", 12, 2005),
    ("Lena", "Fischer", 3, "current", 6, 2019),
)


def _month_end(today: date, months: int) -> date:
    month = today.month - 1 + months
    year, month = today.year + month // 12, month % 12 + 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def register_csv(slug: str, today: date) -> bytes:
    domain, prefix, classes = REGISTERS[slug]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    # The demo people: the member is a student (a mentee), everyone else a senior class.
    for n, role in enumerate(ROLES, start=1):
        membership_class = classes[2] if role == "member" else classes[0]
        writer.writerow(
            [
                f"{prefix}{1000 + n}",
                f"{role.title()}, {slug.upper()}",
                f"{role}@{domain}",
                membership_class,
                "financial",
                _month_end(today, 18).isoformat(),
                "2015-07-01",
                "AU",
            ]
        )
    for n, (given, family, index, status, months, joined) in enumerate(OTHERS, start=1):
        writer.writerow(
            [
                f"{prefix}{2000 + n}",
                f"{given} {family}",
                f"{given.lower()}.{family.lower()}@members.{domain}",
                classes[index],
                status,
                _month_end(today, months).strftime("%d/%m/%Y"),
                f"{joined}-02-01",
                "NZ" if given == "Aroha" else "AU",
            ]
        )
    return buffer.getvalue().encode("utf-8")


async def load_register_demo(tenants: dict[str, Tenant]) -> list[str]:
    """Each demo association's register; the slugs whose register changed."""
    changed: list[str] = []
    for slug in REGISTERS:
        tenant = tenants.get(slug)
        if tenant is None:
            continue
        scope = TenantScope(tenant.id, slug)
        # Dates are relative to the association's today at the first load and kept as
        # they were on later runs, so that a second `accord demo` is a no-op.
        if await has_register(scope):
            continue
        content = register_csv(slug, await clock.today(scope))
        report = await import_register(scope, content, apply=True, actor=OPERATOR)
        if report.applied:
            changed.append(slug)
    return changed
