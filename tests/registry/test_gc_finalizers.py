"""The Store's garbage-collection finalizers on DELETE (upstream store.go
`deletionFinalizersForGarbageCollection` + `updateForGracefulDeletionAndFinalizers`):
propagationPolicy / orphanDependents decide `orphan` and `foregroundDeletion`, and an
object left with finalizers is only marked."""

from __future__ import annotations

from typing import Any

import pytest

from kapi.machinery.options import DeleteOptions, Preconditions
from kapi.registry.generic.store import deletion_finalizers_for_garbage_collection
from kapi.registry.generic.strategy import GarbageCollectionPolicy
from tests.registry.tester import ResourceTester

Object = dict[str, Any]
CUSTOM = "example.com/cleanup"


def cm(name: str = "cfg", finalizers: list[str] | None = None) -> Object:
    meta: Object = {"name": name}
    if finalizers is not None:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"k": "v"}}


def deployment(name: str = "web") -> Object:
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


@pytest.fixture
def configmaps(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["configmaps"])


@pytest.fixture
def deployments(apps: dict[str, Any]) -> ResourceTester:
    return ResourceTester(apps["deployments"])


@pytest.fixture
def pods(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["pods"])


async def assert_gone(t: ResourceTester, name: str) -> None:
    await t.expect_error(t.get(name), 404)


def assert_marked(obj: Object, finalizers: list[str]) -> None:
    meta = obj["metadata"]
    assert meta["finalizers"] == finalizers
    assert meta["deletionTimestamp"]
    assert meta["deletionGracePeriodSeconds"] == 0


# -- the policy -> finalizer rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "finalizers"),
    [
        (DeleteOptions(propagation_policy="Orphan"), ["orphan"]),
        (DeleteOptions(orphan_dependents=True), ["orphan"]),
        (DeleteOptions(propagation_policy="Foreground"), ["foregroundDeletion"]),
    ],
)
async def test_policy_adds_its_finalizer_and_only_marks(
    configmaps: ResourceTester, options: DeleteOptions, finalizers: list[str]
) -> None:
    created = await configmaps.create(cm())
    out, deleted = await configmaps.rest.delete(configmaps.ctx, "cfg", None, options)
    assert deleted is False
    assert out["kind"] == "ConfigMap"  # the object, not a Status
    assert_marked(out, finalizers)
    assert out["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    stored = await configmaps.get("cfg")
    assert stored["metadata"] == out["metadata"]


@pytest.mark.parametrize(
    "options",
    [
        DeleteOptions(),
        DeleteOptions(propagation_policy="Background"),
        DeleteOptions(orphan_dependents=False),
    ],
)
async def test_background_or_unset_deletes_at_once(
    configmaps: ResourceTester, options: DeleteOptions
) -> None:
    await configmaps.create(cm())
    out, deleted = await configmaps.rest.delete(configmaps.ctx, "cfg", None, options)
    assert deleted is True
    assert out["kind"] == "Status"
    await assert_gone(configmaps, "cfg")


async def test_other_finalizers_are_kept_in_order(configmaps: ResourceTester) -> None:
    await configmaps.create(cm(finalizers=[CUSTOM]))
    out, deleted = await configmaps.delete("cfg", propagation_policy="Foreground")
    assert deleted is False
    assert_marked(out, [CUSTOM, "foregroundDeletion"])


async def test_explicit_policy_replaces_the_other_gc_finalizer(
    configmaps: ResourceTester,
) -> None:
    await configmaps.create(cm())
    await configmaps.delete("cfg", propagation_policy="Foreground")
    out, deleted = await configmaps.delete("cfg", propagation_policy="Orphan")
    assert deleted is False
    assert_marked(out, ["orphan"])
    out, deleted = await configmaps.delete("cfg", orphan_dependents=False)
    assert deleted is True
    await assert_gone(configmaps, "cfg")


async def test_background_on_a_foreground_deletion_drops_the_finalizer_and_deletes(
    configmaps: ResourceTester,
) -> None:
    await configmaps.create(cm())
    await configmaps.delete("cfg", propagation_policy="Foreground")
    _, deleted = await configmaps.delete("cfg", propagation_policy="Background")
    assert deleted is True
    await assert_gone(configmaps, "cfg")


async def test_background_keeps_other_finalizers_pending(configmaps: ResourceTester) -> None:
    await configmaps.create(cm(finalizers=[CUSTOM, "orphan"]))
    out, deleted = await configmaps.delete("cfg", propagation_policy="Background")
    assert deleted is False
    assert_marked(out, [CUSTOM])


async def test_unset_policy_keeps_an_existing_gc_finalizer(configmaps: ResourceTester) -> None:
    await configmaps.create(cm(finalizers=["orphan"]))
    first, deleted = await configmaps.delete("cfg")
    assert deleted is False
    assert_marked(first, ["orphan"])
    # A repeated DELETE changes nothing: no write, same resourceVersion.
    again, deleted = await configmaps.delete("cfg")
    assert deleted is False
    assert again["metadata"] == first["metadata"]


async def test_generation_goes_up_once(deployments: ResourceTester) -> None:
    created = await deployments.create(deployment())
    assert created["metadata"]["generation"] == 1
    out, _ = await deployments.delete("web", propagation_policy="Foreground")
    assert out["metadata"]["generation"] == 2
    out, _ = await deployments.delete("web", propagation_policy="Orphan")
    assert out["metadata"]["generation"] == 2
    assert_marked(out, ["orphan"])


async def test_deletion_timestamp_is_kept_on_a_repeated_delete(
    configmaps: ResourceTester,
) -> None:
    await configmaps.create(cm())
    first, _ = await configmaps.delete("cfg", propagation_policy="Foreground")
    second, _ = await configmaps.delete("cfg", propagation_policy="Orphan")
    assert second["metadata"]["deletionTimestamp"] == first["metadata"]["deletionTimestamp"]


async def test_removing_the_last_gc_finalizer_deletes(configmaps: ResourceTester) -> None:
    await configmaps.create(cm())
    await configmaps.delete("cfg", propagation_policy="Orphan")

    def drop(obj: Object) -> None:
        obj["metadata"]["finalizers"] = []

    await configmaps.patch("cfg", drop)
    await assert_gone(configmaps, "cfg")


async def test_dry_run_does_not_store_the_finalizer(configmaps: ResourceTester) -> None:
    created = await configmaps.create(cm())
    out, deleted = await configmaps.delete("cfg", propagation_policy="Foreground", dry_run=True)
    assert deleted is False
    assert_marked(out, ["foregroundDeletion"])
    stored = await configmaps.get("cfg")
    assert stored["metadata"] == created["metadata"]


async def test_uid_precondition_is_checked(configmaps: ResourceTester) -> None:
    await configmaps.create(cm())
    err = await configmaps.expect_error(
        configmaps.delete(
            "cfg", propagation_policy="Foreground", preconditions=Preconditions(uid="other")
        ),
        409,
    )
    assert "the UID in the precondition (other)" in err.message
    assert "finalizers" not in (await configmaps.get("cfg"))["metadata"]


async def test_both_orphan_dependents_and_policy_is_422(configmaps: ResourceTester) -> None:
    await configmaps.create(cm())
    await configmaps.expect_error(
        configmaps.delete("cfg", propagation_policy="Orphan", orphan_dependents=True), 422
    )


async def test_graceful_pod_gets_the_finalizer_and_its_grace_period(
    pods: ResourceTester,
) -> None:
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx"}]},
    }
    await pods.create(body)
    out, deleted = await pods.delete("p", propagation_policy="Foreground")
    assert deleted is False
    meta = out["metadata"]
    assert meta["finalizers"] == ["foregroundDeletion"]
    assert meta["deletionGracePeriodSeconds"] == 30
    # The pending graceful deletion keeps the finalizers as they are (upstream
    # "finalizers cannot be updated via DeleteOptions if deletion has started").
    again, deleted = await pods.delete("p", propagation_policy="Background")
    assert deleted is False
    assert again["metadata"]["finalizers"] == ["foregroundDeletion"]
    # The kubelet's grace-0 delete leaves it waiting for the garbage collector.
    last, deleted = await pods.delete("p", grace_period_seconds=0)
    assert deleted is False
    assert_marked(last, ["foregroundDeletion"])


# -- the pure rule, including the kind defaults ------------------------------------------------


@pytest.mark.parametrize(
    ("finalizers", "options", "default", "expected"),
    [
        ([], DeleteOptions(), GarbageCollectionPolicy.DELETE_DEPENDENTS, None),
        ([], DeleteOptions(), GarbageCollectionPolicy.ORPHAN_DEPENDENTS, ["orphan"]),
        (
            [],
            DeleteOptions(propagation_policy="Background"),
            GarbageCollectionPolicy.ORPHAN_DEPENDENTS,
            None,
        ),
        (
            ["foregroundDeletion"],
            DeleteOptions(),
            GarbageCollectionPolicy.ORPHAN_DEPENDENTS,
            None,
        ),
        (
            [CUSTOM, "orphan"],
            DeleteOptions(propagation_policy="Orphan"),
            GarbageCollectionPolicy.UNSUPPORTED,
            [CUSTOM],
        ),
        (
            ["orphan", CUSTOM],
            DeleteOptions(propagation_policy="Foreground"),
            GarbageCollectionPolicy.DELETE_DEPENDENTS,
            [CUSTOM, "foregroundDeletion"],
        ),
        (
            ["foregroundDeletion"],
            DeleteOptions(orphan_dependents=True),
            GarbageCollectionPolicy.DELETE_DEPENDENTS,
            ["orphan"],
        ),
    ],
)
def test_deletion_finalizers_for_garbage_collection(
    finalizers: list[str],
    options: DeleteOptions,
    default: GarbageCollectionPolicy,
    expected: list[str] | None,
) -> None:
    changed, out = deletion_finalizers_for_garbage_collection(finalizers, options, default)
    if expected is None:
        assert changed is False
        assert out == finalizers
    else:
        assert changed is True
        assert out == expected
