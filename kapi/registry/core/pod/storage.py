"""Pod storage (upstream `pkg/registry/core/pod/storage/storage.go`): the main resource and
`pods/status`, sharing one Store."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.core.pod.printer import PRINTER
from kapi.registry.core.pod.strategy import PodStatusStrategy, PodStrategy
from kapi.registry.generic.store import Store
from kapi.registry.generic.subresource import StatusREST
from kapi.storage.interface import Storage


@dataclass(frozen=True, slots=True)
class PodStorage:
    pod: Store
    status: StatusREST


def new_pod_storage(s: Storage) -> PodStorage:
    store = Store(
        gvk=GroupVersionKind("", "v1", "Pod"),
        resource="pods",
        singular="pod",
        strategy=PodStrategy(),
        storage=s,
        short_names=("po",),
        categories=("all",),
        printer=PRINTER,
        return_deleted_object=True,
    )
    return PodStorage(
        pod=store, status=StatusREST(dataclasses.replace(store, strategy=PodStatusStrategy()))
    )
