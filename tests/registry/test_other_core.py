"""Endpoints, events, service accounts and nodes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kapi.machinery import validation as mv
from kapi.registry.core.endpoints.printer import endpoints_row
from kapi.registry.core.event.printer import event_row
from kapi.registry.core.event.strategy import EventStrategy
from kapi.registry.core.node.printer import node_row
from kapi.registry.core.node.strategy import NodeStrategy
from kapi.registry.core.serviceaccount.printer import serviceaccount_row
from tests.registry.tester import ResourceTester, assert_causes

Object = dict[str, Any]


def ago(seconds: int) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- endpoints ---------------------------------------------------------------------------


def endpoints(name: str = "web", *subsets: Object) -> Object:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name},
        "subsets": list(subsets),
    }


async def test_endpoints_are_upserted(core: dict[str, Any]) -> None:
    eps = ResourceTester(core["endpoints"])
    body = endpoints("web", {"addresses": [{"ip": "10.1.0.1"}], "ports": [{"port": 80}]})
    out, created = await eps.put(body)
    assert created
    assert out["subsets"][0]["ports"] == [{"port": 80, "protocol": "TCP"}]
    out, created = await eps.put(endpoints("web"))
    assert not created
    assert out.get("subsets") in (None, [])


@pytest.mark.parametrize(
    ("subset", "expected"),
    [
        (
            {"ports": [{"port": 80}]},
            "subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`",
        ),
        (
            {"addresses": [{"ip": "127.0.0.1"}]},
            'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback '
            "range (127.0.0.0/8, ::1/128)",
        ),
        (
            {"addresses": [{"ip": "10.1.0.1"}], "ports": [{"port": 80}, {"port": 81}]},
            "subsets[0].ports[0].name: Required value",
        ),
    ],
)
async def test_endpoints_reject(core: dict[str, Any], subset: Object, expected: str) -> None:
    await ResourceTester(core["endpoints"]).expect_invalid(endpoints("web", subset), expected)


def test_endpoints_table_cell() -> None:
    many = endpoints(
        "web",
        {"addresses": [{"ip": f"10.0.0.{i}"} for i in range(1, 5)], "ports": [{"port": 80}]},
    )
    assert endpoints_row(many)[1] == "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more..."
    headless = endpoints("h", {"addresses": [{"ip": "fd00::1"}]})
    assert endpoints_row(headless)[1] == "fd00::1"
    assert endpoints_row(endpoints("none"))[1] == "<none>"
    v6 = endpoints("v6", {"addresses": [{"ip": "fd00::1"}], "ports": [{"port": 53}]})
    assert endpoints_row(v6)[1] == "[fd00::1]:53"


# -- events ------------------------------------------------------------------------------


def event(name: str = "e1", **fields: Any) -> Object:
    body: Object = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "default"},
        "reason": "Scheduled",
        "message": "Successfully assigned default/web to node-1 ",
        "type": "Normal",
        "source": {"component": "default-scheduler"},
        "count": 1,
        "firstTimestamp": ago(120),
        "lastTimestamp": ago(60),
    }
    body.update(fields)
    return body


async def test_events_are_upserted_and_validated(core: dict[str, Any]) -> None:
    events = ResourceTester(core["events"])
    out, created = await events.put(event())
    assert created and out["reason"] == "Scheduled"
    await events.expect_invalid(
        event("e2", involvedObject={"kind": "Pod", "name": "web", "namespace": "other"}),
        'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    )
    await events.expect_invalid(
        event("e3", eventTime="2024-05-01T12:00:00.000000Z"),
        "reportingController: Required value",
        "reportingInstance: Required value",
        "action: Required value",
    )


def test_event_table_row() -> None:
    row = event_row(event())
    assert row[:5] == ["60s", "Normal", "Scheduled", "pod/web", ""]
    assert row[5:] == [
        "default-scheduler",
        "Successfully assigned default/web to node-1",
        "2m",
        1,
        "e1",
    ]
    series = event_row(
        event(series={"count": 4, "lastObservedTime": "2020-01-01T00:00:00.000000Z"}, count=0)
    )
    assert series[8] == 4


def test_event_selectable_fields() -> None:
    _, fields = EventStrategy().get_attrs(event(reportingComponent="kubelet", source={}))
    assert fields["involvedObject.kind"] == "Pod"
    assert fields["involvedObject.name"] == "web"
    assert fields["reason"] == "Scheduled"
    assert fields["source"] == "kubelet"
    assert fields["reportingComponent"] == "kubelet"
    assert fields["type"] == "Normal"
    assert set(EventStrategy.selectable_fields) <= set(fields)


# -- service accounts --------------------------------------------------------------------


async def test_service_account_secret_references_keep_only_names(core: dict[str, Any]) -> None:
    sas = ResourceTester(core["serviceaccounts"])
    out = await sas.create(
        {
            "metadata": {"name": "builder"},
            "secrets": [{"name": "token", "namespace": "other", "kind": "Secret"}],
        }
    )
    assert out["secrets"] == [{"name": "token"}]
    assert serviceaccount_row(out)[:2] == ["builder", 1]
    await sas.expect_invalid(
        {"metadata": {"name": "Builder"}},
        f'metadata.name: Invalid value: "Builder": {mv.is_dns1123_subdomain("Builder")[0]}',
    )


# -- nodes -------------------------------------------------------------------------------


def node(name: str = "node-1", **fields: Any) -> Object:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name}, **fields}


async def test_nodes_are_cluster_scoped_and_keep_their_status(core: dict[str, Any]) -> None:
    nodes = ResourceTester(core["nodes"], namespace="")
    status = {
        "capacity": {"cpu": "4", "memory": "8Gi"},
        "conditions": [{"type": "Ready", "status": "True"}],
        "nodeInfo": {"kubeletVersion": "v1.34.0"},
    }
    out = await nodes.create(node(status=status))
    assert "namespace" not in out["metadata"]
    assert out["status"]["allocatable"] == {"cpu": "4", "memory": "8Gi"}
    # The main resource ignores status changes; nodes/status takes them.
    out = await nodes.patch("node-1", lambda o: o["status"].update(conditions=[]))
    assert out["status"]["conditions"] == [{"type": "Ready", "status": "True"}]
    node_status = ResourceTester(core["nodes/status"], namespace="")
    out = await node_status.patch(
        "node-1",
        lambda o: (o["status"].update(conditions=[]), o.update(spec={"unschedulable": True})),
    )
    assert out["status"].get("conditions", []) == []
    assert "unschedulable" not in out.get("spec", {})


async def test_node_update_rules(core: dict[str, Any]) -> None:
    nodes = ResourceTester(core["nodes"], namespace="")
    await nodes.create(node(spec={"podCIDRs": ["10.244.0.0/24"], "providerID": "kind://n1"}))
    err = await nodes.expect_error(
        nodes.patch("node-1", lambda o: o["spec"].update(podCIDRs=["10.244.1.0/24"])), 422
    )
    assert_causes(
        err, 'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'
    )
    out = await nodes.patch(
        "node-1",
        lambda o: o["spec"].update(
            unschedulable=True, taints=[{"key": "k", "value": "v", "effect": "NoSchedule"}]
        ),
    )
    assert out["spec"]["unschedulable"] is True
    await nodes.expect_invalid(
        node("n2", spec={"taints": [{"key": "k", "effect": "Sometimes"}]}),
        'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: '
        '"NoSchedule", "PreferNoSchedule", "NoExecute"',
    )


def test_node_table_row() -> None:
    n = node(
        metadata={
            "name": "cp",
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"},
        },
        spec={"unschedulable": True},
        status={
            "conditions": [{"type": "Ready", "status": "False"}],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}],
            "nodeInfo": {"kubeletVersion": "v1.34.0", "osImage": "Debian"},
        },
    )
    row = node_row(n)
    assert row[:3] == ["cp", "NotReady,SchedulingDisabled", "control-plane,master"]
    assert row[4:] == ["v1.34.0", "172.18.0.2", "<none>", "Debian", "<unknown>", "<unknown>"]
    assert node_row(node())[1:3] == ["Unknown", "<none>"]
    _, fields = NodeStrategy().get_attrs(n)
    assert fields == {"metadata.name": "cp", "spec.unschedulable": "true"}
