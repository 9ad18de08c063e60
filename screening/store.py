"""Stored list versions: import one parsed publication atomically, list them, read
them back as `ListVersion`s for the index and for `diff`.

An import is one write transaction: the version row, every entity row, and the
previous active version of the same source marked superseded, or nothing at all.
Parsing happens before the transaction, so a malformed file stores nothing and
leaves the active version as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from screening.model import ListedEntity, ListVersion
from screening.tables import ScreeningEntity, ScreeningListVersion
from tenants.database import fetch, write_transaction
from tenants.errors import NotFound

ACTIVE = "active"
SUPERSEDED = "superseded"
CHUNK = 500

#: What identifies the loaded lists: (version id, checksum) of every active version.
Signature = tuple[tuple[int, str], ...]

_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(ListedEntity)


class StoredVersion(msgspec.Struct, kw_only=True):
    """One imported list version, as `accord screening lists` and the API show it."""

    id: int
    source: str
    version: str
    published: dt.date | None
    sha256: str
    files: list[str]
    counts: dict[str, int]
    entity_count: int
    status: str
    imported_at: dt.datetime


class ImportResult(msgspec.Struct, kw_only=True):
    version: StoredVersion
    created: bool  # False: this very publication is already the active version
    superseded: list[int]


def _json_value(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        return json.loads(value) if value else default
    return value


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _as_datetime(value: Any) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _stored(row: dict[str, Any]) -> StoredVersion:
    return StoredVersion(
        id=int(row["id"]),
        source=row["source"],
        version=row["version_key"],
        published=_as_date(row["published"]),
        sha256=row["sha256"],
        files=list(_json_value(row["files"], [])),
        counts={str(k): int(v) for k, v in _json_value(row["counts"], {}).items()},
        entity_count=int(row["entity_count"]),
        status=row["status"],
        imported_at=_as_datetime(row["imported_at"]),
    )


async def import_version(
    version: ListVersion, progress: Callable[[int], None] | None = None
) -> ImportResult:
    """Store a parsed version and make it its source's active one, atomically.
    `progress(n)` is called after each chunk of n entities is written."""
    async with write_transaction():
        active = await ScreeningListVersion.select().where(
            (ScreeningListVersion.source == version.source)
            & (ScreeningListVersion.status == ACTIVE)
        )
        for row in active:
            if row["sha256"] == version.sha256:
                return ImportResult(version=_stored(row), created=False, superseded=[])
        superseded = [int(row["id"]) for row in active]
        if superseded:
            await ScreeningListVersion.update({ScreeningListVersion.status: SUPERSEDED}).where(
                ScreeningListVersion.id.is_in(superseded)
            )
        inserted = await ScreeningListVersion.insert(
            ScreeningListVersion(
                source=version.source,
                version_key=version.version_id,
                published=version.published,
                sha256=version.sha256,
                files=json.dumps([_file_name(f) for f in version.files]),
                counts=json.dumps(version.counts()),
                entity_count=len(version.entities),
                status=ACTIVE,
            )
        ).returning(ScreeningListVersion.id)
        version_id = int(inserted[0]["id"])
        entities = version.entities
        for start in range(0, len(entities), CHUNK):
            chunk = entities[start : start + CHUNK]
            await ScreeningEntity.insert(
                *(
                    ScreeningEntity(
                        version=version_id,
                        entity_ref=entity.ref[:128],
                        entity_schema=entity.schema,
                        name=entity.primary_name,
                        data=_encoder.encode(entity).decode(),
                    )
                    for entity in chunk
                )
            )
            if progress is not None:
                progress(len(chunk))
        rows = await ScreeningListVersion.select().where(ScreeningListVersion.id == version_id)
        return ImportResult(version=_stored(rows[0]), created=True, superseded=superseded)


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


async def list_versions(source: str | None = None) -> list[StoredVersion]:
    """Every stored version, newest first."""
    query = ScreeningListVersion.select().order_by(ScreeningListVersion.id, ascending=False)
    if source is not None:
        query = query.where(ScreeningListVersion.source == source)
    return [_stored(row) for row in await query]


async def get_version(version_id: int) -> StoredVersion:
    rows = await ScreeningListVersion.select().where(ScreeningListVersion.id == version_id)
    if not rows:
        raise NotFound(f"no list version {version_id}")
    return _stored(rows[0])


async def active_signature() -> Signature:
    """Cheap: one small query. Changes whenever an import (or removal) changes
    which versions are active."""
    rows = await fetch(
        "SELECT id, sha256 FROM screening_list_version WHERE status = {} ORDER BY id", ACTIVE
    )
    return tuple((int(r["id"]), str(r["sha256"])) for r in rows)


async def _entity_rows(version_id: int) -> list[str]:
    rows = await fetch(
        "SELECT data FROM screening_entity WHERE version = {} ORDER BY id", version_id
    )
    return [str(r["data"]) for r in rows]


def _decode(stored: StoredVersion, rows: Sequence[str]) -> ListVersion:
    return ListVersion(
        source=stored.source,
        published=stored.published,
        sha256=stored.sha256,
        files=list(stored.files),
        entities=[_decoder.decode(data) for data in rows],
    )


async def load_version(version_id: int) -> ListVersion:
    """A stored version with its entities, as the parser gave it."""
    stored = await get_version(version_id)
    return _decode(stored, await _entity_rows(version_id))


async def load_raw(version_ids: Sequence[int]) -> list[tuple[StoredVersion, list[str]]]:
    """Stored versions and their undecoded entity rows (decoding is left to the
    caller, which may do it off the event loop). Versions gone meanwhile are skipped."""
    out = []
    for version_id in version_ids:
        try:
            stored = await get_version(version_id)
        except NotFound:
            continue
        out.append((stored, await _entity_rows(version_id)))
    return out


def decode_raw(raw: Sequence[tuple[StoredVersion, list[str]]]) -> list[ListVersion]:
    return [_decode(stored, rows) for stored, rows in raw]


async def load_active() -> tuple[Signature, list[ListVersion]]:
    signature = await active_signature()
    return signature, decode_raw(await load_raw([vid for vid, _ in signature]))


async def delete_all() -> None:
    """Remove every stored version (tests, and an operator starting over)."""
    async with write_transaction():
        await ScreeningEntity.delete(force=True)
        await ScreeningListVersion.delete(force=True)
