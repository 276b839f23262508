"""Field errors, as `k8s.io/apimachinery/pkg/util/validation/field` reports them.

A validation function returns a list of `FieldError`; `errors.new_invalid` turns the list into
a 422 `Status` whose message and causes match upstream byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import orjson


class ErrorType(Enum):
    # (text shown in messages, cause reason on the wire)
    NOT_FOUND = ("Not found", "FieldValueNotFound")
    REQUIRED = ("Required value", "FieldValueRequired")
    DUPLICATE = ("Duplicate value", "FieldValueDuplicate")
    INVALID = ("Invalid value", "FieldValueInvalid")
    NOT_SUPPORTED = ("Unsupported value", "FieldValueNotSupported")
    FORBIDDEN = ("Forbidden", "FieldValueForbidden")
    TOO_LONG = ("Too long", "FieldValueTooLong")
    TOO_MANY = ("Too many", "FieldValueTooMany")
    INTERNAL = ("Internal error", "InternalError")
    TYPE_INVALID = ("Invalid value", "FieldValueTypeInvalid")

    @property
    def text(self) -> str:
        return self.value[0]

    @property
    def cause(self) -> str:
        return self.value[1]


_NO_VALUE = object()


class Path:
    """A field path such as `spec.containers[0].name` (upstream `field.Path`)."""

    __slots__ = ("_s",)

    def __init__(self, *names: str) -> None:
        self._s = ".".join(names)

    @classmethod
    def _of(cls, s: str) -> Path:
        p = cls.__new__(cls)
        p._s = s
        return p

    def child(self, name: str, *more: str) -> Path:
        s = ".".join((name, *more))
        return Path._of(f"{self._s}.{s}" if self._s else s)

    def index(self, i: int) -> Path:
        return Path._of(f"{self._s}[{i}]")

    def key(self, k: str) -> Path:
        return Path._of(f"{self._s}[{k}]")

    def __str__(self) -> str:
        return self._s

    def __repr__(self) -> str:
        return f"Path({self._s!r})"


_GO_NAMED_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
    "\\": "\\\\",
}


def _go_quote(s: str) -> str:
    """Go's %q (`strconv.Quote`): printable characters stay, others become \\xNN / \\uNNNN
    escapes (JSON escaping differs for control and invisible characters)."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'
    out = []
    for c in s:
        named = _GO_NAMED_ESCAPES.get(c)
        if named is not None:
            out.append(named)
        elif c.isprintable():
            out.append(c)
        elif c < " " or c == "\x7f":
            out.append(f"\\x{ord(c):02x}")
        elif ord(c) < 0x10000:
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(f"\\U{ord(c):08x}")
    return '"' + "".join(out) + '"'


def format_value(value: Any) -> str:
    """Render a bad value the way upstream's `ErrorBody` does."""
    if value is None:
        # Upstream substitutes the string "null" for nil values, then quotes it.
        return '"null"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _go_quote(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        if all(isinstance(v, str) for v in value):
            return "[]string{" + ", ".join(_go_quote(v) for v in value) + "}"
        return orjson.dumps(list(value)).decode()
    if isinstance(value, dict):
        return orjson.dumps(value).decode()
    return str(value)


@dataclass(frozen=True, slots=True)
class FieldError:
    type: ErrorType
    field: str
    bad_value: Any = _NO_VALUE
    detail: str = ""

    def body(self) -> str:
        """The message without the field name (upstream `ErrorBody`), used as cause message."""
        if self.type in (
            ErrorType.REQUIRED,
            ErrorType.FORBIDDEN,
            ErrorType.TOO_LONG,
            ErrorType.INTERNAL,
        ) or self.bad_value is _NO_VALUE:
            s = self.type.text
        else:
            s = f"{self.type.text}: {format_value(self.bad_value)}"
        if self.detail:
            s += f": {self.detail}"
        return s

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}" if self.field else self.body()


ErrorList = list[FieldError]


def required(path: Path | str, detail: str = "") -> FieldError:
    return FieldError(ErrorType.REQUIRED, str(path), detail=detail)


def invalid(path: Path | str, value: Any, detail: str = "") -> FieldError:
    return FieldError(ErrorType.INVALID, str(path), value, detail)


def forbidden(path: Path | str, detail: str = "") -> FieldError:
    return FieldError(ErrorType.FORBIDDEN, str(path), detail=detail)


def duplicate(path: Path | str, value: Any) -> FieldError:
    return FieldError(ErrorType.DUPLICATE, str(path), value)


def not_found(path: Path | str, value: Any) -> FieldError:
    return FieldError(ErrorType.NOT_FOUND, str(path), value)


def not_supported(path: Path | str, value: Any, valid: Iterable[str]) -> FieldError:
    quoted = ", ".join(_go_quote(v) for v in valid)
    detail = f"supported values: {quoted}" if quoted else ""
    return FieldError(ErrorType.NOT_SUPPORTED, str(path), value, detail)


def too_long(path: Path | str, value: Any, max_length: int) -> FieldError:
    detail = f"may not be more than {max_length} bytes" if max_length >= 0 else ""
    return FieldError(ErrorType.TOO_LONG, str(path), value, detail)


def too_long_characters(path: Path | str, value: Any, max_length: int) -> FieldError:
    return FieldError(
        ErrorType.TOO_LONG, str(path), value, f"may not be more than {max_length} characters"
    )


def too_many(path: Path | str, actual: int, max_items: int) -> FieldError:
    return FieldError(
        ErrorType.TOO_MANY, str(path), actual, f"must have at most {max_items} items"
    )


def internal(path: Path | str, detail: str) -> FieldError:
    return FieldError(ErrorType.INTERNAL, str(path), detail=detail)


def type_invalid(path: Path | str, value: Any, detail: str) -> FieldError:
    return FieldError(ErrorType.TYPE_INVALID, str(path), value, detail)


def aggregate_message(errs: Sequence[FieldError]) -> str:
    """`ErrorList.ToAggregate().Error()`: duplicates dropped, one message or `[a, b]`."""
    seen: list[str] = []
    for e in errs:
        s = str(e)
        if s not in seen:
            seen.append(s)
    if len(seen) == 1:
        return seen[0]
    return "[" + ", ".join(seen) + "]"
