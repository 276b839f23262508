"""The coordination.k8s.io/v1 rest-storage map."""

from __future__ import annotations

from kapi.registry.coordination.lease.storage import new_lease_storage
from kapi.storage.interface import Storage


def new_rest_storage(storage: Storage) -> dict[str, object]:
    return {"leases": new_lease_storage(storage)}
