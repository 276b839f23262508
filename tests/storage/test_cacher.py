"""The watch cache: the storage conformance suite run against `CachedStorage` over every
backend (the same cases as `test_backends.py`, unchanged), plus cacher-specific behaviour."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from kapi.storage.backends import open_backend
from kapi.storage.cacher import CachedStorage
from kapi.storage.generic import BackendStorage
from kapi.storage.interface import Backend
from tests.storage.conformance import CASES, Harness

BACKENDS = ["memory", "sqlite"]
BACKEND_WATCH_QUEUE = 1000  # the cache's own backend watch
WATCHER_QUEUE_SIZE = 1000  # each client watch of the cache
BOOKMARK_INTERVAL = 0.1


async def open_test_backend(kind: str, tmp_path: Path, **options: int) -> Backend:
    options.setdefault("watch_queue_size", BACKEND_WATCH_QUEUE)
    if kind == "memory":
        return await open_backend("memory", **options)
    return await open_backend("sqlite", path=str(tmp_path / "kapi.db"), **options)


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    b = await open_test_backend(request.param, tmp_path)
    try:
        yield b
    finally:
        await b.close()


@pytest.fixture
async def cached(backend: Backend) -> AsyncIterator[CachedStorage]:
    inner = BackendStorage(backend, bookmark_interval=BOOKMARK_INTERVAL)
    # Poll the backend's compaction point on every read, so that the conformance cases'
    # compactions are seen at once (the default polls every 15 s, as upstream does).
    async with CachedStorage(
        inner, backend, watcher_queue_size=WATCHER_QUEUE_SIZE, compaction_poll_interval=0.0
    ) as s:
        yield s


@pytest.fixture
def harness(cached: CachedStorage, backend: Backend) -> Harness:
    return Harness(
        cached,
        backend.compact,
        watch_queue_size=WATCHER_QUEUE_SIZE,
        bookmark_interval=BOOKMARK_INTERVAL,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
async def test_conformance(harness: Harness, case: Callable[[Harness], Awaitable[None]]) -> None:
    await case(harness)
