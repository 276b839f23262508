"""`CacheWatcher`: one client watch served from the watch cache (upstream `cacheWatcher`).

A watcher first sends its *interval*, fixed when it was registered (the snapshot of objects
for initial events, or the window's changes after the requested revision), then the live
changes the dispatcher offers it. The dispatcher never waits: live items go into a bounded
queue, and a watcher whose queue is full is closed with `WatchOverflowError` (its queue
dropped), so a slow client costs neither the writer nor the other watchers anything and holds
a bounded amount of memory. Objects are decoded when the client takes them, into a fresh dict
each time; a `raw` watcher (whose caller only serializes events as JSON) gets them as
`orjson.Fragment`s instead, encoded once per change and shared by every raw watcher.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from kapi.storage.cacher.store import Change, Matcher, WatchItem, watch_item
from kapi.storage.generic import INITIAL_EVENTS_ANNOTATION, decode_object, encoded_object
from kapi.storage.interface import (
    KeyValue,
    WatchEvent,
    WatchEventType,
    WatchOverflowError,
)

ADDED, MODIFIED, DELETED, BOOKMARK = (
    WatchEventType.ADDED,
    WatchEventType.MODIFIED,
    WatchEventType.DELETED,
    WatchEventType.BOOKMARK,
)

# A queued live item: a Change (watchers without a predicate take changes as they are), a
# WatchItem (a predicate decided the type), or an int (a bookmark at that revision).
_Queued = Change | WatchItem | int


def bookmark_event(revision: int, *, initial_events_end: bool = False) -> WatchEvent:
    meta: dict[str, Any] = {"resourceVersion": str(revision)}
    if initial_events_end:
        meta["annotations"] = {INITIAL_EVENTS_ANNOTATION: "true"}
    return WatchEvent(BOOKMARK, {"metadata": meta})


class CacheWatcher:
    def __init__(
        self,
        start: str,
        end: str,
        match: Matcher | None,
        *,
        snapshot: list[KeyValue] | None,
        replay: list[Change] | None,
        initial_events_end: int | None,
        bookmarks: bool,
        skip_through: int = 0,
        raw: bool = False,
        max_queue: int,
        on_stop: Callable[[CacheWatcher], None],
    ) -> None:
        self.start = start
        self.end = end
        self.bookmarks = bookmarks
        self._match = match
        self._snapshot = snapshot
        self._replay = replay
        self._pos = 0
        self._initial_events_end = initial_events_end
        self._max = max_queue
        self._raw = raw
        # Started ahead of the cache: live changes up to here were asked not to be sent.
        self._skip_through = skip_through
        self._queue: deque[_Queued] = deque()
        self._on_stop = on_stop
        self._error: BaseException | None = None
        self._closed = False  # no more items will come; the stream ends
        self.overflowed = False
        self._waiter: asyncio.Future[None] | None = None

    # -- dispatcher side (synchronous, never waits)

    def offer(self, ch: Change) -> None:
        if not (self.start <= ch.kv.key < self.end) or self._closed:
            return
        if self._skip_through:
            if ch.kv.mod_revision <= self._skip_through:
                return
            self._skip_through = 0
        if self._match is None:
            if ch.deleted and ch.prev is None:
                return
            self._put(ch)
            return
        item = watch_item(ch, self._match)
        if item is not None:
            self._put(item)

    def offer_bookmark(self, revision: int) -> None:
        if self._closed or revision < self._skip_through:
            return  # never a bookmark behind the revision the client started from
        q = self._queue
        if q and type(q[-1]) is int:
            q[-1] = revision  # one pending bookmark is enough
        else:
            self._put(revision)

    def _put(self, item: _Queued) -> None:
        if len(self._queue) >= self._max:
            self.overflowed = True
            self.fail(WatchOverflowError(f"watcher of {self.start!r} fell too far behind"))
            return
        self._queue.append(item)
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    def fail(self, err: BaseException) -> None:
        """End the stream with `err` at the next read, dropping what is queued."""
        if self._closed:
            return
        self._error = err
        self.close()

    def close(self) -> None:
        """End the stream at the next read (the cache was rebuilt or is stopping)."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
        self._snapshot = self._replay = None
        self._on_stop(self)
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    @property
    def queued(self) -> int:
        return len(self._queue)

    # -- consumer side (Watch)

    def __aiter__(self) -> CacheWatcher:
        return self

    async def __anext__(self) -> WatchEvent:
        while True:
            if self._closed:
                err, self._error = self._error, None
                if err is not None:
                    raise err
                raise StopAsyncIteration
            ev = self._from_interval()
            if ev is not None:
                return ev
            if self._queue:
                return self._to_event(self._queue.popleft())
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    def _from_interval(self) -> WatchEvent | None:
        snap = self._snapshot
        if snap is not None:
            match = self._match
            while self._pos < len(snap):
                kv = snap[self._pos]
                self._pos += 1
                if match is None or match(kv):
                    if self._raw:
                        obj: Any = encoded_object(kv.value, kv.mod_revision)
                    else:
                        obj = decode_object(kv.value, kv.mod_revision)
                    return WatchEvent(ADDED, obj)
            self._snapshot = None
        replay = self._replay
        if replay is not None:
            while self._pos < len(replay):
                ch = replay[self._pos]
                self._pos += 1
                item = watch_item(ch, self._match)
                if item is not None:
                    return self._to_event(item)
            self._replay = None
        if self._initial_events_end is not None:
            rev, self._initial_events_end = self._initial_events_end, None
            return bookmark_event(rev, initial_events_end=True)
        return None

    async def stop(self) -> None:
        self.close()

    def _to_event(self, item: _Queued) -> WatchEvent:
        if type(item) is int:
            return bookmark_event(item)
        if type(item) is Change:
            prev = item.deleted
            etype = DELETED if prev else (ADDED if item.prev is None else MODIFIED)
            ch = item
        else:
            etype, ch, prev = item  # type: ignore[misc]
        obj: Any = ch.encoded(prev) if self._raw else ch.decoded(prev)
        return WatchEvent(etype, obj)
