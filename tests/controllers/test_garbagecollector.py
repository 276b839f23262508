"""The garbage collector in-process, over the built-in registry on the memory backend:
Background / Foreground / Orphan cascades, owner lookup rules, and a restart that has to
re-derive everything from lists."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import pytest

from kapi.controllers.garbagecollector import GarbageCollector
from kapi.machinery import errors
from kapi.machinery.options import CreateOptions, DeleteOptions, GetOptions, UpdateOptions
from kapi.machinery.schema import GroupVersion
from kapi.registry.builtin import builtin_api_groups
from kapi.registry.context import RequestContext
from kapi.storage.backends.memory import MemoryBackend
from kapi.storage.generic import BackendStorage
from tests.registry.tester import FuncUpdatedObjectInfo

Object = dict[str, Any]
Groups = dict[GroupVersion, dict[str, Any]]
CORE = GroupVersion("", "v1")
APPS = GroupVersion("apps", "v1")
NS = "default"
TIMEOUT = 10.0


@pytest.fixture
async def groups() -> AsyncIterator[Groups]:
    backend = MemoryBackend()
    yield builtin_api_groups(BackendStorage(backend))
    await backend.close()


@pytest.fixture
async def gc(groups: Groups) -> AsyncIterator[GarbageCollector]:
    controller = GarbageCollector(groups)
    controller.start()
    await asyncio.wait_for(controller.wait_synced(), TIMEOUT)
    yield controller
    await controller.stop()


class API:
    """Thin helpers over the registry's verbs."""

    def __init__(self, groups: Groups) -> None:
        self.groups = groups

    def storage(self, resource: str) -> Any:
        gv = APPS if resource in ("deployments", "replicasets") else CORE
        return self.groups[gv][resource]

    async def create(self, resource: str, obj: Object, ns: str = NS) -> Object:
        out: Object = await self.storage(resource).create(
            RequestContext(namespace=ns), obj, None, CreateOptions()
        )
        return out

    async def get(self, resource: str, name: str, ns: str = NS) -> Object | None:
        try:
            out: Object = await self.storage(resource).get(
                RequestContext(namespace=ns), name, GetOptions()
            )
        except errors.StatusError as err:
            if err.code == 404:
                return None
            raise
        return out

    async def delete(self, resource: str, name: str, ns: str = NS, **opts: Any) -> Object:
        out, _ = await self.storage(resource).delete(
            RequestContext(namespace=ns), name, None, DeleteOptions(**opts)
        )
        result: Object = out
        return result

    async def patch(
        self, resource: str, name: str, fn: Callable[[Object], Any], ns: str = NS
    ) -> Object:
        out, _ = await self.storage(resource).update(
            RequestContext(namespace=ns),
            name,
            FuncUpdatedObjectInfo(fn),
            None,
            None,
            False,
            UpdateOptions(),
        )
        result: Object = out
        return result


@pytest.fixture
def api(groups: Groups) -> API:
    return API(groups)


def ref(owner: Object, block: bool | None = True, controller: bool = True) -> Object:
    out: Object = {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": controller,
    }
    if block is not None:
        out["blockOwnerDeletion"] = block
    return out


def labels_tmpl() -> Object:
    return {
        "metadata": {"labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }


def replica_set(name: str = "web", owners: list[Object] | None = None) -> Object:
    meta: Object = {"name": name}
    if owners:
        meta["ownerReferences"] = owners
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta,
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": labels_tmpl()},
    }


def deployment(name: str = "web") -> Object:
    body = replica_set(name)
    body["kind"] = "Deployment"
    return body


def pod(
    name: str, owners: list[Object] | None = None, finalizers: list[str] | None = None
) -> Object:
    meta: Object = {"name": name, "labels": {"app": "web"}}
    if owners:
        meta["ownerReferences"] = owners
    if finalizers:
        meta["finalizers"] = finalizers
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }


def namespace(name: str) -> Object:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def configmap(name: str, owners: list[Object] | None = None) -> Object:
    meta: Object = {"name": name}
    if owners:
        meta["ownerReferences"] = owners
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.02)
    pytest.fail(f"timed out waiting for: {what}")


async def settle(gc: GarbageCollector) -> None:
    """Let the collector drain its queue (for asserting that something did NOT happen)."""
    for _ in range(20):
        await asyncio.sleep(0.02)
    await eventually(lambda: _idle(gc), "the collector to go idle")


async def _idle(gc: GarbageCollector) -> bool:
    return gc.queue.idle()


async def gone(api: API, resource: str, name: str, ns: str = NS) -> bool:
    return await api.get(resource, name, ns) is None


def drop_finalizers(obj: Object) -> None:
    obj["metadata"].pop("finalizers", None)


# -- discovery ---------------------------------------------------------------------------------


def test_watches_every_listable_top_level_resource_but_events(groups: Groups) -> None:
    names = {r.name for r in GarbageCollector(groups).resources}
    assert {"pods", "namespaces", "configmaps", "nodes", "deployments", "replicasets"} <= names
    assert "events" not in names
    assert not any("/" in n for n in names)


# -- Background --------------------------------------------------------------------------------


async def test_background_deletes_dependents_after_the_owner(
    api: API, gc: GarbageCollector
) -> None:
    rs = await api.create("replicasets", replica_set())
    for i in range(3):
        await api.create("pods", pod(f"web-{i}", [ref(rs)]))
    out = await api.delete("replicasets", "web", propagation_policy="Background")
    assert out["kind"] == "Status"
    for name in ("web-0", "web-1", "web-2"):
        await eventually(partial(gone, api, "pods", name), f"pod {name} deleted")


async def test_dependent_with_another_live_owner_only_loses_the_reference(
    api: API, gc: GarbageCollector
) -> None:
    a = await api.create("configmaps", configmap("owner-a"))
    b = await api.create("configmaps", configmap("owner-b"))
    await api.create("configmaps", configmap("shared", [ref(a), ref(b, controller=False)]))
    await api.delete("configmaps", "owner-a")

    async def only_b() -> bool:
        cm = await api.get("configmaps", "shared")
        assert cm is not None
        return [r["uid"] for r in cm["metadata"].get("ownerReferences", [])] == [
            b["metadata"]["uid"]
        ]

    await eventually(only_b, "the reference to the deleted owner removed")
    await api.delete("configmaps", "owner-b")
    await eventually(lambda: gone(api, "configmaps", "shared"), "shared deleted with b")


async def test_owner_replaced_under_the_same_name_is_gone(api: API, gc: GarbageCollector) -> None:
    first = await api.create("configmaps", configmap("owner"))
    await api.create("configmaps", configmap("dep", [ref(first)]))
    await api.delete("configmaps", "owner")
    await api.create("configmaps", configmap("owner"))
    await eventually(lambda: gone(api, "configmaps", "dep"), "dependent of the old uid deleted")
    assert await api.get("configmaps", "owner") is not None


async def test_dependent_whose_owner_never_existed_is_deleted(
    api: API, gc: GarbageCollector
) -> None:
    ghost = {"apiVersion": "v1", "kind": "ConfigMap", "name": "ghost", "uid": "no-such-uid"}
    await api.create("configmaps", configmap("orphaned", [ghost]))
    await eventually(lambda: gone(api, "configmaps", "orphaned"), "dependent deleted")


async def test_namespaced_owner_only_owns_in_its_own_namespace(
    api: API, gc: GarbageCollector
) -> None:
    await api.create("namespaces", namespace("other"), ns="")
    owner = await api.create("configmaps", configmap("owner"))
    await api.create("configmaps", configmap("same-ns", [ref(owner)]))
    # Same uid and name, but looked up in "other", where no such owner exists.
    await api.create("configmaps", configmap("cross-ns", [ref(owner)]), ns="other")
    await eventually(lambda: gone(api, "configmaps", "cross-ns", "other"), "cross-ns deleted")
    await settle(gc)
    assert await api.get("configmaps", "same-ns") is not None


async def test_cluster_scoped_owner_of_a_namespaced_dependent(
    api: API, gc: GarbageCollector
) -> None:
    node = await api.create(
        "nodes", {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"}}, ns=""
    )
    await api.create("configmaps", configmap("node-data", [ref(node)]))
    await settle(gc)
    assert await api.get("configmaps", "node-data") is not None
    await api.delete("nodes", "n1", ns="")
    await eventually(lambda: gone(api, "configmaps", "node-data"), "configmap deleted")


async def test_cluster_scoped_dependent_of_a_namespaced_owner_is_never_collected(
    api: API, gc: GarbageCollector
) -> None:
    owner = await api.create("configmaps", configmap("owner"))
    await api.create(
        "namespaces",
        {**namespace("owned"), "metadata": {"name": "owned", "ownerReferences": [ref(owner)]}},
        ns="",
    )
    await api.delete("configmaps", "owner")
    await settle(gc)
    assert await api.get("namespaces", "owned", ns="") is not None


async def test_unknown_owner_kind_is_not_collected(api: API, gc: GarbageCollector) -> None:
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "name": "w", "uid": "u1"}
    await api.create("configmaps", configmap("mystery", [unknown]))
    await settle(gc)
    assert await api.get("configmaps", "mystery") is not None


# -- Foreground --------------------------------------------------------------------------------


async def test_foreground_waits_for_blocking_dependents(api: API, gc: GarbageCollector) -> None:
    rs = await api.create("replicasets", replica_set())
    # The finalizer holds the pod in Terminating, so the owner's wait can be observed.
    await api.create("pods", pod("held", [ref(rs)], finalizers=["example.com/hold"]))
    await api.create("pods", pod("free", [ref(rs)]))
    marked = await api.delete("replicasets", "web", propagation_policy="Foreground")
    assert marked["metadata"]["finalizers"] == ["foregroundDeletion"]
    await eventually(lambda: gone(api, "pods", "free"), "free pod deleted")

    async def held_terminating() -> bool:
        p = await api.get("pods", "held")
        return p is not None and bool(p["metadata"].get("deletionTimestamp"))

    await eventually(held_terminating, "held pod marked for deletion")
    await settle(gc)
    owner = await api.get("replicasets", "web")
    assert owner is not None and owner["metadata"]["finalizers"] == ["foregroundDeletion"]
    await api.patch("pods", "held", drop_finalizers)
    await eventually(lambda: gone(api, "replicasets", "web"), "owner deleted last")


async def test_foreground_does_not_wait_for_non_blocking_dependents(
    api: API, gc: GarbageCollector
) -> None:
    owner = await api.create("configmaps", configmap("owner"))
    await api.create(
        "configmaps",
        {**configmap("loose", [ref(owner, block=False)]), "data": {}},
    )
    await api.patch(
        "configmaps", "loose", lambda o: o["metadata"].update(finalizers=["example.com/hold"])
    )
    await api.delete("configmaps", "owner", propagation_policy="Foreground")
    await eventually(lambda: gone(api, "configmaps", "owner"), "owner deleted")
    loose = await api.get("configmaps", "loose")
    assert loose is not None and loose["metadata"].get("deletionTimestamp")
    await api.patch("configmaps", "loose", drop_finalizers)
    await eventually(lambda: gone(api, "configmaps", "loose"), "loose dependent deleted")


async def test_foreground_cascades_down_a_chain(api: API, gc: GarbageCollector) -> None:
    dep = await api.create("deployments", deployment())
    rs = await api.create("replicasets", replica_set("web-1", [ref(dep)]))
    await api.create("pods", pod("web-1-a", [ref(rs)], finalizers=["example.com/hold"]))
    await api.delete("deployments", "web", propagation_policy="Foreground")

    async def rs_waits_for_its_pods() -> bool:
        r = await api.get("replicasets", "web-1")
        return r is not None and "foregroundDeletion" in r["metadata"].get("finalizers", [])

    await eventually(rs_waits_for_its_pods, "replica set deleted in the foreground")
    await settle(gc)
    assert await api.get("deployments", "web") is not None
    await api.patch("pods", "web-1-a", drop_finalizers)
    await eventually(lambda: gone(api, "deployments", "web"), "deployment deleted")
    assert await gone(api, "replicasets", "web-1")
    assert await gone(api, "pods", "web-1-a")


async def test_foreground_without_dependents_finishes_at_once(
    api: API, gc: GarbageCollector
) -> None:
    await api.create("configmaps", configmap("lonely"))
    await api.delete("configmaps", "lonely", propagation_policy="Foreground")
    await eventually(lambda: gone(api, "configmaps", "lonely"), "owner deleted")


# -- Orphan ------------------------------------------------------------------------------------


async def test_orphan_removes_references_then_the_owner(api: API, gc: GarbageCollector) -> None:
    rs = await api.create("replicasets", replica_set())
    other = await api.create("configmaps", configmap("other"))
    await api.create("pods", pod("a", [ref(rs)]))
    await api.create("pods", pod("b", [ref(rs), ref(other, controller=False)]))
    await api.delete("replicasets", "web", propagation_policy="Orphan")
    await eventually(lambda: gone(api, "replicasets", "web"), "owner deleted")
    a = await api.get("pods", "a")
    b = await api.get("pods", "b")
    assert a is not None and "ownerReferences" not in a["metadata"]
    assert b is not None
    assert [r["uid"] for r in b["metadata"]["ownerReferences"]] == [other["metadata"]["uid"]]
    await settle(gc)
    assert await api.get("pods", "a") is not None


async def test_namespace_with_foreground_and_orphan_propagation_finishes(
    api: API, gc: GarbageCollector
) -> None:
    for name, policy in (("fg", "Foreground"), ("or", "Orphan")):
        await api.create("namespaces", namespace(name), ns="")
        await api.delete("namespaces", name, ns="", propagation_policy=policy)

        async def released(name: str = name) -> bool:
            ns = await api.get("namespaces", name, ns="")
            return ns is not None and not ns["metadata"].get("finalizers")

        await eventually(released, f"{policy} finalizer released from namespace {name}")


# -- restart -----------------------------------------------------------------------------------


async def test_restart_rederives_state_from_lists(api: API, groups: Groups) -> None:
    rs = await api.create("replicasets", replica_set())
    await api.create("pods", pod("p1", [ref(rs)]))
    fg = await api.create("replicasets", replica_set("fg"))
    await api.create("pods", pod("p2", [ref(fg)]))
    orphaner = await api.create("replicasets", replica_set("or"))
    await api.create("pods", pod("p3", [ref(orphaner)]))
    # References to verify once everything is listed: an owner that never existed, and a
    # namespaced owner (listed after its would-be dependent) in another namespace.
    ghost = {"apiVersion": "v1", "kind": "Node", "name": "ghost", "uid": "no-such-uid"}
    await api.create("configmaps", configmap("ghost-dep", [ghost]))
    await api.create("namespaces", namespace("other"), ns="")
    keeper = await api.create("replicasets", replica_set("keeper"))
    await api.create("configmaps", configmap("cross-ns", [ref(keeper)]), ns="other")
    # All three deletions happen while no collector runs.
    await api.delete("replicasets", "web")
    await api.delete("replicasets", "fg", propagation_policy="Foreground")
    await api.delete("replicasets", "or", propagation_policy="Orphan")

    controller = GarbageCollector(groups)
    controller.start()
    try:
        await eventually(lambda: gone(api, "pods", "p1"), "background dependent deleted")
        await eventually(lambda: gone(api, "replicasets", "fg"), "foreground owner finished")
        assert await gone(api, "pods", "p2")
        await eventually(lambda: gone(api, "replicasets", "or"), "orphaning owner finished")
        p3 = await api.get("pods", "p3")
        assert p3 is not None and "ownerReferences" not in p3["metadata"]
        await eventually(lambda: gone(api, "configmaps", "ghost-dep"), "ghost's dependent")
        await eventually(lambda: gone(api, "configmaps", "cross-ns", "other"), "cross-ns dep")
    finally:
        await controller.stop()

    # A second collector over the same state finds nothing more to do.
    controller = GarbageCollector(groups)
    controller.start()
    try:
        await asyncio.wait_for(controller.wait_synced(), TIMEOUT)
        await settle(controller)
        assert await api.get("pods", "p3") is not None
    finally:
        await controller.stop()
