"""Objects walked against their schema the way server-side apply sees them (upstream
sigs.k8s.io/structured-merge-diff `typed` and `schema`, with the schema conversion of
kube-openapi `schemaconv`).

Each definition compiles once into a `TypeNode` saying how its values merge:

- a map (`properties` and/or `additionalProperties`) is granular (each key its own field)
  unless `x-kubernetes-map-type: atomic`; a struct's undeclared keys take `elem` (map values,
  or "deduced" under `x-kubernetes-preserve-unknown-fields`);
- a list is `atomic`, a `set` of scalars, or a `map` keyed by `x-kubernetes-list-map-keys`,
  from `x-kubernetes-list-type`, else from the patch strategy (`merge` with a merge key is a
  map, `merge` without one a set), else atomic;
- scalars, IntOrString, Quantity, and the opaque types (RawExtension, FieldsV1, ...) are
  leaves: owned and replaced whole;
- values with no schema (a kind the registry does not know, preserved unknown fields) are
  "deduced": maps granular, lists atomic.

The walkers implement what server-side apply needs from a typed value: its field set
(`to_field_set`), a comparison of two values (`compare`: added, modified and removed
fields), a merge of an applied configuration into a live object (`merge`), the removal of a
set of fields (`remove_items`), and the validation of an applied configuration
(`validate`). Values are plain decoded JSON; nothing here mutates its inputs.
"""

from __future__ import annotations

from typing import Any

from kapi.machinery.fieldpath import (
    EMPTY,
    FieldSet,
    Path,
    PathElement,
    element_string,
    field_pe,
    key_pe,
    path_string,
    value_pe,
)
from kapi.machinery.openapi import META
from kapi.machinery.schema import GroupVersionKind
from kapi.machinery.schemacompile import SchemaCompiler, referenced_definition

OBJECT_META = META + "ObjectMeta"

# Serialized as free-form JSON by custom marshalers: owned whole.
UNTYPED_DEFINITIONS = frozenset(
    {
        "io.k8s.apimachinery.pkg.runtime.RawExtension",
        META + "FieldsV1",
        META + "Patch",
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    }
)

# Defaults of list-map key fields that the definitions we read do not publish (upstream's
# OpenAPI v3 carries them as `default`): a port without a protocol is keyed as TCP.
KEY_DEFAULTS: dict[tuple[str, str], Any] = {
    ("io.k8s.api.core.v1.ContainerPort", "protocol"): "TCP",
    ("io.k8s.api.core.v1.ServicePort", "protocol"): "TCP",
}


class TypeNode:
    """How a value of one schema type merges. A node may describe maps, lists or both (a
    deduced node does); a value the node has no container form for is a leaf."""

    __slots__ = (
        "elem",
        "fields",
        "item",
        "key_defaults",
        "keys",
        "list_atomic",
        "map_atomic",
        "name",
    )

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.fields: dict[str, TypeNode] | None = None  # declared struct fields
        self.elem: TypeNode | None = None  # type of undeclared keys; None: not allowed
        self.map_atomic = True  # True: dicts are leaves
        self.item: TypeNode | None = None  # list element type
        self.list_atomic = True  # True: lists are leaves
        self.keys: tuple[str, ...] = ()  # list-map keys, sorted; () for a set
        self.key_defaults: dict[str, Any] = {}

    def field(self, key: str) -> TypeNode:
        """The type of a map key (a declared field, else the element type)."""
        fields = self.fields
        if fields is not None:
            found = fields.get(key)
            if found is not None:
                return found
        return self.elem or DEDUCED

    def declares(self, key: str) -> bool:
        return self.fields is not None and key in self.fields

    def copy(self) -> TypeNode:
        out = TypeNode(self.name)
        for slot in TypeNode.__slots__:
            setattr(out, slot, getattr(self, slot))
        return out

    def __repr__(self) -> str:
        kinds = []
        if not self.map_atomic:
            kinds.append("map")
        if not self.list_atomic:
            kinds.append(f"list{list(self.keys)}")
        return f"TypeNode({self.name or '-'}: {' '.join(kinds) or 'leaf'})"


LEAF = TypeNode("leaf")
DEDUCED = TypeNode("deduced")
DEDUCED.map_atomic = False
DEDUCED.elem = DEDUCED
DEDUCED.item = LEAF


def _make_deduced(node: TypeNode) -> None:
    node.map_atomic = False
    node.fields = None
    node.elem = DEDUCED
    node.list_atomic = True
    node.item = LEAF


class TypedSchemas(SchemaCompiler[TypeNode]):
    """`TypeNode`s of the registry's definitions; `root(gvk)` for a kind (a deduced root for
    a kind without a schema)."""

    def new_node(self, name: str) -> TypeNode:
        return TypeNode(name)

    def fill(self, node: TypeNode, name: str, schema: dict[str, Any]) -> None:
        if name in UNTYPED_DEFINITIONS:
            return
        self._fill(node, schema)

    def root_for(self, gvk: GroupVersionKind, name: str | None) -> TypeNode | None:
        if name is None:
            return DEDUCED
        base = self.definition(name)
        if base.fields is not None and "metadata" in base.fields:
            return base
        # Custom resource schemas may leave out the object fields every kind has.
        root = base.copy()
        root.map_atomic = False
        root.fields = dict(base.fields or {})
        root.fields.setdefault("apiVersion", LEAF)
        root.fields.setdefault("kind", LEAF)
        root.fields["metadata"] = self.definition(OBJECT_META)
        return root

    def type_for(self, gvk: GroupVersionKind) -> TypeNode:
        return self.root(gvk) or DEDUCED

    # -- compilation ---------------------------------------------------------------------------

    def _compile(self, schema: Any) -> TypeNode:
        if not isinstance(schema, dict):
            return DEDUCED
        name = referenced_definition(schema)
        if name is not None:
            node = self.definition(name)
            # A `$ref` may carry its own map type (kube-openapi `makeRef`).
            map_type = schema.get("x-kubernetes-map-type")
            if map_type in ("atomic", "granular") and node.fields is not None:
                atomic = map_type == "atomic"
                if atomic != node.map_atomic:
                    node = node.copy()
                    node.map_atomic = atomic
            return node
        node = TypeNode()
        self._fill(node, schema)
        return node

    def _fill(self, node: TypeNode, schema: dict[str, Any]) -> None:
        if (
            schema.get("x-kubernetes-int-or-string")
            or schema.get("format") == "int-or-string"
            or "oneOf" in schema
            or "anyOf" in schema
        ):
            return
        typ = schema.get("type")
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        items = schema.get("items")
        preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
        if typ == "array" or isinstance(items, dict):
            node.item = self._compile(items) if isinstance(items, dict) else DEDUCED
            self._list_semantics(node, schema, items)
        elif typ == "object" or isinstance(props, dict) or additional not in (None, False):
            node.map_atomic = schema.get("x-kubernetes-map-type") == "atomic"
            if isinstance(props, dict):
                node.fields = {k: self._compile(v) for k, v in props.items()}
            if isinstance(additional, dict):
                node.elem = self._compile(additional)
            elif additional is True or not isinstance(props, dict) or preserve:
                node.elem = DEDUCED
            if preserve:
                node.elem = DEDUCED
        elif typ is None:
            # No type at all: anything goes (kube-openapi's "arbitrary" becomes deduced).
            _make_deduced(node)

    def _list_semantics(self, node: TypeNode, schema: dict[str, Any], items: Any) -> None:
        list_type = schema.get("x-kubernetes-list-type")
        keys: list[str] = []
        if list_type is not None:
            if list_type == "atomic":
                return
            if list_type == "map":
                raw = schema.get("x-kubernetes-list-map-keys")
                keys = [k for k in raw if isinstance(k, str)] if isinstance(raw, list) else []
                if not keys:
                    return
            elif list_type != "set":
                return
        else:
            strategy = schema.get("x-kubernetes-patch-strategy")
            if not isinstance(strategy, str) or "merge" not in strategy.split(","):
                return
            merge_key = schema.get("x-kubernetes-patch-merge-key")
            if isinstance(merge_key, str):
                keys = [merge_key]
        node.list_atomic = False
        node.keys = tuple(sorted(keys))
        if keys:
            node.key_defaults = self._key_defaults(items, keys)

    def _key_defaults(self, items: Any, keys: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if not isinstance(items, dict):
            return out
        name = referenced_definition(items)
        schema = self.registry.get(name) if name is not None else items
        props = (schema or {}).get("properties") or {}
        for k in keys:
            sub = props.get(k)
            if isinstance(sub, dict) and "default" in sub:
                out[k] = sub["default"]
            elif name is not None and (name, k) in KEY_DEFAULTS:
                out[k] = KEY_DEFAULTS[(name, k)]
        return out


_default: TypedSchemas | None = None


def default_schemas() -> TypedSchemas:
    global _default
    if _default is None:
        _default = TypedSchemas()
    return _default


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


class TypedError(Exception):
    """A value that does not fit its schema (upstream `ValidationErrors`)."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        if len(errors) == 1:
            text = errors[0]
        else:
            text = "\n".join(["errors:", *("  " + e for e in errors)])
        super().__init__(text)


def _err(path: Path, message: str) -> str:
    return f"{path_string(path)}: {message}" if path else message


# ---------------------------------------------------------------------------------------------
# List element identity
# ---------------------------------------------------------------------------------------------

_MISSING: Any = object()


def item_path_element(node: TypeNode, item: Any) -> PathElement:
    """The element of a granular list item (upstream `listItemToPathElement`); ValueError
    with upstream's text when the item cannot be identified."""
    keys = node.keys
    if keys:
        if item is None:
            raise ValueError("associative list with keys may not have a null element")
        if not isinstance(item, dict):
            raise ValueError("associative list with keys may not have non-map elements")
        if len(keys) == 1:
            k = keys[0]
            v = item.get(k, _MISSING)
            if v is _MISSING:
                v = node.key_defaults.get(k, _MISSING)
                if v is _MISSING:
                    raise ValueError(
                        "associative list with keys has an element that omits key field "
                        f'"{k}" (and doesn\'t have default value)'
                    )
            return key_pe({k: v})
        fields: dict[str, Any] = {}
        for k in keys:
            v = item.get(k, _MISSING)
            if v is _MISSING:
                v = node.key_defaults.get(k, _MISSING)
                if v is _MISSING:
                    raise ValueError(
                        "associative list with keys has an element that omits key field "
                        f'"{k}" (and doesn\'t have default value)'
                    )
            fields[k] = v
        return key_pe(fields)
    if isinstance(item, dict):
        raise ValueError("associative list without keys has an element that's a map type")
    if isinstance(item, list):
        raise ValueError("not supported: associative list with lists as elements")
    if item is None:
        raise ValueError("associative list without keys has an element that's an explicit null")
    return value_pe(item)


def _index(node: TypeNode, items: list[Any], strict: bool) -> dict[PathElement, Any]:
    """Items by element, first occurrence kept; `strict` rejects duplicates."""
    out: dict[PathElement, Any] = {}
    for i, item in enumerate(items):
        try:
            pe = item_path_element(node, item)
        except ValueError as err:
            raise TypedError([f"element {i}: {err}"]) from None
        if pe in out:
            if strict:
                raise TypedError([f"duplicate entries for key {element_string(pe)}"])
            continue
        out[pe] = item
    return out


def _container(node: TypeNode, v: Any) -> int:
    """0: a leaf here; 1: a granular map; 2: a granular list. Null counts as an empty
    container of the node's kind (a map first, as upstream's atom handling)."""
    if isinstance(v, dict):
        return 0 if node.map_atomic else 1
    if isinstance(v, list):
        return 0 if node.list_atomic else 2
    if v is None:
        if not node.map_atomic:
            return 1
        if not node.list_atomic:
            return 2
    return 0


# ---------------------------------------------------------------------------------------------
# Field sets
# ---------------------------------------------------------------------------------------------


def to_field_set(node: TypeNode, value: Any) -> FieldSet:
    """Every field of `value` (upstream `TypedValue.ToFieldSet`): leaves, list items, and
    the undeclared keys of maps are members; declared struct fields holding maps or lists
    are only parents."""
    out = _tfs(node, value)
    return out if out is not None else EMPTY


def _tfs(node: TypeNode, v: Any) -> FieldSet | None:
    kind = _container(node, v)
    if kind == 1:
        if not v:
            return None
        members: set[PathElement] = set()
        children: dict[PathElement, FieldSet] = {}
        fields = node.fields
        for k, val in v.items():
            pe = "f:" + k
            child = fields.get(k) if fields is not None else None
            if child is None:
                members.add(pe)
                child = node.elem or DEDUCED
            elif _container(child, val) == 0:
                members.add(pe)
            sub = _tfs(child, val)
            if sub is not None:
                children[pe] = sub
        return FieldSet(members, children) if members or children else None
    if kind == 2:
        if not v:
            return None
        item = node.item or DEDUCED
        members = set()
        children = {}
        for i, val in enumerate(v):
            try:
                pe = item_path_element(node, val)
            except ValueError as err:
                raise TypedError([f"element {i}: {err}"]) from None
            members.add(pe)
            sub = _tfs(item, val)
            if sub is not None:
                children[pe] = sub
        return FieldSet(members, children)
    return None


def ensure_named_fields_are_members(node: TypeNode, s: FieldSet) -> FieldSet:
    """`s` plus, as members, every declared struct field it has children under (upstream
    `EnsureNamedFieldsAreMembers`: a field owned through its children is owned itself)."""
    if not s.children:
        return s
    members = s.members
    children: dict[PathElement, FieldSet] = {}
    added: set[PathElement] = set()
    for pe, sub in s.children.items():
        if pe[0] == "f":
            key = pe[2:]
            if node.declares(key) and pe not in members:
                added.add(pe)
            child = node.field(key)
        elif pe[0] == "k" and node.item is not None:
            child = node.item
        else:
            child = LEAF
        children[pe] = ensure_named_fields_are_members(child, sub)
    return FieldSet(members | added if added else members, children)


# ---------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------


class Comparison:
    """Fields added, modified and removed from one value to another."""

    __slots__ = ("added", "modified", "removed")

    def __init__(self, added: FieldSet, modified: FieldSet, removed: FieldSet) -> None:
        self.added = added
        self.modified = modified
        self.removed = removed

    def same(self) -> bool:
        return self.added.empty() and self.modified.empty() and self.removed.empty()

    def exclude(self, reset: FieldSet) -> Comparison:
        """Drop the fields under `reset` (upstream `Comparison.ExcludeFields`)."""
        if reset.empty():
            return self
        return Comparison(
            self.added.recursive_difference(reset),
            self.modified.recursive_difference(reset),
            self.removed.recursive_difference(reset),
        )

    def __repr__(self) -> str:
        return f"Comparison(+{self.added}, ~{self.modified}, -{self.removed})"


class _Diff:
    __slots__ = ("a", "m", "r")

    def __init__(self) -> None:
        self.a: FieldSet | None = None
        self.m: FieldSet | None = None
        self.r: FieldSet | None = None


def compare(node: TypeNode, lhs: Any, rhs: Any) -> Comparison:
    """What changed from `lhs` to `rhs` (upstream `TypedValue.Compare`). Leaves are compared
    by value; a container only counts as added or removed when it appears or disappears;
    equal subtrees are skipped at once, which keeps the common write cheap."""
    d = _Diff()
    if lhs != rhs:
        _diff_value(node, lhs, rhs, d)
    return Comparison(d.a or EMPTY, d.m or EMPTY, d.r or EMPTY)


def _diff_value(node: TypeNode, lhs: Any, rhs: Any, d: _Diff) -> None:
    kind = _container(node, lhs)
    if kind == 1 and _container(node, rhs) == 1:
        _diff_map(node, lhs, rhs, d)
    elif kind == 2 and _container(node, rhs) == 2:
        _diff_list(node, lhs, rhs, d)


def _empty(v: Any) -> bool:
    return v is None or v == {} or v == []


def _diff_item(child: TypeNode, pe: PathElement, lv: Any, rv: Any, d: _Diff) -> None:
    """One map key or list element, `lv` or `rv` possibly _MISSING, the two not equal."""
    if lv is _MISSING:
        kind = _container(child, rv)
    elif rv is _MISSING:
        kind = _container(child, lv)
    else:
        kind = _container(child, lv)
        if kind != _container(child, rv):
            kind = 0
    if kind and (lv is _MISSING or _empty(lv)) and (rv is _MISSING or _empty(rv)):
        kind = 0  # both empty: a leaf, so empty and null stay distinct
    if kind == 0:
        if lv is _MISSING:
            d.a = _member(d.a, pe)
        elif rv is _MISSING:
            d.r = _member(d.r, pe)
        else:
            d.m = _member(d.m, pe)
        return
    sub = _Diff()
    if kind == 1:
        _diff_map(
            child,
            None if lv is _MISSING else lv,
            None if rv is _MISSING else rv,
            sub,
        )
    else:
        _diff_list(
            child,
            None if lv is _MISSING else lv,
            None if rv is _MISSING else rv,
            sub,
        )
    if sub.a is not None:
        d.a = _child(d.a, pe, sub.a)
    if sub.m is not None:
        d.m = _child(d.m, pe, sub.m)
    if sub.r is not None:
        d.r = _child(d.r, pe, sub.r)
    if lv is _MISSING:
        d.a = _member(d.a, pe)
    elif rv is _MISSING:
        d.r = _member(d.r, pe)


def _member(s: FieldSet | None, pe: PathElement) -> FieldSet:
    if s is None:
        s = FieldSet()
    s.members.add(pe)
    return s


def _child(s: FieldSet | None, pe: PathElement, sub: FieldSet) -> FieldSet:
    if s is None:
        s = FieldSet()
    s.children[pe] = sub
    return s


def _diff_map(
    node: TypeNode, lhs: dict[str, Any] | None, rhs: dict[str, Any] | None, d: _Diff
) -> None:
    fields = node.fields
    elem = node.elem or DEDUCED
    if lhs:
        for k, lv in lhs.items():
            rv = rhs.get(k, _MISSING) if rhs else _MISSING
            if rv is not _MISSING and (lv is rv or lv == rv):
                continue
            child = (fields.get(k) if fields is not None else None) or elem
            _diff_item(child, "f:" + k, lv, rv, d)
    if rhs:
        for k, rv in rhs.items():
            if lhs and k in lhs:
                continue
            child = (fields.get(k) if fields is not None else None) or elem
            _diff_item(child, "f:" + k, _MISSING, rv, d)


def _diff_list(node: TypeNode, lhs: list[Any] | None, rhs: list[Any] | None, d: _Diff) -> None:
    item = node.item or DEDUCED
    lmap = _index(node, lhs, False) if lhs else {}
    rmap = _index(node, rhs, False) if rhs else {}
    for pe, lv in lmap.items():
        rv = rmap.get(pe, _MISSING)
        if rv is not _MISSING and (lv is rv or lv == rv):
            continue
        _diff_item(item, pe, lv, rv, d)
    for pe, rv in rmap.items():
        if pe not in lmap:
            _diff_item(item, pe, _MISSING, rv, d)


# ---------------------------------------------------------------------------------------------
# Merge
# ---------------------------------------------------------------------------------------------


def merge(node: TypeNode, lhs: Any, rhs: Any) -> Any:
    """`rhs` (an applied configuration) merged into `lhs` (upstream `TypedValue.Merge`,
    rule "keep RHS"): granular maps merge by key and granular lists by element (live order
    kept, new elements placed as the configuration orders them); everything else takes the
    configuration's value. A configured null removes the field."""
    if (
        _container(node, lhs) == 1
        and _container(node, rhs) == 1
        and not (_empty(lhs) and _empty(rhs))
    ):
        return _merge_map(node, lhs or {}, rhs or {})
    if (
        _container(node, lhs) == 2
        and _container(node, rhs) == 2
        and not (_empty(lhs) and _empty(rhs))
    ):
        return _merge_list(node, lhs or [], rhs or [])
    return rhs


def _merge_map(node: TypeNode, lhs: dict[str, Any], rhs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, lv in lhs.items():
        rv = rhs.get(k, _MISSING)
        if rv is _MISSING:
            out[k] = lv
        elif rv is not None:
            out[k] = merge(node.field(k), lv, rv)
    for k, rv in rhs.items():
        if k not in lhs and rv is not None:
            out[k] = rv
    return out


def _merge_list(node: TypeNode, lhs: list[Any], rhs: list[Any]) -> list[Any]:
    """Upstream's `visitListItems` order: live items stay where they are, configured items
    are placed in the configuration's order relative to the items both lists share."""
    item = node.item or DEDUCED
    rmap = _index(node, rhs, True)
    rpes = list(rmap)
    lpes: list[PathElement] = []
    lmap: dict[PathElement, Any] = {}
    extra: dict[int, Any] = {}  # live duplicates of elements the configuration lacks
    for i, v in enumerate(lhs):
        try:
            pe = item_path_element(node, v)
        except ValueError as err:
            raise TypedError([f"element {i}: {err}"]) from None
        if pe in lmap:
            if pe not in rmap:
                extra[len(lpes) - 1] = v
            continue
        lmap[pe] = v
        lpes.append(pe)
    shared = [pe for pe in rpes if pe in lmap]
    si = 0
    next_shared = shared[0] if shared else None
    done: set[PathElement] = set()
    out: list[Any] = []
    li = ri = 0
    nl, nr = len(lpes), len(rpes)

    def advance() -> None:
        nonlocal si, next_shared
        si += 1
        next_shared = shared[si] if si < len(shared) else None

    while li < nl or ri < nr:
        if li < nl and ri < nr:
            pe = lpes[li]
            if pe == rpes[ri]:
                out.append(merge(item, lmap[pe], rmap[pe]))
                done.add(pe)
                li += 1
                ri += 1
                advance()
                continue
            if pe in rmap and next_shared is not None and next_shared != pe:
                li += 1
                continue
        if li < nl:
            pe = lpes[li]
            if pe not in rmap:
                out.append(lmap[pe])
                if li in extra:
                    out.append(extra[li])
                li += 1
                continue
            if pe in done:
                li += 1
                continue
        if ri < nr:
            pe = rpes[ri]
            lv = lmap.get(pe, _MISSING)
            out.append(rmap[pe] if lv is _MISSING else merge(item, lv, rmap[pe]))
            done.add(pe)
            ri += 1
            if next_shared is not None and next_shared == pe:
                advance()
        elif li < nl:
            li += 1  # an element already merged; nothing left to place it against
    return out


# ---------------------------------------------------------------------------------------------
# Removal
# ---------------------------------------------------------------------------------------------


def remove_items(node: TypeNode, value: Any, s: FieldSet) -> Any:
    """`value` without the fields in `s` (upstream `TypedValue.RemoveItems`). A member
    removes the field with everything under it; a container emptied by the removal goes
    too."""
    if s.empty():
        return value
    kind = _container(node, value)
    if kind == 1 and value:
        out: dict[str, Any] = {}
        members, children = s.members, s.children
        for k, v in value.items():
            pe = "f:" + k
            if pe in members:
                continue
            sub = children.get(pe)
            if sub is not None:
                nv = remove_items(node.field(k), v, sub)
                if (isinstance(nv, (dict, list)) and not nv) and v:
                    continue
                v = nv
            out[k] = v
        return out
    if kind == 2 and value:
        item = node.item or DEDUCED
        items: list[Any] = []
        for v in value:
            try:
                pe = item_path_element(node, v)
            except ValueError:
                items.append(v)
                continue
            if pe in s.members:
                continue
            sub = s.children.get(pe)
            if sub is not None:
                v = remove_items(item, v, sub)
            items.append(v)
        return items
    return value


# ---------------------------------------------------------------------------------------------
# Validation of applied configurations
# ---------------------------------------------------------------------------------------------


def validate(node: TypeNode, value: Any) -> None:
    """Raise TypedError if `value` does not fit the schema the way upstream's typed
    conversion checks an applied configuration: undeclared struct fields, list elements
    without their keys, duplicate list elements."""
    errs: list[str] = []
    _validate(node, value, (), errs)
    if errs:
        raise TypedError(errs)


def _validate(node: TypeNode, v: Any, path: Path, errs: list[str]) -> None:
    kind = _container(node, v)
    if kind == 1 and v:
        fields = node.fields
        for k, val in v.items():
            child = fields.get(k) if fields is not None else None
            if child is None:
                if node.elem is None and fields is not None:
                    errs.append(_err((*path, field_pe(k)), "field not declared in schema"))
                    continue
                child = node.elem or DEDUCED
            _validate(child, val, (*path, field_pe(k)), errs)
    elif kind == 2 and v:
        item = node.item or DEDUCED
        seen: set[PathElement] = set()
        for i, val in enumerate(v):
            try:
                pe = item_path_element(node, val)
            except ValueError as err:
                errs.append(_err(path, f"element {i}: {err}"))
                continue
            if pe in seen:
                errs.append(_err(path, f"duplicate entries for key {element_string(pe)}"))
                continue
            seen.add(pe)
            _validate(item, val, (*path, pe), errs)
