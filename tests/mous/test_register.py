"""The MOU register through the HTTP API: drafts, the board's sanction, signing,
activation, reviews, renewal, termination, expiry and the export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from policies.dates import add_months
from registry.mous.service import active_mou_partner_ids
from tenants.roles import Role
from tests.board.support import (
    SHA256_OF_SIGNED_PDF,
    accord,
    approval_motion,
    board_of,
    draft_mou,
    motion_on,
    mou_body,
    vote,
)
from tests.mous.world import seed_partner
from tests.relationships import stories

SHA = SHA256_OF_SIGNED_PDF


@pytest.fixture(autouse=True)
async def un_2026(database):
    """Signatories are screened when named: the UN list (the one the board's policy
    binds) is stored while each test runs."""
    await stories.clear_lists()
    yield await stories.load_list("un", stories.UN_2026)
    await stories.clear_lists()


async def get(api, board, mou_id):
    response = await api.get(f"{board.base}/mous/{mou_id}", headers=board.executive)
    assert response.status_code == 200, response.text
    return response.json()


async def carry(api, board, motion_id):
    for director in board.directors:
        response = await vote(api, board, motion_id, director, "for")
        assert response.status_code == 200, response.text


def signing(board, mou, signed_on=None):
    day = str(signed_on or date.today())
    return {
        "signatories": [
            {"name": "Chief Executive", "position": "CEO", "signed_on": day},
            *[
                {
                    "partner_id": p["partner_id"],
                    "name": f"President of {p['name']}",
                    "signed_on": day,
                }
                for p in mou["parties"]
            ],
        ],
        "document_sha256": SHA,
    }


async def approved_mou(api, board):
    mou_id, motion_id = await approval_motion(api, board)
    await carry(api, board, motion_id)
    mou = await get(api, board, mou_id)
    assert mou["state"] == "approved" and mou["approved_motion_id"] == motion_id
    return mou


async def active_mou(api, board):
    mou = await approved_mou(api, board)
    signed = await api.post(
        f"{board.base}/mous/{mou['id']}/signing", json=signing(board, mou), headers=board.executive
    )
    assert signed.status_code == 200, signed.text
    active = await api.post(f"{board.base}/mous/{mou['id']}/activation", headers=board.executive)
    assert active.status_code == 200, active.text
    return active.json()


async def test_a_draft_names_its_parties_and_terms(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    mou = await draft_mou(api, board)
    assert mou["state"] == "draft" and mou["reference"].startswith("MOU-")
    assert [p["partner_id"] for p in mou["parties"]] == [str(board.partner_id)]
    assert mou["sdgs"] == [4, 17] and mou["review_interval_months"] == 12
    assert "endorsement" in mou["non_endorsement"]
    second = await draft_mou(api, board)
    assert second["reference"] != mou["reference"]


async def test_bad_drafts_are_refused_naming_the_field(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    other = await seed_partner(board.scope, "Samoa Library Association", "WS")
    cases = [
        (mou_body(board.partner_id, parties=[str(board.partner_id), str(other)]), "parties"),
        (mou_body(board.partner_id, kind="multi_party"), "parties"),
        (mou_body(board.partner_id, parties=[str(board.partner_id)] * 2), "parties"),
        (mou_body(board.partner_id, sdgs=[18]), "sdgs"),
        (mou_body(board.partner_id, assistance=["money"]), "assistance"),
        (mou_body(board.partner_id, expires_on="2000-01-01"), "expires_on"),
        (mou_body(board.partner_id, state="approved"), "state"),
        (mou_body(board.partner_id, parties=["6a0b6b4e-8d0c-4a43-9f44-000000000000"]), "parties"),
    ]
    for body, field in cases:
        response = await api.post(f"{board.base}/mous", json=body, headers=board.executive)
        assert response.status_code == 400, (field, response.text)
        assert field in response.text, (field, response.text)
    several = await draft_mou(
        api, board, kind="multi_party", parties=[str(board.partner_id), str(other)]
    )
    assert len(several["parties"]) == 2
    member = await api.post(
        f"{board.base}/mous",
        json=mou_body(board.partner_id),
        headers=board.world[Role.MEMBER].headers,
    )
    assert member.status_code == 403


async def test_an_mou_cannot_be_approved_or_activated_without_its_motion(api, factory):
    board = await board_of(factory, 3, prefix="mou")
    mou = await draft_mou(api, board)
    base = f"{board.base}/mous/{mou['id']}"
    refused = [
        await api.post(f"{base}/activation", headers=board.executive),
        await api.post(f"{base}/signing", json=signing(board, mou), headers=board.executive),
        await api.post(f"{base}/approval", headers=board.executive),
    ]
    assert [r.status_code for r in refused] == [409, 409, 409]
    assert "approved and signed" in refused[0].json()["detail"]
    assert "no relationship request" in refused[2].json()["detail"]
    sneaky = await api.patch(base, json={"state": "approved"}, headers=board.executive)
    assert sneaky.status_code == 400
    motion = await motion_on(api, board, mou["id"])
    for director, choice in zip(board.directors, ["for", "against", "against"], strict=True):
        await vote(api, board, motion["id"], director, choice)
    after = await get(api, board, mou["id"])
    assert after["state"] == "draft" and after["approved_motion_id"] is None
    assert (await api.post(f"{base}/activation", headers=board.executive)).status_code == 409
    # Another motion may be put; while it is open, a second one on it is refused.
    again = await motion_on(api, board, mou["id"])
    twice = await api.post(
        f"{base}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=board.executive,
    )
    assert twice.status_code == 409 and "still open" in twice.json()["detail"]
    await carry(api, board, again["id"])
    assert (await get(api, board, mou["id"]))["state"] == "approved"


async def test_only_a_complete_draft_goes_to_the_board(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    mou = await draft_mou(api, board, effective_date=None)
    response = await api.post(
        f"{board.base}/mous/{mou['id']}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=board.executive,
    )
    assert response.status_code == 409 and "effective_date" in response.json()["detail"]
    coordinator = await api.post(
        f"{board.base}/mous/{mou['id']}/motions",
        json={"purpose": "approval", "closes_at": "2031-01-01T00:00:00Z"},
        headers=board.world[Role.COORDINATOR].headers,
    )
    assert coordinator.status_code == 403


async def test_signing_needs_every_party_and_the_document(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    mou = await approved_mou(api, board)
    base = f"{board.base}/mous/{mou['id']}"
    body = signing(board, mou)
    only_tenant = {**body, "signatories": body["signatories"][:1]}
    response = await api.post(f"{base}/signing", json=only_tenant, headers=board.executive)
    assert response.status_code == 400 and "signatories" in response.json()["detail"]
    future = signing(board, mou, date.today() + timedelta(days=3))
    response = await api.post(f"{base}/signing", json=future, headers=board.executive)
    assert response.status_code == 400 and "signed_on" in response.json()["detail"]
    bad_hash = {**body, "document_sha256": "abc"}
    response = await api.post(f"{base}/signing", json=bad_hash, headers=board.executive)
    assert response.status_code == 400 and "document_sha256" in response.text
    assert (await get(api, board, mou["id"]))["state"] == "approved"
    response = await api.post(f"{base}/signing", json=body, headers=board.executive)
    assert response.status_code == 200
    signed = response.json()
    assert signed["state"] == "signed" and signed["document_sha256"] == SHA
    assert {s["party"] for s in signed["signatories"]} == {
        board.world.slug,
        "Pacific Library Association",
    }
    edit = await api.patch(base, json={"title": "Changed"}, headers=board.executive)
    assert edit.status_code == 409 and "only a draft" in edit.json()["detail"]


async def test_active_review_continue_renew_and_terminate(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    mou = await active_mou(api, board)
    assert mou["state"] == "active"
    assert mou["next_review_due"] == str(add_months(date.today(), 12))
    assert board.partner_id in await active_mou_partner_ids(board.scope)
    base = f"{board.base}/mous/{mou['id']}"
    coordinator = board.world[Role.COORDINATOR].headers

    review = await api.post(f"{base}/reviews", headers=coordinator)
    assert review.status_code == 201, review.text
    assert (await get(api, board, mou["id"]))["state"] == "under_review"
    decided = await api.post(
        f"{base}/reviews/{review.json()['id']}/decision",
        json={"benefits_members": True, "decision": "continue", "findings": "Two webinars held."},
        headers=coordinator,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"] == "continue" and decided.json()["benefits_members"]
    assert (await get(api, board, mou["id"]))["state"] == "active"
    twice = await api.post(
        f"{base}/reviews/{review.json()['id']}/decision",
        json={"benefits_members": False, "decision": "end"},
        headers=coordinator,
    )
    assert twice.status_code == 409

    # The next review decides to modify it: a renewal with new terms, if the board agrees.
    review = await api.post(f"{base}/reviews", headers=coordinator)
    modify = await api.post(
        f"{base}/reviews/{review.json()['id']}/decision",
        json={"benefits_members": True, "decision": "modify", "findings": "Add SDG 11."},
        headers=coordinator,
    )
    assert modify.status_code == 200
    assert (await get(api, board, mou["id"]))["state"] == "under_review"
    new_expiry = str(date.today() + timedelta(days=6 * 365))
    terms = {"sdgs": [17, 4, 11], "working_relationships": "Joint conference every two years."}
    bad = await api.post(
        f"{base}/motions",
        json={"purpose": "termination", "closes_at": "2031-01-01T00:00:00Z", "terms": terms},
        headers=board.executive,
    )
    assert bad.status_code == 400 and "terms" in bad.json()["detail"]
    renewal = await motion_on(api, board, mou["id"], "renewal", expires_on=new_expiry, terms=terms)
    assert (await get(api, board, mou["id"]))["sdgs"] == [4, 17]  # not until it carries
    await carry(api, board, renewal["id"])
    renewed = await get(api, board, mou["id"])
    assert renewed["state"] == "renewed" and renewed["expires_on"] == new_expiry
    assert renewed["sdgs"] == [4, 11, 17]
    assert renewed["working_relationships"] == "Joint conference every two years."

    termination = await motion_on(api, board, mou["id"], "termination")
    await carry(api, board, termination["id"])
    assert (await get(api, board, mou["id"]))["state"] == "terminated"
    assert board.partner_id not in await active_mou_partner_ids(board.scope)
    late = await api.post(f"{base}/reviews", headers=coordinator)
    assert late.status_code == 409


async def test_reviews_fall_due_and_mous_expire_by_themselves(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    mou = await active_mou(api, board)
    due = mou["next_review_due"]
    slug = board.world.slug
    today = str(date.today())
    assert accord("mous", "reviews-due", "--tenant", slug, "--as-of", today, "--apply") == ""
    # Another day without --apply is a dry run: it names the MOU and opens nothing.
    assert mou["id"] in accord("mous", "reviews-due", "--tenant", slug, "--as-of", due)
    assert (await get(api, board, mou["id"]))["state"] == "active"
    out = accord("mous", "reviews-due", "--tenant", slug, "--as-of", due, "--apply")
    assert mou["id"] in out
    assert (await get(api, board, mou["id"]))["state"] == "under_review"
    reviews = await api.get(f"{board.base}/mous/{mou['id']}/reviews", headers=board.executive)
    assert [r["due_on"] for r in reviews.json()] == [due]
    inbox = await api.get(f"{board.base}/notifications", headers=board.executive)
    assert any(n["kind"] == "mou.review_due" for n in inbox.json()["items"])

    expiry = date.fromisoformat(mou["expires_on"])
    assert accord("mous", "expire", "--tenant", slug, "--as-of", str(expiry), "--apply") == ""
    day_after = str(expiry + timedelta(days=1))
    assert mou["reference"] in accord("mous", "expire", "--tenant", slug, "--as-of", day_after)
    assert (await get(api, board, mou["id"]))["state"] == "under_review"
    out = accord("mous", "expire", "--tenant", slug, "--as-of", day_after, "--apply")
    assert mou["reference"] in out
    assert (await get(api, board, mou["id"]))["state"] == "expired"
    events = await api.get(
        f"{board.base}/audit/events",
        params={"object_id": mou["id"], "action": "mou.expired"},
        headers=board.world[Role.AUDITOR].headers,
    )
    assert len(events.json()["items"]) == 1


async def test_the_register_exports_as_csv_and_xlsx(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    mou = await active_mou(api, board)
    await draft_mou(api, board, title='=HYPERLINK("http://x")')
    auditor = board.world[Role.AUDITOR].headers
    response = await api.get(f"{board.base}/mous/export", headers=auditor)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["reference", "title", "kind", "state"]
    by_reference = {row[0]: row for row in rows[1:]}
    row = by_reference[mou["reference"]]
    assert row[3] == "active" and row[4] == "Pacific Library Association" and SHA in row
    assert any(r[1].startswith("'=") for r in rows[1:])
    response = await api.get(
        f"{board.base}/mous/export", params={"format": "xlsx"}, headers=auditor
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=3)]
    assert mou["reference"] in [v[0] for v in values]
    bad = await api.get(f"{board.base}/mous/export", params={"format": "pdf"}, headers=auditor)
    assert bad.status_code == 400
    member = await api.get(f"{board.base}/mous/export", headers=board.world[Role.MEMBER].headers)
    assert member.status_code == 403


async def test_list_filters_by_state_and_partner(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    active = await active_mou(api, board)
    other = await seed_partner(board.scope, "Tonga Library Association", "TO")
    draft = await draft_mou(api, board, parties=[str(other)])
    reader = board.world[Role.BOARD].headers
    page = await api.get(f"{board.base}/mous", params={"state": "active"}, headers=reader)
    assert [m["id"] for m in page.json()["items"]] == [active["id"]]
    page = await api.get(f"{board.base}/mous", params={"partner_id": str(other)}, headers=reader)
    assert [m["id"] for m in page.json()["items"]] == [draft["id"]]
    bad = await api.get(f"{board.base}/mous", params={"state": "pending"}, headers=reader)
    assert bad.status_code == 400


async def test_a_review_that_finds_no_benefit_cannot_simply_continue(api, factory):
    board = await board_of(factory, 1, prefix="mou")
    mou = await active_mou(api, board)
    base = f"{board.base}/mous/{mou['id']}"
    coordinator = board.world[Role.COORDINATOR].headers
    review = await api.post(f"{base}/reviews", headers=coordinator)
    assert review.status_code == 201, review.text
    url = f"{base}/reviews/{review.json()['id']}/decision"

    refused = await api.post(
        url,
        json={"benefits_members": False, "decision": "continue", "findings": "No activity."},
        headers=coordinator,
    )
    assert refused.status_code == 409
    assert "no longer benefits members: it cannot simply continue" in refused.json()["detail"]
    unsaid = await api.post(
        url, json={"benefits_members": False, "decision": "modify"}, headers=coordinator
    )
    assert unsaid.status_code == 400 and unsaid.json()["detail"].startswith("findings")
    assert (await get(api, board, mou["id"]))["state"] == "under_review"
    reviews = await api.get(f"{base}/reviews", headers=coordinator)
    assert reviews.json()[0]["decision"] is None  # nothing was recorded

    modified = await api.post(
        url,
        json={
            "benefits_members": False,
            "decision": "modify",
            "findings": "Replace the webinars with a staff exchange.",
        },
        headers=coordinator,
    )
    assert modified.status_code == 200, modified.text
    assert modified.json()["decision"] == "modify"
