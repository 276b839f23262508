"""Namespace lifecycle controller (upstream `pkg/controller/namespace`, run in
kube-controller-manager there): empties a terminating namespace, then removes the
`kubernetes` finalizer through `namespaces/finalize`, which deletes the namespace.

It is a client of the registry's verb interfaces, like any API client, without the HTTP hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from kapi.machinery import errors
from kapi.machinery.options import DeleteOptions, GetOptions, ListOptions, UpdateOptions
from kapi.machinery.schema import GroupVersion
from kapi.registry import rest
from kapi.registry.context import RequestContext
from kapi.registry.generic.updated_object import DefaultUpdatedObjectInfo
from kapi.storage.interface import WatchEventType

log = logging.getLogger("kapi.controllers.namespace")

FINALIZER = "kubernetes"
RETRY_SECONDS = 1.0


class NamespaceController:
    def __init__(self, groups: dict[GroupVersion, dict[str, Any]]) -> None:
        core = groups[GroupVersion("", "v1")]
        self.namespaces = core["namespaces"]
        self.finalize = core["namespaces/finalize"]
        # Every namespaced top-level resource that can be emptied.
        self.contents: list[Any] = []
        for storage_map in groups.values():
            for name, storage in storage_map.items():
                if "/" in name or name == "namespaces":
                    continue
                if (
                    isinstance(storage, rest.Scoper)
                    and storage.namespace_scoped()
                    and isinstance(storage, rest.CollectionDeleter)
                    and isinstance(storage, rest.Lister)
                ):
                    self.contents.append(storage)
        self._task: asyncio.Task[None] | None = None
        self._pending: set[str] = set()
        self._wake = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        watcher = asyncio.create_task(self._watch())
        try:
            while True:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), RETRY_SECONDS)
                self._wake.clear()
                for name in list(self._pending):
                    try:
                        if await self.sync(name):
                            self._pending.discard(name)
                    except Exception:
                        log.exception("namespace %s: deletion failed, will retry", name)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    async def _watch(self) -> None:
        ctx = RequestContext()
        while True:
            try:
                w = await self.namespaces.watch(ctx, ListOptions())
                async for ev in w:
                    if ev.type in (WatchEventType.ADDED, WatchEventType.MODIFIED):
                        meta = ev.object.get("metadata") or {}
                        if meta.get("deletionTimestamp"):
                            self._pending.add(meta["name"])
                            self._wake.set()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("namespace watch failed; restarting")
            await asyncio.sleep(RETRY_SECONDS)

    async def sync(self, name: str) -> bool:
        """Returns True when nothing is left to do for this namespace."""
        ctx = RequestContext()
        try:
            ns = await self.namespaces.get(ctx, name, GetOptions())
        except errors.StatusError as err:
            if err.code == 404:
                return True
            raise
        if not ns["metadata"].get("deletionTimestamp"):
            return True
        finalizers = (ns.get("spec") or {}).get("finalizers") or []
        if FINALIZER not in finalizers:
            return True
        ns_ctx = RequestContext(namespace=name)
        remaining = 0
        for storage in self.contents:
            # Grace 0: there is no kubelet to finish a graceful pod deletion.
            with contextlib.suppress(errors.StatusError):
                await storage.delete_collection(
                    ns_ctx, None, DeleteOptions(grace_period_seconds=0), ListOptions()
                )
            left = await storage.list(ns_ctx, ListOptions(limit=1))
            remaining += len(left["items"])
        if remaining:
            return False
        ns["spec"]["finalizers"] = [f for f in finalizers if f != FINALIZER]
        try:
            # A namespace deleted with Orphan or Foreground propagation still carries the
            # garbage collector's finalizer; the garbage collector removes it.
            await self.finalize.update(
                ctx, name, DefaultUpdatedObjectInfo(ns), None, None, False, UpdateOptions()
            )
        except errors.StatusError as err:
            if err.code in (404,):
                return True
            if err.code == 409:
                return False
            raise
        return True
