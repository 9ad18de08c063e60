"""Errors as RFC 9457 problem details (`application/problem+json`).

Validation errors list each bad field; domain errors keep their message; anything
unexpected is logged and answered 500 without internals.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from tenants.errors import AccordError, InvalidInput, TooManyAttempts

log = logging.getLogger("accord.http")
PROBLEM = "application/problem+json"


def problem(
    status: int,
    detail: str,
    request: Request[Any, Any, Any],
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field_of(key: str | None, source: str | None) -> str:
    if key:
        return key
    return source or "body"


def on_validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors: list[dict[str, str]] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            errors.append(
                {
                    "field": _field_of(item.get("key"), item.get("source")),
                    "message": str(item.get("message", "invalid")),
                }
            )
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or str(exc.detail)
    return problem(400, detail, request, errors or None)


def on_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if isinstance(exc, ValidationException):
        return on_validation(request, exc)
    headers = dict(exc.headers or {})
    return problem(exc.status_code, str(exc.detail), request, headers=headers or None)


def on_domain(request: Request[Any, Any, Any], exc: AccordError) -> Response[Any]:
    errors = (
        [{"field": exc.field, "message": exc.message}] if isinstance(exc, InvalidInput) else None
    )
    headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, TooManyAttempts) else None
    if exc.status == 401:
        headers = {"WWW-Authenticate": 'Bearer realm="accord"'}
    return problem(exc.status, exc.detail, request, errors, headers)


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(500, "internal error; it has been logged", request)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ValidationException: on_validation,
    HTTPException: on_http,
    AccordError: on_domain,
    Exception: on_unexpected,
}


class FieldError(msgspec.Struct):
    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details, as every error is answered."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    errors: list[FieldError] | None = None


_WHEN = {
    400: "The input is invalid; `errors` names each bad field",
    401: "No valid token or session",
    403: "The caller's role does not allow this, or the tenant is suspended",
    404: "No such tenant or object visible to the caller",
    409: "The request conflicts with the current state",
    413: "The body is larger than this route accepts",
    415: "The body's media type is not accepted here",
    429: "Too many attempts; see Retry-After",
}


def problem_responses(*codes: int) -> dict[int, ResponseSpec]:
    return {
        code: ResponseSpec(
            data_container=Problem,
            description=_WHEN[code],
            media_type=PROBLEM,
            generate_examples=False,
        )
        for code in codes
    }
