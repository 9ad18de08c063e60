"""Strict lowercase hex for hashes, keys and signatures inside audit records.

Only one spelling of each value is accepted (lowercase, exact length), so that a
verifier can compare the text itself and no byte of a record can change without
changing what it says: `bytes.fromhex` alone would also take "AB" for "ab".
"""

from __future__ import annotations

import re

_HEX = re.compile(r"[0-9a-f]*")


def is_hex(value: object, nbytes: int) -> bool:
    """True when `value` is a lowercase hex string encoding exactly `nbytes` bytes."""
    return isinstance(value, str) and len(value) == 2 * nbytes and _HEX.fullmatch(value) is not None


def parse_hex(value: object, nbytes: int, what: str) -> bytes:
    """Decode strict lowercase hex, raising ValueError that names `what` otherwise."""
    if not is_hex(value, nbytes):
        raise ValueError(f"{what} must be {2 * nbytes} lowercase hex digits")
    return bytes.fromhex(value)  # type: ignore[arg-type]
