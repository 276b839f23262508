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

from kapi.machinery.openapi import META, SchemaRegistry, default_registry
from kapi.machinery.schema import GroupVersionKind

OBJECT_META = META + "ObjectMeta"

# Types serialized as free-form JSON (custom marshalers in Go): their content is never
# checked against a schema.
OPAQUE = frozenset({
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    META + "FieldsV1",
    META + "Patch",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
})


class _Node:
    __slots__ = ("closed", "items", "props", "values")

    def __init__(self) -> None:
        self.props: dict[str, _Node] | None = None  # known fields of a struct
        self.closed = False  # unknown fields of the struct are reported/pruned
        self.values: _Node | None = None  # schema of map values
        self.items: _Node | None = None  # schema of list elements


_LEAF = _Node()


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


class FieldPruner:
    """Finds (and drops) fields an object's schema does not have. Compiled nodes are cached
    per definition and rebuilt when the registry changes."""

    def __init__(self, registry: SchemaRegistry | None = None) -> None:
        self.registry = registry or default_registry()
        self._lock = threading.Lock()
        self._generation = -1
        self._nodes: dict[str, _Node] = {}
        self._roots: dict[GroupVersionKind, _Node | None] = {}

    # -- public -------------------------------------------------------------------------------

    def unknown_fields(self, gvk: GroupVersionKind, obj: Any) -> list[str]:
        """Paths of the fields in `obj` that the kind's schema does not know, in document
        order (`spec.foo`, `spec.containers[0].bar`). Empty for a kind without a schema."""
        root = self._root(gvk)
        out: list[str] = []
        if root is not None:
            _walk(root, obj, "", out, prune=False)
        return out

    def prune_unknown(self, gvk: GroupVersionKind, obj: Any) -> list[str]:
        """Like `unknown_fields`, and drops those fields from `obj` in place."""
        root = self._root(gvk)
        out: list[str] = []
        if root is not None:
            _walk(root, obj, "", out, prune=True)
        return out

    # -- compilation ---------------------------------------------------------------------------

    def _root(self, gvk: GroupVersionKind) -> _Node | None:
        with self._lock:
            if self._generation != self.registry.generation:
                self._nodes.clear()
                self._roots.clear()
                self._generation = self.registry.generation
            if gvk in self._roots:
                return self._roots[gvk]
            name = self.registry.name_for(gvk)
            root = None if name is None else self._object(self._definition(name))
            self._roots[gvk] = root
            return root

    def _object(self, base: _Node) -> _Node:
        """A resource node: `base` plus apiVersion, kind and ObjectMeta-checked metadata."""
        node = _Node()
        node.props = dict(base.props or {})
        node.props["apiVersion"] = _LEAF
        node.props["kind"] = _LEAF
        node.props["metadata"] = self._definition(OBJECT_META)
        node.closed = base.closed
        node.values = base.values
        return node

    def _definition(self, name: str) -> _Node:
        node = self._nodes.get(name)
        if node is None:
            # Registered before filling, so recursive types (JSONSchemaProps) terminate.
            node = self._nodes[name] = _Node()
            schema = self.registry.get(name)
            if schema is not None and name not in OPAQUE:
                self._fill(node, schema)
        return node

    def _compile(self, schema: Any) -> _Node:
        if not isinstance(schema, dict):
            return _LEAF
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._definition(_ref_name(ref))
        all_of = schema.get("allOf")
        if (isinstance(all_of, list) and len(all_of) == 1 and isinstance(all_of[0], dict)
                and "$ref" in all_of[0] and "properties" not in schema):
            return self._compile(all_of[0])  # the v3 form of a ref with siblings
        node = _Node()
        self._fill(node, schema)
        if node.props is None and node.items is None and node.values is None:
            return _LEAF
        return node

    def _fill(self, node: _Node, schema: dict[str, Any]) -> None:
        if schema.get("x-kubernetes-int-or-string"):
            return
        preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
        props = schema.get("properties")
        additional = schema.get("additionalProperties")
        items = schema.get("items")
        if isinstance(items, dict):
            node.items = self._compile(items)
        if isinstance(additional, dict):
            node.values = self._compile(additional)
        if isinstance(props, dict):
            node.props = {key: self._compile(sub) for key, sub in props.items()}
            node.closed = not preserve and (additional is None or additional is False)
        elif schema.get("type") == "object" and additional is None and not preserve:
            node.props = {}
            node.closed = True
        if schema.get("x-kubernetes-embedded-resource"):
            embedded = self._object(node)
            node.props, node.closed = embedded.props, embedded.closed


def _walk(node: _Node, value: Any, path: str, out: list[str], prune: bool) -> None:
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
                        _walk(values, value[key], here, out, prune)
                elif child is not _LEAF:
                    _walk(child, value[key], here, out, prune)
        elif values is not None and values is not _LEAF:
            for key, sub in value.items():
                _walk(values, sub, f"{path}.{key}" if path else key, out, prune)
    elif isinstance(value, list):
        items = node.items
        if items is not None and items is not _LEAF:
            for i, sub in enumerate(value):
                _walk(items, sub, f"{path}[{i}]", out, prune)


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
