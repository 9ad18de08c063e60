"""The operator's CLI, run as the real `accord` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner

from registry.cli import main
from tenants.tables import Membership, Tenant
from tests.cli.commands import command_paths, group_paths


def accord(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "registry.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=120,
    )


#: Every command and group of the CLI, read from the click tree: new ones are covered.
COMMANDS = group_paths(main) + command_paths(main)


def test_the_operator_commands_are_all_there():
    expected = {
        ("tenants", "create"),
        ("users", "add"),
        ("tokens", "create"),
        ("tokens", "revoke"),
        ("keys", "rotate"),
        ("bench", "api"),
        ("serve",),
        ("migrate",),
        ("demo",),
        ("tenants", "suspend"),
    }
    assert expected <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_operator_creates_tenant_user_and_token(live_server, database):
    created = accord(
        "tenants",
        "create",
        "cli-assoc",
        "--name",
        "CLI Association",
        "--country",
        "NZ",
        "--time-zone",
        "Pacific/Auckland",
    )
    assert created.returncode == 0, created.stderr
    assert accord("tenants", "list").stdout.count("cli-assoc") == 1
    added = accord(
        "users",
        "add",
        "boss@cli.example",
        "--tenant",
        "cli-assoc",
        "--role",
        "admin",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert added.returncode == 0, added.stderr
    token = accord(
        "tokens", "create", "boss@cli.example", "--tenant", "cli-assoc", "--expires-days", "2"
    )
    assert token.returncode == 0, token.stderr
    secret = token.stdout.strip()
    assert secret.startswith("acc_") and "\n" not in secret
    headers = {"Authorization": f"Bearer {secret}"}
    assert httpx.get(f"{live_server}/api/v1/t/cli-assoc", headers=headers).status_code == 200
    signed_in = httpx.post(
        f"{live_server}/auth/sign-in",
        json={"email": "boss@cli.example", "password": "a long enough password"},
    )
    assert signed_in.status_code == 200

    suspended = accord("tenants", "suspend", "cli-assoc", "--reason", "annual review")
    assert suspended.returncode == 0
    response = httpx.get(f"{live_server}/api/v1/t/cli-assoc", headers=headers)
    assert response.status_code == 403
    assert "annual review" in response.json()["detail"]
    assert accord("tenants", "resume", "cli-assoc").returncode == 0
    assert httpx.get(f"{live_server}/api/v1/t/cli-assoc", headers=headers).status_code == 200

    rotated = accord("keys", "rotate", "--tenant", "cli-assoc")
    assert rotated.returncode == 0 and "new key" in rotated.stdout

    tokens = httpx.get(f"{live_server}/api/v1/t/cli-assoc/tokens", headers=headers).json()
    revoked = accord("tokens", "revoke", tokens[0]["id"], "--tenant", "cli-assoc")
    assert revoked.returncode == 0, revoked.stderr
    assert httpx.get(f"{live_server}/api/v1/t/cli-assoc", headers=headers).status_code == 401


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tenants", "create", "bad-country", "--name", "X", "--country", "QQ"],
            "country: 'QQ' is not an ISO 3166-1 country code",
        ),
        (["tenants", "create", "Bad Slug", "--name", "X", "--country", "AU"], "slug:"),
        (["tenants", "suspend", "no-such-tenant"], "no tenant 'no-such-tenant'"),
        (
            ["users", "add", "x@example.org", "--tenant", "no-such-tenant", "--role", "admin"],
            "no tenant",
        ),
        (["tokens", "revoke", "not-a-uuid", "--tenant", "alia"], "token_id"),
    ],
)
def test_errors_exit_non_zero_with_a_clear_message(args, message, database):
    result = accord(*args)
    assert result.returncode != 0
    assert message in result.stderr


async def test_demo_is_idempotent(database):
    first = accord("demo")
    assert first.returncode == 0, first.stderr
    tenants_before = await Tenant.count()
    members_before = await Membership.count()
    second = accord("demo")
    assert second.returncode == 0, second.stderr
    assert await Tenant.count() == tenants_before
    assert await Membership.count() == members_before
    assert "password: accord-demo-password" in second.stdout
    assert {"alia", "aasw", "iln"} <= {t["slug"] for t in await Tenant.select(Tenant.slug)}
