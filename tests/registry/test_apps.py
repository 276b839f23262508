"""apps/v1 deployments and replicasets: defaults, validation, selector immutability,
generation, status and the autoscaling/v1 Scale subresource."""

from __future__ import annotations

from typing import Any

import pytest

from kapi.machinery.schema import GroupVersion, GroupVersionKind
from kapi.registry.apps.deployment.printer import deployment_row
from kapi.registry.apps.replicaset.printer import replica_set_row
from kapi.registry.apps.replicaset.strategy import ReplicaSetStrategy
from tests.registry.tester import ResourceTester, assert_causes

Object = dict[str, Any]


def template(labels: dict[str, str] | None = None) -> Object:
    return {
        "metadata": {"labels": labels if labels is not None else {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
    }


def deployment(name: str = "web", **spec: Any) -> Object:
    body: Object = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": template()},
    }
    body["spec"].update(spec)
    return body


def replica_set(name: str = "web-1", **spec: Any) -> Object:
    body = deployment(name, **spec)
    body["kind"] = "ReplicaSet"
    return body


@pytest.fixture
def deployments(apps: dict[str, Any]) -> ResourceTester:
    return ResourceTester(apps["deployments"])


@pytest.fixture
def scale(apps: dict[str, Any]) -> ResourceTester:
    return ResourceTester(apps["deployments/scale"])


async def test_deployment_defaults(deployments: ResourceTester) -> None:
    out = await deployments.create(deployment())
    spec = out["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    pod_spec = spec["template"]["spec"]
    assert pod_spec["restartPolicy"] == "Always"
    assert pod_spec["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert "enableServiceLinks" not in pod_spec  # a pod-only default
    assert out["status"] == {}
    assert out["metadata"]["generation"] == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            deployment(selector=None),
            "spec.selector: Required value",
        ),
        (
            deployment(selector={"matchLabels": {"app": "other"}}),
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
            "`selector` does not match template `labels`",
        ),
        (
            deployment(selector={}),
            "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
            "deployment",
        ),
        (
            deployment(replicas=-1),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            deployment(template={**template(), "spec": {"containers": []}}),
            "spec.template.spec.containers: Required value",
        ),
        (
            deployment(
                template={
                    **template(),
                    "spec": {"containers": [{"name": "c", "image": "x"}], "restartPolicy": "Never"},
                }
            ),
            'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: '
            '"Always"',
        ),
        (
            deployment(strategy={"type": "Recreate", "rollingUpdate": {}}),
            "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` "
            "is 'Recreate'",
        ),
        (
            deployment(strategy={"rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}}),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
            'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0',
        ),
        (
            deployment(strategy={"rollingUpdate": {"maxUnavailable": "abc"}}),
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "
            'intstr.IntOrString{Type:1, IntVal:0, StrVal:"abc"}: a valid percent '
            "string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', "
            "regex used for validation is '[0-9]+%')",
        ),
        (
            deployment(progressDeadlineSeconds=5, minReadySeconds=10),
            "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds",
        ),
        (
            {**deployment(), "metadata": {"name": "web", "finalizers": ["foo"]}},
            'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer '
            "name nor is it fully qualified",
        ),
    ],
)
async def test_deployment_rejects(deployments: ResourceTester, body: Object, expected: str) -> None:
    err = await deployments.expect_invalid(body, expected)
    assert err.message.startswith('Deployment.apps "web" is invalid: ')


async def test_selector_is_immutable(deployments: ResourceTester) -> None:
    await deployments.create(deployment())

    def change(o: Object) -> None:
        o["spec"]["selector"] = {"matchLabels": {"app": "web", "tier": "x"}}
        o["spec"]["template"]["metadata"]["labels"]["tier"] = "x"

    err = await deployments.expect_error(deployments.patch("web", change), 422)
    assert_causes(
        err,
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", '
        '"tier":"x"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    )


async def test_generation_follows_spec_and_annotations(deployments: ResourceTester) -> None:
    await deployments.create(deployment())
    out = await deployments.patch("web", lambda o: o["metadata"].update(labels={"a": "b"}))
    assert out["metadata"]["generation"] == 1
    out = await deployments.patch("web", lambda o: o["metadata"].update(annotations={"a": "b"}))
    assert out["metadata"]["generation"] == 2
    out = await deployments.patch("web", lambda o: o["spec"].update(replicas=3))
    assert out["metadata"]["generation"] == 3
    out = await deployments.patch("web", lambda o: o.update(status={"replicas": 3}))
    assert out["metadata"]["generation"] == 3 and out["status"] == {}


async def test_status_subresource(apps: dict[str, Any], deployments: ResourceTester) -> None:
    status = ResourceTester(apps["deployments/status"])
    await deployments.create(deployment())

    def report(o: Object) -> None:
        o["status"] = {
            "replicas": 1,
            "readyReplicas": 1,
            "availableReplicas": 1,
            "observedGeneration": 1,
        }
        o["spec"]["replicas"] = 9
        o["metadata"]["labels"] = {"sneaky": "yes"}

    out = await status.patch("web", report)
    assert out["status"]["readyReplicas"] == 1
    assert out["spec"]["replicas"] == 1
    assert "labels" not in out["metadata"]
    assert out["metadata"]["generation"] == 1
    err = await status.expect_error(
        status.patch("web", lambda o: o.update(status={"replicas": 1, "readyReplicas": 2})), 422
    )
    assert_causes(
        err, "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas"
    )


async def test_scale_get(deployments: ResourceTester, scale: ResourceTester) -> None:
    created = await deployments.create(deployment(replicas=3))
    out = await scale.get("web")
    meta = created["metadata"]
    assert out == {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "uid": meta["uid"],
            "resourceVersion": meta["resourceVersion"],
            "creationTimestamp": meta["creationTimestamp"],
        },
        "spec": {"replicas": 3},
        "status": {"replicas": 0, "selector": "app=web"},
    }
    await scale.expect_error(scale.get("ghost"), 404)


async def test_scale_update_and_patch(deployments: ResourceTester, scale: ResourceTester) -> None:
    await deployments.create(deployment())
    current = await scale.get("web")
    current["spec"]["replicas"] = 4
    out, created = await scale.put(current)
    assert not created and out["kind"] == "Scale" and out["spec"] == {"replicas": 4}
    parent = await deployments.get("web")
    assert parent["spec"]["replicas"] == 4
    assert parent["metadata"]["generation"] == 2
    # A stale resourceVersion conflicts; a patch without one does not.
    current["spec"]["replicas"] = 5
    await scale.expect_error(scale.put(current), 409)
    out = await scale.patch("web", lambda s: s.update(spec={"replicas": 0}))
    assert out["spec"] == {}
    assert (await deployments.get("web"))["spec"]["replicas"] == 0


async def test_scale_rejects_negative_replicas(
    deployments: ResourceTester, scale: ResourceTester
) -> None:
    await deployments.create(deployment())
    err = await scale.expect_error(
        scale.patch("web", lambda s: s.update(spec={"replicas": -1})), 422
    )
    assert err.message == (
        'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater '
        "than or equal to 0"
    )


def test_scale_reports_its_kind(apps: dict[str, Any]) -> None:
    gv = GroupVersion("apps", "v1")
    for name in ("deployments/scale", "replicasets/scale"):
        assert apps[name].group_version_kind(gv) == GroupVersionKind("autoscaling", "v1", "Scale")
        assert apps[name].new() == {"apiVersion": "autoscaling/v1", "kind": "Scale"}


async def test_replica_set(apps: dict[str, Any]) -> None:
    rss = ResourceTester(apps["replicasets"])
    out = await rss.create(replica_set())
    assert out["spec"]["replicas"] == 1
    assert out["status"] == {"replicas": 0}
    out = await rss.patch("web-1", lambda o: o["metadata"].update(annotations={"a": "b"}))
    assert out["metadata"]["generation"] == 1
    out = await ResourceTester(apps["replicasets/scale"]).patch(
        "web-1", lambda s: s.update(spec={"replicas": 2})
    )
    assert out["spec"] == {"replicas": 2}
    assert (await rss.get("web-1"))["metadata"]["generation"] == 2
    err = await rss.expect_error(
        rss.patch("web-1", lambda o: o["spec"].update(selector={"matchLabels": {"app": "x"}})), 422
    )
    assert any("field is immutable" in c.message for c in err.details.causes)  # type: ignore[union-attr]
    _, fields = ReplicaSetStrategy().get_attrs(
        {"metadata": {"name": "r"}, "status": {"replicas": 2}}
    )
    assert fields["status.replicas"] == "2"


def test_table_rows() -> None:
    d = deployment(replicas=3)
    d["status"] = {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2}
    row = deployment_row(d)
    assert row[:4] == ["web", "2/3", 3, 2]
    assert row[5:] == ["c", "nginx:1.27", "app=web"]
    rs = replica_set(replicas=3)
    rs["status"] = {"replicas": 3, "readyReplicas": 1}
    row = replica_set_row(rs)
    assert row[:4] == ["web-1", 3, 3, 1]
    assert row[5:] == ["c", "nginx:1.27", "app=web"]


async def test_selector_of_the_wrong_shape(deployments: ResourceTester) -> None:
    await deployments.expect_invalid(
        deployment(selector={"matchLabels": {"app": 1}}),
        "spec.selector.matchLabels[app]: Invalid value: 1: must be a string",
    )
