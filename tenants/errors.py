"""Domain errors. The HTTP layer turns them into problem details, the CLI into messages."""

from __future__ import annotations


class AccordError(Exception):
    status = 400
    title = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(AccordError):
    """Input that names a field and says what is wrong with it."""

    status = 400
    title = "Invalid input"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(AccordError):
    status = 404
    title = "Not found"


class Conflict(AccordError):
    status = 409
    title = "Conflict"


class Forbidden(AccordError):
    status = 403
    title = "Forbidden"


class Unauthorized(AccordError):
    status = 401
    title = "Unauthorized"


class TooManyAttempts(AccordError):
    status = 429
    title = "Too many attempts"

    def __init__(self, detail: str, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s
