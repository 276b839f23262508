"""Sets of field paths and their `FieldsV1` encoding (upstream
sigs.k8s.io/structured-merge-diff `fieldpath`: `Set`, `PathElement`, `serialize.go`).

A path element is kept in its serialized form, which is also its `FieldsV1` key:

- `f:<name>`          a field of a struct or a key of a map;
- `k:{"name":"web"}`  an element of a map-type list, by its key fields (sorted, compact JSON);
- `v:"x"`             an element of a set-type list, by its value (compact JSON);
- `i:3`               a list element by index (only ever read, never produced).

Strings hash and compare cheaply, and encoding or decoding a `FieldsV1` trie needs no
conversion of its keys. A `FieldSet` is a trie: `members` are the elements of this level that
are in the set; `children` maps an element to the set below it (being a child does not make
an element a member). Sets are values: operations return new sets (or one of their inputs
when nothing changes) and never modify their operands; only `insert` mutates, while a set is
being built. Children are never empty.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import orjson

PathElement = str
Path = tuple[PathElement, ...]


class FieldSet:
    __slots__ = ("_v1", "children", "members")

    def __init__(
        self,
        members: set[PathElement] | None = None,
        children: dict[PathElement, FieldSet] | None = None,
    ) -> None:
        self.members: set[PathElement] = members if members is not None else set()
        self.children: dict[PathElement, FieldSet] = children if children is not None else {}
        # The `fieldsV1` encoding, kept once made (or read): set operations share unchanged
        # subtrees, so re-encoding an entry after a small change touches only its path.
        self._v1: dict[str, Any] | None = None

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def of(cls, *paths: Path) -> FieldSet:
        s = cls()
        for p in paths:
            s.insert(p)
        return s

    def insert(self, path: Path) -> None:
        """Add `path` (its parents are not added). The empty path (the whole object) is never
        owned, as upstream."""
        if not path:
            return
        node = self
        node._v1 = None
        for pe in path[:-1]:
            child = node.children.get(pe)
            if child is None:
                child = node.children[pe] = FieldSet()
            node = child
            node._v1 = None
        node.members.add(path[-1])

    # -- queries --------------------------------------------------------------------------------

    def empty(self) -> bool:
        return not self.members and not self.children

    def __bool__(self) -> bool:
        return not self.empty()

    def has(self, path: Path) -> bool:
        if not path:
            return False
        node: FieldSet | None = self
        for pe in path[:-1]:
            node = node.children.get(pe) if node is not None else None
            if node is None:
                return False
        return node is not None and path[-1] in node.members

    def with_prefix(self, pe: PathElement) -> FieldSet:
        """The paths below `pe`, without the prefix."""
        return self.children.get(pe) or EMPTY

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSet):
            return NotImplemented
        return self.members == other.members and self.children == other.children

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.members) + sum(len(c) for c in self.children.values())

    def paths(self) -> Iterator[Path]:
        """Every member path, in upstream's `Iterate` order: a level's members (sorted), then
        its children's paths (sorted by element)."""
        yield from self._paths(())

    def _paths(self, prefix: Path) -> Iterator[Path]:
        for pe in sorted(self.members, key=sort_key):
            yield (*prefix, pe)
        for pe in sorted(self.children, key=sort_key):
            yield from self.children[pe]._paths((*prefix, pe))

    def __repr__(self) -> str:
        return "FieldSet(" + ", ".join(path_string(p) for p in self.paths()) + ")"

    # -- set algebra ----------------------------------------------------------------------------

    def union(self, other: FieldSet) -> FieldSet:
        if other.empty() or other is self:
            return self
        if self.empty():
            return other
        children = dict(self.children)
        for pe, sub in other.children.items():
            mine = children.get(pe)
            children[pe] = sub if mine is None else mine.union(sub)
        members = self.members | other.members if other.members else self.members
        return FieldSet(members, children)

    def intersection(self, other: FieldSet) -> FieldSet:
        if self.empty() or other.empty():
            return EMPTY
        if other is self:
            return self
        members = self.members & other.members
        children: dict[PathElement, FieldSet] = {}
        small, big = (
            (self.children, other.children)
            if len(self.children) <= len(other.children)
            else (other.children, self.children)
        )
        for pe in small:
            theirs = big.get(pe)
            if theirs is not None:
                sub = self.children[pe].intersection(other.children[pe])
                if not sub.empty():
                    children[pe] = sub
        if not members and not children:
            return EMPTY
        return FieldSet(members, children)

    def difference(self, other: FieldSet) -> FieldSet:
        """Members of `self` not in `other`; a parent minus its child keeps the parent, a
        child minus its parent stays (upstream `Difference`)."""
        if self.empty() or other.empty():
            return self
        changed = False
        members = self.members
        if other.members and not members.isdisjoint(other.members):
            members = members - other.members
            changed = True
        children = self.children
        if other.children:
            out: dict[PathElement, FieldSet] = {}
            for pe, sub in self.children.items():
                theirs = other.children.get(pe)
                if theirs is None:
                    out[pe] = sub
                    continue
                d = sub.difference(theirs)
                if d is not sub:
                    changed = True
                if not d.empty():
                    out[pe] = d
            children = out
        if not changed:
            return self
        if not members and not children:
            return EMPTY
        return FieldSet(members, children)

    def recursive_difference(self, other: FieldSet) -> FieldSet:
        """Like `difference`, and a member of `other` also removes everything below it."""
        if self.empty() or other.empty():
            return self
        changed = False
        members = self.members
        if other.members and not members.isdisjoint(other.members):
            members = members - other.members
            changed = True
        out: dict[PathElement, FieldSet] = {}
        for pe, sub in self.children.items():
            if pe in other.members:
                changed = True
                continue
            theirs = other.children.get(pe)
            if theirs is None:
                out[pe] = sub
                continue
            d = sub.recursive_difference(theirs)
            if d is not sub:
                changed = True
            if not d.empty():
                out[pe] = d
        if not changed:
            return self
        if not members and not out:
            return EMPTY
        return FieldSet(members, out)

    # -- FieldsV1 -------------------------------------------------------------------------------

    def to_fields_v1(self) -> dict[str, Any]:
        """The `fieldsV1` trie: `{}` for a member leaf, `"."` for a member with children.
        The result may be shared with other encodings of the same subtree: do not modify
        it."""
        if self._v1 is not None:
            return self._v1
        out: dict[str, Any] = {}
        for pe in sorted(self.members | self.children.keys(), key=sort_key):
            sub = self.children.get(pe)
            if sub is None:
                out[pe] = {}
                continue
            inner = sub.to_fields_v1()
            if pe in self.members:
                inner = {".": {}, **inner}
            out[pe] = inner
        self._v1 = out
        return out

    @classmethod
    def from_fields_v1(cls, trie: Any, *, keep_encoding: bool = False) -> FieldSet:
        """Decode a `fieldsV1` trie; raises ValueError for a malformed one. Keys of unknown
        element types are dropped, as upstream does. `keep_encoding`: the trie is in our own
        encoding (it was stored by us), so it can stand for the set's encoding."""
        if not isinstance(trie, dict):
            raise ValueError("fieldsV1 must be an object")
        s = cls()
        for key, sub in trie.items():
            if key == ".":
                continue
            pe = canonical_path_element(key)
            if pe is None:
                continue
            if not isinstance(sub, dict):
                raise ValueError(f"fieldsV1 value of {key!r} must be an object")
            child = cls.from_fields_v1(sub, keep_encoding=keep_encoding)
            if not sub or "." in sub or child.empty():
                s.members.add(pe)
            if not child.empty():
                s.children[pe] = child
        if keep_encoding:
            s._v1 = trie
        return s


EMPTY = FieldSet()


# ---------------------------------------------------------------------------------------------
# Path elements
# ---------------------------------------------------------------------------------------------


def field_pe(name: str) -> PathElement:
    return "f:" + name


def json_value(v: Any) -> str:
    """Compact JSON as Go's encoder writes it (HTML-escaped, sorted map keys)."""
    out = orjson.dumps(v, option=orjson.OPT_SORT_KEYS).decode()
    if "<" in out or ">" in out or "&" in out or "\u2028" in out or "\u2029" in out:
        out = (
            out.replace("<", "\\u003c")
            .replace(">", "\\u003e")
            .replace("&", "\\u0026")
            .replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029")
        )
    return out


def key_pe(fields: dict[str, Any]) -> PathElement:
    """A map-type list element by its key fields (sorted by name)."""
    return "k:" + json_value(fields)


def value_pe(v: Any) -> PathElement:
    return "v:" + json_value(v)


def index_pe(i: int) -> PathElement:
    return f"i:{i}"


@functools.lru_cache(maxsize=4096)
def canonical_path_element(key: str) -> PathElement | None:
    """A serialized element in our canonical form (client-written `FieldsV1` may space or
    order its JSON differently); None for an unknown element type. ValueError if malformed."""
    if len(key) < 2:
        raise ValueError(f"key must be 2 characters long: {key!r}")
    if key[1] != ":":
        raise ValueError(f"missing colon: {key}")
    kind, body = key[0], key[2:]
    if kind == "f":
        return key
    if kind == "i":
        try:
            return index_pe(int(body))
        except ValueError as err:
            raise ValueError(f"invalid index in {key!r}") from err
    if kind in ("k", "v"):
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError as err:
            raise ValueError(f"invalid JSON in {key!r}") from err
        if kind == "k":
            if not isinstance(value, dict):
                raise ValueError(f"key element {key!r} is not an object")
            return key_pe(value)
        return value_pe(value)
    return None


_KIND_RANK = {"f": 0, "k": 1, "v": 2, "i": 3}


@functools.lru_cache(maxsize=8192)
def sort_key(pe: PathElement) -> tuple[int, Any]:
    """Upstream's element order: field names, then keys, then values, then indexes."""
    rank = _KIND_RANK.get(pe[0], 4)
    if rank == 3:
        return rank, int(pe[2:])
    return rank, pe[2:]


def _go_quote(s: str) -> str:
    return orjson.dumps(s).decode()


def _value_string(v: Any) -> str:
    """structured-merge-diff `value.ToString`: strings quoted, other scalars bare."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return _go_quote(v)
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        return "[" + ",".join(_value_string(e) for e in v) + "]"
    if isinstance(v, dict):
        return "".join(f"{k}={_value_string(e)}" for k, e in v.items())
    return str(v)


def element_string(pe: PathElement) -> str:
    """`PathElement.String()`: `.name`, `[name="web"]`, `[=value]`, `[3]`."""
    kind, body = pe[0], pe[2:]
    if kind == "f":
        return "." + body
    if kind == "k":
        fields = orjson.loads(body)
        return "[" + ",".join(f"{k}={_value_string(v)}" for k, v in fields.items()) + "]"
    if kind == "v":
        return "[=" + _value_string(orjson.loads(body)) + "]"
    return "[" + body + "]"


def path_string(path: Path) -> str:
    """`Path.String()`, e.g. `.spec.template.spec.containers[name="web"].image`."""
    return "".join(element_string(pe) for pe in path)
