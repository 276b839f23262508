"""`ResourceCache`: the watch cache of one resource prefix (upstream `Cacher` + its
reflector). It owns one backend watch, applies what it delivers to a `CacheStore` and fans it
out to `CacheWatcher`s, and lets readers wait until it has caught up with a revision.

Life cycle (`_run`): list the prefix at revision L, watch from L+1, apply batches. If the
watch breaks, re-watch from the cache's own revision (gap-free, watchers unaffected); only if
the backend no longer has that history (CompactedError) re-list, which closes every watcher —
they cannot be served the changes in between — so their clients re-watch (410) and re-list.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass, field

from kapi.storage.cacher.clock import Clock, wait_until_done
from kapi.storage.cacher.store import CacheStore, Matcher
from kapi.storage.cacher.watcher import CacheWatcher
from kapi.storage.interface import (
    Backend,
    BackendWatch,
    CompactedError,
    KeyValue,
    WatchBatch,
    prefix_end,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CacheOptions:
    window_size: int = 10_000  # changes kept for watch resumption and snapshot reads
    watcher_queue_size: int = 10_000  # live events a watcher may have pending
    bookmark_interval: float = 60.0  # upstream defaultBookmarkFrequency
    # Request progress notifications on the backend watch and trust them (the Backend
    # contract: a progress batch at R follows every event up to R). False for backends that
    # break it: etcd before 3.5.8 can answer a progress request ahead of pending events
    # (etcd-io/etcd#15220); the cache then advances on events only.
    progress_requests: bool = True
    retry_min: float = 0.1  # backoff between attempts to re-establish the backend watch
    retry_max: float = 5.0


@dataclass(slots=True)
class CacheStats:
    lists: int = 0  # full (re-)lists of the prefix, the first one included
    resumes: int = 0  # backend watches re-established from the cache's revision
    closed_watchers: int = 0  # closed by a re-list
    overflowed_watchers: int = 0
    progress_requests: int = 0
    cache_reads: int = 0  # gets, lists and watches served from memory
    storage_reads: int = 0  # ... and those passed to storage
    errors: deque[str] = field(default_factory=lambda: deque(maxlen=20))  # the latest


class ResourceCache:
    def __init__(self, prefix: str, backend: Backend, clock: Clock, options: CacheOptions) -> None:
        self.prefix = prefix
        self.end = prefix_end(prefix)
        self.store = CacheStore(options.window_size)
        self.options = options
        self.stats = CacheStats()
        self.ready = False  # the store holds a list plus every change since
        self.written = 0  # newest revision written through this server under the prefix
        self._backend = backend
        self._clock = clock
        self._watchers: set[CacheWatcher] = set()
        self._bookmark_watchers = 0
        self._bw: BackendWatch | None = None
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self._progress_requested = False
        self._bookmark_due = False
        self._initialized: asyncio.Future[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stopped = False

    # -- life cycle

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._initialized = loop.create_future()
        self._tasks = [
            loop.create_task(self._run(), name=f"watch-cache {self.prefix}"),
            loop.create_task(self._tick_bookmarks(), name=f"watch-cache bookmarks {self.prefix}"),
        ]

    async def stop(self) -> None:
        self._stopped = True
        self.ready = False
        tasks, self._tasks = self._tasks, []
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        for w in tuple(self._watchers):
            w.close()
        self._wake(all_=True)

    async def wait_initialized(self, timeout: float) -> bool:
        """Wait for the first list to be in place (only the first: a later re-list does not
        hold writers back)."""
        fut = self._initialized
        return fut is not None and await wait_until_done(fut, timeout, self._clock)

    # -- the reflector

    async def _run(self) -> None:
        resume: int | None = None
        delay = 0.0
        while not self._stopped:
            bw: BackendWatch | None = None
            try:
                if resume is None:
                    self.ready = False
                    res = await self._backend.range(self.prefix, self.end)
                    self._install(res.kvs, res.revision)
                    resume = res.revision
                bw = self._backend.watch(self.prefix, self.end, start_revision=resume + 1)
                self._bw = bw
                self._progress_requested = False
                self.ready = True
                self._wake(all_=True)
                async for batch in bw:
                    self._on_batch(batch)
                    delay = 0.0
                log.info("watch cache %s: backend watch ended; re-watching", self.prefix)
            except asyncio.CancelledError:
                raise
            except CompactedError as err:
                log.warning("watch cache %s: %s; re-listing", self.prefix, err)
                self.stats.errors.append(repr(err))
                resume = None
            except Exception as err:  # a broken watch or backend: resume from our revision
                log.warning("watch cache %s: backend watch failed: %r", self.prefix, err)
                self.stats.errors.append(repr(err))
            finally:
                self._bw = None
                if bw is not None:
                    with contextlib.suppress(Exception):
                        await bw.cancel()
            if resume is not None:
                resume = self.store.revision
                self.stats.resumes += 1
            if delay:
                await self._clock.sleep(delay)
            delay = min(max(delay * 2, self.options.retry_min), self.options.retry_max)

    def _install(self, kvs: list[KeyValue], revision: int) -> None:
        """A fresh list: every existing watcher misses what changed since its last event."""
        self.stats.lists += 1
        for w in tuple(self._watchers):
            w.close()
            self.stats.closed_watchers += 1
        self.store.reset(kvs, revision)
        fut = self._initialized
        if fut is not None and not fut.done():
            fut.set_result(None)

    def _on_batch(self, batch: WatchBatch) -> None:
        store = self.store
        if batch.progress:
            if not self.options.progress_requests:
                return  # not a proof that every earlier event arrived
            store.observe(batch.revision)
            self._progress_requested = False
            if self._bookmark_due:
                self._bookmark_due = False
                rev = store.revision
                for w in tuple(self._watchers):
                    if w.bookmarks:
                        w.offer_bookmark(rev)
            self._wake(all_=True)  # unsatisfied waiters ask for progress again
            return
        watchers = tuple(self._watchers)
        for ev in batch.events:
            ch = store.apply(ev)
            if ch is not None:
                for w in watchers:
                    w.offer(ch)
        store.observe(batch.revision)
        store.end_dispatch()
        self._wake()

    # -- bookmarks

    async def _tick_bookmarks(self) -> None:
        while True:
            await self._clock.sleep(self.options.bookmark_interval)
            if not self._bookmark_watchers or self._bw is None:
                continue
            if self.options.progress_requests:
                # Sent when the progress answer arrives, at the revision it brings.
                self._bookmark_due = True
                await self._request_progress()
            else:
                rev = self.store.revision
                for w in tuple(self._watchers):
                    if w.bookmarks:
                        w.offer_bookmark(rev)

    # -- freshness

    async def _request_progress(self) -> None:
        bw = self._bw
        if bw is None or self._progress_requested or not self.options.progress_requests:
            return
        self._progress_requested = True
        self.stats.progress_requests += 1
        try:
            await bw.request_progress()
        except Exception as err:
            self._progress_requested = False
            log.warning("watch cache %s: progress request failed: %r", self.prefix, err)

    def _wake(self, *, all_: bool = False) -> None:
        if not self._waiters:
            return
        rev = self.store.revision if self.ready else -1
        keep: list[tuple[int, asyncio.Future[None]]] = []
        for target, fut in self._waiters:
            if fut.done():
                continue
            if all_ or target <= rev:
                fut.set_result(None)
            else:
                keep.append((target, fut))
        self._waiters = keep

    def fresh(self, revision: int) -> bool:
        return self.ready and self.store.revision >= revision

    async def wait_fresh(self, revision: int, timeout: float) -> bool:
        """Wait until the cache is ready and at `revision` or newer, asking the backend
        watch for progress notifications meanwhile (when allowed); False after `timeout`
        seconds."""
        clock = self._clock
        deadline = clock.now() + timeout
        loop = asyncio.get_running_loop()
        while not self.fresh(revision):
            remaining = deadline - clock.now()
            if remaining <= 0 or self._stopped:
                return False
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append((revision, fut))
            if self.ready:
                await self._request_progress()
            if not await wait_until_done(fut, remaining, clock):
                fut.cancel()
        return True

    # -- watchers

    def add_watcher(
        self,
        start: str,
        end: str,
        match: Matcher | None,
        *,
        initial_events: bool,
        after: int | None,
        initial_events_end: bool,
        bookmarks: bool,
        raw: bool = False,
    ) -> CacheWatcher:
        """Register a watcher at the cache's current revision R (synchronous, so no change
        can fall between its interval and its live events). With `after` = N it gets every
        change after N: the window's changes after N if N <= R, else the live changes above
        N (the cache receives every change after R in order, so none is missed). Raises
        CompactedError if N is below the window."""
        store = self.store
        snapshot = store.snapshot(start, end) if initial_events else None
        replay = None
        if after is not None:
            if after < store.floor:
                raise CompactedError(after, store.floor)
            replay = store.changes_after(after, start, end) if after < store.revision else []
        w = CacheWatcher(
            start,
            end,
            match,
            snapshot=snapshot,
            replay=replay,
            initial_events_end=store.revision if initial_events_end else None,
            bookmarks=bookmarks,
            skip_through=after if after is not None and after > store.revision else 0,
            raw=raw,
            max_queue=self.options.watcher_queue_size,
            on_stop=self._forget,
        )
        self._watchers.add(w)
        if bookmarks:
            self._bookmark_watchers += 1
        return w

    def _forget(self, w: CacheWatcher) -> None:
        if w in self._watchers:
            self._watchers.discard(w)
            if w.bookmarks:
                self._bookmark_watchers -= 1
            if w.overflowed:
                self.stats.overflowed_watchers += 1

    @property
    def watcher_count(self) -> int:
        return len(self._watchers)

    def note_write(self, revision: int) -> None:
        if revision > self.written:
            self.written = revision
