"""Cascading deletion through a real `kapi serve`, driven by the `kubernetes` Python client
and kubectl: Background, Foreground and Orphan propagation, cluster-scoped owners, kubectl's
default cascade, and a restart in the middle of a foreground deletion."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.rest import ApiException

from tests.e2e.harness import KapiProcess

NS = "default"
TIMEOUT = 20.0
HOLD = "example.com/hold"


@pytest.fixture(scope="module")
def api(kapi: KapiProcess) -> Iterator[Any]:
    c = kapi.api_client()
    try:
        yield c
    finally:
        c.close()


def apis(api: Any) -> tuple[Any, Any]:
    """(apps/v1, core/v1) clients, untyped: the tests read optional fields freely."""
    return client.AppsV1Api(api), client.CoreV1Api(api)


def owner_ref(owner: Any, block: bool = True) -> client.V1OwnerReference:
    return client.V1OwnerReference(
        api_version=owner.api_version,
        kind=owner.kind,
        name=owner.metadata.name,
        uid=owner.metadata.uid,
        controller=True,
        block_owner_deletion=block,
    )


def pod_template(app: str) -> client.V1PodTemplateSpec:
    return client.V1PodTemplateSpec(
        metadata=client.V1ObjectMeta(labels={"app": app}),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx")]),
    )


def new_replica_set(
    apps: Any, name: str, owners: list[client.V1OwnerReference] | None = None
) -> Any:
    body = client.V1ReplicaSet(
        api_version="apps/v1",
        kind="ReplicaSet",
        metadata=client.V1ObjectMeta(name=name, owner_references=owners),
        spec=client.V1ReplicaSetSpec(
            selector=client.V1LabelSelector(match_labels={"app": name}),
            template=pod_template(name),
        ),
    )
    rs = apps.create_namespaced_replica_set(NS, body)
    # The client drops apiVersion/kind from typed responses; owner references need them.
    rs.api_version, rs.kind = "apps/v1", "ReplicaSet"
    return rs


def new_pods(core: Any, owner: Any, names: list[str], finalizers: list[str] | None = None) -> None:
    for name in names:
        core.create_namespaced_pod(
            NS,
            client.V1Pod(
                metadata=client.V1ObjectMeta(
                    name=name,
                    labels={"app": owner.metadata.name},
                    owner_references=[owner_ref(owner)],
                    finalizers=finalizers,
                ),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx")]),
            ),
        )


def exists(read: Callable[[], Any]) -> bool:
    try:
        read()
    except ApiException as err:
        assert err.status == 404, err
        return False
    return True


def wait_until(cond: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for: {what}")


def pod_exists(core: Any, name: str) -> bool:
    return exists(lambda: core.read_namespaced_pod(name, NS))


def pod_gone(core: Any, name: str) -> bool:
    return not pod_exists(core, name)


def rs_exists(apps: Any, name: str) -> bool:
    return exists(lambda: apps.read_namespaced_replica_set(name, NS))


def release(core: Any, name: str) -> None:
    core.patch_namespaced_pod(name, NS, {"metadata": {"finalizers": None}})


def test_background_deletes_the_pods_after_the_replica_set(api: Any) -> None:
    apps, core = apis(api)
    rs = new_replica_set(apps, "bg")
    new_pods(core, rs, ["bg-1", "bg-2"])
    status = apps.delete_namespaced_replica_set("bg", NS, propagation_policy="Background")
    assert status["status"] == "Success"
    assert not rs_exists(apps, "bg")
    for name in ("bg-1", "bg-2"):
        wait_until(partial(pod_gone, core, name), f"pod {name} deleted")


def test_foreground_keeps_the_owner_until_its_pods_are_gone(api: Any) -> None:
    apps, core = apis(api)
    rs = new_replica_set(apps, "fg")
    new_pods(core, rs, ["fg-free"])
    new_pods(core, rs, ["fg-held"], finalizers=[HOLD])
    marked = apps.delete_namespaced_replica_set(
        "fg", NS, body=client.V1DeleteOptions(propagation_policy="Foreground")
    )
    # The delete answers with the marked object (this client returns it as a dict).
    assert marked["metadata"]["deletionTimestamp"]
    assert marked["metadata"]["finalizers"] == ["foregroundDeletion"]
    wait_until(lambda: not pod_exists(core, "fg-free"), "the free pod deleted")
    wait_until(
        lambda: core.read_namespaced_pod("fg-held", NS).metadata.deletion_timestamp is not None,
        "the held pod marked for deletion",
    )
    time.sleep(0.5)
    owner = apps.read_namespaced_replica_set("fg", NS)
    assert owner.metadata.deletion_timestamp is not None  # Terminating
    assert owner.metadata.finalizers == ["foregroundDeletion"]
    release(core, "fg-held")
    wait_until(lambda: not rs_exists(apps, "fg"), "the replica set deleted")
    assert not pod_exists(core, "fg-held")


def test_orphan_keeps_the_pods_and_drops_their_owner_references(api: Any) -> None:
    apps, core = apis(api)
    rs = new_replica_set(apps, "or")
    new_pods(core, rs, ["or-1", "or-2"])
    marked = apps.delete_namespaced_replica_set(
        "or", NS, body=client.V1DeleteOptions(orphan_dependents=True)
    )
    assert marked["metadata"]["finalizers"] == ["orphan"]
    wait_until(lambda: not rs_exists(apps, "or"), "the replica set deleted")
    for name in ("or-1", "or-2"):
        p = core.read_namespaced_pod(name, NS)
        assert p.metadata.owner_references is None
        assert p.metadata.deletion_timestamp is None


def test_configmap_owned_by_a_node(api: Any) -> None:
    _, core = apis(api)
    node = core.create_node(client.V1Node(metadata=client.V1ObjectMeta(name="gc-node")))
    node.api_version, node.kind = "v1", "Node"
    core.create_namespaced_config_map(
        NS,
        client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="node-cm", owner_references=[owner_ref(node)])
        ),
    )
    time.sleep(0.5)
    assert exists(lambda: core.read_namespaced_config_map("node-cm", NS))
    core.delete_node("gc-node")
    wait_until(
        lambda: not exists(lambda: core.read_namespaced_config_map("node-cm", NS)),
        "the node's configmap deleted",
    )


def test_configmap_owned_by_a_namespace_in_another_namespace(api: Any) -> None:
    _, core = apis(api)
    ns = core.create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="gc-owner")))
    ns.api_version, ns.kind = "v1", "Namespace"
    core.create_namespaced_config_map(
        NS,
        client.V1ConfigMap(
            metadata=client.V1ObjectMeta(name="ns-cm", owner_references=[owner_ref(ns)])
        ),
    )
    core.delete_namespace("gc-owner", propagation_policy="Foreground")
    wait_until(lambda: not exists(lambda: core.read_namespace("gc-owner")), "the namespace deleted")
    assert not exists(lambda: core.read_namespaced_config_map("ns-cm", NS))


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec: {{containers: [{{name: c, image: nginx}}]}}
"""


def deployment_with_replica_set_and_pods(kapi: KapiProcess, api: Any, name: str) -> None:
    """What the deployment and replica set controllers would build (kapi runs neither)."""
    apps, core = apis(api)
    kapi.kubectl("apply", "-f", "-", input=DEPLOYMENT.format(name=name))
    dep = json.loads(kapi.kubectl("get", "deployment", name, "-o", "json").stdout)
    owner = client.V1OwnerReference(
        api_version="apps/v1",
        kind="Deployment",
        name=name,
        uid=dep["metadata"]["uid"],
        controller=True,
        block_owner_deletion=True,
    )
    rs = new_replica_set(apps, f"{name}-rs", [owner])
    new_pods(core, rs, [f"{name}-rs-a", f"{name}-rs-b"])


def test_kubectl_delete_deployment_default_cascade(kapi: KapiProcess, api: Any) -> None:
    apps, core = apis(api)
    deployment_with_replica_set_and_pods(kapi, api, "kd")
    out = kapi.kubectl("delete", "deployment", "kd").stdout
    assert 'deployment.apps "kd" deleted' in out
    wait_until(lambda: not rs_exists(apps, "kd-rs"), "the replica set deleted")
    for name in ("kd-rs-a", "kd-rs-b"):
        wait_until(partial(pod_gone, core, name), f"pod {name} deleted")


def test_kubectl_delete_deployment_cascade_foreground_waits(kapi: KapiProcess, api: Any) -> None:
    apps, core = apis(api)
    deployment_with_replica_set_and_pods(kapi, api, "kf")
    # kubectl waits for the deployment to be gone, which is after all its dependents.
    kapi.kubectl("delete", "deployment", "kf", "--cascade=foreground", "--timeout=20s")
    assert not exists(lambda: apps.read_namespaced_deployment("kf", NS))
    assert not rs_exists(apps, "kf-rs")
    assert not pod_exists(core, "kf-rs-a")
    assert not pod_exists(core, "kf-rs-b")


def test_kubectl_delete_deployment_cascade_orphan(kapi: KapiProcess, api: Any) -> None:
    apps, _ = apis(api)
    deployment_with_replica_set_and_pods(kapi, api, "ko")
    kapi.kubectl("delete", "deployment", "ko", "--cascade=orphan", "--timeout=20s")
    assert not exists(lambda: apps.read_namespaced_deployment("ko", NS))
    rs = apps.read_namespaced_replica_set("ko-rs", NS)
    assert rs.metadata.owner_references is None
    assert rs.metadata.deletion_timestamp is None


def test_foreground_deletion_survives_a_restart(tmp_path: Path) -> None:
    server = KapiProcess(tmp_path / "kapi").start()
    try:
        c = server.api_client()
        apps, core = apis(c)
        rs = new_replica_set(apps, "rs")
        new_pods(core, rs, ["rs-held"], finalizers=[HOLD])
        apps.delete_namespaced_replica_set("rs", NS, propagation_policy="Foreground")
        wait_until(
            lambda: core.read_namespaced_pod("rs-held", NS).metadata.deletion_timestamp is not None,
            "the held pod marked for deletion",
        )
        c.close()
        assert server.stop() == 0
        server.start()
        c = server.api_client()
        apps, core = apis(c)
        assert apps.read_namespaced_replica_set("rs", NS).metadata.finalizers == [
            "foregroundDeletion"
        ]
        release(core, "rs-held")
        wait_until(lambda: not rs_exists(apps, "rs"), "the replica set deleted after restart")
        c.close()
    finally:
        server.stop()
