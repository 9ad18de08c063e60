"""Swagger UI served by the app itself, at `/schema/swagger` (and `/schema`).

Litestar's own Swagger page loads its script and styles from a CDN, without
integrity hashes: whoever controls that CDN runs script on a page from which signed-in
people try the API. Here the Swagger UI distribution comes from a Python package
(`swagger-ui-py`, which ships swagger-ui's `dist` files), its files are answered from
an allow-list under `/schema/swagger/assets/`, and the page has no inline script, so
its Content-Security-Policy can admit this site's scripts alone.
"""

from __future__ import annotations

import importlib.util
from html import escape
from pathlib import Path
from typing import Any

from litestar import Request, get
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.params import FromPath
from litestar.response import File, Response
from litestar.router import Router


def _distribution() -> Path:
    # Located without importing the package (its __init__ imports every web framework
    # adapter it has); only its static files are used.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed (a dependency of accord)")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


DIST = _distribution()
ASSETS_PATH = "/swagger/assets"
#: What the page uses, and nothing else of the distribution (it ships an editor too).
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "index.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
#: Ours: starts Swagger UI on the document named by the page (no inline script).
INIT_JS = b"""\
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.url,
    dom_id: "#swagger-ui",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
  });
});
"""
INIT_NAME = "accord-swagger.js"

#: Swagger UI sets style attributes from script and draws icons as data: images;
#: every script and every request stays on this site.
PAGE_HEADERS = [
    ResponseHeader(
        name="Content-Security-Policy",
        value=(
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            " img-src 'self' data:; connect-src 'self'; frame-ancestors 'none';"
            " base-uri 'none'; object-src 'none'; form-action 'self'"
        ),
    ),
    ResponseHeader(name="Referrer-Policy", value="same-origin"),
]


def _page(title: str, assets: str, document_url: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="stylesheet" href="{assets}/index.css">
</head>
<body>
<div id="swagger-ui" data-url="{escape(document_url)}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/{INIT_NAME}"></script>
</body>
</html>
""".encode()


@get(
    f"{ASSETS_PATH}/{{name:str}}",
    include_in_schema=False,
    sync_to_thread=False,
    # The files change only with the package; kept a day, then revalidated (ETag).
    cache_control=CacheControlHeader(max_age=86_400, public=True),
)
def swagger_asset(name: FromPath[str]) -> Response[bytes] | File:
    if name == INIT_NAME:
        return Response(INIT_JS, media_type="text/javascript; charset=utf-8")
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFoundException(f"no asset {name!r}")
    return File(DIST / name, media_type=media_type, content_disposition_type="inline")


class LocalSwaggerPlugin(OpenAPIRenderPlugin):
    """The Swagger page, on the app's own copy of Swagger UI."""

    def __init__(self, path: str = "/swagger") -> None:
        super().__init__(path=path, media_type=MediaType.HTML, favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        schema_root = request.app.openapi_config.path if request.app.openapi_config else ""
        return _page(
            str(openapi_schema["info"]["title"]),
            f"{schema_root}{ASSETS_PATH}",
            self.get_openapi_json_route(request),
        )

    def receive_router(self, router: Router) -> None:
        # The router of /schema: its pages get the policy; the assets live under it.
        router.response_headers = [*(router.response_headers or ()), *PAGE_HEADERS]
        router.register(swagger_asset)
