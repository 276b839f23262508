"""SQLite backend: the embedded, durable default (one file, stdlib `sqlite3`).

Schema (kine-like):
* `log(rev INTEGER PRIMARY KEY, key, value, create_rev, prev_rev, deleted)`: one row per
  revision. A delete is a tombstone row (`deleted=1`, empty value) whose `prev_rev` points at
  the last live version; a create has `prev_rev=0`.
* `current(key PRIMARY KEY, rev)`: the latest live revision of each key, so a read at the
  current revision is a plain range scan instead of a GROUP BY over the log.
* `meta(name PRIMARY KEY, value)`: `rev` (the store revision) and `compact` (the compaction
  point), updated in the same transactions as the log, so a reopened file resumes both.

Threads: ONE writer connection on a dedicated thread. Writers enqueue whole compare-and-swap
operations; the thread takes everything queued, runs it in one transaction (group commit),
commits (fsync of the WAL under `synchronous=FULL`), and only then hands results and events
back to the event loop with one `call_soon_threadsafe` per batch. So an acknowledged write is
on disk, revisions are assigned by the single writer (gap-free, commit-ordered), and watchers
are fed in-process right after COMMIT with no polling. Reads run on a small pool of reader
threads with their own connections (WAL readers never wait for the writer), batched the same
way so that concurrent point reads share one thread hop.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from kapi.storage.backends.fanout import LocalWatch, WatchHub
from kapi.storage.interface import (
    CompactedError,
    Event,
    EventType,
    FutureRevisionError,
    KeyValue,
    RangeResult,
    StorageError,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS log (
    rev INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    create_rev INTEGER NOT NULL,
    prev_rev INTEGER NOT NULL,
    deleted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
CREATE TABLE IF NOT EXISTS current (key TEXT PRIMARY KEY, rev INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', 1), ('rev', 1), ('compact', 0);
"""

_CURRENT_ROW = (
    "SELECT l.rev, l.create_rev, l.value FROM current c JOIN log l ON l.rev = c.rev WHERE c.key = ?"
)
_GET_CURRENT = (
    "SELECT m.value, l.rev, l.create_rev, l.value FROM meta m "
    "LEFT JOIN current c ON c.key = ? LEFT JOIN log l ON l.rev = c.rev WHERE m.name = 'rev'"
)
_META = (
    "SELECT (SELECT value FROM meta WHERE name = 'rev'), "
    "(SELECT value FROM meta WHERE name = 'compact')"
)
_INSERT_LOG = (
    "INSERT INTO log (rev, key, value, create_rev, prev_rev, deleted) VALUES (?, ?, ?, ?, ?, ?)"
)
_GET_AT = (
    "SELECT rev, create_rev, value, deleted FROM log WHERE key = ? AND rev <= ? "
    "ORDER BY rev DESC LIMIT 1"
)
_RANGE_CURRENT = (
    "SELECT c.key, l.value, l.create_rev, l.rev FROM current c JOIN log l ON l.rev = c.rev "
    "WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?"
)
_COUNT_CURRENT = "SELECT count(*) FROM current WHERE key >= ? AND key < ?"
_LATEST_AT = (
    "SELECT key, max(rev) AS mrev FROM log WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key"
)
_RANGE_AT = (
    f"SELECT l.key, l.value, l.create_rev, l.rev FROM ({_LATEST_AT}) m "
    "JOIN log l ON l.rev = m.mrev WHERE l.deleted = 0 ORDER BY l.key LIMIT ?"
)
_COUNT_AT = (
    f"SELECT count(*) FROM ({_LATEST_AT}) m JOIN log l ON l.rev = m.mrev WHERE l.deleted = 0"
)
# `+key` keeps the planner on the rev (primary key) range: these scan only the newer rows.
_CHANGED_SINCE = "SELECT EXISTS (SELECT 1 FROM log WHERE rev > ? AND +key >= ? AND +key < ?)"
_HISTORY = (
    "SELECT l.rev, l.key, l.value, l.create_rev, l.prev_rev, l.deleted, p.value, p.create_rev "
    "FROM log l LEFT JOIN log p ON p.rev = l.prev_rev "
    "WHERE l.rev >= ? AND l.rev <= ? AND +l.key >= ? AND +l.key < ? ORDER BY l.rev LIMIT ?"
)

# A read pinned to an older revision uses the fast `current` scan when no key of the range
# changed since; checking that costs a scan of the newer log rows, so only when few.
_FAST_PIN_WINDOW = 10_000
# Log rows a history read scans per step, however few of them match the range.
_HISTORY_SCAN = 20_000
# Log rows one compaction step looks at: a short transaction, so writers barely wait.
_COMPACT_STEP = 1_000

_Pending = tuple[Any, asyncio.Future[Any]]
_STOP = object()


def _connect(path: str, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA cache_size=-32000")
    return conn


def _kv(key: str, row_rev: int, create_rev: int, value: bytes) -> KeyValue:
    return KeyValue(key, value, create_rev, row_rev)


# --------------------------------------------------------------------------------------------
# Worker threads


class _Worker(threading.Thread):
    """A thread that drains a shared queue in batches and hands results back to the loop in
    one call per batch. Subclasses implement `run_batch`."""

    def __init__(
        self,
        name: str,
        q: queue.SimpleQueue[Any],
        loop: asyncio.AbstractEventLoop,
        conn_factory: Callable[[], sqlite3.Connection],
        max_batch: int,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.q = q
        self.loop = loop
        self.conn_factory = conn_factory
        self.max_batch = max_batch
        self.conn: sqlite3.Connection | None = None
        self.ready: asyncio.Future[None] = loop.create_future()

    def run(self) -> None:
        try:
            self.conn = self.conn_factory()
            self.setup(self.conn)
        except BaseException as e:
            self.loop.call_soon_threadsafe(_settle, self.ready, None, e)
            return
        self.loop.call_soon_threadsafe(_settle, self.ready, None, None)
        q = self.q
        try:
            while True:
                item = q.get()
                if item is _STOP:
                    return
                batch = [item]
                stop = False
                while len(batch) < self.max_batch:
                    try:
                        nxt = q.get_nowait()
                    except queue.Empty:
                        break
                    if nxt is _STOP:
                        stop = True
                        break
                    batch.append(nxt)
                self.run_batch(self.conn, batch)
                if stop:
                    return
        finally:
            self.conn.close()

    def setup(self, conn: sqlite3.Connection) -> None:
        pass

    def post(self, fn: Callable[..., None], *args: Any) -> None:
        # RuntimeError: the loop is closed, so nobody is waiting for this any more.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(fn, *args)

    def run_batch(self, conn: sqlite3.Connection, batch: list[_Pending]) -> None:
        raise NotImplementedError


def _settle(fut: asyncio.Future[Any], result: Any, exc: BaseException | None) -> None:
    if fut.done():
        return
    if exc is not None:
        fut.set_exception(exc)
    else:
        fut.set_result(result)


def _deliver(results: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for fut, result, exc in results:
        if fut.done():  # the caller gave up (cancelled); the operation still happened
            continue
        if exc is not None:
            fut.set_exception(exc)
        else:
            fut.set_result(result)


class _Reader(_Worker):
    """Runs read functions `fn(conn, *args)`; each is one statement or its own short read
    transaction, so it sees every commit acknowledged before it was queued."""

    def setup(self, conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA query_only=1")

    def run_batch(self, conn: sqlite3.Connection, batch: list[_Pending]) -> None:
        out: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        for (fn, args), fut in batch:
            try:
                out.append((fut, fn(conn, *args), None))
            except BaseException as e:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                out.append((fut, None, e))
        self.post(_deliver, out)


class _Writer(_Worker):
    """The single writer. Each queued op is a whole compare-and-swap attempt; one batch is one
    transaction; results are delivered only after COMMIT returned."""

    rev = 1
    compact = 0

    def __init__(self, *args: Any, on_commit: Callable[..., None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_commit = on_commit

    def setup(self, conn: sqlite3.Connection) -> None:
        conn.executescript(_SCHEMA)
        self.rev, self.compact = conn.execute(_META).fetchone()
        # A compaction that removed the newest rows must not move the counter back; the
        # meta row is authoritative, the log max is a belt-and-braces check.
        (log_max,) = conn.execute("SELECT coalesce(max(rev), 0) FROM log").fetchone()
        self.rev = max(self.rev, log_max, self.compact, 1)

    def run_batch(self, conn: sqlite3.Connection, batch: list[_Pending]) -> None:
        rev0, compact0 = self.rev, self.compact
        events: list[Event] = []
        out: list[tuple[asyncio.Future[Any], Any, BaseException | None]] = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for (op, args), fut in batch:
                out.append((fut, op(self, conn, events, *args), None))
            if self.rev != rev0:
                conn.execute("UPDATE meta SET value = ? WHERE name = 'rev'", (self.rev,))
            if self.compact != compact0:
                conn.execute("UPDATE meta SET value = ? WHERE name = 'compact'", (self.compact,))
            conn.execute("COMMIT")
        except BaseException as e:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("ROLLBACK")
            self.rev, self.compact = rev0, compact0
            events = []
            out = [(fut, None, e) for _, fut in batch]
        self.post(self.on_commit, out, events, self.rev, self.compact)

    # -- operations (writer thread, inside the batch transaction)

    def op_create(
        self, conn: sqlite3.Connection, events: list[Event], key: str, value: bytes
    ) -> tuple[bool, KeyValue | None]:
        rev = self.rev + 1
        if (
            conn.execute(
                "INSERT OR IGNORE INTO current (key, rev) VALUES (?, ?)", (key, rev)
            ).rowcount
            == 0
        ):
            row = conn.execute(_CURRENT_ROW, (key,)).fetchone()
            return False, _kv(key, *row)
        conn.execute(_INSERT_LOG, (rev, key, value, rev, 0, 0))
        self.rev = rev
        kv = KeyValue(key, value, rev, rev)
        events.append(Event(EventType.PUT, kv, None))
        return True, kv

    def op_update(
        self, conn: sqlite3.Connection, events: list[Event], key: str, value: bytes, expected: int
    ) -> tuple[bool, KeyValue | None]:
        row = conn.execute(_CURRENT_ROW, (key,)).fetchone()
        if row is None:
            return False, None
        prev = _kv(key, *row)
        if prev.mod_revision != expected:
            return False, prev
        rev = self.rev + 1
        conn.execute(_INSERT_LOG, (rev, key, value, prev.create_revision, prev.mod_revision, 0))
        conn.execute("UPDATE current SET rev = ? WHERE key = ?", (rev, key))
        self.rev = rev
        kv = KeyValue(key, value, prev.create_revision, rev)
        events.append(Event(EventType.PUT, kv, prev))
        return True, kv

    def op_delete(
        self, conn: sqlite3.Connection, events: list[Event], key: str, expected: int
    ) -> tuple[bool, KeyValue | None]:
        row = conn.execute(_CURRENT_ROW, (key,)).fetchone()
        if row is None:
            return False, None
        prev = _kv(key, *row)
        if prev.mod_revision != expected:
            return False, prev
        rev = self.rev + 1
        conn.execute(_INSERT_LOG, (rev, key, b"", prev.create_revision, prev.mod_revision, 1))
        conn.execute("DELETE FROM current WHERE key = ?", (key,))
        self.rev = rev
        events.append(Event(EventType.DELETE, KeyValue(key, b"", prev.create_revision, rev), prev))
        return True, KeyValue(key, prev.value, prev.create_revision, rev)

    def op_compact(self, conn: sqlite3.Connection, events: list[Event], target: int) -> int:
        """One step of compaction to `target`: look at the next log rows after the current
        compaction point; every row at or before the target supersedes its `prev_rev` row, and
        a tombstone is itself dropped. Returns the new compaction point."""
        if target <= self.compact:
            return self.compact
        target = min(target, self.rev)
        rows = conn.execute(
            "SELECT rev, prev_rev, deleted FROM log WHERE rev > ? AND rev <= ? "
            "ORDER BY rev LIMIT ?",
            (self.compact, target, _COMPACT_STEP),
        ).fetchall()
        doomed = [(prev,) for _, prev, _ in rows if prev]
        doomed.extend((rev,) for rev, _, deleted in rows if deleted)
        if doomed:
            conn.executemany("DELETE FROM log WHERE rev = ?", doomed)
        self.compact = rows[-1][0] if len(rows) == _COMPACT_STEP else target
        return self.compact


# --------------------------------------------------------------------------------------------
# Read functions (reader threads)


def _read_meta(conn: sqlite3.Connection, revision: int) -> tuple[int, int]:
    current, compact = conn.execute(_META).fetchone()
    if revision > current:
        raise FutureRevisionError(revision, current)
    if revision < compact:
        raise CompactedError(revision, compact)
    return current, compact


def _r_get(conn: sqlite3.Connection, key: str, revision: int) -> tuple[KeyValue | None, int]:
    if revision <= 0:
        current, rev, create_rev, value = conn.execute(_GET_CURRENT, (key,)).fetchone()
        return (None if rev is None else KeyValue(key, value, create_rev, rev)), current
    conn.execute("BEGIN")
    try:
        _read_meta(conn, revision)
        row = conn.execute(_GET_AT, (key, revision)).fetchone()
    finally:
        conn.execute("COMMIT")
    if row is None or row[3]:
        return None, revision
    return KeyValue(key, row[2], row[1], row[0]), revision


def _r_range(
    conn: sqlite3.Connection, start: str, end: str, revision: int, limit: int
) -> RangeResult:
    conn.execute("BEGIN")
    try:
        if revision <= 0:
            current, _ = conn.execute(_META).fetchone()
            revision = current
        else:
            current, _ = _read_meta(conn, revision)
        fast = revision == current or (
            current - revision <= _FAST_PIN_WINDOW
            and not conn.execute(_CHANGED_SINCE, (revision, start, end)).fetchone()[0]
        )
        sql_limit = limit if limit > 0 else -1
        if fast:
            rows = conn.execute(_RANGE_CURRENT, (start, end, sql_limit)).fetchall()
            count = (
                conn.execute(_COUNT_CURRENT, (start, end)).fetchone()[0]
                if 0 < limit <= len(rows)
                else len(rows)
            )
        else:
            rows = conn.execute(_RANGE_AT, (start, end, revision, sql_limit)).fetchall()
            count = (
                conn.execute(_COUNT_AT, (start, end, revision)).fetchone()[0]
                if 0 < limit <= len(rows)
                else len(rows)
            )
    finally:
        conn.execute("COMMIT")
    kvs = [KeyValue(k, v, c, r) for k, v, c, r in rows]
    return RangeResult(kvs, revision, count > len(kvs), count)


def _r_count(conn: sqlite3.Connection, start: str, end: str) -> int:
    count: int = conn.execute(_COUNT_CURRENT, (start, end)).fetchone()[0]
    return count


def _r_history(
    conn: sqlite3.Connection, start: str, end: str, from_rev: int, limit: int
) -> tuple[list[Event], int, bool]:
    conn.execute("BEGIN")
    try:
        current, compact = conn.execute(_META).fetchone()
        if from_rev <= compact:
            raise CompactedError(from_rev, compact)
        hi = min(current, from_rev + _HISTORY_SCAN - 1)
        rows = conn.execute(_HISTORY, (from_rev, hi, start, end, limit)).fetchall()
    finally:
        conn.execute("COMMIT")
    events = []
    for rev, key, value, create_rev, prev_rev, deleted, pvalue, pcreate in rows:
        prev = KeyValue(key, pvalue, pcreate, prev_rev) if prev_rev else None
        if deleted:
            events.append(Event(EventType.DELETE, KeyValue(key, b"", create_rev, rev), prev))
        else:
            events.append(Event(EventType.PUT, KeyValue(key, value, create_rev, rev), prev))
    upto = rows[-1][0] if len(rows) >= limit else hi
    return events, upto, upto >= current


# --------------------------------------------------------------------------------------------
# The backend


class SQLiteBackend:
    """Open with `await SQLiteBackend.open(path, ...)`.

    Options: `synchronous` ("FULL", the default: a commit is fsynced before it is
    acknowledged, surviving power loss; "NORMAL": survives a process crash, not an OS crash),
    `readers` (reader threads, default 2), `watch_queue_size` (events a watcher may have
    queued before it is closed with WatchOverflowError), `max_batch` (ops per transaction).
    """

    def __init__(
        self,
        path: str,
        *,
        synchronous: str = "FULL",
        readers: int = 2,
        watch_queue_size: int = 10_000,
        max_batch: int = 1024,
    ) -> None:
        sync = synchronous.upper()
        if sync not in ("FULL", "NORMAL", "EXTRA"):
            raise ValueError(f"unsupported synchronous mode: {synchronous!r}")
        if not path or path == ":memory:":
            raise ValueError("the sqlite backend needs a file path")
        self.path = path
        self._sync = sync
        self._nreaders = max(1, readers)
        self._watch_queue_size = watch_queue_size
        self._max_batch = max_batch
        self._hub = WatchHub()
        self._rev = 1
        self._compact = 0
        self._closed = False
        self._wq: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._rq: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._writer: _Writer | None = None
        self._readers: list[_Reader] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    async def open(cls, path: str, **options: Any) -> SQLiteBackend:
        self = cls(path, **options)
        await self._start()
        return self

    async def _start(self) -> None:
        loop = self._loop = asyncio.get_running_loop()
        path, sync = self.path, self._sync
        writer = _Writer(
            "kapi-sqlite-writer",
            self._wq,
            loop,
            lambda: _connect(path, sync),
            self._max_batch,
            on_commit=self._on_commit,
        )
        writer.start()
        await writer.ready  # schema exists before any reader opens the file
        self._writer = writer
        self._rev, self._compact = writer.rev, writer.compact
        self._hub.revision = self._rev
        for i in range(self._nreaders):
            r = _Reader(f"kapi-sqlite-reader-{i}", self._rq, loop, lambda: _connect(path, sync), 64)
            r.start()
            self._readers.append(r)
        await asyncio.gather(*(r.ready for r in self._readers))

    def _on_commit(
        self,
        results: list[tuple[asyncio.Future[Any], Any, BaseException | None]],
        events: list[Event],
        revision: int,
        compact: int,
    ) -> None:
        self._rev = max(self._rev, revision)
        self._compact = compact
        self._hub.publish(events, revision)  # watchers first: they must not miss an acked write
        _deliver(results)

    def _write(self, op: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        if self._closed or self._loop is None:
            raise StorageError("sqlite backend is closed")
        fut = self._loop.create_future()
        self._wq.put(((op, args), fut))
        return fut

    def _read(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        if self._closed or self._loop is None:
            raise StorageError("sqlite backend is closed")
        fut = self._loop.create_future()
        self._rq.put(((fn, args), fut))
        return fut

    # -- reads

    def _observe(self, revision: int) -> None:
        # A reader can see a commit before the loop ran that commit's callback; a revision
        # handed to a client must never be "in the future" for the next call.
        if revision > self._rev:
            self._rev = revision

    async def current_revision(self) -> int:
        return self._rev

    async def compact_revision(self) -> int:
        return self._compact

    async def get(self, key: str, *, revision: int = 0) -> tuple[KeyValue | None, int]:
        result: tuple[KeyValue | None, int] = await self._read(_r_get, key, revision)
        self._observe(result[1])
        return result

    async def range(
        self, start: str, end: str, *, revision: int = 0, limit: int = 0
    ) -> RangeResult:
        result: RangeResult = await self._read(_r_range, start, end, revision, limit)
        self._observe(result.revision)
        return result

    async def count(self, start: str, end: str) -> int:
        result: int = await self._read(_r_count, start, end)
        return result

    async def history(
        self, start: str, end: str, from_revision: int, limit: int
    ) -> tuple[list[Event], int, bool]:
        result: tuple[list[Event], int, bool] = await self._read(
            _r_history, start, end, from_revision, limit
        )
        return result

    # -- writes

    async def create(self, key: str, value: bytes) -> tuple[bool, KeyValue | None]:
        result: tuple[bool, KeyValue | None] = await self._write(_Writer.op_create, key, value)
        return result

    async def update(
        self, key: str, value: bytes, *, expected_mod_revision: int
    ) -> tuple[bool, KeyValue | None]:
        result: tuple[bool, KeyValue | None] = await self._write(
            _Writer.op_update, key, value, expected_mod_revision
        )
        return result

    async def delete(self, key: str, *, expected_mod_revision: int) -> tuple[bool, KeyValue | None]:
        result: tuple[bool, KeyValue | None] = await self._write(
            _Writer.op_delete, key, expected_mod_revision
        )
        return result

    def watch(self, start: str, end: str, *, start_revision: int) -> LocalWatch:
        return LocalWatch(self._hub, self, start, end, start_revision, self._watch_queue_size)

    # -- maintenance

    async def compact(self, revision: int) -> None:
        """Compacts in steps of a few hundred rows, each its own short write transaction,
        so concurrent writes interleave with a long compaction."""
        if revision <= self._compact:
            return
        if revision > self._rev:
            raise FutureRevisionError(revision, self._rev)
        while True:
            reached: int = await self._write(_Writer.op_compact, revision)
            if reached >= revision:
                return

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._hub.close_all()
        threads: list[threading.Thread] = []
        if self._writer is not None:
            self._wq.put(_STOP)
            threads.append(self._writer)
        for r in self._readers:
            self._rq.put(_STOP)
            threads.append(r)
        for t in threads:
            await asyncio.to_thread(t.join)


async def open_backend(path: str, **options: Any) -> SQLiteBackend:
    """The factory entry (`kapi.storage.backends.open_backend("sqlite", path=...)`)."""
    return await SQLiteBackend.open(path, **options)
