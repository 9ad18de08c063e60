"""A tenant's policies: versioned documents, always through its `TenantScope`.

Every change is a new row (`tenant_policy_version`) with the next version number of
its name and an audit event `policy.changed` in the same transaction; nothing is ever
updated or deleted. A PUT of the document already current (same sha256) stores
nothing and records nothing: it answers the current version with `changed: false`.

Writers of one tenant are serialised by the audit chain head's lock (taken first),
so two concurrent changes cannot both claim the same version number.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from policies import Policy, PolicyError, SubjectError, evaluate, load_policy, preset_text
from policies.rules.screening import SanctionsRule
from registry.audit.ledger import Actor, lock_head
from registry.policies.schemas import (
    NAME_MAX,
    NAME_PATTERN,
    PolicySaved,
    PolicySummary,
    PolicyVersionOut,
)
from registry.policies.tables import TenantPolicyVersion
from tenants import clock
from tenants.database import as_datetime, as_uuid, write_transaction
from tenants.errors import Conflict, InvalidInput, NotFound
from tenants.scope import TenantScope

_NAME = re.compile(NAME_PATTERN)
_MAX_VERSION = 2**31 - 1  # an INTEGER column

#: The current (highest) version of each name of the tenant.
CURRENT_SQL = (
    "SELECT p.name, p.version, p.document, p.format, p.sha256, p.created_by, p.created_at"
    " FROM tenant_policy_version p WHERE p.tenant = {tenant} AND p.version = ("
    "SELECT MAX(q.version) FROM tenant_policy_version q"
    " WHERE q.tenant = p.tenant AND q.name = p.name) ORDER BY p.name"
)

COLUMNS = (
    TenantPolicyVersion.name,
    TenantPolicyVersion.version,
    TenantPolicyVersion.document,
    TenantPolicyVersion.format,
    TenantPolicyVersion.sha256,
    TenantPolicyVersion.created_by,
    TenantPolicyVersion.created_at,
)


def _check_name(name: str) -> None:
    """A name that cannot be stored cannot be found either."""
    if len(name) > NAME_MAX or not _NAME.match(name):
        raise NotFound(f"no policy {name!r}")


def _parse(document: str, format: str) -> Policy:
    """The stored text, loaded (it was valid when stored; the engine may be stricter now)."""
    try:
        return load_policy(document, format="json" if format == "json" else "toml")
    except PolicyError as exc:
        raise Conflict(f"the stored policy no longer loads: {exc}") from None


def _summary_fields(row: dict[str, Any]) -> dict[str, Any]:
    policy = _parse(row["document"], row["format"])
    created_at = as_datetime(row["created_at"])
    assert created_at is not None
    created_by = row["created_by"]
    return {
        "name": row["name"],
        "version": int(row["version"]),
        "sha256": row["sha256"],
        "format": row["format"],
        "policy_name": policy.name,
        "policy_version": policy.version,
        "subject": str(policy.subject_kind),
        "created_by": None if created_by is None else as_uuid(created_by),
        "created_at": created_at,
    }


def _summary(row: dict[str, Any]) -> PolicySummary:
    return PolicySummary(**_summary_fields(row))


def _version_out(row: dict[str, Any]) -> PolicyVersionOut:
    return PolicyVersionOut(**_summary_fields(row), document=row["document"])


def load_document(
    document: str | None, format: str = "toml", preset: str | None = None
) -> tuple[Policy, str, str]:
    """The validated policy, its text and format, from a document or a preset.

    A document that does not load is InvalidInput on `document`, naming the bad key
    and its line; an unknown preset is InvalidInput on `preset`."""
    if (document is None) == (preset is None):
        raise InvalidInput("document", "give either a document or a preset, not both or neither")
    if preset is not None:
        try:
            text = preset_text(preset)
        except PolicyError as exc:
            raise InvalidInput("preset", exc.message) from None
        format = "toml"
    else:
        assert document is not None
        text = document
    try:
        policy = load_policy(text, format="json" if format == "json" else "toml")
    except PolicyError as exc:
        where = exc.key or "document"
        if exc.line is not None:
            where = f"{where} line {exc.line}"
        raise InvalidInput("document", f"{where}: {exc.message}") from None
    return policy, text, format


async def _current_row(scope: TenantScope, name: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = (
        await scope.select(TenantPolicyVersion, *COLUMNS)
        .where(TenantPolicyVersion.name == name)
        .order_by(TenantPolicyVersion.version, ascending=False)
        .first()
    )
    return row


async def list_policies(scope: TenantScope) -> list[PolicySummary]:
    """Each policy of the tenant at its current version, by name."""
    return [_summary(row) for row in await scope.rows(CURRENT_SQL)]


async def get_policy(scope: TenantScope, name: str) -> PolicyVersionOut:
    _check_name(name)
    row = await _current_row(scope, name)
    if row is None:
        raise NotFound(f"no policy {name!r}")
    return _version_out(row)


async def list_versions(scope: TenantScope, name: str) -> list[PolicySummary]:
    """Every stored version of the policy, oldest first."""
    _check_name(name)
    rows = (
        await scope.select(TenantPolicyVersion, *COLUMNS)
        .where(TenantPolicyVersion.name == name)
        .order_by(TenantPolicyVersion.version)
    )
    if not rows:
        raise NotFound(f"no policy {name!r}")
    return [_summary(row) for row in rows]


async def get_version(scope: TenantScope, name: str, version: int) -> PolicyVersionOut:
    _check_name(name)
    if not 1 <= version <= _MAX_VERSION:
        raise NotFound(f"no version {version} of policy {name!r}")
    row = (
        await scope.select(TenantPolicyVersion, *COLUMNS)
        .where((TenantPolicyVersion.name == name) & (TenantPolicyVersion.version == version))
        .first()
    )
    if row is None:
        raise NotFound(f"no version {version} of policy {name!r}")
    return _version_out(row)


async def _store(
    scope: TenantScope,
    name: str,
    policy: Policy,
    text: str,
    format: str,
    current: dict[str, Any] | None,
    actor: Actor,
) -> None:
    version = 1 if current is None else int(current["version"]) + 1
    await scope.create(
        TenantPolicyVersion,
        name=name,
        version=version,
        document=text,
        format=format,
        sha256=policy.sha256,
        created_by=actor.person_id,
        created_at=clock.utc_now(),
    )
    await actor.record(
        scope.tenant_id,
        "policy.changed",
        "policy",
        name,
        {
            "version": [None if current is None else int(current["version"]), version],
            "sha256": [None if current is None else current["sha256"], policy.sha256],
        },
    )


async def create_policy(
    scope: TenantScope,
    name: str,
    *,
    document: str | None = None,
    format: str = "toml",
    preset: str | None = None,
    actor: Actor,
) -> PolicyVersionOut:
    """Version 1 of a new policy of the tenant; Conflict if the name is taken."""
    if len(name) > NAME_MAX or not _NAME.match(name):
        raise InvalidInput("name", "a lowercase slug: letters, digits and single hyphens")
    policy, text, format = load_document(document, format, preset)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        if await _current_row(scope, name) is not None:
            raise Conflict(f"the tenant already has a policy {name!r}; PUT a new version")
        await _store(scope, name, policy, text, format, None, actor)
    return await get_policy(scope, name)


async def put_policy(
    scope: TenantScope,
    name: str,
    *,
    document: str | None = None,
    format: str = "toml",
    preset: str | None = None,
    actor: Actor,
) -> PolicySaved:
    """A new version of an existing policy, unless the document is the current one."""
    _check_name(name)
    policy, text, format = load_document(document, format, preset)
    async with write_transaction():
        await lock_head(scope.tenant_id)
        current = await _current_row(scope, name)
        if current is None:
            raise NotFound(f"no policy {name!r}")
        changed = current["sha256"] != policy.sha256
        if changed:
            await _store(scope, name, policy, text, format, current, actor)
    saved = await get_policy(scope, name)
    return PolicySaved(**{f: getattr(saved, f) for f in saved.__struct_fields__}, changed=changed)


async def evaluate_policy(
    scope: TenantScope, name: str, subject: dict[str, Any], as_of: date | None = None
) -> dict[str, Any]:
    """The Decision the current version makes about `subject`; nothing is stored."""
    _check_name(name)
    row = await _current_row(scope, name)
    if row is None:
        raise NotFound(f"no policy {name!r}")
    policy = _parse(row["document"], row["format"])
    try:
        decision = evaluate(policy, subject, as_of=as_of or await clock.today(scope))
    except SubjectError as exc:
        raise InvalidInput(exc.field or "subject", exc.message) from None
    result: dict[str, Any] = decision.to_dict()
    return result


_THRESHOLDS: dict[str, tuple[float, float] | None] = {}


def sanctions_thresholds(document: str, format: str, sha256: str) -> tuple[float, float] | None:
    """(review, block) of the document's sanctions rule, if it has one (cached by hash)."""
    if sha256 not in _THRESHOLDS:
        try:
            policy = load_policy(document, format="json" if format == "json" else "toml")
        except PolicyError:
            return None
        found = [rule for rule in policy.rules if isinstance(rule, SanctionsRule)]
        _THRESHOLDS[sha256] = (found[0].review_score, found[0].block_score) if found else None
    return _THRESHOLDS[sha256]


async def policy_thresholds(scope: TenantScope) -> tuple[float, float] | None:
    """(review, block) from the tenant's policies: of the most recently changed current
    version that has a sanctions rule; None when no stored policy has one."""
    rows = await scope.rows(CURRENT_SQL)
    rows.sort(key=lambda r: (as_datetime(r["created_at"]), r["name"]), reverse=True)
    for row in rows:
        found = sanctions_thresholds(row["document"], row["format"], row["sha256"])
        if found is not None:
            return found
    return None
