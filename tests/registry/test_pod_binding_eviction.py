"""pods/binding, bindings and pods/eviction through the registry (upstream
`pkg/registry/core/pod/storage/storage_test.go` and `eviction_test.go`)."""

from __future__ import annotations

from typing import Any

import pytest

from kapi.machinery.options import CreateOptions
from kapi.machinery.schema import GroupVersion
from kapi.registry import rest
from kapi.registry.context import RequestContext
from tests.registry.tester import ResourceTester

Object = dict[str, Any]
CTX = RequestContext(namespace="default")


def pod(name: str = "web", **spec: Any) -> Object:
    body: Object = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
    }
    body["spec"].update(spec)
    return body


def binding(name: str = "web", node: str = "node-1", **meta: Any) -> Object:
    return {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": name, **meta},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    }


def eviction(name: str = "web", **delete_options: Any) -> Object:
    body: Object = {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": name, "namespace": "default"},
    }
    if delete_options:
        body["deleteOptions"] = delete_options
    return body


@pytest.fixture
def pods(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["pods"])


async def bind(core: dict[str, Any], name: str, body: Object, **opts: Any) -> Object:
    out: Object = await core["pods/binding"].create_named(
        CTX, name, body, None, CreateOptions(**opts)
    )
    return out


async def evict(core: dict[str, Any], name: str, body: Object, **opts: Any) -> Object:
    out: Object = await core["pods/eviction"].create_named(
        CTX, name, body, None, CreateOptions(**opts)
    )
    return out


def test_subresources_implement_the_verb_protocols(core: dict[str, Any]) -> None:
    for name in ("pods/binding", "pods/eviction"):
        assert isinstance(core[name], rest.NamedCreater)
        assert not isinstance(core[name], rest.Creater)
    assert isinstance(core["bindings"], rest.Creater)
    assert isinstance(core["pods/eviction"], rest.GroupVersionAcceptor)
    ev = core["pods/eviction"]
    assert ev.accepts_group_version(GroupVersion("policy", "v1"))
    assert ev.accepts_group_version(GroupVersion("policy", "v1beta1"))
    assert not ev.accepts_group_version(GroupVersion("", "v1"))


async def test_binding_sets_node_annotations_and_scheduled_condition(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    created = await pods.create(pod())
    out = await bind(core, "web", binding(annotations={"scheduler/why": "fits"}))
    assert out == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    got = await pods.get("web")
    assert got["spec"]["nodeName"] == "node-1"
    assert got["metadata"]["annotations"] == {"scheduler/why": "fits"}
    (cond,) = got["status"]["conditions"]
    assert cond["type"] == "PodScheduled"
    assert cond["status"] == "True"
    assert cond["lastTransitionTime"]
    assert got["status"]["phase"] == "Pending"
    # A raw storage write as upstream's: the generation is not bumped.
    assert got["metadata"]["generation"] == created["metadata"]["generation"]
    assert got["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]


async def test_binding_an_assigned_pod_is_a_conflict(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    await pods.create(pod())
    await bind(core, "web", binding(node="node-1"))
    err = await pods.expect_error(bind(core, "web", binding(node="node-2")), 409)
    assert err.reason == "Conflict"
    assert err.message == (
        'Operation cannot be fulfilled on pods/binding "web": '
        'pod web is already assigned to node "node-1"'
    )
    assert (await pods.get("web"))["spec"]["nodeName"] == "node-1"


async def test_binding_a_pod_created_with_a_node_is_a_conflict(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    await pods.create(pod(nodeName="node-0"))
    err = await pods.expect_error(bind(core, "web", binding()), 409)
    assert 'is already assigned to node "node-0"' in err.message


async def test_binding_a_pod_being_deleted_is_a_conflict(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    await pods.create({**pod(), "metadata": {"name": "web", "finalizers": ["example.com/x"]}})
    await pods.delete("web", grace_period_seconds=0)
    assert (await pods.get("web"))["metadata"]["deletionTimestamp"]
    err = await pods.expect_error(bind(core, "web", binding()), 409)
    assert "pod web is being deleted, cannot be assigned to a host" in err.message


async def test_binding_a_scheduling_gated_pod_is_a_conflict(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    await pods.create(pod(schedulingGates=[{"name": "example.com/gate"}]))
    err = await pods.expect_error(bind(core, "web", binding()), 409)
    assert "pod web has non-empty .spec.schedulingGates" in err.message


async def test_binding_a_missing_pod_is_not_found(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    err = await pods.expect_error(bind(core, "nope", binding("nope")), 404)
    assert err.message == 'pods "nope" not found'


async def test_binding_name_must_match_the_url(core: dict[str, Any], pods: ResourceTester) -> None:
    await pods.create(pod())
    err = await pods.expect_error(bind(core, "web", binding("other")), 400)
    assert err.message == "name in URL does not match name in Binding object"


async def test_binding_target_is_validated(core: dict[str, Any], pods: ResourceTester) -> None:
    await pods.create(pod())
    body = binding()
    body["target"] = {"kind": "Pod"}
    # Upstream returns the aggregate as a plain error: a 500 without reason.
    err = await pods.expect_error(bind(core, "web", body), 500)
    assert err.message == (
        '[target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>", '
        "target.name: Required value]"
    )


async def test_binding_uid_and_resource_version_preconditions(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    created = await pods.create(pod())
    rv = created["metadata"]["resourceVersion"]
    err = await pods.expect_error(bind(core, "web", binding(uid="not-the-uid")), 409)
    assert "Precondition failed: UID in precondition: not-the-uid" in err.message
    err = await pods.expect_error(bind(core, "web", binding(resourceVersion="1")), 409)
    assert err.message == (
        'Operation cannot be fulfilled on pods "web": Precondition failed: ResourceVersion in '
        f"precondition: 1, ResourceVersion in object meta: {rv}"
    )
    await bind(core, "web", binding(uid=created["metadata"]["uid"], resourceVersion=rv))
    assert (await pods.get("web"))["spec"]["nodeName"] == "node-1"


async def test_binding_dry_run_changes_nothing(core: dict[str, Any], pods: ResourceTester) -> None:
    await pods.create(pod())
    await bind(core, "web", binding(), dry_run=True)
    assert "nodeName" not in (await pods.get("web"))["spec"]


async def test_legacy_bindings_take_the_name_from_the_body(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    await pods.create(pod())
    out = await core["bindings"].create(CTX, binding(node="node-7"), None, CreateOptions())
    assert out["status"] == "Success"
    assert (await pods.get("web"))["spec"]["nodeName"] == "node-7"


async def test_eviction_deletes_the_pod(core: dict[str, Any], pods: ResourceTester) -> None:
    await pods.create(pod())
    out = await evict(core, "web", eviction())
    assert out == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    await pods.expect_error(pods.get("web"), 404)


async def test_eviction_of_a_running_pod_is_graceful_and_marks_disruption_target(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    await pods.create(pod(nodeName="node-1"))
    await evict(core, "web", eviction(gracePeriodSeconds=15))
    got = await pods.get("web")
    assert got["metadata"]["deletionGracePeriodSeconds"] == 15
    (cond,) = got["status"]["conditions"]
    assert cond["type"] == "DisruptionTarget"
    assert cond["status"] == "True"
    assert cond["reason"] == "EvictionByEvictionAPI"
    assert cond["message"] == "Eviction API: evicting"


async def test_eviction_preconditions(core: dict[str, Any], pods: ResourceTester) -> None:
    created = await pods.create(pod())
    err = await pods.expect_error(evict(core, "web", eviction(preconditions={"uid": "other"})), 409)
    assert "the UID in the precondition (other) does not match" in err.message
    err = await pods.expect_error(
        evict(core, "web", eviction(preconditions={"resourceVersion": "1"})), 409
    )
    assert "the ResourceVersion in the precondition (1) does not match" in err.message
    # A matching resourceVersion precondition survives the condition write.
    rv = created["metadata"]["resourceVersion"]
    await evict(core, "web", eviction(preconditions={"resourceVersion": rv}))
    await pods.expect_error(pods.get("web"), 404)


async def test_eviction_of_a_missing_pod_is_not_found(
    core: dict[str, Any], pods: ResourceTester
) -> None:
    err = await pods.expect_error(evict(core, "nope", eviction("nope")), 404)
    assert err.message == 'pods "nope" not found'


async def test_eviction_name_must_match_the_url(core: dict[str, Any], pods: ResourceTester) -> None:
    await pods.create(pod())
    err = await pods.expect_error(evict(core, "web", eviction("other")), 400)
    assert err.message == "name in URL does not match name in Eviction object"


async def test_eviction_dry_run_keeps_the_pod(core: dict[str, Any], pods: ResourceTester) -> None:
    await pods.create(pod())
    await evict(core, "web", eviction(), dry_run=True)
    got = await pods.get("web")
    assert "conditions" not in got["status"]
