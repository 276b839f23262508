"""Watch fan-out for the embedded backends (memory, sqlite).

The writer publishes every committed batch of events to a `WatchHub` on the event loop.
A `LocalWatch` subscribes to the hub *before* it replays history from the backend's log
(kine's `logstructured.Watch` order), so no commit can fall between the replay and the live
stream; live events the replay already delivered are skipped by revision.

Each watcher has a bounded queue. Publishing never waits: a watcher whose queue would grow
past its bound is closed with `WatchOverflowError` and its queue dropped, so one slow client
can neither block writers nor hold unbounded memory.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Protocol

from kapi.storage.interface import Event, WatchBatch, WatchOverflowError

# Events read from the log per replay step: large enough to amortise a read, small enough
# that a long history does not sit in memory at once.
REPLAY_CHUNK = 1000


class HistorySource(Protocol):
    async def history(
        self, start: str, end: str, from_revision: int, limit: int
    ) -> tuple[list[Event], int, bool]:
        """Events for keys in `[start, end)` with revision >= `from_revision`, oldest first,
        at most `limit`. Returns (events, scanned_up_to, done): every event with revision
        <= `scanned_up_to` in the range has been returned, and `done` is True when the read
        reached the newest revision. Raises CompactedError if `from_revision` <= the
        compaction point."""
        ...


class WatchHub:
    """The in-process broadcaster. Runs on the event loop only."""

    def __init__(self) -> None:
        self._watchers: set[LocalWatch] = set()
        self.revision = 0  # newest revision published

    def subscribe(self, w: LocalWatch) -> None:
        self._watchers.add(w)

    def unsubscribe(self, w: LocalWatch) -> None:
        self._watchers.discard(w)

    def publish(self, events: list[Event], revision: int) -> None:
        if revision > self.revision:
            self.revision = revision
        if not events or not self._watchers:
            return
        for w in tuple(self._watchers):
            start, end = w.start, w.end
            mine = [e for e in events if start <= e.kv.key < end]
            if mine:
                w.push(mine, revision)

    def close_all(self) -> None:
        for w in tuple(self._watchers):
            w.close()
        self._watchers.clear()


class LocalWatch:
    """A `BackendWatch` over a `WatchHub` and a `HistorySource`."""

    def __init__(
        self,
        hub: WatchHub,
        source: HistorySource,
        start: str,
        end: str,
        start_revision: int,
        max_queued_events: int,
    ) -> None:
        self.start = start
        self.end = end
        self._hub = hub
        self._source = source
        self._next = max(start_revision, 1)  # next revision the replay must read
        # Live events at or below this were replayed already (or are before the start).
        self._replay_high = self._next - 1
        self._replay_seen = 0  # newest revision the replay read the log at
        self._replayed = False
        self._max = max_queued_events
        # Items are (events, revision) for one published commit batch, or None: a progress
        # marker, whose revision is taken when it is delivered.
        self._queue: deque[tuple[list[Event], int] | None] = deque()
        self._queued_events = 0
        self._progress_pending = False
        self._error: BaseException | None = None
        self._closed = False
        self._waiter: asyncio.Future[None] | None = None
        hub.subscribe(self)

    # -- producer side (event loop, called by the hub)

    def push(self, events: list[Event], revision: int) -> None:
        if self._closed or self._error is not None:
            return
        self._queued_events += len(events)
        if self._queued_events > self._max:
            self._fail(
                WatchOverflowError(f"watcher of [{self.start!r}, {self.end!r}) fell too far behind")
            )
            return
        self._queue.append((events, revision))
        self._wake()

    def _fail(self, err: BaseException) -> None:
        self._error = err
        self._queue.clear()
        self._queued_events = 0
        self._hub.unsubscribe(self)
        self._wake()

    def _wake(self) -> None:
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._hub.unsubscribe(self)
        self._queue.clear()
        self._wake()

    # -- BackendWatch

    def __aiter__(self) -> LocalWatch:
        return self

    async def __anext__(self) -> WatchBatch:
        while True:
            if self._closed:
                raise StopAsyncIteration
            if not self._replayed:
                batch = await self._replay_step()
                if batch is not None:
                    return batch
                continue
            if self._queue:
                item = self._queue.popleft()
                if item is None:
                    rev = max(self._hub.revision, self._replay_seen)
                    return WatchBatch([], rev, progress=True)
                events, revision = item
                self._queued_events -= len(events)
                if events[0].kv.mod_revision <= self._replay_high:
                    events = [e for e in events if e.kv.mod_revision > self._replay_high]
                    if not events:
                        continue
                return WatchBatch(events, revision)
            if self._error is not None:
                raise self._error
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    async def _replay_step(self) -> WatchBatch | None:
        if self._error is not None:
            raise self._error
        events, upto, done = await self._source.history(
            self.start, self.end, self._next, REPLAY_CHUNK
        )
        self._replay_high = max(self._replay_high, upto)
        self._replay_seen = max(self._replay_seen, upto)
        self._next = max(self._next, upto + 1)
        if done:
            self._replayed = True
            if self._progress_pending:
                self._progress_pending = False
                self._queue.append(None)
        if events:
            return WatchBatch(events, events[-1].kv.mod_revision)
        return None

    async def request_progress(self) -> None:
        if self._closed or self._error is not None:
            return
        if not self._replayed:
            self._progress_pending = True
            return
        if self._queue and self._queue[-1] is None:
            return  # one pending marker answers every request made before it is read
        self._queue.append(None)
        self._wake()

    async def cancel(self) -> None:
        self.close()
