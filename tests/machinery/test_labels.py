"""Label selectors: cases ported from upstream `pkg/labels/selector_test.go` and
`pkg/apis/meta/v1/helpers_test.go`; error texts follow upstream's parser and `NewRequirement`."""

from __future__ import annotations

import pytest

from kapi.machinery import labels
from kapi.machinery.labels import (
    LabelSelector,
    Operator,
    Requirement,
    SelectorParseError,
    from_label_selector_dict,
    new_requirement,
    parse,
    selector_from_set,
)

_LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
_NAME_PART_ERR = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


@pytest.mark.parametrize(
    "text",
    ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"],
)
def test_selector_parse_good(text: str) -> None:
    """TestSelectorParse (good strings): they parse and print back without blanks."""
    assert str(parse(text)) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_selector_parse_bad(text: str) -> None:
    """TestSelectorParse (bad strings)."""
    with pytest.raises(SelectorParseError):
        parse(text)


def test_deterministic_parse() -> None:
    """TestDeterministicParse."""
    assert str(parse("x=a,a=x")) == str(parse("a=x,x=a")) == "a=x,x=a"


def test_everything() -> None:
    """TestEverything / TestSetIsEmpty: the empty selector matches everything and is empty."""
    sel = parse("")
    assert sel.empty()
    assert sel.matches({"x": "y"})
    assert LabelSelector.everything().empty()
    assert parse("   ").empty()


@pytest.mark.parametrize(
    ("selector", "label_set", "want"),
    [
        ("", {"x": "y"}, True),
        ("x=y", {"x": "y"}, True),
        ("x=y,z=w", {"x": "y", "z": "w"}, True),
        ("x!=y,z!=w", {"x": "z", "z": "a"}, True),
        ("notin=in", {"notin": "in"}, True),  # in and notin as key and value
        ("x", {"x": "z"}, True),
        ("!x", {"y": "z"}, True),
        ("x>1", {"x": "2"}, True),
        ("x<1", {"x": "0"}, True),
        ("x=z", {}, False),
        ("x=y", {"x": "z"}, False),
        ("x=y,z=w", {"x": "w", "z": "w"}, False),
        ("x!=y,z!=w", {"x": "z", "z": "w"}, False),
        ("x", {"y": "z"}, False),
        ("!x", {"x": "z"}, False),
        ("x>1", {"x": "0"}, False),
        ("x<1", {"x": "2"}, False),
        ("foo=bar", {"foo": "bar", "baz": "blah"}, True),
        ("baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=bar,baz=blah", {"foo": "bar", "baz": "blah"}, True),
        ("foo=blah", {"foo": "bar", "baz": "blah"}, False),
        ("baz=bar", {"foo": "bar", "baz": "blah"}, False),
        ("foo=bar,foobar=bar,baz=blah", {"foo": "bar", "baz": "blah"}, False),
    ],
)
def test_selector_matches(selector: str, label_set: dict[str, str], want: bool) -> None:
    """TestSelectorMatches."""
    assert parse(selector).matches(label_set) is want


@pytest.mark.parametrize(
    "selector", [{}, {"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}]
)
def test_set_matches(selector: dict[str, str]) -> None:
    """TestSetMatches: a selector built from a set matches a superset of it."""
    assert selector_from_set(selector).matches({"foo": "bar", "baz": "blah"})


def test_not_equals_and_notin_match_missing_key() -> None:
    """Requirement.Matches: `!=` and `notin` match objects that lack the key."""
    assert parse("x!=a").matches({})
    assert parse("x notin (a,b)").matches({"y": "a"})
    assert not parse("x in (a,b)").matches({})


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("", ["EOS"]),
        (",", ["COMMA"]),
        ("notin", ["NOT_IN"]),
        ("in", ["IN"]),
        ("=", ["EQUALS"]),
        ("==", ["DOUBLE_EQUALS"]),
        (">", ["GREATER_THAN"]),
        ("<", ["LESS_THAN"]),
        ("!", ["DOES_NOT_EXIST"]),  # Lex returns the longest valid token
        ("!=", ["NOT_EQUALS"]),
        ("(", ["OPEN_PAR"]),
        (")", ["CLOSE_PAR"]),
        ("~", ["IDENTIFIER"]),  # non-special characters are part of an identifier
        ("||", ["IDENTIFIER"]),
    ],
)
def test_lexer(text: str, tokens: list[str]) -> None:
    """TestLexer: the first token of each string, and its literal."""
    tok, lit = labels._lex(text)[0]
    assert tok.name == tokens[0]
    assert lit == text


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("key in ( value )", "IDENTIFIER IN OPEN_PAR IDENTIFIER CLOSE_PAR"),
        ("key notin ( value )", "IDENTIFIER NOT_IN OPEN_PAR IDENTIFIER CLOSE_PAR"),
        (
            "key in ( value1, value2 )",
            "IDENTIFIER IN OPEN_PAR IDENTIFIER COMMA IDENTIFIER CLOSE_PAR",
        ),
        ("key", "IDENTIFIER"),
        ("!key", "DOES_NOT_EXIST IDENTIFIER"),
        ("()", "OPEN_PAR CLOSE_PAR"),
        ("x in (),y", "IDENTIFIER IN OPEN_PAR CLOSE_PAR COMMA IDENTIFIER"),
        (
            "== != (), = notin",
            "DOUBLE_EQUALS NOT_EQUALS OPEN_PAR CLOSE_PAR COMMA EQUALS NOT_IN",
        ),
        ("key>2", "IDENTIFIER GREATER_THAN IDENTIFIER"),
        ("key<1", "IDENTIFIER LESS_THAN IDENTIFIER"),
    ],
)
def test_lexer_sequence(text: str, tokens: str) -> None:
    """TestLexerSequence / TestParserLookahead: the token stream ends with one EOS."""
    got = [tok.name for tok, _ in labels._lex(text)]
    assert got == [*tokens.split(), "EOS"]


@pytest.mark.parametrize(
    ("key", "op", "values", "ok"),
    [
        ("x", Operator.IN, None, False),
        ("x", Operator.NOT_IN, [], False),
        ("x", Operator.IN, ["foo"], True),
        ("x", Operator.NOT_IN, ["foo"], True),
        ("x", Operator.EXISTS, None, True),
        ("x", Operator.DOES_NOT_EXIST, None, True),
        ("1foo", Operator.IN, ["bar"], True),
        ("1234", Operator.IN, ["bar"], True),
        ("y", Operator.GREATER_THAN, ["1"], True),
        ("z", Operator.LESS_THAN, ["6"], True),
        ("foo", Operator.GREATER_THAN, ["bar"], False),
        ("barz", Operator.LESS_THAN, ["blah"], False),
        ("a" * 254, Operator.EXISTS, None, False),  # longer than a DNS subdomain
    ],
)
def test_requirement_constructor(
    key: str, op: Operator, values: list[str] | None, ok: bool
) -> None:
    """TestRequirementConstructor."""
    if ok:
        assert new_requirement(key, op, values).key == key
    else:
        with pytest.raises(SelectorParseError):
            new_requirement(key, op, values)


@pytest.mark.parametrize(
    ("key", "op", "values", "message"),
    [
        (
            "x",
            Operator.IN,
            None,
            "values: Invalid value: []string(nil): "
            "for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            "x",
            Operator.IN,
            [],
            "values: Invalid value: []string{}: "
            "for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            "x",
            Operator.EQUALS,
            ["a", "b"],
            'values: Invalid value: []string{"a", "b"}: '
            "exact-match compatibility requires one single value",
        ),
        (
            "x",
            Operator.EXISTS,
            ["a"],
            'values: Invalid value: []string{"a"}: '
            "values set must be empty for exists and does not exist",
        ),
        (
            "x",
            Operator.GREATER_THAN,
            ["1", "2"],
            'values: Invalid value: []string{"1", "2"}: '
            "for 'Gt', 'Lt' operators, exactly one value is required",
        ),
        (
            "x",
            Operator.LESS_THAN,
            ["blah"],
            "values[0]: Invalid value: \"blah\": for 'Gt', 'Lt' operators, the value must be "
            "an integer",
        ),
        (
            "x",
            "bogus",
            [],
            'operator: Unsupported value: "bogus": supported values: "in", "notin", "=", "==", '
            '"!=", "gt", "lt", "exists", "!"',
        ),
        ("x", Operator.IN, ["-a"], f'values[0][x]: Invalid value: "-a": {_LABEL_VALUE_ERR}'),
        ("-x", Operator.EXISTS, [], f'key: Invalid value: "-x": {_NAME_PART_ERR}'),
    ],
)
def test_requirement_constructor_messages(
    key: str, op: str, values: list[str] | None, message: str
) -> None:
    """NewRequirement's field errors, aggregated as upstream's `ToAggregate` does."""
    with pytest.raises(SelectorParseError) as info:
        new_requirement(key, op, values)
    assert str(info.value) == message


def test_requirement_several_errors_are_bracketed() -> None:
    """NewRequirement returns `allErrs.ToAggregate()`: several errors print as `[a, b]`."""
    with pytest.raises(SelectorParseError) as info:
        new_requirement("-x", Operator.IN, ["-a"])
    assert str(info.value) == (
        f'[key: Invalid value: "-x": {_NAME_PART_ERR}, '
        f'values[0][-x]: Invalid value: "-a": {_LABEL_VALUE_ERR}]'
    )


def _req(key: str, op: Operator, *values: str) -> Requirement:
    return new_requirement(key, op, list(values))


@pytest.mark.parametrize(
    ("reqs", "want"),
    [
        (
            [
                _req("x", Operator.IN, "abc", "def"),
                _req("y", Operator.NOT_IN, "jkl"),
                _req("z", Operator.EXISTS),
            ],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            [
                _req("x", Operator.NOT_IN, "abc", "def"),
                _req("y", Operator.NOT_EQUALS, "jkl"),
                _req("z", Operator.DOES_NOT_EXIST),
            ],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            [
                _req("x", Operator.NOT_IN, "abc"),
                _req("y", Operator.IN, "jkl", "mno"),
                _req("z", Operator.NOT_IN, ""),
            ],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            [
                _req("x", Operator.EQUALS, "abc"),
                _req("y", Operator.DOUBLE_EQUALS, "jkl"),
                _req("z", Operator.NOT_EQUALS, "a"),
                _req("z", Operator.EXISTS),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        (
            [
                _req("x", Operator.GREATER_THAN, "2"),
                _req("y", Operator.LESS_THAN, "8"),
                _req("z", Operator.EXISTS),
            ],
            "x>2,y<8,z",
        ),
        # String() sorts values without reordering the requirement's own list.
        ([_req("x", Operator.IN, "def", "abc")], "x in (abc,def)"),
    ],
)
def test_to_string(reqs: list[Requirement], want: str) -> None:
    """TestToString."""
    assert str(LabelSelector(reqs)) == want


@pytest.mark.parametrize(
    ("label_set", "reqs", "want"),
    [
        (
            {"x": "foo", "y": "baz"},
            [_req("x", Operator.IN, "foo"), _req("y", Operator.NOT_IN, "alpha")],
            True,
        ),
        (
            {"x": "foo", "y": "baz"},
            [_req("x", Operator.IN, "foo"), _req("y", Operator.IN, "alpha")],
            False,
        ),
        ({"y": ""}, [_req("x", Operator.NOT_IN, ""), _req("y", Operator.EXISTS)], True),
        ({"y": ""}, [_req("x", Operator.DOES_NOT_EXIST), _req("y", Operator.EXISTS)], True),
        ({"y": ""}, [_req("x", Operator.NOT_IN, ""), _req("y", Operator.DOES_NOT_EXIST)], False),
        ({"y": "baz"}, [_req("x", Operator.IN, "")], False),
        ({"z": "2"}, [_req("z", Operator.GREATER_THAN, "1")], True),
        ({"z": "v2"}, [_req("z", Operator.GREATER_THAN, "1")], False),
    ],
)
def test_requirement_selector_matching(
    label_set: dict[str, str], reqs: list[Requirement], want: bool
) -> None:
    """TestRequirementSelectorMatching."""
    assert LabelSelector(reqs).matches(label_set) is want
    assert all(r.matches(label_set) for r in reqs) is want


def _r(key: str, op: Operator, *values: str) -> Requirement:
    return Requirement(key, op, tuple(values))


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("", []),
        ("\rx", [_r("x", Operator.EXISTS)]),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            [_r("this-is-a-dns.domain.com/key-with-dash", Operator.EXISTS)],
        ),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            [_r("this-is-another-dns.domain.com/key-with-dash", Operator.IN, "so", "what")],
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            [_r("0.1.2.domain/99", Operator.NOT_IN, "10.10.100.1", "tick.tack.clock")],
        ),
        ("foo  in\t (abc)", [_r("foo", Operator.IN, "abc")]),
        ("x notin\n (abc)", [_r("x", Operator.NOT_IN, "abc")]),
        ("x  notin\t\t\t(abc,def)", [_r("x", Operator.NOT_IN, "abc", "def")]),
        ("x in (abc,def)", [_r("x", Operator.IN, "abc", "def")]),
        ("x in (abc,)", [_r("x", Operator.IN, "", "abc")]),
        ("x in ()", [_r("x", Operator.IN, "")]),
        (
            "x notin (abc,,def),bar,z in (),w",
            [
                _r("bar", Operator.EXISTS),
                _r("w", Operator.EXISTS),
                _r("x", Operator.NOT_IN, "", "abc", "def"),
                _r("z", Operator.IN, ""),
            ],
        ),
        ("x,y in (a)", [_r("x", Operator.EXISTS), _r("y", Operator.IN, "a")]),
        ("x=a", [_r("x", Operator.EQUALS, "a")]),
        ("x>1", [_r("x", Operator.GREATER_THAN, "1")]),
        ("x<7", [_r("x", Operator.LESS_THAN, "7")]),
        ("x=a,y!=b", [_r("x", Operator.EQUALS, "a"), _r("y", Operator.NOT_EQUALS, "b")]),
        (
            "x=a,y!=b,z in (h,i,j)",
            [
                _r("x", Operator.EQUALS, "a"),
                _r("y", Operator.NOT_EQUALS, "b"),
                _r("z", Operator.IN, "h", "i", "j"),
            ],
        ),
        ("x notin ( )", [_r("x", Operator.NOT_IN, "")]),
        ("x notin (, a)", [_r("x", Operator.NOT_IN, "", "a")]),
        ("a ", [_r("a", Operator.EXISTS)]),
        ("a in (x,y,notin, z,in)", [_r("a", Operator.IN, "in", "notin", "x", "y", "z")]),
    ],
)
def test_set_selector_parser_valid(text: str, want: list[Requirement]) -> None:
    """TestSetSelectorParser (valid inputs): requirements sorted by key, values sorted."""
    assert list(parse(text).requirements) == want


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "x=a||y=b",
            f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {_LABEL_VALUE_ERR}',
        ),
        ("x,,y", "found ',', expected: identifier after ','"),
        (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
        (
            "x nott in (y)",
            "unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("a in (xyz),", "found '', expected: identifier after ','"),
        ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
        ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
        ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        (
            "a (",
            "unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt",
        ),
        ("(", "found '(', expected: !, identifier, or 'end of string'"),
    ],
)
def test_set_selector_parser_invalid(text: str, message: str) -> None:
    """TestSetSelectorParser (invalid inputs), with the messages upstream's parser produces."""
    with pytest.raises(SelectorParseError) as info:
        parse(text)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        (
            "x<a",
            "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' "
            "operators, the value must be an integer",
        ),
        (
            "x>",
            "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' "
            "operators, the value must be an integer",
        ),
        ("x in", "unable to parse requirement: found '' expected: '('"),
        ("x in (a", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("x=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("x=a b", "found 'b', expected: ',' or 'end of string'"),
        # The parser validates keys against a nil field path, which Go prints as <nil>.
        ("-foo", f'unable to parse requirement: <nil>: Invalid value: "-foo": {_NAME_PART_ERR}'),
        (
            "a/b/c",
            'unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key '
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
            "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an "
            "optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ),
        (
            "x>-1",
            f'unable to parse requirement: values[0][x]: Invalid value: "-1": {_LABEL_VALUE_ERR}',
        ),
    ],
)
def test_parse_error_messages(text: str, message: str) -> None:
    """Error texts of upstream's `Parse` for malformed selectors (kubectl shows them)."""
    with pytest.raises(SelectorParseError) as info:
        parse(text)
    assert str(info.value) == message


def test_parse_error_is_value_error() -> None:
    assert issubclass(SelectorParseError, ValueError)


@pytest.mark.parametrize(
    ("text", "label", "want"),
    [
        ("", "test", None),
        ("a=b", "test", None),
        ("test=b", "test", "b"),
        ("test==b", "test", "b"),
        ("test in (b)", "test", "b"),
        ("test in (b,c)", "test", None),
        ("test!=b", "test", None),
        ("test", "test", None),
        ("a=x,test=b", "test", "b"),
    ],
)
def test_requires_exact_match(text: str, label: str, want: str | None) -> None:
    """Selector.RequiresExactMatch."""
    assert parse(text).requires_exact_match(label) == want


@pytest.mark.parametrize(
    ("selector", "want_str", "matching", "not_matching"),
    [
        ({}, "", {"a": "b"}, None),
        ({"matchLabels": {"foo": "bar"}}, "foo=bar", {"foo": "bar"}, {"foo": "baz"}),
        (
            {
                "matchLabels": {"foo": "bar"},
                "matchExpressions": [
                    {"key": "baz", "operator": "In", "values": ["qux", "norf"]},
                ],
            },
            "baz in (norf,qux),foo=bar",
            {"foo": "bar", "baz": "norf"},
            {"foo": "bar"},
        ),
        (
            {
                "matchExpressions": [
                    {"key": "a", "operator": "NotIn", "values": ["x"]},
                    {"key": "b", "operator": "Exists"},
                    {"key": "c", "operator": "DoesNotExist"},
                ]
            },
            "a notin (x),b,!c",
            {"b": "1"},
            {"b": "1", "c": "1"},
        ),
    ],
)
def test_label_selector_as_selector(
    selector: dict[str, object],
    want_str: str,
    matching: dict[str, str],
    not_matching: dict[str, str] | None,
) -> None:
    """TestLabelSelectorAsSelector (meta/v1 helpers_test.go)."""
    sel = from_label_selector_dict(selector)
    assert str(sel) == want_str
    assert sel.matches(matching)
    if not_matching is not None:
        assert not sel.matches(not_matching)


def test_nil_label_selector_selects_nothing() -> None:
    """LabelSelectorAsSelector(nil) is labels.Nothing(): matches nothing and is not empty."""
    sel = from_label_selector_dict(None)
    assert not sel.empty()
    assert not sel.matches({})
    assert str(sel) == ""


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            {"matchExpressions": [{"key": "foo", "operator": "exists"}]},
            '"exists" is not a valid label selector operator',
        ),
        (
            {"matchExpressions": [{"key": "foo", "operator": "In"}]},
            "values: Invalid value: []string(nil): "
            "for 'in', 'notin' operators, values set can't be empty",
        ),
        ({"matchLabels": {"-foo": "bar"}}, f'key: Invalid value: "-foo": {_NAME_PART_ERR}'),
        (
            {"matchLabels": {"foo": "b r"}},
            f'values[0][foo]: Invalid value: "b r": {_LABEL_VALUE_ERR}',
        ),
    ],
)
def test_label_selector_as_selector_errors(selector: dict[str, object], message: str) -> None:
    """TestLabelSelectorAsSelector (error cases): messages from NewRequirement."""
    with pytest.raises(SelectorParseError) as info:
        from_label_selector_dict(selector)
    assert str(info.value) == message


def test_matches_cost_is_linear_and_cheap() -> None:
    """A parsed selector filters 10,000 label sets; the result is the expected subset."""
    objs = [{"app": f"a{i % 10}", "tier": "web" if i % 2 else "db"} for i in range(10_000)]
    sel = parse("app in (a1,a3),tier!=db")
    assert sum(1 for o in objs if sel.matches(o)) == 2_000
