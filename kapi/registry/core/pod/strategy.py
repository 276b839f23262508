"""Pod strategies (upstream `pkg/registry/core/pod/strategy.go`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList
from kapi.machinery.meta import metadata, now_rfc3339
from kapi.machinery.options import DeleteOptions
from kapi.registry.context import RequestContext
from kapi.registry.core.pod.defaults import set_pod_defaults
from kapi.registry.core.pod.qos import compute_qos_class
from kapi.registry.core.pod.validation import (
    validate_pod_create,
    validate_pod_status_update,
    validate_pod_update,
)
from kapi.registry.core.shape import (
    integer,
    items,
    keep_old,
    mapping,
    mappings,
    text,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

SCHEDULING_GATED = "SchedulingGated"


class PodStrategy(Strategy):
    namespaced = True
    allow_create_on_update = False
    allow_unconditional_update = True
    selectable_fields = (
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    )

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        set_pod_defaults(obj)
        metadata(obj)["generation"] = 1
        status: Object = {"phase": "Pending", "qosClass": compute_qos_class(obj)}
        if items(mapping(obj.get("spec")).get("schedulingGates")):
            status["conditions"] = [
                {
                    "type": "PodScheduled",
                    "status": "False",
                    "lastProbeTime": None,
                    "lastTransitionTime": now_rfc3339(),
                    "reason": SCHEDULING_GATED,
                    "message": "Scheduling is blocked due to non-empty scheduling gates",
                }
            ]
        obj["status"] = status

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_pod_create(obj)

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        name = text(metadata(obj).get("name"))
        msgs = mv.is_dns1123_label(name)
        if not msgs:
            return []
        return [
            "metadata.name: this is used in the Pod's hostname, which can result in surprising "
            f"behavior; a DNS label is recommended: [{' '.join(msgs)}]"
        ]

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_pod_defaults(obj)
        keep_old(obj, old, "status")
        # Pods track generation since 1.33: any spec change bumps it.
        if not mv.semantic_equal(obj.get("spec"), old.get("spec")):
            meta = metadata(obj)
            meta["generation"] = (integer(meta.get("generation")) or 0) + 1

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_pod_update(obj, old)

    def check_graceful_delete(
        self, ctx: RequestContext, obj: Object, options: DeleteOptions
    ) -> bool:
        spec = mapping(obj.get("spec"))
        if options.grace_period_seconds is not None:
            period = options.grace_period_seconds
        else:
            period = integer(spec.get("terminationGracePeriodSeconds")) or 0
        # Nothing runs an unscheduled or finished pod: delete it at once.
        if not text(spec.get("nodeName")):
            period = 0
        if text(mapping(obj.get("status")).get("phase")) in ("Failed", "Succeeded"):
            period = 0
        if period < 0:
            period = 1
        options.grace_period_seconds = period
        return True

    def get_attrs(self, obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        meta = mapping(obj.get("metadata"))
        spec = mapping(obj.get("spec"))
        status = mapping(obj.get("status"))
        pod_ips = mappings(status.get("podIPs"))
        fields = {
            "metadata.name": text(meta.get("name")),
            "metadata.namespace": text(meta.get("namespace")),
            "spec.nodeName": text(spec.get("nodeName")),
            "spec.restartPolicy": text(spec.get("restartPolicy")),
            "spec.schedulerName": text(spec.get("schedulerName")),
            "spec.serviceAccountName": text(spec.get("serviceAccountName")),
            "spec.hostNetwork": "true" if spec.get("hostNetwork") is True else "false",
            "status.phase": text(status.get("phase")),
            "status.podIP": text(pod_ips[0].get("ip")) if pod_ips else "",
            "status.nominatedNodeName": text(status.get("nominatedNodeName")),
        }
        return mapping(meta.get("labels")), fields


class PodStatusStrategy(PodStrategy):
    """pods/status: only status (and some metadata) changes; used by the kubelet."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        keep_old(obj, old, "spec")
        meta, old_meta = metadata(obj), mapping(old.get("metadata"))
        # Old kubelets corrupt owner references; the status endpoint may not touch them.
        keep_old(meta, old_meta, "ownerReferences")
        status = obj.get("status")
        if not isinstance(status, dict):
            status = obj["status"] = {}
        old_status = mapping(old.get("status"))
        if not status.get("qosClass") and old_status.get("qosClass"):
            status["qosClass"] = old_status["qosClass"]
        _preserve_observed_generation(status, old_status)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_pod_status_update(obj, old)


class PodBindingStrategy(PodStrategy):
    """pods/binding: the pod is stored as the binding computed it. Upstream writes it with a
    bare `GuaranteedUpdate`, so no pod update rule (spec.nodeName is immutable through PUT)
    and no generation bump applies."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        pass

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return []


def _preserve_observed_generation(status: Object, old_status: Object) -> None:
    """A status write that omits observedGeneration keeps the old values (upstream
    `preserveOldObservedGeneration`)."""
    if not status.get("observedGeneration") and old_status.get("observedGeneration"):
        status["observedGeneration"] = old_status["observedGeneration"]
    old_by_type: dict[str, list[Any]] = {}
    for cond in mappings(old_status.get("conditions")):
        old_by_type.setdefault(text(cond.get("type")), []).append(cond.get("observedGeneration"))
    for cond in mappings(status.get("conditions")):
        olds = old_by_type.get(text(cond.get("type")))
        previous = olds.pop(0) if olds else None
        if not cond.get("observedGeneration") and previous:
            cond["observedGeneration"] = previous
