"""The member register over the HTTP API and the CLI: a 1,000-row import with bad
rows named by row and column, all-or-nothing and skip-bad application, re-import as a
no-op, and editing one record."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date, timedelta

from tenants.roles import Role
from tests.factories import TenantWorld

#: Row number in the spreadsheet (the header is row 1) -> (column, bad value, message part).
BAD = {
    12: ("E-mail", "not-an-address", "is not an e-mail address"),
    250: ("Category", "Wizard", "not one of the association's classes"),
    501: ("Expiry Date", "31/02/2027", "is not a date"),
    777: ("Status", "sleeping", "a status is one of"),
    1001: ("Member Since", "last spring", "is not a date"),
}
HEADER = [
    "Member No",
    "First Name",
    "Surname",
    "E-mail",
    "Category",
    "Status",
    "Expiry Date",
    "Member Since",
    "Country",
    "Branch",
]
CLASSES = ["Associate", "Library Technician", "Student", "Institutional"]
STATUSES = ["financial", "current", "lapsed", "resigned"]


def register_csv(rows: int = 1000, bad: bool = True, prefix: str = "m") -> bytes:
    """`rows` members as a membership system exports them (day-first dates, a column
    Accord does not read), with the BAD rows spoiled when `bad`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i in range(rows):
        row_number = i + 2
        paid = date(2027, 6, 30) - timedelta(days=i % 400)
        values = {
            "Member No": f"{10000 + i}",
            "First Name": f"Given{i}",
            "Surname": f"Family{i}",
            "E-mail": f"{prefix}{i}@example.org",
            "Category": CLASSES[i % len(CLASSES)],
            "Status": STATUSES[i % len(STATUSES)],
            "Expiry Date": paid.strftime("%d/%m/%Y"),
            "Member Since": f"{2000 + i % 25}-01-15",
            "Country": "AU" if i % 3 else "NZ",
            "Branch": "ACT",
        }
        if bad and row_number in BAD:
            column, value, _ = BAD[row_number]
            values[column] = value
        writer.writerow([values[h] for h in HEADER])
    return buffer.getvalue().encode("utf-8")


def url(world: TenantWorld, path: str = "/imports") -> str:
    return f"/api/v1/t/{world.slug}/member-register{path}"


def admin(world: TenantWorld) -> dict[str, str]:
    return world[Role.ADMIN].headers


async def test_a_thousand_rows_with_five_bad_ones(api, factory):
    world = await factory.tenant("reg", rooms=False)
    content = register_csv()
    dry = await api.post(url(world), content=content, headers=admin(world))
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert report["rows"] == 1000 and report["dry_run"] and not report["applied"]
    assert report["mapping"]["Member No"] == "number"
    assert report["mapping"]["E-mail"] == "email"
    assert report["mapping"]["Category"] == "membership_class"
    assert report["mapping"]["Expiry Date"] == "paid_until"
    assert report["ignored"] == ["Branch"]
    assert report["counts"] == {"add": 995, "change": 0, "lapse": 0, "unchanged": 0, "refuse": 5}
    refused = {o["row"]: o["problems"] for o in report["outcomes"] if o["action"] == "refuse"}
    assert set(refused) == set(BAD)
    for row, (column, value, message) in BAD.items():
        [problem] = refused[row]
        assert problem["column"] == column and message in problem["message"], problem
        assert problem["row"] == row
    empty = await api.get(url(world, "/records"), headers=admin(world))
    assert empty.json()["total"] == 0, "a dry run writes nothing"

    # All or nothing (the default): one bad row and nothing is applied.
    refused_all = await api.post(
        url(world), params={"apply": "true"}, content=content, headers=admin(world)
    )
    assert refused_all.status_code == 409, refused_all.text
    assert "5 of 1000 rows are refused" in refused_all.json()["detail"]
    assert "row 12, column 'E-mail'" in refused_all.json()["detail"]
    assert (await api.get(url(world, "/records"), headers=admin(world))).json()["total"] == 0

    # The explicit skip-bad mode applies the good rows and reports the bad ones.
    applied = await api.post(
        url(world),
        params={"apply": "true", "mode": "skip-bad"},
        content=content,
        headers=admin(world),
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["applied"] and applied.json()["counts"]["add"] == 995
    page = await api.get(url(world, "/records"), params={"q": "10000"}, headers=admin(world))
    first = page.json()["items"][0]
    assert first["number"] == "10000" and first["name"] == "Given0 Family0"
    assert first["paid_until"] == "2027-06-30" and first["membership_class"] == "Associate"
    assert (await api.get(url(world, "/records"), headers=admin(world))).json()["total"] == 995
    events = await audit_events(api, world, "member_register.imported")
    assert len(events) == 1

    # The same file again changes nothing and records nothing.
    again = await api.post(
        url(world),
        params={"apply": "true", "mode": "skip-bad"},
        content=content,
        headers=admin(world),
    )
    assert again.status_code == 200, again.text
    assert not again.json()["applied"]
    assert again.json()["counts"] == {
        "add": 0,
        "change": 0,
        "lapse": 0,
        "unchanged": 995,
        "refuse": 5,
    }
    assert len(await audit_events(api, world, "member_register.imported")) == 1

    # A later export: one member lapsed, one changed class; reported as such.
    later = content.replace(
        b"10000,Given0,Family0,m0@example.org,Associate,financial",
        b"10000,Given0,Family0,m0@example.org,Associate,lapsed",
    )
    later = later.replace(b"m1@example.org,Library Technician", b"m1@example.org,Associate")
    changed = await api.post(url(world), content=later, headers=admin(world))
    outcomes = {o["number"]: o for o in changed.json()["outcomes"] if o.get("number")}
    assert outcomes["10000"]["action"] == "lapse"
    assert outcomes["10000"]["changes"] == {"status": ["financial", "lapsed"]}
    assert outcomes["10001"]["action"] == "change"
    assert outcomes["10001"]["changes"]["membership_class"] == ["Library Technician", "Associate"]


async def audit_events(api, world: TenantWorld, action: str) -> list[dict]:
    response = await api.get(
        f"/api/v1/t/{world.slug}/audit/events",
        params={"action": action, "limit": 100},
        headers=world[Role.AUDITOR].headers,
    )
    assert response.status_code == 200, response.text
    items: list[dict] = response.json()["items"]
    return items


async def test_a_file_without_a_needed_column_or_of_another_kind_is_refused(api, factory):
    world = await factory.tenant("regcols", rooms=False)
    no_email = b"Member No,Name,Class,Status\n1,A B,Associate,current\n"
    response = await api.post(url(world), content=no_email, headers=admin(world))
    assert response.status_code == 400
    assert "no column for e-mail" in response.json()["detail"]
    binary = await api.post(url(world), content=b"\xff\xfe\x00garbage", headers=admin(world))
    assert binary.status_code == 400 and "UTF-8" in binary.json()["detail"]


async def test_an_xlsx_export_reads_like_a_csv(api, factory):
    from openpyxl import Workbook

    world = await factory.tenant("regx", rooms=False)
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Membership Number",
            "Full Name",
            "Email Address",
            "Membership Class",
            "Membership Status",
            "Paid To",
            "Date Joined",
        ]
    )
    sheet.append(
        [
            20001,
            "Ana Silva",
            "ana@example.org",
            "ALIA Associate",
            "Financial",
            date(2027, 6, 30),
            date(2015, 3, 1),
        ]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    response = await api.post(
        url(world), params={"apply": "true"}, content=buffer.getvalue(), headers=admin(world)
    )
    assert response.status_code == 200, response.text
    [record] = (await api.get(url(world, "/records"), headers=admin(world))).json()["items"]
    assert record["number"] == "20001" and record["membership_class"] == "Associate"
    assert record["status"] == "financial" and record["joined_on"] == "2015-03-01"


async def test_records_are_read_by_coordinators_and_changed_by_administrators(api, factory):
    world = await factory.tenant("regedit", rooms=False)
    other = await factory.tenant("regother", rooms=False)
    await api.post(
        url(world),
        params={"apply": "true"},
        content=register_csv(3, bad=False, prefix="e"),
        headers=admin(world),
    )
    page = await api.get(url(world, "/records"), headers=world[Role.COORDINATOR].headers)
    assert page.status_code == 200 and page.json()["total"] == 3
    record = page.json()["items"][0]
    member = await api.get(url(world, "/records"), headers=world[Role.MEMBER].headers)
    assert member.status_code == 403
    path = url(world, f"/records/{record['id']}")
    refused = await api.patch(
        path, json={"status": "lapsed"}, headers=world[Role.COORDINATOR].headers
    )
    assert refused.status_code == 403
    unknown = await api.patch(path, json={"membership_class": "Wizard"}, headers=admin(world))
    assert unknown.status_code == 400 and "membership_class" in unknown.text
    changed = await api.patch(
        path, json={"status": "lapsed", "paid_until": "2026-01-31"}, headers=admin(world)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["status"] == "lapsed" and changed.json()["paid_until"] == "2026-01-31"
    [event] = await audit_events(api, world, "member_register.record.changed")
    assert event["changes"]["status"] == ["financial", "lapsed"]
    elsewhere = await api.get(url(other, f"/records/{record['id']}"), headers=admin(other))
    assert elsewhere.status_code == 404


def accord(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "registry.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
    )


async def test_the_cli_import_is_a_dry_run_until_apply(api, factory, tmp_path):
    world = await factory.tenant("regcli", rooms=False)
    bad = tmp_path / "register.csv"
    bad.write_bytes(register_csv(1000, prefix="c"))
    dry = accord("members", "import", "--tenant", world.slug, str(bad))
    assert dry.returncode == 0, dry.stderr
    assert "row 250\trefuse\tcolumn 'Category': 'Wizard' is not one of" in dry.stdout
    assert "1000 rows: 995 to add, 0 to change, 0 lapsed, 0 unchanged, 5 refused" in dry.stdout
    assert "Member No -> number" in dry.stdout
    assert "dry run: nothing was changed" in dry.stderr
    assert (await api.get(url(world, "/records"), headers=admin(world))).json()["total"] == 0

    refused = accord("members", "import", "--tenant", world.slug, str(bad), "--apply")
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1].startswith("Error: 5 of 1000 rows are refused")
    assert "Traceback" not in refused.stderr

    good = tmp_path / "good.csv"
    good.write_bytes(register_csv(1000, bad=False, prefix="c"))
    applied = accord("members", "import", "--tenant", world.slug, str(good), "--apply", "--quiet")
    assert applied.returncode == 0, applied.stderr
    assert applied.stdout.strip() == (
        "1000 rows: 1000 to add, 0 to change, 0 lapsed, 0 unchanged, 0 refused"
    )
    assert "applied" in applied.stderr
    assert (await api.get(url(world, "/records"), headers=admin(world))).json()["total"] == 1000
    again = accord("members", "import", "--tenant", world.slug, str(good), "--apply", "--quiet")
    assert again.returncode == 0, again.stderr
    assert "1000 unchanged" in again.stdout and "nothing to change" in again.stderr


async def test_a_column_the_export_lacks_leaves_that_field_as_it_is(api, factory):
    world = await factory.tenant("regpartial", rooms=False)
    full = register_csv(2, bad=False, prefix="part")
    await api.post(url(world), params={"apply": "true"}, content=full, headers=admin(world))
    partial = (
        b"Member No,First Name,Surname,E-mail,Category,Status\n"
        b"10000,Given0,Family0,part0@example.org,Associate,lapsed\n"
        b"10001,Given1,Family1,part1@example.org,Library Technician,current\n"
    )
    report = (await api.post(url(world), content=partial, headers=admin(world))).json()
    assert report["counts"] == {"add": 0, "change": 0, "lapse": 1, "unchanged": 1, "refuse": 0}
    [lapse] = report["outcomes"]
    assert lapse["changes"] == {"status": ["financial", "lapsed"]}


async def test_records_without_an_account_in_the_association(api, factory):
    from registry.members.service import records_without_account
    from tenants.scope import TenantScope

    world = await factory.tenant("regnoacct", rooms=False)
    member = world[Role.MEMBER].email
    content = (
        "Member No,Name,Email,Class,Status\n"
        f"1,Has Account,{member},Associate,financial\n"
        "2,No Account,nobody.yet@example.org,Student,current\n"
    ).encode()
    await api.post(url(world), params={"apply": "true"}, content=content, headers=admin(world))
    scope = TenantScope(world.tenant.id, world.slug)
    assert [r.number for r in await records_without_account(scope)] == ["2"]
