"""Node storage (cluster-scoped) with `nodes/status`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.core.node.printer import PRINTER
from kapi.registry.core.node.strategy import NodeStatusStrategy, NodeStrategy
from kapi.registry.generic.store import Store
from kapi.registry.generic.subresource import StatusREST
from kapi.storage.interface import Storage


@dataclass(frozen=True, slots=True)
class NodeStorage:
    node: Store
    status: StatusREST


def new_node_storage(s: Storage) -> NodeStorage:
    store = Store(
        gvk=GroupVersionKind("", "v1", "Node"),
        resource="nodes",
        singular="node",
        strategy=NodeStrategy(),
        storage=s,
        short_names=("no",),
        printer=PRINTER,
    )
    return NodeStorage(
        node=store, status=StatusREST(dataclasses.replace(store, strategy=NodeStatusStrategy()))
    )
