"""Core v1 Event storage."""

from __future__ import annotations

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.core.event.printer import PRINTER
from kapi.registry.core.event.strategy import EventStrategy
from kapi.registry.generic.store import Store
from kapi.storage.interface import Storage


def new_event_storage(s: Storage) -> Store:
    return Store(
        gvk=GroupVersionKind("", "v1", "Event"),
        resource="events",
        singular="event",
        strategy=EventStrategy(),
        storage=s,
        short_names=("ev",),
        printer=PRINTER,
    )
