"""Runs the storage conformance suite against every backend.

To cover another backend, add its name to `BACKENDS` and a branch to `open_test_backend`;
the cases in `conformance.py` do not change.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from kapi.storage.backends import open_backend
from kapi.storage.generic import BackendStorage
from kapi.storage.interface import Backend
from tests.storage.conformance import CASES, Harness

BACKENDS = ["memory", "sqlite"]
WATCH_QUEUE_SIZE = 1000
BOOKMARK_INTERVAL = 0.1


async def open_test_backend(kind: str, tmp_path: Path) -> Backend:
    if kind == "memory":
        return await open_backend("memory", watch_queue_size=WATCH_QUEUE_SIZE)
    if kind == "sqlite":
        return await open_backend(
            "sqlite", path=str(tmp_path / "kapi.db"), watch_queue_size=WATCH_QUEUE_SIZE
        )
    raise ValueError(kind)


@pytest.fixture(params=BACKENDS)
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    backend = await open_test_backend(request.param, tmp_path)
    storage = BackendStorage(backend, bookmark_interval=BOOKMARK_INTERVAL)
    try:
        yield Harness(
            storage,
            backend.compact,
            watch_queue_size=WATCH_QUEUE_SIZE,
            bookmark_interval=BOOKMARK_INTERVAL,
        )
    finally:
        await backend.close()


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
async def test_conformance(harness: Harness, case: Callable[[Harness], Awaitable[None]]) -> None:
    await case(harness)
