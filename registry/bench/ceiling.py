"""The ceiling: a bare Litestar endpoint returning a fixed JSON body, with no
authentication, no tenant and no database. What the real endpoint is compared with.

    python -m registry.bench.ceiling BODY_FILE PORT [WORKERS]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import uvicorn
from litestar import Litestar, MediaType, get


def create_ceiling(body: bytes) -> Litestar:
    # The document is decoded once and encoded on every request, as the real
    # endpoint's answer is: the ceiling skips only authentication and the database.
    document = json.loads(body)

    @get("/ceiling", media_type=MediaType.JSON)
    async def ceiling() -> dict[str, Any]:
        return document

    return Litestar(route_handlers=[ceiling], openapi_config=None)


def app_from_env() -> Litestar:
    """Factory for uvicorn's workers, which import the app by name."""
    return create_ceiling(Path(os.environ["ACCORD_CEILING_BODY"]).read_bytes())


def main() -> None:
    os.environ["ACCORD_CEILING_BODY"] = sys.argv[1]
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    uvicorn.run(
        "registry.bench.ceiling:app_from_env",
        factory=True,
        host="127.0.0.1",
        port=int(sys.argv[2]),
        workers=workers,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
