"""Field selectors (upstream `k8s.io/apimachinery/pkg/fields/selector.go`).

Grammar: a comma-separated AND of `field=value`, `field==value`, `field!=value`. There are
no set operators. Values may escape `\\,`, `\\=` and `\\\\`; a field name is everything before
the first operator and is not unescaped. Parse errors are `labels.SelectorParseError` (one
exception type for both selector kinds) with upstream's text, e.g.
`invalid selector: 'x'; can't understand 'x'`.

Which field labels a resource supports is the registry's business (`fields()` lists them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from kapi.machinery.labels import SelectorParseError

__all__ = [
    "FieldSelector",
    "SelectorParseError",
    "Term",
    "TransformFunc",
    "escape_value",
    "parse",
    "unescape_value",
]

# Upstream `TransformFunc`: rewrites one (field, value); may raise to reject it.
TransformFunc = Callable[[str, str], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class Term:
    """`field=value` (upstream `hasTerm`) or, with `negated`, `field!=value` (`notHasTerm`)."""

    field: str
    value: str
    negated: bool = False

    def matches(self, fields: Mapping[str, str]) -> bool:
        # A missing field reads as "" (upstream `Set.Get`).
        return (fields.get(self.field, "") == self.value) != self.negated

    def __str__(self) -> str:
        return f"{self.field}{'!=' if self.negated else '='}{escape_value(self.value)}"


class FieldSelector:
    """An AND of terms. `FieldSelector()` selects everything."""

    __slots__ = ("terms",)

    def __init__(self, terms: Iterable[Term] = ()) -> None:
        self.terms: tuple[Term, ...] = tuple(terms)

    def empty(self) -> bool:
        return not self.terms

    def matches(self, fields: Mapping[str, str]) -> bool:
        for t in self.terms:  # noqa: SIM110 - a plain loop is cheapest on the LIST path
            if (fields.get(t.field, "") == t.value) == t.negated:
                return False
        return True

    def requires_exact_match(self, field: str) -> str | None:
        """The value an `=` / `==` term pins `field` to, else None (`!=` pins nothing)."""
        for t in self.terms:
            if t.field == field and not t.negated:
                return t.value
        return None

    def fields(self) -> list[str]:
        """The field labels the selector names (checked against the supported set)."""
        return [t.field for t in self.terms]

    def transform(self, fn: TransformFunc) -> FieldSelector:
        """Upstream `Transform`: rewrite every (field, value); a term rewritten to ("", "")
        is dropped. `fn` may raise to reject a term."""
        out: list[Term] = []
        for t in self.terms:
            f, v = fn(t.field, t.value)
            if f or v:
                out.append(Term(f, v, t.negated))
        return FieldSelector(out)

    def __str__(self) -> str:
        return ",".join(str(t) for t in self.terms)

    def __repr__(self) -> str:
        return f"FieldSelector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSelector):
            return NotImplemented
        return self.terms == other.terms

    def __hash__(self) -> int:
        return hash(self.terms)


def escape_value(s: str) -> str:
    """Upstream `EscapeValue`: backslash first, then `,` and `=`."""
    if not any(c in s for c in "\\,="):
        return s
    return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def unescape_value(s: str) -> str:
    """Upstream `UnescapeValue`; raises `SelectorParseError` with its messages."""
    if not any(c in s for c in "\\,="):
        return s
    out: list[str] = []
    in_slash = False
    for c in s:
        if in_slash:
            if c not in "\\,=":
                raise SelectorParseError(f"invalid field selector: invalid escape sequence: \\{c}")
            out.append(c)
            in_slash = False
        elif c == "\\":
            in_slash = True
        elif c in ",=":
            # Upstream prints the rune with %v, i.e. its code point number.
            raise SelectorParseError(
                f"invalid field selector: unescaped character in value: {ord(c)}"
            )
        else:
            out.append(c)
    if in_slash:
        raise SelectorParseError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(selector: str) -> list[str]:
    # Split on commas that are not escaped; the escapes stay in the terms.
    if not selector:
        return []
    terms: list[str] = []
    start = 0
    in_slash = False
    for i, c in enumerate(selector):
        if in_slash:
            in_slash = False
        elif c == "\\":
            in_slash = True
        elif c == ",":
            terms.append(selector[start:i])
            start = i + 1
    terms.append(selector[start:])
    return terms


_OPERATORS = ("!=", "==", "=")  # `==` before `=` so no `=` is left on the value


def _split_term(term: str) -> tuple[str, str, str] | None:
    for i in range(len(term)):
        for op in _OPERATORS:
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op) :]
    return None


def parse(selector: str) -> FieldSelector:
    """Upstream `ParseSelector`. Terms are sorted (as raw strings) like upstream's, so equal
    selectors print the same."""
    terms: list[Term] = []
    for part in sorted(_split_terms(selector)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise SelectorParseError(f"invalid selector: '{selector}'; can't understand '{part}'")
        lhs, op, rhs = split
        value = unescape_value(rhs)
        # Upstream's identity Transform drops a term whose field and value are both empty.
        if lhs or value:
            terms.append(Term(lhs, value, negated=op == "!="))
    return FieldSelector(terms)
