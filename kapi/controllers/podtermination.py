"""Finishes graceful pod deletion, the part a kubelet plays upstream.

A DELETE of a scheduled pod only sets `deletionTimestamp` (§9.1); upstream the kubelet
then stops the containers and deletes the pod with grace period 0 and a uid precondition.
kapi runs no containers, so there is nothing to stop: this loop plays a kubelet whose
containers exit at once, and pods leave Terminating promptly instead of never.
"""

from __future__ import annotations

from typing import Any

from kapi.controllers.loop import WatchLoop
from kapi.machinery import errors
from kapi.machinery.options import DeleteOptions, Preconditions
from kapi.registry.context import RequestContext


class PodTerminationController(WatchLoop):
    def __init__(self, pods: Any) -> None:
        super().__init__(pods)

    async def handle(self, pod: dict[str, Any]) -> None:
        meta = pod.get("metadata") or {}
        if not meta.get("deletionTimestamp") or meta.get("finalizers"):
            return
        ctx = RequestContext(namespace=meta.get("namespace", ""))
        options = DeleteOptions(
            grace_period_seconds=0, preconditions=Preconditions(uid=meta.get("uid"))
        )
        try:
            await self.watched.delete(ctx, meta["name"], None, options)
        except errors.StatusError as err:
            if err.code not in (404, 409):
                raise
