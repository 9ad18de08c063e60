"""`Idempotency-Key` on the POST routes of the tenant API.

A client that did not hear the answer to a POST (a timeout, a dropped connection)
sends it again with the same key: within 24 hours, the same person sending the same
key with the same request (method, path, query and body) gets the first answer again,
status and body, with `Idempotent-Replayed: true`, and nothing is created twice. The
same key with a different request is a 409.

The key is claimed before the handler runs, by inserting it into `idempotency_key`
(unique per tenant and key hash), so that of two concurrent retries only one runs;
the other waits for the first answer (up to WAIT_S) and replays it. Only a success
(2xx) is kept: after a refusal nothing was created, so the claim is let go and the
client may send the request again (corrected, even) with the same key. A claim whose
request never finished (the process died) is taken over after ABANDONED_AFTER.

The table lives in the database, not in the process, so retries that reach another
app process behave the same; keys are stored as a hash with the tenant and the person.
It is a middleware of every tenant controller, after the tenant wall (so only a
caller admitted to the route gets this far), rather than something each route does.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from tenants.errors import Conflict, InvalidInput
from tenants.scope import TenantScope
from tenants.tables import IdempotencyKey

if TYPE_CHECKING:
    from registry.http.tenancy import Caller

HEADER = b"idempotency-key"
HEADER_NAME = "Idempotency-Key"
REPLAYED_HEADER = b"idempotent-replayed"
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
LIFETIME = timedelta(hours=24)
ABANDONED_AFTER = timedelta(minutes=5)
WAIT_S = 10.0
#: The headers of an answer that are part of it (the rest are the server's).
KEPT_HEADERS = frozenset({b"content-type", b"location", b"content-disposition"})


def key_hash(caller: Caller, key: str) -> str:
    """The key as stored: hashed with the tenant and the person who sent it."""
    material = b"|".join((caller.tenant_id.bytes, caller.person_id.bytes, key.encode()))
    return hashlib.sha256(material).hexdigest()


def request_hash(scope: Scope, body: bytes) -> str:
    digest = hashlib.sha256()
    method = str(scope.get("method", ""))
    for part in (method.encode(), scope["raw_path"], scope["query_string"], body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True, slots=True)
class Claimed:
    """A key already claimed: by which request, and its answer once there is one."""

    request_hash: str
    answer: Answer | None


async def claim(scope: TenantScope, key: str, request: str) -> UUID | None:
    """Claim `key` for this request: its row's id, or None if it is held already."""
    now = datetime.now(UTC)
    await scope.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - LIFETIME)
    await scope.delete(IdempotencyKey).where(
        (IdempotencyKey.key_hash == key)
        & IdempotencyKey.status.is_null()
        & (IdempotencyKey.created_at < now - ABANDONED_AFTER)
    )
    row_id = uuid.uuid4()
    inserted = (
        await IdempotencyKey.insert(
            IdempotencyKey(
                id=row_id,
                tenant=scope.tenant_id,
                key_hash=key,
                request_hash=request,
                created_at=now,
            )
        )
        .on_conflict(target=(IdempotencyKey.tenant, IdempotencyKey.key_hash), action="DO NOTHING")
        .returning(IdempotencyKey.id)
    )
    return row_id if inserted else None


async def claimed(scope: TenantScope, key: str) -> Claimed | None:
    row = (
        await scope.select(
            IdempotencyKey,
            IdempotencyKey.request_hash,
            IdempotencyKey.status,
            IdempotencyKey.response_headers,
            IdempotencyKey.response_body,
        )
        .where(IdempotencyKey.key_hash == key)
        .output(load_json=True)
        .first()
    )
    if row is None:
        return None
    answer = None
    if row["status"] is not None:
        headers = [(name.encode(), value.encode()) for name, value in row["response_headers"]]
        answer = Answer(int(row["status"]), headers, bytes(row["response_body"]))
    return Claimed(str(row["request_hash"]), answer)


async def keep(scope: TenantScope, row_id: UUID, answer: Answer) -> None:
    headers = [[name.decode("latin-1"), value.decode("latin-1")] for name, value in answer.headers]
    await scope.update(
        IdempotencyKey,
        {
            IdempotencyKey.status: answer.status,
            IdempotencyKey.response_headers: headers,
            IdempotencyKey.response_body: answer.body,
        },
    ).where(IdempotencyKey.id == row_id)


async def let_go(scope: TenantScope, row_id: UUID) -> None:
    await scope.delete(IdempotencyKey).where(IdempotencyKey.id == row_id)


def presented_key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == HEADER:
            key = value.decode("latin-1")
            if not _KEY.fullmatch(key):
                raise InvalidInput(HEADER_NAME, "must be 1 to 255 visible ASCII characters")
            return key
    return None


async def _replay(answer: Answer, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [*answer.headers, (REPLAYED_HEADER, b"true")],
        }
    )
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})


class Idempotency:
    """Middleware of the tenant controllers (after `TenantWall`, whose caller it reads)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = presented_key(scope) if scope.get("method") == "POST" else None
        if key is None:
            await self.app(scope, receive, send)
            return
        caller: Caller = scope["state"]["caller"]
        tenant = TenantScope(caller.tenant_id, caller.tenant_slug)
        # Read through the app's request class: the route's size limit applies, and
        # the body is kept in the connection's state for the handler to decode.
        body = await scope["app"].request_class(scope, receive).body()
        hashed, request = key_hash(caller, key), request_hash(scope, body)
        deadline = time.monotonic() + WAIT_S
        while (row_id := await claim(tenant, hashed, request)) is None:
            held = await claimed(tenant, hashed)
            if held is None:
                continue  # let go (or expired) in between: claim it again
            if held.request_hash != request:
                raise Conflict(
                    f"{HEADER_NAME} {key!r} was used for a different request in the last "
                    "24 hours; use a new key for a new request"
                )
            if held.answer is not None:
                await _replay(held.answer, send)
                return
            if time.monotonic() > deadline:
                raise Conflict(
                    f"the request with {HEADER_NAME} {key!r} is still being answered; "
                    "send it again later"
                )
            await asyncio.sleep(0.05)
        await self._answer(scope, receive, send, tenant, row_id)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, tenant: TenantScope, row_id: UUID
    ) -> None:
        """Run the request, keep a success under the claim (else let the claim go),
        and only then send the answer: a retry that arrives after it finds it kept."""
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, receive, hold)
        except BaseException:
            await asyncio.shield(let_go(tenant, row_id))
            raise
        start: dict[str, Any] = next(
            (dict(m) for m in messages if m["type"] == "http.response.start"), {"status": 500}
        )
        status = int(start["status"])
        if 200 <= status < 300:
            headers = [
                (n.lower(), v) for n, v in start.get("headers", []) if n.lower() in KEPT_HEADERS
            ]
            body = b"".join(
                m.get("body", b"") for m in messages if m["type"] == "http.response.body"
            )
            await keep(tenant, row_id, Answer(status, headers, body))
        else:
            await let_go(tenant, row_id)
        for message in messages:
            await send(message)
