"""`CachedStorage`: the `Storage` protocol with reads and watches served by per-resource
watch caches, writes passed to the backend storage (upstream `CacheDelegator`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from kapi.storage.cacher.clock import Clock, LoopClock
from kapi.storage.cacher.delegator import (
    ReadKind,
    ReadPlan,
    plan_get,
    plan_list,
    plan_watch,
    resource_prefix,
    should_delegate_list,
)
from kapi.storage.cacher.resource import CacheOptions, ResourceCache
from kapi.storage.cacher.store import CacheStore, Matcher
from kapi.storage.generic import (
    BackendStorage,
    _key_range,
    decode_object,
    encode_continue,
    encoded_object,
)
from kapi.storage.interface import (
    Backend,
    FutureRevisionError,
    KeyNotFoundError,
    ListOptions,
    ListResult,
    Object,
    Preconditions,
    UpdateFunc,
    ValidateDeletionFunc,
    Watch,
)


@runtime_checkable
class ProgressOrdering(Protocol):
    """Optional Backend capability: `progress_ordered` is True when a requested progress
    notification always follows every earlier event of the watch (etcd 3.5.8+ / 3.4.25+;
    upstream requires 3.5.13+ / 3.4.31+), False when it may overtake them."""

    progress_ordered: bool


# In-process backends whose progress marker is queued behind every published event.
_ORDERED_BY_CONSTRUCTION = frozenset(
    {"kapi.storage.backends.memory", "kapi.storage.backends.sqlite"}
)


def progress_ordered(backend: Backend) -> bool:
    """Whether the cache may rely on `backend`'s progress notifications: what the backend
    declares, else only for the embedded backends (safe by default for any other)."""
    if isinstance(backend, ProgressOrdering):
        return bool(backend.progress_ordered)
    return type(backend).__module__ in _ORDERED_BY_CONSTRUCTION


FRESHNESS_TIMEOUT = 3.0  # upstream blockTimeout: how long a read waits for the cache
COMPACTION_POLL_INTERVAL = 15.0  # upstream compactorPollPeriod


class CachedStorage:
    """The watch cache in front of `inner` (see the package docstring for the rules).

    `backend` is the Backend under `inner` (defaults to `inner.backend`). Caches start
    lazily, one per resource prefix (`prefix_of(key)`), on the first operation under it;
    `stop()` (or leaving `async with`) ends their backend watches and closes every watcher.

    `progress_requests`: whether the cache may request progress notifications on its
    backend watches and rely on them (consistent lists from memory, bookmarks at the
    backend's revision). Default: `progress_ordered(backend)` -- True for memory and sqlite,
    for other backends only if they declare `progress_ordered = True` (see
    `ProgressOrdering`); etcd older than 3.5.8 must not.
    """

    def __init__(
        self,
        inner: BackendStorage,
        backend: Backend | None = None,
        *,
        clock: Clock | None = None,
        bookmark_interval: float | None = None,
        window_size: int = 10_000,
        watcher_queue_size: int = 10_000,
        freshness_timeout: float = FRESHNESS_TIMEOUT,
        compaction_poll_interval: float = COMPACTION_POLL_INTERVAL,
        prefix_of: Callable[[str], str | None] = resource_prefix,
        progress_requests: bool | None = None,
    ) -> None:
        self.inner = inner
        self.backend: Backend = backend if backend is not None else inner.backend
        self.clock: Clock = clock if clock is not None else LoopClock()
        self.options = CacheOptions(
            window_size=window_size,
            watcher_queue_size=watcher_queue_size,
            bookmark_interval=(
                inner.bookmark_interval if bookmark_interval is None else bookmark_interval
            ),
            progress_requests=(
                progress_ordered(self.backend) if progress_requests is None else progress_requests
            ),
        )
        self.freshness_timeout = freshness_timeout
        self.compaction_poll_interval = compaction_poll_interval
        self._prefix_of = prefix_of
        self._caches: dict[str, ResourceCache] = {}
        self._stopped = False
        self._compaction_polled: float | None = None

    # -- life cycle

    async def start(self) -> None:
        """Caches start on first use; this only (re-)enables them after `stop()`."""
        self._stopped = False

    async def stop(self) -> None:
        self._stopped = True
        caches = list(self._caches.values())
        self._caches.clear()
        await asyncio.gather(*(c.stop() for c in caches))

    async def __aenter__(self) -> CachedStorage:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def cache_for(self, key: str) -> ResourceCache | None:
        """The cache of the resource `key` belongs to, started if it was not (None when the
        key is outside any resource, or after stop())."""
        if self._stopped:
            return None
        prefix = self._prefix_of(key)
        if prefix is None:
            return None
        cache = self._caches.get(prefix)
        if cache is None:
            cache = ResourceCache(prefix, self.backend, self.clock, self.options)
            self._caches[prefix] = cache
            cache.start()
        return cache

    def caches(self) -> dict[str, ResourceCache]:
        return dict(self._caches)

    async def drop_cache(self, key: str) -> None:
        """Stop and forget the cache of the resource `key` belongs to (e.g. when a custom
        resource definition is deleted); its watchers are closed. The next operation under
        the prefix starts a new one."""
        prefix = self._prefix_of(key)
        cache = self._caches.pop(prefix, None) if prefix is not None else None
        if cache is not None:
            await cache.stop()

    def _cache(self, key: str, start: str) -> ResourceCache | None:
        cache = self.cache_for(key)
        if cache is None or not start.startswith(cache.prefix):
            return None
        return cache

    # -- freshness

    async def _fresh(
        self,
        cache: ResourceCache,
        min_rv: int,
        *,
        consistent: bool = False,
        own_writes: bool = True,
    ) -> bool:
        """Wait until the cache may serve a read (True), or say it should go to storage.

        The cache must have reached `min_rv`; a consistent read also the backend's current
        revision; and every read (`own_writes`) the newest revision written through this
        server under the prefix, so that a client reads its own writes even at RV "0".
        Raises FutureRevisionError for a revision the backend has not reached, or that the
        cache did not reach within the freshness timeout. Without progress requests only
        events move the cache, so a revision it has not seen (or a consistent read) goes to
        storage instead of waiting."""
        target = max(min_rv, cache.written) if own_writes else min_rv
        if not consistent and cache.fresh(target):
            return True
        timeout = self.freshness_timeout
        if not self.options.progress_requests:
            if consistent or not await cache.wait_fresh(0, timeout):
                return False
            return cache.fresh(min_rv) and await cache.wait_fresh(target, timeout)
        if consistent:
            target = max(target, await self.backend.current_revision())
        elif not cache.fresh(min_rv):
            current = await self.backend.current_revision()
            if min_rv > current:
                raise FutureRevisionError(min_rv, current)
        if await cache.wait_fresh(target, timeout):
            return True
        if not consistent and cache.ready and cache.store.revision < min_rv:
            raise FutureRevisionError(min_rv, cache.store.revision)
        return False  # not ready, or a consistent read that timed out: storage answers

    def compacted(self, revision: int) -> None:
        """The backend was compacted to `revision` by this process: trim every window now
        rather than at the next poll."""
        for c in self._caches.values():
            if c.ready:
                c.store.compact(revision)

    async def _floor(self, cache: ResourceCache) -> int:
        """The cache's window floor, after following the backend's compaction (polled at
        most every `compaction_poll_interval`, as upstream's cacher compactor does)."""
        now = self.clock.now()
        last = self._compaction_polled
        if last is None or now - last >= self.compaction_poll_interval:
            self._compaction_polled = now
            self.compacted(await self.backend.compact_revision())
        return cache.store.floor

    # -- reads

    async def get(
        self, key: str, *, resource_version: str = "", ignore_not_found: bool = False
    ) -> Object | None:
        plan = plan_get(resource_version)
        cache = self._cache(key, key)
        if (
            cache is None
            or plan.kind is ReadKind.STORAGE
            or not await self._fresh(cache, plan.revision)
        ):
            _count_storage_read(cache)
            return await self.inner.get(
                key, resource_version=resource_version, ignore_not_found=ignore_not_found
            )
        cache.stats.cache_reads += 1
        kv = cache.store.get(key)
        if kv is None:
            if ignore_not_found:
                return None
            raise KeyNotFoundError(key)
        return decode_object(kv.value, kv.mod_revision)

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        start, end, prefix = _key_range(key, opts.recursive)
        plan = plan_list(opts, prefix)
        cache = self._cache(key, start)
        if cache is None or not await self._ready_for_list(cache, plan):
            _count_storage_read(cache)
            return await self.inner.get_list(key, opts)
        store = cache.store
        revision = plan.revision if plan.kind is ReadKind.EXACT else store.revision
        if revision < store.floor:  # the window moved while we waited
            _count_storage_read(cache)
            return await self.inner.get_list(key, opts)
        cache.stats.cache_reads += 1
        match = store.matcher(opts.predicate)
        page_start = plan.continue_key or start
        return list_from_store(store, revision, page_start, end, prefix, opts, match)

    async def _ready_for_list(self, cache: ResourceCache, plan: ReadPlan) -> bool:
        if plan.kind is ReadKind.LATEST:
            return await self._fresh(cache, 0, consistent=True)
        if plan.kind is ReadKind.NOT_OLDER_THAN:
            return await self._fresh(cache, plan.revision)
        # EXACT: a snapshot the window can rebuild, once the cache has reached it.
        if should_delegate_list(plan, await self._floor(cache)):
            return False
        return await self._fresh(cache, plan.revision, own_writes=False)

    async def watch(self, key: str, opts: ListOptions) -> Watch:
        """With `opts.raw` (the caller only serializes events as JSON), ADDED, MODIFIED and
        DELETED objects are `orjson.Fragment`s shared between watchers, not dicts; a
        watch this cache cannot serve goes to storage, which returns dicts either way."""
        start, end, _ = _key_range(key, opts.recursive)
        plan = plan_watch(opts)
        cache = self._cache(key, start)
        if cache is None:
            return await self.inner.watch(key, opts)
        after = plan.after
        if after is not None:
            # No need to wait for the cache to reach N: the watcher skips what it has not
            # been asked for (see ResourceCache.add_watcher).
            if not await cache.wait_fresh(0, self.freshness_timeout):
                return await self._watch_storage(cache, key, opts)
            if after > cache.store.revision:
                current = await self.backend.current_revision()
                if after > current:
                    raise FutureRevisionError(after, current)
            await self._floor(cache)
        else:
            consistent = plan.consistent
            if consistent and not self.options.progress_requests:
                if opts.send_initial_events:
                    return await self._watch_storage(cache, key, opts)
                consistent = False  # a legacy watch from "": upstream serves it like "0"
            if not await self._fresh(cache, plan.min_revision, consistent=consistent):
                return await self._watch_storage(cache, key, opts)
        cache.stats.cache_reads += 1
        return cache.add_watcher(
            start,
            end,
            cache.store.matcher(opts.predicate),
            initial_events=plan.initial_events,
            after=after,
            initial_events_end=plan.initial_events_end,
            bookmarks=opts.allow_watch_bookmarks,
            raw=opts.raw,
        )

    async def _watch_storage(self, cache: ResourceCache, key: str, opts: ListOptions) -> Watch:
        cache.stats.storage_reads += 1
        return await self.inner.watch(key, opts)

    async def count(self, key: str) -> int:
        return await self.inner.count(key)

    async def current_resource_version(self) -> int:
        return await self.inner.current_resource_version()

    # -- writes: straight to storage; the cache sees them through its watch

    async def _writing(self, key: str) -> ResourceCache | None:
        cache = self._cache(key, key)
        if cache is not None:
            # The first list must precede the first write, or the revisions this write
            # hands out could be older than the cache's window.
            await cache.wait_initialized(self.freshness_timeout)
        return cache

    @staticmethod
    def _written(cache: ResourceCache | None, obj: Object) -> None:
        if cache is not None:
            rv = (obj.get("metadata") or {}).get("resourceVersion")
            if isinstance(rv, str) and rv.isdigit():
                cache.note_write(int(rv))

    async def create(self, key: str, obj: Object, *, dry_run: bool = False) -> Object:
        cache = await self._writing(key)
        out = await self.inner.create(key, obj, dry_run=dry_run)
        if not dry_run:
            self._written(cache, out)
        return out

    async def guaranteed_update(
        self,
        key: str,
        try_update: UpdateFunc,
        *,
        ignore_not_found: bool = False,
        preconditions: Preconditions | None = None,
        dry_run: bool = False,
    ) -> Object:
        cache = await self._writing(key)
        out = await self.inner.guaranteed_update(
            key,
            try_update,
            ignore_not_found=ignore_not_found,
            preconditions=preconditions,
            dry_run=dry_run,
        )
        if not dry_run:
            self._written(cache, out)
        return out

    async def delete(
        self,
        key: str,
        *,
        preconditions: Preconditions | None = None,
        validate_deletion: ValidateDeletionFunc | None = None,
        dry_run: bool = False,
    ) -> Object:
        cache = await self._writing(key)
        out = await self.inner.delete(
            key,
            preconditions=preconditions,
            validate_deletion=validate_deletion,
            dry_run=dry_run,
        )
        if not dry_run:
            self._written(cache, out)
        return out


def _count_storage_read(cache: ResourceCache | None) -> None:
    if cache is not None:
        cache.stats.storage_reads += 1


def list_from_store(
    store: CacheStore,
    revision: int,
    page_start: str,
    end: str,
    prefix: str,
    opts: ListOptions,
    match: Matcher | None,
) -> ListResult:
    """One page of a list at `revision`, with BackendStorage's paging rules and tokens:
    at most `limit` items; a continue token when keys remain after the page (even if none of
    them match a selector); `remaining_item_count` only without a selector."""
    limit = max(opts.limit, 0)
    raw = opts.raw and match is None
    items: list[Any] = []
    last_key = ""
    has_more = False
    for kv in store.read_at(revision, page_start, end):
        if limit and len(items) >= limit:
            has_more = True
            break
        last_key = kv.key
        if raw:
            items.append(encoded_object(kv.value, kv.mod_revision))
        elif match is None or match(kv):
            items.append(decode_object(kv.value, kv.mod_revision))
    result = ListResult(items, str(revision))
    if has_more:
        result.continue_token = encode_continue(last_key + "\x00", prefix, revision)
        if match is None:
            result.remaining_item_count = store.count_at(revision, page_start, end) - limit
    return result
