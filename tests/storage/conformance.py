"""The storage conformance suite: one set of cases every `Storage` must pass, whatever the
backend (cases ported from upstream `pkg/storage/testing/store_tests.go` and
`watcher_tests.go`).

Each case is a small async function taking a `Harness`: a fresh, empty `Storage` plus the
hooks a case needs that are not part of the Storage protocol (compacting the backend).
`tests/storage/test_backends.py` runs every case in `CASES` against every backend.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import pytest

from kapi.storage.interface import (
    CompactedError,
    ConflictError,
    ContinueExpiredError,
    FutureRevisionError,
    InvalidContinueError,
    InvalidResourceVersionError,
    KeyExistsError,
    KeyNotFoundError,
    ListOptions,
    Object,
    Preconditions,
    SelectionPredicate,
    Storage,
    Watch,
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
PREFIX = "/registry/pods/"
TIMEOUT = 5.0


@dataclass
class Harness:
    storage: Storage
    compact: Callable[[int], Awaitable[None]]
    # The per-watcher queue bound of the backend, if it closes slow watchers itself.
    watch_queue_size: int | None = None
    # The interval the storage was built with for watch bookmarks (kept short in tests).
    bookmark_interval: float = 0.1


CASES: list[Callable[[Harness], Awaitable[None]]] = []


def case(fn: Callable[[Harness], Awaitable[None]]) -> Callable[[Harness], Awaitable[None]]:
    CASES.append(fn)
    return fn


# --------------------------------------------------------------------------------------------
# helpers


def key(name: str, ns: str = "default") -> str:
    return f"{PREFIX}{ns}/{name}"


def pod(
    name: str, ns: str = "default", labels: dict[str, str] | None = None, **spec: Any
) -> Object:
    meta: dict[str, Any] = {"name": name, "namespace": ns, "uid": f"uid-{ns}-{name}"}
    if labels:
        meta["labels"] = labels
    return {"kind": "Pod", "apiVersion": "v1", "metadata": meta, "spec": dict(spec)}


def rv(obj: Object | None) -> int:
    assert obj is not None
    return int(obj["metadata"]["resourceVersion"])


def names(items: list[Object]) -> list[str]:
    return [o["metadata"]["name"] for o in items]


@dataclass(frozen=True)
class LabelEquals:
    """A one-requirement label selector (`key=value`)."""

    key: str
    value: str

    def empty(self) -> bool:
        return False

    def matches(self, labels: Mapping[str, str]) -> bool:
        return labels.get(self.key) == self.value


def selector(k: str, v: str) -> SelectionPredicate:
    return SelectionPredicate(label=LabelEquals(k, v))


def set_field(path: str, value: Any) -> Callable[[Object | None], Awaitable[Object]]:
    async def update(cur: Object | None) -> Object:
        assert cur is not None
        cur["spec"][path] = value
        return cur

    return update


def set_labels(labels: dict[str, str]) -> Callable[[Object | None], Awaitable[Object]]:
    async def update(cur: Object | None) -> Object:
        assert cur is not None
        cur["metadata"]["labels"] = labels
        return cur

    return update


async def update(h: Harness, name: str, field: str, value: Any) -> Object:
    return await h.storage.guaranteed_update(key(name), set_field(field, value))


class Events:
    """Reads a watch with a timeout per event."""

    def __init__(self, w: Watch) -> None:
        self.w = w
        self.it: AsyncIterator[WatchEvent] = aiter(w)

    async def next(self, skip_bookmarks: bool = True) -> WatchEvent:
        while True:
            ev = await asyncio.wait_for(anext(self.it), TIMEOUT)
            if skip_bookmarks and ev.type is BOOKMARK:
                continue
            return ev

    async def take(self, n: int) -> list[WatchEvent]:
        return [await self.next() for _ in range(n)]


async def watch(h: Harness, key: str = PREFIX, **opts: Any) -> Events:
    return Events(await h.storage.watch(key, ListOptions(**opts)))


def decode_token(token: str) -> dict[str, Any]:
    out: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    return out


def make_token(payload: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()


# --------------------------------------------------------------------------------------------
# revisions, create, get


@case
async def revisions_are_global_and_gap_free(h: Harness) -> None:
    s = h.storage
    start = await s.current_resource_version()
    assert start >= 1
    a = await s.create(key("a"), pod("a"))
    b = await s.create("/registry/configmaps/default/b", {"metadata": {"name": "b"}})
    a2 = await update(h, "a", "x", 1)
    d = await s.delete("/registry/configmaps/default/b")
    assert [rv(a), rv(b), rv(a2), rv(d)] == [start + 1, start + 2, start + 3, start + 4]
    assert await s.current_resource_version() == start + 4


@case
async def create_stores_and_rejects_existing(h: Harness) -> None:
    s = h.storage
    obj = pod("a")
    obj["metadata"]["resourceVersion"] = "12345"
    obj["metadata"]["selfLink"] = "/api/v1/namespaces/default/pods/a"
    out = await s.create(key("a"), obj)
    assert rv(out) == await s.current_resource_version()
    assert "selfLink" not in out["metadata"]
    assert obj["metadata"]["resourceVersion"] == "12345"  # the caller's object is untouched
    got = await s.get(key("a"))
    assert got == out
    with pytest.raises(KeyExistsError):
        await s.create(key("a"), pod("a"))
    assert await s.current_resource_version() == rv(out)


@case
async def create_dry_run_writes_nothing(h: Harness) -> None:
    s = h.storage
    before = await s.current_resource_version()
    out = await s.create(key("a"), pod("a"), dry_run=True)
    assert out["metadata"]["name"] == "a" and "resourceVersion" not in out["metadata"]
    assert await s.current_resource_version() == before
    assert await s.get(key("a"), ignore_not_found=True) is None
    await s.create(key("a"), pod("a"))
    with pytest.raises(KeyExistsError):
        await s.create(key("a"), pod("a"), dry_run=True)


@case
async def get_resource_version_semantics(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    a2 = await update(h, "a", "x", 2)
    assert await s.get(key("a")) == a2
    assert await s.get(key("a"), resource_version="0") == a2
    assert await s.get(key("a"), resource_version=str(rv(a))) == a2  # not older than
    assert await s.get(key("a"), resource_version=str(rv(a2))) == a2
    with pytest.raises(FutureRevisionError) as fut:
        await s.get(key("a"), resource_version=str(rv(a2) + 10))
    assert fut.value.requested == rv(a2) + 10 and fut.value.current == rv(a2)
    for bad in ("abc", "-1", "1.5", " 1"):
        with pytest.raises(InvalidResourceVersionError):
            await s.get(key("a"), resource_version=bad)
    with pytest.raises(KeyNotFoundError):
        await s.get(key("missing"))
    assert await s.get(key("missing"), ignore_not_found=True) is None


@case
async def returned_objects_are_private_copies(h: Harness) -> None:
    s = h.storage
    out = await s.create(key("a"), pod("a", x=1))
    out["spec"]["x"] = 99
    got = await s.get(key("a"))
    assert got is not None and got["spec"]["x"] == 1
    got["metadata"]["labels"] = {"mutated": "yes"}
    listed = (await s.get_list(PREFIX, ListOptions())).items[0]
    assert "labels" not in listed["metadata"]


# --------------------------------------------------------------------------------------------
# guaranteed_update


@case
async def update_writes_new_revision(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a", x=1))
    seen: list[Object | None] = []

    async def fn(cur: Object | None) -> Object:
        seen.append(cur)
        assert cur is not None
        cur["spec"]["x"] = 2
        return cur

    out = await s.guaranteed_update(key("a"), fn)
    assert rv(out) == rv(a) + 1 and out["spec"]["x"] == 2
    assert rv(seen[0]) == rv(a)  # try_update sees the stored object with its RV
    assert await s.get(key("a")) == out


@case
async def update_missing_key(h: Harness) -> None:
    s = h.storage
    with pytest.raises(KeyNotFoundError):
        await s.guaranteed_update(key("a"), set_field("x", 1))
    got: list[Object | None] = []

    async def create_it(cur: Object | None) -> Object:
        got.append(cur)
        return pod("a", x=1)

    out = await s.guaranteed_update(key("a"), create_it, ignore_not_found=True)
    assert got == [None]
    assert rv(out) == await s.current_resource_version()
    assert await s.get(key("a")) == out


@case
async def update_retries_on_conflict(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a", n=0))
    calls: list[int] = []

    async def increment(cur: Object | None) -> Object:
        assert cur is not None
        calls.append(cur["spec"]["n"])
        if len(calls) == 1:
            # Someone else writes between our read and our compare-and-swap.
            await update(h, "a", "n", 10)
        cur["spec"]["n"] += 1
        return cur

    out = await s.guaranteed_update(key("a"), increment)
    assert calls == [0, 10]  # the retry ran on the value the failed CAS returned
    assert out["spec"]["n"] == 11
    assert (await s.get(key("a")))["spec"]["n"] == 11  # type: ignore[index]


@case
async def update_errors_propagate(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))

    async def fail(cur: Object | None) -> Object:
        raise ValueError("rejected")

    with pytest.raises(ValueError, match="rejected"):
        await s.guaranteed_update(key("a"), fail)
    assert await s.current_resource_version() == rv(a)


@case
async def noop_update_keeps_revision_and_emits_nothing(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a", x=1))
    ev = await watch(h, resource_version=str(rv(a)))

    async def same(cur: Object | None) -> Object:
        assert cur is not None
        return cur

    out = await s.guaranteed_update(key("a"), same)
    assert rv(out) == rv(a)
    out2 = await s.guaranteed_update(key("a"), set_field("x", 1))  # same content again
    assert rv(out2) == rv(a)
    assert await s.current_resource_version() == rv(a)
    b = await update(h, "a", "x", 2)
    first = await ev.next()
    assert first.type is MODIFIED and rv(first.object) == rv(b) == rv(a) + 1
    await ev.w.stop()


@case
async def update_dry_run_writes_nothing(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a", x=1))
    out = await s.guaranteed_update(key("a"), set_field("x", 2), dry_run=True)
    assert out["spec"]["x"] == 2 and rv(out) == rv(a)
    assert await s.current_resource_version() == rv(a)
    assert (await s.get(key("a")))["spec"]["x"] == 1  # type: ignore[index]


@case
async def update_preconditions(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    with pytest.raises(ConflictError) as e:
        await s.guaranteed_update(
            key("a"), set_field("x", 1), preconditions=Preconditions(uid="other")
        )
    assert e.value.message == (
        "Precondition failed: UID in precondition: other, UID in object meta: uid-default-a"
    )
    with pytest.raises(ConflictError) as e:
        await s.guaranteed_update(
            key("a"), set_field("x", 1), preconditions=Preconditions(resource_version="1")
        )
    assert e.value.message == (
        "Precondition failed: ResourceVersion in precondition: 1, "
        f"ResourceVersion in object meta: {rv(a)}"
    )
    out = await s.guaranteed_update(
        key("a"),
        set_field("x", 1),
        preconditions=Preconditions(uid="uid-default-a", resource_version=str(rv(a))),
    )
    assert rv(out) == rv(a) + 1


@case
async def update_preconditions_rechecked_on_retry(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    calls = 0

    async def racing(cur: Object | None) -> Object:
        nonlocal calls
        calls += 1
        await update(h, "a", "other", calls)  # makes our CAS fail
        assert cur is not None
        cur["spec"]["x"] = 1
        return cur

    with pytest.raises(ConflictError, match="ResourceVersion in precondition"):
        await s.guaranteed_update(
            key("a"), racing, preconditions=Preconditions(resource_version=str(rv(a)))
        )
    assert calls == 1  # the second pass failed the precondition before calling try_update


# --------------------------------------------------------------------------------------------
# delete


@case
async def delete_returns_last_state_at_delete_revision(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a", x=1))
    a2 = await update(h, "a", "x", 2)
    out = await s.delete(key("a"))
    assert out["spec"]["x"] == 2
    assert rv(out) == rv(a2) + 1 == await s.current_resource_version()
    with pytest.raises(KeyNotFoundError):
        await s.get(key("a"))
    with pytest.raises(KeyNotFoundError):
        await s.delete(key("a"))
    # the key can be created again
    again = await s.create(key("a"), pod("a"))
    assert rv(again) == rv(out) + 1


@case
async def delete_preconditions_and_validation(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    with pytest.raises(ConflictError) as e:
        await s.delete(key("a"), preconditions=Preconditions(uid="nope"))
    assert e.value.message == (
        "Precondition failed: UID in precondition: nope, UID in object meta: uid-default-a"
    )

    async def refuse(obj: Object) -> None:
        raise PermissionError("not now")

    with pytest.raises(PermissionError):
        await s.delete(key("a"), validate_deletion=refuse)
    assert await s.current_resource_version() == rv(a)

    seen: list[int] = []

    async def racing(obj: Object) -> None:
        seen.append(rv(obj))
        if len(seen) == 1:
            await update(h, "a", "x", 1)  # the compare-and-delete fails; run again

    out = await s.delete(
        key("a"), preconditions=Preconditions(uid="uid-default-a"), validate_deletion=racing
    )
    assert seen == [rv(a), rv(a) + 1]
    assert out["spec"]["x"] == 1 and rv(out) == rv(a) + 2


@case
async def delete_dry_run_writes_nothing(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    out = await s.delete(key("a"), dry_run=True)
    assert rv(out) == rv(a)
    assert await s.get(key("a")) == a
    assert await s.current_resource_version() == rv(a)


# --------------------------------------------------------------------------------------------
# list


@case
async def list_resource_version_is_store_revision(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a"))
    await s.create(key("b"), pod("b"))
    other = await s.create("/registry/services/default/x", {"metadata": {"name": "x"}})
    res = await s.get_list(PREFIX, ListOptions())
    assert names(res.items) == ["a", "b"]
    assert res.resource_version == str(rv(other))  # not the newest item's RV
    assert res.continue_token == "" and res.remaining_item_count is None
    # "/registry/pods" without the slash lists the same collection, not "/registry/podsx/..."
    await s.create("/registry/podsx/default/z", {"metadata": {"name": "z"}})
    assert names((await s.get_list("/registry/pods", ListOptions())).items) == ["a", "b"]


@case
async def list_resource_version_rules(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    await s.create(key("b"), pod("b"))
    cur = await s.current_resource_version()
    old = str(rv(a))

    # NotOlderThan / legacy without limit: served at latest
    for opts in (
        ListOptions(resource_version=old, resource_version_match="NotOlderThan"),
        ListOptions(resource_version=old),
        ListOptions(resource_version="0"),
        ListOptions(resource_version="0", resource_version_match="NotOlderThan"),
    ):
        res = await s.get_list(PREFIX, opts)
        assert names(res.items) == ["a", "b"] and res.resource_version == str(cur), opts
    # Exact, and legacy with a limit: the snapshot at that revision
    for opts in (
        ListOptions(resource_version=old, resource_version_match="Exact"),
        ListOptions(resource_version=old, limit=10),
    ):
        res = await s.get_list(PREFIX, opts)
        assert names(res.items) == ["a"] and res.resource_version == old, opts
    # too new
    for opts in (
        ListOptions(resource_version=str(cur + 5), resource_version_match="NotOlderThan"),
        ListOptions(resource_version=str(cur + 5)),
        ListOptions(resource_version=str(cur + 5), resource_version_match="Exact"),
        ListOptions(resource_version=str(cur + 5), limit=1),
    ):
        with pytest.raises(FutureRevisionError):
            await s.get_list(PREFIX, opts)
    with pytest.raises(InvalidResourceVersionError):
        await s.get_list(PREFIX, ListOptions(resource_version="x1"))


@case
async def list_single_key(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a"))
    await s.create(key("ab"), pod("ab"))
    res = await s.get_list(key("a"), ListOptions(recursive=False))
    assert names(res.items) == ["a"]
    assert res.resource_version == str(await s.current_resource_version())
    res = await s.get_list(key("zz"), ListOptions(recursive=False))
    assert res.items == []


@case
async def count_keys(h: Harness) -> None:
    s = h.storage
    for n in ("a", "b", "c"):
        await s.create(key(n), pod(n))
    await s.create(key("a", ns="other"), pod("a", ns="other"))
    await s.create("/registry/podsx/default/a", {"metadata": {"name": "a"}})
    await s.delete(key("b"))
    assert await s.count(PREFIX) == 3
    assert await s.count("/registry/pods") == 3
    assert await s.count(PREFIX + "default/") == 2


@case
async def paging_is_a_consistent_snapshot(h: Harness) -> None:
    s = h.storage
    for i in range(10):
        await s.create(key(f"p{i}"), pod(f"p{i}"))
    first = await s.get_list(PREFIX, ListOptions(limit=3))
    snapshot = first.resource_version
    assert names(first.items) == ["p0", "p1", "p2"]
    assert first.remaining_item_count == 7
    tok = decode_token(first.continue_token)
    assert tok == {"v": "meta.k8s.io/v1", "rv": int(snapshot), "start": "default/p2\x00"}

    pages = [first]
    while pages[-1].continue_token:
        # writes between pages: inside the listed range and outside it
        await update(h, "p5", "changed", True)
        await s.create(key(f"p5{len(pages)}"), pod(f"p5{len(pages)}"))
        if len(pages) == 1:
            await s.delete(key("p9"))
        await s.create(f"/registry/other/{len(pages)}", {"metadata": {"name": "o"}})
        pages.append(
            await s.get_list(PREFIX, ListOptions(limit=3, continue_token=pages[-1].continue_token))
        )
    assert [p.resource_version for p in pages] == [snapshot] * 4
    assert [p.remaining_item_count for p in pages] == [7, 4, 1, None]
    assert [names(p.items) for p in pages] == [
        ["p0", "p1", "p2"],
        ["p3", "p4", "p5"],
        ["p6", "p7", "p8"],
        ["p9"],
    ]
    assert all("changed" not in o["spec"] for p in pages for o in p.items)
    assert all(rv(o) <= int(snapshot) for p in pages for o in p.items)
    # RV "0" may accompany a continue token
    again = await s.get_list(
        PREFIX, ListOptions(limit=3, continue_token=first.continue_token, resource_version="0")
    )
    assert names(again.items) == ["p3", "p4", "p5"] and again.resource_version == snapshot


@case
async def paging_snapshot_with_writes_elsewhere(h: Harness) -> None:
    s = h.storage
    for i in range(6):
        await s.create(key(f"p{i}"), pod(f"p{i}"))
    first = await s.get_list(PREFIX, ListOptions(limit=4))
    for i in range(3):
        await s.create(f"/registry/services/default/s{i}", {"metadata": {"name": f"s{i}"}})
    second = await s.get_list(PREFIX, ListOptions(limit=4, continue_token=first.continue_token))
    assert names(first.items + second.items) == [f"p{i}" for i in range(6)]
    assert second.resource_version == first.resource_version
    assert second.continue_token == "" and second.remaining_item_count is None
    assert first.remaining_item_count == 2


@case
async def paging_exact_page_fill_has_no_continue(h: Harness) -> None:
    s = h.storage
    for i in range(4):
        await s.create(key(f"p{i}"), pod(f"p{i}"))
    res = await s.get_list(PREFIX, ListOptions(limit=4))
    assert len(res.items) == 4 and res.continue_token == "" and res.remaining_item_count is None
    res = await s.get_list(PREFIX, ListOptions(limit=2))
    res = await s.get_list(PREFIX, ListOptions(limit=2, continue_token=res.continue_token))
    assert names(res.items) == ["p2", "p3"] and res.continue_token == ""


@case
async def paging_with_selector(h: Harness) -> None:
    s = h.storage
    for i in range(30):
        labels = {"app": "web"} if i % 5 == 0 else {"app": "db"}
        await s.create(key(f"p{i:02d}"), pod(f"p{i:02d}", labels=labels))
    opts = ListOptions(limit=2, predicate=selector("app", "web"))
    got: list[str] = []
    res = await s.get_list(PREFIX, opts)
    snapshot = res.resource_version
    await s.create(key("p99"), pod("p99", labels={"app": "web"}))  # after the snapshot
    pages = 1
    while True:
        assert len(res.items) <= 2
        assert res.remaining_item_count is None  # never with a selector
        assert res.resource_version == snapshot
        got += names(res.items)
        if not res.continue_token:
            break
        res = await s.get_list(
            PREFIX,
            ListOptions(limit=2, predicate=opts.predicate, continue_token=res.continue_token),
        )
        pages += 1
    assert got == ["p00", "p05", "p10", "p15", "p20", "p25"]
    assert pages >= 3
    # a selector that matches nothing returns an empty list
    res = await s.get_list(PREFIX, ListOptions(limit=2, predicate=selector("app", "none")))
    assert res.items == [] and res.continue_token == ""


@case
async def invalid_continue_tokens(h: Harness) -> None:
    s = h.storage
    for i in range(3):
        await s.create(key(f"p{i}"), pod(f"p{i}"))
    good = (await s.get_list(PREFIX, ListOptions(limit=1))).continue_token
    bad_tokens = [
        "not a token!",
        "%%%",
        base64.urlsafe_b64encode(b"not json").decode().rstrip("="),
        make_token({"v": "meta.k8s.io/v2", "rv": 1, "start": "default/p1\x00"}),
        make_token({"v": "meta.k8s.io/v1", "rv": 0, "start": "default/p1\x00"}),
        make_token({"v": "meta.k8s.io/v1", "rv": "5", "start": "default/p1\x00"}),
        make_token({"v": "meta.k8s.io/v1", "rv": 5, "start": ""}),
        make_token({"v": "meta.k8s.io/v1", "rv": 5, "start": "../secrets/x"}),
        make_token(["v"]),
    ]
    for token in bad_tokens:
        with pytest.raises(InvalidContinueError):
            await s.get_list(PREFIX, ListOptions(limit=1, continue_token=token))
    with pytest.raises(InvalidContinueError) as e:
        await s.get_list(PREFIX, ListOptions(limit=1, continue_token=good, resource_version="2"))
    assert str(e.value) == "specifying resource version is not allowed when using continue"


@case
async def expired_continue_token(h: Harness) -> None:
    s = h.storage
    for i in range(5):
        await s.create(key(f"p{i}"), pod(f"p{i}"))
    first = await s.get_list(PREFIX, ListOptions(limit=2))
    await update(h, "p3", "x", 1)
    await s.create(key("p5"), pod("p5"))
    await h.compact(await s.current_resource_version())
    with pytest.raises(ContinueExpiredError) as e:
        await s.get_list(PREFIX, ListOptions(limit=2, continue_token=first.continue_token))
    fresh = decode_token(e.value.continue_token)
    assert fresh == {"v": "meta.k8s.io/v1", "rv": -1, "start": "default/p1\x00"}
    # the fresh token continues at the latest revision (an inconsistent but complete list)
    res = await s.get_list(PREFIX, ListOptions(limit=10, continue_token=e.value.continue_token))
    assert names(res.items) == ["p2", "p3", "p4", "p5"]
    assert res.items[1]["spec"] == {"x": 1}
    assert res.resource_version == str(await s.current_resource_version())


@case
async def list_at_compacted_revision(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    await update(h, "a", "x", 1)
    await s.create(key("b"), pod("b"))
    cur = await s.current_resource_version()
    await h.compact(cur)
    for opts in (
        ListOptions(resource_version=str(rv(a)), resource_version_match="Exact"),
        ListOptions(resource_version=str(rv(a)), limit=5),
    ):
        with pytest.raises(CompactedError):
            await s.get_list(PREFIX, opts)
    # the compaction revision itself and anything newer still read fine
    res = await s.get_list(
        PREFIX, ListOptions(resource_version=str(cur), resource_version_match="Exact")
    )
    assert names(res.items) == ["a", "b"] and res.items[0]["spec"] == {"x": 1}
    res = await s.get_list(
        PREFIX, ListOptions(resource_version=str(rv(a)), resource_version_match="NotOlderThan")
    )
    assert names(res.items) == ["a", "b"]
    assert await s.get(key("a"), resource_version=str(rv(a))) is not None


# --------------------------------------------------------------------------------------------
# watch


@case
async def watch_from_revision_in_order_exactly_once(h: Harness) -> None:
    s = h.storage
    base = await s.create(key("p0"), pod("p0"))
    for i in range(1, 30):
        await s.create(key(f"p{i}"), pod(f"p{i}"))
        await s.create(f"/registry/podsx/default/p{i}", {"metadata": {"name": "x"}})  # outside
    ev = await watch(h, resource_version=str(rv(base)))

    async def writer() -> None:  # writes while the watch replays history
        for i in range(30):
            await update(h, f"p{i}", "n", i)

    task = asyncio.create_task(writer())
    got = await ev.take(29 + 30)
    await task
    await s.delete(key("p0"))
    last = await ev.next()
    revs = [rv(e.object) for e in got]
    assert revs == sorted(set(revs)), "events out of order or repeated"
    assert [e.type for e in got] == [ADDED] * 29 + [MODIFIED] * 30
    assert names([e.object for e in got[:29]]) == [f"p{i}" for i in range(1, 30)]
    assert revs[0] == rv(base) + 1  # strictly after the requested revision
    assert all(e.object["metadata"]["namespace"] == "default" for e in got)
    assert last.type is DELETED and rv(last.object) == await s.current_resource_version()
    await ev.w.stop()


@case
async def watch_deleted_carries_delete_revision(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a", x=1))
    ev = await watch(h, resource_version=str(rv(a)))
    a2 = await update(h, "a", "x", 2)
    d = await s.delete(key("a"))
    e1, e2 = await ev.take(2)
    assert (e1.type, rv(e1.object)) == (MODIFIED, rv(a2))
    assert e2.type is DELETED
    assert rv(e2.object) == rv(d) == rv(a2) + 1
    assert e2.object["spec"] == {"x": 2}  # the last state
    await ev.w.stop()


@case
async def watch_predicate_transitions(h: Harness) -> None:
    s = h.storage
    start = await s.current_resource_version()
    ev = await watch(h, resource_version=str(start), predicate=selector("app", "web"))
    await s.create(key("a"), pod("a", labels={"app": "db"}))  # not selected: nothing
    in_ = await s.guaranteed_update(key("a"), set_labels({"app": "web"}))
    mod = await update(h, "a", "x", 1)
    out = await s.guaranteed_update(key("a"), set_labels({"app": "db"}))
    await update(h, "a", "x", 2)  # outside the selection: nothing
    await s.delete(key("a"))  # deleted while not selected: nothing
    b = await s.create(key("b"), pod("b", labels={"app": "web"}))
    bd = await s.delete(key("b"))
    got = await ev.take(5)
    assert [(e.type, rv(e.object)) for e in got] == [
        (ADDED, rv(in_)),
        (MODIFIED, rv(mod)),
        (DELETED, rv(out)),
        (ADDED, rv(b)),
        (DELETED, rv(bd)),
    ]
    # leaving the selection: the previous state (still selected) at the event's revision
    assert got[2].object["metadata"]["labels"] == {"app": "web"}
    assert got[2].object["spec"] == {"x": 1}
    await ev.w.stop()


@case
async def watch_initial_events(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a"))
    b = await s.create(key("b"), pod("b", labels={"app": "web"}))
    for rv_ in ("", "0"):
        ev = await watch(h, resource_version=rv_)
        got = await ev.take(2)
        assert [(e.type, e.object["metadata"]["name"]) for e in got] == [(ADDED, "a"), (ADDED, "b")]
        await ev.w.stop()
    ev = await watch(h, predicate=selector("app", "web"))
    first = await ev.next()
    assert (first.type, rv(first.object)) == (ADDED, rv(b))
    c = await s.create(key("c"), pod("c", labels={"app": "web"}))
    nxt = await ev.next()
    assert (nxt.type, rv(nxt.object)) == (ADDED, rv(c))
    await ev.w.stop()


@case
async def watch_initial_events_end_bookmark(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a"))
    await s.create(key("b"), pod("b"))
    list_rv = await s.current_resource_version()
    ev = await watch(
        h,
        resource_version=str(list_rv - 1),
        resource_version_match="NotOlderThan",
        send_initial_events=True,
        allow_watch_bookmarks=True,
    )
    got = [await ev.next(skip_bookmarks=False) for _ in range(3)]
    assert [e.type for e in got] == [ADDED, ADDED, BOOKMARK]
    assert got[2].object["metadata"] == {
        "resourceVersion": str(list_rv),
        "annotations": {"k8s.io/initial-events-end": "true"},
    }
    c = await s.create(key("c"), pod("c"))
    nxt = await ev.next()
    assert (nxt.type, rv(nxt.object)) == (ADDED, rv(c))
    await ev.w.stop()
    # without allow_watch_bookmarks no bookmark is sent
    ev = await watch(h, send_initial_events=True, resource_version_match="NotOlderThan")
    got = [await ev.next(skip_bookmarks=False) for _ in range(3)]
    d = await s.create(key("d"), pod("d"))
    got.append(await ev.next(skip_bookmarks=False))
    assert [e.type for e in got] == [ADDED] * 4 and rv(got[3].object) == rv(d)
    await ev.w.stop()


@case
async def watch_bookmarks(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    ev = await watch(h, resource_version=str(rv(a)), allow_watch_bookmarks=True)
    b = await s.create(key("b"), pod("b"))
    first = await ev.next(skip_bookmarks=False)
    assert (first.type, rv(first.object)) == (ADDED, rv(b))
    # other resources move the revision; the bookmark reports it
    other = await s.create("/registry/services/default/x", {"metadata": {"name": "x"}})
    bm = await ev.next(skip_bookmarks=False)
    assert bm.type is BOOKMARK
    assert bm.object == {"metadata": {"resourceVersion": bm.object["metadata"]["resourceVersion"]}}
    assert rv(bm.object) >= rv(b)
    for _ in range(20):
        if rv(bm.object) >= rv(other):
            break
        bm = await ev.next(skip_bookmarks=False)
        assert bm.type is BOOKMARK
    assert rv(bm.object) == rv(other)
    await ev.w.stop()
    # no bookmarks unless asked for
    ev = await watch(h, resource_version=str(rv(other)))
    await asyncio.sleep(h.bookmark_interval * 3)
    c = await s.create(key("c"), pod("c"))
    nxt = await ev.next(skip_bookmarks=False)
    assert (nxt.type, rv(nxt.object)) == (ADDED, rv(c))
    await ev.w.stop()


@case
async def watch_single_key(h: Harness) -> None:
    s = h.storage
    start = await s.current_resource_version()
    ev = await watch(h, key("a"), resource_version=str(start), recursive=False)
    await s.create(key("ab"), pod("ab"))
    await s.create(key("b"), pod("b"))
    a = await s.create(key("a"), pod("a"))
    await update(h, "ab", "x", 1)
    d = await s.delete(key("a"))
    got = await ev.take(2)
    assert [(e.type, rv(e.object)) for e in got] == [(ADDED, rv(a)), (DELETED, rv(d))]
    await ev.w.stop()
    # initial state of one key
    await s.create(key("a"), pod("a"))
    ev = await watch(h, key("a"), recursive=False)
    first = await ev.next()
    assert first.type is ADDED and first.object["metadata"]["name"] == "a"
    await ev.w.stop()


@case
async def watch_stop_ends_iteration(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a"))
    w = await s.watch(PREFIX, ListOptions())
    it = aiter(w)
    first = await asyncio.wait_for(anext(it), TIMEOUT)
    assert first.type is ADDED
    await w.stop()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(it), TIMEOUT)


@case
async def watch_and_get_below_compaction(h: Harness) -> None:
    s = h.storage
    a = await s.create(key("a"), pod("a"))
    await update(h, "a", "x", 1)
    b = await s.create(key("b"), pod("b"))
    await h.compact(rv(b) - 1)
    with pytest.raises(CompactedError):
        await s.watch(PREFIX, ListOptions(resource_version=str(rv(a))))
    # a watch from the compaction revision still sees every later event
    ev = await watch(h, resource_version=str(rv(b) - 1))
    first = await ev.next()
    assert (first.type, rv(first.object)) == (ADDED, rv(b))
    await ev.w.stop()


@case
async def future_revisions(h: Harness) -> None:
    s = h.storage
    await s.create(key("a"), pod("a"))
    cur = await s.current_resource_version()
    with pytest.raises(FutureRevisionError):
        await s.watch(PREFIX, ListOptions(resource_version=str(cur + 100)))
    with pytest.raises(FutureRevisionError):
        await s.watch(
            PREFIX,
            ListOptions(
                resource_version=str(cur + 100),
                send_initial_events=True,
                resource_version_match="NotOlderThan",
            ),
        )
    with pytest.raises(FutureRevisionError):
        await s.get(key("a"), resource_version=str(cur + 1))
    with pytest.raises(InvalidResourceVersionError):
        await s.watch(PREFIX, ListOptions(resource_version="bogus"))
    # the current revision itself is fine: the watch waits for the next change
    ev = await watch(h, resource_version=str(cur))
    b = await s.create(key("b"), pod("b"))
    assert rv((await ev.next()).object) == rv(b)
    await ev.w.stop()


@case
async def slow_watcher_does_not_block_writers(h: Harness) -> None:
    s = h.storage
    start = await s.current_resource_version()
    slow = await s.watch(PREFIX, ListOptions(resource_version=str(start)))
    fast = await watch(h, resource_version=str(start))
    n = (h.watch_queue_size or 500) + 200
    received: list[int] = []

    async def consume() -> None:
        while len(received) < n:
            received.append(rv((await fast.next()).object))

    consumer = asyncio.create_task(consume())

    async def write_all() -> None:
        # Bursts of concurrent creates; the reading watcher drains between bursts.
        for lo in range(0, n, 100):
            hi = min(n, lo + 100)
            await asyncio.gather(*(s.create(key(f"p{i}"), pod(f"p{i}")) for i in range(lo, hi)))
            while len(received) < hi and not consumer.done():
                await asyncio.sleep(0.001)

    await asyncio.wait_for(write_all(), 60)
    assert await s.current_resource_version() == start + n
    await asyncio.wait_for(consumer, 60)
    assert received == list(range(start + 1, start + n + 1))  # a reading watcher keeps up
    # the watcher that never read: either it still has every event, or it was closed
    got: list[int] = []
    it = aiter(slow)
    try:
        while len(got) < n:
            got.append(rv((await asyncio.wait_for(anext(it), TIMEOUT)).object))
        assert h.watch_queue_size is None, "queue bound not enforced"
        assert got == received
    except WatchOverflowError:
        assert h.watch_queue_size is not None
    await slow.stop()
    await fast.w.stop()
