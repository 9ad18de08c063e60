"""The two errors the policy engine raises: a bad policy document, a bad subject."""

from __future__ import annotations


class PolicyError(ValueError):
    """A policy document that cannot be loaded.

    `key` is the dotted path of the offending key (``rules[2].min_years``; empty when the
    document cannot be parsed at all), `line` the 1-based line in the document's text
    where that key is written (None when it cannot be located), `message` says what is
    wrong in words.
    """

    def __init__(self, key: str, line: int | None, message: str) -> None:
        self.key = key
        self.line = line
        self.message = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.key or "document"
        if self.line is not None:
            where = f"{where} (line {self.line})"
        return f"{where}: {self.message}"


class SubjectError(ValueError):
    """A subject (applicant, partner organisation) that cannot be evaluated.

    `field` is the dotted path of the offending field (``membership.until``), `message`
    says what is wrong.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field or 'subject'}: {message}")
