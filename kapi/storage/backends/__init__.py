"""Backends of the storage layer and the factory `kapi serve` uses to open one.

Each backend is one module exposing `async def open_backend(path: str, **options) -> Backend`,
imported only when its kind is asked for (so an optional client library is needed only by
the deployments that use it). To add a backend, add one entry to `_BACKENDS`.
"""

from __future__ import annotations

import importlib
from typing import Any

from kapi.storage.interface import Backend

_BACKENDS: dict[str, str] = {
    "memory": "kapi.storage.backends.memory",
    "sqlite": "kapi.storage.backends.sqlite",
    "etcd3": "kapi.storage.backends.etcd3",
}


def backend_kinds() -> list[str]:
    return sorted(_BACKENDS)


async def open_backend(kind: str, *, path: str = "", **options: Any) -> Backend:
    """Open a backend of `kind` ("memory", "sqlite", ...). `path` is the backend's location
    (the database file for sqlite; unused by memory and etcd3); `options` go to the backend
    unchanged (sqlite: synchronous="FULL"|"NORMAL", readers, watch_queue_size, max_batch;
    memory: watch_queue_size; etcd3: servers=[URL, ...], cafile, certfile, keyfile,
    key_prefix, request_timeout, retry_timeout, watch_queue_size). Async because opening may
    start threads or connect. Close it with `await backend.close()`."""
    module_name = _BACKENDS.get(kind)
    if module_name is None:
        raise ValueError(f"unknown storage backend {kind!r}; known: {', '.join(backend_kinds())}")
    module = importlib.import_module(module_name)
    backend: Backend = await module.open_backend(path, **options)
    return backend
