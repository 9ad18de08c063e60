"""The mentoring pages over HTTP, as a browser without JavaScript uses them: a
coordinator starts a scheme from a preset and sets up an intake, members apply (with
their mistakes shown next to the fields and the policy's refusals with its reasons),
matching runs and is reviewed and published after a confirmation, both parties accept,
a meeting is logged, certificates are issued and downloaded, and anyone checks one on
the public page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest

from registry.audit.ledger import OPERATOR
from registry.participation import service as participation
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.service import grant_role
from tests.mentoring.stories import wind_to
from tests.web.helpers import browser_for
from tests.web.test_pages import field_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

INTERESTS = "leadership, cataloguing\ndigital libraries"


def mentor_form(csrf: str, **changes: str) -> dict[str, object]:
    form: dict[str, object] = {
        "csrf_token": csrf,
        "role": "mentor",
        "interests": ["leadership", "digital libraries"],
        "sector": "public",
        "career_stage": "4",
        "years": "9",
        "country": "AU",
        "languages": "en",
        "utc_offset": "10",
        "preference": "open",
        "capacity": "2",
        "membership_class": "Associate",
        "membership_status": "financial",
        "declarations": ["code-of-conduct", "resume"],
        "hours_per_month": "3",
        "meetings_per_month": "1",
    }
    form.update(changes)
    return form


def mentee_form(csrf: str, **changes: str) -> dict[str, object]:
    return mentor_form(
        csrf,
        role="mentee",
        career_stage="2",
        years="1",
        capacity="1",
        membership_class="Student",
        hours_per_month="1",
        preparation_hours_per_month="2",
        **changes,
    )


def location(response: httpx.Response) -> str:
    problem = re.search(r'<div class="error-summary".*?</div>', response.text, re.S)
    assert response.status_code == 303, problem.group(0) if problem else response.text[:2000]
    return response.headers["location"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
async def world(factory):
    world = await factory.tenant("web-mentoring")
    for label in ("mentor", "mentee"):
        await grant_role(
            world.tenant,
            f"{label}.{world.slug}@example.org",
            Role.MEMBER,
            name=f"{label.title()} Person",
            actor=OPERATOR,
        )
    return world


async def test_set_up_apply_match_accept_meet_and_certify(live_server, world):
    slug = world.slug
    mentor_email, mentee_email = f"mentor.{slug}@example.org", f"mentee.{slug}@example.org"
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
        overview = await staff.get(f"/t/{slug}/mentoring")
        assert "Start a scheme from a preset" in overview.text
        assert f'href="/t/{slug}/mentoring"' in overview.text  # in the navigation

        bad = await staff.post(
            f"/t/{slug}/mentoring/schemes", data={"csrf_token": csrf, "name": "ALIA Mentoring"}
        )
        assert bad.status_code == 400
        assert "Choose a preset" in field_error(bad.text, "preset")
        assert "at least one interest" in field_error(bad.text, "interests")
        assert 'value="ALIA Mentoring"' in bad.text

        scheme_url = location(
            await staff.post(
                f"/t/{slug}/mentoring/schemes",
                data={
                    "csrf_token": csrf,
                    "name": "ALIA Mentoring",
                    "preset": "alia-mentoring",
                    "interests": INTERESTS,
                },
            )
        )
        scheme = await staff.get(scheme_url)
        assert f'value="policy:{world.policy_name}"' in overview.text
        own = await staff.get(
            location(
                await staff.post(
                    f"/t/{slug}/mentoring/schemes",
                    data={
                        "csrf_token": csrf,
                        "name": "Our own edition",
                        "preset": f"policy:{world.policy_name}",
                        "interests": "leadership",
                    },
                )
            )
        )
        assert "the association&#39;s stored policy" in own.text
        assert world.policy_name in own.text
        assert "leadership, cataloguing, digital libraries" in scheme.text
        assert "Applications open approximately two months prior" in scheme.text

        start = date.today() + timedelta(days=30)
        fixed = await staff.post(
            f"{scheme_url}/intakes",
            data={
                "csrf_token": csrf,
                "name": "2027",
                "starts_on": start.isoformat(),
                "applications_close": start.isoformat(),
            },
        )
        assert fixed.status_code == 400
        assert "leave it out" in field_error(fixed.text, "applications_close")
        no_start = await staff.post(
            f"{scheme_url}/intakes", data={"csrf_token": csrf, "name": "2027", "starts_on": "x"}
        )
        assert "YYYY-MM-DD" in field_error(no_start.text, "starts_on")
        intake_url = location(
            await staff.post(
                f"{scheme_url}/intakes",
                data={"csrf_token": csrf, "name": "2027", "starts_on": start.isoformat()},
            )
        ).split("?")[0]
        intake = await staff.get(intake_url)
        closes = (start - timedelta(days=7)).strftime("%d %b %Y")
        assert f"Applications close</dt><dd>{closes}" in intake.text
        assert "Evaluation due" in intake.text

    intake_id = intake_url.rsplit("/", 1)[1]
    apply_url = f"/t/{slug}/mentoring/intakes/{intake_id}/apply"
    async with browser_for(live_server, mentor_email) as (mentor, csrf):
        form = await mentor.get(apply_url)
        assert "agreement to abide by the Code of Conduct" in form.text
        assert 'name="membership_class"' in form.text
        assert "Each intake runs for 12 months." in form.text  # the policy, in its words
        mistakes = await mentor.post(apply_url, data=mentor_form(csrf, years="", country=""))
        assert mistakes.status_code == 400
        assert "years of experience" in field_error(mistakes.text, "years")
        assert "two-letter code" in field_error(mistakes.text, "country")
        refused = await mentor.post(apply_url, data=mentor_form(csrf, years="2"))
        assert refused.status_code == 403
        assert "not accepted" in refused.text
        assert "at least four years" in refused.text or "4 years" in refused.text
        application = await mentor.get(
            location(await mentor.post(apply_url, data=mentor_form(csrf)))
        )
        assert "Your application is in" in application.text
        assert "Met" in application.text and "accepted" in application.text

    async with browser_for(live_server, mentee_email) as (mentee, mentee_csrf):
        panel = await mentee.get(f"/t/{slug}/")
        assert "Apply to ALIA Mentoring, 2027" in panel.text
        assert "No partnership yet" in panel.text
        stranger = await mentee.post(
            apply_url, data=mentee_form(mentee_csrf, avoid="nobody@example.org")
        )
        assert "not the address of a member" in field_error(stranger.text, "avoid")
        avoid = world[Role.COORDINATOR].email.upper()
        location(await mentee.post(apply_url, data=mentee_form(mentee_csrf, avoid=avoid)))

        async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
            pairs_csv = re.search(
                r'href="(/api/v1/[^"]+/pairs.csv)"', (await staff.get(intake_url)).text
            )
            assert pairs_csv
            dashboard = await staff.get(f"/t/{slug}/")
            assert "ALIA Mentoring, 2027" in dashboard.text
            assert "2 applications" in dashboard.text
            run_url = location(
                await staff.post(f"{intake_url}/match-runs", data={"csrf_token": csrf})
            ).split("?")[0]
            run = await staff.get(run_url + "?done=created")
            assert "Review the draft, then publish it" in run.text
            shown = text_of(run.text)
            assert "1 pair, total score" in shown
            assert "Mentee Person Mentor Person" in shown
            assert "Shared interests:" in shown
            bad_pin = await staff.post(f"{run_url}/pin", data={"csrf_token": csrf, "a": "x"})
            assert bad_pin.status_code == 400
            assert "Choose who to pin" in field_error(bad_pin.text, "a")
            rerun = await staff.post(f"{run_url}/rerun", data={"csrf_token": csrf})
            assert "computed again" in (await staff.get(location(rerun))).text

            confirm = await staff.get(f"{run_url}/publish")
            assert "This cannot be undone" in confirm.text
            assert "Yes, publish and tell everyone" in confirm.text
            published = await staff.get(
                location(await staff.post(f"{run_url}/publish", data={"csrf_token": csrf}))
            )
            assert "Published: the partnerships are proposed" in published.text
            again = await staff.post(f"{run_url}/publish", data={"csrf_token": csrf})
            assert again.status_code == 409
            assert "only a draft is" in again.text

        inbox = await mentee.get(f"/t/{slug}/inbox")
        assert "You have a mentoring partner in 2027" in inbox.text
        listing = await mentee.get(f"/t/{slug}/mentoring/partnerships")
        link = re.search(r'href="(/t/[^"]+/mentoring/partnerships/[0-9a-f-]+)"', listing.text)
        assert link, listing.text
        partnership_url = link.group(1)
        assert "Mentor Person and Mentee Person" in listing.text
        page = await mentee.get(partnership_url)
        assert "The partnership agreement" in page.text
        unticked = await mentee.post(f"{partnership_url}/accept", data={"csrf_token": mentee_csrf})
        assert unticked.status_code == 400
        assert "Tick the box" in field_error(unticked.text, "agree")
        accepted = await mentee.get(
            location(
                await mentee.post(
                    f"{partnership_url}/accept", data={"csrf_token": mentee_csrf, "agree": "yes"}
                )
            )
        )
        assert "Your acceptance of the agreement and plan is recorded" in accepted.text
        assert "Proposed: waiting for both to accept" in accepted.text

    async with browser_for(live_server, mentor_email) as (mentor, csrf):
        location(
            await mentor.post(
                f"{partnership_url}/accept", data={"csrf_token": csrf, "agree": "yes"}
            )
        )
        page = await mentor.get(partnership_url)
        assert "Accepted by both" in page.text
        # A year passes (the record is wound back): the intake ends today.
        await wind_to(world, intake_id, "ends_on")
        future = (date.today() + timedelta(days=2)).isoformat()
        wrong = await mentor.post(
            f"{partnership_url}/meetings",
            data={"csrf_token": csrf, "held_on": future, "minutes": "0", "mode": "video"},
        )
        assert wrong.status_code == 400
        assert "from 1 to 480" in field_error(wrong.text, "minutes")
        in_future = await mentor.post(
            f"{partnership_url}/meetings",
            data={"csrf_token": csrf, "held_on": future, "minutes": "60", "mode": "video"},
        )
        assert "in the future" in field_error(in_future.text, "held_on")
        logged = await mentor.get(
            location(
                await mentor.post(
                    f"{partnership_url}/meetings",
                    data={
                        "csrf_token": csrf,
                        "held_on": date.today().isoformat(),
                        "minutes": "90",
                        "mode": "video",
                        "notes": "goals agreed",
                    },
                )
            )
        )
        assert "The meeting is logged" in logged.text
        assert "goals agreed" in logged.text  # the author's own private notes
        mistake = await mentor.get(
            location(
                await mentor.post(
                    f"{partnership_url}/meetings",
                    data={
                        "csrf_token": csrf,
                        "held_on": date.today().isoformat(),
                        "minutes": "30",
                        "mode": "phone",
                    },
                )
            )
        )
        delete_url = re.findall(
            r'href="(/t/[^"]+/mentoring/meetings/[0-9a-f-]+/delete)"', mistake.text
        )[-1]
        ask = await mentor.get(delete_url)
        assert "This cannot be undone" in ask.text and "30 minutes, Phone" in ask.text
        deleted = await mentor.get(
            location(await mentor.post(delete_url, data={"csrf_token": csrf}))
        )
        assert "The meeting is deleted" in deleted.text
        assert "1.5 h in 1 meeting" in text_of(deleted.text)
        assert "Active" in logged.text  # the first meeting makes the partnership active
        location(await mentor.post(f"{partnership_url}/complete", data={"csrf_token": csrf}))
        assert "Completed" in (await mentor.get(partnership_url)).text

    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
        page = await staff.get(partnership_url)
        assert "goals agreed" not in page.text  # private notes stay private
        # ALIA asks for the evaluation first: the certificate waits for it.
        waits = await staff.post(f"{partnership_url}/certificates", data={"csrf_token": csrf})
        assert waits.status_code == 409 and "evaluation" in waits.text
        location(await staff.post(f"{partnership_url}/evaluate", data={"csrf_token": csrf}))
        location(await staff.post(f"{partnership_url}/certificates", data={"csrf_token": csrf}))
        twice = await staff.post(f"{partnership_url}/certificates", data={"csrf_token": csrf})
        assert twice.status_code == 409

    async with browser_for(live_server, mentee_email) as (mentee, _):
        page = await mentee.get(partnership_url)
        pdf_link = re.search(r'href="(/api/v1/t/[^"]+/pdf)"', page.text)
        assert pdf_link, page.text
        pdf = await mentee.get(pdf_link.group(1))
        assert pdf.status_code == 200
        assert pdf.content.startswith(b"%PDF")
        code = re.search(r'href="/verify/(ACC-[A-Z0-9-]+)"', page.text)
        assert code

    async with httpx.AsyncClient(base_url=live_server) as anyone:
        checked = await anyone.get(f"/verify/{code.group(1)}")
        assert checked.status_code == 200
        assert "Valid." in checked.text
        assert "Mentee Person" in checked.text
        assert "1.5 hours" in checked.text or "1 hour 30" in checked.text or "1.5" in checked.text
        signed = await anyone.get(f"/verify/certificates/{code.group(1)}")
        assert signed.json()["status"] == "valid"  # the JSON the page links to
        assert f'href="/verify/certificates/{code.group(1)}"' in checked.text
        typed = await anyone.get("/verify/", params={"code": code.group(1).lower()})
        assert typed.status_code == 303
        assert typed.headers["location"] == f"/verify/{code.group(1)}"


async def test_the_public_check_explains_bad_and_unknown_codes(live_server):
    async with httpx.AsyncClient(base_url=live_server) as anyone:
        form = await anyone.get("/verify/")
        assert form.status_code == 200
        assert "No sign-in is needed" in form.text
        empty = await anyone.get("/verify/", params={"code": " "})
        assert empty.status_code == 400
        assert "Enter the code" in field_error(empty.text, "code")
        garbage = await anyone.get("/verify/", params={"code": "hello"})
        assert "not a certificate code" in field_error(garbage.text, "code")
        unknown = await anyone.get("/verify/ACC-AAAA-BBBB-CCCC-DDDD")
        assert unknown.status_code == 404
        assert "No certificate has this code" in unknown.text


async def test_members_cannot_run_matching_or_see_others_applications(live_server, world):
    async with browser_for(live_server, world[Role.MEMBER].email) as (member, csrf):
        intake = world.mentoring["intake_id"]
        refused = await member.post(
            f"/t/{world.slug}/mentoring/intakes/{intake}/match-runs", data={"csrf_token": csrf}
        )
        assert refused.status_code == 403
        overview = await member.get(f"/t/{world.slug}/mentoring")
        assert "Seeded scheme, Seeded intake: mentee" in overview.text
        assert "Start a scheme from a preset" not in overview.text


async def test_a_revoked_certificate_is_shown_as_not_valid(live_server, world):
    scope = TenantScope(world.tenant.id, world.slug)
    certificate = await participation.get_certificate(
        scope, world.participation["certificate_id"], OPERATOR
    )
    await participation.revoke_certificate(
        scope, certificate.id, "Issued in error by ALIA", actor=OPERATOR
    )
    async with httpx.AsyncClient(base_url=live_server) as anyone:
        page = await anyone.get(f"/verify/{certificate.code}")
        assert page.status_code == 200
        assert "Not valid: revoked" in page.text
        assert "Issued in error by ALIA" in page.text


async def test_a_coordinator_completes_a_partnership_early_from_its_page(live_server, factory):
    from tests.mentoring.stories import business_today
    from tests.participation.world import partnership, person

    world = await factory.tenant("webearly")
    scope = TenantScope(world.tenant.id, world.slug)
    today = await business_today(world)
    pair = await partnership(
        scope,
        await person(world.tenant, "mentor"),
        await person(world.tenant, "mentee"),
        starts_on=today - timedelta(days=30),
        midway_review_on=today + timedelta(days=30),
        ends_on=today + timedelta(days=60),
        evaluation_due_on=today + timedelta(days=74),
    )
    url = f"/t/{world.slug}/mentoring/partnerships/{pair.id}"
    async with browser_for(live_server, world[Role.COORDINATOR].email) as (staff, csrf):
        page = await staff.get(url)
        assert "Reason for completing before the intake ends" in page.text
        no_reason = await staff.post(f"{url}/complete", data={"csrf_token": csrf})
        assert no_reason.status_code == 409
        assert "say why the partnership completes before the intake ends" in no_reason.text
        done = await staff.get(
            location(
                await staff.post(
                    f"{url}/complete", data={"csrf_token": csrf, "reason": "The mentor retired"}
                )
            )
        )
        assert "The partnership is completed" in done.text
        shown = text_of(done.text)
        assert f"Completed on {today.strftime('%d %b %Y')}, before the end of the intake" in shown
        assert "The mentor retired" in shown
