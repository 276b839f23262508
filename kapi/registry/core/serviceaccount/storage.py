"""ServiceAccount storage."""

from __future__ import annotations

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.core.serviceaccount.printer import PRINTER
from kapi.registry.core.serviceaccount.strategy import ServiceAccountStrategy
from kapi.registry.generic.store import Store
from kapi.storage.interface import Storage


def new_serviceaccount_storage(s: Storage) -> Store:
    return Store(
        gvk=GroupVersionKind("", "v1", "ServiceAccount"),
        resource="serviceaccounts",
        singular="serviceaccount",
        strategy=ServiceAccountStrategy(),
        storage=s,
        short_names=("sa",),
        printer=PRINTER,
        return_deleted_object=True,
    )
