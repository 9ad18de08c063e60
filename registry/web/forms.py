"""Reading submitted forms: text fields as the person typed them (trimmed, under the
text policy of tenants/text.py), and the errors to show next to each field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Request

from tenants import text


def is_secret(name: str) -> bool:
    """A password field: kept exactly as typed, as the API keeps it."""
    return "password" in name


def clean_form(fields: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Every submitted value under the text policy, as multi-line text (what a field
    must be beyond that, one line or a name, its reader says: `Form.name`, or the
    API's input struct the page builds): control characters
    refused with InvalidInput naming the field, CRLF as LF, NFC. Every page reads its
    form through here."""
    return [
        (key, value if is_secret(key) else text.clean(value, key, text.PARAGRAPH))
        for key, value in fields
    ]


async def read_form(request: Request[Any, Any, Any]) -> list[tuple[str, str]]:
    """The submitted form's text fields, in order (a field may repeat), cleaned."""
    data = await request.form()
    return clean_form((key, value) for key, value in data.multi_items() if isinstance(value, str))


class Form:
    """A submitted form's fields, read once."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields

    @classmethod
    async def read(cls, request: Request[Any, Any, Any]) -> Form:
        return cls(dict(await read_form(request)))

    def text(self, name: str) -> str:
        """A field, trimmed (pages read textareas this way too: whether it must be one
        line is for the struct or the service it goes to, or `name`)."""
        return self.fields.get(name, "").strip()

    def name(self, name: str) -> str:
        """A name or label, trimmed: one line, no bidirectional controls."""
        return text.clean(self.fields.get(name, "").strip(), name, text.NAME)

    def raw(self, name: str) -> str:
        """As submitted (documents keep their whitespace; CRLF became LF)."""
        return self.fields.get(name, "")


def parse_days(value: str, field: str, errors: dict[str, str], low: int, high: int) -> int | None:
    """A whole number of days from a form field, or an error beside the field."""
    if not value:
        return None
    try:
        days = int(value)
    except ValueError:
        errors[field] = "Enter a whole number of days, for example 90"
        return None
    if not low <= days <= high:
        errors[field] = f"Enter a number of days between {low} and {high}"
        return None
    return days
