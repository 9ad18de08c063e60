"""The text policy: what text Accord accepts, and how stored text leaves it.

**In.** Every text field of every input follows one policy:

- NUL, the other C0 control characters, DEL and the C1 controls (U+0080-U+009F) are
  refused; a multi-line field (`PARAGRAPH`) keeps tab and newline (CRLF becomes LF).
  PostgreSQL refuses NUL (a 500), openpyxl refuses most C0 (an export that fails for
  the whole tenant), and terminals run ESC sequences written into a log.
- Unpaired surrogates are refused (they cannot be stored as UTF-8).
- Text is normalised to NFC, so that "e" + U+0301 is stored as "é" and compares,
  sorts and matches as the same name however it was typed.
- A `NAME` also refuses the bidirectional embeddings, overrides and isolates
  (U+202A-U+202E, U+2066-U+2069), which make a name display as another.
- `VERBATIM` (passwords) is left exactly as given.

A refusal is `InvalidInput` naming the field, answered 400.

**Where it is applied: one place for each way in.**

- msgspec input structs (JSON bodies, the pages that turn forms into the API's
  structs, anything else that builds one): every input struct derives from `Input`,
  whose `__post_init__` msgspec runs on every decode, convert and construction. It
  calls `check_struct`, which applies the policy to each field by the kind its type
  declares (`Annotated[str, text.kind(NAME, max_length=...)]`; the aliases `Name`,
  `Line`, `Paragraph`), a plain `str` being a `LINE`; strings inside lists, dicts and
  `Any` (JSON details) are walked too, as `PARAGRAPH`. tests/tenants/test_text.py
  asserts that every route's body is an `Input`.
- Form submissions: registry/web/forms.py `clean_form`, through which every page
  reads its form (as multi-line text; a page's struct or `Form.name` says more).
- The CLI's text options: the click type `Text` in registry/cli.py.
- Services given text directly: tenants/validation.py `check_text` / `check_name`
  (tenant names, token labels, partner and request fields), which call `clean`.

Why a struct hook rather than a Litestar one: the pages build the API's structs from
forms with `msgspec.convert`, and services and the CLI construct them too; only the
struct itself is on every one of those paths, and Litestar offers no hook between
decoding a body and calling the handler.

**Out.** `printable` replaces what a spreadsheet refuses in legacy stored values
(registry/spreadsheet.py writes every register through it); `escape` writes control
characters as escapes, and `EscapeControls` (installed on every log handler by
`escape_logs`, called where the app configures logging) does so for log lines.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Final

import msgspec
from msgspec import inspect as mi

from tenants.errors import InvalidInput

LINE: Final = "line"
NAME: Final = "name"
PARAGRAPH: Final = "paragraph"
VERBATIM: Final = "verbatim"
KINDS = (LINE, NAME, PARAGRAPH, VERBATIM)

#: Characters every kind refuses: C0 but tab, LF and CR (handled per kind), DEL, C1,
#: and unpaired surrogates.
_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
#: What makes one line two (or a column jump) in a one-line field.
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
#: Anything that is not printable ASCII: text without it needs no further look.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e]")


def kind(text_kind: str, **constraints: Any) -> msgspec.Meta:
    """The msgspec `Meta` of a text field of this kind, with its other constraints
    (`min_length`, `max_length`, `pattern`, ...): `Annotated[str, kind(NAME, ...)]`."""
    if text_kind not in KINDS:
        raise ValueError(f"unknown text kind {text_kind!r}")
    return msgspec.Meta(**constraints, extra={"text": text_kind})


Line = Annotated[str, kind(LINE)]
Name = Annotated[str, kind(NAME)]
Paragraph = Annotated[str, kind(PARAGRAPH)]
Verbatim = Annotated[str, kind(VERBATIM)]


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def clean(value: str, field: str, text_kind: str = LINE) -> str:
    """`value` under the policy for `text_kind`: NFC, or InvalidInput naming `field`."""
    if text_kind == VERBATIM or not _NOT_PLAIN.search(value):
        return value
    if text_kind == PARAGRAPH:
        value = value.replace("\r\n", "\n")
    refused = _REFUSED.search(value)
    if refused:
        char = refused.group()
        what = "an unpaired surrogate" if "\ud800" <= char <= "\udfff" else "the control character"
        raise InvalidInput(field, f"must not contain {what} {_describe(char)}")
    if text_kind == PARAGRAPH:
        if "\r" in value:
            raise InvalidInput(field, "must not contain a carriage return on its own (U+000D)")
    else:
        found = _LINE_BREAKS.search(value)
        if found:
            raise InvalidInput(
                field, f"must be one line, without tabs or line breaks ({_describe(found.group())})"
            )
    value = unicodedata.normalize("NFC", value)
    if text_kind == NAME:
        bidi = _BIDI.search(value)
        if bidi:
            raise InvalidInput(
                field,
                f"must not contain the bidirectional control {_describe(bidi.group())}",
            )
    return value


# -- structs -------------------------------------------------------------------------

#: A walker takes a field's value and its name (for errors) and answers the value
#: under the policy (the same object when nothing changed).
Walker = Callable[[Any, str], Any]


def _same(value: Any, field: str) -> Any:
    return value


def clean_json(value: Any, field: str) -> Any:
    """Untyped JSON (details, settings, answers) under the policy: strings as
    paragraphs, keys as lines, the path to a refused string named."""
    if isinstance(value, str):
        return clean(value, field, PARAGRAPH)
    if isinstance(value, list):
        for index, item in enumerate(value):
            value[index] = clean_json(item, f"{field}[{index}]")
        return value
    if isinstance(value, dict):
        return {
            clean(key, field, LINE) if isinstance(key, str) else key: clean_json(
                item, f"{field}.{key}"
            )
            for key, item in value.items()
        }
    if isinstance(value, msgspec.Struct):
        return _struct(value, field)
    return value


def _struct(value: msgspec.Struct, field: str) -> msgspec.Struct:
    """A nested struct: an `Input` checked itself when it was built; any other is
    walked here."""
    if not isinstance(value, Input):
        check_struct(value, field)
    return value


def _text(text_kind: str) -> Walker:
    def walk(value: Any, field: str) -> Any:
        return clean(value, field, text_kind) if isinstance(value, str) else value

    return walk


def _walker(info: mi.Type, text_kind: str = LINE) -> Walker:
    """How to apply the policy to a value of the declared type `info`."""
    if isinstance(info, mi.Metadata):
        declared = (info.extra or {}).get("text", text_kind)
        return _walker(info.type, declared)
    if isinstance(info, mi.StrType):
        return _text(text_kind)
    if isinstance(info, mi.AnyType):
        return clean_json
    if isinstance(info, mi.StructType):
        return lambda value, field: (
            _struct(value, field) if isinstance(value, msgspec.Struct) else value
        )
    if isinstance(info, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
        item = _walker(info.item_type, text_kind)
        if item is _same:
            return _same
        return _sequence(item)
    if isinstance(info, mi.TupleType):
        items = [_walker(t, text_kind) for t in info.item_types]
        if all(w is _same for w in items):
            return _same
        return lambda value, field: tuple(
            w(v, f"{field}[{i}]") for i, (w, v) in enumerate(zip(items, value, strict=False))
        )
    if isinstance(info, mi.DictType):
        return _mapping(_walker(info.key_type, LINE), _walker(info.value_type, text_kind))
    if isinstance(info, mi.UnionType):
        members = [(_runtime_types(t), _walker(t, text_kind)) for t in info.types]
        members = [(types, w) for types, w in members if w is not _same]
        if not members:
            return _same

        def walk_union(value: Any, field: str) -> Any:
            for types, w in members:
                if isinstance(value, types):
                    return w(value, field)
            return value

        return walk_union
    return _same


def _runtime_types(info: mi.Type) -> tuple[type, ...]:
    while isinstance(info, mi.Metadata):
        info = info.type
    if isinstance(info, mi.StrType):
        return (str,)
    if isinstance(
        info, mi.ListType | mi.VarTupleType | mi.TupleType | mi.SetType | mi.FrozenSetType
    ):
        return (list, tuple, set, frozenset)
    if isinstance(info, mi.DictType):
        return (dict,)
    if isinstance(info, mi.StructType):
        return (msgspec.Struct,)
    if isinstance(info, mi.AnyType):
        return (object,)
    return ()


def _sequence(item: Walker) -> Walker:
    def walk(value: Any, field: str) -> Any:
        if isinstance(value, list):
            for index, element in enumerate(value):
                value[index] = item(element, f"{field}[{index}]")
            return value
        if isinstance(value, set | frozenset | tuple):
            return type(value)(item(e, f"{field}[{i}]") for i, e in enumerate(value))
        return value

    return walk


def _mapping(key: Walker, item: Walker) -> Walker:
    if key is _same and item is _same:
        return _same

    def walk(value: Any, field: str) -> Any:
        if not isinstance(value, dict):
            return value
        return {key(k, field): item(v, f"{field}.{k}") for k, v in value.items()}

    return walk


@functools.cache
def _fields(cls: type[msgspec.Struct]) -> tuple[tuple[str, str, Walker], ...]:
    """(attribute, name in JSON, walker) for each field of `cls` holding text."""
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    fields = []
    for field in info.fields:
        walker = _walker(field.type)
        if walker is not _same:
            fields.append((field.name, field.encode_name, walker))
    return tuple(fields)


def check_struct(value: msgspec.Struct, path: str = "") -> None:
    """Apply the policy to each text field of `value`, in place (NFC), or raise
    InvalidInput naming the field (after `path`, where the struct sits)."""
    for attribute, name, walker in _fields(type(value)):
        current = getattr(value, attribute)
        if current is None or current is msgspec.UNSET:
            continue
        cleaned = walker(current, f"{path}.{name}" if path else name)
        if cleaned is not current:
            setattr(value, attribute, cleaned)


class Input(msgspec.Struct, forbid_unknown_fields=True):
    """The base of every input struct: unknown fields refused, and the text policy
    applied to every text field whenever one is built."""

    def __post_init__(self) -> None:
        check_struct(self)


# -- out -----------------------------------------------------------------------------

#: What a spreadsheet cell cannot hold (openpyxl refuses C0 but tab, LF and CR).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def printable(value: Any) -> Any:
    """A stored value as an export may write it: control characters a legacy value
    may hold become U+FFFD (so the reader sees something was there); anything that is
    not a string as it is."""
    if isinstance(value, str) and _UNPRINTABLE.search(value):
        return _UNPRINTABLE.sub(REPLACEMENT, value)
    return value


_ESCAPED = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_ESCAPED_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r"}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(value: str, keep_lines: bool = False) -> str:
    """`value` for a log line: control and bidirectional characters as `\\xNN` /
    `\\uNNNN`, so that nothing written by a client can start a new line, recolour a
    terminal or reorder what an operator reads. `keep_lines` keeps newlines (a
    traceback's own)."""
    pattern = _ESCAPED_KEEP_LINES if keep_lines else _ESCAPED
    return pattern.sub(_escape_char, value)


class EscapeControls(logging.Filter):
    """A handler filter: the record's message (with its arguments) and traceback
    escaped before any formatter sees them."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        escaped = escape(message)
        if escaped != message or record.args:
            record.msg, record.args = escaped, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = escape(record.exc_text, keep_lines=True)
        if record.stack_info:
            record.stack_info = escape(record.stack_info, keep_lines=True)
        return True


def escape_logs(*logger_names: str) -> None:
    """Install `EscapeControls` on every handler of the root logger and of the named
    loggers (uvicorn's have their own handlers)."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logger_names)]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, EscapeControls) for f in handler.filters):
                handler.addFilter(EscapeControls())
