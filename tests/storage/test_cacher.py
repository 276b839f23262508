"""The watch cache: the storage conformance suite run against `CachedStorage` over every
backend (the same cases as `test_backends.py`, unchanged), plus cacher-specific behaviour."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import tracemalloc
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest

from kapi.storage.backends import open_backend
from kapi.storage.backends.etcd3 import Etcd3Backend
from kapi.storage.cacher import CachedStorage, ResourceCache, resource_prefix
from kapi.storage.cacher.delegator import (
    ReadKind,
    ReadPlan,
    WatchPlan,
    plan_list,
    plan_watch,
    should_delegate_list,
)
from kapi.storage.cacher.store import CacheStore, watch_item
from kapi.storage.generic import (
    BackendStorage,
    ContinueWithResourceVersionError,
    encode_continue,
    encode_object,
)
from kapi.storage.interface import (
    Backend,
    CompactedError,
    Event,
    EventType,
    InvalidContinueError,
    InvalidResourceVersionError,
    KeyValue,
    ListOptions,
    Object,
    SelectionPredicate,
    WatchOverflowError,
)
from tests.etcd import EtcdServer, start_etcd
from tests.storage.conformance import (
    ADDED,
    BOOKMARK,
    CASES,
    DELETED,
    MODIFIED,
    PREFIX,
    TIMEOUT,
    Events,
    Harness,
    LabelEquals,
    key,
    names,
    pod,
    rv,
    selector,
    set_labels,
    update,
    watch,
)

BACKENDS = ["memory", "sqlite", "etcd3"]
BACKEND_WATCH_QUEUE = 1000  # the cache's own backend watch
WATCHER_QUEUE_SIZE = 1000  # each client watch of the cache
BOOKMARK_INTERVAL = 0.1
_etcd_prefixes = itertools.count()


async def open_test_backend(
    kind: str, tmp_path: Path, etcd_url: str = "", **options: Any
) -> Backend:
    options.setdefault("watch_queue_size", BACKEND_WATCH_QUEUE)
    if kind == "memory":
        return await open_backend("memory", **options)
    if kind == "sqlite":
        return await open_backend("sqlite", path=str(tmp_path / "kapi.db"), **options)
    # One etcd for the module; each test under a key prefix of its own.
    return await open_backend(
        "etcd3", servers=[etcd_url], key_prefix=f"/cacher{next(_etcd_prefixes)}", **options
    )


@pytest.fixture(scope="module")
def shared_etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    server = start_etcd(tmp_path_factory.mktemp("etcd"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    url = request.getfixturevalue("shared_etcd").url if request.param == "etcd3" else ""
    b = await open_test_backend(request.param, tmp_path, url)
    try:
        yield b
    finally:
        await b.close()


def trusts_progress(backend: Backend) -> bool:
    """etcd here is 3.5.1, which can answer a progress request ahead of pending events
    (etcd-io/etcd#15220): the cache must not request or trust progress over it, as upstream
    falls back for etcd older than 3.5.13."""
    return not isinstance(backend, Etcd3Backend)


@pytest.fixture
async def cached(backend: Backend) -> AsyncIterator[CachedStorage]:
    inner = BackendStorage(backend, bookmark_interval=BOOKMARK_INTERVAL)
    # Poll the backend's compaction point on every read, so that the conformance cases'
    # compactions are seen at once (the default polls every 15 s, as upstream does).
    async with CachedStorage(
        inner,
        backend,
        watcher_queue_size=WATCHER_QUEUE_SIZE,
        compaction_poll_interval=0.0,
    ) as s:
        assert s.options.progress_requests is trusts_progress(backend)  # the default
        if isinstance(backend, Etcd3Backend):
            await warm_up(s, PREFIX)
        yield s


async def warm_up(s: CachedStorage, prefix: str) -> None:
    """Start the cache of `prefix` and wait until its backend watch has delivered an event.
    etcd keeps a new watch "unsynced" for up to 100 ms, and a compaction in that time
    cancels it (the cache then re-lists and closes its watchers, correctly, but the
    compaction cases would see their watch closed). A server's caches start long before
    any compaction; this gives the tests the same situation."""
    key = prefix + "warm-up/x"
    await s.create(key, {"metadata": {"name": "x"}})
    gone = await s.delete(key)
    cache = s.cache_for(key)
    assert cache is not None
    assert await cache.wait_fresh(int(gone["metadata"]["resourceVersion"]), 5.0)


@pytest.fixture
def harness(cached: CachedStorage, backend: Backend) -> Harness:
    return Harness(
        cached,
        backend.compact,
        watch_queue_size=WATCHER_QUEUE_SIZE,
        bookmark_interval=BOOKMARK_INTERVAL,
    )


# Cases that cannot hold for a cache that may not use progress notifications.
WITHOUT_PROGRESS = {
    # Bookmarks carry the cache's revision, which only this resource's events move: a write
    # to another resource is not reflected until the backend's periodic progress notification
    # (etcd: every 10 minutes), as with upstream's cacher over such an etcd.
    "watch_bookmarks": AssertionError,
}


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
async def test_conformance(
    request: pytest.FixtureRequest,
    harness: Harness,
    backend: Backend,
    case: Callable[[Harness], Awaitable[None]],
) -> None:
    if not trusts_progress(backend) and case.__name__ in WITHOUT_PROGRESS:
        request.applymarker(
            pytest.mark.xfail(
                raises=WITHOUT_PROGRESS[case.__name__],
                strict=True,
                reason="no progress notifications: bookmarks lag writes to other resources",
            )
        )
    await case(harness)


# --------------------------------------------------------------------------------------------
# Cacher-specific behaviour, over the embedded backends.


class ManualClock:
    """A `Clock` that moves only when the test says so."""

    def __init__(self) -> None:
        self._now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self._now + seconds, fut))
        await fut

    async def advance(self, seconds: float) -> None:
        self._now += seconds
        due = [f for t, f in self._sleepers if t <= self._now]
        self._sleepers = [(t, f) for t, f in self._sleepers if t > self._now and not f.done()]
        for f in due:
            if not f.done():
                f.set_result(None)
        await settle()


async def settle(rounds: int = 20) -> None:
    """Let the event loop run what is ready (no timing involved)."""
    for _ in range(rounds):
        await asyncio.sleep(0)


@pytest.fixture(params=["memory", "sqlite"])
async def embedded(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    b = await open_test_backend(request.param, tmp_path)
    try:
        yield b
    finally:
        await b.close()


@contextlib.asynccontextmanager
async def cached_over(backend: Backend, **options: Any) -> AsyncIterator[CachedStorage]:
    options.setdefault("compaction_poll_interval", 0.0)
    async with CachedStorage(BackendStorage(backend), backend, **options) as s:
        yield s


def cache_of(s: CachedStorage, key: str = PREFIX) -> ResourceCache:
    cache = s.cache_for(key)
    assert cache is not None
    return cache


async def test_consistent_list_sees_a_write_made_behind_its_back(embedded: Backend) -> None:
    async with cached_over(embedded) as s:
        await s.create(key("a"), pod("a"))
        assert names((await s.get_list(PREFIX, ListOptions())).items) == ["a"]
        cache = cache_of(s)
        # Written through the storage under the cache: only its watch can tell it.
        await s.inner.create(key("b"), pod("b"))
        other = await s.inner.create("/registry/services/default/x", {"metadata": {"name": "x"}})
        res = await s.get_list(PREFIX, ListOptions())
        assert names(res.items) == ["a", "b"]
        assert res.resource_version == str(rv(other))  # caught up through a progress request
        assert (cache.stats.cache_reads, cache.stats.storage_reads) == (2, 0)
        assert cache.stats.progress_requests >= 1


async def test_slow_watcher_is_closed_and_the_others_keep_up(embedded: Backend) -> None:
    async with cached_over(embedded, watcher_queue_size=20) as s:
        start = await s.current_resource_version()
        await s.create(key("seed"), pod("seed"))
        cache = cache_of(s)
        slow = await s.watch(PREFIX, ListOptions(resource_version=str(start)))
        fast = Events(await s.watch(PREFIX, ListOptions(resource_version=str(start))))
        received: list[int] = []

        async def consume() -> None:
            while len(received) < 101:
                received.append(rv((await fast.next()).object))

        consumer = asyncio.create_task(consume())
        last = 0
        for i in range(100):
            last = rv(await s.create(key(f"p{i}"), pod(f"p{i}")))
            if i % 10 == 9:  # bursts of 10, within the reading watcher's queue bound
                while len(received) < i + 2 and not consumer.done():
                    await asyncio.sleep(0)
        await asyncio.wait_for(consumer, 30)
        assert received == list(range(start + 1, last + 1))
        assert cache.watcher_count == 1
        assert cache.stats.overflowed_watchers == 1
        with pytest.raises(WatchOverflowError):
            await asyncio.wait_for(anext(aiter(slow)), TIMEOUT)
        await fast.w.stop()
        assert cache.watcher_count == 0


async def test_watch_older_than_the_window_is_compacted(embedded: Backend) -> None:
    async with cached_over(embedded, window_size=5) as s:
        h = Harness(s, embedded.compact)
        revs = [rv(await s.create(key("a"), pod("a", n=0)))]
        for i in range(1, 10):
            revs.append(rv(await update(h, "a", "n", i)))
        cache = cache_of(s)
        assert await cache.wait_fresh(revs[-1], TIMEOUT)
        floor = cache.store.floor
        assert floor == revs[-6]  # five changes kept
        with pytest.raises(CompactedError) as e:
            await s.watch(PREFIX, ListOptions(resource_version=str(revs[0])))
        assert (e.value.requested, e.value.compact_revision) == (revs[0], floor)
        ev = await watch(h, resource_version=str(floor))
        assert [rv(e.object) for e in await ev.take(5)] == revs[-5:]
        await ev.w.stop()
        # A snapshot inside the window comes from memory; below it, from storage (which still
        # has that history here).
        reads = cache.stats.cache_reads, cache.stats.storage_reads
        exact = ListOptions(resource_version=str(revs[-3]), resource_version_match="Exact")
        assert (await s.get_list(PREFIX, exact)).items[0]["spec"] == {"n": 7}
        exact = ListOptions(resource_version=str(revs[1]), resource_version_match="Exact")
        assert (await s.get_list(PREFIX, exact)).items[0]["spec"] == {"n": 1}
        assert (cache.stats.cache_reads, cache.stats.storage_reads) == (reads[0] + 1, reads[1] + 1)


async def test_bookmarks_come_on_the_injected_clock(embedded: Backend) -> None:
    clock = ManualClock()
    async with cached_over(embedded, clock=clock, bookmark_interval=60.0) as s:
        a = await s.create(key("a"), pod("a"))
        w = await s.watch(
            PREFIX, ListOptions(resource_version=str(rv(a)), allow_watch_bookmarks=True)
        )
        other = await s.create("/registry/services/default/x", {"metadata": {"name": "x"}})
        nxt = asyncio.ensure_future(anext(aiter(w)))
        await clock.advance(59)
        assert not nxt.done()
        await clock.advance(1)
        bm = await asyncio.wait_for(nxt, TIMEOUT)
        assert bm.type is BOOKMARK
        assert bm.object == {"metadata": {"resourceVersion": str(rv(other))}}
        await w.stop()


async def test_initial_events_end_bookmark_after_the_selected_state(embedded: Backend) -> None:
    async with cached_over(embedded) as s:
        a = await s.create(key("a"), pod("a", labels={"app": "web"}))
        await s.create(key("b"), pod("b", labels={"app": "db"}))
        other = await s.create("/registry/services/default/x", {"metadata": {"name": "x"}})
        ev = Events(
            await s.watch(
                PREFIX,
                ListOptions(
                    send_initial_events=True,
                    resource_version_match="NotOlderThan",
                    allow_watch_bookmarks=True,
                    predicate=selector("app", "web"),
                ),
            )
        )
        first, end = [await ev.next(skip_bookmarks=False) for _ in range(2)]
        assert (first.type, rv(first.object)) == (ADDED, rv(a))
        assert end.type is BOOKMARK
        # a consistent start: at least the backend's revision when the watch began
        assert end.object["metadata"] == {
            "resourceVersion": str(rv(other)),
            "annotations": {"k8s.io/initial-events-end": "true"},
        }
        c = await s.create(key("c"), pod("c", labels={"app": "web"}))
        assert rv((await ev.next()).object) == rv(c)
        await ev.w.stop()


@pytest.mark.parametrize("progress", [True, False], ids=["progress", "no-progress"])
async def test_watch_from_a_revision_the_cache_has_not_reached(progress: bool) -> None:
    backend = await open_backend("memory")
    async with cached_over(backend, progress_requests=progress) as s:
        await s.create(key("a"), pod("a"))
        # The memory backend never yields on a write, so the cache has seen neither yet.
        await s.inner.create(key("early"), pod("early"))
        other = await s.inner.create("/registry/services/default/x", {"metadata": {"name": "x"}})
        cache = cache_of(s)
        assert cache.store.revision < rv(other)
        ev = await watch(Harness(s, backend.compact), resource_version=str(rv(other)))
        b = await s.create(key("b"), pod("b"))
        first = await ev.next()
        assert (first.type, rv(first.object)) == (ADDED, rv(b))  # "early" is not sent
        await ev.w.stop()
    await backend.close()


async def test_cache_resumes_when_its_backend_watch_breaks() -> None:
    backend = await open_backend("memory", watch_queue_size=10)
    async with cached_over(backend) as s:
        a = await s.create(key("a"), pod("a"))
        cache = cache_of(s)
        ev = await watch(Harness(s, backend.compact), resource_version=str(rv(a)))
        # Fifty commits without yielding overflow the cache's own backend watch (10 queued).
        revs = [await put_raw(backend, f"p{i}") for i in range(50)]
        got = await ev.take(50)
        assert [rv(e.object) for e in got] == revs  # re-watched from its revision: no gap
        assert cache.stats.lists == 1 and cache.stats.resumes >= 1
        assert any("WatchOverflowError" in err for err in cache.stats.errors)
        await ev.w.stop()
    await backend.close()


async def test_cache_relists_when_the_history_it_needs_is_gone() -> None:
    backend = await open_backend("memory", watch_queue_size=10)
    async with cached_over(backend) as s:
        h = Harness(s, backend.compact)
        a = await s.create(key("a"), pod("a"))
        cache = cache_of(s)
        ev = await watch(h, resource_version=str(rv(a)))
        revs = [await put_raw(backend, f"p{i}") for i in range(50)]
        await backend.compact(revs[-1])  # before the cache could re-watch
        # The cache re-lists; its watcher cannot be served the 50 changes and is closed.
        with pytest.raises(StopAsyncIteration):
            await ev.next()
        assert (cache.stats.lists, cache.stats.closed_watchers) == (2, 1)
        res = await s.get_list(PREFIX, ListOptions(resource_version="0"))
        assert len(res.items) == 51 and res.resource_version == str(revs[-1])
        with pytest.raises(CompactedError):
            await s.watch(PREFIX, ListOptions(resource_version=str(rv(a))))
        ev = await watch(h, resource_version=res.resource_version)
        b = await s.create(key("b"), pod("b"))
        assert rv((await ev.next()).object) == rv(b)
        await ev.w.stop()
        assert cache.stats.cache_reads >= 2
    await backend.close()


async def put_raw(backend: Backend, name: str) -> int:
    """A create straight on the backend (the memory backend completes it without yielding)."""
    ok, kv = await backend.create(key(name), encode_object(pod(name)))
    assert ok and kv is not None
    return kv.mod_revision


async def test_continue_tokens_work_across_cache_and_storage(embedded: Backend) -> None:
    async with cached_over(embedded) as s:
        for i in range(7):
            await s.create(key(f"p{i}"), pod(f"p{i}"))
        first_cached = await s.get_list(PREFIX, ListOptions(limit=3))
        first_stored = await s.inner.get_list(PREFIX, ListOptions(limit=3))
        assert first_cached == first_stored
        await s.create(key("p3a"), pod("p3a"))  # after the snapshot: on no page
        token = first_cached.continue_token
        from_cache = await s.get_list(PREFIX, ListOptions(limit=3, continue_token=token))
        from_storage = await s.inner.get_list(PREFIX, ListOptions(limit=3, continue_token=token))
        assert from_cache == from_storage
        assert names(from_cache.items) == ["p3", "p4", "p5"]
        assert from_cache.remaining_item_count == 1
        last = await s.get_list(
            PREFIX, ListOptions(limit=3, continue_token=from_storage.continue_token)
        )
        assert names(last.items) == ["p6"] and last.continue_token == ""
        assert cache_of(s).stats.storage_reads == 0


async def test_raw_list_from_cache_matches_the_decoded_list(embedded: Backend) -> None:
    async with cached_over(embedded) as s:
        for i in range(5):
            await s.create(key(f"p{i}"), pod(f"p{i}", x=i))
        decoded = await s.get_list(PREFIX, ListOptions(limit=3))
        raw = await s.get_list(PREFIX, ListOptions(limit=3, raw=True))
        assert all(isinstance(item, orjson.Fragment) for item in raw.items)
        assert orjson.loads(orjson.dumps(raw.items)) == decoded.items
        assert (raw.continue_token, raw.remaining_item_count, raw.resource_version) == (
            decoded.continue_token,
            decoded.remaining_item_count,
            decoded.resource_version,
        )


async def test_raw_watchers_share_pre_encoded_events(embedded: Backend) -> None:
    async with cached_over(embedded) as s:
        h = Harness(s, embedded.compact)
        a = await s.create(key("a"), pod("a", labels={"app": "web"}))
        start = str(rv(a))
        raws = [await watch(h, resource_version=start, raw=True) for _ in range(2)]
        plain = await watch(h, resource_version=start)
        selected = await watch(
            h, resource_version=start, raw=True, predicate=selector("app", "web")
        )
        await update(h, "a", "x", 1)
        await s.guaranteed_update(key("a"), set_labels({"app": "db"}))
        await s.delete(key("a"))
        expected = [(e.type, e.object) for e in await plain.take(3)]
        assert [t for t, _ in expected] == [MODIFIED, MODIFIED, DELETED]
        got = [await w.take(3) for w in raws]
        for events in got:
            assert all(isinstance(e.object, orjson.Fragment) for e in events)
            assert [(e.type, orjson.loads(orjson.dumps(e.object))) for e in events] == expected
        assert all(x.object is y.object for x, y in zip(*got, strict=True))  # encoded once
        # Leaving the selection: the previous state at the change's revision.
        stays, leaves = await selected.take(2)
        assert (stays.type, orjson.loads(orjson.dumps(stays.object))) == expected[0]
        last_selected = orjson.loads(orjson.dumps(leaves.object))
        assert leaves.type is DELETED and rv(last_selected) == rv(a) + 2
        assert last_selected["metadata"]["labels"] == {"app": "web"}
        assert last_selected["spec"] == {"x": 1}
        for w in [*raws, plain, selected]:
            await w.w.stop()


async def test_selector_attributes_are_computed_once_per_object_version() -> None:
    calls: list[str] = []

    def attrs(obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        calls.append(obj["metadata"]["name"])
        return obj["metadata"].get("labels") or {}, {"metadata.name": obj["metadata"]["name"]}

    pred = SelectionPredicate(label=LabelEquals("app", "web"), get_attrs=attrs)
    backend = await open_backend("memory")
    async with cached_over(backend) as s:
        for i in range(10):
            await s.create(key(f"p{i}"), pod(f"p{i}", labels={"app": "web" if i % 2 else "db"}))
        watchers = [Events(await s.watch(PREFIX, ListOptions(predicate=pred))) for _ in range(3)]
        for ev in watchers:
            assert names([e.object for e in await ev.take(5)]) == ["p1", "p3", "p5", "p7", "p9"]
        listed = await s.get_list(PREFIX, ListOptions(predicate=pred))
        assert names(listed.items) == ["p1", "p3", "p5", "p7", "p9"]
        assert sorted(calls) == sorted(f"p{i}" for i in range(10))  # once each, then memoised
        calls.clear()
        await s.guaranteed_update(key("p1"), set_labels({"app": "db"}))
        for ev in watchers:
            left = await ev.next()
            assert (left.type, left.object["metadata"]["labels"]) == (DELETED, {"app": "web"})
        assert calls == ["p1"]  # the new version once; the old one from the memo
        for ev in watchers:
            await ev.w.stop()
    await backend.close()


async def test_stop_closes_watchers_and_later_calls_use_storage(embedded: Backend) -> None:
    s = CachedStorage(BackendStorage(embedded), embedded)
    await s.create(key("a"), pod("a"))
    ev = await watch(Harness(s, embedded.compact))
    assert (await ev.next()).type is ADDED
    await s.stop()
    with pytest.raises(StopAsyncIteration):
        await ev.next()
    assert s.caches() == {}
    assert names((await s.get_list(PREFIX, ListOptions())).items) == ["a"]
    assert s.caches() == {}  # served by storage; no cache restarted


async def test_dropping_a_cache_closes_its_watchers(embedded: Backend) -> None:
    async with cached_over(embedded) as s:
        h = Harness(s, embedded.compact)
        a = await s.create(key("a"), pod("a"))
        ev = await watch(h, resource_version=str(rv(a)))
        first = cache_of(s)
        await s.drop_cache(PREFIX)
        with pytest.raises(StopAsyncIteration):
            await ev.next()
        assert PREFIX not in s.caches()
        assert names((await s.get_list(PREFIX, ListOptions(resource_version="0"))).items) == ["a"]
        assert cache_of(s) is not first


# --------------------------------------------------------------------------------------------
# Memory


@dataclass(frozen=True)
class FieldEquals:
    """A one-requirement field selector (`field=value`)."""

    field: str
    value: str

    def empty(self) -> bool:
        return False

    def matches(self, fields: Mapping[str, str]) -> bool:
        return fields.get(self.field) == self.value


def realistic_pod(i: int) -> Object:
    """A scheduled, running pod as a deployment creates it (about 2.6 KB stored)."""
    name = f"web-5d8f7c9b6d-{i:06d}"
    ns = f"team-{i % 40}"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "generateName": "web-5d8f7c9b6d-",
            "namespace": ns,
            "uid": str(uuid.UUID(int=i + 1)),
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": "web", "pod-template-hash": "5d8f7c9b6d", "tier": "frontend"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-5d8f7c9b6d",
                    "uid": "0a6f1b9e-3c1d-4b4e-9a55-1c3f7b2d9e10",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "containers": [
                {
                    "name": "web",
                    "image": "registry.example.com/web:1.27.3",
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                    "env": [{"name": "LOG_LEVEL", "value": "info"}],
                    "resources": {
                        "requests": {"cpu": "100m", "memory": "128Mi"},
                        "limits": {"memory": "256Mi"},
                    },
                    "readinessProbe": {
                        "httpGet": {"path": "/healthz", "port": 8080, "scheme": "HTTP"},
                        "periodSeconds": 10,
                        "timeoutSeconds": 1,
                        "successThreshold": 1,
                        "failureThreshold": 3,
                    },
                    "volumeMounts": [
                        {
                            "name": "kube-api-access-7xk2p",
                            "readOnly": True,
                            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                        }
                    ],
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "imagePullPolicy": "IfNotPresent",
                }
            ],
            "volumes": [
                {
                    "name": "kube-api-access-7xk2p",
                    "projected": {
                        "sources": [
                            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                            {
                                "configMap": {
                                    "name": "kube-root-ca.crt",
                                    "items": [{"key": "ca.crt", "path": "ca.crt"}],
                                }
                            },
                        ],
                        "defaultMode": 420,
                    },
                }
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "serviceAccount": "default",
            "nodeName": f"node-{i % 500:03d}",
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
                {
                    "key": "node.kubernetes.io/unreachable",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                },
            ],
            "priority": 0,
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True", "lastTransitionTime": "2026-01-01T00:00:05Z"}
                for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")
            ],
            "hostIP": f"10.0.{i % 500 // 250}.{i % 250}",
            "podIP": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
            "podIPs": [{"ip": f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"}],
            "startTime": "2026-01-01T00:00:01Z",
            "containerStatuses": [
                {
                    "name": "web",
                    "state": {"running": {"startedAt": "2026-01-01T00:00:03Z"}},
                    "ready": True,
                    "restartCount": 0,
                    "image": "registry.example.com/web:1.27.3",
                    "imageID": "registry.example.com/web@sha256:" + "ab" * 32,
                    "containerID": f"containerd://{i:064x}",
                    "started": True,
                }
            ],
            "qosClass": "Burstable",
        },
    }


def pod_attrs(obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """The pod strategy's selectable fields."""
    meta, spec, status = obj["metadata"], obj.get("spec") or {}, obj.get("status") or {}
    ips = status.get("podIPs") or []
    return meta.get("labels") or {}, {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", ""),
        "spec.nodeName": spec.get("nodeName", ""),
        "spec.restartPolicy": spec.get("restartPolicy", ""),
        "spec.schedulerName": spec.get("schedulerName", ""),
        "spec.serviceAccountName": spec.get("serviceAccountName", ""),
        "spec.hostNetwork": "true" if spec.get("hostNetwork") is True else "false",
        "status.phase": status.get("phase", ""),
        "status.podIP": ips[0].get("ip", "") if ips else "",
        "status.nominatedNodeName": status.get("nominatedNodeName", ""),
    }


async def test_memory_per_object(tmp_path: Path) -> None:
    """What the cache holds per pod, over sqlite (where the cache alone holds the values)."""
    n = 5000
    backend = await open_backend("sqlite", path=str(tmp_path / "kapi.db"), synchronous="NORMAL")
    inner = BackendStorage(backend)
    for lo in range(0, n, 500):
        await asyncio.gather(
            *(inner.create(f"{PREFIX}p/{i:06d}", realistic_pod(i)) for i in range(lo, lo + 500))
        )
    stored = sum(len(encode_object(realistic_pod(i))) for i in range(n)) / n
    async with cached_over(backend) as s:
        gc.collect()
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            cache = cache_of(s)
            assert await cache.wait_fresh(0, 60)
            await settle()
            gc.collect()
            loaded = tracemalloc.get_traced_memory()[0] - base
            pred = SelectionPredicate(
                field=FieldEquals("spec.nodeName", "node-007"), get_attrs=pod_attrs
            )
            res = await s.get_list(PREFIX, ListOptions(predicate=pred))
            assert len(res.items) == n // 500
            del res
            gc.collect()
            with_attrs = tracemalloc.get_traced_memory()[0] - base
        finally:
            tracemalloc.stop()
    await backend.close()
    per_object = loaded / n
    print(
        f"\nwatch cache memory per pod: {per_object:.0f} B "
        f"(stored JSON {stored:.0f} B, overhead {per_object - stored:.0f} B); "
        f"with selector attributes memoised: {with_attrs / n:.0f} B; "
        f"100,000 pods: {with_attrs / n * 100_000 / 2**20:.0f} MiB"
    )
    assert per_object - stored < 400
    assert with_attrs / n - per_object < 800


# --------------------------------------------------------------------------------------------
# Pure decisions (delegator) and the sans-I/O store


@pytest.mark.parametrize(
    ("key", "prefix"),
    [
        ("/registry/pods/default/a", "/registry/pods/"),
        ("/registry/pods/", "/registry/pods/"),
        ("/registry/pods", "/registry/pods/"),
        ("/registry/nodes/node-1.example.com", "/registry/nodes/"),
        ("/registry/example.com/widgets/ns/w", "/registry/example.com/widgets/"),
        ("/registry/example.com/widgets", "/registry/example.com/widgets/"),
        ("/registry/example.com/", None),
        ("/registry/", None),
        ("registry/pods/a", None),
    ],
)
def test_resource_prefix(key: str, prefix: str | None) -> None:
    assert resource_prefix(key) == prefix


TOKEN_AT_7 = encode_continue(PREFIX + "default/b\x00", PREFIX, 7)
TOKEN_AT_LATEST = encode_continue(PREFIX + "default/b\x00", PREFIX, -1)


@pytest.mark.parametrize(
    ("opts", "plan"),
    [
        (ListOptions(), ReadPlan(ReadKind.LATEST)),
        (ListOptions(limit=5), ReadPlan(ReadKind.LATEST)),
        (ListOptions(resource_version="0"), ReadPlan(ReadKind.NOT_OLDER_THAN, 0)),
        (ListOptions(resource_version="0", limit=5), ReadPlan(ReadKind.NOT_OLDER_THAN, 0)),
        (ListOptions(resource_version="9"), ReadPlan(ReadKind.NOT_OLDER_THAN, 9)),
        (ListOptions(resource_version="9", limit=5), ReadPlan(ReadKind.EXACT, 9)),
        (
            ListOptions(resource_version="9", limit=5, recursive=False),
            ReadPlan(ReadKind.NOT_OLDER_THAN, 9),
        ),
        (
            ListOptions(resource_version="9", resource_version_match="NotOlderThan", limit=5),
            ReadPlan(ReadKind.NOT_OLDER_THAN, 9),
        ),
        (
            ListOptions(resource_version="9", resource_version_match="Exact"),
            ReadPlan(ReadKind.EXACT, 9),
        ),
        (
            ListOptions(continue_token=TOKEN_AT_7, limit=2),
            ReadPlan(ReadKind.EXACT, 7, PREFIX + "default/b\x00"),
        ),
        (
            ListOptions(continue_token=TOKEN_AT_7, resource_version="0"),
            ReadPlan(ReadKind.EXACT, 7, PREFIX + "default/b\x00"),
        ),
        (
            ListOptions(continue_token=TOKEN_AT_LATEST),
            ReadPlan(ReadKind.LATEST, 0, PREFIX + "default/b\x00"),
        ),
    ],
)
def test_plan_list(opts: ListOptions, plan: ReadPlan) -> None:
    assert plan_list(opts, PREFIX) == plan


def test_plan_list_errors_match_storage() -> None:
    with pytest.raises(InvalidResourceVersionError):
        plan_list(ListOptions(resource_version="x", continue_token="garbage"), PREFIX)
    with pytest.raises(InvalidContinueError):
        plan_list(ListOptions(continue_token="garbage"), PREFIX)
    with pytest.raises(ContinueWithResourceVersionError):
        plan_list(ListOptions(continue_token=TOKEN_AT_7, resource_version="7"), PREFIX)


@pytest.mark.parametrize(
    ("plan", "floor", "delegate"),
    [
        (ReadPlan(ReadKind.EXACT, 10), 10, False),  # the floor itself is rebuilt from memory
        (ReadPlan(ReadKind.EXACT, 9), 10, True),  # older than the window: storage
        (ReadPlan(ReadKind.EXACT, 50), 10, False),  # ahead: the cache waits for it
        (ReadPlan(ReadKind.NOT_OLDER_THAN, 1), 10, False),
        (ReadPlan(ReadKind.LATEST), 10, False),
        (ReadPlan(ReadKind.STORAGE), 0, True),
    ],
)
def test_should_delegate_list(plan: ReadPlan, floor: int, delegate: bool) -> None:
    assert should_delegate_list(plan, floor) is delegate


@pytest.mark.parametrize(
    ("opts", "plan"),
    [
        (ListOptions(), WatchPlan(True, True, 0, None, False)),
        (ListOptions(resource_version="0"), WatchPlan(True, False, 0, None, False)),
        (ListOptions(resource_version="5"), WatchPlan(False, False, 5, 5, False)),
        (
            ListOptions(send_initial_events=True, allow_watch_bookmarks=True),
            WatchPlan(True, True, 0, None, True),
        ),
        (
            ListOptions(resource_version="5", send_initial_events=True),
            WatchPlan(True, False, 5, None, False),
        ),
        (ListOptions(send_initial_events=False), WatchPlan(False, True, 0, None, False)),
    ],
)
def test_plan_watch(opts: ListOptions, plan: WatchPlan) -> None:
    assert plan_watch(opts) == plan


def kv_event(k: str, value: bytes | None, rev: int, created: int) -> Event:
    if value is None:
        return Event(EventType.DELETE, KeyValue(k, b"", created, rev), None)
    return Event(EventType.PUT, KeyValue(k, value, created, rev), None)


def test_store_rebuilds_past_snapshots_from_its_window() -> None:
    store = CacheStore(window_size=4)
    store.reset([KeyValue("/r/a", b"a1", 2, 2), KeyValue("/r/c", b"c1", 3, 3)], 10)
    changes = [
        kv_event("/r/b", b"b1", 11, 11),  # create
        kv_event("/r/a", b"a2", 12, 2),  # update
        kv_event("/r/c", None, 13, 3),  # delete
        kv_event("/r/a", b"a3", 14, 2),  # update again
    ]
    for ev in changes:
        assert store.apply(ev) is not None
    assert store.apply(changes[0]) is None  # a replayed event is ignored

    def at(rev: int) -> list[tuple[str, bytes]]:
        return [(kv.key, kv.value) for kv in store.read_at(rev, "/r/", "/r0")]

    assert at(10) == [("/r/a", b"a1"), ("/r/c", b"c1")]
    assert at(11) == [("/r/a", b"a1"), ("/r/b", b"b1"), ("/r/c", b"c1")]
    assert at(12) == [("/r/a", b"a2"), ("/r/b", b"b1"), ("/r/c", b"c1")]
    assert at(13) == [("/r/a", b"a2"), ("/r/b", b"b1")]
    assert at(14) == [("/r/a", b"a3"), ("/r/b", b"b1")]
    assert [store.count_at(r, "/r/", "/r0") for r in (10, 11, 12, 13, 14)] == [2, 3, 3, 2, 2]
    assert [kv.key for kv in store.read_at(11, "/r/b", "/r0")] == ["/r/b", "/r/c"]
    assert [ch.revision for ch in store.changes_after(12, "/r/", "/r0")] == [13, 14]
    # A fifth change evicts the oldest: revision 10 can no longer be rebuilt.
    store.apply(kv_event("/r/d", b"d1", 15, 15))
    assert store.floor == 11
    with pytest.raises(CompactedError):
        list(store.read_at(10, "/r/", "/r0"))
    with pytest.raises(CompactedError):
        store.changes_after(10, "/r/", "/r0")
    assert at(11) == [("/r/a", b"a1"), ("/r/b", b"b1"), ("/r/c", b"c1")]
    # Following the backend's compaction raises the floor further.
    store.compact(13)
    assert store.floor == 13 and store.window_length == 2


def test_watch_items_for_a_predicate() -> None:
    web, db = b'{"metadata":{"labels":{"app":"web"}}}', b'{"metadata":{"labels":{"app":"db"}}}'
    store = CacheStore(window_size=10)
    store.reset([], 1)
    match = store.matcher(selector("app", "web"))
    assert match is not None
    seen = []
    for ev in (
        kv_event("/r/a", db, 2, 2),  # created outside: nothing
        kv_event("/r/a", web, 3, 2),  # enters: ADDED
        kv_event("/r/a", web, 4, 2),  # stays: MODIFIED
        kv_event("/r/a", db, 5, 2),  # leaves: DELETED with the previous state
        kv_event("/r/a", None, 6, 2),  # deleted outside: nothing
    ):
        ch = store.apply(ev)
        assert ch is not None
        item = watch_item(ch, match)
        seen.append(None if item is None else (item[0], ch.state(item[2]).value, ch.revision))
    assert seen == [
        None,
        (ADDED, web, 3),
        (MODIFIED, web, 4),
        (DELETED, web, 5),
        None,
    ]
