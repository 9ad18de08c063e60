"""Screening for a tenant: validate the query, take the thresholds from the tenant's
policy (its sanctions rule), else its settings, else the defaults, and screen against
the service's live index."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
from typing import Any

from registry.policies.service import policy_thresholds
from screening import store
from screening.countries import country_code
from screening.dates import parse_birth_dates
from screening.index import ScreeningIndex
from screening.live import LIVE
from screening.matcher import Query, ScreeningResult, Thresholds
from screening.model import Schema
from screening.normalize import normalize_name
from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope
from tenants.service import get_tenant

MAX_NAME = 300
_DOB = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def validate_query(name: str, dob: str | None, country: str | None, schema: Schema | None) -> Query:
    name = name.strip()
    if not name:
        raise InvalidInput("name", "must not be empty")
    if len(name) > MAX_NAME:
        raise InvalidInput("name", f"at most {MAX_NAME} characters")
    if not (normalize_name(name, "person").tokens or normalize_name(name, "organization").tokens):
        raise InvalidInput("name", "has no letters or digits to match on")
    if dob is not None and dob.strip():
        dob = dob.strip()
        found = _DOB.match(dob)
        if found is None:
            raise InvalidInput("dob", "expected YYYY-MM-DD, YYYY-MM or YYYY")
        year, month, day = (int(g) if g else None for g in found.groups())
        try:
            dt.date(year or 1, month or 1, day or 1)
        except ValueError:
            raise InvalidInput("dob", f"{dob!r} is not a date") from None
        if not parse_birth_dates(dob):
            raise InvalidInput("dob", f"{dob!r} is out of range")
    else:
        dob = None
    code = None
    if country is not None and country.strip():
        code = country_code(country)
        if code is None:
            raise InvalidInput("country", f"{country!r} is not a known country code or name")
    return Query(name=name, dob=dob, country=code, schema=schema)


def tenant_thresholds(settings: Any) -> Thresholds:
    """`settings["screening"]["review"|"block"]` where present, else the defaults."""
    if isinstance(settings, str):
        settings = json.loads(settings or "{}")
    section = settings.get("screening") if isinstance(settings, dict) else None
    if not isinstance(section, dict):
        return Thresholds()
    defaults = Thresholds()
    try:
        review = float(section.get("review", defaults.review))
        block = float(section.get("block", defaults.block))
        return Thresholds(review=review, block=block)
    except (TypeError, ValueError) as exc:
        raise Conflict(f"the tenant's screening thresholds are not valid: {exc}") from None


async def thresholds_for(scope: TenantScope) -> Thresholds:
    """The sanctions rule's scores of the tenant's stored policy (the most recently
    changed one that has a sanctions rule), else `settings["screening"]`, else the
    defaults."""
    from_policy = await policy_thresholds(scope)
    if from_policy is not None:
        review, block = from_policy
        return Thresholds(review=review, block=block)
    tenant = await get_tenant(scope.slug)
    return tenant_thresholds(tenant.settings)


async def check(scope: TenantScope, query: Query) -> ScreeningResult:
    await LIVE.refresh_if_due()
    return LIVE.screener.screen(query, await thresholds_for(scope))


_rebuild_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}


def _rebuild_lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    if loop not in _rebuild_locks:
        _rebuild_locks.clear()  # a new loop (CLI run, test): the old locks are dead
        _rebuild_locks[loop] = asyncio.Lock()
    return _rebuild_locks[loop]


async def current_index() -> ScreeningIndex | None:
    """The live index as of the list versions active now, for due diligence.

    `check` may answer from an index a few seconds old while a rebuild runs in the
    background; a due-diligence screening is a record that the association relies on,
    so it waits for the index of exactly the active versions (one small query when
    nothing changed). None when no list is loaded: nothing is cleared.
    """
    signature = await store.active_signature()
    if LIVE.signature != signature:
        async with _rebuild_lock():
            await LIVE.wait()
            if LIVE.signature != signature:
                await LIVE.load()
    return LIVE.screener.index
