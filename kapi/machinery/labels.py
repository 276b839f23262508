"""Label selectors (upstream `k8s.io/apimachinery/pkg/labels/selector.go`).

Grammar (`Parse`): a comma-separated AND of requirements

    key=value  key==value  key!=value  key in (a,b)  key notin (a,b)  key  !key  key>1  key<1

Keys are qualified names and values label values (`validation.is_qualified_name`,
`is_valid_label_value`). Errors are `SelectorParseError` carrying upstream's exact text
(`unable to parse requirement: ...`, `found ',', expected: ...`): the endpoints layer puts it
in a 400 BadRequest unchanged.

The parser follows upstream token for token (it first lexes the whole string, then descends),
so that the same inputs fail with the same messages. A parsed selector compiles each
requirement into a closure once, which keeps `matches` cheap for LIST filtering.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any

from kapi.machinery import field
from kapi.machinery.validation import GoText, is_qualified_name, is_valid_label_value


class SelectorParseError(ValueError):
    """A label (or field) selector that does not parse; `str()` is upstream's message."""


class Operator(StrEnum):
    """Upstream `selection.Operator` (the values are upstream's strings)."""

    DOES_NOT_EXIST = "!"
    EQUALS = "="
    DOUBLE_EQUALS = "=="
    IN = "in"
    NOT_EQUALS = "!="
    NOT_IN = "notin"
    EXISTS = "exists"
    GREATER_THAN = "gt"
    LESS_THAN = "lt"


_BINARY_OPERATORS = ", ".join(
    op.value
    for op in (
        Operator.IN,
        Operator.NOT_IN,
        Operator.EQUALS,
        Operator.DOUBLE_EQUALS,
        Operator.NOT_EQUALS,
        Operator.GREATER_THAN,
        Operator.LESS_THAN,
    )
)
_VALID_OPERATORS = [*_BINARY_OPERATORS.split(", "), Operator.EXISTS.value, "!"]

_INT64 = re.compile(r"[+-]?[0-9]+")
_INT64_MIN, _INT64_MAX = -(1 << 63), (1 << 63) - 1


def _parse_int64(s: str) -> int | None:
    # Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, int64 range.
    if not _INT64.fullmatch(s):
        return None
    n = int(s)
    return n if _INT64_MIN <= n <= _INT64_MAX else None


_NO_PATH = "<nil>"  # how upstream prints the nil *field.Path the parser validates keys with


def _key_error(key: str, path: str) -> field.FieldError | None:
    msgs = is_qualified_name(key)
    return field.invalid(path, key, "; ".join(msgs)) if msgs else None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One `key op values` term. Build it with `new_requirement`, which validates."""

    key: str
    operator: Operator
    values: tuple[str, ...] = ()

    def matches(self, labels: Mapping[str, str]) -> bool:
        return _compile(self)(labels)

    def __str__(self) -> str:
        op = self.operator
        if op is Operator.DOES_NOT_EXIST:
            return "!" + self.key
        if op is Operator.EXISTS:
            return self.key
        vals = self.values[0] if len(self.values) == 1 else ",".join(sorted(self.values))
        if op is Operator.IN:
            return f"{self.key} in ({vals})"
        if op is Operator.NOT_IN:
            return f"{self.key} notin ({vals})"
        sym = {Operator.GREATER_THAN: ">", Operator.LESS_THAN: "<"}.get(op, op.value)
        return f"{self.key}{sym}{vals}"


def new_requirement(key: str, op: Operator | str, values: Sequence[str] | None) -> Requirement:
    """Upstream `NewRequirement`: raises `SelectorParseError` with the aggregated field errors
    (`key: Invalid value: ...`, `values[0][key]: Invalid value: ...`)."""
    errs: list[field.FieldError] = []
    key_err = _key_error(key, "key")
    if key_err is not None:
        errs.append(key_err)
    vals = list(values or [])
    # A missing list prints as Go's nil slice.
    shown: Any = vals if values is not None else GoText("[]string(nil)")
    try:
        oper: Operator | None = Operator(op)
    except ValueError:
        oper = None
    if oper in (Operator.IN, Operator.NOT_IN):
        if not vals:
            errs.append(
                field.invalid(
                    "values", shown, "for 'in', 'notin' operators, values set can't be empty"
                )
            )
    elif oper in (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.NOT_EQUALS):
        if len(vals) != 1:
            errs.append(
                field.invalid(
                    "values", shown, "exact-match compatibility requires one single value"
                )
            )
    elif oper in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        if vals:
            errs.append(
                field.invalid(
                    "values", shown, "values set must be empty for exists and does not exist"
                )
            )
    elif oper in (Operator.GREATER_THAN, Operator.LESS_THAN):
        if len(vals) != 1:
            errs.append(
                field.invalid(
                    "values", shown, "for 'Gt', 'Lt' operators, exactly one value is required"
                )
            )
        for i, v in enumerate(vals):
            if _parse_int64(v) is None:
                errs.append(
                    field.invalid(
                        f"values[{i}]", v, "for 'Gt', 'Lt' operators, the value must be an integer"
                    )
                )
    else:
        errs.append(field.not_supported("operator", str(op), _VALID_OPERATORS))
    for i, v in enumerate(vals):
        msgs = is_valid_label_value(v)
        if msgs:
            errs.append(field.invalid(f"values[{i}][{key}]", v, "; ".join(msgs)))
    if errs:
        raise SelectorParseError(field.aggregate_message(errs))
    assert oper is not None
    return Requirement(key, oper, tuple(vals))


_Matcher = Callable[[Mapping[str, str]], bool]


def _compile(req: Requirement) -> _Matcher:
    k, op, vals = req.key, req.operator, req.values
    if op in (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.IN):
        if len(vals) == 1:
            v = vals[0]
            return lambda ls: ls.get(k) == v
        s = frozenset(vals)
        return lambda ls: ls.get(k) in s
    if op in (Operator.NOT_EQUALS, Operator.NOT_IN):
        # A missing key matches: get() gives None, which is never one of the values.
        if len(vals) == 1:
            v = vals[0]
            return lambda ls: ls.get(k) != v
        s = frozenset(vals)
        return lambda ls: ls.get(k) not in s
    if op is Operator.EXISTS:
        return lambda ls: k in ls
    if op is Operator.DOES_NOT_EXIST:
        return lambda ls: k not in ls
    bound = _parse_int64(vals[0]) if len(vals) == 1 else None
    if bound is None:
        return lambda ls: False
    greater = op is Operator.GREATER_THAN

    def compare(ls: Mapping[str, str]) -> bool:
        raw = ls.get(k)
        if raw is None:
            return False
        n = _parse_int64(raw)
        if n is None:
            return False
        return n > bound if greater else n < bound

    return compare


def _always(_: Mapping[str, str]) -> bool:
    return True


def _never(_: Mapping[str, str]) -> bool:
    return False


class LabelSelector:
    """A parsed label selector: an AND of requirements, sorted by key as upstream sorts them.

    `LabelSelector([])` selects everything; `LabelSelector.nothing()` selects nothing (what a
    nil `metav1.LabelSelector` means)."""

    __slots__ = ("_match", "_nothing", "requirements")

    def __init__(self, requirements: Iterable[Requirement] = (), *, _nothing: bool = False) -> None:
        # A stable sort: upstream's sort.Sort is an insertion sort for the small lists seen.
        self.requirements: tuple[Requirement, ...] = tuple(
            sorted(requirements, key=lambda r: r.key)
        )
        self._nothing = _nothing
        fns = [_compile(r) for r in self.requirements]
        if _nothing:
            self._match: _Matcher = _never
        elif not fns:
            self._match = _always
        elif len(fns) == 1:
            self._match = fns[0]
        else:

            def match_all(ls: Mapping[str, str]) -> bool:
                # A plain loop: cheaper than all() over a generator on this hot path.
                for f in fns:  # noqa: SIM110
                    if not f(ls):
                        return False
                return True

            self._match = match_all

    @classmethod
    def everything(cls) -> LabelSelector:
        return cls()

    @classmethod
    def nothing(cls) -> LabelSelector:
        return cls(_nothing=True)

    def empty(self) -> bool:
        """True when the selector does not restrict anything."""
        return not self._nothing and not self.requirements

    def matches(self, labels: Mapping[str, str]) -> bool:
        return self._match(labels)

    def requires_exact_match(self, label: str) -> str | None:
        """The value the selector pins `label` to (`=`, `==`, or `in` with one value)."""
        for r in self.requirements:
            if r.key == label:
                if (
                    r.operator in (Operator.EQUALS, Operator.DOUBLE_EQUALS, Operator.IN)
                    and len(r.values) == 1
                ):
                    return r.values[0]
                return None
        return None

    def __str__(self) -> str:
        return ",".join(str(r) for r in self.requirements)

    def __repr__(self) -> str:
        return "LabelSelector.nothing()" if self._nothing else f"LabelSelector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LabelSelector):
            return NotImplemented
        return self._nothing == other._nothing and self.requirements == other.requirements

    def __hash__(self) -> int:
        return hash((self._nothing, self.requirements))


# --------------------------------------------------------------------------------------
# Lexer


class _Tok(Enum):
    ERROR = 0
    EOS = 1
    CLOSE_PAR = 2
    COMMA = 3
    DOES_NOT_EXIST = 4
    DOUBLE_EQUALS = 5
    EQUALS = 6
    GREATER_THAN = 7
    IDENTIFIER = 8
    IN = 9
    LESS_THAN = 10
    NOT_EQUALS = 11
    NOT_IN = 12
    OPEN_PAR = 13


_LITERALS = {
    ")": _Tok.CLOSE_PAR,
    ",": _Tok.COMMA,
    "!": _Tok.DOES_NOT_EXIST,
    "==": _Tok.DOUBLE_EQUALS,
    "=": _Tok.EQUALS,
    ">": _Tok.GREATER_THAN,
    "in": _Tok.IN,
    "<": _Tok.LESS_THAN,
    "!=": _Tok.NOT_EQUALS,
    "notin": _Tok.NOT_IN,
    "(": _Tok.OPEN_PAR,
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_END = "\x00"  # upstream's lexer reads byte 0 at the end, so a NUL also ends the input

_Item = tuple[_Tok, str]


def _lex(s: str) -> list[_Item]:
    items: list[_Item] = []
    n = len(s)
    pos = 0
    while True:
        ch = s[pos] if pos < n else _END
        if pos < n:
            pos += 1
        while ch in _WHITESPACE:
            ch = s[pos] if pos < n else _END
            if pos < n:
                pos += 1
        if ch == _END:
            items.append((_Tok.EOS, ""))
            return items
        pos -= 1
        if ch in _SPECIAL:
            buf = ""
            last: _Item | None = None
            while pos < n:
                c = s[pos]
                pos += 1
                if c == _END:
                    break
                if c not in _SPECIAL:
                    pos -= 1
                    break
                buf += c
                tok = _LITERALS.get(buf)
                if tok is not None:
                    last = (tok, buf)
                elif last is not None:
                    pos -= 1
                    break
            items.append(last or (_Tok.ERROR, f"error expected: keyword found '{buf}'"))
        else:
            start = pos
            while pos < n:
                c = s[pos]
                if c == _END:
                    items.append(_ident(s[start:pos]))
                    pos += 1
                    break
                if c in _SPECIAL or c in _WHITESPACE:
                    items.append(_ident(s[start:pos]))
                    break
                pos += 1
            else:
                items.append(_ident(s[start:pos]))


def _ident(lit: str) -> _Item:
    return (_LITERALS.get(lit, _Tok.IDENTIFIER), lit)


# --------------------------------------------------------------------------------------
# Parser


class _Parser:
    __slots__ = ("items", "pos")

    def __init__(self, items: list[_Item]) -> None:
        self.items = items
        self.pos = 0

    # In a values context the keywords `in` / `notin` are plain identifiers.
    def lookahead(self, values: bool = True) -> _Item:
        tok, lit = self.items[self.pos]
        if values and tok in (_Tok.IN, _Tok.NOT_IN):
            tok = _Tok.IDENTIFIER
        return tok, lit

    def consume(self, values: bool = True) -> _Item:
        item = self.lookahead(values)
        self.pos += 1
        return item

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead()
            if tok in (_Tok.IDENTIFIER, _Tok.DOES_NOT_EXIST):
                try:
                    reqs.append(self.requirement())
                except SelectorParseError as e:
                    raise SelectorParseError(f"unable to parse requirement: {e}") from None
                tok, lit = self.consume()
                if tok is _Tok.EOS:
                    return reqs
                if tok is _Tok.COMMA:
                    tok2, lit2 = self.lookahead()
                    if tok2 not in (_Tok.IDENTIFIER, _Tok.DOES_NOT_EXIST):
                        raise SelectorParseError(f"found '{lit2}', expected: identifier after ','")
                else:
                    raise SelectorParseError(f"found '{lit}', expected: ',' or 'end of string'")
            elif tok is _Tok.EOS:
                return reqs
            else:
                raise SelectorParseError(
                    f"found '{lit}', expected: !, identifier, or 'end of string'"
                )

    def requirement(self) -> Requirement:
        key, unary = self.key_and_inferred_operator()
        if unary is not None:
            return new_requirement(key, unary, [])
        op = self.operator()
        values = self.values() if op in (Operator.IN, Operator.NOT_IN) else self.exact_value()
        return new_requirement(key, op, sorted(values))

    def key_and_inferred_operator(self) -> tuple[str, Operator | None]:
        """The key, and the operator when it is unary (exists / does not exist)."""
        op: Operator | None = None
        tok, lit = self.consume()
        if tok is _Tok.DOES_NOT_EXIST:
            op = Operator.DOES_NOT_EXIST
            tok, lit = self.consume()
        if tok is not _Tok.IDENTIFIER:
            raise SelectorParseError(f"found '{lit}', expected: identifier")
        err = _key_error(lit, _NO_PATH)
        if err is not None:
            raise SelectorParseError(str(err))
        if self.lookahead()[0] in (_Tok.EOS, _Tok.COMMA) and op is None:
            op = Operator.EXISTS
        return lit, op

    def operator(self) -> Operator:
        tok, lit = self.consume(values=False)
        op = _OPERATOR_TOKENS.get(tok)
        if op is None:
            raise SelectorParseError(f"found '{lit}', expected: {_BINARY_OPERATORS}")
        return op

    def values(self) -> set[str]:
        tok, lit = self.consume()
        if tok is not _Tok.OPEN_PAR:
            raise SelectorParseError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead()
        if tok in (_Tok.IDENTIFIER, _Tok.COMMA):
            s = self.identifiers_list()
            if self.consume()[0] is not _Tok.CLOSE_PAR:
                raise SelectorParseError(f"found '{lit}', expected: ')'")
            return s
        if tok is _Tok.CLOSE_PAR:
            self.consume()
            return {""}
        raise SelectorParseError(f"found '{lit}', expected: ',', ')' or identifier")

    def identifiers_list(self) -> set[str]:
        s: set[str] = set()
        while True:
            tok, lit = self.consume()
            if tok is _Tok.IDENTIFIER:
                s.add(lit)
                tok2, lit2 = self.lookahead()
                if tok2 is _Tok.COMMA:
                    continue
                if tok2 is _Tok.CLOSE_PAR:
                    return s
                raise SelectorParseError(f"found '{lit2}', expected: ',' or ')'")
            if tok is _Tok.COMMA:
                # "(," ",)" and ",," each stand for an empty value.
                if not s:
                    s.add("")
                tok2 = self.lookahead()[0]
                if tok2 is _Tok.CLOSE_PAR:
                    s.add("")
                    return s
                if tok2 is _Tok.COMMA:
                    s.add("")
            else:
                raise SelectorParseError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.lookahead()[0] in (_Tok.EOS, _Tok.COMMA):
            return {""}
        tok, lit = self.consume()
        if tok is _Tok.IDENTIFIER:
            return {lit}
        raise SelectorParseError(f"found '{lit}', expected: identifier")


_OPERATOR_TOKENS = {
    _Tok.IN: Operator.IN,
    _Tok.EQUALS: Operator.EQUALS,
    _Tok.DOUBLE_EQUALS: Operator.DOUBLE_EQUALS,
    _Tok.GREATER_THAN: Operator.GREATER_THAN,
    _Tok.LESS_THAN: Operator.LESS_THAN,
    _Tok.NOT_IN: Operator.NOT_IN,
    _Tok.NOT_EQUALS: Operator.NOT_EQUALS,
}


def parse(selector: str) -> LabelSelector:
    """Parse the full grammar; raise `SelectorParseError` with upstream's message. An empty
    (or all-blank) selector selects everything."""
    return LabelSelector(_Parser(_lex(selector)).parse())


def selector_from_set(labels: Mapping[str, str]) -> LabelSelector:
    """Upstream `SelectorFromSet`: `k=v` for every pair, not validated."""
    return LabelSelector(Requirement(k, Operator.EQUALS, (v,)) for k, v in labels.items())


_SELECTOR_OPS = {
    "In": Operator.IN,
    "NotIn": Operator.NOT_IN,
    "Exists": Operator.EXISTS,
    "DoesNotExist": Operator.DOES_NOT_EXIST,
}


def from_label_selector_dict(d: Mapping[str, Any] | None) -> LabelSelector:
    """Upstream `metav1.LabelSelectorAsSelector` for a `metav1.LabelSelector` dict: None selects
    nothing, `{}` everything. Raises `SelectorParseError` with upstream's message on a bad
    key, value or operator."""
    if d is None:
        return LabelSelector.nothing()
    match_labels: Mapping[str, str] = d.get("matchLabels") or {}
    exprs: Sequence[Mapping[str, Any]] = d.get("matchExpressions") or []
    reqs = [new_requirement(k, Operator.EQUALS, [v]) for k, v in match_labels.items()]
    for expr in exprs:
        op_name = expr.get("operator") or ""
        op = _SELECTOR_OPS.get(op_name)
        if op is None:
            raise SelectorParseError(
                f"{field.format_value(op_name)} is not a valid label selector operator"
            )
        reqs.append(new_requirement(expr.get("key") or "", op, expr.get("values")))
    return LabelSelector(reqs)
