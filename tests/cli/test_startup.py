"""`accord` starts fast because each command imports only what it needs: the command
groups that live beside their capability are imported when used, not to list them.
Nothing here times anything (`accord bench cli` does, on a quiet machine); what is
asserted is what makes the start slow or fast: which libraries a command loads, and
that laziness loses no command group."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from registry.cli import BENCHES, GROUPS, main
from tests.cli.test_errors import accord

#: Every top-level command and group `accord --help` has listed so far. A group that
#: laziness lost (dropped from `registry.cli.GROUPS`) fails here.
EXPECTED = {
    "audit",
    "bench",
    "demo",
    "keys",
    "mentoring",
    "migrate",
    "motions",
    "mous",
    "notifications",
    "participation",
    "policies",
    "relationships",
    "screening",
    "serve",
    "tenants",
    "tokens",
    "users",
}
EXPECTED_BENCHES = {
    "api",
    "audit",
    "board",
    "cli",
    "intake",
    "matching",
    "relationships",
    "screening",
}

#: Libraries a short command must not load: each costs tens to hundreds of
#: milliseconds of start, and none is needed to list commands or issue a token.
HEAVY = ("litestar", "uvicorn", "scipy", "numpy", "openpyxl", "fpdf", "rapidfuzz", "icalendar")


def listed(help_text: str) -> set[str]:
    """The command names of a `--help` page's Commands section."""
    section = help_text.split("Commands:", 1)[1]
    return {line.split()[0] for line in section.splitlines() if line.startswith("  ")}


def test_help_lists_every_command_group(tmp_path):
    result = accord("--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = listed(result.stdout)
    assert names >= EXPECTED, f"lost from `accord --help`: {sorted(EXPECTED - names)}"
    assert names == set(main.list_commands(click.Context(main)))
    benches = accord("bench", "--help", cwd=tmp_path)
    assert listed(benches.stdout) >= EXPECTED_BENCHES


def test_help_shows_each_lazy_group_by_the_first_sentence_of_its_own_help():
    """The line `accord --help` shows without importing a group is the group's own."""
    page = CliRunner().invoke(main, ["--help"], terminal_width=200).output
    for table, group in ((GROUPS, main), (BENCHES, main.get_command(click.Context(main), "bench"))):
        assert isinstance(group, click.Group)
        for name, lazy in table.items():
            command = lazy.load()
            assert command.name == name, f"{lazy.target} is named {command.name!r}, not {name!r}"
            assert command.get_short_help_str(10_000) == lazy.help, (
                f"the line for {name!r} in registry.cli differs from its help"
            )
            assert group.get_command(click.Context(group), name) is command
    assert "Tamper-evident audit ledger." in page


def _modules_after(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `accord ARGS` in a fresh interpreter; what it printed and the top-level
    packages it had imported by the end."""
    script = (
        "import json, sys\n"
        "from registry.cli import main\n"
        "try:\n"
        f"    main({args!r}, prog_name='accord')\n"
        "except SystemExit as end:\n"
        "    code = end.code\n"
        "print(json.dumps([code, sorted({name.split('.')[0] for name in sys.modules})]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "ACCORD_DEBUG"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=cwd
    )
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code in (0, None), done.stderr
    return done, set(modules)


def test_help_imports_no_command_group_and_no_heavy_library(tmp_path):
    done, modules = _modules_after(["--help"], tmp_path)
    assert "Commands:" in done.stdout
    assert not modules & {*HEAVY, "piccolo", "asyncpg", "cryptography"}, modules


@pytest.mark.parametrize("group", ["screening", "participation", "tokens", "bench"])
def test_a_group_help_imports_no_heavy_library(group, tmp_path):
    done, modules = _modules_after([group, "--help"], tmp_path)
    assert f"Usage: accord {group}" in done.stdout
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


async def test_tokens_create_imports_only_the_tenancy_and_the_ledger(factory, database, tmp_path):
    world = await factory.tenant("quick", rooms=False)
    member = next(iter(world.parties.values()))
    done, modules = _modules_after(
        ["tokens", "create", member.email, "--tenant", world.slug], tmp_path
    )
    assert done.stdout.startswith("acc_"), done.stdout
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_bench_cli_prints_the_start_times_as_json():
    result = CliRunner().invoke(main, ["bench", "cli", "--runs", "1"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.splitlines()[-1])
    assert {
        "engine",
        "runs",
        "python",
        "help",
        "tokens_create",
        "target_s",
        "within_target",
    } <= set(figures)
    assert figures["runs"] == 1 and figures["engine"] == "sqlite" and figures["target_s"] == 0.4
    for name in ("python", "help", "tokens_create"):
        assert set(figures[name]) == {"median_s", "max_s", "cpu_median_s"}
        assert 0 < figures[name]["median_s"] <= figures[name]["max_s"]
        assert figures[name]["cpu_median_s"] >= 0


@pytest.mark.parametrize("args", [["--help"], ["tokens", "--help"], ["audit", "--help"]])
def test_help_needs_no_database(args, tmp_path):
    """Asking for help outside the project folder works, and leaves nothing behind."""
    result = accord(*args, cwd=tmp_path, drop=("ACCORD_DATABASE_URL", "ACCORD_VAR_DIR"))
    assert result.returncode == 0, result.stderr
    assert "Usage: accord" in result.stdout
    assert list(tmp_path.iterdir()) == []
