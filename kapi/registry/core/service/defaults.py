"""Service v1 defaults (upstream `SetDefaults_Service`)."""

from __future__ import annotations

from typing import Any

from kapi.registry.core.shape import child, items, mapping, mappings, text

Object = dict[str, Any]

DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800


def externally_accessible(spec: Object) -> bool:
    kind = spec.get("type")
    return kind in ("LoadBalancer", "NodePort") or (
        kind == "ClusterIP" and bool(items(spec.get("externalIPs")))
    )


def set_service_defaults(svc: Object) -> None:
    spec = child(svc, "spec")
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        config = mapping(spec.get("sessionAffinityConfig"))
        if mapping(config.get("clientIP")).get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {
                "clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_TIMEOUT_SECONDS}
            }
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    for port in mappings(spec.get("ports")):
        if not port:
            continue
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    if externally_accessible(spec) and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and spec["type"] in (
        "NodePort",
        "LoadBalancer",
        "ClusterIP",
    ):
        spec["internalTrafficPolicy"] = "Cluster"
    if spec["type"] == "LoadBalancer":
        if spec.get("allocateLoadBalancerNodePorts") is None:
            spec["allocateLoadBalancerNodePorts"] = True
        ingress = mappings(mapping(mapping(svc.get("status")).get("loadBalancer")).get("ingress"))
        for ing in ingress:
            if text(ing.get("ip")) and ing.get("ipMode") is None:
                ing["ipMode"] = "VIP"
