"""Periodic compaction of a backend's history (upstream `etcd3/compact.go`).

Every `interval` seconds the compactor compacts to the revision it saw at the previous tick,
so any revision stays readable (and watchable) for at least one interval; it also always
keeps the newest `retain` revisions (kine keeps 1000).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from kapi.storage.interface import Backend

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 300.0  # upstream --etcd-compaction-interval default: 5 minutes
DEFAULT_RETAIN = 1000


class Compactor:
    def __init__(
        self,
        backend: Backend,
        *,
        interval: float = DEFAULT_INTERVAL,
        retain: int = DEFAULT_RETAIN,
    ) -> None:
        self.backend = backend
        self.interval = interval
        self.retain = retain
        self._seen = 0  # the revision seen at the previous tick
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> int:
        """One compaction cycle. Returns the revision compacted to (0 if none)."""
        current = await self.backend.current_revision()
        target = min(self._seen, current - self.retain)
        self._seen = current
        if target <= 0 or target <= await self.backend.compact_revision():
            return 0
        await self.backend.compact(target)
        return target

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep compacting at the next tick; a lost cycle is harmless
                log.exception("storage compaction failed")
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="compactor")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
