"""Helpers to build and edit export bundles in tests."""

from __future__ import annotations

import io
import json
from typing import Any

from registry.audit.bundle import BundlePrefix, verify_bundle_lines, write_bundle
from registry.audit.canonical import canonical_bytes
from registry.audit.result import VerifyResult
from tests.audit.factories import TENANT, signing_key

TIMESTAMP = "2025-03-02T00:00:00.000000Z"


def build(
    log: list[dict[str, Any]],
    first_seq: int = 1,
    key_name: str = "tenant",
    tenant: str = TENANT,
) -> bytes:
    """A bundle of log[first_seq - 1:], the earlier events summarised in its header."""
    prefix = BundlePrefix.from_event_hashes(
        bytes.fromhex(event["hash"]) for event in log[: first_seq - 1]
    )
    out = io.BytesIO()
    write_bundle(
        out,
        log[first_seq - 1 :],
        tenant=tenant,
        signing_key=signing_key(key_name),
        prefix=prefix,
        timestamp=TIMESTAMP,
    )
    return out.getvalue()


def verify(data: bytes, public_key: bytes | None = None) -> VerifyResult:
    # BytesIO splits on b"\n" only, exactly like reading the file.
    return verify_bundle_lines(io.BytesIO(data), public_key=public_key)


def lines_of(data: bytes) -> list[bytes]:
    """The lines without their newlines."""
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def join(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\n" for line in lines)


def edit_line(data: bytes, number: int, **changes: Any) -> bytes:
    """Change fields of the record on line `number` (from 1), keeping it canonical."""
    lines = lines_of(data)
    record = json.loads(lines[number - 1])
    record.update(changes)
    lines[number - 1] = canonical_bytes(record)
    return join(lines)
