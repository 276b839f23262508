"""Namespace strategies (upstream `pkg/registry/core/namespace/strategy.go`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.machinery.meta import metadata
from kapi.registry.context import RequestContext
from kapi.registry.core.shape import child, items, keep_old, mapping, text
from kapi.registry.core.validation import (
    validate_core_object_meta,
    validate_core_object_meta_update,
    validate_finalizer_name,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

FINALIZER_KUBERNETES = "kubernetes"
# Upstream `v1.LabelMetadataName`: every namespace carries its own name as a label.
LABEL_METADATA_NAME = "kubernetes.io/metadata.name"


def set_namespace_defaults(ns: Object) -> None:
    """`SetDefaults_Namespace` and `SetDefaults_NamespaceStatus`."""
    name = text(metadata(ns).get("name"))
    if name:
        child(metadata(ns), "labels")[LABEL_METADATA_NAME] = name
    status = ns.get("status")
    if isinstance(status, dict) and not status.get("phase"):
        status["phase"] = "Active"


def spec_finalizers(ns: Object) -> list[Any]:
    return items(mapping(ns.get("spec")).get("finalizers"))


def validate_namespace(ns: Object) -> ErrorList:
    errs = validate_core_object_meta(ns.get("metadata"), False, mv.name_is_dns_label)
    for f in spec_finalizers(ns):
        # Upstream reports these on the list, without an index.
        errs += validate_finalizer_name(text(f), Path("spec", "finalizers"))
    return errs


class NamespaceStrategy(Strategy):
    namespaced = False
    allow_create_on_update = False
    allow_unconditional_update = True
    selectable_fields = ("status.phase",)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        set_namespace_defaults(obj)
        obj["status"] = {"phase": "Active"}
        # The namespace controller removes this once the namespace is empty.
        spec = child(obj, "spec")
        finalizers = items(spec.get("finalizers"))
        if FINALIZER_KUBERNETES not in finalizers:
            spec["finalizers"] = [*finalizers, FINALIZER_KUBERNETES]

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_namespace(obj)

    def canonicalize(self, obj: Object) -> None:
        # The name of a generateName namespace is only known after defaulting ran.
        name = text(metadata(obj).get("name"))
        child(metadata(obj), "labels")[LABEL_METADATA_NAME] = name

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_namespace_defaults(obj)
        spec = child(obj, "spec")
        old_spec = mapping(old.get("spec"))
        keep_old(spec, old_spec, "finalizers")
        keep_old(obj, old, "status")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_namespace(obj) + validate_core_object_meta_update(
            obj.get("metadata"), old.get("metadata")
        )

    def should_delete_during_update(self, obj: Object, old: Object) -> bool:
        # A namespace goes only once both finalizer lists are empty.
        return not spec_finalizers(obj) and super().should_delete_during_update(obj, old)

    def get_attrs(self, obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        meta = mapping(obj.get("metadata"))
        name = text(meta.get("name"))
        fields = {
            "metadata.name": name,
            "status.phase": text(mapping(obj.get("status")).get("phase")),
            # A historical alias upstream keeps for compatibility.
            "name": name,
        }
        return mapping(meta.get("labels")), fields


class NamespaceStatusStrategy(NamespaceStrategy):
    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_namespace_defaults(obj)
        keep_old(obj, old, "spec")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = validate_core_object_meta_update(obj.get("metadata"), old.get("metadata"))
        phase = mapping(obj.get("status")).get("phase")
        phase_path = Path("status", "Phase")
        if not mapping(obj.get("metadata")).get("deletionTimestamp"):
            if phase != "Active":
                errs.append(
                    fe.invalid(
                        phase_path, phase, "may only be 'Active' if `deletionTimestamp` is empty"
                    )
                )
        elif phase != "Terminating":
            errs.append(
                fe.invalid(
                    phase_path,
                    phase,
                    "may only be 'Terminating' if `deletionTimestamp` is not empty",
                )
            )
        return errs


class NamespaceFinalizeStrategy(NamespaceStrategy):
    """namespaces/finalize: the namespace controller clears spec.finalizers here."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        set_namespace_defaults(obj)
        keep_old(obj, old, "status")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = validate_core_object_meta_update(obj.get("metadata"), old.get("metadata"))
        path = Path("spec", "finalizers")
        for i, f in enumerate(spec_finalizers(obj)):
            errs += validate_finalizer_name(text(f), path.index(i))
        return errs
