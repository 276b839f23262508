"""Periodic compaction of a backend's history (upstream `etcd3/compact.go`).

Every `interval` seconds the compactor compacts to the revision it saw at the previous tick,
so any revision stays readable (and watchable) for at least one interval; it also always
keeps the newest `retain` revisions (kine keeps 1000).

A backend shared by several servers (etcd3) is `SharedCompaction`: before compacting, the
compactor claims the cycle with upstream's `compact_rev_key` compare-and-swap on a shared
epoch, so that one server compacts per interval, and another takes over when it stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from kapi.storage.interface import Backend

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 300.0  # upstream --etcd-compaction-interval default: 5 minutes
DEFAULT_RETAIN = 1000


@runtime_checkable
class SharedCompaction(Protocol):
    async def claim_compaction(self, epoch: int, revision: int) -> tuple[bool, int, int]:
        """Move the shared epoch from `epoch` to `epoch + 1`, recording `revision`, if it is
        still `epoch`. Returns (won, the epoch now, the revision the claim itself was written
        at, or 0)."""
        ...


class Compactor:
    def __init__(
        self,
        backend: Backend,
        *,
        interval: float = DEFAULT_INTERVAL,
        retain: int = DEFAULT_RETAIN,
        on_compacted: Callable[[int], None] | None = None,
    ) -> None:
        self.backend = backend
        self.interval = interval
        self.retain = retain
        # Told the revision after each compaction (the watch cache trims its windows).
        self.on_compacted = on_compacted
        self._seen = 0  # the revision seen at the previous tick
        self._epoch = 0  # SharedCompaction: the shared epoch as last seen
        self._claim_rev = 0  # SharedCompaction: the revision our last claim was written at
        self._task: asyncio.Task[None] | None = None

    async def tick(self) -> int:
        """One compaction cycle. Returns the revision compacted to (0 if none)."""
        current = await self.backend.current_revision()
        if current == self._claim_rev:
            current = self._seen  # nothing was written since but our own claim
        target = min(self._seen, current - self.retain)
        self._seen = current
        if target <= 0 or target <= await self.backend.compact_revision():
            return 0
        if isinstance(self.backend, SharedCompaction):
            won, self._epoch, self._claim_rev = await self.backend.claim_compaction(
                self._epoch, target
            )
            if not won:
                return 0  # another server compacts this cycle
        await self.backend.compact(target)
        if self.on_compacted is not None:
            self.on_compacted(target)
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
