"""Find the line a key is written on, in a TOML or JSON policy document.

tomllib and json give values, not positions, so a loader that wants to say "line 34"
scans the text itself. Paths are tuples of keys and array indices:
("rules", 2, "min_years") is `rules[2].min_years`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Path = tuple[str | int, ...]

_PATH_TOKEN = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\[\.\.\.\]")


def render_path(path: Sequence[str | int]) -> str:
    """("rules", 2, "min_years") -> "rules[2].min_years"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def parse_path(text: str) -> Path:
    """msgspec's "$.rules[2].min_years" (or "rules[2].min_years") as a path tuple."""
    text = text.strip().removeprefix("$")
    if text and not text.startswith((".", "[")):
        text = "." + text
    parts: list[str | int] = []
    for match in _PATH_TOKEN.finditer(text):
        if match.group(1) is not None:
            parts.append(match.group(1))
        elif match.group(2) is not None:
            parts.append(int(match.group(2)))
    return tuple(parts)


def line_of(lines: dict[Path, int], path: Sequence[str | int]) -> int | None:
    """The line of `path`, or of its nearest written ancestor; None when none is written."""
    probe = tuple(path)
    while probe:
        if probe in lines:
            return lines[probe]
        probe = probe[:-1]
    return None


# --- TOML -----------------------------------------------------------------------------

_BARE_KEY = r"[A-Za-z0-9_-]+"
_QUOTED_KEY = r'"(?:[^"\\]|\\.)*"|\'[^\']*\''
_KEY = rf"(?:{_BARE_KEY}|{_QUOTED_KEY})"
_DOTTED_KEY = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED_KEY})\s*\]\]?\s*(#.*)?$")
_ASSIGNMENT = re.compile(rf"^\s*({_DOTTED_KEY})\s*=\s*(.*)$")
_INLINE_KEY = re.compile(rf"(?:^|[{{,])\s*({_DOTTED_KEY})\s*=")


def _key_parts(dotted: str) -> list[str]:
    parts = re.findall(_KEY, dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _strip_strings(text: str) -> str:
    """The text with string contents blanked, so brackets in strings don't count."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', '""', text)


def _code_part(text: str) -> str:
    blank = _strip_strings(text)
    return blank.split("#", 1)[0]


def toml_key_lines(text: str) -> dict[Path, int]:
    """Line (1-based) of every table header, key and multi-line array element."""
    lines: dict[Path, int] = {}
    array_tables: dict[Path, int] = {}
    current: Path = ()
    source = text.splitlines()
    number = 0
    while number < len(source):
        raw = source[number]
        number += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _HEADER.match(raw)
        if header:
            parts = _key_parts(header.group(2))
            resolved: Path = ()
            for part in parts[:-1]:
                resolved = (*resolved, part)
                if resolved in array_tables:
                    resolved = (*resolved, array_tables[resolved])
            resolved = (*resolved, parts[-1])
            if header.group(1) == "[[":
                index = array_tables.get(resolved, -1) + 1
                array_tables[resolved] = index
                lines.setdefault(resolved, number)
                resolved = (*resolved, index)
            lines[resolved] = number
            current = resolved
            continue
        assignment = _ASSIGNMENT.match(raw)
        if not assignment:
            continue
        key_path: Path = (*current, *_key_parts(assignment.group(1)))
        lines[key_path] = number
        value = assignment.group(2)
        if value.lstrip().startswith(('"""', "'''")):
            quote = value.lstrip()[:3]
            if value.count(quote) < 2:
                while number < len(source) and quote not in source[number]:
                    number += 1
                number += 1
            continue
        code = _code_part(value)
        if code.lstrip().startswith("{"):
            for inline in _INLINE_KEY.finditer(code):
                lines[(*key_path, *_key_parts(inline.group(1)))] = number
        depth = code.count("[") - code.count("]")
        element = 0
        if depth > 0 and code.strip().rstrip(",") != "[":
            element = code.count(",") + (0 if code.rstrip().endswith(",") else 1)
        while depth > 0 and number < len(source):
            raw = source[number]
            number += 1
            code = _code_part(raw)
            if code.strip() and not code.strip().startswith("]"):
                lines[(*key_path, element)] = number
                element += 1
            depth += code.count("[") - code.count("]")
    return lines


# --- JSON -----------------------------------------------------------------------------


def json_key_lines(text: str) -> dict[Path, int]:
    """Line (1-based) of every object key and array element in a JSON document."""
    lines: dict[Path, int] = {}
    scanner = _JsonScanner(text, lines)
    scanner.value(())
    return lines


class _JsonScanner:
    def __init__(self, text: str, lines: dict[Path, int]) -> None:
        self.text = text
        self.pos = 0
        self.lines = lines

    def line(self) -> int:
        return self.text.count("\n", 0, self.pos) + 1

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def value(self, path: Path) -> None:
        self.skip_space()
        if self.pos >= len(self.text):
            return
        char = self.text[self.pos]
        if char == "{":
            self.object(path)
        elif char == "[":
            self.array(path)
        elif char == '"':
            self.string()
        else:
            while self.pos < len(self.text) and self.text[self.pos] not in ",]} \t\r\n":
                self.pos += 1

    def string(self) -> str:
        start = self.pos + 1
        self.pos += 1
        while self.pos < len(self.text) and self.text[self.pos] != '"':
            self.pos += 2 if self.text[self.pos] == "\\" else 1
        self.pos += 1
        return self.text[start : self.pos - 1]

    def object(self, path: Path) -> None:
        self.pos += 1
        while True:
            self.skip_space()
            if self.pos >= len(self.text) or self.text[self.pos] == "}":
                self.pos += 1
                return
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            line = self.line()
            key = self.string()
            self.lines[(*path, key)] = line
            self.skip_space()
            self.pos += 1  # the colon
            self.value((*path, key))

    def array(self, path: Path) -> None:
        self.pos += 1
        index = 0
        while True:
            self.skip_space()
            if self.pos >= len(self.text) or self.text[self.pos] == "]":
                self.pos += 1
                return
            if self.text[self.pos] == ",":
                self.pos += 1
                continue
            self.lines[(*path, index)] = self.line()
            self.value((*path, index))
            index += 1
