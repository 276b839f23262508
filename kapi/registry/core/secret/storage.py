"""Secret storage."""

from __future__ import annotations

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.core.secret.printer import PRINTER
from kapi.registry.core.secret.strategy import SecretStrategy
from kapi.registry.generic.store import Store
from kapi.storage.interface import Storage


def new_secret_storage(s: Storage) -> Store:
    return Store(
        gvk=GroupVersionKind("", "v1", "Secret"),
        resource="secrets",
        singular="secret",
        strategy=SecretStrategy(),
        storage=s,
        printer=PRINTER,
    )
