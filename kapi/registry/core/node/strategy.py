"""Node strategies (upstream `pkg/registry/core/node/strategy.go`). Nodes are created with
their status (the kubelet registers itself), unlike most kinds."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.context import RequestContext
from kapi.registry.core.quantity import QUANTITY_ERROR, parse_quantity, quantity_string
from kapi.registry.core.service.validation import cidr_errors
from kapi.registry.core.shape import items, keep_old, mapping, mappings, text
from kapi.registry.core.validation import (
    IS_NEGATIVE,
    validate_core_object_meta,
    validate_core_object_meta_update,
    validate_qualified_name,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
NODE_UPDATE_PODCIDR = 'node updates may not change podCIDR except from "" to valid'
NODE_UPDATE_PROVIDER = 'node updates may not change providerID except from "" to valid'


def set_node_defaults(node: Object) -> None:
    """`SetDefaults_NodeStatus`: allocatable defaults to capacity."""
    status = node.get("status")
    no_allocatable = isinstance(status, dict) and status.get("allocatable") is None
    if no_allocatable and isinstance(status, dict) and isinstance(status.get("capacity"), dict):
        status["allocatable"] = copy.deepcopy(status["capacity"])


def _validate_taints(taints: Any, path: Path) -> ErrorList:
    errs: ErrorList = []
    seen: dict[str, set[str]] = {}
    for i, taint in enumerate(mappings(taints)):
        p = path.index(i)
        key, effect = text(taint.get("key")), text(taint.get("effect"))
        errs += validate_qualified_name(key, p.child("key"))
        value = text(taint.get("value"))
        msgs = mv.is_valid_label_value(value)
        if msgs:
            errs.append(fe.invalid(p.child("value"), value, ";".join(msgs)))
        if not effect:
            errs.append(fe.required(p.child("effect")))
        elif effect not in TAINT_EFFECTS:
            errs.append(fe.not_supported(p.child("effect"), effect, TAINT_EFFECTS))
        if key in seen.get(effect, set()):
            err = fe.duplicate(p, taint)
            errs.append(
                fe.FieldError(
                    err.type,
                    err.field,
                    err.bad_value,
                    "taints must be unique by key and effect pair",
                )
            )
            continue
        seen.setdefault(effect, set()).add(key)
    return errs


def _validate_resources(node: Object) -> ErrorList:
    errs: ErrorList = []
    status = mapping(node.get("status"))
    for section in ("capacity", "allocatable"):
        for name, value in mapping(status.get(section)).items():
            p = Path("status", section, name)
            q = parse_quantity(value)
            if q is None:
                errs.append(fe.invalid(p, value, QUANTITY_ERROR))
            elif q < 0:
                errs.append(fe.invalid(p, quantity_string(value), IS_NEGATIVE))
    return errs


def validate_node(node: Object) -> ErrorList:
    meta_path = Path("metadata")
    errs = validate_core_object_meta(
        node.get("metadata"), False, mv.name_is_dns_subdomain, meta_path
    )
    spec = mapping(node.get("spec"))
    # Upstream reports taints under metadata (sic).
    errs += _validate_taints(spec.get("taints"), meta_path.child("taints"))
    errs += _validate_resources(node)
    cidrs = [text(c) for c in items(spec.get("podCIDRs"))]
    cidr_path = Path("spec", "podCIDRs")
    for i, cidr in enumerate(cidrs):
        errs += cidr_errors(cidr, cidr_path.index(i))
    if len(cidrs) > 1:
        if len(cidrs) > 2 or len({":" in c for c in cidrs}) != len(cidrs):
            errs.append(
                fe.invalid(cidr_path, cidrs, "may specify no more than one CIDR for each IP family")
            )
        seen: set[str] = set()
        for i, cidr in enumerate(cidrs):
            if cidr in seen:
                errs.append(fe.duplicate(cidr_path.index(i), cidr))
            seen.add(cidr)
    return errs


def validate_node_update(node: Object, old: Object) -> ErrorList:
    errs = validate_core_object_meta_update(node.get("metadata"), old.get("metadata"))
    errs += _validate_resources(node)
    addresses = mappings(mapping(node.get("status")).get("addresses"))
    for i, address in enumerate(addresses):
        if any(mv.semantic_equal(address, a) for a in addresses[:i]):
            errs.append(fe.duplicate(Path("status", "addresses").index(i), address))
    spec, old_spec = mapping(node.get("spec")), mapping(old.get("spec"))
    old_cidrs = items(old_spec.get("podCIDRs"))
    if old_cidrs:
        new_cidrs = items(spec.get("podCIDRs"))
        if len(old_cidrs) != len(new_cidrs):
            errs.append(fe.forbidden(Path("spec", "podCIDRs"), NODE_UPDATE_PODCIDR))
        else:
            errs += [
                fe.forbidden(Path("spec", "podCIDRs"), NODE_UPDATE_PODCIDR)
                for o, n in zip(old_cidrs, new_cidrs, strict=True)
                if o != n
            ]
    old_provider = text(old_spec.get("providerID"))
    if old_provider and old_provider != text(spec.get("providerID")):
        errs.append(fe.forbidden(Path("spec", "providerID"), NODE_UPDATE_PROVIDER))
    errs += _validate_taints(spec.get("taints"), Path("metadata", "taints"))
    if text(spec.get("externalID")) != text(old_spec.get("externalID")):
        errs.append(fe.forbidden(Path("spec", "externalID"), "may not be updated"))
    return errs


class NodeStrategy(Strategy):
    namespaced = False
    allow_create_on_update = False
    allow_unconditional_update = True
    selectable_fields = ("spec.unschedulable",)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        set_node_defaults(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_node(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_node_defaults(obj)
        keep_old(obj, old, "status")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_node(obj) + validate_node_update(obj, old)

    def get_attrs(self, obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        meta = mapping(obj.get("metadata"))
        unschedulable = mapping(obj.get("spec")).get("unschedulable") is True
        fields = {
            "metadata.name": text(meta.get("name")),
            "spec.unschedulable": "true" if unschedulable else "false",
        }
        return mapping(meta.get("labels")), fields


class NodeStatusStrategy(NodeStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_node_defaults(obj)
        keep_old(obj, old, "spec")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_node_update(obj, old)
