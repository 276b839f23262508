"""Service strategies (upstream `pkg/registry/core/service/strategy.go`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.field import ErrorList
from kapi.registry.context import RequestContext
from kapi.registry.core.service.allocation import needs_cluster_ip, needs_node_ports
from kapi.registry.core.service.defaults import externally_accessible, set_service_defaults
from kapi.registry.core.service.validation import (
    needs_health_check,
    validate_service,
    validate_service_status_update,
    validate_service_update,
)
from kapi.registry.core.shape import child, integer, items, keep_old, mapping, mappings
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]


def _node_ports(spec: Object) -> set[int]:
    return {n for p in mappings(spec.get("ports")) if (n := integer(p.get("nodePort")))}


def drop_type_dependent_fields(svc: Object, old: Object) -> None:
    """Clear fields the new type does not use, when the client left them as they were
    (upstream `dropTypeDependentFields`); they are released with the old object."""
    spec, old_spec = child(svc, "spec"), mapping(old.get("spec"))
    if needs_cluster_ip(old_spec) and not needs_cluster_ip(spec):
        same_ips = spec.get("clusterIP") == old_spec.get("clusterIP") and items(
            spec.get("clusterIPs")
        ) == items(old_spec.get("clusterIPs"))
        if same_ips:
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        if items(spec.get("ipFamilies")) == items(old_spec.get("ipFamilies")):
            spec.pop("ipFamilies", None)
        if spec.get("ipFamilyPolicy") == old_spec.get("ipFamilyPolicy"):
            spec.pop("ipFamilyPolicy", None)
    leaves_node_ports = needs_node_ports(old_spec) and not needs_node_ports(spec)
    if leaves_node_ports and _node_ports(old_spec) >= _node_ports(spec):
        for port in mappings(spec.get("ports")):
            port.pop("nodePort", None)
    leaves_hc = needs_health_check(old_spec) and not needs_health_check(spec)
    if leaves_hc and spec.get("healthCheckNodePort") == old_spec.get("healthCheckNodePort"):
        spec.pop("healthCheckNodePort", None)
    if old_spec.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        new_alloc = spec.get("allocateLoadBalancerNodePorts")
        if new_alloc is not None and new_alloc == old_spec.get("allocateLoadBalancerNodePorts"):
            spec.pop("allocateLoadBalancerNodePorts", None)
        if spec.get("loadBalancerClass") == old_spec.get("loadBalancerClass"):
            spec.pop("loadBalancerClass", None)
    leaves_external = externally_accessible(old_spec) and not externally_accessible(spec)
    same_etp = spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy")
    if leaves_external and same_etp:
        spec.pop("externalTrafficPolicy", None)
    if spec.get("type") != "LoadBalancer":
        status = svc.get("status")
        if isinstance(status, dict):
            status["loadBalancer"] = {}


class ServiceStrategy(Strategy):
    namespaced = True
    allow_create_on_update = True
    allow_unconditional_update = True
    selectable_fields = ("spec.clusterIP", "spec.type")

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        set_service_defaults(obj)
        obj["status"] = {"loadBalancer": {}}

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_service(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_service_defaults(obj)
        keep_old(obj, old, "status")
        drop_type_dependent_fields(obj, old)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_service_update(obj, old)


class ServiceStatusStrategy(ServiceStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old(obj, old, "spec")
        set_service_defaults(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_service_status_update(obj, old)
