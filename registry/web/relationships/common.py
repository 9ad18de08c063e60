"""What the relationships, board and MOU pages share: turning a submitted form into
the API's own input struct (so the pages accept exactly what the API accepts, and a
refusal lands next to the field it names), reading several values of one field, the
audit trail of one object, and the two-step confirmation of irreversible actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec
from litestar import Request

from registry.audit import store
from registry.audit.report import ReportRow, report_row
from registry.notifications.service import member_addresses
from registry.web.forms import read_form
from tenants.errors import InvalidInput
from tenants.scope import TenantScope

T = TypeVar("T")

_AT = re.compile(r" - at `\$\.?([^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")
#: msgspec's messages in the words of a form (the API keeps msgspec's own).
_PLAIN = [
    (re.compile(r"^Expected `str` of length >= 1$"), "This is required"),
    (re.compile(r"^Expected `str` of length <= (\d+)$"), r"Use at most \1 characters"),
    (re.compile(r"^Expected `str` of length >= (\d+)$"), r"Use at least \1 characters"),
    (re.compile(r"^Expected `int` >= (\d+)$"), r"Enter a number of at least \1"),
    (re.compile(r"^Expected `int` <= (\d+)$"), r"Enter a number of at most \1"),
    (re.compile(r"^Expected `(int|float)[^`]*`, got `str`$"), "Enter a number"),
    (re.compile(r"^Expected `date`.*$"), "Enter a date as YYYY-MM-DD"),
    (re.compile(r"^Invalid enum value .*$"), "Choose one of the options"),
    (re.compile(r"^Expected `str` matching regex .*$"), "This is not in the expected form"),
    (re.compile(r"^Expected `str`, got `null`$"), "This is required"),
    (re.compile(r"^Expected `array` of length <= (\d+)$"), r"Choose at most \1"),
]
#: How much of an object's history its page shows (newest last, as the log runs).
TRAIL = 200


def error_field(message: str) -> tuple[str, str]:
    """(field path, sentence) of a msgspec validation error: `officers[0].name`."""
    path = ""
    found = _AT.search(message)
    if found:
        path = found.group(1)
        message = message[: found.start()]
    missing = _MISSING.search(message)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
        message = "This is required"
    for pattern, plain in _PLAIN:
        if pattern.match(message):
            message = pattern.sub(plain, message)
            break
    return path, message.replace("`", "")


def to_struct(
    kind: type[T],
    data: dict[str, Any],
    errors: dict[str, str],
    field_of: Callable[[str], str] = lambda path: path,
) -> T | None:
    """`data` as the API's input struct `kind`, or None with the error beside the
    form field that `field_of` names for the struct's field path."""
    try:
        return msgspec.convert(data, kind, str_keys=True)
    except msgspec.ValidationError as exc:
        path, sentence = error_field(str(exc))
        errors[field_of(path) or "form"] = sentence
        return None
    except InvalidInput as exc:  # the text policy, applied as the struct is built
        errors[field_of(exc.field) or "form"] = exc.message
        return None


async def values(request: Request[Any, Any, Any], name: str) -> list[str]:
    """Every value of a repeated field (checkboxes), as submitted."""
    return [v for k, v in await read_form(request) if k == name]


async def trail(scope: TenantScope, object_id: Any) -> list[ReportRow]:
    """The audit events about one object, oldest first, people by e-mail."""
    events, _ = await store.list_events(
        scope, store.EventFilter(object_id=str(object_id)), limit=TRAIL, offset=0
    )
    return [report_row(event, await people(scope)) for event in events]


async def people(scope: TenantScope) -> dict[str, str]:
    """Members' e-mail addresses by person id (as strings), for "who" columns."""
    return {str(pid): email for pid, email in (await member_addresses(scope)).items()}


def confirmed(fields: dict[str, str]) -> bool:
    """An irreversible action is done only from its confirmation page, whose button
    sends `confirm=yes`; the first submission shows what will happen instead."""
    return fields.get("confirm") == "yes"


def lines(text: str) -> list[list[str]]:
    """A textarea of one item per line, parts separated by semicolons."""
    return [
        [part.strip() for part in line.split(";")] for line in text.splitlines() if line.strip()
    ]
