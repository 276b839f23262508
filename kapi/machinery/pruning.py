"""Unknown-field detection and pruning from the OpenAPI definitions (fieldValidation).

kube-apiserver decodes a built-in object into its Go struct: fields the struct does not
have are dropped, and with `fieldValidation=Strict|Warn` reported by the strict JSON decoder
as `unknown field "spec.template.spec.containers[0].bar"` (sigs.k8s.io/json: struct fields and
map keys joined with ".", list indexes as "[i]", no leading dot, in document order). Custom
resources get the same from structural pruning. We get there from the schemas: each
definition is compiled once into a small tree of nodes, and an object is walked against it.

What a node knows:
- a struct (`properties`): listed fields are walked; others are unknown unless the schema
  has `x-kubernetes-preserve-unknown-fields`;
- a map (`additionalProperties: {schema}`): every value is walked against that schema;
- a list (`items`): every element is walked;
- anything else (scalars, IntOrString, Quantity, RawExtension, FieldsV1, JSON, preserved
  objects): nothing below it is checked.
A `type: object` with neither properties nor additionalProperties is an empty Go struct
(every field unknown), except the opaque types listed in `OPAQUE`.
Object roots, and `x-kubernetes-embedded-resource` objects, always know `apiVersion`, `kind`
and a `metadata` checked against ObjectMeta, whatever their schema says.
"""

from __future__ import annotations

import threading
from typing import Any

from kapi.machinery.schema import GroupVersionKind
from kapi.machinery.schemacompile import OBJECT_META, OPAQUE, SchemaCompiler


class _Node:
    __slots__ = ("closed", "format", "items", "name", "props", "type", "values")

    def __init__(self, name: str = "", type_: str | None = None, format_: str = "") -> None:
        self.props: dict[str, _Node] | None = None  # known fields of a struct
        self.closed = False  # unknown fields of the struct are reported/pruned
        self.values: _Node | None = None  # schema of map values
        self.items: _Node | None = None  # schema of list elements
        self.name = name  # the definition's name ("" inline)
        # The JSON type the Go decoder insists on (None: anything, e.g. IntOrString, Quantity).
        self.type = type_
        self.format = format_


_LEAF = _Node()
_TYPED_LEAVES: dict[tuple[str, str], _Node] = {}


def _typed_leaf(type_: str, format_: str) -> _Node:
    leaf = _TYPED_LEAVES.get((type_, format_))
    if leaf is None:
        leaf = _TYPED_LEAVES[(type_, format_)] = _Node(type_=type_, format_=format_)
    return leaf


# What each schema type accepts (JSON null is always accepted: Go decodes it as the zero value).
_ACCEPTS: dict[str, Any] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
}


class FieldPruner(SchemaCompiler[_Node]):
    """Finds (and drops) fields an object's schema does not have. Compiled nodes are cached
    per definition and rebuilt when the registry changes."""

    opaque = OPAQUE

    # -- public -------------------------------------------------------------------------------

    def unknown_fields(self, gvk: GroupVersionKind, obj: Any) -> list[str]:
        """Paths of the fields in `obj` that the kind's schema does not know, in document
        order (`spec.foo`, `spec.containers[0].bar`). Empty for a kind without a schema."""
        root = self.root(gvk)
        out: list[str] = []
        if root is not None:
            _walk(root, obj, "", out, prune=False)
        return out

    def prune_unknown(self, gvk: GroupVersionKind, obj: Any) -> list[str]:
        """Like `unknown_fields`, and drops those fields from `obj` in place."""
        return self.decode(gvk, obj)[0]

    def decode(self, gvk: GroupVersionKind, obj: Any) -> tuple[list[str], list[str]]:
        """What decoding into the kind's Go struct does: drops unknown fields in place and
        returns (their paths, type mismatches). A mismatch is reported as upstream's decoder
        reports it: `json: cannot unmarshal string into Go struct field Pod.spec.containers
        of type []v1.Container`."""
        root = self.root(gvk)
        out: list[str] = []
        mismatches: list[str] = []
        if root is not None:
            _walk(root, obj, "", out, prune=True, mismatches=mismatches, kind=gvk.kind)
        return out, mismatches

    # -- compilation ---------------------------------------------------------------------------

    def new_node(self, name: str) -> _Node:
        return _Node(name)

    def root_for(self, gvk: GroupVersionKind, name: str | None) -> _Node | None:
        return None if name is None else self._object(self.definition(name))

    def inline(self, node: _Node) -> _Node:
        if node.props is None and node.items is None and node.values is None:
            return _LEAF if node.type is None else _typed_leaf(node.type, node.format)
        return node

    def fill(self, node: _Node, name: str, schema: dict[str, Any]) -> None:
        preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
        type_ = schema.get("type")
        if isinstance(type_, str) and type_ in _ACCEPTS and not preserve:
            node.type = type_
            node.format = str(schema.get("format") or "")
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        items = schema.get("items")
        if isinstance(items, dict):
            node.items = self.compile(items)
        if isinstance(additional, dict):
            node.values = self.compile(additional)
        if isinstance(props, dict):
            node.props = {key: self.compile(sub) for key, sub in props.items()}
            node.closed = not preserve and (additional is None or additional is False)
        elif schema.get("type") == "object" and additional is None and not preserve:
            node.props = {}
            node.closed = True
        if schema.get("x-kubernetes-embedded-resource"):
            embedded = self._object(node)
            node.props, node.closed = embedded.props, embedded.closed

    def _object(self, base: _Node) -> _Node:
        """A resource node: `base` plus apiVersion, kind and ObjectMeta-checked metadata."""
        node = _Node()
        node.props = dict(base.props or {})
        node.props["apiVersion"] = _LEAF
        node.props["kind"] = _LEAF
        node.props["metadata"] = self.definition(OBJECT_META)
        node.closed = base.closed
        node.values = base.values
        return node


def _walk(
    node: _Node,
    value: Any,
    path: str,
    out: list[str],
    prune: bool,
    mismatches: list[str] | None = None,
    kind: str = "",
) -> None:
    if (
        mismatches is not None
        and node.type is not None
        and value is not None
        and not _ACCEPTS[node.type](value)
    ):
        mismatches.append(_mismatch(node, value, path, kind))
        return
    if isinstance(value, dict):
        props = node.props
        values = node.values
        if props is not None:
            for key in list(value) if prune else value:
                child = props.get(key)
                here = f"{path}.{key}" if path else key
                if child is None:
                    if node.closed:
                        out.append(here)
                        if prune:
                            del value[key]
                    elif values is not None:
                        _walk(values, value[key], here, out, prune, mismatches, kind)
                elif prune and value[key] is None:
                    # Go leaves a null field at its zero value, which the JSON omits.
                    del value[key]
                elif child is not _LEAF:
                    _walk(child, value[key], here, out, prune, mismatches, kind)
        elif values is not None and values is not _LEAF:
            for key, sub in value.items():
                if sub is None and prune and values.type == "string":
                    value[key] = ""  # a null map[string]string value decodes as ""
                    continue
                here = f"{path}.{key}" if path else key
                _walk(values, sub, here, out, prune, mismatches, kind)
    elif isinstance(value, list):
        items = node.items
        if items is not None and items is not _LEAF:
            for i, sub in enumerate(value):
                _walk(items, sub, f"{path}[{i}]", out, prune, mismatches, kind)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _go_type(node: _Node) -> str:
    """The Go type upstream's message names, as near as the schema tells it."""
    if node.type == "object":
        if node.props is not None and node.name:
            return ".".join(node.name.rsplit(".", 2)[-2:])  # e.g. v1.PodSpec
        if node.values is not None:
            return f"map[string]{_go_type(node.values)}"
        return "map[string]interface {}"
    if node.type == "array":
        return f"[]{_go_type(node.items) if node.items is not None else 'interface {}'}"
    if node.type == "integer":
        return node.format if node.format in ("int32", "int64") else "int"
    if node.type == "number":
        return "float64"
    if node.type == "boolean":
        return "bool"
    if node.type == "string":
        return "string"
    return "interface {}"


def _mismatch(node: _Node, value: Any, path: str, kind: str) -> str:
    # Go names the field by its path without list indexes.
    field = ".".join(p.split("[", 1)[0] for p in path.split(".")) if path else ""
    where = f"Go struct field {kind}.{field}" if field else "Go value"
    return f"json: cannot unmarshal {_json_kind(value)} into {where} of type {_go_type(node)}"


_default: FieldPruner | None = None
_default_lock = threading.Lock()


def default_pruner() -> FieldPruner:
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = FieldPruner()
    return _default


def unknown_fields(gvk: GroupVersionKind, obj: Any) -> list[str]:
    """Unknown-field paths of `obj` against the built-in (and registered) definitions."""
    return default_pruner().unknown_fields(gvk, obj)


def prune_unknown(gvk: GroupVersionKind, obj: Any) -> list[str]:
    """Drop `obj`'s unknown fields in place and return their paths."""
    return default_pruner().prune_unknown(gvk, obj)


def decode(gvk: GroupVersionKind, obj: Any) -> tuple[list[str], list[str]]:
    """`FieldPruner.decode` with the shared pruner: (unknown field paths, type mismatches)."""
    return default_pruner().decode(gvk, obj)
