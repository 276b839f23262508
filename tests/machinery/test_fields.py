"""Field selectors: cases ported from upstream `pkg/fields/selector_test.go`; error texts follow
upstream's `parseSelector` and `UnescapeValue`."""

from __future__ import annotations

import pytest

from kapi.machinery import fields
from kapi.machinery.fields import FieldSelector, SelectorParseError, Term, escape_value, parse
from kapi.machinery.labels import SelectorParseError as LabelSelectorParseError


@pytest.mark.parametrize(
    ("selector", "terms"),
    [
        ("a", ["a"]),
        ("a=avalue", ["a=avalue"]),
        ("a=avalue,b=bvalue", ["a=avalue", "b=bvalue"]),
        ("a=avalue,b==bvalue,c!=cvalue", ["a=avalue", "b==bvalue", "c!=cvalue"]),
        ("", []),
        ("a=a,", ["a=a", ""]),
        (",a=a", ["", "a=a"]),
        (r"k=\,,k2=v2", [r"k=\,", "k2=v2"]),  # escaped comma in value
        (r"k=\\,k2=v2", [r"k=\\", "k2=v2"]),  # escaped backslash, unescaped comma
        (r"k=\\\,,k2=v2", [r"k=\\\,", "k2=v2"]),  # escaped backslash and comma
        ("k=\\a\\b\\", ["k=\\a\\b\\"]),  # non-escape sequences
        ("k=\\", ["k=\\"]),  # orphan backslash
        ("함=수,목=록", ["함=수", "목=록"]),  # multi-byte
    ],
)
def test_split_terms(selector: str, terms: list[str]) -> None:
    """TestSplitTerms."""
    assert fields._split_terms(selector) == terms


@pytest.mark.parametrize(
    ("term", "want"),
    [
        ("a=value", ("a", "=", "value")),
        ("b==value", ("b", "==", "value")),
        ("c!=value", ("c", "!=", "value")),
        ("", None),
        ("a", None),
        (r"k=\,", ("k", "=", r"\,")),
        (r"k=\=", ("k", "=", r"\=")),
        ("k=\\\\\\a\\b\\=\\,\\", ("k", "=", "\\\\\\a\\b\\=\\,\\")),
        ("함=수", ("함", "=", "수")),
    ],
)
def test_split_term(term: str, want: tuple[str, str, str] | None) -> None:
    """TestSplitTerm."""
    assert fields._split_term(term) == want


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("", ""),
        ("a", "a"),
        ("=", r"\="),
        (",", r"\,"),
        ("\\", "\\\\"),
        ("\\=\\,\\", "\\\\\\=\\\\\\,\\\\"),
    ],
)
def test_escape_value(raw: str, escaped: str) -> None:
    """TestEscapeValue: escaping and unescaping round-trip."""
    assert escape_value(raw) == escaped
    assert fields.unescape_value(escaped) == raw


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("\\", "invalid field selector: invalid escape sequence: \\"),  # orphan slash
        ("\\\\\\", "invalid field selector: invalid escape sequence: \\"),
        ("\\a", "invalid field selector: invalid escape sequence: \\a"),  # unknown escape
        ("a=b", "invalid field selector: unescaped character in value: 61"),
        ("a,b", "invalid field selector: unescaped character in value: 44"),
    ],
)
def test_unescape_value_errors(value: str, message: str) -> None:
    """TestEscapeValue (invalid sequences): InvalidEscapeSequence and UnescapedRune texts; Go
    prints the rune with %v, i.e. as its code point number."""
    with pytest.raises(SelectorParseError) as info:
        fields.unescape_value(value)
    assert str(info.value) == message


@pytest.mark.parametrize("text", ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"])
def test_selector_parse_good(text: str) -> None:
    """TestSelectorParse (good strings): they print back unchanged."""
    assert str(parse(text)) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x=a||y=b", "invalid field selector: unescaped character in value: 61"),
        ("x==a==b", "invalid field selector: unescaped character in value: 61"),
        ("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
        ("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"),
        ("x in (a,b,c)", "invalid selector: 'x in (a,b,c)'; can't understand 'b'"),
        ("x", "invalid selector: 'x'; can't understand 'x'"),
    ],
)
def test_selector_parse_bad(text: str, message: str) -> None:
    """TestSelectorParse (bad strings), with upstream's messages (terms are tried sorted)."""
    with pytest.raises(SelectorParseError) as info:
        parse(text)
    assert str(info.value) == message


def test_parse_error_type_is_shared_with_labels() -> None:
    """One exception type for both selector kinds, a ValueError."""
    assert SelectorParseError is LabelSelectorParseError
    assert issubclass(SelectorParseError, ValueError)


def test_deterministic_parse() -> None:
    """TestDeterministicParse."""
    assert str(parse("x=a,a=x")) == str(parse("a=x,x=a")) == "a=x,x=a"


def test_everything() -> None:
    """TestEverything / TestSetIsEmpty."""
    assert parse("").empty()
    assert parse("").matches({"x": "y"})
    assert FieldSelector().empty()
    assert not parse("a=b").empty()
    assert not parse("a!=b").empty()


_FIELD_SET = {"foo": "bar", "baz": "blah", "complex": "=value\\,\\"}


@pytest.mark.parametrize(
    ("selector", "field_set", "want"),
    [
        ("", {"x": "y"}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),
        ("x=y", {"x": "z"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("foo=bar", _FIELD_SET, True),
        ("baz=blah", _FIELD_SET, True),
        ("foo=bar,baz=blah", _FIELD_SET, True),
        ("foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\", _FIELD_SET, True),
        ("foo=blah", _FIELD_SET, False),
        ("baz=bar", _FIELD_SET, False),
        ("foo=bar,foobar=bar,baz=blah", _FIELD_SET, False),
        # A missing field reads as "".
        ("missing=", {}, True),
        ("missing!=x", {}, True),
    ],
)
def test_selector_matches(selector: str, field_set: dict[str, str], want: bool) -> None:
    """TestSelectorMatches."""
    assert parse(selector).matches(field_set) is want


@pytest.mark.parametrize(
    ("selector", "field", "want"),
    [
        (FieldSelector(), "test", None),
        (FieldSelector([Term("", "")]), "test", None),
        (FieldSelector([Term("a", "b")]), "test", None),
        (FieldSelector([Term("test", "b")]), "test", "b"),
        (FieldSelector([Term("test", "")]), "test", ""),
        (FieldSelector([Term("test", "b", negated=True)]), "test", None),
        (FieldSelector([Term("test", "", negated=True)]), "test", None),
        (FieldSelector([Term("", ""), Term("test", "b")]), "test", "b"),
    ],
)
def test_requires_exact_match(selector: FieldSelector, field: str, want: str | None) -> None:
    """TestRequiresExactMatch (None stands for found=false)."""
    assert selector.requires_exact_match(field) == want


def test_requires_exact_match_from_parse() -> None:
    sel = parse("metadata.name=foo,status.phase!=Running")
    assert sel.requires_exact_match("metadata.name") == "foo"
    assert sel.requires_exact_match("status.phase") is None
    assert sel.fields() == ["metadata.name", "status.phase"]


def _identity(f: str, v: str) -> tuple[str, str]:
    return f, v


@pytest.mark.parametrize(
    ("selector", "fn", "result", "is_empty"),
    [
        ("", _identity, "", True),
        ("a=b,c=d", _identity, "a=b,c=d", False),
        ("a=b,c=d", lambda f, v: ("e", "f") if f == "a" else (f, v), "e=f,c=d", False),
        ("a=b", lambda f, v: ("", ""), "", True),
        ("a=b,c=d,e=f", lambda f, v: ("", "") if f == "c" else (f, v), "a=b,e=f", False),
    ],
)
def test_transform(selector: str, fn: fields.TransformFunc, result: str, is_empty: bool) -> None:
    """TestTransform."""
    out = parse(selector).transform(fn)
    assert str(out) == result
    assert out.empty() is is_empty


def test_term_with_empty_field_and_value_is_dropped() -> None:
    """Upstream's identity Transform turns a `=` term into Everything."""
    assert parse("=").empty()
    assert str(parse("=,a=b")) == "a=b"


def test_string_escapes_values() -> None:
    assert str(FieldSelector([Term("a", "x,y=z\\")])) == "a=x\\,y\\=z\\\\"
    assert str(parse("a!=x\\,y")) == "a!=x\\,y"
