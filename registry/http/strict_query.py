"""Checks on every request's path and query parameters, before any handler runs.

Unknown query parameters are refused, naming them, rather than silently ignored:
`?limt=5` is a typo the caller wants to hear about, not a page of 50. An empty value is
refused on the API (none of its parameters allows one). A NUL in a path
or query parameter is refused too: no identifier of ours contains one, and
PostgreSQL would reject it with an error rather than find nothing."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.handlers import HTTPRouteHandler
from litestar.params import QueryParameter

from tenants.errors import InvalidInput

API_PREFIX = "/api/"
RESERVED = frozenset(
    {"request", "data", "state", "scope", "headers", "cookies", "query", "body", "socket"}
)
_accepted: dict[int, frozenset[str]] = {}


def _accepted_names(handler: HTTPRouteHandler, path_params: frozenset[str]) -> frozenset[str]:
    key = id(handler)
    if key not in _accepted:
        dependencies = set(handler.resolve_dependencies())
        names = set()
        for name, parameter in handler.parsed_fn_signature.parameters.items():
            if name in RESERVED or name in dependencies or name in path_params:
                continue
            definition = parameter.kwarg_definition
            alias = getattr(definition, "query", None)
            if isinstance(definition, QueryParameter):
                alias = alias or definition.name
            names.add(alias or name)
        _accepted[key] = frozenset(names)
    return _accepted[key]


async def refuse_unknown_query(request: Request[Any, Any, Any]) -> None:
    for name, value in request.path_params.items():
        if "\x00" in str(value):
            raise InvalidInput(name, "must not contain NUL characters")
    if not request.query_params:
        return
    for name, value in request.query_params.items():
        if "\x00" in name or "\x00" in value:
            raise InvalidInput(
                name.replace("\x00", "") or "query", "must not contain NUL characters"
            )
    handler = request.route_handler
    if not isinstance(handler, HTTPRouteHandler):
        return
    accepted = _accepted_names(handler, frozenset(request.path_params))
    for name in request.query_params:
        if name not in accepted:
            expected = ", ".join(sorted(accepted)) or "none"
            raise InvalidInput(name or "query", f"unknown query parameter; accepted: {expected}")
    if request.url.path.startswith(API_PREFIX):
        # The API documents no parameter as allowing an empty value: `?action=` is a
        # mistake to name, not a filter to drop. (A page's search form sends its empty
        # fields, so pages still take them.)
        for name, value in request.query_params.items():
            if value == "":
                raise InvalidInput(name, "must not be empty; leave the parameter out instead")
