"""Runs the storage conformance suite against every backend, plus a few checks of the
backend protocol itself (watch replay vs compaction, progress, the compactor).

To cover another backend, add its name to `BACKENDS` and a branch to `open_test_backend`;
the cases in `conformance.py` do not change.

etcd3 runs against a real etcd: one server for the module, each test in a key prefix of its
own (tests run one at a time, so each still sees gap-free revisions); the tests that need a
store never compacted before get a fresh server.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import aetcd
import pytest

from kapi.storage.backends import open_backend
from kapi.storage.backends.etcd3 import Etcd3Backend
from kapi.storage.compactor import Compactor
from kapi.storage.generic import BackendStorage, encode_object
from kapi.storage.interface import (
    Backend,
    CompactedError,
    Event,
    EventType,
    StorageError,
    WatchOverflowError,
    prefix_end,
)
from tests.etcd import EtcdServer, make_tls, start_etcd
from tests.storage.conformance import CASES, Harness

BACKENDS = ["memory", "sqlite", "etcd3"]
WATCH_QUEUE_SIZE = 1000
BOOKMARK_INTERVAL = 0.1
PREFIX = "/registry/pods/"
END = prefix_end(PREFIX)


# Tests that assert on a never-compacted store: a shared etcd was compacted by earlier tests.
FRESH_ETCD = {"test_compactor_compacts_to_previous_tick"}
_prefixes = itertools.count()


async def open_test_backend(kind: str, tmp_path: Path, etcd_url: str = "") -> Backend:
    if kind == "memory":
        return await open_backend("memory", watch_queue_size=WATCH_QUEUE_SIZE)
    if kind == "sqlite":
        return await open_backend(
            "sqlite", path=str(tmp_path / "kapi.db"), watch_queue_size=WATCH_QUEUE_SIZE
        )
    if kind == "etcd3":
        return await open_etcd3(etcd_url)
    raise ValueError(kind)


@pytest.fixture(scope="module")
def shared_etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    server = start_etcd(tmp_path_factory.mktemp("etcd"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    fresh: EtcdServer | None = None
    url = ""
    if request.param == "etcd3":
        if request.node.originalname in FRESH_ETCD:
            fresh = start_etcd(tmp_path)
            url = fresh.url
        else:
            url = request.getfixturevalue("shared_etcd").url
    b = await open_test_backend(request.param, tmp_path, url)
    try:
        yield b
    finally:
        await b.close()
        if fresh is not None:
            fresh.stop()


@pytest.fixture
def harness(backend: Backend) -> Harness:
    # An etcd3 watch is created on its first read, so one never read holds nothing and
    # replays every event from etcd's history later; the bound of a watch that is running is
    # tested in test_etcd3_running_watcher_overflows.
    lazy = isinstance(backend, Etcd3Backend)
    return Harness(
        BackendStorage(backend, bookmark_interval=BOOKMARK_INTERVAL),
        backend.compact,
        watch_queue_size=None if lazy else WATCH_QUEUE_SIZE,
        bookmark_interval=BOOKMARK_INTERVAL,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
async def test_conformance(harness: Harness, case: Callable[[Harness], Awaitable[None]]) -> None:
    await case(harness)


async def put(b: Backend, name: str, value: bytes = b"{}") -> int:
    kv, _ = await b.get(PREFIX + name)
    if kv is None:
        ok, new = await b.create(PREFIX + name, value)
    else:
        ok, new = await b.update(PREFIX + name, value, expected_mod_revision=kv.mod_revision)
    assert ok and new is not None
    return new.mod_revision


async def test_watch_never_skips_compacted_history(backend: Backend) -> None:
    first = await put(backend, "a", b"1")
    w = backend.watch(PREFIX, END, start_revision=first)  # valid when created
    for i in range(5):
        await put(backend, "a", str(i).encode())
    await backend.compact(await backend.current_revision())
    with pytest.raises(CompactedError):
        await asyncio.wait_for(anext(aiter(w)), 5)
    await w.cancel()
    with pytest.raises(CompactedError):
        w = backend.watch(PREFIX, END, start_revision=first)
        await asyncio.wait_for(anext(aiter(w)), 5)


async def test_watch_replays_then_streams_with_prev_kv(backend: Backend) -> None:
    r1 = await put(backend, "a", b"1")
    r2 = await put(backend, "a", b"2")
    w = backend.watch(PREFIX, END, start_revision=r1)
    it = aiter(w)
    r3 = await put(backend, "b", b"3")
    kv, _ = await backend.get(PREFIX + "a")
    assert kv is not None
    ok, gone = await backend.delete(PREFIX + "a", expected_mod_revision=kv.mod_revision)
    assert ok and gone is not None and gone.value == b"2"
    events: list[Event] = []
    while len(events) < 4:
        batch = await asyncio.wait_for(anext(it), 5)
        events.extend(batch.events)
    assert [(e.type, e.kv.key[len(PREFIX) :], e.kv.mod_revision) for e in events] == [
        (EventType.PUT, "a", r1),
        (EventType.PUT, "a", r2),
        (EventType.PUT, "b", r3),
        (EventType.DELETE, "a", gone.mod_revision),
    ]
    assert events[0].prev_kv is None
    assert events[1].prev_kv is not None and events[1].prev_kv.value == b"1"
    assert events[3].kv.value == b"" and events[3].prev_kv is not None
    assert events[3].prev_kv.value == b"2" and events[3].prev_kv.mod_revision == r2
    await w.cancel()


async def test_request_progress(backend: Backend) -> None:
    r = await put(backend, "a")
    w = backend.watch(PREFIX, END, start_revision=r + 1)
    it = aiter(w)
    await backend.create("/registry/other/x", b"{}")  # outside the range
    await w.request_progress()
    batch = await asyncio.wait_for(anext(it), 5)
    assert batch.progress and batch.events == []
    assert batch.revision == await backend.current_revision() == r + 1
    await w.cancel()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(it), 5)


async def test_compaction_keeps_latest_versions(backend: Backend) -> None:
    await put(backend, "a", b"a1")
    await put(backend, "a", b"a2")
    await put(backend, "b", b"b1")
    kv, _ = await backend.get(PREFIX + "b")
    assert kv is not None
    await backend.delete(PREFIX + "b", expected_mod_revision=kv.mod_revision)
    rc = await put(backend, "c", b"c1")
    after = await put(backend, "c", b"c2")  # superseded after the compaction point: kept
    await backend.compact(rc)
    assert await backend.compact_revision() == rc
    res = await backend.range(PREFIX, END, revision=rc)
    assert [(kv.key[len(PREFIX) :], kv.value) for kv in res.kvs] == [("a", b"a2"), ("c", b"c1")]
    res = await backend.range(PREFIX, END)
    assert [(kv.key[len(PREFIX) :], kv.value) for kv in res.kvs] == [("a", b"a2"), ("c", b"c2")]
    assert res.revision == after
    with pytest.raises(CompactedError):
        await backend.range(PREFIX, END, revision=rc - 1)
    with pytest.raises(CompactedError):
        await backend.get(PREFIX + "a", revision=rc - 1)
    kv, served = await backend.get(PREFIX + "c", revision=rc)
    assert kv is not None and kv.value == b"c1" and served == rc
    assert (await backend.get(PREFIX + "b", revision=rc))[0] is None


async def test_compactor_compacts_to_previous_tick(backend: Backend) -> None:
    c = Compactor(backend, interval=3600, retain=2)
    for i in range(5):
        await put(backend, f"k{i}")
    seen = await backend.current_revision()
    assert await c.tick() == 0  # the first tick only records the revision
    assert await backend.compact_revision() == 0
    for i in range(5):
        await put(backend, f"k{i}", b"x")
    assert await c.tick() == seen
    assert await backend.compact_revision() == seen
    # never closer than `retain` revisions to the head
    c2 = Compactor(backend, interval=3600, retain=1000)
    await c2.tick()
    await put(backend, "z")
    assert await c2.tick() == 0
    assert await backend.compact_revision() == seen


async def test_compactor_task_runs_and_stops(backend: Backend) -> None:
    for i in range(3):
        await put(backend, f"k{i}")
    c = Compactor(backend, interval=0.01, retain=0)
    c.start()
    target = await backend.current_revision()
    for _ in range(500):
        if await backend.compact_revision() == target:
            break
        await asyncio.sleep(0.01)
    await c.stop()
    assert await backend.compact_revision() == target


# --------------------------------------------------------------------------------------------
# etcd3 only: what a shared, remote store adds


async def open_etcd3(url: str, *, watch_queue_size: int = WATCH_QUEUE_SIZE) -> Etcd3Backend:
    b = await open_backend(
        "etcd3",
        servers=[url],
        key_prefix=f"/test{next(_prefixes)}",
        watch_queue_size=watch_queue_size,
    )
    assert isinstance(b, Etcd3Backend)
    return b


async def test_etcd3_running_watcher_overflows(shared_etcd: EtcdServer) -> None:
    b = await open_etcd3(shared_etcd.url, watch_queue_size=50)
    try:
        r = await put(b, "a")
        w = b.watch(PREFIX, END, start_revision=r)
        it = aiter(w)
        assert (await asyncio.wait_for(anext(it), 5)).events[0].kv.mod_revision == r
        await asyncio.gather(*(put(b, f"k{i}") for i in range(400)))
        # A reader far slower than the writers: its queue passes the bound of 50 long
        # before it could have read every event.
        with pytest.raises(WatchOverflowError):
            for _ in range(400):
                await asyncio.wait_for(anext(it), 5)
                await asyncio.sleep(0.01)
        await w.cancel()
    finally:
        await b.close()


async def test_etcd3_keys_and_values_are_the_plain_registry_layout(
    shared_etcd: EtcdServer,
) -> None:
    """Without a key prefix, kapi's keys are upstream's `/registry/...` keys and its values the
    same JSON bytes the embedded backends store: any etcd client reads them as they are."""
    host, port = shared_etcd.url.removeprefix("http://").split(":")
    b = await open_backend("etcd3", servers=[shared_etcd.url])
    storage = BackendStorage(b)
    raw = aetcd.Client(host=host, port=int(port))
    try:
        obj = {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "plain"}}
        out = await storage.create("/registry/configmaps/layout/plain", obj)
        got = await raw.get(b"/registry/configmaps/layout/plain")
        assert got is not None
        assert got.value == encode_object(obj)
        assert got.mod_revision == int(out["metadata"]["resourceVersion"])
    finally:
        await raw.close()
        await b.close()


async def test_etcd3_two_backends_share_one_store(shared_etcd: EtcdServer) -> None:
    a = await open_backend("etcd3", servers=[shared_etcd.url], key_prefix="/shared")
    b = await open_backend("etcd3", servers=[shared_etcd.url], key_prefix="/shared")
    try:
        start = await b.current_revision()
        w = b.watch(PREFIX, END, start_revision=start + 1)
        it = aiter(w)
        ok, kv = await a.create(PREFIX + "x", b"1")
        assert ok and kv is not None and kv.mod_revision == start + 1
        batch = await asyncio.wait_for(anext(it), 5)
        assert [(e.kv.key, e.kv.mod_revision) for e in batch.events] == [(PREFIX + "x", start + 1)]
        assert await b.current_revision() == start + 1  # linearizable: sees A's write at once
        # compare-and-swap across processes: one of two updates from the same revision wins
        results = await asyncio.gather(
            a.update(PREFIX + "x", b"from-a", expected_mod_revision=kv.mod_revision),
            b.update(PREFIX + "x", b"from-b", expected_mod_revision=kv.mod_revision),
        )
        assert sorted(ok for ok, _ in results) == [False, True]
        winner = next(new for ok, new in results if ok)
        loser = next(cur for ok, cur in results if not ok)
        assert loser == winner  # the loser is handed the current value
        await w.cancel()
    finally:
        await a.close()
        await b.close()


async def test_etcd3_watch_resumes_across_an_etcd_restart(tmp_path: Path) -> None:
    etcd = start_etcd(tmp_path)
    b = await open_etcd3(etcd.url)
    try:
        first = await put(b, "a", b"0")
        w = b.watch(PREFIX, END, start_revision=first)
        it = aiter(w)
        revs = [first]
        got: list[int] = []
        while len(got) < 1:
            got += [e.kv.mod_revision for e in (await asyncio.wait_for(anext(it), 5)).events]
        for i in range(5):
            revs.append(await put(b, "a", str(i).encode()))
        await asyncio.to_thread(etcd.stop)
        await asyncio.to_thread(etcd.start)  # same data dir and ports
        for i in range(5):
            revs.append(await put(b, "b", str(i).encode()))
        while len(got) < len(revs):
            batch = await asyncio.wait_for(anext(it), 60)
            got += [e.kv.mod_revision for e in batch.events]
        assert got == revs  # every event once, in order, across the new stream
        await w.cancel()
    finally:
        await b.close()
        etcd.stop()


async def test_etcd3_compactors_of_two_servers_take_turns(tmp_path: Path) -> None:
    """Upstream's compact_rev_key protocol: in each cycle exactly one server compacts."""
    etcd = start_etcd(tmp_path)
    a = await open_etcd3(etcd.url)
    b = await open_etcd3(etcd.url)
    try:
        ca = Compactor(a, interval=3600, retain=0)
        cb = Compactor(b, interval=3600, retain=0)
        assert (await ca.tick(), await cb.tick()) == (0, 0)  # both only record a revision
        for rnd in range(3):
            for i in range(3):
                await put(a, f"r{rnd}-{i}")
            done = [await ca.tick(), await cb.tick()]
            assert sum(1 for t in done if t) == 1, done
            assert await a.compact_revision() == await b.compact_revision() == max(done)
    finally:
        await a.close()
        await b.close()
        etcd.stop()


async def test_etcd3_over_tls_with_a_client_certificate(tmp_path: Path) -> None:
    tls = make_tls(tmp_path / "tls")
    etcd = start_etcd(tmp_path, tls=tls)
    try:
        assert etcd.url.startswith("https://")
        b = await open_backend(
            "etcd3",
            servers=[etcd.url],
            cafile=str(tls.ca),
            certfile=str(tls.client_cert),
            keyfile=str(tls.client_key),
        )
        try:
            ok, kv = await b.create(PREFIX + "secure", b"1")
            assert ok and kv is not None
            assert (await b.get(PREFIX + "secure"))[0] == kv
        finally:
            await b.close()
        # without the client certificate etcd refuses the connection
        with pytest.raises(StorageError):
            await open_backend("etcd3", servers=[etcd.url], cafile=str(tls.ca), connect_timeout=2)
    finally:
        etcd.stop()
