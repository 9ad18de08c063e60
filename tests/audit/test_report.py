"""The governance report: which events it shows, in what words, and its CSV/XLSX files."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from openpyxl import load_workbook

from registry.audit.ledger import OPERATOR
from registry.audit.report import (
    CSV_MEDIA_TYPE,
    GOVERNANCE_ACTIONS,
    HEADER,
    OPERATOR_LABEL,
    XLSX_MEDIA_TYPE,
    ReportTitle,
    report_rows,
    write_csv,
    write_xlsx,
)
from tenants.roles import Role
from tenants.service import grant_role
from tests.audit.ledger_helpers import events_of

ADMIN = "6f1c0000-0000-4000-8000-000000000001"
MEMBER = "6f1c0000-0000-4000-8000-000000000002"
PEOPLE = {ADMIN: "admin@example.org", MEMBER: "member@example.org"}


def _event(seq: int, action: str, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "seq": seq,
        "time": f"2026-03-01T10:00:{seq:02d}.000000Z",
        "actor": {"person": ADMIN, "role": "admin"},
        "action": action,
        "object_type": action.split(".")[0],
        "object_id": f"obj-{seq}",
        "changes": {},
        "reason": "",
    }
    event.update(fields)
    return event


EVENTS = [
    _event(5, "key.rotated", changes={"active_key_id": ["aaa", "bbb"]}),
    _event(1, "tenant.created", actor={"person": None, "role": "operator"}),
    _event(2, "auth.signed_in"),
    _event(
        3,
        "membership.granted",
        changes={
            "person": [None, MEMBER],
            "email": [None, "member@example.org"],
            "role": [None, "member"],
            "password_hash": [None, "[redacted]"],
        },
    ),
    _event(4, "token.issued", changes={"token_hash": [None, "[redacted]"]}),
    _event(
        6,
        "tenant.suspended",
        actor={"person": None, "role": "operator"},
        changes={"status": ["active", "suspended"], "secret": ["old-secret", "new-secret"]},
        reason="annual review",
    ),
]


def test_rows_are_exactly_the_governance_events_in_seq_order():
    rows = report_rows(EVENTS, PEOPLE)
    assert [row.seq for row in rows] == [3, 5, 6]
    granted, rotated, suspended = rows
    assert granted.action == "Role granted" and granted.who == "admin@example.org"
    assert granted.role == "admin" and granted.time == "2026-03-01 10:00:03"
    assert granted.object == "membership obj-3"
    assert "person: (none) -> member@example.org" in granted.changes
    assert "role: (none) -> member" in granted.changes
    assert rotated.action == "Keys rotated" and rotated.changes == "active_key_id: aaa -> bbb"
    assert suspended.who == OPERATOR_LABEL and suspended.role == "operator"
    assert suspended.reason == "annual review"
    assert "status: active -> suspended" in suspended.changes


def test_confidential_fields_stay_redacted():
    rows = report_rows(EVENTS, PEOPLE)
    text = " ".join(row.changes for row in rows)
    assert "password_hash: (none) -> [redacted]" in text
    assert "secret: [redacted] -> [redacted]" in text  # redacted again, whatever it held
    assert "old-secret" not in text and "new-secret" not in text


def test_the_declared_actions_have_labels():
    for action in ("tenant.suspended", "membership.granted", "membership.removed"):
        assert action in GOVERNANCE_ACTIONS
    for action in ("policy.changed", "key.rotated", "token.revoked"):
        assert action in GOVERNANCE_ACTIONS
    assert "auth.signed_in" not in GOVERNANCE_ACTIONS
    assert "token.issued" not in GOVERNANCE_ACTIONS


def _parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_parses_back():
    rows = report_rows(EVENTS, PEOPLE)
    parsed = _parse_csv(write_csv(rows))
    assert parsed[0] == list(HEADER)
    assert parsed[1:] == [[str(cell) for cell in row.cells()] for row in rows]


def test_xlsx_has_title_bold_frozen_header_and_the_rows():
    rows = report_rows(EVENTS, PEOPLE)
    title = ReportTitle("acme", datetime(2026, 3, 1, tzinfo=UTC), None, 6, "ab" * 32)
    sheet = load_workbook(io.BytesIO(write_xlsx(rows, title))).active
    values = list(sheet.iter_rows(values_only=True))
    assert "acme" in values[0][0] and "size 6" in values[0][0] and "ab" * 32 in values[0][0]
    assert "2026-03-01 00:00:00" in values[0][0]
    assert values[1] == HEADER
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["H"].width > 20
    cells = [[cell if cell is not None else "" for cell in v] for v in values[2:]]
    assert cells == [list(row.cells()) for row in rows]


def test_text_that_looks_like_a_formula_stays_text():
    event = _event(7, "token.revoked", reason='=HYPERLINK("http://x")')
    rows = report_rows([event], PEOPLE)
    assert _parse_csv(write_csv(rows))[1][6] == '\'=HYPERLINK("http://x")'
    sheet = load_workbook(io.BytesIO(write_xlsx(rows, ReportTitle("acme")))).active
    assert sheet["G3"].data_type == "s" and sheet["G3"].value == '=HYPERLINK("http://x")'


# -- on the database, over HTTP ---------------------------------------------------------


def _governance(events: list[dict[str, Any]], since: str = "") -> list[int]:
    return [
        e["seq"]
        for e in events
        if e["action"] in GOVERNANCE_ACTIONS and (not since or e["time"] >= since)
    ]


async def test_api_report_of_a_period_for_an_auditor(api, factory):
    world = await factory.tenant("rep")
    admin = world[Role.ADMIN].headers
    middle = datetime.now(UTC)
    await grant_role(
        world.tenant, "secretive@example.org", Role.MEMBER, password_hash="x", actor=OPERATOR
    )
    added = await api.post(
        f"/api/v1/t/{world.slug}/members",
        json={"email": "reported@example.org", "role": "member"},
        headers=admin,
    )
    assert added.status_code == 201, added.text
    revoked = await api.delete(
        f"/api/v1/t/{world.slug}/tokens/{world[Role.MEMBER].token_id}", headers=admin
    )
    assert revoked.status_code in (200, 204), revoked.text
    events = await events_of(world.tenant.id)
    url = f"/api/v1/t/{world.slug}/audit/report"
    auditor = world[Role.AUDITOR].headers

    whole = await api.get(url, headers=auditor)
    assert whole.status_code == 200, whole.text
    assert whole.headers["content-type"].startswith(CSV_MEDIA_TYPE)
    assert whole.headers["content-disposition"].startswith("attachment;")
    assert f'filename="{world.slug}-governance-report.csv"' in whole.headers["content-disposition"]
    parsed = _parse_csv(whole.content)
    assert parsed[0] == list(HEADER)
    assert [int(line[0]) for line in parsed[1:]] == _governance(events)

    since = middle.isoformat()
    period = await api.get(url, params={"since": since, "format": "xlsx"}, headers=auditor)
    assert period.status_code == 200, period.text
    assert period.headers["content-type"].startswith(XLSX_MEDIA_TYPE)
    assert period.headers["content-disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(period.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert world.slug in values[0][0]
    assert values[1] == HEADER
    stamp = middle.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    expected = _governance(events, stamp)
    assert [v[0] for v in values[2:]] == expected and len(expected) == 3
    actions = [v[2] for v in values[2:]]
    assert actions == ["Role granted", "Role granted", "Token revoked"]
    secretive = next(v for v in values[2:] if "secretive@example.org" in v[7])
    assert secretive[4] == OPERATOR_LABEL
    assert "password_hash: (none) -> [redacted]" in secretive[7]
    assert values[3][4] == world[Role.ADMIN].email


async def test_api_report_refuses_a_member_and_bad_input(api, factory):
    world = await factory.tenant("repm")
    url = f"/api/v1/t/{world.slug}/audit/report"
    refused = await api.get(url, headers=world[Role.MEMBER].headers)
    assert refused.status_code == 403
    admin = world[Role.ADMIN].headers
    assert (await api.get(url, headers=admin)).status_code == 200
    bad_format = await api.get(url, params={"format": "pdf"}, headers=admin)
    assert bad_format.status_code == 400
    naive = await api.get(url, params={"since": "2026-01-01T00:00:00"}, headers=admin)
    assert naive.status_code == 400
