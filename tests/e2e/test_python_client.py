"""The official `kubernetes` Python client against a real kapi process."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.e2e.harness import KapiProcess

NS = "default"


@pytest.fixture(scope="module")
def api(kapi: KapiProcess) -> Iterator[Any]:
    c = kapi.api_client()
    try:
        yield c
    finally:
        c.close()


def meta(name: str, **labels: str) -> client.V1ObjectMeta:
    return client.V1ObjectMeta(name=name, labels=labels or None)


def pod(name: str) -> client.V1Pod:
    return client.V1Pod(
        metadata=meta(name, app="demo"),
        spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="busybox")]),
    )


def deployment(name: str, replicas: int = 1) -> client.V1Deployment:
    labels = {"app": name}
    return client.V1Deployment(
        metadata=meta(name),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="c", image="nginx")]),
            ),
        ),
    )


def crud_cases() -> list[tuple[str, Any]]:
    core = client.CoreV1Api
    apps = client.AppsV1Api
    coord = client.CoordinationV1Api
    return [
        (
            "configmap",
            (
                core,
                "namespaced_config_map",
                lambda n: client.V1ConfigMap(metadata=meta(n), data={"a": "1"}),
                lambda o: setattr(o, "data", {"a": "2"}),
                True,
            ),
        ),
        (
            "secret",
            (
                core,
                "namespaced_secret",
                lambda n: client.V1Secret(
                    metadata=meta(n), string_data=None, data={"k": "dmFsdWU="}
                ),
                lambda o: setattr(o, "data", {"k": "b3RoZXI="}),
                True,
            ),
        ),
        (
            "pod",
            (
                core,
                "namespaced_pod",
                pod,
                lambda o: setattr(o.metadata, "labels", {"app": "changed"}),
                True,
            ),
        ),
        (
            "service",
            (
                core,
                "namespaced_service",
                lambda n: client.V1Service(
                    metadata=meta(n),
                    spec=client.V1ServiceSpec(
                        selector={"app": "demo"},
                        ports=[client.V1ServicePort(port=80, target_port=8080)],
                    ),
                ),
                lambda o: setattr(o.spec, "selector", {"app": "other"}),
                True,
            ),
        ),
        (
            "endpoints",
            (
                core,
                "namespaced_endpoints",
                lambda n: client.V1Endpoints(
                    metadata=meta(n),
                    subsets=[
                        client.V1EndpointSubset(
                            addresses=[client.V1EndpointAddress(ip="10.0.0.1")],
                            ports=[client.CoreV1EndpointPort(port=80)],
                        )
                    ],
                ),
                lambda o: setattr(o.metadata, "labels", {"x": "y"}),
                True,
            ),
        ),
        (
            "serviceaccount",
            (
                core,
                "namespaced_service_account",
                lambda n: client.V1ServiceAccount(metadata=meta(n)),
                lambda o: setattr(o.metadata, "labels", {"x": "y"}),
                True,
            ),
        ),
        (
            "event",
            (
                core,
                "namespaced_event",
                lambda n: client.CoreV1Event(
                    metadata=meta(n),
                    involved_object=client.V1ObjectReference(kind="Pod", name="p", namespace=NS),
                    reason="Test",
                    message="hello",
                    type="Normal",
                ),
                lambda o: setattr(o, "message", "changed"),
                True,
            ),
        ),
        (
            "node",
            (
                core,
                "node",
                lambda n: client.V1Node(metadata=meta(n)),
                lambda o: setattr(o.metadata, "labels", {"role": "x"}),
                False,
            ),
        ),
        (
            "namespace",
            (
                core,
                "namespace",
                lambda n: client.V1Namespace(metadata=meta(n)),
                lambda o: setattr(o.metadata, "labels", {"x": "y"}),
                False,
            ),
        ),
        (
            "deployment",
            (
                apps,
                "namespaced_deployment",
                deployment,
                lambda o: setattr(o.spec, "replicas", 3),
                True,
            ),
        ),
        (
            "replicaset",
            (
                apps,
                "namespaced_replica_set",
                lambda n: client.V1ReplicaSet(
                    metadata=meta(n),
                    spec=client.V1ReplicaSetSpec(
                        replicas=1,
                        selector=client.V1LabelSelector(match_labels={"rs": n}),
                        template=client.V1PodTemplateSpec(
                            metadata=client.V1ObjectMeta(labels={"rs": n}),
                            spec=client.V1PodSpec(
                                containers=[client.V1Container(name="c", image="nginx")]
                            ),
                        ),
                    ),
                ),
                lambda o: setattr(o.spec, "replicas", 2),
                True,
            ),
        ),
        (
            "lease",
            (
                coord,
                "namespaced_lease",
                lambda n: client.V1Lease(
                    metadata=meta(n), spec=client.V1LeaseSpec(holder_identity="me")
                ),
                lambda o: setattr(o.spec, "holder_identity", "you"),
                True,
            ),
        ),
    ]


@pytest.mark.parametrize(("kind", "case"), crud_cases(), ids=[c[0] for c in crud_cases()])
def test_crud(api: Any, kind: str, case: Any) -> None:
    api_cls, suffix, make, mutate, namespaced = case
    a = api_cls(api)
    ns_args = (NS,) if namespaced else ()
    name = f"crud-{kind}"
    created = getattr(a, f"create_{suffix}")(*ns_args, make(name))
    assert created.metadata.name == name
    assert created.metadata.uid and created.metadata.resource_version
    got = getattr(a, f"read_{suffix}")(name, *ns_args)
    assert got.metadata.uid == created.metadata.uid
    listed = getattr(a, f"list_{suffix}")(*ns_args)
    assert name in {i.metadata.name for i in listed.items}
    mutate(got)
    updated = getattr(a, f"replace_{suffix}")(name, *ns_args, got)
    assert int(updated.metadata.resource_version) > int(created.metadata.resource_version)
    patched = getattr(a, f"patch_{suffix}")(
        name, *ns_args, {"metadata": {"annotations": {"patched": "yes"}}}
    )
    assert patched.metadata.annotations["patched"] == "yes"
    getattr(a, f"delete_{suffix}")(name, *ns_args)
    if kind == "namespace":
        # Namespaces terminate first; the namespace controller finishes the deletion.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                getattr(a, f"read_{suffix}")(name, *ns_args)
            except ApiException as err:
                assert err.status == 404
                break
            time.sleep(0.1)
        else:
            pytest.fail("namespace was not deleted")
        return
    with pytest.raises(ApiException) as exc:
        getattr(a, f"read_{suffix}")(name, *ns_args)
    assert exc.value.status == 404


def test_pagination_over_1000_objects(api: Any) -> None:
    core = client.CoreV1Api(api)
    core.create_namespace(client.V1Namespace(metadata=meta("paging")))
    for i in range(1000):
        core.create_namespaced_config_map(
            "paging", client.V1ConfigMap(metadata=meta(f"cm-{i:04d}"), data={"i": str(i)})
        )
    names: list[str] = []
    token = None
    pages = 0
    list_rv = None
    while True:
        page = core.list_namespaced_config_map("paging", limit=150, _continue=token)
        pages += 1
        if list_rv is None:
            list_rv = page.metadata.resource_version
            # A write after the first page must not show up in later pages.
            core.create_namespaced_config_map(
                "paging", client.V1ConfigMap(metadata=meta("cm-late"))
            )
        else:
            assert page.metadata.resource_version == list_rv
        names.extend(i.metadata.name for i in page.items)
        token = page.metadata._continue
        if not token:
            assert page.metadata.remaining_item_count is None
            break
        assert page.metadata.remaining_item_count == 1000 - len(names)
    assert pages == 7
    assert names == [f"cm-{i:04d}" for i in range(1000)]


def test_watch_resumes_from_resource_version(api: Any) -> None:
    core = client.CoreV1Api(api)
    start = core.list_namespaced_config_map(NS).metadata.resource_version
    core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("w-1")))
    core.patch_namespaced_config_map("w-1", NS, {"data": {"a": "b"}})
    core.delete_namespaced_config_map("w-1", NS)
    seen: list[tuple[str, str, str]] = []
    w = watch.Watch()
    for ev in w.stream(
        core.list_namespaced_config_map, NS, resource_version=start, timeout_seconds=5
    ):
        seen.append(
            (ev["type"], ev["object"].metadata.name, ev["object"].metadata.resource_version)
        )
        if len(seen) == 3:
            w.stop()
    assert [(t, n) for t, n, _ in seen] == [
        ("ADDED", "w-1"),
        ("MODIFIED", "w-1"),
        ("DELETED", "w-1"),
    ]
    rvs = [int(rv) for _, _, rv in seen]
    assert rvs == sorted(rvs) and len(set(rvs)) == 3
    # Resume from the middle: only what came after.
    resumed = []
    for ev in w.stream(
        core.list_namespaced_config_map, NS, resource_version=str(rvs[0]), timeout_seconds=5
    ):
        resumed.append(ev["type"])
        if len(resumed) == 2:
            w.stop()
    assert resumed == ["MODIFIED", "DELETED"]


def test_stale_update_conflicts(api: Any) -> None:
    core = client.CoreV1Api(api)
    cm = core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("stale")))
    fresh = core.read_namespaced_config_map("stale", NS)
    fresh.data = {"x": "1"}
    core.replace_namespaced_config_map("stale", NS, fresh)
    cm.data = {"x": "2"}
    with pytest.raises(ApiException) as exc:
        core.replace_namespaced_config_map("stale", NS, cm)
    assert exc.value.status == 409
    body = __import__("json").loads(exc.value.body)
    assert body["reason"] == "Conflict"
    assert body["message"] == (
        'Operation cannot be fulfilled on configmaps "stale": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )


def test_invalid_name_is_422_with_causes(api: Any) -> None:
    core = client.CoreV1Api(api)
    with pytest.raises(ApiException) as exc:
        core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("Bad_Name")))
    assert exc.value.status == 422
    body = __import__("json").loads(exc.value.body)
    assert body["reason"] == "Invalid"
    assert body["details"]["kind"] == "ConfigMap"
    cause = body["details"]["causes"][0]
    assert cause["reason"] == "FieldValueInvalid"
    assert cause["field"] == "metadata.name"
    assert body["message"].startswith(
        'ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase '
        "RFC 1123 subdomain"
    )


def test_watch_from_compacted_version_is_410(tmp_path: Path) -> None:
    server = KapiProcess(
        tmp_path / "compact",
        extra_args=["--compaction-interval", "0.5", "--compaction-min-retained", "10"],
    ).start()
    try:
        api = server.api_client()
        core = client.CoreV1Api(api)
        first = core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta("c0")))
        for i in range(30):
            core.patch_namespaced_config_map("c0", NS, {"data": {"i": str(i)}})
        time.sleep(2.0)  # two compaction ticks
        with pytest.raises(ApiException) as exc:
            for _ in watch.Watch().stream(
                core.list_namespaced_config_map,
                NS,
                resource_version=first.metadata.resource_version,
                timeout_seconds=5,
            ):
                pass
        assert exc.value.status == 410
        api.close()
    finally:
        server.stop()


def test_concurrent_watchers_are_independent(api: Any) -> None:
    core = client.CoreV1Api(api)
    rv = core.list_namespaced_config_map(NS).metadata.resource_version
    results: list[list[str]] = [[], []]

    def run(i: int) -> None:
        w = watch.Watch()
        for ev in w.stream(
            core.list_namespaced_config_map,
            NS,
            resource_version=rv,
            label_selector="multi=yes",
            timeout_seconds=5,
        ):
            results[i].append(ev["object"].metadata.name)
            if len(results[i]) == 2:
                w.stop()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for n in ("m1", "m2"):
        core.create_namespaced_config_map(NS, client.V1ConfigMap(metadata=meta(n, multi="yes")))
    for t in threads:
        t.join(10)
    assert results == [["m1", "m2"], ["m1", "m2"]]


def test_namespace_foreground_deletion_completes(api: Any) -> None:
    core = client.CoreV1Api(api)
    core.create_namespace(client.V1Namespace(metadata=meta("fg")))
    core.create_namespaced_config_map("fg", client.V1ConfigMap(metadata=meta("inside")))
    core.delete_namespace("fg", propagation_policy="Foreground")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            core.read_namespace("fg")
        except ApiException as err:
            assert err.status == 404
            return
        time.sleep(0.1)
    pytest.fail("namespace deleted with Foreground propagation never went away")


def test_new_namespace_gets_default_service_account(api: Any) -> None:
    core = client.CoreV1Api(api)
    core.create_namespace(client.V1Namespace(metadata=meta("with-sa")))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        names = [sa.metadata.name for sa in core.list_namespaced_service_account("with-sa").items]
        if names == ["default"]:
            return
        time.sleep(0.05)
    pytest.fail("no default service account")


def test_pod_runs_as_default_service_account(api: Any) -> None:
    core = client.CoreV1Api(api)
    created = core.create_namespaced_pod(NS, pod("sa-default"))
    assert created.spec.service_account_name == "default"
    assert created.status.phase == "Pending"
    assert created.status.qos_class == "BestEffort"
