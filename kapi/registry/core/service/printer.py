"""`kubectl get services` columns (upstream `printService`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import items, mapping, mappings, text

Object = dict[str, Any]

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Type",
        description="type determines how the Service is exposed. Defaults to ClusterIP. Valid "
        'options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates '
        "a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined "
        "by the selector or if that is not specified, by manual construction of an Endpoints "
        'object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and '
        'the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" '
        "builds on ClusterIP and allocates a port on every node which routes to the same "
        'endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external '
        "load-balancer (if supported in the current cloud) which routes to the same endpoints as "
        'the clusterIP. "ExternalName" aliases this service to the specified externalName. '
        "Several other fields do not apply to ExternalName services. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types",
    ),
    Column(
        "Cluster-IP",
        description="clusterIP is the IP address of the service and is usually assigned randomly. "
        "If an address is specified manually, is in-range (as per system configuration), and is "
        "not in use, it will be allocated to the service; otherwise creation of the service will "
        "fail. This field may not be changed through updates unless the type field is also being "
        "changed to ExternalName (which requires this field to be blank) or the type field is "
        "being changed from ExternalName (in which case this field may optionally be specified, "
        'as describe above).  Valid values are "None", empty string (""), or a valid IP address. '
        'Setting this to "None" makes a "headless service" (no virtual IP), which is useful when '
        "direct endpoint connections are preferred and proxying is not required.  Only applies to "
        "types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a "
        "Service of type ExternalName, creation will fail. This field will be wiped when updating "
        "a Service to type ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
    ),
    Column(
        "External-IP",
        description="externalIPs is a list of IP addresses for which nodes in the cluster will "
        "also accept traffic for this service.  These IPs are not managed by Kubernetes.  The "
        "user is responsible for ensuring that traffic arrives at a node with this IP.  A common "
        "example is external load-balancers that are not part of the Kubernetes system.",
    ),
    Column(
        "Port(s)",
        description="The list of ports that are exposed by this service. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies",
    ),
    AGE_COLUMN,
    Column(
        "Selector",
        priority=1,
        description="Route service traffic to pods with label keys and values matching this "
        "selector. If empty or not present, the service is assumed to have an external process "
        "managing its endpoints, which Kubernetes will not modify. Only applies to types "
        "ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: "
        "https://kubernetes.io/docs/concepts/services-networking/service/",
    ),
)


def format_labels(labels: Any) -> str:
    """`labels.FormatLabels`: sorted "k=v" pairs, or <none>."""
    pairs = sorted(f"{k}={v}" for k, v in mapping(labels).items())
    return ",".join(pairs) if pairs else "<none>"


def _load_balancer_ips(svc: Object) -> str:
    ingress = mappings(mapping(mapping(svc.get("status")).get("loadBalancer")).get("ingress"))
    found = {text(i.get("ip")) or text(i.get("hostname")) for i in ingress} - {""}
    return ",".join(sorted(found))


def _external_ip(svc: Object) -> str:
    spec = mapping(svc.get("spec"))
    external = [text(ip) for ip in items(spec.get("externalIPs"))]
    kind = spec.get("type")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        lb = _load_balancer_ips(svc)
        if external:
            return ",".join(([*lb.split(",")] if lb else []) + external)
        return lb or "<pending>"
    if kind == "ExternalName":
        return text(spec.get("externalName"))
    return "<unknown>"


def make_port_string(ports: Any) -> str:
    pieces = []
    for p in mappings(ports):
        if p.get("nodePort"):
            pieces.append(f"{p.get('port')}:{p.get('nodePort')}/{text(p.get('protocol'))}")
        else:
            pieces.append(f"{p.get('port')}/{text(p.get('protocol'))}")
    return ",".join(pieces)


def service_row(svc: Object) -> list[Any]:
    spec = mapping(svc.get("spec"))
    ips = items(spec.get("clusterIPs"))
    return [
        text(mapping(svc.get("metadata")).get("name")),
        text(spec.get("type")),
        text(ips[0]) if ips else "<none>",
        _external_ip(svc),
        make_port_string(spec.get("ports")) or "<none>",
        age(svc),
        format_labels(spec.get("selector")),
    ]


PRINTER = TablePrinter(COLUMNS, service_row)
