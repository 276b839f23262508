"""Service validation (upstream `ValidateService`, `ValidateServiceUpdate`,
`ValidateServiceStatusUpdate`, `ValidateServiceClusterIPsRelatedFields`)."""

from __future__ import annotations

import ipaddress
from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.core.service.defaults import externally_accessible
from kapi.registry.core.shape import integer, items, mapping, mappings, text
from kapi.registry.core.validation import (
    validate_core_object_meta,
    validate_core_object_meta_update,
    validate_dns1123_label,
    validate_dns1123_subdomain,
    validate_labels,
    validate_port_num_or_name,
    validate_qualified_name,
)

Object = dict[str, Any]

SESSION_AFFINITIES = ("ClientIP", "None")
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
PROTOCOLS = ("SCTP", "TCP", "UDP")
TRAFFIC_POLICIES = ("Cluster", "Local")
IP_FAMILIES = ("IPv4", "IPv6")
IP_FAMILY_POLICIES = ("PreferDualStack", "RequireDualStack", "SingleStack")
TRAFFIC_DISTRIBUTIONS = ("PreferClose", "PreferSameNode", "PreferSameZone")
MAX_CLIENT_IP_TIMEOUT = 86400
ANNOTATION_TOPOLOGY_MODE = "service.kubernetes.io/topology-mode"
ANNOTATION_TOPOLOGY_HINTS = "service.kubernetes.io/topology-aware-hints"
ANNOTATION_LB_SOURCE_RANGES = "service.beta.kubernetes.io/load-balancer-source-ranges"
NON_SPECIAL_IP_ERRORS = (
    ("is_unspecified", "may not be unspecified ({ip})"),
    ("is_loopback", "may not be in the loopback range (127.0.0.0/8, ::1/128)"),
    ("is_link_local", "may not be in the link-local range (169.254.0.0/16, fe80::/10)"),
)


def is_headless(spec: Object) -> bool:
    ips = items(spec.get("clusterIPs"))
    return len(ips) == 1 and ips[0] == "None"


def ip_errors(value: Any, path: Path) -> ErrorList:
    return [fe.invalid(path, value, m) for m in mv.is_valid_ip(text(value))]


def cidr_errors(value: str, path: Path) -> ErrorList:
    try:
        ipaddress.ip_network(value, strict=False)
        if "/" not in value:
            raise ValueError(value)
    except ValueError:
        return [
            fe.invalid(
                path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
            )
        ]
    return []


def non_special_ip_errors(value: str, path: Path) -> ErrorList:
    try:
        ip = ipaddress.ip_address(value)
    except ValueError:
        return [fe.invalid(path, value, "must be a valid IP address")]
    errs: ErrorList = []
    for attr, msg in NON_SPECIAL_IP_ERRORS:
        if getattr(ip, attr):
            errs.append(fe.invalid(path, value, msg.format(ip=value)))
    if ip.is_multicast and (
        ip in ipaddress.ip_network("224.0.0.0/24") or ip in ipaddress.ip_network("ff02::/16")
    ):
        errs.append(
            fe.invalid(
                path,
                value,
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
            )
        )
    return errs


def _validate_service_port(
    port: Object, require_name: bool, names: set[str], path: Path
) -> ErrorList:
    errs: ErrorList = []
    name = text(port.get("name"))
    if require_name and not name:
        errs.append(fe.required(path.child("name")))
    elif name:
        errs += validate_dns1123_label(name, path.child("name"))
        if name in names:
            errs.append(fe.duplicate(path.child("name"), name))
        else:
            names.add(name)
    number = integer(port.get("port"))
    errs += [
        fe.invalid(path.child("port"), port.get("port"), m)
        for m in mv.is_valid_port_num(number if number is not None else 0)
    ]
    protocol = port.get("protocol")
    if not protocol:
        errs.append(fe.required(path.child("protocol")))
    elif protocol not in PROTOCOLS:
        errs.append(fe.not_supported(path.child("protocol"), protocol, PROTOCOLS))
    errs += validate_port_num_or_name(port.get("targetPort"), path.child("targetPort"))
    if port.get("appProtocol") is not None:
        errs += validate_qualified_name(text(port.get("appProtocol")), path.child("appProtocol"))
    return errs


def _go_service_port(protocol: str, port: int) -> mv.GoText:
    return mv.GoText(
        f'core.ServicePort{{Name:"", Protocol:"{protocol}", AppProtocol:(*string)(nil), '
        f'Port:{port}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, NodePort:0}}'
    )


def validate_cluster_ips_related_fields(spec: Object) -> ErrorList:
    """Upstream `ValidateServiceClusterIPsRelatedFields`; also used before allocation."""
    if spec.get("type") == "ExternalName":
        return []
    errs: ErrorList = []
    spec_path = Path("spec")
    ips_path = spec_path.child("clusterIPs")
    cluster_ip = text(spec.get("clusterIP"))
    cluster_ips = [text(x) for x in items(spec.get("clusterIPs"))]
    if cluster_ip:
        if not cluster_ips:
            errs.append(fe.required(ips_path))
        elif cluster_ips[0] != cluster_ip:
            errs.append(fe.invalid(ips_path, cluster_ips, "first value must match `clusterIP`"))
    elif cluster_ips:
        errs.append(
            fe.invalid(ips_path, cluster_ips, "must be empty when `clusterIP` is not specified")
        )
    seen: set[str] = set()
    for i, family in enumerate(items(spec.get("ipFamilies"))):
        p = spec_path.child("ipFamilies").index(i)
        if family not in IP_FAMILIES:
            errs.append(fe.not_supported(p, family, IP_FAMILIES))
        if family in seen:
            errs.append(fe.duplicate(p, family))
        seen.add(text(family))
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in IP_FAMILY_POLICIES:
        errs.append(fe.not_supported(spec_path.child("ipFamilyPolicy"), policy, IP_FAMILY_POLICIES))
    invalid_ips = False
    for i, ip in enumerate(cluster_ips):
        if i == 0 and ip == "None":
            if len(cluster_ips) > 1:
                invalid_ips = True
                errs.append(
                    fe.invalid(ips_path, cluster_ips, "'None' must be the first and only value")
                )
            continue
        ip_errs = ip_errors(ip, ips_path.index(i))
        invalid_ips = invalid_ips or bool(ip_errs)
        errs += ip_errs
    if len(cluster_ips) > 2:
        errs.append(fe.invalid(ips_path, cluster_ips, "may only hold up to 2 values"))
    if invalid_ips:
        return errs
    if len(cluster_ips) > 1 and len({":" in ip for ip in cluster_ips}) != len(cluster_ips):
        errs.append(
            fe.invalid(ips_path, cluster_ips, "may specify no more than one IP for each IP family")
        )
    families = items(spec.get("ipFamilies"))
    if not is_headless(spec) and cluster_ips and families:
        for i, ip in enumerate(cluster_ips):
            if i >= len(families):
                break
            v6 = ":" in ip
            if families[i] == "IPv4" and v6:
                errs.append(
                    fe.invalid(
                        ips_path.index(i),
                        ip,
                        f"expected an IPv4 value as indicated by `ipFamilies[{i}]`",
                    )
                )
            if families[i] == "IPv6" and not v6:
                errs.append(
                    fe.invalid(
                        ips_path.index(i),
                        ip,
                        f"expected an IPv6 value as indicated by `ipFamilies[{i}]`",
                    )
                )
    return errs


def _validate_load_balancer_class(spec: Object, old_spec: Object | None) -> ErrorList:
    errs: ErrorList = []
    path = Path("spec", "loadBalancerClass")
    lb_class = spec.get("loadBalancerClass")
    is_lb = spec.get("type") == "LoadBalancer"
    was_lb = old_spec is not None and old_spec.get("type") == "LoadBalancer"
    if was_lb and is_lb and mapping(old_spec).get("loadBalancerClass") != lb_class:
        errs.append(fe.invalid(path, lb_class, "may not change once set"))
    if is_lb and lb_class is not None:
        errs += validate_qualified_name(text(lb_class), path)
    elif lb_class is not None:
        errs.append(fe.forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
    return errs


def validate_service(svc: Object) -> ErrorList:
    meta_path, spec_path = Path("metadata"), Path("spec")
    meta = mapping(svc.get("metadata"))
    spec = mapping(svc.get("spec"))
    errs = validate_core_object_meta(meta, True, mv.name_is_dns1035_label, meta_path)
    annotations = mapping(meta.get("annotations"))
    if (
        ANNOTATION_TOPOLOGY_MODE in annotations
        and ANNOTATION_TOPOLOGY_HINTS in annotations
        and annotations[ANNOTATION_TOPOLOGY_MODE] != annotations[ANNOTATION_TOPOLOGY_HINTS]
    ):
        errs.append(
            fe.invalid(
                meta_path.child("annotations").key(ANNOTATION_TOPOLOGY_MODE),
                annotations[ANNOTATION_TOPOLOGY_MODE],
                f"must match annotations[{ANNOTATION_TOPOLOGY_HINTS}] when both are specified",
            )
        )
    kind = spec.get("type")
    ports = mappings(spec.get("ports"))
    headless = is_headless(spec)
    if not ports and not headless and kind != "ExternalName":
        errs.append(fe.required(spec_path.child("ports")))
    cluster_ips = items(spec.get("clusterIPs"))
    if kind in ("LoadBalancer", "NodePort") and headless:
        errs.append(
            fe.invalid(
                spec_path.child("clusterIPs").index(0),
                cluster_ips[0],
                f"may not be set to 'None' for {kind} services",
            )
        )
    elif kind == "ExternalName":
        for key in ("clusterIPs", "ipFamilies"):
            if items(spec.get(key)):
                errs.append(
                    fe.forbidden(spec_path.child(key), "may not be set for ExternalName services")
                )
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(
                fe.forbidden(
                    spec_path.child("ipFamilyPolicy"), "may not be set for ExternalName services"
                )
            )
        cname = text(spec.get("externalName")).removesuffix(".")
        if cname:
            errs += validate_dns1123_subdomain(cname, spec_path.child("externalName"))
        else:
            errs.append(fe.required(spec_path.child("externalName")))
    names: set[str] = set()
    for i, port in enumerate(ports):
        errs += _validate_service_port(
            port, len(ports) > 1, names, spec_path.child("ports").index(i)
        )
    if isinstance(spec.get("selector"), dict):
        errs += validate_labels(spec["selector"], spec_path.child("selector"))
    affinity = spec.get("sessionAffinity")
    if not affinity:
        errs.append(fe.required(spec_path.child("sessionAffinity")))
    elif affinity not in SESSION_AFFINITIES:
        errs.append(
            fe.not_supported(spec_path.child("sessionAffinity"), affinity, SESSION_AFFINITIES)
        )
    config_path = spec_path.child("sessionAffinityConfig")
    if affinity == "ClientIP":
        errs += _validate_client_ip_config(spec.get("sessionAffinityConfig"), config_path)
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(fe.forbidden(config_path, "must not be set when session affinity is None"))
    errs += validate_cluster_ips_related_fields(spec)
    for i, ip in enumerate(items(spec.get("externalIPs"))):
        p = spec_path.child("externalIPs").index(i)
        ip_errs = ip_errors(ip, p)
        errs += ip_errs or non_special_ip_errors(text(ip), p)
    if not kind:
        errs.append(fe.required(spec_path.child("type")))
    elif kind not in SERVICE_TYPES:
        errs.append(fe.not_supported(spec_path.child("type"), kind, SERVICE_TYPES))
    if kind == "ClusterIP":
        for i, port in enumerate(ports):
            if port.get("nodePort"):
                errs.append(
                    fe.forbidden(
                        spec_path.child("ports").index(i).child("nodePort"),
                        "may not be used when `type` is 'ClusterIP'",
                    )
                )
    node_ports: set[tuple[str, int | None]] = set()
    for i, port in enumerate(ports):
        node_port = port.get("nodePort")
        if not node_port:
            continue
        np_key = (text(port.get("protocol")), integer(node_port))
        if np_key in node_ports:
            errs.append(
                fe.duplicate(spec_path.child("ports").index(i).child("nodePort"), node_port)
            )
        node_ports.add(np_key)
    seen_ports: set[tuple[str, int | None]] = set()
    for i, port in enumerate(ports):
        port_key = (text(port.get("protocol")), integer(port.get("port")))
        if port_key in seen_ports:
            errs.append(
                fe.duplicate(
                    spec_path.child("ports").index(i),
                    _go_service_port(port_key[0], integer(port_key[1]) or 0),
                )
            )
        seen_ports.add(port_key)
    ranges = items(spec.get("loadBalancerSourceRanges"))
    if ranges:
        path = spec_path.child("LoadBalancerSourceRanges")  # sic: upstream's capital L
        if kind != "LoadBalancer":
            errs.append(fe.forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
        for i, value in enumerate(ranges):
            errs += cidr_errors(text(value).strip(), path.index(i))
    elif ANNOTATION_LB_SOURCE_RANGES in annotations:
        path = meta_path.child("annotations").key(ANNOTATION_LB_SOURCE_RANGES)
        if kind != "LoadBalancer":
            errs.append(fe.forbidden(path, "may only be used when `type` is 'LoadBalancer'"))
        value = text(annotations[ANNOTATION_LB_SOURCE_RANGES]).strip()
        if value:
            for cidr in value.split(","):
                errs += cidr_errors(cidr.strip(), path)
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errs.append(
            fe.forbidden(
                spec_path.child("allocateLoadBalancerNodePorts"),
                "may only be used when `type` is 'LoadBalancer'",
            )
        )
    if kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is None:
        errs.append(fe.required(Path("allocateLoadBalancerNodePorts")))  # sic: no "spec."
    errs += _validate_load_balancer_class(spec, None)
    errs += _validate_external_traffic_policy(spec)
    itp = spec.get("internalTrafficPolicy")
    if itp is None:
        if kind in ("NodePort", "LoadBalancer", "ClusterIP"):
            errs.append(fe.required(spec_path.child("internalTrafficPolicy")))
    elif itp not in TRAFFIC_POLICIES:
        errs.append(
            fe.not_supported(spec_path.child("internalTrafficPolicy"), itp, TRAFFIC_POLICIES)
        )
    distribution = spec.get("trafficDistribution")
    if distribution is not None and distribution not in TRAFFIC_DISTRIBUTIONS:
        errs.append(
            fe.not_supported(
                spec_path.child("trafficDistribution"), distribution, TRAFFIC_DISTRIBUTIONS
            )
        )
    return errs


def _validate_client_ip_config(config: Any, path: Path) -> ErrorList:
    detail = "when session affinity type is ClientIP"
    if not isinstance(config, dict):
        return [fe.required(path, detail)]
    client_ip = config.get("clientIP")
    if not isinstance(client_ip, dict):
        return [fe.required(path.child("clientIP"), detail)]
    timeout = client_ip.get("timeoutSeconds")
    if timeout is None:
        return [fe.required(path.child("clientIP", "timeoutSeconds"), detail)]
    n = integer(timeout)
    if n is None or n <= 0 or n > MAX_CLIENT_IP_TIMEOUT:
        return [
            fe.invalid(
                path.child("clientIP", "timeoutSeconds"),
                timeout,
                f"must be greater than 0 and less than {MAX_CLIENT_IP_TIMEOUT}",
            )
        ]
    return []


def needs_health_check(spec: Object) -> bool:
    return spec.get("type") == "LoadBalancer" and spec.get("externalTrafficPolicy") == "Local"


def _validate_external_traffic_policy(spec: Object) -> ErrorList:
    errs: ErrorList = []
    path = Path("spec")
    etp = spec.get("externalTrafficPolicy")
    if not externally_accessible(spec):
        if etp:
            errs.append(
                fe.invalid(
                    path.child("externalTrafficPolicy"),
                    etp,
                    "may only be set for externally-accessible services",
                )
            )
    elif not etp:
        errs.append(fe.required(path.child("externalTrafficPolicy")))
    elif etp not in TRAFFIC_POLICIES:
        errs.append(fe.not_supported(path.child("externalTrafficPolicy"), etp, TRAFFIC_POLICIES))
    hc = spec.get("healthCheckNodePort") or 0
    if not needs_health_check(spec):
        if hc:
            errs.append(
                fe.invalid(
                    path.child("healthCheckNodePort"),
                    hc,
                    "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` "
                    "is 'Local'",
                )
            )
    elif not hc:
        errs.append(fe.required(path.child("healthCheckNodePort")))
    else:
        n = integer(hc)
        errs += [
            fe.invalid(path.child("healthCheckNodePort"), hc, m)
            for m in mv.is_valid_port_num(n if n is not None else 0)
        ]
    return errs


def _validate_upgrade_downgrade_cluster_ips(old: Object, new: Object) -> ErrorList:
    if new.get("type") == "ExternalName" or old.get("type") == "ExternalName":
        return []
    if is_headless(old) and is_headless(new):
        return []
    errs: ErrorList = []
    path = Path("spec", "clusterIPs")
    old_ips, new_ips = items(old.get("clusterIPs")), items(new.get("clusterIPs"))
    if len(old_ips) == len(new_ips):
        for i, ip in enumerate(old_ips):
            if ip != new_ips[i]:
                errs.append(fe.invalid(path.index(i), new_ips, "may not change once set"))
    elif len(old_ips) > len(new_ips):
        if not new_ips:
            errs.append(fe.invalid(path.index(0), new_ips, "primary clusterIP can not be unset"))
        if old_ips and new_ips and new_ips[0] != old_ips[0]:
            errs.append(fe.invalid(path.index(0), new_ips, "may not change once set"))
        if len(new_ips) == 1 and new.get("ipFamilyPolicy") != "SingleStack":
            errs.append(
                fe.invalid(
                    Path("spec", "ipFamilyPolicy"),
                    new.get("ipFamilyPolicy"),
                    "must be set to 'SingleStack' when releasing the secondary clusterIP",
                )
            )
    elif old_ips and new_ips[0] != old_ips[0]:
        errs.append(fe.invalid(path.index(0), new_ips, "may not change once set"))
    return errs


def _validate_upgrade_downgrade_ip_families(old: Object, new: Object) -> ErrorList:
    if new.get("type") == "ExternalName" or old.get("type") == "ExternalName":
        return []
    if is_headless(old) or is_headless(new):
        return []
    errs: ErrorList = []
    path = Path("spec", "ipFamilies")
    old_f, new_f = items(old.get("ipFamilies")), items(new.get("ipFamilies"))
    if len(old_f) == len(new_f):
        for i, family in enumerate(old_f):
            if family != new_f[i]:
                errs.append(fe.invalid(path.index(0), new_f, "may not change once set"))
    elif len(old_f) > len(new_f):
        if not items(new.get("clusterIPs")):
            errs.append(fe.invalid(path.index(0), new_f, "primary ipFamily can not be unset"))
        if new_f and new_f[0] != old_f[0]:
            errs.append(
                fe.invalid(path.index(0), items(new.get("clusterIPs")), "may not change once set")
            )
        if len(new_f) == 1 and new.get("ipFamilyPolicy") != "SingleStack":
            errs.append(
                fe.invalid(
                    Path("spec", "ipFamilyPolicy"),
                    new.get("ipFamilyPolicy"),
                    "must be set to 'SingleStack' when releasing the secondary ipFamily",
                )
            )
    elif old_f and new_f and new_f[0] != old_f[0]:
        errs.append(
            fe.invalid(path.index(0), items(new.get("clusterIPs")), "may not change once set")
        )
    return errs


def validate_service_update(svc: Object, old: Object) -> ErrorList:
    new_spec, old_spec = mapping(svc.get("spec")), mapping(old.get("spec"))
    errs = validate_core_object_meta_update(svc.get("metadata"), old.get("metadata"))
    errs += _validate_upgrade_downgrade_cluster_ips(old_spec, new_spec)
    errs += _validate_upgrade_downgrade_ip_families(old_spec, new_spec)
    errs += _validate_load_balancer_class(new_spec, old_spec)
    both_need_hc = needs_health_check(old_spec) and needs_health_check(new_spec)
    if both_need_hc and new_spec.get("healthCheckNodePort") != old_spec.get("healthCheckNodePort"):
        errs.append(fe.forbidden(Path("spec", "healthCheckNodePort"), "field is immutable"))
    return errs + validate_service(svc)


def validate_service_status_update(svc: Object, old: Object) -> ErrorList:
    errs = validate_core_object_meta_update(svc.get("metadata"), old.get("metadata"))
    spec = mapping(svc.get("spec"))
    path = Path("status", "loadBalancer", "ingress")
    ingress = mappings(mapping(mapping(svc.get("status")).get("loadBalancer")).get("ingress"))
    if spec.get("type") != "LoadBalancer" and ingress:
        return [*errs, fe.forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")]
    for i, ing in enumerate(ingress):
        p = path.index(i)
        ip = text(ing.get("ip"))
        if ip:
            errs += ip_errors(ip, p.child("ip"))
        mode = ing.get("ipMode")
        if mode is None and ip:
            errs.append(fe.required(p.child("ipMode"), "must be specified when `ip` is set"))
        elif mode is not None and not ip:
            errs.append(
                fe.forbidden(p.child("ipMode"), "may not be specified when `ip` is not set")
            )
        elif mode is not None and mode not in ("Proxy", "VIP"):
            errs.append(fe.not_supported(p.child("ipMode"), mode, ("Proxy", "VIP")))
        hostname = text(ing.get("hostname"))
        if hostname:
            errs += validate_dns1123_subdomain(hostname, p.child("hostname"))
            if not mv.is_valid_ip(hostname):
                errs.append(
                    fe.invalid(
                        p.child("hostname"), hostname, "must be a DNS name, not an IP address"
                    )
                )
    return errs
