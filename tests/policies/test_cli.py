"""`accord policies ...` through click's test runner."""

import json

import pytest
from click.testing import CliRunner

from policies import list_presets, load_preset
from registry.policies.cli import policies_group
from tests.policies.factories import aasw_mentor, partner


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(policies_group, list(args))

    return invoke


def write_json(tmp_path, data, name="subject.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_presets_lists_the_four_presets(run):
    result = run("presets")
    assert result.exit_code == 0
    names = [line.split("\t")[0] for line in result.output.splitlines()]
    assert names == ["aasw-mentoring", "alia-international", "alia-mentoring", "iln-peer"]
    assert names == list_presets()


def test_show_prints_the_document_with_its_comments(run):
    result = run("show", "alia-mentoring")
    assert result.exit_code == 0
    assert "min_years = 4" in result.output
    assert "# " in result.output


def test_show_json_gives_the_hash(run):
    result = run("show", "iln-peer", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["sha256"] == load_preset("iln-peer").sha256


def test_show_an_unknown_preset_fails_clearly(run):
    result = run("show", "alia-mentorin")
    assert result.exit_code != 0
    assert "no preset named 'alia-mentorin'" in result.output


def test_evaluate_prints_the_decision(run, tmp_path):
    subject = write_json(tmp_path, aasw_mentor(experience={"social-work-practice": 4}))
    result = run("evaluate", "--preset", "aasw-mentoring", "--subject", subject,
                 "--as-of", "2025-02-01")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.output)
    assert decision["outcome"] == "ineligible"
    assert "the application states 4" in json.dumps(decision["rules"])


def test_evaluate_a_partner(run, tmp_path):
    subject = write_json(tmp_path, partner(board=None))
    result = run("evaluate", "--preset", "alia-international", "--subject", subject,
                 "--as-of", "2025-03-01")
    assert json.loads(result.output)["outcome"] == "refer"


def test_evaluate_with_a_policy_file(run, tmp_path):
    from policies.presets import preset_text

    policy = tmp_path / "strict.toml"
    policy.write_text(preset_text("aasw-mentoring").replace("min_years = 5", "min_years = 10"))
    subject = write_json(tmp_path, aasw_mentor())
    result = run("evaluate", "--policy", str(policy), "--subject", subject,
                 "--as-of", "2025-02-01")
    assert json.loads(result.output)["outcome"] == "ineligible"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--preset", "nope"], "no preset named 'nope'"),
        (["--preset", "aasw-mentoring", "--as-of", "1 March"], "--as-of: '1 March' is not a date"),
    ],
)
def test_evaluate_bad_options(run, tmp_path, args, words):
    subject = write_json(tmp_path, aasw_mentor())
    result = run("evaluate", "--subject", subject, *args)
    assert result.exit_code == 1
    assert words in result.output


def test_evaluate_a_bad_subject_says_which_field(run, tmp_path):
    subject = write_json(tmp_path, aasw_mentor(role="boss"))
    result = run("evaluate", "--preset", "aasw-mentoring", "--subject", subject)
    assert result.exit_code == 1
    assert "role: Invalid enum value 'boss'" in result.output
    assert "Traceback" not in result.output


def test_evaluate_a_file_that_is_not_json(run, tmp_path):
    path = tmp_path / "subject.json"
    path.write_text("{\n  role: mentor\n}")
    result = run("evaluate", "--preset", "aasw-mentoring", "--subject", str(path))
    assert result.exit_code == 1
    assert "not valid JSON at line 2" in result.output


def test_evaluate_a_missing_file(run, tmp_path):
    result = run("evaluate", "--preset", "aasw-mentoring", "--subject",
                 str(tmp_path / "absent.json"))
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_evaluate_a_broken_policy_file_names_the_line(run, tmp_path):
    policy = tmp_path / "broken.toml"
    policy.write_text('format = 1\n[policy]\nname = "x"\nversion = 1\nsubject = "applicant"\n'
                      '[[rules]]\nid = "a"\nkind = "experience"\nfield = "lis"\n'
                      'min_years = "four"\n')
    subject = write_json(tmp_path, aasw_mentor())
    result = run("evaluate", "--policy", str(policy), "--subject", subject)
    assert result.exit_code == 1
    assert "rules[0].min_years (line 10)" in result.output


def test_evaluate_needs_exactly_one_policy(run, tmp_path):
    subject = write_json(tmp_path, aasw_mentor())
    assert run("evaluate", "--subject", subject).exit_code == 2


def test_schema_prints_json_schema(run):
    result = run("schema", "--kind", "applicant")
    assert result.exit_code == 0
    assert "Applicant" in json.loads(result.output)["$defs"]
    assert "Partner" in json.loads(run("schema").output)["$defs"]


def test_evaluate_reads_today_in_the_zone_given(run, tmp_path):
    subject = write_json(tmp_path, partner(board=None))
    result = run("evaluate", "--preset", "alia-international", "--subject", subject,
                 "--time-zone", "Australia/Canberra")
    assert result.exit_code == 0, result.output
    bad = run("evaluate", "--preset", "alia-international", "--subject", subject,
              "--time-zone", "Mars/Olympus")
    assert bad.exit_code != 0
    assert "--time-zone: 'Mars/Olympus' is not an IANA time zone" in bad.output
