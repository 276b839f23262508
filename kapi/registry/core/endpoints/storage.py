"""Endpoints storage."""

from __future__ import annotations

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.core.endpoints.printer import PRINTER
from kapi.registry.core.endpoints.strategy import EndpointsStrategy
from kapi.registry.generic.store import Store
from kapi.storage.interface import Storage


def new_endpoints_storage(s: Storage) -> Store:
    return Store(
        gvk=GroupVersionKind("", "v1", "Endpoints"),
        resource="endpoints",
        singular="endpoints",
        strategy=EndpointsStrategy(),
        storage=s,
        short_names=("ep",),
        printer=PRINTER,
    )
