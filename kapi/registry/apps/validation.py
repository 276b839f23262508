"""Validation shared by the apps/v1 workloads (upstream `pkg/apis/apps/validation`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import labels
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.core.pod.validation import PodValidationOptions, validate_pod_template_spec
from kapi.registry.core.shape import integer, items, mapping, mappings, text
from kapi.registry.core.validation import selector_shape_errors

Object = dict[str, Any]

CANNOT_EXCEED_REPLICAS = "cannot be greater than status.replicas"


def _go_quote(s: Any) -> str:
    return '"' + text(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def go_string_map(m: Any) -> mv.GoText:
    """A map[string]string as Go's %#v prints it (keys sorted)."""
    if not isinstance(m, dict):
        return mv.GoText("map[string]string(nil)")
    pairs = ", ".join(f"{_go_quote(k)}:{_go_quote(v)}" for k, v in sorted(m.items()))
    return mv.GoText(f"map[string]string{{{pairs}}}")


def go_label_selector(sel: Any) -> mv.GoText:
    """A metav1.LabelSelector as upstream's field errors print it."""
    s = mapping(sel)
    exprs = mappings(s.get("matchExpressions"))
    if exprs:
        parts = []
        for e in exprs:
            values = items(e.get("values"))
            vals = (
                "[]string{" + ", ".join(_go_quote(v) for v in values) + "}"
                if values
                else "[]string(nil)"
            )
            parts.append(
                f"v1.LabelSelectorRequirement{{Key:{_go_quote(e.get('key'))}, "
                f"Operator:{_go_quote(e.get('operator'))}, Values:{vals}}}"
            )
        rendered_exprs = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    else:
        rendered_exprs = "[]v1.LabelSelectorRequirement(nil)"
    match_labels = go_string_map(s.get("matchLabels") if s.get("matchLabels") else None)
    return mv.GoText(
        f"v1.LabelSelector{{MatchLabels:{match_labels}, MatchExpressions:{rendered_exprs}}}"
    )


def validate_nonnegative(value: Any, path: Path) -> ErrorList:
    return mv.validate_nonnegative_field(integer(value) or 0, path)


def validate_selector(spec: Object, path: Path) -> tuple[ErrorList, labels.LabelSelector | None]:
    """The selector checks of `ValidateDeploymentSpec` / `ValidateReplicaSetSpec`, and the
    parsed selector when it is usable."""
    sel = spec.get("selector")
    errs: ErrorList = []
    if not isinstance(sel, dict):
        errs.append(fe.required(path))
    else:
        shape_errs = selector_shape_errors(sel, path)
        if shape_errs:
            return [*errs, *shape_errs], None
        errs += mv.validate_label_selector(sel, path)
        if not mapping(sel.get("matchLabels")) and not items(sel.get("matchExpressions")):
            errs.append(
                fe.invalid(path, go_label_selector(sel), "empty selector is invalid for deployment")
            )
    try:
        parsed = labels.from_label_selector_dict(sel if isinstance(sel, dict) else None)
    except ValueError:
        errs.append(fe.invalid(path, go_label_selector(sel), "invalid label selector"))
        return errs, None
    return errs, parsed


def validate_pod_template_for_replica_set(
    template: Any, selector: labels.LabelSelector, path: Path
) -> ErrorList:
    """Upstream `ValidatePodTemplateSpecForReplicaSet`."""
    if not isinstance(template, dict):
        return [fe.required(path)]
    errs: ErrorList = []
    template_labels = {
        k: v
        for k, v in mapping(mapping(template.get("metadata")).get("labels")).items()
        if isinstance(v, str)
    }
    if not selector.empty() and not selector.matches(template_labels):
        labels_value = template_labels if template_labels else None
        errs.append(
            fe.invalid(
                path.child("metadata", "labels"),
                go_string_map(labels_value),
                "`selector` does not match template `labels`",
            )
        )
    errs += validate_pod_template_spec(template, path, PodValidationOptions())
    spec = mapping(template.get("spec"))
    restart = spec.get("restartPolicy")
    if restart != "Always":
        errs.append(fe.not_supported(path.child("spec", "restartPolicy"), restart, ("Always",)))
    if spec.get("activeDeadlineSeconds") is not None:
        errs.append(
            fe.forbidden(
                path.child("spec", "activeDeadlineSeconds"),
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            )
        )
    return errs


def validate_selector_immutable(new: Object, old: Object, path: Path) -> ErrorList:
    """apps/v1 forbids any change to spec.selector."""
    new_sel = mapping(new.get("spec")).get("selector")
    old_sel = mapping(old.get("spec")).get("selector")
    if mv.semantic_equal(new_sel, old_sel):
        return []
    return [fe.invalid(path, go_label_selector(new_sel), mv.FIELD_IMMUTABLE_ERROR_MSG)]


def validate_replica_counts(status: Object, path: Path, keys: tuple[str, ...]) -> ErrorList:
    """The non-negative counters and the `<= status.replicas` rules of workload statuses."""
    errs: ErrorList = []
    for key in keys:
        errs += validate_nonnegative(status.get(key), path.child(key))
    replicas = integer(status.get("replicas")) or 0
    ready = integer(status.get("readyReplicas")) or 0
    for key in keys:
        if key in ("replicas", "observedGeneration", "collisionCount", "unavailableReplicas"):
            continue
        value = integer(status.get(key)) or 0
        if value > replicas:
            errs.append(fe.invalid(path.child(key), value, CANNOT_EXCEED_REPLICAS))
    available = integer(status.get("availableReplicas")) or 0
    if available > ready:
        errs.append(
            fe.invalid(
                path.child("availableReplicas"), available, "cannot be greater than readyReplicas"
            )
        )
    return errs
