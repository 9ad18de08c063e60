"""The text policy as plain functions: what each kind refuses and keeps, NFC, the
struct walk, exports' and logs' view of stored text, and that every JSON body of the
API goes through it."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from typing import Annotated, Any, get_args, get_origin

import msgspec
import pytest

from registry.mous.schemas import MouIn, SigningIn
from registry.spreadsheet import write_csv, write_xlsx
from tenants import text
from tenants.errors import InvalidInput
from tenants.validation import check_name, check_text

CONTROLS = ["\x00", "\x01", "\x0b", "\x1b", "\x7f", "\x85", "\x9f"]
BIDI = ["\u202a", "\u202e", "\u2066", "\u2069"]


@pytest.mark.parametrize("char", CONTROLS)
@pytest.mark.parametrize("kind", [text.LINE, text.NAME, text.PARAGRAPH])
def test_every_kind_refuses_control_characters_naming_the_field(kind, char):
    with pytest.raises(InvalidInput) as refused:
        text.clean(f"Pacific{char}Library", "title", kind)
    assert refused.value.field == "title"
    assert f"U+{ord(char):04X}" in refused.value.message


@pytest.mark.parametrize("char", ["\n", "\t", "\r", "\u2028", "\u2029"])
@pytest.mark.parametrize("kind", [text.LINE, text.NAME])
def test_one_line_kinds_refuse_tabs_and_line_breaks(kind, char):
    with pytest.raises(InvalidInput, match="one line"):
        text.clean(f"first{char}second", "name", kind)


def test_a_paragraph_keeps_newlines_and_tabs_and_turns_crlf_into_lf():
    assert text.clean("one\n\ttwo\r\nthree", "notes", text.PARAGRAPH) == "one\n\ttwo\nthree"
    with pytest.raises(InvalidInput, match="carriage return"):
        text.clean("one\rtwo", "notes", text.PARAGRAPH)


@pytest.mark.parametrize("char", BIDI)
def test_names_refuse_bidirectional_overrides_other_text_keeps_them(char):
    with pytest.raises(InvalidInput, match="bidirectional"):
        text.clean(f"Ali{char}ce", "name", text.NAME)
    assert text.clean(f"Ali{char}ce", "notes", text.PARAGRAPH) == f"Ali{char}ce"


def test_names_in_right_to_left_scripts_and_marks_are_accepted():
    for name in ["جمعية المكتبات", "ספרייה\u200f", "Ōtautahi Library", "图书馆协会"]:
        assert text.clean(name, "name", text.NAME) == name


def test_text_is_normalised_to_nfc():
    assert text.clean("Rene\u0301e", "name", text.NAME) == "Renée"
    assert check_name("  Cafe\u0301  ") == "Café"


def test_unpaired_surrogates_are_refused():
    with pytest.raises(InvalidInput, match="unpaired surrogate U\\+D800"):
        text.clean("a\ud800b", "name")


def test_verbatim_keeps_everything_as_given():
    assert text.clean("pa\u0301ss\x01", "password", text.VERBATIM) == "pa\u0301ss\x01"


def test_check_text_and_check_name_are_the_policy():
    assert check_text("notes\n\twith tabs", "notes", 100) == "notes\n\twith tabs"
    with pytest.raises(InvalidInput):
        check_text("a\x00b", "notes")
    with pytest.raises(InvalidInput):
        check_name("Evil\u202eName")
    with pytest.raises(InvalidInput, match="empty"):
        check_name("   ")


# -- the struct walk ---------------------------------------------------------------


class Nested(text.Input, kw_only=True):
    name: Annotated[str, text.kind(text.NAME, max_length=50)]


class Plain(msgspec.Struct):
    label: str


class Everything(text.Input, kw_only=True):
    title: text.Name
    code: str = ""
    notes: text.Paragraph = ""
    password: text.Verbatim = ""
    tags: list[str] = []
    optional: text.Name | None = None
    details: dict[str, Any] = {}
    nested: list[Nested] = []
    plain: Plain | None = None


def test_a_plain_str_field_is_one_line():
    with pytest.raises(InvalidInput) as refused:
        msgspec.convert({"title": "ok", "code": "a\nb"}, Everything)
    assert refused.value.field == "code"


def test_the_walk_reaches_lists_optional_dicts_and_nested_structs():
    cases = [
        ({"tags": ["ok", "b\x1bad"]}, "tags[1]"),
        ({"optional": "x\u202e"}, "optional"),
        ({"details": {"answers": [{"q1": "a\x00"}]}}, "details.answers[0].q1"),
        ({"details": {"k\x01": "v"}}, "details"),
        ({"nested": [{"name": "y\x85"}]}, "name"),
        ({"plain": {"label": "z\x0b"}}, "plain.label"),
    ]
    for body, field in cases:
        with pytest.raises(InvalidInput) as refused:
            msgspec.convert({"title": "ok", **body}, Everything)
        assert refused.value.field == field, body


def test_the_walk_normalises_in_place_and_keeps_paragraphs_and_verbatim():
    decoded = msgspec.json.decode(
        msgspec.json.encode(
            {
                "title": "Cafe\u0301",
                "notes": "line one\r\n\tline two",
                "password": "e\u0301",
                "tags": ["re\u0301sume\u0301"],
                "details": {"text": "multi\nline e\u0301"},
            }
        ),
        type=Everything,
    )
    assert decoded.title == "Café"
    assert decoded.notes == "line one\n\tline two"
    assert decoded.password == "e\u0301"
    assert decoded.tags == ["résumé"]
    assert decoded.details == {"text": "multi\nline é"}


def test_structs_built_directly_are_checked_too():
    with pytest.raises(InvalidInput) as refused:
        MouIn(title="Draft\x00", parties=[])
    assert refused.value.field == "title"
    with pytest.raises(InvalidInput) as refused:
        msgspec.convert(
            {
                "signatories": [{"name": "Chief\u202eExecutive", "signed_on": "2027-01-01"}],
                "document_sha256": "0" * 64,
            },
            SigningIn,
        )
    assert refused.value.field == "name"


def _structs_in(annotation: Any, seen: set[type]) -> None:
    """Every msgspec struct type reachable from a handler's body annotation."""
    if isinstance(annotation, type) and issubclass(annotation, msgspec.Struct):
        if annotation in seen:
            return
        seen.add(annotation)
        for field in msgspec.structs.fields(annotation):
            _structs_in(field.type, seen)
        return
    if get_origin(annotation) is not None or get_args(annotation):
        for arg in get_args(annotation):
            _structs_in(arg, seen)


def test_every_json_body_of_the_api_is_an_input_under_the_policy():
    from registry.app import create_app

    app = create_app()
    bodies: set[type] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                _structs_in(data.annotation, bodies)
    assert len(bodies) > 30
    outside = sorted(t.__qualname__ for t in bodies if not issubclass(t, text.Input))
    assert outside == []


# -- out ---------------------------------------------------------------------------


def test_exports_replace_control_characters_of_legacy_values():
    rows = [["Legacy\x00title\x1b[31m", "tab\tand\nnewline", 3]]
    content = write_xlsx(["title", "notes", "n"], rows, sheet_name="Test", title="Of\x0bfice")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A1"].value == "Of\ufffdfice"
    assert sheet["A3"].value == "Legacy\ufffdtitle\ufffd[31m"
    assert sheet["B3"].value == "tab\tand\nnewline"
    csv_text = write_csv(["title"], [["a\x00b\x85"]]).decode("utf-8-sig")
    assert "a\ufffdb\ufffd" in csv_text and "\x00" not in csv_text


def test_escape_writes_control_and_bidirectional_characters_as_escapes():
    assert text.escape("a\x1b[31mb\nc\u202ed\te") == "a\\x1b[31mb\\nc\\u202ed\te"
    assert text.escape("line\nline\x00", keep_lines=True) == "line\nline\\x00"


def test_a_log_line_with_esc_is_escaped():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("accord.test-text")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        text.escape_logs("accord.test-text")
        logger.warning("member %s added", "\x1b[2J\x1b[31mEvil\nINFO forged line")
        try:
            raise ValueError("bad \x1b[31m value")
        except ValueError:
            logger.exception("failed for %s", "x\x07")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "\x1b" not in written and "\x07" not in written
    lines = written.splitlines()
    assert lines[0] == "WARNING member \\x1b[2J\\x1b[31mEvil\\nINFO forged line added"
    assert lines[1] == "ERROR failed for x\\x07"
    assert "ValueError: bad \\x1b[31m value" in written


def test_the_app_logs_escape_control_characters():
    """The logging the app configures (a fresh process, as `accord serve` starts it)."""
    script = (
        "import logging\n"
        "from registry.app import create_app\n"
        "create_app()\n"
        "logging.getLogger('accord.http').warning('name %s', '\\x1b[31mRed\\nforged')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "\x1b" not in done.stderr
    assert "name \\x1b[31mRed\\nforged" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["users", "add", "a@example.org", "--tenant", "alia", "--role", "member", "--name"],
        ["tokens", "create", "a@example.org", "--tenant", "alia", "--label"],
        ["tenants", "create", "newtenant", "--country", "AU", "--name"],
    ],
)
def test_the_cli_refuses_control_characters_in_text_options(args):
    from click.testing import CliRunner

    from registry.cli import main

    result = CliRunner().invoke(main, [*args, "Evil\x1b[31mName"])
    assert result.exit_code == 2
    assert "must not contain the control character U+001B" in result.output


def _undeclared_long_text(info: Any, where: str, declared: bool = False) -> list[str]:
    """Text fields that take the default kind (one line) although they are bounded
    above 500 characters (or not at all): prose that should say it is a paragraph."""
    from msgspec import inspect as mi

    if isinstance(info, mi.Metadata):
        return _undeclared_long_text(info.type, where, declared or "text" in (info.extra or {}))
    if isinstance(info, mi.StrType):
        long = info.max_length is None or info.max_length > 500
        return [where] if long and not declared and info.pattern is None else []
    if isinstance(info, mi.UnionType):
        return [w for t in info.types for w in _undeclared_long_text(t, where, declared)]
    return []


def test_long_text_fields_declare_their_kind():
    """A plain `str` is one line; a field long enough for prose must say what it is
    (`text.kind(text.PARAGRAPH, ...)`), or newlines in it would be refused."""
    from msgspec import inspect as mi

    from registry.app import create_app

    app = create_app()
    bodies: set[type] = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is not None:
                _structs_in(data.annotation, bodies)
    undeclared = []
    for body in bodies:
        info = mi.type_info(body)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            undeclared += _undeclared_long_text(field.type, f"{body.__qualname__}.{field.name}")
    assert sorted(undeclared) == []
