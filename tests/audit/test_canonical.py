"""RFC 8785 canonical JSON for the value types audit events use."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.audit.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalError,
    _exact_canonical,
    canonical_bytes,
    loads_canonical,
)


def test_rfc8785_sorting_example_orders_keys_by_utf16_code_units():
    # RFC 8785 section 3.2.3: an astral key (surrogate pair D83D DE00) sorts before
    # U+FB33, although its code point is larger.
    source = (
        '{"\\u20ac":"Euro Sign","\\r":"Carriage Return",'
        '"\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",'
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control",'
        '"\\u00f6":"Latin Small Letter O With Diaeresis"}'
    )
    values = list(json.loads(canonical_bytes(json.loads(source))).values())
    assert values == [
        "Carriage Return",
        "One",
        "Control",
        "Latin Small Letter O With Diaeresis",
        "Euro Sign",
        "Emoji: Grinning Face",
        "Hebrew Letter Dalet With Dagesh",
    ]


def test_rfc8785_string_and_literal_example():
    # RFC 8785 section 3.2.4 example, without its non-integral numbers.
    source = (
        '{"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",'
        ' "literals": [null, true, false]}'
    )
    expected = '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
    assert canonical_bytes(json.loads(source)) == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, b"{}"),
        ([], b"[]"),
        ({"b": 1, "a": [True, None, "x"]}, b'{"a":[true,null,"x"],"b":1}'),
        ("\x00\x1f\x7f\u0080\u2028", '"\\u0000\\u001f\x7f\u0080\u2028"'.encode()),
        ("\b\f\n\r\t", b'"\\b\\f\\n\\r\\t"'),
        (-0.0, b"0"),
        (3.0, b"3"),
        (MAX_SAFE_INTEGER, b"9007199254740991"),
        (-MAX_SAFE_INTEGER, b"-9007199254740991"),
        (("a", 1), b'["a",1]'),
        (
            {"nested": {"z": {}, "\U0001f600": 1, "\ufb33": 2}},
            '{"nested":{"z":{},"\U0001f600":1,"\ufb33":2}}'.encode(),
        ),
    ],
)
def test_encodes_values(value, expected):
    assert canonical_bytes(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        1.5,
        float("nan"),
        float("inf"),
        MAX_SAFE_INTEGER + 1,
        -(MAX_SAFE_INTEGER + 1),
        "\ud800",
        {"\udc00": 1},
        {1: "int key"},
        {"set": {1, 2}},
        b"bytes",
    ],
)
def test_rejects_values_without_a_canonical_form(value):
    with pytest.raises(CanonicalError):
        canonical_bytes(value)


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1}',  # whitespace
        b'{"b":1,"a":2}',  # key order
        b'{"a":1,"a":1}',  # duplicate key
        b'{"a":1.0}',  # float spelling
        b'{"a":"\\u0041"}',  # needless escape
        b'{"a":NaN}',
        b'{"a":1',  # not JSON
        b'{"a":"\xff"}',  # not UTF-8
        b'{"a":12345678901234567890}',  # unsafe integer
    ],
)
def test_loads_canonical_rejects_non_canonical_bytes(data):
    with pytest.raises(CanonicalError):
        loads_canonical(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_round_trip_is_stable(value):
    data = canonical_bytes(value)
    assert loads_canonical(data) == value
    assert canonical_bytes(json.loads(data)) == data


@given(st.dictionaries(st.text(max_size=3), st.integers(0, 9), max_size=6))
def test_fast_and_exact_paths_agree(value):
    # Adding an integral float forces the exact encoder; it must print the same.
    with_float = {**value, "\x00float": 1.0}
    with_int = {**value, "\x00float": 1}
    assert canonical_bytes(with_float) == canonical_bytes(with_int)
    order = [key.encode("utf-16-be") for key in json.loads(canonical_bytes(with_int))]
    assert order == sorted(order)


@given(json_values)
def test_fast_path_agrees_with_the_exact_encoder(value):
    # canonical_bytes takes msgspec's fast path when it can; the exact encoder is the
    # reference implementation of the rules in the module docstring.
    assert canonical_bytes(value) == _exact_canonical(value)


@given(st.text(), st.text())
def test_strings_and_keys_of_any_unicode(key, text):
    value = {key: text, "n": 1}
    assert canonical_bytes(value) == _exact_canonical(value)
    assert loads_canonical(canonical_bytes(value)) == value


def test_fast_path_refuses_converted_types():
    # msgspec alone would quietly write these as arrays, base64 or null.
    for value in [{"a": {1, 2}}, {"a": b"x"}, {"a": float("nan")}, {"a": 2**60}]:
        with pytest.raises(CanonicalError):
            canonical_bytes(value)
