"""Applying strategic merge patches (upstream `k8s.io/apimachinery/pkg/util/strategicpatch`,
the apply half: `StrategicMergeMapPatch` / `mergeMap` / `mergeSlice` and the directives).

kube-apiserver applies `application/strategic-merge-patch+json` bodies to built-in objects
only; clients (`kubectl apply`, `kubectl edit`, `kubectl patch`) compute them. How each field
merges comes from the OpenAPI definitions, which publish upstream's struct tags as
`x-kubernetes-patch-strategy` (`merge`, `replace`, `retainKeys`, `merge,retainKeys`) and
`x-kubernetes-patch-merge-key`. Each definition is compiled once into a small tree of nodes
(`kapi.machinery.schemacompile`, cached per registry generation), so a PATCH costs one copy of
the live object and a walk of the patch.

Semantics, as upstream:
- maps merge recursively; `null` deletes a key; a key missing from the live object (or of a
  different JSON type there) takes the patch value, with nulls and `$patch` maps removed;
- lists with strategy `merge` and a merge key merge element by element (a patch element
  updates the live element with its key, or is added), `merge` lists of scalars are a union,
  other lists are replaced whole. The order is upstream's: patch items in patch order and
  live-only items in live order, interleaved by their live positions (so patch items the live
  list lacks land first), or the `$setElementOrder` order when one is sent;
- directives: `$patch: replace|delete|merge`, `$retainKeys`, `$deleteFromPrimitiveList/<f>`,
  `$setElementOrder/<f>`. The `retainKeys` strategy only tells clients to send `$retainKeys`;
  applying never needs it;
- fields the schema does not describe (unknown, preserve-unknown, RawExtension and the other
  opaque types) merge like JSON merge patch: maps merge, lists replace.

Two deliberate differences from the Go code, both about what upstream's typed decode of the
result does anyway: directive keys never reach the result (upstream leaves `$retainKeys` and
friends in subtrees it copies from the patch, and the struct decoder drops them), and values
copied raw from the patch (replaced lists and maps, appended list elements) lose their null map
entries (the decoder turns those into omitted zero values). Nulls already in the live object
are kept.

Errors carry the answers upstream's PATCH handler gives (`interpretStrategicMergePatchError`):
400 for malformed directives, 422 for lists of lists, and for every other error (a missing
merge key, an unknown `$patch` value, element type mismatches) a 500 with no reason and the Go
error text, because upstream returns those as plain errors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import orjson

from kapi.machinery import errors
from kapi.machinery.openapi import SchemaRegistry
from kapi.machinery.schema import GroupVersionKind
from kapi.machinery.schemacompile import OPAQUE, SchemaCompiler

DIRECTIVE = "$patch"
DELETE = "delete"
REPLACE = "replace"
MERGE = "merge"
RETAIN_KEYS_STRATEGY = "retainKeys"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"

# mergepatch's sentinel errors that the PATCH handler answers with 400.
ERR_BAD_JSON_DOC = "invalid JSON document"
ERR_BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"
ERR_UNSUPPORTED = "strategic merge patch format is not supported"
# ... and the one it answers with 422.
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"

_GO_MAP = "map[string]interface {}"
_GO_SLICE = "[]interface {}"


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


class _Failure(Exception):
    """An upstream strategicpatch error and the status code the PATCH handler gives it."""

    def __init__(self, message: str, code: int = 500) -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def to_status(self) -> errors.StatusError:
        if self.code == 400:
            return errors.new_bad_request(self.message)
        if self.code == 422:
            # NewGenericServerResponse(422, ...): the text of the cause is not kept.
            return errors.StatusError(
                422,
                "Invalid",
                "the server rejected our request due to an error in our request",
                errors.Details(),
            )
        # A plain Go error: ErrorToAPIStatus answers 500 with an empty reason.
        return errors.StatusError(500, "", self.message)


def _no_merge_key(m: Any, key: str) -> _Failure:
    return _Failure(f"map: {_go_v(m)} does not contain declared merge key: {key}")


def _bad_arg_type(expected: str, actual: Any) -> _Failure:
    return _Failure(f"expected a {expected}, but received a {_go_type(actual)}")


def _bad_patch_type(directive: Any, m: Any) -> _Failure:
    return _Failure(f"unknown patch type: {_go_s(directive)} in map: {_go_v(m)}")


def _not_a_map(index: int) -> _Failure:
    return _Failure(f"value for key {index} is not a map.")


# Go's fmt renderings, so error texts read exactly like kube-apiserver's.


def _go_type(v: Any) -> str:
    if v is None:
        return "%!s(<nil>)"
    t = type(v)
    if t is dict:
        return _GO_MAP
    if t is list:
        return _GO_SLICE
    if t is bool:
        return "bool"
    if t is int:
        return "int64"
    if t is float:
        return "float64"
    return "string"


def _go_float(f: float) -> str:
    """`%v` of a float64: strconv's shortest 'g' form (exponent below -4 or from 6 up)."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if str(f).startswith("-") else "0"
    sign, digit_tuple, exp = Decimal(repr(f)).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    assert isinstance(exp, int)
    exp += len(digit_tuple) - len(digits)
    lead = len(digits) - len(digits.lstrip("0"))
    digits = digits[lead:]
    point = len(digits) + exp  # value = 0.<digits> * 10**point
    x = point - 1
    neg = "-" if sign else ""
    if x < -4 or x >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{neg}{mantissa}e{'-' if x < 0 else '+'}{abs(x):02d}"
    if point <= 0:
        return f"{neg}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return neg + digits + "0" * (point - len(digits))
    return f"{neg}{digits[:point]}.{digits[point:]}"


def _go_v(v: Any) -> str:
    """`%v` of a decoded JSON value (maps print with sorted keys, as fmt does)."""
    if v is None:
        return "<nil>"
    t = type(v)
    if t is bool:
        return "true" if v else "false"
    if t is str:
        return str(v)
    if t is int:
        return str(v)
    if t is float:
        return _go_float(v)
    if t is dict:
        return "map[" + " ".join(f"{k}:{_go_v(v[k])}" for k in sorted(v)) + "]"
    if t is list:
        return "[" + " ".join(_go_v(e) for e in v) + "]"
    return str(v)


def _go_s(v: Any) -> str:
    """`%s` of a decoded JSON value (non-strings print as `%!s(type=value)`)."""
    t = type(v)
    if t is str:
        return str(v)
    if v is None:
        return "%!s(<nil>)"
    if t is dict:
        return "map[" + " ".join(f"{k}:{_go_s(v[k])}" for k in sorted(v)) + "]"
    if t is list:
        return "[" + " ".join(_go_s(e) for e in v) + "]"
    return f"%!s({_go_type(v)}={_go_v(v)})"


# ---------------------------------------------------------------------------------------------
# Compiled patch metadata
# ---------------------------------------------------------------------------------------------


class _Node:
    """What a value's schema says about patching its children."""

    __slots__ = ("fields", "items", "values")

    def __init__(self) -> None:
        self.fields: dict[str, _Field] | None = None  # struct fields
        self.values: _Field | None = None  # map values (additionalProperties)
        self.items: _Node | None = None  # list elements

    def lookup(self, key: str) -> _Field:
        if self.fields is not None:
            found = self.fields.get(key)
            if found is not None:
                return found
        return self.values if self.values is not None else _UNKNOWN_FIELD


class _Field:
    """A field's schema plus its patch strategy and merge key."""

    __slots__ = ("error", "merge_key", "node", "strategy")

    def __init__(self, node: _Node, strategy: str = "", merge_key: str = "", error: str = ""):
        self.node = node
        self.strategy = strategy  # "", "merge" or "replace"; retainKeys is split off
        self.merge_key = merge_key
        self.error = error  # an unparseable strategy fails only when the field is merged

    def checked_strategy(self) -> str:
        if self.error:
            raise _Failure(self.error)
        return self.strategy

    @property
    def element(self) -> _Node:
        # A merge list's element schema; a non-array field stands for its own elements, as
        # upstream's pointer-to-struct merge lists do.
        items = self.node.items
        return items if items is not None else self.node


_UNKNOWN = _Node()
_UNKNOWN_FIELD = _Field(_UNKNOWN)


def _parse_strategy(raw: Any) -> tuple[str, str]:
    """upstream extractRetainKeysPatchStrategy over the comma-separated strategies."""
    if not isinstance(raw, str) or not raw:
        return "", ""
    parts = raw.split(",")
    if len(parts) == 1:
        return ("" if parts[0] == RETAIN_KEYS_STRATEGY else parts[0]), ""
    if len(parts) == 2:
        if parts[0] == RETAIN_KEYS_STRATEGY:
            return parts[1], ""
        if parts[1] == RETAIN_KEYS_STRATEGY:
            return parts[0], ""
    return "", f"unexpected patch strategy: {_go_v(parts)}"


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


class StrategicMergePatcher(SchemaCompiler[_Node]):
    """Applies strategic merge patches to objects of the kinds a schema registry describes.

    By default only built-in definitions count: kinds added at run time (custom resources)
    take no strategic merge patch upstream (the PATCH route answers 415).
    """

    opaque = OPAQUE

    def __init__(
        self, registry: SchemaRegistry | None = None, *, runtime_definitions: bool = False
    ) -> None:
        super().__init__(registry)
        self.runtime_definitions = runtime_definitions

    def has_schema(self, gvk: GroupVersionKind) -> bool:
        """Whether `gvk` takes strategic merge patches (else the PATCH answers 415)."""
        return self.root(gvk) is not None

    def apply(self, original: dict[str, Any], patch: Any, gvk: GroupVersionKind) -> dict[str, Any]:
        """`patch` (the decoded body) applied to `original`; a new object, inputs untouched.

        Raises `StatusError` with upstream's code and message for a bad patch.
        """
        root = self.root(gvk)
        if root is None:
            raise errors.new_bad_request(ERR_UNSUPPORTED)
        result = _copy(original) if isinstance(original, dict) else {}
        if patch is None:  # `null` decodes to an empty patch upstream
            return result
        if not isinstance(patch, dict):
            raise errors.new_bad_request(
                f"json: cannot unmarshal {_json_kind(patch)} into Go value of type {_GO_MAP}"
            )
        merger = _Merger()
        try:
            merged = merger.merge_map(result, _copy(patch), root)
        except _Failure as err:
            raise err.to_status() from None
        except RecursionError:
            raise errors.new_bad_request(ERR_BAD_JSON_DOC) from None
        for value in merger.raw:
            _strip(value)
        return merged

    # -- compilation ---------------------------------------------------------------------------

    def new_node(self, name: str) -> _Node:
        return _Node()

    def root_for(self, gvk: GroupVersionKind, name: str | None) -> _Node | None:
        if name is None or not (self.runtime_definitions or self.registry.is_builtin(name)):
            return None
        return self.definition(name)

    def inline(self, node: _Node) -> _Node:
        empty = node.fields is None and node.values is None and node.items is None
        return _UNKNOWN if empty else node

    def fill(self, node: _Node, name: str, schema: dict[str, Any]) -> None:
        props = schema.get("properties")
        if isinstance(props, dict):
            node.fields = {key: self._field(sub) for key, sub in props.items()}
        additional = schema.get("additionalProperties")
        if isinstance(additional, dict):
            node.values = _Field(self.compile(additional))
        items = schema.get("items")
        if isinstance(items, dict):
            node.items = self.compile(items)

    def _field(self, schema: Any) -> _Field:
        node = self.compile(schema)
        if not isinstance(schema, dict):
            return _Field(node)
        strategy, error = _parse_strategy(schema.get("x-kubernetes-patch-strategy"))
        merge_key = schema.get("x-kubernetes-patch-merge-key")
        return _Field(node, strategy, merge_key if isinstance(merge_key, str) else "", error)


_default: StrategicMergePatcher | None = None
_default_lock = threading.Lock()


def default_patcher() -> StrategicMergePatcher:
    """The process-wide patcher over the default schema registry."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = StrategicMergePatcher()
    return _default


def has_strategic_merge_schema(gvk: GroupVersionKind) -> bool:
    """Whether `gvk` is a built-in kind with a schema (custom resources answer 415)."""
    return default_patcher().has_schema(gvk)


def apply_strategic_merge_patch(
    original: dict[str, Any], patch: Any, gvk: GroupVersionKind
) -> dict[str, Any]:
    """Apply a strategic merge patch body to `original` (a built-in kind's object).

    Returns a new object and never mutates the inputs; raises `StatusError` as upstream does
    for bad patches.
    """
    return default_patcher().apply(original, patch, gvk)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------


def _copy(value: Any) -> Any:
    try:
        return orjson.loads(orjson.dumps(value))
    except (TypeError, orjson.JSONEncodeError):  # e.g. integers wider than 64 bits
        return _copy_slow(value)


def _copy_slow(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy_slow(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_slow(v) for v in value]
    return value


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number"


def _is_directive_key(key: str) -> bool:
    return key.startswith("$") and (
        key in (DIRECTIVE, RETAIN_KEYS)
        or key.startswith((SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST))
    )


def _hkey(value: Any) -> Any:
    """A hashable stand-in with Go's interface equality: same dynamic type and value."""
    t = type(value)
    if t is dict or t is list:
        return (t, id(value))  # never equal to another value
    return (t, value)


def _go_eq(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if type(a) is dict or type(a) is list:
        raise _Failure(f"runtime error: comparing uncomparable type {_go_type(a)}")
    return bool(a == b)


def _without_directives(value: Any) -> tuple[Any, bool]:
    """upstream discardNullValuesFromPatch + removeDirectives (in place on our copy): null map
    entries go, a map holding `$patch` goes with its key or list slot; other directive keys are
    dropped too. Returns the value and whether to keep it."""
    t = type(value)
    if t is dict:
        if DIRECTIVE in value:
            return None, False
        for key in list(value):
            sub = value[key]
            if sub is None or _is_directive_key(key):
                del value[key]
                continue
            new, keep = _without_directives(sub)
            if keep:
                value[key] = new
            else:
                del value[key]
        return value, True
    if t is list:
        out = []
        for element in value:
            new, keep = _without_directives(element)
            if keep:
                out.append(new)
        return out, True
    return value, True


def _strip(value: Any) -> None:
    """Drop null map entries and directive keys from a value copied raw from the patch."""
    t = type(value)
    if t is dict:
        for key in list(value):
            sub = value[key]
            if sub is None or _is_directive_key(key):
                del value[key]
            else:
                _strip(sub)
    elif t is list:
        for element in value:
            _strip(element)


def _extract_key(key: str, prefix: str) -> str:
    head, sep, rest = key.partition("/")
    if not sep or head != prefix:
        if prefix == DELETE_FROM_PRIMITIVE_LIST:
            raise _Failure(ERR_BAD_PRIMITIVE_LIST, 400)
        raise _Failure(ERR_BAD_SET_ELEMENT_ORDER, 400)
    return rest


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------


def _element_type(*lists: list[Any]) -> type:
    """upstream sliceElementType: the one JSON type of every element of `lists`."""
    found: type | None = None
    for lst in lists:
        for element in lst:
            t = type(element)
            if found is None:
                if t is list:
                    raise _Failure(ERR_NO_LIST_OF_LISTS, 422)
                found = t
            elif t is not found:
                raise _Failure(f"list element types are not identical: {_go_v(list(lists))}")
    if found is None:
        raise _Failure("no elements in any of the given slices")
    return found


def _key_getter(merge_key: str, kind: type) -> Callable[[Any], Any]:
    """upstream index()'s view of an element: its merge key value for maps, else itself."""
    if kind is dict:
        return lambda item: _hkey(item.get(merge_key) if type(item) is dict else None)
    return _hkey


def _positions(order: list[Any], key: Callable[[Any], Any]) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for i, element in enumerate(order):
        out.setdefault(key(element), i)
    return out


def _find_map(items: list[Any], merge_key: str, value: Any) -> int:
    """upstream findMapInSliceBasedOnKeyValue: the index of the first map whose merge key
    equals `value`, or -1."""
    for i, element in enumerate(items):
        if type(element) is not dict:
            raise _not_a_map(i)
        if merge_key in element and _go_eq(element[merge_key], value):
            return i
    return -1


def _check_merge_keys(merge_key: str, *lists: list[Any]) -> None:
    for lst in lists:
        for element in lst:
            if type(element) is not dict:
                raise _bad_arg_type(_GO_MAP, element)
            if merge_key not in element:
                raise _no_merge_key(element, merge_key)


def _split_deletes(items: list[Any]) -> tuple[list[Any], list[Any]]:
    keep: list[Any] = []
    delete: list[Any] = []
    for element in items:
        if type(element) is not dict:
            raise _bad_arg_type(_GO_MAP, element)
        if DIRECTIVE in element and element[DIRECTIVE] == DELETE:
            delete.append(element)
        else:
            keep.append(element)
    return keep, delete


def _sort_by(items: list[Any], order: list[Any], merge_key: str, kind: type) -> list[Any]:
    """upstream normalizeSliceOrder: `items` stably sorted by their place in `order`, with
    `$patch: delete` elements moved to the end."""
    deletes: list[Any] = []
    if kind is dict:
        _check_merge_keys(merge_key, items, order)
        items, deletes = _split_deletes(items)
    key = _key_getter(merge_key, kind)
    positions = _positions(order, key)
    ranks = [positions.get(key(element), -1) for element in items]
    if all(r >= 0 for r in ranks):
        ordered = [items[i] for i in sorted(range(len(items)), key=ranks.__getitem__)]
    else:
        ordered = _go_stable_sort(list(zip(ranks, items, strict=True)))
    return ordered + deletes


def _go_stable_sort(data: list[tuple[int, Any]]) -> list[Any]:
    """Go's sort.SliceStable (insertion-sorted blocks of 20, then SymMerge) with upstream's
    comparator, which calls an element missing from the order "less" than anything. Only
    reached for elements the order does not know; the result then depends on the algorithm."""

    def less(i: int, j: int) -> bool:
        ri, rj = data[i][0], data[j][0]
        return ri < 0 or rj < 0 or ri < rj

    def swap(i: int, j: int) -> None:
        data[i], data[j] = data[j], data[i]

    def insertion_sort(a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and less(j, j - 1):
                swap(j, j - 1)
                j -= 1

    def swap_range(a: int, b: int, n: int) -> None:
        for i in range(n):
            swap(a + i, b + i)

    def rotate(a: int, m: int, b: int) -> None:
        i, j = m - a, b - m
        while i != j:
            if i > j:
                swap_range(m - i, m, j)
                i -= j
            else:
                swap_range(m - i, m + j - i, i)
                j -= i
        swap_range(m - i, m, i)

    def sym_merge(a: int, m: int, b: int) -> None:
        if m - a == 1:
            i, j = m, b
            while i < j:
                h = (i + j) >> 1
                if less(h, a):
                    i = h + 1
                else:
                    j = h
            for k in range(a, i - 1):
                swap(k, k + 1)
            return
        if b - m == 1:
            i, j = a, m
            while i < j:
                h = (i + j) >> 1
                if not less(m, h):
                    i = h + 1
                else:
                    j = h
            for k in range(m, i, -1):
                swap(k, k - 1)
            return
        mid = (a + b) >> 1
        n = mid + m
        if m > mid:
            start, r = n - b, mid
        else:
            start, r = a, m
        p = n - 1
        while start < r:
            c = (start + r) >> 1
            if not less(p - c, c):
                start = c + 1
            else:
                r = c
        end = n - start
        if start < m < end:
            rotate(start, m, end)
        if a < start < mid:
            sym_merge(a, start, mid)
        if mid < end < b:
            sym_merge(mid, end, b)

    n = len(data)
    block = 20
    a, b = 0, block
    while b <= n:
        insertion_sort(a, b)
        a, b = b, b + block
    insertion_sort(a, n)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            sym_merge(a, a + block, b)
            a, b = b, b + 2 * block
        if a + block < n:
            sym_merge(a, a + block, n)
        block *= 2
    return [item for _, item in data]


def _merge_sorted(
    left: list[Any], right: list[Any], server_order: list[Any], merge_key: str, kind: type
) -> list[Any]:
    """upstream mergeSortedSlice: interleave server-only items (`left`) into the patch items
    (`right`), a left item going first only when both sit in the live list ahead of it."""
    key = _key_getter(merge_key, kind)
    positions = _positions(server_order, key)
    out: list[Any] = []
    i = j = 0
    while i < len(left) and j < len(right):
        li = positions.get(key(left[i]), -1)
        ri = positions.get(key(right[j]), -1)
        if li >= 0 and ri >= 0 and li < ri:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


def _normalize_order(
    patch_items: list[Any],
    server_only: list[Any],
    patch_order: list[Any],
    server_order: list[Any],
    merge_key: str,
    kind: type,
) -> list[Any]:
    """upstream normalizeElementOrder: patch items in patch order, server-only items in live
    order, then interleaved."""
    patch_items = _sort_by(patch_items, patch_order, merge_key, kind)
    server_only = _sort_by(server_only, server_order, merge_key, kind)
    return _merge_sorted(server_only, patch_items, server_order, merge_key, kind)


def _partition_scalars(items: list[Any], by: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    present = {_hkey(v) for v in by}
    inside: list[Any] = []
    outside: list[Any] = []
    for element in items:
        (inside if _hkey(element) in present else outside).append(element)
    return inside, outside


def _partition_maps(items: list[Any], by: list[Any], merge_key: str) -> tuple[list[Any], list[Any]]:
    fast = all(type(e) is dict for e in by)
    present = {_hkey(e[merge_key]) for e in by if merge_key in e} if fast else set()
    inside: list[Any] = []
    outside: list[Any] = []
    for element in items:
        if type(element) is not dict:
            raise _bad_arg_type(_GO_MAP, element)
        if merge_key not in element:
            raise _no_merge_key(element, merge_key)
        value = element[merge_key]
        found = _hkey(value) in present if fast else _find_map(by, merge_key, value) >= 0
        (inside if found else outside).append(element)
    return inside, outside


def _dedup(items: list[Any]) -> list[Any]:
    """upstream deduplicateScalars, including the order its swap-with-last produces."""
    if len({_hkey(v) for v in items}) == len(items):
        return items
    s = list(items)
    length = len(s) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if _go_eq(s[i], s[j]):
                s[j] = s[length]
                del s[length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return s


def _delete_from(current: list[Any], to_delete: list[Any]) -> list[Any]:
    gone = {_hkey(v) for v in to_delete}
    return [v for v in current if _hkey(v) not in gone]


def _merge_key_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _go_eq(left, right)
    if type(left) is not dict:
        raise _bad_arg_type(_GO_MAP, left)
    if type(right) is not dict:
        raise _bad_arg_type(_GO_MAP, right)
    if merge_key not in left:
        raise _no_merge_key(left, merge_key)
    if merge_key not in right:
        raise _no_merge_key(right, merge_key)
    return _go_eq(left[merge_key], right[merge_key])


def _validate_order(patch_list: list[Any], order: list[Any], merge_key: str) -> None:
    """upstream validatePatchWithSetOrderList: the patch list (deletions aside) must follow
    the `$setElementOrder` list."""
    if not order or not patch_list:
        return
    items = _split_deletes(patch_list)[0] if merge_key else patch_list
    pi = oi = 0
    while pi < len(items) and oi < len(order):
        if type(items[pi]) is dict and DIRECTIVE in items[pi]:
            pi += 1
            continue
        if _merge_key_equal(items[pi], order[oi], merge_key):
            pi += 1
        oi += 1
    if pi < len(items) and oi >= len(order):
        raise _Failure(
            f"The order in patch list:\n{_go_v(patch_list)}\n doesn't match "
            f"{SET_ELEMENT_ORDER} list:\n{_go_v(order)}\n"
        )


# ---------------------------------------------------------------------------------------------
# The merge
# ---------------------------------------------------------------------------------------------


class _Merger:
    """One patch application. Works in place on private copies of the object and the patch;
    `raw` collects the values taken from the patch unmerged, to be cleaned at the end."""

    __slots__ = ("raw",)

    def __init__(self) -> None:
        self.raw: list[Any] = []

    def _raw(self, value: Any) -> Any:
        self.raw.append(value)
        return value

    def merge_map(self, original: dict[str, Any], patch: dict[str, Any], node: _Node) -> Any:
        """upstream mergeMap."""
        if DIRECTIVE in patch:
            directive = patch[DIRECTIVE]
            if directive == REPLACE:
                del patch[DIRECTIVE]
                return self._raw(patch)
            if directive == DELETE:
                return {}
            raise _bad_patch_type(directive, patch)
        if RETAIN_KEYS in patch:
            self._retain_keys(original, patch)
        if any(key.startswith(SET_ELEMENT_ORDER) for key in patch):
            self._ordered_lists(original, patch, node)

        for key, value in patch.items():
            delete_list = False
            if key.startswith(DELETE_FROM_PRIMITIVE_LIST):
                key = _extract_key(key, DELETE_FROM_PRIMITIVE_LIST)
                delete_list = True
            if value is None:
                original.pop(key, None)
                continue
            if key not in original or type(original[key]) is not type(value):
                # New (or retyped) field: the patch value, minus nulls and directives. A
                # deletion list for a missing list does nothing.
                if not delete_list:
                    new, keep = _without_directives(value)
                    if keep:
                        original[key] = new
                    else:
                        original.pop(key, None)
                continue
            current = original[key]
            if type(current) is dict:
                field = node.lookup(key)
                if field.checked_strategy() == REPLACE:
                    original[key] = self._raw(value)
                else:
                    original[key] = self.merge_map(current, value, field.node)
            elif type(current) is list:
                field = node.lookup(key)
                original[key] = self._merge_list_field(
                    current, value, field, field.checked_strategy(), delete_list
                )
            else:
                original[key] = value
        return original

    def _retain_keys(self, original: dict[str, Any], patch: dict[str, Any]) -> None:
        """upstream applyRetainKeysDirective: clear the live keys the list does not name."""
        retain = patch.pop(RETAIN_KEYS)
        if type(retain) is not list:
            raise _Failure(ERR_BAD_RETAIN_KEYS, 400)
        allowed = {k for k in retain if type(k) is str}
        for key, value in patch.items():
            if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
                continue
            if key not in allowed:
                raise _Failure(ERR_BAD_RETAIN_KEYS, 400)
        for key in [k for k in original if k not in allowed]:
            del original[key]

    def _ordered_lists(self, original: dict[str, Any], patch: dict[str, Any], node: _Node) -> None:
        """upstream mergePatchIntoOriginal: merge each list named by a `$setElementOrder`
        directive together with it and put it in the requested order."""
        for directive_key in [k for k in patch if k.startswith(SET_ELEMENT_ORDER)]:
            order = patch.pop(directive_key)
            if type(order) is not list:
                raise _bad_arg_type(_GO_SLICE, order)
            key = _extract_key(directive_key, SET_ELEMENT_ORDER)
            # A null live value counts as absent: upstream's live objects never hold one for
            # an omitempty list.
            found_original = original.get(key) is not None
            found_patch = key in patch
            live: list[Any] = []
            patch_list: list[Any] = []
            if found_original:
                live = original[key]
                if type(live) is not list:
                    raise _bad_arg_type(_GO_SLICE, live)
            if found_patch:
                patch_list = patch[key]
                if type(patch_list) is not list:
                    raise _bad_arg_type(_GO_SLICE, patch_list)
            field = node.lookup(key)
            strategy = field.checked_strategy()
            merge_key = field.merge_key
            _validate_order(patch_list, order, merge_key)

            if found_original and not found_patch:
                merged = live
            elif found_patch and not found_original:
                merged = _without_directives(patch_list)[0]
            elif found_original and found_patch:
                merged = self._merge_list_field(live, patch_list, field, strategy, False)
            else:
                continue
            if not live and not patch_list:
                original[key] = merged
                patch.pop(key, None)
                continue

            if merge_key:
                patch_items, server_only = _partition_maps(merged, order, merge_key)
            else:
                patch_items, server_only = _partition_scalars(merged, order)
            kind = _element_type(live, patch_list)
            original[key] = _normalize_order(patch_items, server_only, order, live, merge_key, kind)
            patch.pop(key, None)

    def _merge_list_field(
        self, live: list[Any], patch: list[Any], field: _Field, strategy: str, delete_list: bool
    ) -> list[Any]:
        """upstream mergeSliceHandler: deletion lists and merge lists merge, others replace."""
        if strategy == MERGE or delete_list:
            return self._merge_list(live, patch, field.element, field.merge_key, delete_list)
        return self._raw(patch)

    def _merge_list(
        self, live: list[Any], patch: list[Any], element: _Node, merge_key: str, delete_list: bool
    ) -> list[Any]:
        """upstream mergeSlice. Keyed merges work in place on `live` the way Go's slices share
        their backing array (see `_merge_by_key`)."""
        if not live and not patch:
            return live
        kind = _element_type(live, patch)
        if kind is not dict:
            if delete_list:
                return _delete_from(live, patch)
            merged = _dedup(live + patch)
            server = live
        else:
            if not merge_key:
                raise _Failure("cannot merge lists without merge key for struct")
            length, plain, replace = self._special_elements(live, patch, merge_key)
            if replace:
                server = self._raw(plain)
                merged = list(plain)
                patch = []
            else:
                merged = self._merge_by_key(live, length, plain, merge_key, element)
                server = live[:length]
                patch = plain
        if merge_key:
            patch_items, server_only = _partition_maps(merged, patch, merge_key)
        else:
            patch_items, server_only = _partition_scalars(merged, patch)
        return _normalize_order(patch_items, server_only, patch, server, merge_key, kind)

    def _special_elements(
        self, live: list[Any], patch: list[Any], merge_key: str
    ) -> tuple[int, list[Any], bool]:
        """upstream mergeSliceWithSpecialElements: `$patch: delete` elements remove every live
        element with their key, compacting `live` in place (its tail keeps stale entries, as
        the Go backing array does); `$patch: replace` makes the patch's plain elements the
        whole list. Returns the live length left, the plain elements and the replace flag."""
        length = len(live)
        plain: list[Any] = []
        replace = False
        for element in patch:
            if DIRECTIVE not in element:
                plain.append(element)
                continue
            directive = element[DIRECTIVE]
            if directive == DELETE:
                if merge_key not in element:
                    raise _no_merge_key(element, merge_key)
                target = element[merge_key]
                while True:
                    at = _find_map(live[:length], merge_key, target)
                    if at < 0:
                        break
                    live[at : length - 1] = live[at + 1 : length]
                    length -= 1
            elif directive == REPLACE:
                replace = True  # and keep going, to drop the other directive elements
            elif directive == MERGE:
                raise _Failure("merging lists cannot yet be specified in the patch")
            else:
                raise _bad_patch_type(directive, element)
        return length, plain, replace

    def _merge_by_key(
        self, live: list[Any], length: int, patch: list[Any], merge_key: str, element: _Node
    ) -> list[Any]:
        """upstream mergeSliceWithoutSpecialElements: merge each patch element into the live
        element with the same key, or append it.

        Go appends into the slots deletions freed in the live list's backing array, and the
        `$setElementOrder` pass later reads that array as "the live order"; upstream's results
        depend on it, so the first `len(live)` slots are written in place here too."""
        size = len(live)
        extra: list[Any] = []  # slots past the live list's length
        count = length
        for item in patch:
            if merge_key not in item:
                raise _no_merge_key(item, merge_key)
            value = item[merge_key]
            at = -1
            for i in range(count):
                current = live[i] if i < size else extra[i - size]
                if type(current) is not dict:
                    raise _not_a_map(i)
                if merge_key in current and _go_eq(current[merge_key], value):
                    at = i
                    break
            if at >= 0:
                if at < size:
                    live[at] = self.merge_map(live[at], item, element)
                else:
                    extra[at - size] = self.merge_map(extra[at - size], item, element)
            else:
                if count < size:
                    live[count] = self._raw(item)
                else:
                    extra.append(self._raw(item))
                count += 1
        return live[: min(count, size)] + extra
