"""The governance report: what a board secretary writes the minutes from.

Pure: which events it shows, in what words, who a decision is attributed to, and its
CSV and XLSX files with the same content. Over HTTP on the live server (both engines):
a period with two board motions, one with a recusal, every vote by director name,
quorum, outcome, the signed record's hash, every MOU event and a screening
adjudication, checked cell by cell in the XLSX and the same in the CSV.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from registry.audit.ledger import OPERATOR
from registry.audit.report import (
    BOARD,
    CSV_MEDIA_TYPE,
    GOVERNANCE_ACTIONS,
    OPERATOR_LABEL,
    XLSX_MEDIA_TYPE,
    MotionFacts,
    Names,
    ReportTitle,
    header,
    is_governance,
    render,
    report_rows,
)
from registry.board.decision import record_roll
from tenants.clock import local_time
from tenants.roles import Role
from tenants.service import grant_role
from tenants.tokens import issue_token
from tests.audit.ledger_helpers import events_of
from tests.board.support import SHA256_OF_SIGNED_PDF, closes_in, mou_body
from tests.factories import Party
from tests.relationships import stories

ADMIN = "6f1c0000-0000-4000-8000-000000000001"
MEMBER = "6f1c0000-0000-4000-8000-000000000002"
PEOPLE = {ADMIN: "Ada Admin", MEMBER: "Max Member"}
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


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
        "request_id": f"req-{seq}",
    }
    event.update(fields)
    return event


EVENTS = [
    _event(5, "key.rotated", object_type="tenant_key", changes={"active_key_id": ["aaa", "bbb"]}),
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


def test_rows_are_the_governance_events_in_words_and_in_the_zone():
    rows = report_rows(EVENTS, Names(people=dict(PEOPLE)), "Australia/Canberra")
    assert [row.seq for row in rows] == [3, 5, 6]
    granted, rotated, suspended = rows
    assert granted.event == "Role granted" and granted.who == "Ada Admin"
    assert granted.subject == "Max Member: role member"
    assert granted.role == "admin" and granted.time == "1 Mar 2026 21:00 AEDT"
    assert "person: (none) -> Max Member" in granted.changes
    assert rotated.event == "Keys rotated" and rotated.changes == "active_key_id: aaa -> bbb"
    assert rotated.subject == "Signing key obj-5"
    assert suspended.who == OPERATOR_LABEL and suspended.role == "operator"
    assert suspended.reason == "annual review" and suspended.outcome == "suspended"


def test_confidential_fields_stay_redacted():
    rows = report_rows(EVENTS, Names(people=dict(PEOPLE)))
    text = " ".join(row.changes for row in rows)
    assert "password_hash: (none) -> [redacted]" in text
    assert "secret: [redacted] -> [redacted]" in text  # redacted again, whatever it held
    assert "old-secret" not in text and "new-secret" not in text


def test_the_rooms_decisions_are_governance_events():
    for action in ("tenant.suspended", "membership.granted", "policy.changed", "key.rotated"):
        assert is_governance(action)
    for action in ("motion.decided", "mou.signed", "mou.terminated", "mou.expired"):
        assert is_governance(action)
    # a later room's event shows up by itself
    assert is_governance("screening_case.delisted")
    assert not is_governance("auth.signed_in") and not is_governance("mou.changed")


# -- a motion, pure ------------------------------------------------------------------

MOTION = "11111111-0000-4000-8000-000000000001"
REQUEST = "22222222-0000-4000-8000-000000000002"
CHAIR, LEE, KIM = (f"3333333{n}-0000-4000-8000-00000000000{n}" for n in (1, 2, 3))


def _motion_events() -> list[dict[str, Any]]:
    on_motion = {"object_type": "motion", "object_id": MOTION}
    return [
        _event(10, "motion.opened", **on_motion,
               changes={"closes_at": [None, "2026-03-08T00:00:00Z"]}),
        _event(11, "relationship_request.refer", object_type="relationship_request",
               object_id=REQUEST, changes={"motion_id": [None, MOTION]}),
        _event(12, "motion.voted", **on_motion, actor={"person": LEE, "role": "board"},
               changes={"voter": [None, LEE], "choice": [None, "against"]}),
        _event(13, "motion.recused", **on_motion, actor={"person": CHAIR, "role": "board"},
               changes={"voter": [None, CHAIR], "recused": [False, True]},
               reason="Chairs the partner's council"),
        _event(14, "motion.vote_changed", **on_motion, actor={"person": LEE, "role": "board"},
               changes={"voter": [None, LEE], "choice": ["against", "for"]},
               request_id="settling"),
        _event(15, "motion.decided", **on_motion, actor={"person": LEE, "role": "board"},
               changes={"status": ["open", "carried"]}, request_id="settling"),
        _event(16, "relationship_request.approve", object_type="relationship_request",
               object_id=REQUEST, actor={"person": LEE, "role": "board"},
               changes={"state": ["referred", "approved"]},
               reason=f"the board carried motion {MOTION}", request_id="settling"),
    ]  # fmt: skip


def _record(format: int) -> dict[str, Any]:
    voters: list[Any] = [CHAIR, LEE, KIM]
    if format == 2:
        voters = [
            {"person": p, "name": n} for p, n in ((CHAIR, "Chair"), (LEE, "Lee"), (KIM, "Kim"))
        ]
    return {
        "format": format,
        "voters": voters,
        "votes": [{"person": LEE, "choice": "for", "at": "2026-03-01T10:00:14Z"}],
        "recusals": [{"person": CHAIR, "conflict": "Chairs the partner's council"}],
        "tally": {"board_size": 3, "for": 1, "against": 0, "abstain": 0, "recused": 1,
                  "not_voted": 1, "quorum_present": 1, "quorum_needed": 2, "quorate": False},
        "rules": {"majority": "simple"},
        "outcome": "lost",
    }  # fmt: skip


def _names(record: dict[str, Any] | None) -> Names:
    motion = MotionFacts(
        id=MOTION,
        title="Relationship with Fiji LA: exchange",
        subject='Relationship request "exchange" with Fiji LA (FJ)',
        subject_id=REQUEST,
        quorum_fraction=0.5,
        majority="simple",
        roll=(CHAIR, LEE, KIM),
        record=record,
        sha256="ab" * 32,
    )
    people = {CHAIR: "Chair", LEE: "Lee", KIM: "Kim", ADMIN: "Ada Admin"}
    return Names(people=people, objects={REQUEST: motion.subject}, motions={MOTION: motion})


@pytest.mark.parametrize("format", [1, 2])
def test_a_motion_reads_as_minutes_and_the_approval_is_the_boards(format):
    rows = report_rows(_motion_events(), _names(_record(format)))
    cells = [(r.seq, r.event, r.director, r.vote, r.conflict, r.who) for r in rows]
    assert cells == [
        (10, "Motion opened", "Chair, Kim, Lee", "", "", "Ada Admin"),
        (11, "Relationship request referred to the board", "", "", "", "Ada Admin"),
        (13, "Recusal", "Chair", "recused", "Chairs the partner's council", "Chair"),
        (14, "Vote", "Lee", "for", "", "Lee"),
        (15, "Did not vote", "Kim", "did not vote", "", ""),
        (15, "Motion decided", "", "1 for, 0 against, 0 abstaining, 1 recused, 1 not voting",
         "", BOARD),
        (16, "Relationship request approved", "", "", "", BOARD),
    ]  # fmt: skip
    opened, _, _, lee, _, decided, approved = rows
    assert opened.quorum == "2 of the 3 directors on the roll must vote"
    assert opened.reason == "voting closes 8 Mar 2026 00:00 UTC"
    assert lee.reason == "earlier vote: against"
    assert decided.quorum.startswith("not reached: 1 of 3 directors counted, 2 needed")
    assert decided.majority == "simple majority: more votes for than against"
    assert decided.outcome == "lost" and decided.record_sha256 == "ab" * 32
    assert approved.motion == "Relationship with Fiji LA: exchange" and approved.role == "board"
    assert approved.reason == 'the board carried motion "Relationship with Fiji LA: exchange"'
    assert all(row.motion == approved.motion for row in rows)
    for row in rows:
        assert not UUID_TEXT.search(" ".join(str(c) for c in row.cells()[:-1]))


def test_record_roll_reads_both_formats():
    old, new = record_roll(_record(1)), record_roll(_record(2))
    assert [(e.person, e.choice, e.recused) for e in old] == [
        (e.person, e.choice, e.recused) for e in new
    ]
    assert [e.name for e in old] == ["", "", ""] and [e.name for e in new] == [
        "Chair",
        "Lee",
        "Kim",
    ]
    assert new[0].conflict == "Chairs the partner's council"


def _parse_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _xlsx_values(data: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def _as_text(values: list[tuple[Any, ...]]) -> list[list[str]]:
    """XLSX rows as the CSV holds them (empty cells as "", trailing ones dropped)."""
    lines = []
    for line in values:
        cells = ["" if cell is None else str(cell) for cell in line]
        while cells and cells[-1] == "":
            cells.pop()
        lines.append(cells)
    return lines


def test_csv_and_xlsx_have_the_same_content_with_the_tree_head():
    rows = report_rows([*EVENTS, *_motion_events()], _names(_record(2)), "Australia/Canberra")
    title = ReportTitle(
        "acme", "Australia/Canberra", datetime(2026, 3, 1, tzinfo=UTC), None, 16, "cd" * 32,
        "1 Mar 2026 22:00 AEDT", "ef" * 8, "01" * 64,
    )  # fmt: skip
    parsed = _parse_csv(render(rows, title, "csv"))
    book = load_workbook(io.BytesIO(render(rows, title, "xlsx")))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert parsed[0] == [title.text()] and values[0][0] == title.text()
    assert "size 16, root " + "cd" * 32 in title.text() and "01" * 64 in title.text()
    assert "from 1 Mar 2026 11:00 AEDT to now (times in Australia/Canberra)" in title.text()
    assert parsed[1] == list(header("Australia/Canberra")) and list(values[1]) == parsed[1]
    assert all(cell.font.bold for cell in sheet[2]) and sheet.freeze_panes == "A3"
    assert [["" if c is None else c for c in v] for v in values[2:]] == [
        list(row.cells()) for row in rows
    ]
    assert _as_text(values) == [list(line) for line in _as_text_rows(parsed)]


def _as_text_rows(lines: list[list[str]]) -> list[tuple[str, ...]]:
    trimmed = []
    for line in lines:
        cells = list(line)
        while cells and cells[-1] == "":
            cells.pop()
        trimmed.append(tuple(cells))
    return trimmed


def test_text_that_looks_like_a_formula_stays_text():
    event = _event(7, "token.revoked", reason='=HYPERLINK("http://x")')
    rows = report_rows([event], Names(people=dict(PEOPLE)))
    reason = header("UTC").index("Reason")
    assert (
        _parse_csv(render(rows, ReportTitle("acme"), "csv"))[2][reason]
        == '\'=HYPERLINK("http://x")'
    )
    sheet = load_workbook(io.BytesIO(render(rows, ReportTitle("acme"), "xlsx"))).active
    cell = sheet.cell(row=3, column=reason + 1)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


# -- over HTTP, both engines ------------------------------------------------------------

ZONE = "Australia/Canberra"
CONFLICT = "Sits on the Fiji Library Association's advisory council."


@pytest.fixture
async def un_2026(database: str) -> AsyncIterator[str]:
    """Only the UN list of 2026-02-27 is stored while the test runs."""
    await stories.clear_lists()
    yield await stories.load_list("un", stories.UN_2026)
    await stories.clear_lists()


async def _director(world: Any, name: str) -> Party:
    email = f"{name.split()[0].lower()}.{world.slug}@example.org"
    grant = await grant_role(world.tenant, email, Role.BOARD, name=name, actor=OPERATOR)
    issued = await issue_token(world.tenant.id, grant.person.id, label="test", actor=OPERATOR)
    return Party(email, grant.person.id, grant.membership.id, Role.BOARD, issued.secret, issued.id)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.url}: {response.text}"
    return response.json()


async def _vote(api: Any, base: str, motion_id: str, director: Party, choice: str) -> Any:
    url = f"{base}/motions/{motion_id}/vote"
    return ok(await api.put(url, json={"choice": choice}, headers=director.headers))


async def test_a_period_with_two_motions_reads_as_minutes(api, factory, un_2026):
    world = await factory.tenant("minutes")
    base = stories.base(world)
    await stories.use_partner_policy(api, world)
    chair = world[Role.BOARD]  # "Board person"
    aroha = await _director(world, "Aroha Ngata")
    bui = await _director(world, "Bui Thi Lan")
    carmen = await _director(world, "Carmen Díaz")
    executive, coordinator = world[Role.EXECUTIVE].headers, world[Role.COORDINATOR].headers
    since = datetime.now(UTC)

    # Motion 1: the Fiji request; Aroha declares a conflict, the chair abstains, and
    # Carmen's vote settles it.
    fiji = await stories.create_partner(
        api, world, name="Fiji Library Association", country="FJ",
        officers=[stories.officer("Mere Naulumatua", date_of_birth="1980", nationality="FJ")],
    )  # fmt: skip
    request = await stories.raise_request(api, world, fiji["id"])
    await stories.submit(api, world, request["id"])
    await stories.receive(api, world, request["id"])
    await stories.complete_due_diligence(api, world, request["id"])
    first = (await stories.refer(api, world, request["id"]))["motion_id"]
    recusal = f"{base}/motions/{first}/recusal"
    ok(await api.post(recusal, json={"conflict": CONFLICT}, headers=aroha.headers))
    await _vote(api, base, first, chair, "abstain")
    await _vote(api, base, first, bui, "for")
    assert (await _vote(api, base, first, carmen, "for"))["status"] == "carried"
    assert (await stories.get_request(api, world, request["id"]))["state"] == "approved"

    # Its MOU: approved through that motion, signed, activated, reviewed.
    today = date.today()
    body = mou_body(fiji["id"], request_id=request["id"], title="ALIA and FLA MOU")
    mou = ok(await api.post(f"{base}/mous", json=body, headers=coordinator), 201)
    mou_url = f"{base}/mous/{mou['id']}"
    ok(await api.post(f"{mou_url}/approval", headers=executive))
    signing = {
        "signatories": [
            {"name": "Chief Executive", "position": "CEO", "signed_on": str(today)},
            {"partner_id": fiji["id"], "name": "Mere Naulumatua", "signed_on": str(today)},
        ],
        "document_sha256": SHA256_OF_SIGNED_PDF,
    }
    ok(await api.post(f"{mou_url}/signing", json=signing, headers=executive))
    mou = ok(await api.post(f"{mou_url}/activation", headers=executive))
    review = ok(await api.post(f"{mou_url}/reviews", headers=coordinator), 201)
    decision = {"benefits_members": True, "decision": "continue", "findings": "Two workshops."}
    ok(
        await api.post(
            f"{mou_url}/reviews/{review['id']}/decision", json=decision, headers=coordinator
        )
    )

    # Motion 2: its renewal; Aroha votes against this time.
    expires = str(date.fromisoformat(mou["expires_on"]) + timedelta(days=365))
    renewal = {"purpose": "renewal", "closes_at": closes_in(), "expires_on": expires}
    second = ok(await api.post(f"{mou_url}/motions", json=renewal, headers=executive), 201)["id"]
    for director, choice in ((chair, "for"), (aroha, "against"), (bui, "for"), (carmen, "for")):
        await _vote(api, base, second, director, choice)
    assert ok(await api.get(mou_url, headers=executive))["state"] == "renewed"

    # A screening case, adjudicated with who and why.
    kivu = await stories.create_partner(
        api, world, name="Bibliothèque nationale du Kivu", country="CD",
        officers=[stories.officer(role="Treasurer", **stories.UN_LISTED)],
    )  # fmt: skip
    held = await stories.submit(
        api, world, (await stories.raise_request(api, world, kivu["id"]))["id"]
    )
    [case] = held["cases"]
    why = "Date of birth and nationality match the listed entry."
    await stories.adjudicate(api, world, case["id"], "confirmed", why)
    # The report reads times in the association's zone as it is when it is written.
    # (Set now rather than first: the stories date findings by the machine's day.)
    ok(await api.patch(base, json={"time_zone": ZONE}, headers=world[Role.ADMIN].headers))
    until = datetime.now(UTC)

    auditor = world[Role.AUDITOR].headers
    url = f"{base}/audit/report"
    period = {"since": since.isoformat(), "until": until.isoformat()}
    xlsx = await api.get(url, params={**period, "format": "xlsx"}, headers=auditor)
    assert xlsx.status_code == 200, xlsx.text
    assert xlsx.headers["content-type"].startswith(XLSX_MEDIA_TYPE)
    as_csv = await api.get(url, params=period, headers=auditor)
    assert as_csv.headers["content-type"].startswith(CSV_MEDIA_TYPE)
    values = _xlsx_values(xlsx.content)
    assert _as_text(values) == [list(line) for line in _as_text_rows(_parse_csv(as_csv.content))]

    title, columns, *rows = values
    assert world.slug in title[0] and f"(times in {ZONE})" in title[0]
    assert re.search(r"signed tree head: size \d+, root [0-9a-f]{64}", title[0])
    assert columns == header(ZONE)
    col = {name: index for index, name in enumerate(columns)}
    events = [e for e in await events_of(world.tenant.id) if e["time"] >= _stamp(since)]
    by_seq = {e["seq"]: e for e in events}

    def when(event: dict[str, Any]) -> str:
        return local_time(datetime.fromisoformat(event["time"].replace("Z", "+00:00")), ZONE)

    def act(motion_id: str, director: Party) -> dict[str, Any]:
        [found] = [
            e for e in events
            if e["object_id"] == motion_id and e["action"] in ("motion.voted", "motion.recused")
            and e["actor"]["person"] == str(director.person_id)
        ]  # fmt: skip
        return found

    def decided(motion_id: str) -> dict[str, Any]:
        [found] = [
            e for e in events if e["object_id"] == motion_id and e["action"] == "motion.decided"
        ]
        return found

    # Every row carries the seq of its event; nothing before the period is in it.
    assert all(row[0] in by_seq for row in rows)
    assert "Policy changed" not in [row[col["Event"]] for row in rows]
    for row in rows:  # names, not UUIDs: ids only in their own column and the hashes
        assert not UUID_TEXT.search(" ".join(str(c or "") for c in row[:-1])), row

    fiji_request = (
        'Relationship request "Library and information education partnership" '
        "with Fiji Library Association (FJ)"
    )
    first_title = f"Relationship with Fiji Library Association: {request['title']}"
    record = await _decision(api, base, first, executive)
    expected_first = [
        _roll(act(first, aroha), "Recusal", "Aroha Ngata", "recused", CONFLICT),
        _roll(act(first, chair), "Vote", "Board person", "abstain"),
        _roll(act(first, bui), "Vote", "Bui Thi Lan", "for"),
        _roll(act(first, carmen), "Vote", "Carmen Díaz", "for"),
    ]
    first_rows = [row for row in rows if row[col["Motion"]] == first_title]
    roll = [row for row in first_rows if row[col["Event"]] in ("Vote", "Recusal")]
    assert len(roll) == 4
    for row, (event, kind, name, vote, conflict) in zip(roll, expected_first, strict=True):
        assert list(row) == [
            event["seq"], when(event), kind, fiji_request, first_title, name, vote,
            conflict or None, None, None, None, None, name, "board", None, None,
            f"person {event['actor']['person']}; motion {first}",
        ]  # fmt: skip
    settled = decided(first)
    decided_row = next(row for row in first_rows if row[col["Event"]] == "Motion decided")
    assert list(decided_row[: col["Who"] + 2]) == [
        settled["seq"], when(settled), "Motion decided", fiji_request, first_title, None,
        "2 for, 0 against, 1 abstaining, 1 recused, 0 not voting",
        None,
        "reached: 3 of 4 directors counted, 2 needed (recused directors do not count)",
        "simple majority: more votes for than against",
        "carried", record["sha256"], BOARD, "board",
    ]  # fmt: skip
    approved = next(r for r in first_rows if r[col["Event"]] == "Relationship request approved")
    assert approved[col["Subject"]] == fiji_request and approved[col["Outcome"]] == "approved"
    assert approved[col["Who"]] == BOARD != "Carmen Díaz"  # the motion's, not the last voter's
    assert approved[0] > settled["seq"]
    assert [row[0] for row in first_rows] == sorted(row[0] for row in first_rows)

    # Every MOU event, each attributed to what decided it.
    mou_words = f'MOU {mou["reference"]} "ALIA and FLA MOU" with Fiji Library Association (FJ)'
    mou_rows = {row[col["Event"]]: row for row in rows if row[col["Subject"]] == mou_words}
    for label in ("MOU approved", "MOU signed", "MOU activated", "MOU review opened",
                  "MOU reviewed", "MOU put to the board", "MOU renewed"):  # fmt: skip
        assert label in mou_rows, (label, sorted(mou_rows))
    mou_events = [e for e in events if e["object_id"] == mou["id"] and is_governance(e["action"])]
    assert sorted(row[0] for row in mou_rows.values()) == [e["seq"] for e in mou_events]
    assert mou_rows["MOU approved"][col["Motion"]] == first_title
    assert mou_rows["MOU approved"][col["Who"]] == f"{BOARD}; applied by Executive person"
    assert mou_rows["MOU approved"][col["Role"]] == "executive"
    assert mou_rows["MOU signed"][col["Who"]] == "Executive person"
    assert mou_rows["MOU reviewed"][col["Reason"]] == "Two workshops."
    second_title = f"Renewal of {mou['reference']}: ALIA and FLA MOU"
    assert mou_rows["MOU renewed"][col["Motion"]] == second_title
    assert (
        mou_rows["MOU renewed"][col["Who"]] == BOARD
        and mou_rows["MOU renewed"][col["Outcome"]] == "renewed"
    )

    second_rows = [row for row in rows if row[col["Motion"]] == second_title]
    votes = {
        row[col["Director"]]: row[col["Vote"]] for row in second_rows if row[col["Event"]] == "Vote"
    }
    assert votes == {
        "Board person": "for",
        "Aroha Ngata": "against",
        "Bui Thi Lan": "for",
        "Carmen Díaz": "for",
    }
    second_decided = next(row for row in second_rows if row[col["Event"]] == "Motion decided")
    assert second_decided[col["Vote"]] == "3 for, 1 against, 0 abstaining, 0 recused, 0 not voting"
    assert (
        second_decided[col["Decision record sha256"]]
        == (await _decision(api, base, second, executive))["sha256"]
    )
    assert second_decided[col["Subject"]] == mou_words + " (renewal)"

    adjudicated = next(row for row in rows if row[col["Event"]] == "Screening case adjudicated")
    assert adjudicated[col["Who"]] == "Coordinator person" and adjudicated[col["Reason"]] == why
    assert adjudicated[col["Outcome"]] == "confirmed"
    assert "Eric Badege" in adjudicated[col["Subject"]]
    assert all(str(row[col[f"Time ({ZONE})"]]).endswith(("AEDT", "AEST")) for row in rows)

    # The signed record names each director beside their id.
    names = {v["person"]: v["name"] for v in json.loads(record["record"])["voters"]}
    assert names == {
        str(chair.person_id): "Board person",
        str(aroha.person_id): "Aroha Ngata",
        str(bui.person_id): "Bui Thi Lan",
        str(carmen.person_id): "Carmen Díaz",
    }


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _roll(
    event: dict[str, Any], kind: str, name: str, vote: str, conflict: str = ""
) -> tuple[dict[str, Any], str, str, str, str]:
    return event, kind, name, vote, conflict


async def _decision(api: Any, base: str, motion_id: str, headers: dict[str, str]) -> dict[str, Any]:
    return ok(await api.get(f"{base}/motions/{motion_id}/decision", headers=headers))


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


def test_every_label_is_words():
    for action, words in GOVERNANCE_ACTIONS.items():
        assert "." not in words and "_" not in words, action


def test_votes_on_a_motion_still_open_are_listed_as_they_happened():
    events = _motion_events()[:3]  # opened, referred, Lee's vote; not decided
    names = _names(None)
    rows = report_rows(events, names)
    vote = rows[-1]
    assert (vote.seq, vote.event, vote.director, vote.vote, vote.outcome, vote.who) == (
        12,
        "Vote cast",
        "Lee",
        "against",
        "open",
        "Lee",
    )


def test_a_finding_says_what_was_found():
    finding = _event(
        8, "relationship_request.attested", object_type="relationship_request",
        changes={"non_discrimination": [None, {"discriminates_on": ["sexual orientation"]}],
                 "attestation": [None, "44444444-0000-4000-8000-000000000004"]},
        reason="Partner's constitution, article 4",
    )  # fmt: skip
    [row] = report_rows([finding], Names(people=dict(PEOPLE)))
    assert row.event == "Due-diligence finding recorded" and row.who == "Ada Admin"
    assert row.outcome == "non discrimination: discriminates on sexual orientation"
    assert row.reason == "Partner's constitution, article 4"
    assert "attestation 44444444-0000-4000-8000-000000000004" in row.ids
    assert "44444444" not in row.changes


def test_a_lapsed_motion_is_the_boards_and_names_the_motion():
    events = _motion_events()[:4]
    events += [
        _event(15, "motion.decided", object_type="motion", object_id=MOTION,
               actor={"person": None, "role": "operator"}, changes={"status": ["open", "lost"]},
               request_id="close-due"),
        _event(16, "relationship_request.motion_lapsed", object_type="relationship_request",
               object_id=REQUEST, actor={"person": None, "role": "operator"},
               changes={"motion": [MOTION, None]}, reason="no quorum", request_id="close-due"),
    ]  # fmt: skip
    lapsed = report_rows(events, _names(_record(2)))[-1]
    assert lapsed.event == "Motion lapsed without quorum; request still referred"
    assert lapsed.motion == "Relationship with Fiji LA: exchange" and lapsed.who == BOARD
