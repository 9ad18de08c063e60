"""Hours roll up into each scheme's professional-development categories."""

from __future__ import annotations

import io
import uuid

from openpyxl import load_workbook

from policies import load_preset
from registry.participation.exports import HoursLine, hours_csv, hours_xlsx
from registry.participation.hours import PLAIN_HOURS, Attendance, cpd_category, roll_up

PAIR = uuid.uuid4()
MENTOR, MENTEE = uuid.uuid4(), uuid.uuid4()


def _meetings(*minutes: int) -> list[Attendance]:
    out = []
    for m in minutes:
        out.append(Attendance(MENTOR, "Mina Mentor", "mentor", PAIR, m))
        out.append(Attendance(MENTEE, "Ted Mentee", "mentee", PAIR, m))
    return out


def test_aasw_mentee_hours_count_to_category_1_and_mentor_hours_to_category_3():
    rows = {r.role: r for r in roll_up(_meetings(60, 90, 45), load_preset("aasw-mentoring"))}
    mentee, mentor = rows["mentee"], rows["mentor"]
    assert mentee.hours == mentor.hours == 3.25
    assert mentee.meetings == 3
    assert (mentee.cpd.category, mentee.cpd.recommended_min_hours) == ("Category 1", 10)
    assert (mentor.cpd.category, mentor.cpd.recommended_min_hours) == ("Category 3", 5)
    assert mentee.cpd.scheme == "AASW CPD Policy"
    assert mentee.minimum_met is False and mentee.hours_to_minimum == 6.75
    assert mentor.hours_to_minimum == 1.75


def test_aasw_minimum_met_at_exactly_the_recommended_hours():
    rows = {r.role: r for r in roll_up(_meetings(300), load_preset("aasw-mentoring"))}
    assert rows["mentor"].minimum_met is True
    assert rows["mentee"].minimum_met is False


def test_alia_and_iln_hours_are_plain_pd_scheme_hours_without_a_minimum():
    for preset in ("alia-mentoring", "iln-peer"):
        category = cpd_category(load_preset(preset), "mentee" if "alia" in preset else "peer")
        assert category.scheme == "ALIA PD Scheme"
        assert category.category is None and category.recommended_min_hours is None
        assert category.label == "ALIA PD Scheme"


def test_no_policy_gives_plain_hours():
    [row, *_] = roll_up(_meetings(30), None)
    assert row.cpd.scheme == PLAIN_HOURS and row.minimum_met is None


def test_a_participant_without_meetings_shows_zero():
    rows = roll_up([Attendance(MENTEE, "Ted Mentee", "mentee", PAIR, 0)], None)
    assert rows[0].meetings == 0 and rows[0].hours == 0


def test_exports_carry_the_categories_and_defuse_formulas():
    rows = roll_up(_meetings(60), load_preset("aasw-mentoring"))
    lines = [HoursLine(r, "=cmd@example.org", "AASW Mentoring", "2025") for r in rows]
    text = hours_csv(lines).decode("utf-8-sig")
    assert "Category 1" in text and "Category 3" in text
    assert "'=cmd@example.org" in text
    sheet = load_workbook(io.BytesIO(hours_xlsx(lines))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "person"
    assert {v[9] for v in values[1:]} == {"Category 1", "Category 3"}
    assert values[1][1] == "=cmd@example.org" and sheet.cell(2, 2).data_type == "s"
