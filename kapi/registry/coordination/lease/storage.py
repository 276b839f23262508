"""Lease storage."""

from __future__ import annotations

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.coordination.lease.printer import PRINTER
from kapi.registry.coordination.lease.strategy import LeaseStrategy
from kapi.registry.generic.store import Store
from kapi.storage.interface import Storage


def new_lease_storage(s: Storage) -> Store:
    return Store(
        gvk=GroupVersionKind("coordination.k8s.io", "v1", "Lease"),
        resource="leases",
        singular="lease",
        strategy=LeaseStrategy(),
        storage=s,
        printer=PRINTER,
    )
