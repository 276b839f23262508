"""A control loop driven by one resource's watch: it re-watches (with synthetic ADDED events
for the current state) whenever the watch ends, so handlers see every object again after a
gap, as informers do after a relist."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from kapi.machinery.options import ListOptions
from kapi.registry.context import RequestContext
from kapi.storage.interface import WatchEventType

RETRY_SECONDS = 1.0


class WatchLoop:
    """Subclasses implement `handle(obj)`, called for every added or modified object."""

    log = logging.getLogger("kapi.controllers")

    def __init__(self, watched: Any) -> None:
        self.watched = watched
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def handle(self, obj: dict[str, Any]) -> None:
        raise NotImplementedError

    async def _run(self) -> None:
        while True:
            try:
                w = await self.watched.watch(RequestContext(), ListOptions())
                async for ev in w:
                    if ev.type in (WatchEventType.ADDED, WatchEventType.MODIFIED):
                        await self.handle(ev.object)
            except asyncio.CancelledError:
                raise
            except Exception:
                self.log.exception("%s: watch failed; restarting", type(self).__name__)
            await asyncio.sleep(RETRY_SECONDS)
