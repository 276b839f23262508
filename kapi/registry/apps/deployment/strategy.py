"""Deployment strategies (upstream `pkg/registry/apps/deployment/strategy.go`) and the
apps/v1 defaults (`SetDefaults_Deployment`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery import field as fe
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
from kapi.registry.core.shape import child, integer, keep_old, mapping
from kapi.registry.core.validation import (
    validate_core_object_meta,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

STRATEGY_TYPES = ("Recreate", "RollingUpdate")
DEPLOYMENT_STATUS_COUNTERS = (
    "observedGeneration",
    "replicas",
    "updatedReplicas",
    "readyReplicas",
    "availableReplicas",
    "unavailableReplicas",
    "collisionCount",
)


def set_deployment_defaults(d: Object) -> None:
    spec = child(d, "spec")
    if spec.get("replicas") is None:
        spec["replicas"] = 1
    strategy = child(spec, "strategy")
    if not strategy.get("type"):
        strategy["type"] = "RollingUpdate"
    if strategy["type"] == "RollingUpdate":
        rolling = child(strategy, "rollingUpdate")
        if rolling.get("maxUnavailable") is None:
            rolling["maxUnavailable"] = "25%"
        if rolling.get("maxSurge") is None:
            rolling["maxSurge"] = "25%"
    if spec.get("revisionHistoryLimit") is None:
        spec["revisionHistoryLimit"] = 10
    if spec.get("progressDeadlineSeconds") is None:
        spec["progressDeadlineSeconds"] = 600
    set_pod_spec_defaults(child(child(spec, "template"), "spec"))


def _int_or_percent_value(v: Any) -> int:
    if isinstance(v, str) and v.endswith("%") and v[:-1].isdigit():
        return int(v[:-1])
    return integer(v) or 0


def go_int_or_string(v: Any) -> mv.GoText:
    """An intstr.IntOrString as upstream's field errors print it (%#v)."""
    if isinstance(v, str):
        quoted = '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return mv.GoText(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{quoted}}}")
    return mv.GoText(f'intstr.IntOrString{{Type:0, IntVal:{integer(v) or 0}, StrVal:""}}')


def _validate_positive_int_or_percent(v: Any, path: Path) -> ErrorList:
    if isinstance(v, str):
        return [fe.invalid(path, go_int_or_string(v), m) for m in mv.is_valid_percent(v)]
    n = integer(v)
    if n is not None:
        return mv.validate_nonnegative_field(n, path)
    return [fe.invalid(path, v, "must be an integer or percentage (e.g '5%')")]


def _validate_strategy(strategy: Any, path: Path) -> ErrorList:
    s = mapping(strategy)
    kind = s.get("type")
    rolling = s.get("rollingUpdate")
    if kind == "Recreate":
        if rolling is not None:
            return [
                fe.forbidden(
                    path.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                )
            ]
        return []
    if kind != "RollingUpdate":
        return [fe.not_supported(path, s, STRATEGY_TYPES)]
    if not isinstance(rolling, dict):
        return [
            fe.required(path.child("rollingUpdate"), "this should be defaulted and never be nil")
        ]
    p = path.child("rollingUpdate")
    unavailable, surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
    errs = _validate_positive_int_or_percent(unavailable, p.child("maxUnavailable"))
    errs += _validate_positive_int_or_percent(surge, p.child("maxSurge"))
    if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
        errs.append(
            fe.invalid(
                p.child("maxUnavailable"),
                go_int_or_string(unavailable),
                "may not be 0 when `maxSurge` is 0",
            )
        )
    if isinstance(unavailable, str) and _int_or_percent_value(unavailable) > 100:
        errs.append(
            fe.invalid(
                p.child("maxUnavailable"),
                go_int_or_string(unavailable),
                "must not be greater than 100%",
            )
        )
    return errs


def validate_deployment_spec(spec: Object, path: Path) -> ErrorList:
    errs = validate_nonnegative(spec.get("replicas"), path.child("replicas"))
    sel_errs, selector = validate_selector(spec, path.child("selector"))
    errs += sel_errs
    if selector is not None:
        errs += validate_pod_template_for_replica_set(
            spec.get("template"), selector, path.child("template")
        )
    errs += _validate_strategy(spec.get("strategy"), path.child("strategy"))
    errs += validate_nonnegative(spec.get("minReadySeconds"), path.child("minReadySeconds"))
    if spec.get("revisionHistoryLimit") is not None:
        errs += validate_nonnegative(
            spec.get("revisionHistoryLimit"), path.child("revisionHistoryLimit")
        )
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += validate_nonnegative(deadline, path.child("progressDeadlineSeconds"))
        if (integer(deadline) or 0) <= (integer(spec.get("minReadySeconds")) or 0):
            errs.append(
                fe.invalid(
                    path.child("progressDeadlineSeconds"),
                    deadline,
                    "must be greater than minReadySeconds",
                )
            )
    return errs


def validate_deployment(d: Object) -> ErrorList:
    errs = validate_core_object_meta(d.get("metadata"), True, mv.name_is_dns_subdomain)
    return errs + validate_deployment_spec(mapping(d.get("spec")), Path("spec"))


class DeploymentStrategy(Strategy):
    namespaced = True
    allow_create_on_update = False
    allow_unconditional_update = True

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        set_deployment_defaults(obj)
        obj["status"] = {}
        metadata(obj)["generation"] = 1

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_deployment(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_deployment_defaults(obj)
        keep_old(obj, old, "status")
        # Annotations are copied to the replica sets, so they count as desired state too.
        meta, old_meta = metadata(obj), mapping(old.get("metadata"))
        spec_changed = not mv.semantic_equal(obj.get("spec"), old.get("spec"))
        if spec_changed or not mv.semantic_equal(
            meta.get("annotations"), old_meta.get("annotations")
        ):
            meta["generation"] = (integer(old_meta.get("generation")) or 0) + 1

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = mv.validate_object_meta_update(
            mapping(obj.get("metadata")), mapping(old.get("metadata"))
        )
        errs += validate_deployment_spec(mapping(obj.get("spec")), Path("spec"))
        return errs + validate_selector_immutable(obj, old, Path("spec", "selector"))


class DeploymentStatusStrategy(DeploymentStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old(obj, old, "spec")
        keep_old(metadata(obj), mapping(old.get("metadata")), "labels")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = mv.validate_object_meta_update(
            mapping(obj.get("metadata")), mapping(old.get("metadata"))
        )
        status, old_status = mapping(obj.get("status")), mapping(old.get("status"))
        errs += validate_replica_counts(status, Path("status"), DEPLOYMENT_STATUS_COUNTERS)
        new_count, old_count = status.get("collisionCount"), old_status.get("collisionCount")
        if old_count is not None and (
            new_count is None or (integer(new_count) or 0) < (integer(old_count) or 0)
        ):
            errs.append(
                fe.invalid(
                    Path("status", "collisionCount"),
                    integer(new_count) or 0,
                    "cannot be decremented",
                )
            )
        return errs
