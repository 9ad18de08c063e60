"""Unknown query parameters are refused, naming them, rather than silently ignored:
`?limt=5` is a typo the caller wants to hear about, not a page of 50."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.handlers import HTTPRouteHandler

from tenants.errors import InvalidInput

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
            names.add(getattr(parameter.kwarg_definition, "query", None) or name)
        _accepted[key] = frozenset(names)
    return _accepted[key]


async def refuse_unknown_query(request: Request[Any, Any, Any]) -> None:
    if not request.query_params:
        return
    handler = request.route_handler
    if not isinstance(handler, HTTPRouteHandler):
        return
    accepted = _accepted_names(handler, frozenset(request.path_params))
    for name in request.query_params:
        if name not in accepted:
            expected = ", ".join(sorted(accepted)) or "none"
            raise InvalidInput(name or "query", f"unknown query parameter; accepted: {expected}")
