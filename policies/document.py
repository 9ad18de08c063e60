"""The policy document: a versioned TOML or JSON text of typed rules, validated on load.

A document has a `[policy]` table (name, version, which subject it evaluates) and a
list of `[[rules]]`, each with an `id` and a `kind`. Loading checks every key against
the rule kinds' types and their own constraints; the first problem is raised as a
PolicyError naming the key and the line it is written on.

The policy's identity is the sha256 of its canonical JSON (sorted keys, defaults
filled in), so formatting and comments do not change it and every Decision can name
the exact rules that made it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec

from policies.errors import PolicyError
from policies.locate import Path, json_key_lines, line_of, parse_path, render_path, toml_key_lines
from policies.regions import warm
from policies.rules import RULE_KINDS, Rule, TermRule
from policies.subjects import SubjectKind

FORMAT_VERSION = 1
DocumentFormat = Literal["toml", "json"]


class PolicyHeader(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What the policy is: its name, version and the subject it evaluates."""

    name: str
    version: str | int
    subject: SubjectKind
    title: str | None = None
    association: str | None = None
    """Used in sentences: "must be an ALIA member"."""
    source: str | None = None
    """The document the rules were taken from."""
    notes: str | None = None
    membership_classes: list[str] = []
    """Every membership class the association has (its vocabulary): a member register
    may hold only these. Empty: any class the membership rules name, or any at all."""


class PolicyDocument(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    format: int = FORMAT_VERSION
    policy: PolicyHeader
    rules: list[Rule] = []


@dataclass(frozen=True)
class Policy:
    """A validated policy document and the hash of its canonical form."""

    document: PolicyDocument
    sha256: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "sha256", hashlib.sha256(self.canonical_json()).hexdigest())

    @property
    def name(self) -> str:
        return self.document.policy.name

    @property
    def version(self) -> str:
        return str(self.document.policy.version)

    @property
    def subject_kind(self) -> SubjectKind:
        return self.document.policy.subject

    @property
    def association(self) -> str:
        header = self.document.policy
        return header.association or header.name

    @property
    def rules(self) -> list[Rule]:
        return self.document.rules

    def rule(self, rule_id: str) -> Rule:
        for rule in self.document.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def term(self) -> TermRule | None:
        """The programme term, which fixes when an intake ends."""
        for rule in self.document.rules:
            if isinstance(rule, TermRule):
                return rule
        return None

    def canonical_json(self) -> bytes:
        """Sorted-key compact JSON of the document with every default filled in."""
        return msgspec.json.encode(self.document, order="sorted")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = msgspec.to_builtins(self.document, order="sorted")
        return data


def load_policy(text: str, *, format: DocumentFormat = "toml") -> Policy:
    """A Policy from document text; PolicyError names the bad key and its line."""
    data, lines = _parse(text, format)
    if not isinstance(data, dict):
        raise PolicyError("", 1, "a policy document is an object of tables")
    return policy_from_data(data, lambda path: line_of(lines, path))


def policy_from_data(
    data: dict[str, Any], locate: Callable[[Path], int | None] | None = None
) -> Policy:
    """A Policy from already-parsed data (e.g. a stored JSON column)."""

    warm()

    def fail(path: Path, message: str) -> PolicyError:
        return PolicyError(render_path(path), locate(path) if locate else None, message)

    fmt = data.get("format", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        raise fail(("format",), f"unsupported document format {fmt!r}; this Accord reads "
                   f"format {FORMAT_VERSION}")
    try:
        document = msgspec.convert(data, PolicyDocument)
    except msgspec.ValidationError as exc:
        path, message = _explain(str(exc), data)
        raise fail(path, message) from None
    _check(document, fail)
    return Policy(document)


def _parse(text: str, format: str) -> tuple[Any, dict[Path, int]]:
    if format == "toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
            message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
            raise PolicyError("", int(found.group(1)) if found else None,
                              f"not valid TOML: {message}") from None
        return data, toml_key_lines(text)
    if format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyError("", exc.lineno, f"not valid JSON: {exc.msg}") from None
        return data, json_key_lines(text)
    raise PolicyError("", None, f"unknown document format {format!r}; use 'toml' or 'json'")


def _explain(error: str, data: dict[str, Any]) -> tuple[Path, str]:
    """msgspec's validation message as (path, plain message)."""
    message, _, where = error.rpartition(" - at `")
    if not message:
        message, where = error, "$`"
    if where.startswith("key` in `"):
        path = parse_path(where.removeprefix("key` in `").rstrip("`"))
        bad = re.search(r"'([^']*)'", message)
        if bad:
            return (*path, bad.group(1)), f"'{bad.group(1)}' is not an allowed key here"
        return path, f"a key is not allowed here: {message}"
    path = parse_path(where.rstrip("`"))
    missing = re.match(r"Object missing required field `([^`]+)`", message)
    unknown = re.match(r"Object contains unknown field `([^`]+)`", message)
    if missing:
        return (*path, missing.group(1)), f"required key '{missing.group(1)}' is missing"
    if unknown:
        return (*path, unknown.group(1)), f"unknown key '{unknown.group(1)}'"
    if path and path[-1] == "kind" and message.startswith("Invalid value"):
        return path, (f"{message.removeprefix('Invalid value ')} is not a rule kind; "
                      f"one of: {', '.join(sorted(RULE_KINDS))}")
    if path and path[-1] == "kind" and "missing required field" in message.lower():
        return path, "every rule needs a kind"
    return path, message


def _check(document: PolicyDocument, fail: Callable[[Path, str], PolicyError]) -> None:
    header = document.policy
    if not header.name.strip():
        raise fail(("policy", "name"), "cannot be empty")
    if not str(header.version).strip():
        raise fail(("policy", "version"), "cannot be empty")
    seen: dict[str, int] = {}
    terms = 0
    for index, rule in enumerate(document.rules):
        where: Path = ("rules", index)
        if not rule.id.strip():
            raise fail((*where, "id"), "cannot be empty")
        if rule.id in seen:
            raise fail((*where, "id"),
                       f"duplicate rule id '{rule.id}' (also rules[{seen[rule.id]}])")
        seen[rule.id] = index
        if header.subject not in rule.subject_kinds:
            raise fail((*where, "kind"), f"a '{rule.kind}' rule evaluates "
                       f"{' or '.join(k + 's' for k in rule.subject_kinds)}; this policy evaluates "
                       f"{header.subject}s")
        if isinstance(rule, TermRule):
            terms += 1
            if terms > 1:
                raise fail(where, "a policy has at most one 'term' rule")
        for key, message in rule.problems():
            raise fail((*where, *parse_path(key)), message)
