"""Finishes graceful pod deletion, the part a kubelet plays upstream.

A DELETE of a scheduled pod only sets `deletionTimestamp` (§9.1); upstream the kubelet
then stops the containers and deletes the pod with grace period 0 and a uid precondition.
kapi runs no containers, so there is nothing to stop: this loop plays a kubelet whose
containers exit at once, and pods leave Terminating promptly instead of never.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from kapi.machinery import errors
from kapi.machinery.options import DeleteOptions, ListOptions, Preconditions
from kapi.registry.context import RequestContext
from kapi.storage.interface import WatchEventType

log = logging.getLogger("kapi.controllers.podtermination")

RETRY_SECONDS = 1.0


class PodTerminationController:
    def __init__(self, pods: Any) -> None:
        self.pods = pods
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                w = await self.pods.watch(RequestContext(), ListOptions())
                async for ev in w:
                    if ev.type in (WatchEventType.ADDED, WatchEventType.MODIFIED):
                        await self.sync(ev.object)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("pod watch failed; restarting")
            await asyncio.sleep(RETRY_SECONDS)

    async def sync(self, pod: dict[str, Any]) -> None:
        meta = pod.get("metadata") or {}
        if not meta.get("deletionTimestamp") or meta.get("finalizers"):
            return
        ctx = RequestContext(namespace=meta.get("namespace", ""))
        options = DeleteOptions(
            grace_period_seconds=0, preconditions=Preconditions(uid=meta.get("uid"))
        )
        try:
            await self.pods.delete(ctx, meta["name"], None, options)
        except errors.StatusError as err:
            if err.code not in (404, 409):
                raise
