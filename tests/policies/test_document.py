"""Loading policy documents: validation errors name the key and its line; the hash."""

import json
from datetime import date

import pytest

from policies import PolicyError, evaluate, load_policy, load_preset, policy_from_data
from policies.presets import preset_text
from tests.policies.factories import alia_mentor

ALIA = preset_text("alia-mentoring")


def line_of(text: str, snippet: str) -> int:
    """1-based line of the first line containing `snippet`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if snippet in line:
            return number
    raise AssertionError(f"{snippet!r} not in text")


def load_error(text: str, format: str = "toml") -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        load_policy(text, format=format)
    return caught.value


def test_a_wrongly_typed_value_names_its_key_and_line():
    text = ALIA.replace("min_years = 4", 'min_years = "four"')
    error = load_error(text)
    assert error.key == "rules[5].min_years"
    assert error.line == line_of(text, 'min_years = "four"')
    assert "Expected `float`, got `str`" in error.message
    assert f"rules[5].min_years (line {error.line})" in str(error)
    assert isinstance(error, ValueError)


def test_a_misspelt_key_names_itself_and_its_line():
    text = ALIA.replace("max_mentees = 3", "max_mentes = 3")
    error = load_error(text)
    assert error.key == "rules[6].max_mentes"
    assert error.line == line_of(text, "max_mentes")
    assert error.message == "unknown key 'max_mentes'"


def test_a_missing_key_points_at_its_rule():
    text = ALIA.replace('field = "lis"\n', "")
    error = load_error(text)
    assert error.key == "rules[5].field"
    assert "required key 'field' is missing" in error.message
    # the rule's [[rules]] header: the line before `id = "mentor-lis-experience"`
    assert error.line == line_of(text, 'id = "mentor-lis-experience"') - 1


def test_an_unknown_rule_kind_lists_the_kinds():
    text = ALIA.replace('kind = "capacity"', 'kind = "capacity-limit"')
    error = load_error(text)
    assert error.key == "rules[6].kind"
    assert error.line == line_of(text, "capacity-limit")
    assert "'capacity-limit' is not a rule kind" in error.message
    assert "experience" in error.message


def test_a_toml_syntax_error_gives_its_line():
    text = ALIA.replace("max_mentees = 3", "max_mentees == 3")
    error = load_error(text)
    assert error.key == ""
    assert error.line == line_of(text, "max_mentees == 3")
    assert "not valid TOML" in error.message


def test_an_unknown_region_name_is_rejected_with_its_line():
    text = preset_text("alia-international").replace('"South-eastern Asia" = 3',
                                                     '"South East Asia" = 3')
    error = load_error(text)
    assert error.key == "rules[0].region_weights.South East Asia"
    assert error.line == line_of(text, '"South East Asia" = 3')
    assert "not an M49 region" in error.message


def test_an_unknown_developing_group_is_rejected():
    text = preset_text("alia-international").replace("LDC = 2,", "LCD = 2,")
    error = load_error(text)
    assert error.key == "rules[0].group_weights.LCD"
    assert "not an allowed key" in error.message
    assert error.line == line_of(text, "LCD = 2")


def test_duplicate_rule_ids_are_rejected():
    text = ALIA.replace('id = "mentor-capacity"', 'id = "mentor-lis-experience"')
    error = load_error(text)
    assert error.key == "rules[6].id"
    assert "duplicate rule id 'mentor-lis-experience' (also rules[5])" in error.message
    assert error.line == line_of(text, "max_mentees") - 3


def test_a_rule_for_partners_cannot_sit_in_an_applicant_policy():
    text = ALIA + '\n[[rules]]\nid = "sanctions"\nkind = "sanctions"\nlists = ["un"]\n'
    error = load_error(text)
    assert error.key == f"rules[{ALIA.count('[[rules]]')}].kind"
    assert "evaluates partners" in error.message
    assert error.line == len(text.splitlines())  - 1


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("review_score = 0.8", "review_score = 0.99", "rules[1].review_score", "block_score"),
        ('when_no_list = "refer"', 'when_no_list = "none"', "rules[1].when_no_list",
         "fails closed"),
        ('countries = []', 'countries = ["XX"]', "rules[5].countries[0]", "'XX'"),
        ("quorum_fraction = 0.5", "quorum_fraction = 1.5", "rules[6].quorum_fraction", "at most 1"),
        ('lists = ["un", "dfat"]', "lists = []", "rules[1].lists", "at least one"),
    ],
)
def test_values_the_types_allow_but_the_rule_does_not(old, new, key, words):
    text = preset_text("alia-international").replace(old, new)
    error = load_error(text)
    assert error.key == key
    assert words in error.message
    assert error.line == line_of(text, new)


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("closes_days_before_start = 7\n", "", "rules[2].closes"),
        ("max_mentees = 3", "max_mentees = 0", "rules[6].max_mentees"),
        ("amount = 150", "amount = -150", "rules[10].amount"),
        ('currency = "AUD"', 'currency = "dollars"', "rules[10].currency"),
        ("length_months = 12", "length_months = 0", "rules[1].length_months"),
        ("closes_days_before_start = 7", "closes_days_before_start = 100000",
         "rules[2].closes_days_before_start"),
        ("evaluation_within_days = 14", "evaluation_within_days = -1",
         "rules[12].evaluation_within_days"),
    ],
)
def test_alia_values_out_of_range(old, new, key):
    assert load_error(ALIA.replace(old, new)).key == key


def test_the_header_is_checked():
    error = load_error(ALIA.replace('subject = "applicant"', 'subject = "member"'))
    assert error.key == "policy.subject"
    assert error.line == line_of(ALIA, 'subject = "applicant"')
    assert load_error(ALIA.replace("format = 1", "format = 2")).key == "format"
    assert load_error(ALIA.replace('version = "2021.1"', 'version = ""')).key == "policy.version"


def test_a_json_document_reports_lines_too():
    data = load_preset("alia-mentoring").to_dict()
    data["rules"][5]["min_years"] = "four"
    text = json.dumps(data, indent=2)
    error = load_error(text, format="json")
    assert error.key == "rules[5].min_years"
    assert error.line == line_of(text, '"min_years": "four"')


def test_invalid_json_gives_its_line():
    error = load_error('{\n  "policy": {\n    "name": "x",\n  }\n}', format="json")
    assert error.line == 4
    assert "not valid JSON" in error.message


def test_a_document_that_is_not_a_table_is_rejected():
    assert "object" in load_error("[1, 2]", format="json").message
    assert "use 'toml' or 'json'" in load_error(ALIA, format="yaml").message


class TestHash:
    def test_comments_and_layout_do_not_change_the_hash(self):
        reformatted = "# a tenant's note\n" + ALIA.replace("min_years = 4", "min_years   =   4.0")
        assert load_policy(reformatted).sha256 == load_preset("alia-mentoring").sha256

    def test_the_same_policy_as_json_has_the_same_hash(self):
        policy = load_preset("alia-mentoring")
        again = load_policy(json.dumps(policy.to_dict()), format="json")
        assert again.sha256 == policy.sha256
        assert policy_from_data(policy.to_dict()).sha256 == policy.sha256

    def test_changing_a_rule_changes_the_hash(self):
        changed = load_policy(ALIA.replace("min_years = 4", "min_years = 5"))
        assert changed.sha256 != load_preset("alia-mentoring").sha256

    def test_every_decision_names_the_policy_version_that_made_it(self):
        policy = load_preset("alia-mentoring")
        decision = evaluate(policy, alia_mentor(), as_of=date(2025, 6, 1))
        assert decision.policy.sha256 == policy.sha256
        assert len(decision.policy.sha256) == 64
        assert (decision.policy.name, decision.policy.version) == ("alia-mentoring", "2021.1")


def test_an_edited_policy_changes_the_decision():
    stricter = load_policy(ALIA.replace("min_years = 4", "min_years = 7"))
    subject = alia_mentor(experience={"lis": 6})
    assert evaluate(load_preset("alia-mentoring"), subject, as_of=date(2025, 6, 1)).outcome \
        == "eligible"
    decision = evaluate(stricter, subject, as_of=date(2025, 6, 1))
    assert decision.outcome == "ineligible"
    assert "at least 7 years" in decision.result("mentor-lis-experience").reason
