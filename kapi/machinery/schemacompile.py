"""Compiling OpenAPI definitions into per-purpose node trees, cached per registry generation.

Pruning, strategic merge patch and server-side apply each walk objects against the kinds'
schemas, each needing a different summary of a schema. What they share is kept here: one
compiled node per definition name (registered before it is filled, so recursive types such
as JSONSchemaProps terminate), a root per GVK, `$ref` resolution including the OpenAPI v3
form of a ref with siblings (`allOf: [{$ref}]`), the schemas whose content is never compiled
(opaque definitions, int-or-string values), and a rebuild when the registry's generation
changes (custom resource definitions come and go at run time).

A user subclasses `SchemaCompiler[N]` and supplies how to make, fill and finish nodes; `fill`
calls `compile` for the sub-schemas it keeps.
"""

from __future__ import annotations

import threading
from typing import Any, Generic, TypeVar

from kapi.machinery.openapi import META, SchemaRegistry, default_registry
from kapi.machinery.schema import GroupVersionKind

N = TypeVar("N")

OBJECT_META = META + "ObjectMeta"

# Types serialized as free-form JSON (custom marshalers in Go): their content is never
# checked or merged against a schema.
OPAQUE = frozenset({
    "io.k8s.apimachinery.pkg.runtime.RawExtension",
    META + "FieldsV1",
    META + "Patch",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray",
})

# An int-or-string value is a scalar whatever else its schema says: never filled.
_INT_OR_STRING = "x-kubernetes-int-or-string"


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def referenced_definition(schema: dict[str, Any]) -> str | None:
    """The definition a schema stands for: a `$ref`, or the v3 `allOf: [{$ref}]` wrapper
    (without its own properties). None for an inline schema."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return ref_name(ref)
    all_of = schema.get("allOf")
    if (
        isinstance(all_of, list)
        and len(all_of) == 1
        and isinstance(all_of[0], dict)
        and isinstance(all_of[0].get("$ref"), str)
        and "properties" not in schema
    ):
        return ref_name(all_of[0]["$ref"])
    return None


class SchemaCompiler(Generic[N]):
    """Definitions compiled once into nodes of type N; thread-safe, rebuilt when the
    registry changes."""

    # Definitions whose node stays as `new_node` made it (never filled).
    opaque: frozenset[str] = frozenset()

    def __init__(self, registry: SchemaRegistry | None = None) -> None:
        self.registry = registry or default_registry()
        self._lock = threading.RLock()
        self._generation = -1
        self._nodes: dict[str, N] = {}
        self._roots: dict[GroupVersionKind, N | None] = {}

    # -- to implement ---------------------------------------------------------------------------

    def new_node(self, name: str) -> N:
        """An empty node for definition `name` ("" for an inline schema), filled by `fill`."""
        raise NotImplementedError

    def fill(self, node: N, name: str, schema: dict[str, Any]) -> None:
        """Fill the node of definition `name` ("" inline) from its (normalized) schema."""
        raise NotImplementedError

    def root_for(self, gvk: GroupVersionKind, name: str | None) -> N | None:
        """The root node of a kind; `name` is its definition (None: the kind has none).
        Default: the definition's node."""
        return None if name is None else self.definition(name)

    def inline(self, node: N) -> N:
        """The node to use for a freshly compiled inline schema (or non-schema: `node` is then
        unfilled). Default: `node` itself; users may return a shared node for an empty one."""
        return node

    # -- provided -------------------------------------------------------------------------------

    def root(self, gvk: GroupVersionKind) -> N | None:
        with self._lock:
            if self._generation != self.registry.generation:
                self._nodes.clear()
                self._roots.clear()
                self._generation = self.registry.generation
            try:
                return self._roots[gvk]
            except KeyError:
                pass
            node = self._roots[gvk] = self.root_for(gvk, self.registry.name_for(gvk))
            return node

    def definition(self, name: str) -> N:
        """The node of a named definition (compiled on first use)."""
        node = self._nodes.get(name)
        if node is None:
            with self._lock:
                node = self._nodes.get(name)
                if node is None:
                    node = self._nodes[name] = self.new_node(name)
                    schema = self.registry.get(name)
                    if (
                        schema is not None
                        and name not in self.opaque
                        and not schema.get(_INT_OR_STRING)
                    ):
                        self.fill(node, name, schema)
        return node

    def compile(self, schema: Any) -> N:
        """The node of a sub-schema: the shared node of the definition it references, else a
        fresh node filled from it (unless it is int-or-string), passed through `inline`."""
        if isinstance(schema, dict):
            if "$ref" in schema or "allOf" in schema:  # most sub-schemas are inline
                name = referenced_definition(schema)
                if name is not None:
                    return self.definition(name)
            node = self.new_node("")
            if not schema.get(_INT_OR_STRING):
                self.fill(node, "", schema)
            return self.inline(node)
        return self.inline(self.new_node(""))
