"""Every failing `accord` command tells the operator in one line on stderr, exit 1
(2 for a usage error), whatever the command group; `--debug` shows the traceback.
Run as the installed `accord` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from registry.cli import main
from registry.console import AccordGroup
from tenants.tables import Tenant
from tests.cli.commands import command_paths

ACCORD = str(Path(sys.executable).with_name("accord"))


def accord(
    *args: str,
    env: dict[str, str] | None = None,
    drop: tuple[str, ...] = (),
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in drop and k != "ACCORD_DEBUG"}
    return subprocess.run(
        [ACCORD, *args],
        capture_output=True,
        text=True,
        env={**environment, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


def the_line(result: subprocess.CompletedProcess[str] | click.testing.Result) -> str:
    """The one line on stderr (the test fails if there are more or none)."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{result.stderr}"
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]


@pytest.fixture
def readable_key(tmp_path: Path) -> Path:
    """A well-formed master key file that group and others may read."""
    path = tmp_path / "master.key"
    path.write_text("QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\n")
    path.chmod(0o644)
    return path


# -- the master key --------------------------------------------------------------------


async def test_a_master_key_readable_by_others_is_one_line_naming_the_file_and_fix(
    readable_key, database
):
    result = accord(
        "tenants",
        "create",
        "readable-key",
        "--name",
        "Readable",
        "--country",
        "AU",
        env={"ACCORD_MASTER_KEY_FILE": str(readable_key)},
    )
    assert result.returncode == 1
    line = the_line(result)
    assert str(readable_key) in line and "chmod 600" in line and "644" in line
    assert await Tenant.count().where(Tenant.slug == "readable-key") == 0


def test_debug_shows_the_traceback(readable_key, database):
    result = accord(
        "--debug",
        "tenants",
        "create",
        "readable-key",
        "--name",
        "R",
        "--country",
        "AU",
        env={"ACCORD_MASTER_KEY_FILE": str(readable_key)},
    )
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "MasterKeyError" in result.stderr and "tenants/keys.py" in result.stderr


async def test_a_missing_master_key_is_not_replaced_while_the_database_holds_wrapped_keys(
    factory, database, tmp_path
):
    await factory.tenant("wrapped", rooms=False)
    absent = tmp_path / "moved" / "master.key"
    result = accord(
        "tenants",
        "create",
        "keyless",
        "--name",
        "Keyless",
        "--country",
        "AU",
        env={"ACCORD_MASTER_KEY_FILE": str(absent)},
    )
    assert result.returncode == 1
    line = the_line(result)
    assert str(absent) in line and "does not exist" in line
    assert "wrapped" in line and "ACCORD_MASTER_KEY_FILE" in line
    assert not absent.exists() and not absent.parent.exists()
    assert await Tenant.count().where(Tenant.slug == "keyless") == 0


def test_a_master_key_is_created_for_a_database_without_wrapped_keys(tmp_path):
    """A fresh database (its own SQLite file): the first tenant creates the key, 0600;
    once its keys are stored, losing the file is refused rather than papered over."""
    key = tmp_path / "keys" / "master.key"
    env = {
        "ACCORD_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "ACCORD_MASTER_KEY_FILE": str(key),
    }
    assert accord("migrate", env=env).returncode == 0
    created = accord("tenants", "create", "fresh", "--name", "F", "--country", "NZ", env=env)
    assert created.returncode == 0, created.stderr
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    rotated = accord("keys", "rotate", "--tenant", "fresh", env=env)
    assert rotated.returncode == 0, rotated.stderr
    key.unlink()
    refused = accord("keys", "rotate", "--tenant", "fresh", env=env)
    assert refused.returncode == 1
    assert "does not exist, but the database holds 2 tenant key(s)" in the_line(refused)
    assert not key.exists()


# -- where the command runs, and the database ----------------------------------------


OUTSIDE = ("ACCORD_DATABASE_URL", "ACCORD_MASTER_KEY_FILE", "ACCORD_VAR_DIR")


@pytest.mark.parametrize(
    "args",
    [
        ["tenants", "list"],
        ["tokens", "create", "someone@example.org", "--tenant", "alia"],
        ["users", "add", "someone@example.org", "--tenant", "alia", "--role", "member"],
        ["relationships", "cases", "--tenant", "alia"],
        ["mous", "expire"],
    ],
    ids=" ".join,
)
def test_outside_the_project_folder_no_database_is_made_and_the_line_says_where(args, tmp_path):
    """Typed in the wrong folder, a command says where it looked for the database and
    how to point it elsewhere, and leaves no empty database (or folder) behind."""
    result = accord(*args, cwd=tmp_path, drop=OUTSIDE)
    assert result.returncode == 1
    line = the_line(result)
    assert f"no database at {tmp_path / 'var' / 'accord.sqlite3'}" in line
    assert "ACCORD_DATABASE_URL" in line and "project folder" in line
    assert list(tmp_path.iterdir()) == []


def test_a_database_url_naming_a_missing_file_is_refused_not_created(tmp_path):
    missing = tmp_path / "typo" / "accord.sqlite3"
    url = f"sqlite:///{missing}"
    result = accord("keys", "rotate", "--tenant", "alia", env={"ACCORD_DATABASE_URL": url})
    assert result.returncode == 1
    line = the_line(result)
    assert f"no database at {missing} (ACCORD_DATABASE_URL={url})" in line
    assert "accord migrate" in line
    assert list(tmp_path.iterdir()) == []


def test_migrate_makes_the_default_database_where_it_is_typed(tmp_path):
    env = {"ACCORD_MASTER_KEY_FILE": str(tmp_path / "master.key")}
    made = accord("migrate", cwd=tmp_path, drop=OUTSIDE, env=env)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "var" / "accord.sqlite3").is_file()
    listed = accord("tenants", "list", cwd=tmp_path, drop=OUTSIDE, env=env)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == ""


def test_outside_the_project_folder_an_unmigrated_database_is_named(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "accord.sqlite3").touch()
    result = accord(
        "tenants",
        "list",
        cwd=tmp_path,
        drop=OUTSIDE,
    )
    assert result.returncode == 1
    line = the_line(result)
    assert str(tmp_path / "var" / "accord.sqlite3") in line
    assert "not migrated" in line and "accord migrate" in line


def test_an_unreachable_database_is_one_line_without_its_password(tmp_path):
    url = "postgresql://accord:s3cret@127.0.0.1:1/nowhere"
    result = accord("tenants", "list", env={"ACCORD_DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 1
    line = the_line(result)
    assert "cannot connect to the database postgresql://accord@127.0.0.1:1/nowhere" in line
    assert "s3cret" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ACCORD_SESSION_HOURS", "twelve", "ACCORD_SESSION_HOURS must be an integer, got 'twelve'"),
        ("ACCORD_TRUSTED_PROXIES", "proxy", "ACCORD_TRUSTED_PROXIES: 'proxy' is not an IP address"),
    ],
)
def test_a_setting_that_cannot_be_used_is_named(name, value, message, tmp_path):
    result = accord("tenants", "list", env={name: value}, cwd=tmp_path)
    assert result.returncode == 1
    assert the_line(result).startswith(f"Error: {message}")


# -- every command group ---------------------------------------------------------------


def _cases(slug: str, tmp_path: Path) -> list[tuple[list[str], str]]:
    not_a_record = tmp_path / "decision.json"
    not_a_record.write_text("{not json")
    return [
        (["tenants", "suspend", "no-such-tenant"], "no tenant 'no-such-tenant'"),
        (["users", "add", "not-an-address", "--tenant", slug, "--role", "member"], "email:"),
        (["tokens", "create", "nobody@example.org", "--tenant", slug], "not a member"),
        (["keys", "rotate", "--tenant", "no-such-tenant"], "no tenant"),
        (["audit", "prove", "--tenant", slug, "--seq", "999999"], "999999"),
        (
            [
                "mentoring",
                "export-pairs",
                "--tenant",
                slug,
                "--intake",
                "999999",
                "--out",
                str(tmp_path / "pairs.csv"),
            ],
            "999999",
        ),
        (["participation", "verify", "no-such-code"], "no-such-code"),
        (["relationships", "cases", "--tenant", "no-such-tenant"], "no tenant"),
        (["motions", "verify", str(not_a_record)], str(not_a_record)),
        (["policies", "show", "no-such-preset"], "no-such-preset"),
        (["screening", "diff", "999998", "999999"], "no list version"),
        (["notifications", "send"], "ACCORD_SMTP_HOST"),
    ]


async def test_a_failing_command_of_every_group_says_why_in_one_line(factory, database, tmp_path):
    world = await factory.tenant("errors", rooms=False)
    for args, expected in _cases(str(world.tenant.slug), tmp_path):
        result = accord(*args, drop=("ACCORD_SMTP_HOST",))
        assert result.returncode == 1, (args, result.stderr)
        line = the_line(result)
        assert expected in line, (args, line)
        assert "Traceback" not in line


@pytest.mark.parametrize("command", command_paths(main), ids=" ".join)
def test_an_unknown_option_is_a_usage_error_in_one_line(command):
    result = CliRunner().invoke(main, [*command, "--no-such-option"], prog_name="accord")
    assert result.exit_code == 2
    line = the_line(result)
    assert "--no-such-option" in line and f"accord {' '.join(command)} --help" in line


@pytest.mark.parametrize(
    "args",
    [
        ["--no-such-option"],
        ["no-such-group"],
        ["tenants", "no-such-command"],
        ["tenants", "create"],
    ],
    ids=" ".join,
)
def test_usage_errors_as_the_operator_types_them(args, tmp_path):
    result = accord(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "--help" in the_line(result)


# -- what nobody expected ----------------------------------------------------------------


@click.group(cls=AccordGroup)
@click.option("--debug", is_flag=True)
def _broken(debug: bool) -> None:
    pass


@_broken.command("boom")
def _boom() -> None:
    raise RuntimeError("the flux capacitor\nis out of flux")


def test_an_unexpected_error_is_one_line_pointing_to_debug():
    result = CliRunner().invoke(_broken, ["boom"])
    assert result.exit_code == 1
    assert the_line(result) == (
        "Error: unexpected error: RuntimeError: the flux capacitor is out of flux "
        "(run with --debug for the traceback)"
    )
    debugged = CliRunner().invoke(_broken, ["--debug", "boom"])
    assert isinstance(debugged.exception, RuntimeError)  # left for Python to print in full
