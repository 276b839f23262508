"""Cluster IP and node port allocation for services (upstream
`pkg/registry/core/service/storage/alloc.go`, `ipallocator`, `portallocator`).

Pure functions over the values already taken by other services; the service REST object
collects those from storage and serializes allocations. An IPv4-only cluster is modelled:
service CIDR 10.96.0.0/12, node ports 30000-32767.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass, field
from typing import Any

from kapi.machinery import errors
from kapi.machinery import field as fe
from kapi.machinery.field import ErrorList, Path
from kapi.machinery.schema import GroupKind
from kapi.registry.core.service.validation import (
    is_headless,
    needs_health_check,
    validate_cluster_ips_related_fields,
)
from kapi.registry.core.shape import integer, items, mapping, mappings, text

Object = dict[str, Any]

SERVICE_KIND = GroupKind("", "Service")


DEFAULT_SERVICE_CIDR = ipaddress.IPv4Network("10.96.0.0/12")


@dataclass(frozen=True, slots=True)
class ServiceRanges:
    cidr: ipaddress.IPv4Network = DEFAULT_SERVICE_CIDR
    node_port_base: int = 30000
    node_port_size: int = 2768  # 30000-32767

    @property
    def node_port_range(self) -> str:
        return f"{self.node_port_base}-{self.node_port_base + self.node_port_size - 1}"

    def ip_offset_band(self) -> int:
        """Dynamic IPs come from above this offset first, leaving the low band for static
        requests (upstream `calculateRangeOffset`, 16..256)."""
        size = self.cidr.num_addresses
        if size < 16:
            return 0
        return min(max(16, size // 16), 256, size - 2)

    def port_offset_band(self) -> int:
        if self.node_port_size < 16:
            return 0
        return min(max(16, self.node_port_size // 32), 128, self.node_port_size)


@dataclass(slots=True)
class InUse:
    """What other services hold."""

    ips: set[str] = field(default_factory=set)
    node_ports: set[int] = field(default_factory=set)

    def add_service(self, svc: Object) -> None:
        spec = mapping(svc.get("spec"))
        for ip in items(spec.get("clusterIPs")) or [spec.get("clusterIP")]:
            if isinstance(ip, str) and ip and ip != "None":
                self.ips.add(ip)
        for port in mappings(spec.get("ports")):
            n = integer(port.get("nodePort"))
            if n:
                self.node_ports.add(n)
        hc = integer(spec.get("healthCheckNodePort"))
        if hc:
            self.node_ports.add(hc)


def _invalid(name: str, errs: ErrorList) -> errors.StatusError:
    return errors.new_invalid(SERVICE_KIND, name, errs)


def needs_cluster_ip(spec: Object) -> bool:
    return spec.get("type") != "ExternalName"


def needs_node_ports(spec: Object) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def _should_allocate_node_ports(spec: Object) -> bool:
    if spec.get("type") == "NodePort":
        return True
    return (
        spec.get("type") == "LoadBalancer"
        and spec.get("allocateLoadBalancerNodePorts") is not False
    )


def patch_allocated_values(new: Object, old: Object) -> None:
    """Keep values the server allocated when a client resubmits the object without them
    (upstream `patchAllocatedValues`), so re-applying the same manifest works."""
    if needs_cluster_ip(old) and needs_cluster_ip(new):
        if not new.get("clusterIP") and old.get("clusterIP"):
            new["clusterIP"] = old["clusterIP"]
        if not items(new.get("clusterIPs")) and items(old.get("clusterIPs")):
            new["clusterIPs"] = list(old["clusterIPs"])
    if needs_node_ports(old) and needs_node_ports(new):
        old_ports = {integer(p.get("nodePort")) for p in mappings(old.get("ports"))} - {None, 0}
        new_ports = {integer(p.get("nodePort")) for p in mappings(new.get("ports"))} - {None, 0}
        used = old_ports & new_ports
        by_name = {text(p.get("name")): p.get("nodePort") for p in mappings(old.get("ports"))}
        for p in mappings(new.get("ports")):
            if p and not p.get("nodePort"):
                old_value = by_name.get(text(p.get("name")))
                if old_value and old_value not in used:
                    p["nodePort"] = old_value
    both_need_hc = needs_health_check(old) and needs_health_check(new)
    if both_need_hc and not new.get("healthCheckNodePort") and old.get("healthCheckNodePort"):
        new["healthCheckNodePort"] = old["healthCheckNodePort"]


def normalize_cluster_ips(new: Object, old: Object | None) -> None:
    """Keep `clusterIP` and `clusterIPs` in step for clients that set only one of them
    (upstream `normalizeClusterIPs`)."""
    cluster_ip = text(new.get("clusterIP"))
    cluster_ips = items(new.get("clusterIPs"))
    if old is None:
        if cluster_ip and not cluster_ips:
            new["clusterIPs"] = [cluster_ip]
        return
    old_ips = items(old.get("clusterIPs"))
    if old_ips and not cluster_ips and old.get("clusterIP") == new.get("clusterIP"):
        new["clusterIPs"] = list(old_ips)
    if old.get("clusterIP") != new.get("clusterIP"):
        if old.get("clusterIP") and not cluster_ip and _same_ips_plural(old, new):
            new.pop("clusterIPs", None)
        if cluster_ip and _same_ips_plural(old, new):
            new["clusterIPs"] = [cluster_ip]


def _same_ips_plural(old: Object, new: Object) -> bool:
    return items(old.get("clusterIPs")) == items(new.get("clusterIPs"))


def _init_ip_families(spec: Object, name: str) -> None:
    """Upstream `initIPFamilyFields` for a single-stack IPv4 cluster."""
    if spec.get("type") == "ExternalName":
        return
    if spec.get("ipFamilyPolicy") is None:
        two = len(items(spec.get("ipFamilies"))) == 2 or len(items(spec.get("clusterIPs"))) == 2
        spec["ipFamilyPolicy"] = "RequireDualStack" if two else "SingleStack"
    errs = validate_cluster_ips_related_fields(spec)
    if errs:
        raise _invalid(name, errs)
    errs = []
    policy_path = Path("spec", "ipFamilyPolicy")
    if spec["ipFamilyPolicy"] == "SingleStack":
        if len(items(spec.get("clusterIPs"))) == 2:
            errs.append(
                fe.invalid(
                    policy_path,
                    "SingleStack",
                    "must be RequireDualStack or PreferDualStack when multiple IP addresses are "
                    "specified",
                )
            )
        if len(items(spec.get("ipFamilies"))) == 2:
            errs.append(
                fe.invalid(
                    policy_path,
                    "SingleStack",
                    "must be RequireDualStack or PreferDualStack when multiple IP families are "
                    "specified",
                )
            )
    families = list(items(spec.get("ipFamilies")))
    for i, ip in enumerate(items(spec.get("clusterIPs"))):
        if ip == "None":
            break
        family = "IPv6" if ":" in text(ip) else "IPv4"
        if i >= len(families):
            if family != "IPv4":
                errs.append(
                    fe.invalid(
                        Path("spec", "clusterIPs").index(i),
                        items(spec.get("clusterIPs")),
                        f"{family} is not configured on this cluster",
                    )
                )
            else:
                families.append(family)
    if errs:
        raise _invalid(name, errs)
    if families:
        spec["ipFamilies"] = families
    if spec["ipFamilyPolicy"] == "RequireDualStack":
        errs.append(
            fe.invalid(
                policy_path,
                "RequireDualStack",
                "this cluster is not configured for dual-stack services",
            )
        )
    for i, family in enumerate(families):
        if family != "IPv4":
            errs.append(
                fe.invalid(
                    Path("spec", "ipFamilies").index(i), family, "not configured on this cluster"
                )
            )
    if errs:
        raise _invalid(name, errs)
    if not families:
        spec["ipFamilies"] = ["IPv4"]


class Allocator:
    """Chooses cluster IPs and node ports not held by other services."""

    def __init__(
        self, ranges: ServiceRanges | None = None, rng: random.Random | None = None
    ) -> None:
        self.ranges = ranges or ServiceRanges()
        self.rng = rng or random.Random()

    # -- cluster IPs ---------------------------------------------------------------------

    def _ip_error(self, ip: str, in_use: InUse) -> str | None:
        cidr = self.ranges.cidr
        not_in_range = (
            f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {cidr}"
        )
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return not_in_range
        if addr not in cidr or addr in (cidr.network_address, cidr.broadcast_address):
            return not_in_range
        if ip in in_use.ips:
            return "provided IP is already allocated"
        return None

    def next_ip(self, in_use: InUse) -> str:
        cidr = self.ranges.cidr
        size = cidr.num_addresses - 2  # no network or broadcast address
        band = self.ranges.ip_offset_band()
        for lo, hi in ((band, size), (0, band)):
            if hi <= lo:
                continue
            start = self.rng.randrange(lo, hi)
            for i in range(hi - lo):
                offset = lo + (start - lo + i) % (hi - lo)
                ip = str(cidr.network_address + 1 + offset)
                if ip not in in_use.ips:
                    return ip
        raise errors.new_internal_error("failed to allocate a serviceIP: range is full")

    def _allocate_ips(self, spec: Object, old: Object | None, name: str, in_use: InUse) -> None:
        if not needs_cluster_ip(spec) or is_headless(spec):
            return
        if old is not None and needs_cluster_ip(old) and items(old.get("clusterIPs")):
            # Cluster IPs are immutable once set; validation reports any change.
            return
        cluster_ips = [text(ip) for ip in items(spec.get("clusterIPs"))]
        kept: set[str] = set()
        if not cluster_ips:
            ip = self.next_ip(in_use)
            spec["clusterIP"] = ip
            spec["clusterIPs"] = [ip]
            in_use.ips.add(ip)
            return
        for ip in cluster_ips:
            if ip in kept:
                continue
            problem = self._ip_error(ip, in_use)
            if problem is not None:
                raise _invalid(
                    name,
                    [
                        fe.invalid(
                            Path("spec", "clusterIPs"),
                            cluster_ips,
                            f"failed to allocate IP {ip}: {problem}",
                        )
                    ],
                )
            in_use.ips.add(ip)

    # -- node ports ----------------------------------------------------------------------

    def next_node_port(self, in_use: InUse) -> int:
        base, size = self.ranges.node_port_base, self.ranges.node_port_size
        band = self.ranges.port_offset_band()
        for lo, hi in ((band, size), (0, band)):
            start = self.rng.randrange(lo, hi)
            for i in range(hi - lo):
                port = base + lo + (start - lo + i) % (hi - lo)
                if port not in in_use.node_ports:
                    return port
        raise errors.new_internal_error("failed to allocate a nodePort: range is full")

    def _port_error(self, port: int, in_use: InUse) -> str | None:
        base, size = self.ranges.node_port_base, self.ranges.node_port_size
        if not base <= port < base + size:
            return (
                "provided port is not in the valid range. The range of valid ports is "
                f"{self.ranges.node_port_range}"
            )
        if port in in_use.node_ports:
            return "provided port is already allocated"
        return None

    def _claim_port(self, port: int, path: Path, name: str, kept: set[int], in_use: InUse) -> None:
        if port in kept:
            kept.discard(port)
            in_use.node_ports.add(port)
            return
        problem = self._port_error(port, in_use)
        if problem is not None:
            raise _invalid(name, [fe.invalid(path, port, problem)])
        in_use.node_ports.add(port)

    def _allocate_node_ports(
        self, spec: Object, old: Object | None, name: str, in_use: InUse
    ) -> None:
        if not needs_node_ports(spec):
            return
        kept: set[int] = set()
        if old is not None and needs_node_ports(old):
            kept = {n for p in mappings(old.get("ports")) if (n := integer(p.get("nodePort")))}
        allocate = _should_allocate_node_ports(spec)
        ports = mappings(spec.get("ports"))
        by_port: dict[int | None, int] = {}
        for i, port in enumerate(ports):
            path = Path("spec", "ports").index(i).child("nodePort")
            node_port = integer(port.get("nodePort")) or 0
            if not node_port and not allocate:
                continue
            number = integer(port.get("port"))
            shared = by_port.get(number)
            if shared is None:
                requested = next(
                    (
                        integer(p.get("nodePort"))
                        for p in ports[i:]
                        if integer(p.get("port")) == number and integer(p.get("nodePort"))
                    ),
                    None,
                )
                if requested:
                    self._claim_port(requested, path, name, kept, in_use)
                    port["nodePort"] = requested
                else:
                    requested = self.next_node_port(in_use)
                    in_use.node_ports.add(requested)
                    port["nodePort"] = requested
                by_port[number] = requested
            elif node_port != shared:
                if not node_port:
                    port["nodePort"] = shared
                else:
                    self._claim_port(node_port, path, name, kept, in_use)
        if needs_health_check(spec):
            hc = integer(spec.get("healthCheckNodePort")) or 0
            path = Path("spec", "healthCheckNodePort")
            if not hc:
                hc = self.next_node_port(in_use)
                in_use.node_ports.add(hc)
                spec["healthCheckNodePort"] = hc
            else:
                old_hc = (
                    integer(mapping(old).get("healthCheckNodePort")) if old is not None else None
                )
                self._claim_port(hc, path, name, {old_hc} if old_hc else set(), in_use)

    # -- entry points --------------------------------------------------------------------

    def allocate_create(self, svc: Object, in_use: InUse) -> None:
        name = text(mapping(svc.get("metadata")).get("name"))
        spec = mapping(svc.get("spec"))
        normalize_cluster_ips(spec, None)
        _init_ip_families(spec, name)
        self._allocate_ips(spec, None, name, in_use)
        self._allocate_node_ports(spec, None, name, in_use)

    def allocate_update(self, svc: Object, old: Object, in_use: InUse) -> None:
        name = text(mapping(svc.get("metadata")).get("name"))
        spec, old_spec = mapping(svc.get("spec")), mapping(old.get("spec"))
        patch_allocated_values(spec, old_spec)
        normalize_cluster_ips(spec, old_spec)
        _init_ip_families(spec, name)
        self._allocate_ips(spec, old_spec, name, in_use)
        self._allocate_node_ports(spec, old_spec, name, in_use)
