"""Endpoints strategy (upstream `pkg/registry/core/endpoint/strategy.go`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.context import RequestContext
from kapi.registry.core.service.validation import ip_errors, non_special_ip_errors
from kapi.registry.core.shape import integer, mappings, text
from kapi.registry.core.validation import (
    validate_core_object_meta,
    validate_core_object_meta_update,
    validate_dns1123_label,
    validate_name_ref,
    validate_qualified_name,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

PROTOCOLS = ("SCTP", "TCP", "UDP")


def set_endpoints_defaults(ep: Object) -> None:
    for subset in mappings(ep.get("subsets")):
        for port in mappings(subset.get("ports")):
            if port and not port.get("protocol"):
                port["protocol"] = "TCP"


def _validate_address(addr: Object, path: Path) -> ErrorList:
    ip = text(addr.get("ip"))
    errs = ip_errors(ip, path.child("ip"))
    if text(addr.get("hostname")):
        errs += validate_dns1123_label(text(addr.get("hostname")), path.child("hostname"))
    if addr.get("nodeName") is not None:
        errs += validate_name_ref(
            text(addr.get("nodeName")), path.child("nodeName"), mv.name_is_dns_subdomain
        )
    return errs + non_special_ip_errors(ip, path.child("ip"))


def _validate_port(port: Object, require_name: bool, path: Path) -> ErrorList:
    errs: ErrorList = []
    name = text(port.get("name"))
    if require_name and not name:
        errs.append(fe.required(path.child("name")))
    elif name:
        errs += validate_dns1123_label(name, path.child("name"))
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
    if port.get("appProtocol") is not None:
        errs += validate_qualified_name(text(port.get("appProtocol")), path.child("appProtocol"))
    return errs


def validate_endpoints(ep: Object) -> ErrorList:
    errs = validate_core_object_meta(ep.get("metadata"), True, mv.name_is_dns_subdomain)
    for i, subset in enumerate(mappings(ep.get("subsets"))):
        p = Path("subsets").index(i)
        addresses = mappings(subset.get("addresses"))
        not_ready = mappings(subset.get("notReadyAddresses"))
        if not addresses and not not_ready:
            errs.append(fe.required(p, "must specify `addresses` or `notReadyAddresses`"))
        for j, addr in enumerate(addresses):
            errs += _validate_address(addr, p.child("addresses").index(j))
        for j, addr in enumerate(not_ready):
            errs += _validate_address(addr, p.child("notReadyAddresses").index(j))
        ports = mappings(subset.get("ports"))
        for j, port in enumerate(ports):
            errs += _validate_port(port, len(ports) > 1, p.child("ports").index(j))
    return errs


class EndpointsStrategy(Strategy):
    namespaced = True
    # Endpoints are upserted by design (the endpoints controller PUTs them).
    allow_create_on_update = True
    allow_unconditional_update = True

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        set_endpoints_defaults(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_endpoints(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_endpoints_defaults(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_core_object_meta_update(
            obj.get("metadata"), old.get("metadata")
        ) + validate_endpoints(obj)
