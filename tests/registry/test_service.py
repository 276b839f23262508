"""Services: defaults, cluster IP and node port allocation, the update rules around
allocated values, validation and the table."""

from __future__ import annotations

import ipaddress
import random
from typing import Any

import pytest

from kapi.machinery import errors
from kapi.machinery import validation as mv
from kapi.machinery.options import DeleteOptions, ListOptions
from kapi.registry.core.service.allocation import Allocator, InUse, ServiceRanges
from kapi.registry.core.service.printer import service_row
from tests.registry.tester import ResourceTester, assert_causes

Object = dict[str, Any]

CIDR = ipaddress.ip_network("10.96.0.0/12")


def svc(name: str = "web", **spec: Any) -> Object:
    body: Object = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    body["spec"].update(spec)
    return body


@pytest.fixture
def services(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["services"])


async def test_cluster_ip_service_defaults_and_allocation(services: ResourceTester) -> None:
    out = await services.create(svc())
    spec = out["spec"]
    ip = spec["clusterIP"]
    assert ipaddress.ip_address(ip) in CIDR
    assert spec["clusterIPs"] == [ip]
    assert spec["type"] == "ClusterIP"
    assert spec["sessionAffinity"] == "None"
    assert spec["ipFamilies"] == ["IPv4"]
    assert spec["ipFamilyPolicy"] == "SingleStack"
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert "externalTrafficPolicy" not in spec
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert out["status"] == {"loadBalancer": {}}


async def test_node_port_and_load_balancer_get_node_ports(services: ResourceTester) -> None:
    np = await services.create(svc("np", type="NodePort"))
    port = np["spec"]["ports"][0]["nodePort"]
    assert 30000 <= port <= 32767
    assert np["spec"]["externalTrafficPolicy"] == "Cluster"
    lb = await services.create(svc("lb", type="LoadBalancer"))
    assert lb["spec"]["allocateLoadBalancerNodePorts"] is True
    assert lb["spec"]["ports"][0]["nodePort"] != port
    local = await services.create(svc("local", type="LoadBalancer", externalTrafficPolicy="Local"))
    assert 30000 <= local["spec"]["healthCheckNodePort"] <= 32767


async def test_allocations_are_unique(services: ResourceTester) -> None:
    ips, ports = set(), set()
    for i in range(20):
        out = await services.create(svc(f"s{i}", type="NodePort"))
        ips.add(out["spec"]["clusterIP"])
        ports.add(out["spec"]["ports"][0]["nodePort"])
    assert len(ips) == 20 and len(ports) == 20


async def test_requested_values_must_be_free_and_in_range(services: ResourceTester) -> None:
    await services.create(
        svc("a", clusterIP="10.96.0.10", type="NodePort", ports=[{"port": 80, "nodePort": 30080}])
    )
    await services.expect_invalid(
        svc("b", clusterIP="10.96.0.10"),
        'spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP '
        "10.96.0.10: provided IP is already allocated",
    )
    await services.expect_invalid(
        svc("c", clusterIP="192.168.0.1"),
        'spec.clusterIPs: Invalid value: []string{"192.168.0.1"}: failed to allocate IP '
        "192.168.0.1: the provided IP (192.168.0.1) is not in the valid range. The range of "
        "valid IPs is 10.96.0.0/12",
    )
    await services.expect_invalid(
        svc("d", type="NodePort", ports=[{"port": 80, "nodePort": 30080}]),
        "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated",
    )
    await services.expect_invalid(
        svc("e", type="NodePort", ports=[{"port": 80, "nodePort": 8080}]),
        "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. "
        "The range of valid ports is 30000-32767",
    )


async def test_deleted_service_releases_its_values(services: ResourceTester) -> None:
    await services.create(svc("a", clusterIP="10.96.0.10"))
    await services.delete("a")
    out = await services.create(svc("b", clusterIP="10.96.0.10"))
    assert out["spec"]["clusterIP"] == "10.96.0.10"


async def test_headless_and_external_name(services: ResourceTester) -> None:
    headless = await services.create(svc("h", clusterIP="None"))
    assert headless["spec"]["clusterIPs"] == ["None"]
    assert headless["spec"]["ipFamilies"] == ["IPv4"]
    ext = await services.create(
        {
            "metadata": {"name": "ext"},
            "spec": {"type": "ExternalName", "externalName": "example.com"},
        }
    )
    spec = ext["spec"]
    assert (
        "clusterIP" not in spec and "ipFamilies" not in spec and "internalTrafficPolicy" not in spec
    )
    await services.expect_invalid(
        svc("np", clusterIP="None", type="NodePort"),
        "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort "
        "services",
    )


async def test_reapplying_without_allocated_values_keeps_them(services: ResourceTester) -> None:
    first = await services.create(svc(type="NodePort"))
    body = svc(type="NodePort")
    body["metadata"]["labels"] = {"v": "2"}
    out, created = await services.put(body)
    assert not created
    assert out["spec"]["clusterIP"] == first["spec"]["clusterIP"]
    assert out["spec"]["ports"][0]["nodePort"] == first["spec"]["ports"][0]["nodePort"]
    assert out["metadata"]["labels"] == {"v": "2"}


async def test_cluster_ip_is_immutable(services: ResourceTester) -> None:
    await services.create(svc(clusterIP="10.96.0.20"))

    def move(o: Object) -> None:
        o["spec"]["clusterIP"] = "10.96.0.21"
        o["spec"]["clusterIPs"] = ["10.96.0.21"]

    err = await services.expect_error(services.patch("web", move), 422)
    assert_causes(
        err, 'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.21"}: may not change once set'
    )


async def test_type_changes_allocate_and_release(services: ResourceTester) -> None:
    await services.create(svc(type="NodePort"))
    out = await services.patch("web", lambda o: o["spec"].update(type="ClusterIP"))
    assert "nodePort" not in out["spec"]["ports"][0]
    assert "externalTrafficPolicy" not in out["spec"]
    out = await services.patch(
        "web", lambda o: o["spec"].update(type="ExternalName", externalName="example.com")
    )
    assert "clusterIP" not in out["spec"] and "ipFamilies" not in out["spec"]
    out = await services.patch(
        "web", lambda o: (o["spec"].update(type="LoadBalancer"), o["spec"].pop("externalName"))
    )
    assert ipaddress.ip_address(out["spec"]["clusterIP"]) in CIDR
    assert out["spec"]["ports"][0]["nodePort"]


async def test_put_creates_a_missing_service(services: ResourceTester) -> None:
    out, created = await services.put(svc("fresh"))
    assert created and out["spec"]["clusterIP"]


async def test_delete_removes_the_endpoints(core: dict[str, Any], services: ResourceTester) -> None:
    endpoints = ResourceTester(core["endpoints"])
    await services.create(svc())
    await endpoints.create(
        {
            "metadata": {"name": "web"},
            "subsets": [{"addresses": [{"ip": "10.1.0.1"}], "ports": [{"port": 80}]}],
        }
    )
    await services.delete("web")
    await endpoints.expect_error(endpoints.get("web"), 404)


async def test_delete_collection_goes_through_the_service_rest(
    core: dict[str, Any], services: ResourceTester
) -> None:
    await services.create(svc("a"))
    await services.create(svc("b"))
    listed = await core["services"].delete_collection(
        services.ctx, None, DeleteOptions(), ListOptions()
    )
    assert {i["metadata"]["name"] for i in listed["items"]} == {"a", "b"}
    assert (await core["services"].list(services.ctx, ListOptions()))["items"] == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (svc("1web"), f'metadata.name: Invalid value: "1web": {mv.is_dns1035_label("1web")[0]}'),
        (svc(ports=[]), "spec.ports: Required value"),
        (
            svc(ports=[{"port": 80}, {"port": 81}]),
            "spec.ports[0].name: Required value",
        ),
        (
            svc(ports=[{"name": "a", "port": 80}, {"name": "b", "port": 80}]),
            'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", '
            "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, "
            'IntVal:0, StrVal:""}, NodePort:0}',
        ),
        (
            svc(ports=[{"port": 80, "nodePort": 30001}]),
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
        ),
        (
            svc(type="Magic"),
            'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", '
            '"ExternalName", "LoadBalancer", "NodePort"',
        ),
        (
            svc(sessionAffinity="Sticky"),
            'spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", '
            '"None"',
        ),
        (
            svc(externalIPs=["127.0.0.1"]),
            'spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range '
            "(127.0.0.0/8, ::1/128)",
        ),
        (
            svc(ipFamilyPolicy="RequireDualStack"),
            'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not '
            "configured for dual-stack services",
        ),
        (
            {"metadata": {"name": "x"}, "spec": {"type": "ExternalName"}},
            "spec.externalName: Required value",
        ),
    ],
)
async def test_create_rejects(services: ResourceTester, body: Object, expected: str) -> None:
    err = await services.expect_invalid(body, expected)
    assert err.message.startswith('Service "')


async def test_status_subresource_sets_load_balancer_ingress(
    core: dict[str, Any], services: ResourceTester
) -> None:
    status = ResourceTester(core["services/status"])
    await services.create(svc(type="LoadBalancer"))
    out = await status.patch(
        "web",
        lambda o: (
            o.update(status={"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}),
            o["spec"].update(type="ClusterIP"),
        ),
    )
    assert out["spec"]["type"] == "LoadBalancer"
    assert out["status"]["loadBalancer"]["ingress"] == [{"ip": "1.2.3.4", "ipMode": "VIP"}]
    assert service_row(out)[3] == "1.2.3.4"


def test_table_rows() -> None:
    base = {"metadata": {"name": "web"}}
    cluster = {
        **base,
        "spec": {
            "type": "ClusterIP",
            "clusterIPs": ["10.96.0.5"],
            "ports": [{"port": 80, "protocol": "TCP"}],
            "selector": {"b": "2", "a": "1"},
        },
    }
    assert service_row(cluster)[:5] == ["web", "ClusterIP", "10.96.0.5", "<none>", "80/TCP"]
    assert service_row(cluster)[6] == "a=1,b=2"
    lb = {
        **base,
        "spec": {
            "type": "LoadBalancer",
            "clusterIPs": ["10.96.0.6"],
            "ports": [{"port": 443, "nodePort": 31000, "protocol": "TCP"}],
        },
    }
    assert service_row(lb)[3:5] == ["<pending>", "443:31000/TCP"]
    assert service_row(lb)[6] == "<none>"
    ext = {**base, "spec": {"type": "ExternalName", "externalName": "example.com"}}
    assert service_row(ext)[2:5] == ["<none>", "example.com", "<none>"]


def test_allocator_prefers_the_upper_band() -> None:
    alloc = Allocator(ServiceRanges(), random.Random(1))
    in_use = InUse()
    for _ in range(50):
        ip = alloc.next_ip(in_use)
        in_use.ips.add(ip)
        assert int(ipaddress.ip_address(ip)) - int(CIDR.network_address) > 256
        port = alloc.next_node_port(in_use)
        in_use.node_ports.add(port)
        assert 30086 <= port <= 32767


def test_small_ranges_fill_up() -> None:
    ranges = ServiceRanges(cidr=ipaddress.IPv4Network("10.0.0.0/29"), node_port_size=20)
    alloc = Allocator(ranges, random.Random(0))
    in_use = InUse()
    got = set()
    for _ in range(6):
        ip = alloc.next_ip(in_use)
        in_use.ips.add(ip)
        got.add(ip)
    assert got == {f"10.0.0.{i}" for i in range(1, 7)}
    with pytest.raises(errors.StatusError) as info:
        alloc.next_ip(in_use)
    assert (
        info.value.message
        == "Internal error occurred: failed to allocate a serviceIP: range is full"
    )
