"""`accord policies ...`: list and show the shipped policy presets, evaluate a subject
against one, and print the JSON schema of a subject."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from policies import (
    PolicyError,
    SubjectError,
    evaluate,
    list_presets,
    load_policy,
    load_preset,
    preset_text,
    subject_schema,
)
from policies.document import DocumentFormat, Policy
from tenants import clock
from tenants.errors import InvalidInput
from tenants.validation import check_time_zone

policies_group = click.Group(
    "policies", help="Eligibility, priority and approval policies, and their presets."
)


@policies_group.command("presets")
def presets_command() -> None:
    """List the policy presets shipped with Accord."""
    for name in list_presets():
        policy = load_preset(name)
        title = policy.document.policy.title or ""
        click.echo(f"{name}\t{policy.version}\t{policy.subject_kind}\t{title}")


@policies_group.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True,
              help="Print the canonical JSON (with its sha256) instead of the TOML text.")
def show_command(name: str, as_json: bool) -> None:
    """Print the preset NAME: its TOML document, comments and all."""
    try:
        if as_json:
            policy = load_preset(name)
            body = {"sha256": policy.sha256, "document": policy.to_dict()}
            click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        else:
            click.echo(preset_text(name), nl=False)
    except PolicyError as exc:
        raise click.ClickException(str(exc)) from None


@policies_group.command("evaluate")
@click.option("--preset", "preset_name", help="Name of a shipped preset (see `presets`).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path),
              help="A policy document (.toml or .json) instead of a preset.")
@click.option("--subject", "subject_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file holding the applicant or partner to evaluate.")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help="Day the rules are read on (default: today in --time-zone).")
@click.option("--time-zone", "time_zone", default="UTC", show_default=True, metavar="ZONE",
              help="The association's IANA time zone, whose today the rules are read on.")
def evaluate_command(
    preset_name: str | None,
    policy_file: Path | None,
    subject_file: Path,
    as_of: str | None,
    time_zone: str,
) -> None:
    """Evaluate a subject against a policy and print the Decision as JSON."""
    policy = _policy(preset_name, policy_file)
    subject = _read_subject(subject_file)
    day = _parse_day(as_of, time_zone)
    try:
        decision = evaluate(policy, subject, as_of=day)
    except SubjectError as exc:
        raise click.ClickException(f"{subject_file}: {exc}") from None
    click.echo(decision.to_json(indent=2))


@policies_group.command("schema")
@click.option("--kind", type=click.Choice(["applicant", "partner"]), default=None,
              help="Only this subject kind (default: both).")
def schema_command(kind: str | None) -> None:
    """Print the JSON Schema of a subject, so anyone can write one."""
    click.echo(json.dumps(subject_schema(kind), indent=2, ensure_ascii=False))


def _policy(preset_name: str | None, policy_file: Path | None) -> Policy:
    if (preset_name is None) == (policy_file is None):
        raise click.UsageError("give exactly one of --preset NAME or --policy FILE")
    try:
        if preset_name is not None:
            return load_preset(preset_name)
        assert policy_file is not None
        text = _read_text(policy_file)
        fmt: DocumentFormat = "json" if policy_file.suffix.lower() == ".json" else "toml"
        return load_policy(text, format=fmt)
    except PolicyError as exc:
        where = f"{policy_file}: " if policy_file is not None else ""
        raise click.ClickException(f"{where}{exc}") from None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise click.ClickException(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{path}: cannot read it ({exc})") from None


def _read_subject(path: Path) -> Any:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.ClickException(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None


def _parse_day(text: str | None, time_zone: str) -> date:
    if text is None:
        try:
            return clock.today_in(check_time_zone(time_zone))
        except InvalidInput:
            raise click.ClickException(
                f"--time-zone: {time_zone!r} is not an IANA time zone like Australia/Canberra"
            ) from None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.ClickException(f"--as-of: '{text}' is not a date like 2025-03-01") from None
