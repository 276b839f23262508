"""ReplicaSet storage: the resource, `replicasets/status` and `replicasets/scale`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.apps.replicaset.printer import PRINTER
from kapi.registry.apps.replicaset.strategy import ReplicaSetStatusStrategy, ReplicaSetStrategy
from kapi.registry.apps.scale import ScaleREST
from kapi.registry.generic.store import Store
from kapi.registry.generic.subresource import StatusREST
from kapi.storage.interface import Storage


@dataclass(frozen=True, slots=True)
class ReplicaSetStorage:
    replica_set: Store
    status: StatusREST
    scale: ScaleREST


def new_replica_set_storage(s: Storage) -> ReplicaSetStorage:
    store = Store(
        gvk=GroupVersionKind("apps", "v1", "ReplicaSet"),
        resource="replicasets",
        singular="replicaset",
        strategy=ReplicaSetStrategy(),
        storage=s,
        short_names=("rs",),
        categories=("all",),
        printer=PRINTER,
    )
    return ReplicaSetStorage(
        replica_set=store,
        status=StatusREST(dataclasses.replace(store, strategy=ReplicaSetStatusStrategy())),
        scale=ScaleREST(store),
    )
