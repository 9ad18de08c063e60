"""Reading request bodies within bounds.

Every JSON body is scanned once, before it is decoded, for how deeply it nests: the
decoder recurses once per level, so a couple of kilobytes of `[` would otherwise end
in a RecursionError (an unauthenticated 500, with a traceback logged per request).
The scan is linear and runs in C (a regular expression removes the strings, a
translation keeps only the brackets), and anything else that goes wrong while
decoding a body is the caller's input: a 400 naming the body, logged in one line
without the body.

How large a body may be is set per class of route (`request_max_body_size` on the
app and on the routers of `registry/app.py`); a larger one is answered 413.
"""

from __future__ import annotations

import logging
import re
from itertools import accumulate
from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.exceptions import HTTPException, SerializationException

from tenants.errors import InvalidInput

log = logging.getLogger("accord.http")

#: Deeper than any document of ours (a policy nests about six levels).
MAX_JSON_DEPTH = 64
#: Ordinary JSON routes: their largest field is a few thousand characters.
JSON_BODY_MAX = 64 * 1024
#: Routes that carry documents (policies of up to 200,000 characters, MOU texts and
#: board papers, relationship requests with long free text) and the pages that edit
#: them. Any body their schemas admit fits: a character may take 12 bytes of JSON
#: (an escaped surrogate pair), so 200,000 of them take 2.4 MB.
DOCUMENT_BODY_MAX = 4 * 1024 * 1024

# A JSON string: a quote, then runs of ordinary characters or escapes, then a quote.
# Unrolled (`[^"\\]*(?:\\.[^"\\]*)*`) so that it never backtracks.
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = [0] * 256
for _open in b"[{":
    _STEP[_open] = 1
for _close in b"]}":
    _STEP[_close] = -1


def json_depth(body: bytes) -> int:
    """How deeply `body` nests arrays and objects (brackets inside strings do not count).

    Malformed input gives some number rather than an error; the decoder refuses it."""
    brackets = _STRING.sub(b"", body).translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def check_json_depth(body: bytes) -> None:
    if json_depth(body) > MAX_JSON_DEPTH:
        raise InvalidInput("body", f"JSON nested more than {MAX_JSON_DEPTH} levels deep")


def _undecodable(request: Request[Any, Any, Any], exc: Exception) -> InvalidInput:
    """One line in the log (no body, no traceback) and the caller's 400."""
    log.warning(
        "undecodable %s body on %s %s: %s",
        request.content_type[0] or "request",
        request.method,
        request.url.path,
        type(exc).__name__,
    )
    return InvalidInput("body", "could not be decoded")


class AccordRequest(Request[Any, Any, Any]):
    """The app's request class: JSON bodies are checked for depth before they are
    decoded, and no decoding error of a body becomes a 500."""

    async def json(self) -> Any:
        try:
            check_json_depth(await self.body())
            return await super().json()
        except (HTTPException, InvalidInput):
            raise
        except SerializationException as exc:  # the decoder's own words: where and what
            raise InvalidInput("body", f"not valid JSON: {exc}") from None
        except Exception as exc:  # anything else the decoder raises is the input's fault
            raise _undecodable(self, exc) from None

    async def form(self) -> FormMultiDict:
        try:
            return await super().form()
        except (HTTPException, InvalidInput):
            raise
        except Exception as exc:
            raise _undecodable(self, exc) from None
