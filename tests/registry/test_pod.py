"""Pods through the Store: v1 defaults, validation (cases after upstream
`pkg/apis/core/validation/validation_test.go`), the update rules, pods/status, graceful
deletion, QoS and the table."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kapi.machinery import validation as mv
from kapi.machinery.options import CreateOptions, DeleteOptions
from kapi.registry.context import RequestContext
from kapi.registry.core.pod.printer import pod_row
from kapi.registry.core.pod.qos import compute_qos_class
from kapi.registry.core.pod.strategy import PodStrategy
from tests.registry.tester import ResourceTester, assert_causes, causes

Object = dict[str, Any]


def pod(name: str = "web", **spec: Any) -> Object:
    body: Object = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
    }
    body["spec"].update(spec)
    return body


@pytest.fixture
def pods(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["pods"])


@pytest.fixture
def pod_status(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["pods/status"])


async def test_create_fills_v1_defaults_and_pending_status(pods: ResourceTester) -> None:
    out = await pods.create(pod())
    spec = out["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    c = spec["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert out["status"] == {"phase": "Pending", "qosClass": "BestEffort"}
    assert out["metadata"]["generation"] == 1


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry:5000/nginx", "Always"),
        ("registry:5000/nginx:1", "IfNotPresent"),
        ("nginx@sha256:abc", "IfNotPresent"),
    ],
)
async def test_image_pull_policy_default(pods: ResourceTester, image: str, policy: str) -> None:
    out = await pods.create(pod(containers=[{"name": "c", "image": image}]))
    assert out["spec"]["containers"][0]["imagePullPolicy"] == policy


async def test_create_discards_client_status_and_defaults_nested_fields(
    pods: ResourceTester,
) -> None:
    body = pod(
        containers=[
            {
                "name": "c",
                "image": "nginx:1",
                "ports": [{"containerPort": 80}],
                "readinessProbe": {"httpGet": {"port": 80}},
                "resources": {"limits": {"cpu": "1", "memory": "1Gi"}},
            }
        ],
        volumes=[{"name": "cfg", "configMap": {"name": "cfg"}}],
        serviceAccount="builder",
    )
    body["status"] = {"phase": "Running"}
    out = await pods.create(body)
    c = out["spec"]["containers"][0]
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c["readinessProbe"] == {
        "httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert c["resources"]["requests"] == {"cpu": "1", "memory": "1Gi"}
    assert out["spec"]["volumes"][0]["configMap"]["defaultMode"] == 420
    assert out["spec"]["serviceAccountName"] == "builder"
    assert out["status"] == {"phase": "Pending", "qosClass": "Guaranteed"}


DNS_LABEL_MSG = mv.is_dns1123_label("Bad_Name")[0]
SUBDOMAIN_MSG = mv.is_dns1123_subdomain("Bad")[0]


def _with(path: str, value: Any) -> Object:
    body = pod()
    target: Any = body
    keys = path.split(".")
    for k in keys[:-1]:
        target = target[int(k)] if k.isdigit() else target[k]
    last = keys[-1]
    if value is None:
        del target[last]
    elif isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


INVALID: list[tuple[str, Object, list[str]]] = [
    ("no containers", _with("spec.containers", []), ["spec.containers: Required value"]),
    (
        "container without name",
        _with("spec.containers.0", {"image": "nginx"}),
        ["spec.containers[0].name: Required value"],
    ),
    (
        "container name not a DNS label",
        _with("spec.containers.0.name", "Bad_Name"),
        [f'spec.containers[0].name: Invalid value: "Bad_Name": {DNS_LABEL_MSG}'],
    ),
    (
        "container without image",
        _with("spec.containers.0", {"name": "c"}),
        ["spec.containers[0].image: Required value"],
    ),
    (
        "duplicate container names",
        _with("spec.containers", [{"name": "c", "image": "a"}, {"name": "c", "image": "b"}]),
        ['spec.containers[1].name: Duplicate value: "c"'],
    ),
    (
        "init container clashing with a container",
        _with("spec.initContainers", [{"name": "c", "image": "a"}]),
        ['spec.initContainers[0].name: Duplicate value: "c"'],
    ),
    (
        "port zero",
        _with("spec.containers.0.ports", [{"containerPort": 0}]),
        ["spec.containers[0].ports[0].containerPort: Required value"],
    ),
    (
        "port out of range",
        _with("spec.containers.0.ports", [{"containerPort": 70000}]),
        [
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 "
            "and 65535, inclusive"
        ],
    ),
    (
        "unknown protocol",
        _with("spec.containers.0.ports", [{"containerPort": 80, "protocol": "XTP"}]),
        [
            'spec.containers[0].ports[0].protocol: Unsupported value: "XTP": supported values: '
            '"SCTP", "TCP", "UDP"'
        ],
    ),
    (
        "duplicate port names",
        _with(
            "spec.containers.0.ports",
            [{"name": "http", "containerPort": 80}, {"name": "http", "containerPort": 81}],
        ),
        ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
    ),
    (
        "restart policy",
        _with("spec.restartPolicy", "Sometimes"),
        [
            'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
            '"OnFailure", "Never"'
        ],
    ),
    (
        "mount of a missing volume",
        _with("spec.containers.0.volumeMounts", [{"name": "data", "mountPath": "/data"}]),
        ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
    ),
    (
        "volume without a source",
        _with("spec.volumes", [{"name": "data"}]),
        ["spec.volumes[0]: Required value: must specify a volume type"],
    ),
    (
        "volume with two sources",
        _with("spec.volumes", [{"name": "data", "emptyDir": {}, "secret": {"secretName": "s"}}]),
        ["spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type"],
    ),
    (
        "pod name",
        _with("metadata.name", "Bad"),
        [f'metadata.name: Invalid value: "Bad": {SUBDOMAIN_MSG}'],
    ),
    (
        "unqualified finalizer",
        _with("metadata.finalizers", ["foo"]),
        [
            'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer '
            "name nor is it fully qualified"
        ],
    ),
    (
        "request above limit",
        _with(
            "spec.containers.0.resources",
            {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}},
        ),
        [
            'spec.containers[0].resources.requests: Invalid value: "2": must be less than or '
            "equal to cpu limit of 1"
        ],
    ),
    (
        "unknown resource",
        _with("spec.containers.0.resources", {"limits": {"gpu": "1"}}),
        [
            'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard '
            "resource type or fully qualified",
            'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard '
            "resource for containers",
        ],
    ),
    (
        "env name with '='",
        _with("spec.containers.0.env", [{"name": "A=B", "value": "x"}]),
        [
            'spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable '
            "name must consist only of printable ASCII characters other than '='"
        ],
    ),
    (
        "ephemeral containers on create",
        _with("spec.ephemeralContainers", [{"name": "debug", "image": "busybox"}]),
        ["spec.ephemeralContainers: Forbidden: cannot be set on create"],
    ),
    (
        "toleration without key must be Exists",
        _with("spec.tolerations", [{"operator": "Equal", "value": "x"}]),
        [
            'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when '
            '`key` is empty, which means "match all values and all keys"'
        ],
    ),
    (
        "active deadline",
        _with("spec.activeDeadlineSeconds", 0),
        [
            "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, "
            "inclusive"
        ],
    ),
    (
        "probe without handler",
        _with("spec.containers.0.livenessProbe", {"periodSeconds": 5}),
        ["spec.containers[0].livenessProbe: Required value: must specify a handler type"],
    ),
]


@pytest.mark.parametrize(("case", "body", "expected"), INVALID, ids=[c[0] for c in INVALID])
async def test_create_rejects(
    pods: ResourceTester, case: str, body: Object, expected: list[str]
) -> None:
    err = await pods.expect_invalid(body, *expected)
    assert err.message.startswith('Pod "')
    assert err.details is not None and err.details.kind == "Pod"


async def test_non_dns_label_name_warns(pods: ResourceTester) -> None:
    ctx = RequestContext(namespace="default")
    await pods.rest.create(ctx, pod("a.b"), None, CreateOptions())
    assert ctx.warnings and ctx.warnings[0].startswith(
        "metadata.name: this is used in the Pod's hostname, which can result in surprising "
        "behavior; a DNS label is recommended: ["
    )


async def test_update_may_change_image_and_bumps_generation(pods: ResourceTester) -> None:
    created = await pods.create(pod())

    def new_image(p: Object) -> None:
        p["spec"]["containers"][0]["image"] = "nginx:1.28"

    out = await pods.patch("web", new_image)
    assert out["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert out["metadata"]["generation"] == 2
    assert out["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]
    same = await pods.patch("web", lambda p: None)
    assert same["metadata"]["resourceVersion"] == out["metadata"]["resourceVersion"]
    assert same["metadata"]["generation"] == 2


async def test_update_may_not_change_other_spec_fields(pods: ResourceTester) -> None:
    await pods.create(pod())

    def restart_never(p: Object) -> None:
        p["spec"]["restartPolicy"] = "Never"

    err = await pods.expect_error(pods.patch("web", restart_never), 422)
    [msg] = causes(err)
    assert msg.startswith(
        "spec: Forbidden: pod updates may not change fields other than "
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),"
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
        "negative)\n"
    )
    assert "restartPolicy" in msg


async def test_update_may_not_add_containers(pods: ResourceTester) -> None:
    await pods.create(pod())

    def add(p: Object) -> None:
        p["spec"]["containers"].append({"name": "d", "image": "busybox"})

    err = await pods.expect_error(pods.patch("web", add), 422)
    assert_causes(err, "spec.containers: Forbidden: pod updates may not add or remove containers")


async def test_tolerations_may_only_be_added(pods: ResourceTester) -> None:
    t = {"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule"}
    await pods.create(pod(tolerations=[t]))
    out = await pods.patch(
        "web", lambda p: p["spec"]["tolerations"].append({"key": "x", "operator": "Exists"})
    )
    assert len(out["spec"]["tolerations"]) == 2

    def change(p: Object) -> None:
        p["spec"]["tolerations"][0]["value"] = "w"

    err = await pods.expect_error(pods.patch("web", change), 422)
    assert_causes(
        err,
        "spec.tolerations: Forbidden: existing toleration can not be modified except its "
        "tolerationSeconds",
    )


async def test_active_deadline_may_only_shrink(pods: ResourceTester) -> None:
    await pods.create(pod(activeDeadlineSeconds=100))
    out = await pods.patch("web", lambda p: p["spec"].update(activeDeadlineSeconds=50))
    assert out["spec"]["activeDeadlineSeconds"] == 50
    err = await pods.expect_error(
        pods.patch("web", lambda p: p["spec"].update(activeDeadlineSeconds=60)), 422
    )
    assert_causes(
        err,
        "spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous "
        "value",
    )


async def test_main_resource_ignores_status(pods: ResourceTester) -> None:
    await pods.create(pod())
    out = await pods.patch("web", lambda p: p.update(status={"phase": "Running"}))
    assert out["status"]["phase"] == "Pending"


async def test_status_subresource_ignores_spec_and_owner_references(
    pods: ResourceTester, pod_status: ResourceTester
) -> None:
    await pods.create(pod())

    def report(p: Object) -> None:
        p["spec"]["containers"][0]["image"] = "evil"
        p["metadata"]["ownerReferences"] = [
            {"apiVersion": "v1", "kind": "Node", "name": "n", "uid": "u"}
        ]
        p["status"] = {"phase": "Running", "podIP": "10.0.0.5", "podIPs": [{"ip": "10.0.0.5"}]}

    out = await pod_status.patch("web", report)
    assert out["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert "ownerReferences" not in out["metadata"]
    assert out["status"]["phase"] == "Running"
    # qosClass was dropped by the writer and is kept from the old status.
    assert out["status"]["qosClass"] == "BestEffort"
    assert out["metadata"]["generation"] == 1


async def test_status_update_rejects_bad_pod_ips(
    pods: ResourceTester, pod_status: ResourceTester
) -> None:
    await pods.create(pod())
    err = await pod_status.expect_error(
        pod_status.patch("web", lambda p: p.update(status={"podIPs": [{"ip": "nope"}]})), 422
    )
    assert_causes(
        err,
        'status.podIPs[0]: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or '
        "2001:db8::ffff)",
    )


async def test_unscheduled_pod_is_deleted_at_once(pods: ResourceTester) -> None:
    await pods.create(pod())
    out, deleted = await pods.delete("web")
    assert deleted
    assert out["kind"] == "Pod"  # pods return the deleted object
    await pods.expect_error(pods.get("web"), 404)


async def test_scheduled_pod_is_deleted_gracefully(pods: ResourceTester) -> None:
    await pods.create(pod(nodeName="node-1"))
    before = datetime.now(UTC).replace(microsecond=0)
    out, deleted = await pods.delete("web")
    assert not deleted
    meta = out["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 30
    when = datetime.fromisoformat(meta["deletionTimestamp"].replace("Z", "+00:00"))
    assert before + timedelta(seconds=29) <= when <= before + timedelta(seconds=32)
    assert meta["generation"] == 2
    out, deleted = await pods.delete("web", grace_period_seconds=0)
    assert deleted


@pytest.mark.parametrize(
    ("node", "phase", "requested", "grace"),
    [
        ("", "Running", None, 0),
        ("n", "Running", None, 30),
        ("n", "Running", 5, 5),
        ("n", "Succeeded", None, 0),
        ("n", "Failed", 10, 0),
        ("n", "Running", -3, 1),
    ],
)
def test_check_graceful_delete(node: str, phase: str, requested: int | None, grace: int) -> None:
    p = pod(nodeName=node, terminationGracePeriodSeconds=30)
    p["status"] = {"phase": phase}
    options = DeleteOptions(grace_period_seconds=requested)
    assert PodStrategy().check_graceful_delete(RequestContext(), p, options)
    assert options.grace_period_seconds == grace


@pytest.mark.parametrize(
    ("resources", "qos"),
    [
        ([{}], "BestEffort"),
        ([{"requests": {"cpu": "100m"}}], "Burstable"),
        (
            [{"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1", "memory": "1Gi"}}],
            "Guaranteed",
        ),
        (
            [
                {
                    "limits": {"cpu": "1", "memory": "1Gi"},
                    "requests": {"cpu": "500m", "memory": "1Gi"},
                }
            ],
            "Burstable",
        ),
        ([{"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}], "Burstable"),
        ([{"requests": {"cpu": "0"}}], "BestEffort"),
        ([{"requests": {"nvidia.com/gpu": "1"}}], "BestEffort"),
        (
            [
                {
                    "limits": {"cpu": "1", "memory": "1Gi"},
                    "requests": {"cpu": "1", "memory": "1Gi"},
                },
                {},
            ],
            "Burstable",
        ),
    ],
)
def test_qos_class(resources: list[Object], qos: str) -> None:
    containers = [{"name": f"c{i}", "image": "x", "resources": r} for i, r in enumerate(resources)]
    assert compute_qos_class({"spec": {"containers": containers}}) == qos


def _printed(p: Object) -> list[Any]:
    cells = pod_row(p)
    cells[4] = "AGE"
    return cells


def _aged(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_table_row_of_a_pending_pod() -> None:
    p = pod()
    p["status"] = {"phase": "Pending"}
    assert _printed(p) == [
        "web",
        "0/1",
        "Pending",
        "0",
        "AGE",
        "<none>",
        "<none>",
        "<none>",
        "<none>",
    ]


def test_table_row_of_a_running_pod_with_restarts() -> None:
    p = pod(nodeName="node-1", readinessGates=[{"conditionType": "example.com/ready"}])
    p["status"] = {
        "phase": "Running",
        "podIPs": [{"ip": "10.1.0.5"}],
        "conditions": [{"type": "example.com/ready", "status": "True"}],
        "containerStatuses": [
            {
                "name": "c",
                "ready": True,
                "restartCount": 2,
                "state": {"running": {"startedAt": _aged(60)}},
                "lastState": {"terminated": {"exitCode": 1, "finishedAt": _aged(300)}},
            }
        ],
    }
    assert _printed(p) == [
        "web",
        "1/1",
        "Running",
        "2 (5m ago)",
        "AGE",
        "10.1.0.5",
        "node-1",
        "<none>",
        "1/1",
    ]


@pytest.mark.parametrize(
    ("status", "deleting", "shown"),
    [
        (
            {
                "phase": "Running",
                "containerStatuses": [
                    {"name": "c", "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
                ],
            },
            False,
            "CrashLoopBackOff",
        ),
        (
            {
                "phase": "Succeeded",
                "containerStatuses": [
                    {"name": "c", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}
                ],
            },
            False,
            "Completed",
        ),
        (
            {
                "phase": "Failed",
                "containerStatuses": [{"name": "c", "state": {"terminated": {"exitCode": 2}}}],
            },
            False,
            "ExitCode:2",
        ),
        ({"phase": "Running"}, True, "Terminating"),
        ({"phase": "Succeeded"}, True, "Succeeded"),
        (
            {
                "phase": "Pending",
                "initContainerStatuses": [{"name": "init", "state": {"running": {}}}],
            },
            False,
            "Init:0/1",
        ),
        (
            {
                "phase": "Pending",
                "initContainerStatuses": [
                    {"name": "init", "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}
                ],
            },
            False,
            "Init:Error",
        ),
        (
            {
                "phase": "Pending",
                "conditions": [
                    {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}
                ],
            },
            False,
            "SchedulingGated",
        ),
    ],
)
def test_table_status_cell(status: Object, deleting: bool, shown: str) -> None:
    p = pod(initContainers=[{"name": "init", "image": "busybox"}])
    p["status"] = status
    if deleting:
        p["metadata"]["deletionTimestamp"] = _aged(0)
    assert pod_row(p)[2] == shown


def test_sidecars_count_as_containers() -> None:
    p = pod(initContainers=[{"name": "proxy", "image": "envoy", "restartPolicy": "Always"}])
    p["status"] = {
        "phase": "Running",
        "initContainerStatuses": [
            {"name": "proxy", "started": True, "ready": True, "state": {"running": {}}}
        ],
        "containerStatuses": [{"name": "c", "ready": True, "state": {"running": {}}}],
    }
    assert pod_row(p)[1:3] == ["2/2", "Running"]


def test_selectable_fields() -> None:
    p = pod(nodeName="n1", serviceAccountName="sa")
    p["metadata"]["namespace"] = "ns"
    p["status"] = {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}]}
    labels, fields = PodStrategy().get_attrs(p)
    assert labels == {"app": "web"}
    assert fields == {
        "metadata.name": "web",
        "metadata.namespace": "ns",
        "spec.nodeName": "n1",
        "spec.restartPolicy": "",
        "spec.schedulerName": "",
        "spec.serviceAccountName": "sa",
        "spec.hostNetwork": "false",
        "status.phase": "Running",
        "status.podIP": "10.0.0.1",
        "status.nominatedNodeName": "",
    }


async def test_scheduling_gates_condition_and_no_node_name(pods: ResourceTester) -> None:
    out = await pods.create(pod(schedulingGates=[{"name": "example.com/gate"}]))
    [cond] = out["status"]["conditions"]
    assert cond["type"] == "PodScheduled" and cond["reason"] == "SchedulingGated"
    body = pod("other", schedulingGates=[{"name": "example.com/gate"}], nodeName="n")
    await pods.expect_invalid(
        body, "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"
    )
    out = await pods.patch("web", lambda p: p["spec"].pop("schedulingGates"))
    assert "schedulingGates" not in out["spec"]


def test_copy_is_not_shared() -> None:
    # The defaults mutate only the object given.
    body = pod()
    snapshot = copy.deepcopy(body)
    PodStrategy().prepare_for_create(RequestContext(), copy.deepcopy(body))
    assert body == snapshot
