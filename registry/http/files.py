"""Routes that answer with a file: a spreadsheet register or a document to keep."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Schema,
)
from litestar.response import Response

from registry.spreadsheet import MEDIA_TYPES


@dataclass
class SpreadsheetOperation(Operation):
    """A route whose 200 is a CSV or an XLSX file (`?format=`): the OpenAPI document
    names both media types, so that clients and the schema fuzzer expect either."""

    def __post_init__(self) -> None:
        ok = (self.responses or {}).get("200")
        if isinstance(ok, OpenAPIResponse):
            binary = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            ok.content = {media: OpenAPIMediaType(schema=binary) for media in MEDIA_TYPES.values()}


def attachment(content: bytes, media_type: str, filename: str) -> Response[bytes]:
    """`content` as a download named `filename`."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
