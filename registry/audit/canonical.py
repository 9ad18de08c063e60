"""Canonical JSON (RFC 8785, JCS) for the value types audit events use.

The hash of an audit event is taken over these bytes, so the same event must give the
same bytes on every machine and in every year. RFC 8785 fixes that: no whitespace,
object members sorted by the UTF-16 code units of their names, strings in UTF-8 with
only the escapes ECMAScript's JSON.stringify makes, numbers as ECMAScript prints them.

Rules for the types we accept (anything else raises `CanonicalError`):

- str: must be valid Unicode (no lone surrogates). Escapes: `\\"`, `\\\\`, `\\b \\f \\n
  \\r \\t`, other controls below U+0020 as `\\u00xx` (lowercase hex); all other
  characters are written as themselves in UTF-8.
- int: written in decimal. Only integers an IEEE 754 double holds exactly
  (|n| <= 2**53 - 1, "I-JSON" safe integers) are allowed, because larger ones would be
  rounded by any JavaScript or double-based verifier and hash differently.
- float: only finite integral values within the same range, written as the integer
  (`3.0` -> `3`, `-0.0` -> `0`), which is exactly what JCS prints. Fractions, NaN and
  infinities are rejected rather than reproducing ECMAScript's shortest-round-trip
  float printing: money and hours are stored as integers or strings in Accord.
- bool, None: `true`, `false`, `null`.
- list and tuple: JSON arrays.
- dict: keys must be str; members sorted by UTF-16 code units.

`loads_canonical` is the reading side: it parses one document and insists that it is
already in canonical form, so that no byte of a stored line can change unnoticed.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import msgspec

MAX_SAFE_INTEGER = 2**53 - 1

# _scan flags: when set, a plain sorted encoding would not be exact.
_HAS_FLOAT = 1
_NEEDS_UTF16_SORT = 2

# json's own string encoder (C accelerated) already escapes exactly as JCS demands
# when ensure_ascii is off: short escapes for \b \f \n \r \t, \u00xx in lowercase hex
# for other controls, everything else literal.
_encode_string: Any = json.encoder.encode_basestring

# The fast path: msgspec writes compact JSON with sorted keys and the same string
# escapes as JCS (checked by a property test against the exact encoder). It is used
# only where it provably agrees with JCS; everything else takes the exact path:
# - UTF-8 lead bytes 0xED..0xF4 (U+D000 and up) may need UTF-16 key order;
# - 16 or more digits in a row may be an integer beyond 2**53 - 1.
# (Checked with isascii/translate/find: a regex doing the same is 20 times slower.)
_HIGH_LEAD_BYTE = re.compile(rb"[\xed-\xf4]")
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_SIXTEEN_DIGITS = b"0" * 16
_ENCODER = msgspec.json.Encoder(order="sorted")


def _fast_path_unsafe(data: bytes) -> bool:
    if not data.isascii() and _HIGH_LEAD_BYTE.search(data) is not None:
        return True
    return _SIXTEEN_DIGITS in data.translate(_DIGITS_TO_ZERO)


def _no_floats(literal: str) -> Any:
    raise ValueError(f"float literal {literal}")


_DECODER = msgspec.json.Decoder(float_hook=_no_floats)


class CanonicalError(ValueError):
    """A value that has no canonical JSON form under our rules, or bytes not in it."""


def canonical_bytes(value: object) -> bytes:
    """The RFC 8785 canonical JSON encoding of `value`, as UTF-8 bytes."""
    fast = _fast_canonical(value)
    return fast if fast is not None else _exact_canonical(value)


def loads_canonical(data: bytes) -> Any:
    """Parse one JSON document that must already be in canonical form.

    Raises CanonicalError when the bytes are not UTF-8, not JSON, or JSON whose
    canonical encoding differs from the bytes given (whitespace, key order, escapes,
    duplicate keys, `1.0` for `1`...).
    """
    if not _fast_path_unsafe(data):
        try:
            value = _DECODER.decode(data)
        except msgspec.ValidationError as exc:  # a float literal: never canonical
            raise CanonicalError("not in canonical JSON form") from exc
        except (msgspec.DecodeError, UnicodeDecodeError) as exc:
            raise CanonicalError(f"not valid JSON ({exc})") from exc
        if _ENCODER.encode(value) != data:
            raise CanonicalError("not in canonical JSON form")
        return value
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CanonicalError("not valid UTF-8") from exc
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise CanonicalError(f"not valid JSON ({exc})") from exc
    if canonical_bytes(value) != data:
        raise CanonicalError("not in canonical JSON form")
    return value


def parse_canonical(data: bytes) -> tuple[Any, bool]:
    """`loads_canonical`, also telling whether the fast path applied.

    When it did (the second item is True), every value built from parts of the
    result, such as the object without some of its members, has `encode_fast` as its
    canonical encoding: the parts' bytes are already in `data`, which holds no byte
    or digit run that would make msgspec's encoding differ from JCS, and no float.
    """
    if _fast_path_unsafe(data):
        return loads_canonical(data), False
    try:
        value = _DECODER.decode(data)
    except msgspec.ValidationError as exc:  # a float literal: never canonical
        raise CanonicalError("not in canonical JSON form") from exc
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise CanonicalError(f"not valid JSON ({exc})") from exc
    if _ENCODER.encode(value) != data:
        raise CanonicalError("not in canonical JSON form")
    return value, True


def encode_fast(value: object) -> bytes:
    """msgspec's sorted encoding: canonical only for values `parse_canonical` vouches for."""
    data: bytes = _ENCODER.encode(value)
    return data


def _fast_canonical(value: object) -> bytes | None:
    """msgspec's encoding when it is certainly the canonical one, else None.

    Certainty comes from a round trip: the output must avoid the unsafe patterns and
    decode (with no float literals) to a value equal to the input. That rules out
    every type msgspec would quietly convert (sets, bytes, datetimes, NaN...), which
    the exact path then accepts or rejects by the rules above.
    """
    try:
        data = _ENCODER.encode(value)
    except (TypeError, ValueError, OverflowError):  # UnicodeEncodeError is a ValueError
        return None
    if _fast_path_unsafe(data):
        return None
    try:
        same = _DECODER.decode(data) == value
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    # Floats cannot slip through although 1 == 1.0 in Python: the decoder refuses
    # their literals. A tuple compares unequal to the list it becomes, so tuples take
    # the exact path too; str and int subclasses (enums) encode by their plain value.
    return data if same else None


def _exact_canonical(value: object) -> bytes:
    _scan(value)
    text = "".join(_encode_exact(value, []))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CanonicalError("string is not valid Unicode (lone surrogate)") from exc


def _reject_constant(name: str) -> Any:
    raise CanonicalError(f"{name} is not allowed in canonical JSON")


def _scan(value: object) -> int:
    """Validate `value` by our rules (raising CanonicalError); flags are informative."""
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return 0
    if isinstance(value, int):
        if -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return 0
        raise CanonicalError(f"integer {value} is outside the safe range +-(2**53 - 1)")
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) <= MAX_SAFE_INTEGER:
            return _HAS_FLOAT
        raise CanonicalError(f"float {value!r} is not allowed (only integral values)")
    if isinstance(value, dict):
        flags = 0
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError(f"object key {key!r} is not a string")
            # Code-point order and UTF-16 order differ only once a key holds a
            # character at or above U+D800 (astral vs. U+E000..U+FFFF).
            if key and max(key) >= "\ud800":
                flags |= _NEEDS_UTF16_SORT
            flags |= _scan(item)
        return flags
    if isinstance(value, list | tuple):
        flags = 0
        for item in value:
            flags |= _scan(item)
        return flags
    raise CanonicalError(f"cannot put a {type(value).__name__} into canonical JSON")


def _utf16_key(item: tuple[str, object]) -> bytes:
    # Big-endian UTF-16 bytes compare exactly like the sequence of UTF-16 code units.
    try:
        return item[0].encode("utf-16-be")
    except UnicodeEncodeError as exc:
        raise CanonicalError("object key is not valid Unicode (lone surrogate)") from exc


def _encode_exact(value: object, out: list[str]) -> list[str]:
    """Encode an already scanned value, handling floats and UTF-16 key order."""
    if isinstance(value, str):
        out.append(_encode_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int | float):  # floats reaching here are integral
        out.append(str(int(value)))
    elif isinstance(value, dict):
        out.append("{")
        for position, (key, item) in enumerate(sorted(value.items(), key=_utf16_key)):
            if position:
                out.append(",")
            out.append(_encode_string(key))
            out.append(":")
            _encode_exact(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            _encode_exact(item, out)
        out.append("]")
    else:  # unreachable after _scan, kept so a future caller cannot skip the check
        raise CanonicalError(f"cannot put a {type(value).__name__} into canonical JSON")
    return out
