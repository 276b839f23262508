"""ConfigMap storage."""

from __future__ import annotations

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.core.configmap.printer import PRINTER
from kapi.registry.core.configmap.strategy import ConfigMapStrategy
from kapi.registry.generic.store import Store
from kapi.storage.interface import Storage


def new_configmap_storage(s: Storage) -> Store:
    return Store(
        gvk=GroupVersionKind("", "v1", "ConfigMap"),
        resource="configmaps",
        singular="configmap",
        strategy=ConfigMapStrategy(),
        storage=s,
        short_names=("cm",),
        printer=PRINTER,
    )
