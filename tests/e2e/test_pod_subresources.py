"""pods/binding, bindings and pods/eviction against a real kapi process, driven by the
official `kubernetes` Python client and by `kubectl drain`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.e2e.harness import KapiProcess

NS = "default"
SUCCESS = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}


@pytest.fixture(scope="module")
def api(kapi: KapiProcess) -> Iterator[Any]:
    c = kapi.api_client()
    try:
        yield c
    finally:
        c.close()


@pytest.fixture(scope="module")
def core(api: Any) -> Any:
    return client.CoreV1Api(api)


def new_pod(name: str, node: str | None = None) -> client.V1Pod:
    return client.V1Pod(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1PodSpec(
            node_name=node, containers=[client.V1Container(name="c", image="busybox")]
        ),
    )


def new_binding(name: str, node: str, **meta: Any) -> client.V1Binding:
    return client.V1Binding(
        metadata=client.V1ObjectMeta(name=name, **meta),
        target=client.V1ObjectReference(api_version="v1", kind="Node", name=node),
    )


def body_of(resp: Any) -> Any:
    return json.loads(resp.data)


def test_pod_binding_assigns_the_node(core: Any) -> None:
    created = core.create_namespaced_pod(NS, new_pod("bind-me"))
    # The answer is a Status, as from kube-apiserver; read it raw since the client models it
    # as a Binding.
    resp = core.create_namespaced_pod_binding(
        "bind-me",
        NS,
        new_binding("bind-me", "node-a", annotations={"example.com/by": "test"}),
        _preload_content=False,
    )
    assert resp.status == 201
    assert body_of(resp) == SUCCESS
    pod = core.read_namespaced_pod("bind-me", NS)
    assert pod.spec.node_name == "node-a"
    assert pod.metadata.annotations == {"example.com/by": "test"}
    assert [(c.type, c.status) for c in pod.status.conditions] == [("PodScheduled", "True")]
    assert pod.metadata.resource_version != created.metadata.resource_version

    with pytest.raises(ApiException) as info:
        core.create_namespaced_pod_binding(
            "bind-me", NS, new_binding("bind-me", "node-b"), _preload_content=False
        )
    assert info.value.status == 409
    status = json.loads(info.value.body or "")
    assert status["reason"] == "Conflict"
    assert status["message"] == (
        'Operation cannot be fulfilled on pods/binding "bind-me": '
        'pod bind-me is already assigned to node "node-a"'
    )


def test_pod_binding_uid_precondition(core: Any) -> None:
    created = core.create_namespaced_pod(NS, new_pod("bind-uid"))
    with pytest.raises(ApiException) as info:
        core.create_namespaced_pod_binding(
            "bind-uid", NS, new_binding("bind-uid", "node-a", uid="wrong"), _preload_content=False
        )
    assert info.value.status == 409
    resp = core.create_namespaced_pod_binding(
        "bind-uid",
        NS,
        new_binding("bind-uid", "node-a", uid=created.metadata.uid),
        _preload_content=False,
    )
    assert resp.status == 201
    assert core.read_namespaced_pod("bind-uid", NS).spec.node_name == "node-a"


def test_pod_binding_of_a_missing_pod_is_404(core: Any) -> None:
    with pytest.raises(ApiException) as info:
        core.create_namespaced_pod_binding(
            "ghost", NS, new_binding("ghost", "node-a"), _preload_content=False
        )
    assert info.value.status == 404


def test_legacy_bindings_resource(core: Any) -> None:
    core.create_namespaced_pod(NS, new_pod("legacy"))
    resp = core.create_namespaced_binding(
        NS, new_binding("legacy", "node-c"), _preload_content=False
    )
    assert resp.status == 201
    assert body_of(resp) == SUCCESS
    assert core.read_namespaced_pod("legacy", NS).spec.node_name == "node-c"


def test_eviction_deletes_the_pod(core: Any) -> None:
    core.create_namespaced_pod(NS, new_pod("evict-me"))
    body = client.V1Eviction(metadata=client.V1ObjectMeta(name="evict-me", namespace=NS))
    resp = core.create_namespaced_pod_eviction("evict-me", NS, body, _preload_content=False)
    assert resp.status == 201
    assert body_of(resp) == SUCCESS
    with pytest.raises(ApiException) as info:
        core.read_namespaced_pod("evict-me", NS)
    assert info.value.status == 404

    with pytest.raises(ApiException) as info:
        core.create_namespaced_pod_eviction("evict-me", NS, body)
    assert info.value.status == 404


def test_eviction_with_delete_options_and_v1beta1_body(core: Any, kapi: KapiProcess) -> None:
    held = new_pod("evict-grace", node="node-a")
    # The finalizer holds the pod in Terminating, where kapi's stand-in kubelet leaves it.
    held.metadata = client.V1ObjectMeta(name="evict-grace", finalizers=["example.com/hold"])
    core.create_namespaced_pod(NS, held)
    with kapi.http() as http:
        resp = http.post(
            f"/api/v1/namespaces/{NS}/pods/evict-grace/eviction",
            json={
                "apiVersion": "policy/v1beta1",
                "kind": "Eviction",
                "metadata": {"name": "evict-grace"},
                "deleteOptions": {"gracePeriodSeconds": 20},
            },
        )
        assert resp.status_code == 201, resp.text
        assert resp.json() == SUCCESS
        resp = http.post(
            f"/api/v1/namespaces/{NS}/pods/evict-grace/eviction",
            json={"apiVersion": "v1", "kind": "Eviction", "metadata": {"name": "evict-grace"}},
        )
        assert resp.status_code == 400
    pod = core.read_namespaced_pod("evict-grace", NS)
    assert pod.metadata.deletion_grace_period_seconds == 20
    assert ("DisruptionTarget", "True") in [(c.type, c.status) for c in pod.status.conditions]
    core.patch_namespaced_pod("evict-grace", NS, {"metadata": {"finalizers": None}})


def test_discovery_lists_the_subresources(kapi: KapiProcess) -> None:
    with kapi.http() as http:
        doc = http.get("/api/v1").json()
    by_name = {r["name"]: r for r in doc["resources"]}
    binding = by_name["pods/binding"]
    assert binding["verbs"] == ["create"]
    assert binding["kind"] == "Binding"
    assert "group" not in binding
    eviction = by_name["pods/eviction"]
    assert eviction["verbs"] == ["create"]
    assert (eviction["group"], eviction["version"], eviction["kind"]) == (
        "policy",
        "v1",
        "Eviction",
    )
    bindings = by_name["bindings"]
    assert bindings["verbs"] == ["create"]
    assert bindings["kind"] == "Binding"
    assert bindings["namespaced"] is True


def test_kubectl_drain_evicts_pods_on_the_node(core: Any, kapi: KapiProcess) -> None:
    core.create_node(client.V1Node(metadata=client.V1ObjectMeta(name="drain-node")))
    core.create_namespaced_pod(NS, new_pod("on-node"))
    core.create_namespaced_pod_binding(
        "on-node", NS, new_binding("on-node", "drain-node"), _preload_content=False
    )
    core.create_namespaced_pod(NS, new_pod("elsewhere", node="other-node"))
    out = kapi.kubectl(
        "drain",
        "drain-node",
        "--ignore-daemonsets",
        "--force",
        "--grace-period=0",
        "--timeout=60s",
    )
    assert "evicting pod default/on-node" in out.stderr + out.stdout
    assert "node/drain-node drained" in out.stdout
    node = core.read_node("drain-node")
    assert node.spec.unschedulable is True
    names = {p.metadata.name for p in core.list_namespaced_pod(NS).items}
    assert "on-node" not in names
    assert "elsewhere" in names
