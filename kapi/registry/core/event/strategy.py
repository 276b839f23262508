"""Core v1 Event strategy (upstream `pkg/registry/core/event/strategy.go` with the legacy
validation `events.k8s.io`-less clients get)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.context import RequestContext
from kapi.registry.core.shape import mapping, text
from kapi.registry.generic.strategy import GarbageCollectionPolicy, Strategy

Object = dict[str, Any]

REPORTING_INSTANCE_LIMIT = 128
ACTION_LIMIT = 128
REASON_LIMIT = 128
NOTE_LIMIT = 1024


def validate_event(event: Object) -> ErrorList:
    """Upstream `legacyValidateEvent`, all the core/v1 API checks."""
    errs: ErrorList = []
    namespace = text(mapping(event.get("metadata")).get("namespace"))
    involved = mapping(event.get("involvedObject"))
    involved_ns = text(involved.get("namespace"))
    ns_path = Path("involvedObject", "namespace")
    if not event.get("eventTime"):
        if not involved_ns:
            if namespace not in ("", "default"):
                errs.append(fe.invalid(ns_path, involved_ns, "does not match event.namespace"))
        elif namespace != involved_ns:
            errs.append(fe.invalid(ns_path, involved_ns, "does not match event.namespace"))
    else:
        if not involved_ns and namespace not in ("default", "kube-system"):
            errs.append(fe.invalid(ns_path, involved_ns, "does not match event.namespace"))
        controller = text(event.get("reportingComponent"))
        if not controller:
            errs.append(fe.required(Path("reportingController")))
        errs += [
            fe.invalid(Path("reportingController"), controller, m)
            for m in mv.is_qualified_name(controller)
        ]
        instance = text(event.get("reportingInstance"))
        if not instance:
            errs.append(fe.required(Path("reportingInstance")))
        if len(instance) > REPORTING_INSTANCE_LIMIT:
            errs.append(
                fe.invalid(
                    Path("reportingInstance"),
                    "",
                    f"can have at most {REPORTING_INSTANCE_LIMIT} characters",
                )
            )
        action = text(event.get("action"))
        if not action:
            errs.append(fe.required(Path("action")))
        if len(action) > ACTION_LIMIT:
            errs.append(
                fe.invalid(Path("action"), "", f"can have at most {ACTION_LIMIT} characters")
            )
        reason = text(event.get("reason"))
        if not reason:
            errs.append(fe.required(Path("reason")))
        if len(reason) > REASON_LIMIT:
            errs.append(
                fe.invalid(Path("reason"), "", f"can have at most {REASON_LIMIT} characters")
            )
        if len(text(event.get("message"))) > NOTE_LIMIT:
            errs.append(
                fe.invalid(Path("message"), "", f"can have at most {NOTE_LIMIT} characters")
            )
    errs += [
        fe.invalid(Path("namespace"), namespace, m) for m in mv.is_dns1123_subdomain(namespace)
    ]
    return errs


class EventStrategy(Strategy):
    namespaced = True
    # Event recorders PUT events that may not exist yet.
    allow_create_on_update = True
    allow_unconditional_update = True
    selectable_fields = (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    )

    def default_garbage_collection_policy(self, ctx: RequestContext) -> GarbageCollectionPolicy:
        # Events are not garbage-collected by owner; DELETE strips any GC finalizers.
        return GarbageCollectionPolicy.UNSUPPORTED

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_event(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_event(obj)

    def get_attrs(self, obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        meta = mapping(obj.get("metadata"))
        involved = mapping(obj.get("involvedObject"))
        fields = {
            "metadata.name": text(meta.get("name")),
            "metadata.namespace": text(meta.get("namespace")),
            "reason": text(obj.get("reason")),
            # The core/v1 field name; events.k8s.io calls it reportingController.
            "reportingComponent": text(obj.get("reportingComponent")),
            "source": text(mapping(obj.get("source")).get("component"))
            or text(obj.get("reportingComponent")),
            "type": text(obj.get("type")),
        }
        for key in (
            "kind",
            "namespace",
            "name",
            "uid",
            "apiVersion",
            "resourceVersion",
            "fieldPath",
        ):
            fields[f"involvedObject.{key}"] = text(involved.get(key))
        return mapping(meta.get("labels")), fields
