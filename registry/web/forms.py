"""Reading submitted forms: text fields as the person typed them (trimmed), and the
errors to show next to each field."""

from __future__ import annotations

from typing import Any

from litestar import Request


class Form:
    """A submitted form's fields, read once."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = fields

    @classmethod
    async def read(cls, request: Request[Any, Any, Any]) -> Form:
        data = await request.form()
        return cls({key: value for key, value in data.items() if isinstance(value, str)})

    def text(self, name: str) -> str:
        return self.fields.get(name, "").strip()

    def raw(self, name: str) -> str:
        """As submitted (documents keep their whitespace); newlines as the browser
        sent them (CRLF) are normalised."""
        return self.fields.get(name, "").replace("\r\n", "\n")


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
