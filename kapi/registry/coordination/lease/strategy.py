"""Lease strategy (upstream `pkg/registry/coordination/lease/strategy.go`). MicroTime
fields (`acquireTime`, `renewTime`) are stored as the client sent them."""

from __future__ import annotations

from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.context import RequestContext
from kapi.registry.core.shape import integer, mapping, text
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

LEASE_STRATEGIES = ("OldestEmulationVersion",)


def validate_lease_spec(spec: Object, path: Path) -> ErrorList:
    errs: ErrorList = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and (integer(duration) or 0) <= 0:
        errs.append(
            fe.invalid(path.child("leaseDurationSeconds"), duration, "must be greater than 0")
        )
    transitions = spec.get("leaseTransitions")
    if transitions is not None and (integer(transitions) or 0) < 0:
        errs.append(
            fe.invalid(
                path.child("leaseTransitions"), transitions, "must be greater than or equal to 0"
            )
        )
    strategy = spec.get("strategy")
    if strategy is not None:
        p = path.child("strategy").child("strategy")  # sic: upstream nests the name
        if "/" not in text(strategy):
            if strategy not in LEASE_STRATEGIES:
                errs.append(fe.not_supported(p, strategy, LEASE_STRATEGIES))
        else:
            errs += [fe.invalid(p, strategy, m) for m in mv.is_qualified_name(text(strategy))]
    if text(spec.get("preferredHolder")) and not text(strategy):
        errs.append(
            fe.forbidden(
                path.child("preferredHolder"), "may only be specified if `strategy` is defined"
            )
        )
    return errs


class LeaseStrategy(Strategy):
    namespaced = True
    # Leader election PUTs its lease whether or not it exists.
    allow_create_on_update = True
    allow_unconditional_update = False

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        errs = mv.validate_object_meta(mapping(obj.get("metadata")), True, mv.name_is_dns_subdomain)
        return errs + validate_lease_spec(mapping(obj.get("spec")), Path("spec"))

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = mv.validate_object_meta_update(
            mapping(obj.get("metadata")), mapping(old.get("metadata"))
        )
        return errs + validate_lease_spec(mapping(obj.get("spec")), Path("spec"))
