"""Whatever arrives, the engine answers with a Decision or a clear error, and evaluating
reads no files."""

import builtins
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policies import PolicyError, SubjectError, evaluate, load_policy, load_preset
from policies.presets import list_presets, preset_text
from tests.policies.factories import aasw_mentor, iln_peer, partner

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(-2, 20, allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["2025-03-01", "9999-12-31", "0001-01-01", "AU", "mentor", "financial"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8,
)

APPLICANT_FIELDS = sorted(set(aasw_mentor()) | {"country", "cohort", "match", "partner_country"})
PARTNER_FIELDS = sorted(partner())


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(field=st.sampled_from(APPLICANT_FIELDS), value=json_values)
def test_any_applicant_field_value_gives_a_decision_or_a_subject_error(field, value):
    for policy_name, base in (("aasw-mentoring", aasw_mentor()), ("iln-peer", iln_peer())):
        subject = {**base, field: value}
        try:
            decision = evaluate(load_preset(policy_name), subject, as_of=date(2025, 2, 1))
        except SubjectError as error:
            assert error.field is not None and error.message
        else:
            assert decision.outcome in ("eligible", "ineligible", "refer")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(field=st.sampled_from(PARTNER_FIELDS), value=json_values)
def test_any_partner_field_value_gives_a_decision_or_a_subject_error(field, value):
    subject = {**partner(), field: value}
    try:
        decision = evaluate(load_preset("alia-international"), subject, as_of=date(2025, 3, 1))
    except SubjectError as error:
        assert error.message
    else:
        assert decision.outcome in ("eligible", "ineligible", "refer")


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(["alia-mentoring", "aasw-mentoring", "iln-peer",
                             "alia-international"]),
       line_index=st.integers(0, 400), replacement=st.sampled_from(
           ["", "x = 1", "[[rules]]", "kind = 3", 'id = ""', "[policy]", "min_years = -1",
            'kind = "term"', "roles = [\"boss\"]", "max_percent = 0", "= 3"]))
def test_a_damaged_preset_loads_or_raises_a_policy_error(name, line_index, replacement):
    lines = preset_text(name).splitlines()
    lines[line_index % len(lines)] = replacement
    try:
        load_policy("\n".join(lines))
    except PolicyError as error:
        assert error.message
        assert error.line is None or 1 <= error.line <= len(lines)


def test_evaluating_reads_no_files(monkeypatch):
    policies = [load_preset(name) for name in list_presets()]

    def no_files(*args, **kwargs):
        raise AssertionError("evaluation opened a file")

    monkeypatch.setattr(builtins, "open", no_files)
    for policy in policies:
        subject = partner(country="KH") if policy.subject_kind == "partner" else iln_peer(
            country="BR", partner_country="vn", role="peer")
        try:
            evaluate(policy, subject, as_of=date(2025, 2, 1))
        except SubjectError:
            pytest.fail("valid subject refused")
