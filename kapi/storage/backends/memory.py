"""In-memory backend: an event log plus sorted key indexes (kine's memory driver layout).

Everything runs on the event loop thread, so there are no locks: each operation completes
before the next one starts. Used by tests and by `kapi serve --storage memory`.

Layout:
* `_log`: every event after the compaction point, in revision order (gap-free, so the event
  of revision r is `_log[r - _log_base]`); watch replay reads it.
* `_versions`: key -> (revisions, values) for reads at an older revision; a `None` value is a
  tombstone.
* `_current`: key -> latest live KeyValue, for reads at the current revision.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any

from sortedcontainers import SortedDict

from kapi.storage.backends.fanout import LocalWatch, WatchHub
from kapi.storage.interface import (
    CompactedError,
    Event,
    EventType,
    FutureRevisionError,
    KeyValue,
    RangeResult,
)

# A history read scans at most this many log entries per step, however few match.
_SCAN_BUDGET = 20_000


class MemoryBackend:
    def __init__(self, *, watch_queue_size: int = 10_000) -> None:
        self._rev = 1  # an empty store is at revision 1, as etcd's is
        self._compact = 0
        self._log: list[Event] = []
        self._log_base = 2  # revision of _log[0]
        self._versions: SortedDict = SortedDict()  # str -> tuple[list[int], list[KeyValue|None]]
        self._current: SortedDict = SortedDict()  # str -> KeyValue
        self._hub = WatchHub()
        self._hub.revision = self._rev
        self._watch_queue_size = watch_queue_size

    # -- reads

    async def current_revision(self) -> int:
        return self._rev

    async def compact_revision(self) -> int:
        return self._compact

    def _check_revision(self, revision: int) -> None:
        if revision > self._rev:
            raise FutureRevisionError(revision, self._rev)
        if revision < self._compact:
            raise CompactedError(revision, self._compact)

    def _at(self, key: str, revision: int) -> KeyValue | None:
        entry = self._versions.get(key)
        if entry is None:
            return None
        revs, vals = entry
        i = bisect_right(revs, revision) - 1
        return vals[i] if i >= 0 else None

    async def get(self, key: str, *, revision: int = 0) -> tuple[KeyValue | None, int]:
        if revision <= 0 or revision == self._rev:
            return self._current.get(key), self._rev
        self._check_revision(revision)
        return self._at(key, revision), revision

    async def range(
        self, start: str, end: str, *, revision: int = 0, limit: int = 0
    ) -> RangeResult:
        if revision <= 0 or revision == self._rev:
            cur = self._current
            lo = cur.bisect_left(start)
            hi = cur.bisect_left(end)
            count = hi - lo
            stop = hi if limit <= 0 else min(hi, lo + limit)
            kvs = list(cur.values()[lo:stop])
            return RangeResult(kvs, self._rev, stop < hi, count)
        self._check_revision(revision)
        kvs = []
        count = 0
        for key in self._versions.irange(start, end, inclusive=(True, False)):
            kv = self._at(key, revision)
            if kv is None:
                continue
            count += 1
            if limit <= 0 or len(kvs) < limit:
                kvs.append(kv)
        return RangeResult(kvs, revision, count > len(kvs), count)

    async def count(self, start: str, end: str) -> int:
        return self._current.bisect_left(end) - self._current.bisect_left(start)

    # -- writes

    def _apply(self, event: Event) -> None:
        kv = event.kv
        rev = kv.mod_revision
        self._rev = rev
        self._log.append(event)
        entry = self._versions.get(kv.key)
        if entry is None:
            entry = ([], [])
            self._versions[kv.key] = entry
        entry[0].append(rev)
        if event.type is EventType.DELETE:
            entry[1].append(None)
            del self._current[kv.key]
        else:
            entry[1].append(kv)
            self._current[kv.key] = kv
        self._hub.publish([event], rev)

    async def create(self, key: str, value: bytes) -> tuple[bool, KeyValue | None]:
        cur = self._current.get(key)
        if cur is not None:
            return False, cur
        rev = self._rev + 1
        kv = KeyValue(key, value, rev, rev)
        self._apply(Event(EventType.PUT, kv, None))
        return True, kv

    async def update(
        self, key: str, value: bytes, *, expected_mod_revision: int
    ) -> tuple[bool, KeyValue | None]:
        cur = self._current.get(key)
        if cur is None or cur.mod_revision != expected_mod_revision:
            return False, cur
        kv = KeyValue(key, value, cur.create_revision, self._rev + 1)
        self._apply(Event(EventType.PUT, kv, cur))
        return True, kv

    async def delete(self, key: str, *, expected_mod_revision: int) -> tuple[bool, KeyValue | None]:
        cur = self._current.get(key)
        if cur is None or cur.mod_revision != expected_mod_revision:
            return False, cur
        rev = self._rev + 1
        self._apply(Event(EventType.DELETE, KeyValue(key, b"", cur.create_revision, rev), cur))
        return True, KeyValue(key, cur.value, cur.create_revision, rev)

    # -- watch

    async def history(
        self, start: str, end: str, from_revision: int, limit: int
    ) -> tuple[list[Event], int, bool]:
        if from_revision <= self._compact:
            raise CompactedError(from_revision, self._compact)
        log = self._log
        i = max(from_revision - self._log_base, 0)
        stop = min(len(log), i + _SCAN_BUDGET)
        out: list[Event] = []
        while i < stop and len(out) < limit:
            e = log[i]
            if start <= e.kv.key < end:
                out.append(e)
            i += 1
        done = i >= len(log)
        upto = self._rev if done else self._log_base + i - 1
        return out, upto, done

    def watch(self, start: str, end: str, *, start_revision: int) -> LocalWatch:
        return LocalWatch(self._hub, self, start, end, start_revision, self._watch_queue_size)

    # -- maintenance

    async def compact(self, revision: int) -> None:
        if revision <= self._compact:
            return
        if revision > self._rev:
            raise FutureRevisionError(revision, self._rev)
        n = revision - self._log_base + 1
        dropped = self._log[:n]
        del self._log[:n]
        self._log_base = revision + 1
        self._compact = revision
        for key in {e.kv.key for e in dropped}:
            revs, vals = self._versions[key]
            i = bisect_right(revs, revision) - 1  # latest version at or before `revision`
            keep_from = i if vals[i] is not None else i + 1
            if keep_from > 0:
                del revs[:keep_from]
                del vals[:keep_from]
            if not revs:
                del self._versions[key]

    async def close(self) -> None:
        self._hub.close_all()


async def open_backend(path: str = "", **options: Any) -> MemoryBackend:
    """The factory entry (`kapi.storage.backends.open_backend("memory")`); `path` is unused."""
    return MemoryBackend(**options)
