"""ReplicaSet strategies (upstream `pkg/registry/apps/replicaset/strategy.go`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.machinery.meta import metadata
from kapi.registry.apps.validation import (
    validate_nonnegative,
    validate_pod_template_for_replica_set,
    validate_replica_counts,
    validate_selector,
    validate_selector_immutable,
)
from kapi.registry.context import RequestContext
from kapi.registry.core.pod.defaults import set_pod_spec_defaults
from kapi.registry.core.shape import child, integer, keep_old, mapping, text
from kapi.registry.core.validation import (
    validate_core_object_meta,
    validate_core_object_meta_update,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

REPLICA_SET_STATUS_COUNTERS = (
    "replicas",
    "fullyLabeledReplicas",
    "readyReplicas",
    "availableReplicas",
    "observedGeneration",
)


def set_replica_set_defaults(rs: Object) -> None:
    spec = child(rs, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    set_pod_spec_defaults(child(child(spec, "template"), "spec"))


def validate_replica_set_spec(spec: Object, path: Path) -> ErrorList:
    errs = validate_nonnegative(spec.get("replicas"), path.child("replicas"))
    errs += validate_nonnegative(spec.get("minReadySeconds"), path.child("minReadySeconds"))
    sel_errs, selector = validate_selector(spec, path.child("selector"))
    errs += sel_errs
    if selector is not None:
        errs += validate_pod_template_for_replica_set(
            spec.get("template"), selector, path.child("template")
        )
    return errs


def validate_replica_set(rs: Object) -> ErrorList:
    errs = validate_core_object_meta(rs.get("metadata"), True, mv.name_is_dns_subdomain)
    return errs + validate_replica_set_spec(mapping(rs.get("spec")), Path("spec"))


class ReplicaSetStrategy(Strategy):
    namespaced = True
    allow_create_on_update = False
    allow_unconditional_update = True
    selectable_fields = ("status.replicas",)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        set_replica_set_defaults(obj)
        obj["status"] = {"replicas": 0}
        metadata(obj)["generation"] = 1

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_replica_set(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_replica_set_defaults(obj)
        keep_old(obj, old, "status")
        if not mv.semantic_equal(obj.get("spec"), old.get("spec")):
            meta = metadata(obj)
            meta["generation"] = (integer(mapping(old.get("metadata")).get("generation")) or 0) + 1

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = validate_core_object_meta_update(obj.get("metadata"), old.get("metadata"))
        errs += validate_replica_set_spec(mapping(obj.get("spec")), Path("spec"))
        return errs + validate_selector_immutable(obj, old, Path("spec", "selector"))

    def get_attrs(self, obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        meta = mapping(obj.get("metadata"))
        fields = {
            "metadata.name": text(meta.get("name")),
            "metadata.namespace": text(meta.get("namespace")),
            "status.replicas": str(integer(mapping(obj.get("status")).get("replicas")) or 0),
        }
        return mapping(meta.get("labels")), fields


class ReplicaSetStatusStrategy(ReplicaSetStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old(obj, old, "spec")
        keep_old(metadata(obj), mapping(old.get("metadata")), "labels")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = validate_core_object_meta_update(obj.get("metadata"), old.get("metadata"))
        status = mapping(obj.get("status"))
        return errs + validate_replica_counts(status, Path("status"), REPLICA_SET_STATUS_COUNTERS)
