"""Compiling OpenAPI definitions into per-purpose node trees, cached per registry generation.

Pruning, strategic merge patch and server-side apply each walk objects against the kinds'
schemas, each needing a different summary of a schema. What they share is kept here: one
compiled node per definition name (registered before it is filled, so recursive types such
as JSONSchemaProps terminate), a root per GVK, `$ref` resolution including the OpenAPI v3
form of a ref with siblings (`allOf: [{$ref}]`), and a rebuild when the registry's
generation changes (custom resource definitions come and go at run time).

A user subclasses `SchemaCompiler[N]` and supplies how to make, fill and finish nodes.
"""

from __future__ import annotations

import threading
from typing import Any, Generic, TypeVar

from kapi.machinery.openapi import SchemaRegistry, default_registry
from kapi.machinery.schema import GroupVersionKind

N = TypeVar("N")


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

    def __init__(self, registry: SchemaRegistry | None = None) -> None:
        self.registry = registry or default_registry()
        self._lock = threading.RLock()
        self._generation = -1
        self._nodes: dict[str, N] = {}
        self._roots: dict[GroupVersionKind, N | None] = {}

    # -- to implement ---------------------------------------------------------------------------

    def new_node(self, name: str) -> N:
        """An empty node for definition `name`, filled by `fill` once registered."""
        raise NotImplementedError

    def fill(self, node: N, name: str, schema: dict[str, Any]) -> None:
        """Fill the node of definition `name` from its (normalized) schema."""
        raise NotImplementedError

    def root_for(self, gvk: GroupVersionKind, name: str | None) -> N | None:
        """The root node of a kind; `name` is its definition (None: the kind has none).
        Default: the definition's node."""
        return None if name is None else self.definition(name)

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
                    if schema is not None:
                        self.fill(node, name, schema)
        return node
