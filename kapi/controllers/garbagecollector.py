"""Garbage collector: cascading deletion by `metadata.ownerReferences` (upstream
`pkg/controller/garbagecollector`, run in kube-controller-manager there).

It keeps a graph of owner uid -> dependents, fed by a list + watch of every top-level resource
that can be listed and watched, and acts on it as upstream does:

- Background: once every owner of a dependent is gone (looked up by name and checked by uid,
  so an owner replaced by a new object of the same name is gone), the dependent is deleted.
  A dependent whose owner never existed goes the same way, after a verification read.
- Foreground: an owner with deletionTimestamp and `foregroundDeletion` gets its dependents
  deleted; once none of those with `blockOwnerDeletion: true` is left, the finalizer is
  removed, which deletes the owner (ShouldDeleteDuringUpdate).
- Orphan: an owner with deletionTimestamp and `orphan` has its reference removed from its
  dependents, then the finalizer is removed.

Namespaced owners own dependents in their own namespace only; cluster-scoped owners may own
namespaced dependents. The graph is rebuilt from lists on every (re)start and after a watch
breaks; decisions are always taken on live reads, never on the graph alone.

Like the other controllers it is a client of the registry's verb interfaces, without the HTTP
hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kapi.machinery import errors
from kapi.machinery.options import (
    DeleteOptions,
    GetOptions,
    ListOptions,
    Preconditions,
    UpdateOptions,
)
from kapi.machinery.schema import GroupVersion
from kapi.registry import rest
from kapi.registry.context import RequestContext
from kapi.storage.interface import WatchEventType

log = logging.getLogger("kapi.controllers.garbagecollector")

Object = dict[str, Any]

ORPHAN = "orphan"
FOREGROUND = "foregroundDeletion"
# Upstream's default `--gc-ignored-resources`: events are never owners nor collected.
IGNORED_RESOURCES = frozenset({("", "events"), ("events.k8s.io", "events")})
WORKERS = 4
LIST_PAGE_SIZE = 500
RELIST_DELAY_SECONDS = 1.0
RETRY_BASE_SECONDS = 0.1
RETRY_MAX_SECONDS = 60.0
ABSENT_OWNER_CACHE_SIZE = 1000


@dataclass(eq=False, slots=True)
class Resource:
    """One watched resource, and how its owner references are resolved to it."""

    name: str
    group: str
    kind: str
    namespaced: bool
    storage: Any


@dataclass(frozen=True, slots=True)
class OwnerRef:
    api_version: str
    kind: str
    name: str
    block: bool


@dataclass(slots=True)
class Node:
    """What the graph knows of one observed object."""

    uid: str
    resource: Resource
    namespace: str
    name: str
    owners: dict[str, OwnerRef]
    being_deleted: bool
    deleting_dependents: bool
    orphaning: bool


# Work items: ("delete", uid) runs upstream's attemptToDeleteItem, ("orphan", uid) its
# attemptToOrphanWorker.
Item = tuple[str, str]


class _Unresolvable(Exception):
    """An owner reference names a kind that is not served (yet): retry later."""


class _NamespacedOwnerOfClusterScopedObject(Exception):
    """Invalid reference that no retry fixes: such a dependent is never collected."""


class WorkQueue:
    """client-go's workqueue semantics: an item is queued at most once, and an item added
    while it is being processed is queued again when it is done."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Item] = asyncio.Queue()
        self._dirty: set[Item] = set()
        self._processing: set[Item] = set()
        self._failures: dict[Item, int] = {}
        self._timers: set[asyncio.TimerHandle] = set()

    def add(self, item: Item) -> None:
        if item in self._dirty:
            return
        self._dirty.add(item)
        if item not in self._processing:
            self._queue.put_nowait(item)

    def add_rate_limited(self, item: Item) -> None:
        n = self._failures.get(item, 0)
        self._failures[item] = n + 1
        delay = min(RETRY_BASE_SECONDS * 2**n, RETRY_MAX_SECONDS)
        handle: asyncio.TimerHandle

        def fire() -> None:
            self._timers.discard(handle)
            self.add(item)

        handle = asyncio.get_running_loop().call_later(delay, fire)
        self._timers.add(handle)

    def forget(self, item: Item) -> None:
        self._failures.pop(item, None)

    async def get(self) -> Item:
        item = await self._queue.get()
        self._dirty.discard(item)
        self._processing.add(item)
        return item

    def done(self, item: Item) -> None:
        self._processing.discard(item)
        if item in self._dirty:
            self._queue.put_nowait(item)

    def idle(self) -> bool:
        """Nothing queued or in progress (retries waiting out their backoff aside)."""
        return not self._dirty and not self._processing

    def close(self) -> None:
        for handle in self._timers:
            handle.cancel()
        self._timers.clear()


class _Mutation:
    """An update computed from the current object inside the store's retry loop, guarded by
    a uid precondition; it never creates (some kinds allow create-on-update)."""

    def __init__(self, uid: str, fn: Callable[[Object], None]) -> None:
        self.uid = uid
        self.fn = fn

    def preconditions(self) -> tuple[str | None, str | None]:
        return self.uid, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        if old is None:
            raise errors.StatusError(404, "NotFound", "the object is gone")
        obj = copy.deepcopy(old)
        self.fn(obj)
        return obj


def _meta(obj: Object) -> dict[str, Any]:
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _finalizers(meta: dict[str, Any]) -> list[Any]:
    f = meta.get("finalizers")
    return f if isinstance(f, list) else []


def _owner_refs(meta: dict[str, Any]) -> dict[str, OwnerRef]:
    refs: dict[str, OwnerRef] = {}
    raw = meta.get("ownerReferences")
    for ref in raw if isinstance(raw, list) else []:
        if not isinstance(ref, dict) or not ref.get("uid"):
            continue
        refs[str(ref["uid"])] = OwnerRef(
            api_version=str(ref.get("apiVersion") or ""),
            kind=str(ref.get("kind") or ""),
            name=str(ref.get("name") or ""),
            block=ref.get("blockOwnerDeletion") is True,
        )
    return refs


def _group_of(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def _points_at(ref: OwnerRef, owner: Node, dependent: Node) -> bool:
    """Whether `ref` names the observed `owner` as seen from `dependent` (upstream
    `ownerReferenceMatchesCoordinates` plus the namespace rule)."""
    res = owner.resource
    if res.namespaced and owner.namespace != dependent.namespace:
        return False
    return (_group_of(ref.api_version), ref.kind, ref.name) == (res.group, res.kind, owner.name)


def _deleting_dependents(meta: dict[str, Any]) -> bool:
    return bool(meta.get("deletionTimestamp")) and FOREGROUND in _finalizers(meta)


class GarbageCollector:
    def __init__(self, groups: dict[GroupVersion, dict[str, Any]]) -> None:
        self.resources: list[Resource] = []
        self._by_kind: dict[tuple[str, str], Resource] = {}
        for gv, storage_map in groups.items():
            for name, storage in storage_map.items():
                if "/" in name or (gv.group, name) in IGNORED_RESOURCES:
                    continue
                if not (
                    isinstance(storage, rest.Lister)
                    and isinstance(storage, rest.Watcher)
                    and isinstance(storage, rest.Getter)
                    and isinstance(storage, rest.Storage)
                ):
                    continue
                kind = str(storage.new().get("kind") or "")
                if not kind or (gv.group, kind) in self._by_kind:
                    continue
                namespaced = isinstance(storage, rest.Scoper) and storage.namespace_scoped()
                res = Resource(name, gv.group, kind, namespaced, storage)
                self.resources.append(res)
                self._by_kind[(gv.group, kind)] = res
        self.nodes: dict[str, Node] = {}
        # owner uid -> uids of the observed objects that reference it (the owner itself may
        # never have been observed).
        self.dependents: dict[str, set[str]] = {}
        self.queue = WorkQueue()
        # (owner uid, namespace looked in): verified absent. uids are never reused.
        self._absent: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._synced = asyncio.Event()
        self._pending_lists = len(self.resources)
        self._tasks: list[asyncio.Task[None]] = []

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        for res in self.resources:
            self._tasks.append(asyncio.create_task(self._informer(res)))
        for _ in range(WORKERS):
            self._tasks.append(asyncio.create_task(self._worker()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        self.queue.close()

    async def wait_synced(self) -> None:
        await self._synced.wait()

    # -- graph building (upstream GraphBuilder) ----------------------------------------------

    async def _informer(self, res: Resource) -> None:
        first = True
        while True:
            try:
                rv = await self._relist(res)
                if first:
                    first = False
                    self._list_done()
                w = await res.storage.watch(
                    RequestContext(), ListOptions(resource_version=rv, watch=True)
                )
                try:
                    async for ev in w:
                        if ev.type is WatchEventType.ERROR:
                            break
                        if ev.type is WatchEventType.DELETED:
                            self._remove(str(_meta(ev.object).get("uid") or ""))
                        elif ev.type in (WatchEventType.ADDED, WatchEventType.MODIFIED):
                            self._observe(res, ev.object)
                finally:
                    await w.stop()
            except asyncio.CancelledError:
                raise
            except errors.StatusError as err:  # e.g. 410: the list's revision was compacted
                log.warning("%s: list/watch failed (%s); relisting", res.name, err.message)
            except Exception:
                log.exception("%s: list/watch failed; relisting", res.name)
            await asyncio.sleep(RELIST_DELAY_SECONDS)

    async def _relist(self, res: Resource) -> str:
        """List everything of `res` and make the graph match it; returns the list's RV."""
        ctx = RequestContext()
        seen: set[str] = set()
        options = ListOptions(limit=LIST_PAGE_SIZE)
        while True:
            out = await res.storage.list(ctx, options)
            for obj in out.get("items") or []:
                seen.add(str(_meta(obj).get("uid") or ""))
                self._observe(res, obj)
            list_meta = out.get("metadata") or {}
            if not list_meta.get("continue"):
                break
            options = ListOptions(limit=LIST_PAGE_SIZE, continue_token=list_meta["continue"])
        for uid, node in list(self.nodes.items()):
            if node.resource is res and uid not in seen:
                self._remove(uid)
        return str(list_meta.get("resourceVersion") or "")

    def _list_done(self) -> None:
        self._pending_lists -= 1
        if self._pending_lists > 0:
            return
        # Every resource is listed: verify the owners nothing has shown (upstream's
        # "virtual" nodes), which finds dependents whose owner never existed.
        for uid, node in self.nodes.items():
            if any(self._needs_verification(node, owner) for owner in node.owners):
                self.queue.add(("delete", uid))
        self._synced.set()

    def _observe(self, res: Resource, obj: Object) -> None:
        meta = _meta(obj)
        uid = str(meta.get("uid") or "")
        if not uid:
            return
        old = self.nodes.get(uid)
        being_deleted = bool(meta.get("deletionTimestamp"))
        finalizers = _finalizers(meta)
        node = Node(
            uid=uid,
            resource=res,
            namespace=str(meta.get("namespace") or ""),
            name=str(meta.get("name") or ""),
            owners=_owner_refs(meta),
            being_deleted=being_deleted,
            deleting_dependents=being_deleted and FOREGROUND in finalizers,
            orphaning=being_deleted and ORPHAN in finalizers,
        )
        self.nodes[uid] = node
        old_owners = old.owners if old is not None else {}
        for owner_uid, ref in old_owners.items():
            new_ref = node.owners.get(owner_uid)
            if new_ref is None:
                self._unlink(owner_uid, uid)
            # A blocking reference went away: the owner may be waiting for exactly that.
            if ref.block and (new_ref is None or not new_ref.block):
                self._enqueue_if_deleting_dependents(owner_uid)
        for owner_uid in node.owners.keys() - old_owners.keys():
            self.dependents.setdefault(owner_uid, set()).add(uid)
            # Before every resource is listed an unseen owner proves nothing; the check
            # runs for the whole graph once the lists are in.
            seen = self._synced.is_set() or owner_uid in self.nodes
            if seen and self._needs_verification(node, owner_uid):
                self.queue.add(("delete", uid))
        # Transitions into a GC deletion (upstream processTransitions).
        if node.orphaning and not (old is not None and old.orphaning):
            self.queue.add(("orphan", uid))
        elif node.deleting_dependents and not (old is not None and old.deleting_dependents):
            for dep in self.dependents.get(uid, ()):
                self.queue.add(("delete", dep))
            self.queue.add(("delete", uid))

    def _needs_verification(self, node: Node, owner_uid: str) -> bool:
        """Whether `node`'s reference to `owner_uid` has to be checked by a live read: the
        owner was never seen (it may never have existed), is deleting its dependents, or is
        not what the reference names as seen from `node` (a namespaced owner in another
        namespace, another kind or name), in which case it is absent for `node`."""
        owner = self.nodes.get(owner_uid)
        if owner is None or owner.deleting_dependents:
            return True
        return not _points_at(node.owners[owner_uid], owner, node)

    def _remove(self, uid: str) -> None:
        node = self.nodes.pop(uid, None)
        if node is None:
            return
        for owner_uid in node.owners:
            self._unlink(owner_uid, uid)
            self._enqueue_if_deleting_dependents(owner_uid)
        deps = self.dependents.get(uid)
        if deps:
            self._mark_absent(uid, node.namespace if node.resource.namespaced else "")
            for dep in deps:
                self.queue.add(("delete", dep))

    def _unlink(self, owner_uid: str, dependent_uid: str) -> None:
        deps = self.dependents.get(owner_uid)
        if deps is not None:
            deps.discard(dependent_uid)
            if not deps:
                del self.dependents[owner_uid]

    def _enqueue_if_deleting_dependents(self, uid: str) -> None:
        owner = self.nodes.get(uid)
        if owner is not None and owner.deleting_dependents:
            self.queue.add(("delete", uid))

    def _mark_absent(self, uid: str, namespace: str) -> None:
        self._absent[(uid, namespace)] = None
        self._absent.move_to_end((uid, namespace))
        while len(self._absent) > ABSENT_OWNER_CACHE_SIZE:
            self._absent.popitem(last=False)

    # -- workers (upstream GarbageCollector) ------------------------------------------------

    async def _worker(self) -> None:
        await self._synced.wait()
        while True:
            item = await self.queue.get()
            try:
                kind, uid = item
                if kind == "orphan":
                    await self._attempt_to_orphan(uid)
                else:
                    await self._attempt_to_delete(uid)
            except asyncio.CancelledError:
                raise
            except _Unresolvable as err:
                log.debug("%s: %s; will retry", item, err)
                self.queue.add_rate_limited(item)
            except Exception:
                log.exception("garbage collection of %s failed; will retry", item)
                self.queue.add_rate_limited(item)
            else:
                self.queue.forget(item)
            finally:
                self.queue.done(item)

    async def _attempt_to_delete(self, uid: str) -> None:
        """Upstream `attemptToDeleteItem`: delete the object if it has owner references and
        none of its owners is solid; drop references to absent or foreground-deleting owners
        if some owner is solid; finish a foreground deletion once nothing blocks it."""
        node = self.nodes.get(uid)
        if node is None:
            return
        latest = await self._get(node.resource, node.namespace, node.name)
        if latest is None or _meta(latest).get("uid") != uid:
            return  # gone; its DELETED event (or the next relist) updates the graph
        meta = _meta(latest)
        if _deleting_dependents(meta):
            await self._process_deleting_dependents(node)
            return
        if meta.get("deletionTimestamp"):
            return  # on its way out; its dependents are handled when it is gone
        refs = _owner_refs(meta)
        if not refs:
            return
        try:
            solid, dangling, waiting = await self._classify(node, refs)
        except _NamespacedOwnerOfClusterScopedObject:
            log.info(
                "%s %s refers to a namespaced owner; not collected", node.resource.name, node.name
            )
            return
        if solid:
            if dangling or waiting:
                stale = set(dangling) | set(waiting)
                await self._update(node, lambda obj: _drop_owner_refs(obj, stale))
            return
        if waiting and self.dependents.get(uid):
            # Deleting in the foreground down the chain. A dependent that is itself waiting
            # for its dependents could close a cycle: unblock our own references first.
            if any(
                (dep := self.nodes.get(d)) is not None and dep.deleting_dependents
                for d in self.dependents[uid]
            ):
                await self._update(node, _unblock_owner_refs)
            await self._delete(node, "Foreground")
            return
        finalizers = _finalizers(meta)
        if ORPHAN in finalizers:
            policy = "Orphan"
        elif FOREGROUND in finalizers:
            policy = "Foreground"
        else:
            policy = "Background"
        await self._delete(node, policy)

    async def _process_deleting_dependents(self, owner: Node) -> None:
        blocking = [
            dep
            for d in self.dependents.get(owner.uid, ())
            if (dep := self.nodes.get(d)) is not None
            and (ref := dep.owners.get(owner.uid)) is not None
            and ref.block
        ]
        if not blocking:
            await self._update(owner, lambda obj: _drop_finalizer(obj, FOREGROUND))
            return
        for dep in blocking:
            if not dep.deleting_dependents:
                self.queue.add(("delete", dep.uid))

    async def _attempt_to_orphan(self, uid: str) -> None:
        """Upstream `attemptToOrphanWorker`: remove the owner's references from its
        dependents, then its `orphan` finalizer."""
        owner = self.nodes.get(uid)
        if owner is None or not owner.orphaning:
            return
        for dep_uid in list(self.dependents.get(uid, ())):
            dep = self.nodes.get(dep_uid)
            if dep is not None:
                await self._update(dep, lambda obj: _drop_owner_refs(obj, {uid}))
        await self._update(owner, lambda obj: _drop_finalizer(obj, ORPHAN))

    async def _classify(
        self, node: Node, refs: dict[str, OwnerRef]
    ) -> tuple[list[str], list[str], list[str]]:
        """(solid, dangling, waiting-for-dependents-deletion) owner uids, from live reads."""
        solid: list[str] = []
        dangling: list[str] = []
        waiting: list[str] = []
        for owner_uid, ref in refs.items():
            res = self._by_kind.get((_group_of(ref.api_version), ref.kind))
            if res is None:
                raise _Unresolvable(f"no served kind {ref.kind} in {ref.api_version!r}")
            if res.namespaced and not node.namespace:
                raise _NamespacedOwnerOfClusterScopedObject
            namespace = node.namespace if res.namespaced else ""
            if (owner_uid, namespace) in self._absent:
                dangling.append(owner_uid)
                continue
            owner = await self._get(res, namespace, ref.name)
            if owner is None or _meta(owner).get("uid") != owner_uid:
                self._mark_absent(owner_uid, namespace)
                dangling.append(owner_uid)
            elif _deleting_dependents(_meta(owner)):
                waiting.append(owner_uid)
            else:
                solid.append(owner_uid)
        return solid, dangling, waiting

    # -- API calls --------------------------------------------------------------------------

    @staticmethod
    async def _get(res: Resource, namespace: str, name: str) -> Object | None:
        try:
            obj: Object = await res.storage.get(
                RequestContext(namespace=namespace), name, GetOptions()
            )
        except errors.StatusError as err:
            if err.code == 404:
                return None
            raise
        return obj

    async def _delete(self, node: Node, policy: str) -> None:
        storage = node.resource.storage
        if not isinstance(storage, rest.GracefulDeleter):
            return
        log.info("deleting %s %s/%s (%s)", node.resource.name, node.namespace, node.name, policy)
        options = DeleteOptions(
            propagation_policy=policy, preconditions=Preconditions(uid=node.uid)
        )
        try:
            await storage.delete(RequestContext(namespace=node.namespace), node.name, None, options)
        except errors.StatusError as err:
            # 404: already gone; 409: the uid no longer matches, so this one is gone too.
            if err.code not in (404, 409):
                raise

    async def _update(self, node: Node, fn: Callable[[Object], None]) -> None:
        storage = node.resource.storage
        if not isinstance(storage, rest.Updater):
            return
        try:
            await storage.update(
                RequestContext(namespace=node.namespace),
                node.name,
                _Mutation(node.uid, fn),
                None,
                None,
                False,
                UpdateOptions(),
            )
        except errors.StatusError as err:
            if err.code != 404 and not _uid_mismatch(err):
                raise


def _uid_mismatch(err: errors.StatusError) -> bool:
    return err.code == 409 and "UID" in err.message


def _drop_owner_refs(obj: Object, uids: set[str]) -> None:
    meta = _meta(obj)
    refs = meta.get("ownerReferences")
    if not isinstance(refs, list):
        return
    kept = [r for r in refs if not (isinstance(r, dict) and r.get("uid") in uids)]
    if len(kept) == len(refs):
        return
    if kept:
        meta["ownerReferences"] = kept
    else:
        meta.pop("ownerReferences", None)


def _unblock_owner_refs(obj: Object) -> None:
    refs = _meta(obj).get("ownerReferences")
    for ref in refs if isinstance(refs, list) else []:
        if isinstance(ref, dict) and ref.get("blockOwnerDeletion") is True:
            ref["blockOwnerDeletion"] = False


def _drop_finalizer(obj: Object, finalizer: str) -> None:
    meta = _meta(obj)
    finalizers = _finalizers(meta)
    if finalizer in finalizers:
        meta["finalizers"] = [f for f in finalizers if f != finalizer]
