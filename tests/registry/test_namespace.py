"""Namespace lifecycle (upstream `pkg/registry/core/namespace/storage`): create defaults,
DELETE as the start of termination, 409 while content remains, `/finalize`, `/status`."""

from __future__ import annotations

from typing import Any

import pytest

from kapi.machinery import validation as mv
from kapi.machinery.options import Preconditions
from kapi.registry.core.namespace.printer import namespace_row
from kapi.registry.core.namespace.strategy import NamespaceStrategy
from tests.registry.tester import ResourceTester, assert_causes

Object = dict[str, Any]


def ns(name: str = "team-a", **meta: Any) -> Object:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, **meta}}


@pytest.fixture
def namespaces(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["namespaces"], namespace="")


@pytest.fixture
def finalize(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["namespaces/finalize"], namespace="")


@pytest.fixture
def status(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["namespaces/status"], namespace="")


async def test_create_sets_finalizer_phase_and_name_label(namespaces: ResourceTester) -> None:
    body = ns()
    body["status"] = {"phase": "Terminating"}
    out = await namespaces.create(body)
    assert out["spec"] == {"finalizers": ["kubernetes"]}
    assert out["status"] == {"phase": "Active"}
    assert out["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team-a"}
    assert "namespace" not in out["metadata"]


async def test_generated_name_gets_its_label(namespaces: ResourceTester) -> None:
    out = await namespaces.create({"metadata": {"generateName": "tmp-"}})
    name = out["metadata"]["name"]
    assert name.startswith("tmp-")
    assert out["metadata"]["labels"]["kubernetes.io/metadata.name"] == name


async def test_user_finalizers_are_kept(namespaces: ResourceTester) -> None:
    body = ns()
    body["spec"] = {"finalizers": ["example.com/cleanup"]}
    out = await namespaces.create(body)
    assert out["spec"]["finalizers"] == ["example.com/cleanup", "kubernetes"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (ns("Team"), f'metadata.name: Invalid value: "Team": {mv.is_dns1123_label("Team")[0]}'),
        (ns("a.b"), f'metadata.name: Invalid value: "a.b": {mv.is_dns1123_label("a.b")[0]}'),
        (
            {**ns(), "spec": {"finalizers": ["foo"]}},
            'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name '
            "nor is it fully qualified",
        ),
    ],
)
async def test_create_rejects(namespaces: ResourceTester, body: Object, expected: str) -> None:
    await namespaces.expect_invalid(body, expected)


async def test_update_keeps_spec_finalizers_and_status(namespaces: ResourceTester) -> None:
    await namespaces.create(ns())

    def change(o: Object) -> None:
        o["spec"]["finalizers"] = []
        o["status"] = {"phase": "Terminating"}
        o["metadata"]["labels"]["team"] = "a"
        o["metadata"]["labels"]["kubernetes.io/metadata.name"] = "other"

    out = await namespaces.patch("team-a", change)
    assert out["spec"]["finalizers"] == ["kubernetes"]
    assert out["status"]["phase"] == "Active"
    assert out["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team-a", "team": "a"}


async def test_delete_starts_termination_then_finalize_removes_it(
    namespaces: ResourceTester, finalize: ResourceTester
) -> None:
    await namespaces.create(ns())
    out, deleted = await namespaces.delete("team-a")
    assert not deleted
    assert out["status"]["phase"] == "Terminating"
    assert out["metadata"]["deletionTimestamp"]
    assert out["kind"] == "Namespace"

    err = await namespaces.expect_error(namespaces.delete("team-a"), 409)
    assert err.message == (
        'Operation cannot be fulfilled on namespaces "team-a": The system is ensuring all '
        "content is removed from this namespace.  Upon completion, this namespace will "
        "automatically be purged by the system."
    )

    current = await namespaces.get("team-a")
    current["spec"]["finalizers"] = []
    current["status"] = {"phase": "Active"}  # /finalize keeps the old status
    await finalize.put(current)
    await namespaces.expect_error(namespaces.get("team-a"), 404)


async def test_finalize_validates_finalizer_names(
    namespaces: ResourceTester, finalize: ResourceTester
) -> None:
    await namespaces.create(ns())
    current = await namespaces.get("team-a")
    current["spec"]["finalizers"] = ["kubernetes", "bad"]
    err = await finalize.expect_error(finalize.put(current), 422)
    assert_causes(
        err,
        'spec.finalizers[1]: Invalid value: "bad": name is neither a standard finalizer name nor '
        "is it fully qualified",
    )


async def test_finalize_of_an_active_namespace_does_not_delete_it(
    namespaces: ResourceTester, finalize: ResourceTester
) -> None:
    await namespaces.create(ns())
    current = await namespaces.get("team-a")
    current["spec"]["finalizers"] = []
    out, _ = await finalize.put(current)
    assert out["spec"].get("finalizers", []) == []
    assert (await namespaces.get("team-a"))["status"]["phase"] == "Active"
    # Without spec finalizers, DELETE still only starts termination; a second one deletes.
    await namespaces.delete("team-a")
    _, deleted = await namespaces.delete("team-a")
    assert deleted


async def test_delete_with_propagation_sets_gc_finalizers(namespaces: ResourceTester) -> None:
    await namespaces.create(ns())
    out, _ = await namespaces.delete("team-a", propagation_policy="Foreground")
    assert out["metadata"]["finalizers"] == ["foregroundDeletion"]
    await namespaces.create(ns("team-b"))
    out, _ = await namespaces.delete("team-b", orphan_dependents=True)
    assert out["metadata"]["finalizers"] == ["orphan"]


async def test_delete_precondition_mismatch(namespaces: ResourceTester) -> None:
    await namespaces.create(ns())
    err = await namespaces.expect_error(
        namespaces.delete("team-a", preconditions=Preconditions(uid="other")), 409
    )
    assert "Precondition failed: UID in precondition: other, UID in object meta: " in err.message


async def test_dry_run_delete_changes_nothing(namespaces: ResourceTester) -> None:
    await namespaces.create(ns())
    out, deleted = await namespaces.delete("team-a", dry_run=True)
    assert not deleted and out["status"]["phase"] == "Terminating"
    assert (await namespaces.get("team-a"))["status"]["phase"] == "Active"


async def test_status_phase_must_match_deletion(
    namespaces: ResourceTester, status: ResourceTester
) -> None:
    await namespaces.create(ns())
    err = await status.expect_error(
        status.patch("team-a", lambda o: o.update(status={"phase": "Terminating"})), 422
    )
    assert_causes(
        err,
        "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if "
        "`deletionTimestamp` is empty",
    )
    out = await status.patch("team-a", lambda o: o["spec"].update(finalizers=[]))
    assert out["spec"]["finalizers"] == ["kubernetes"]


async def test_no_deletecollection(core: dict[str, Any]) -> None:
    assert not hasattr(core["namespaces"], "delete_collection")


def test_table_row_and_field_selectors() -> None:
    obj = {"metadata": {"name": "a"}, "status": {"phase": "Active"}}
    assert namespace_row(obj)[:2] == ["a", "Active"]
    _, fields = NamespaceStrategy().get_attrs(obj)
    assert fields == {"metadata.name": "a", "status.phase": "Active", "name": "a"}
