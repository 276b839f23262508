"""Keeps a `default` ServiceAccount in every active namespace (upstream's serviceaccounts
controller in kube-controller-manager); clients and pods expect it to exist."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from kapi.machinery import errors
from kapi.machinery.options import CreateOptions, ListOptions
from kapi.registry.context import RequestContext
from kapi.storage.interface import WatchEventType

log = logging.getLogger("kapi.controllers.serviceaccount")

DEFAULT_NAME = "default"
RETRY_SECONDS = 1.0


class ServiceAccountController:
    def __init__(self, namespaces: Any, serviceaccounts: Any) -> None:
        self.namespaces = namespaces
        self.serviceaccounts = serviceaccounts
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
                w = await self.namespaces.watch(RequestContext(), ListOptions())
                async for ev in w:
                    if ev.type in (WatchEventType.ADDED, WatchEventType.MODIFIED):
                        await self.ensure(ev.object)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("namespace watch failed; restarting")
            await asyncio.sleep(RETRY_SECONDS)

    async def ensure(self, namespace: dict[str, Any]) -> None:
        meta = namespace.get("metadata") or {}
        if meta.get("deletionTimestamp") or (namespace.get("status") or {}).get("phase") not in (
            None,
            "Active",
        ):
            return
        ns = meta["name"]
        sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": DEFAULT_NAME}}
        try:
            await self.serviceaccounts.create(
                RequestContext(namespace=ns), sa, None, CreateOptions()
            )
        except errors.StatusError as err:
            # AlreadyExists is the common case; 403/404 mean the namespace is going away.
            if err.code not in (403, 404, 409):
                raise
