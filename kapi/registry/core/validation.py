"""Validation helpers shared by the core resources (the small functions at the top of
upstream `pkg/apis/core/validation/validation.go`), over `kapi.machinery.validation`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.core.shape import items, mapping, text

NameFunc = Callable[[str, bool], list[str]]

IS_NEGATIVE = "must be greater than or equal to 0"
IS_NOT_POSITIVE = "must be greater than zero"
# Upstream `helper.IsStandardFinalizerName`.
STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})
MAX_INT32 = 2**31 - 1


inclusive_range_error = mv.inclusive_range_error


def _each(msgs: list[str], path: Path | str, value: Any) -> ErrorList:
    return [fe.invalid(path, value, m) for m in msgs]


def validate_dns1123_label(value: str, path: Path | str) -> ErrorList:
    return _each(mv.is_dns1123_label(value), path, value)


def validate_dns1123_subdomain(value: str, path: Path | str) -> ErrorList:
    return _each(mv.is_dns1123_subdomain(value), path, value)


def validate_qualified_name(value: str, path: Path | str) -> ErrorList:
    return _each(mv.is_qualified_name(value), path, value)


def validate_name_ref(value: str, path: Path | str, name_fn: NameFunc) -> ErrorList:
    """A reference to another object by name, checked with that kind's name rule."""
    return _each(name_fn(value, False), path, value)


def validate_nonnegative(value: int, path: Path | str) -> ErrorList:
    return [fe.invalid(path, value, IS_NEGATIVE)] if value < 0 else []


def validate_port_num_or_name(value: Any, path: Path | str) -> ErrorList:
    """Upstream `ValidatePortNumOrName` for an IntOrString."""
    if isinstance(value, bool):
        return [fe.invalid(path, value, "must be an integer or a port name")]
    if isinstance(value, int):
        return _each(mv.is_valid_port_num(value), path, value)
    if isinstance(value, str):
        return _each(mv.is_valid_port_name(value), path, value)
    return [fe.internal(path, f"unknown type: {type(value).__name__}")]


def validate_kube_finalizer_name(name: str, path: Path | str) -> ErrorList:
    """Core kinds reject unqualified finalizers other than the standard ones."""
    if "/" not in name and name not in STANDARD_FINALIZERS:
        return [
            fe.invalid(
                path, name, "name is neither a standard finalizer name nor is it fully qualified"
            )
        ]
    return []


def validate_finalizer_name(name: str, path: Path | str) -> ErrorList:
    """Upstream core `validateFinalizerName` (namespace spec.finalizers)."""
    return _each(mv.is_qualified_name(name), path, name) + validate_kube_finalizer_name(name, path)


def validate_core_object_meta(
    meta: Any, requires_namespace: bool, name_fn: NameFunc, path: Path | None = None
) -> ErrorList:
    """Core `ValidateObjectMeta`: the generic rules plus core finalizer names."""
    path = path or Path("metadata")
    m = mapping(meta)
    errs = mv.validate_object_meta(m, requires_namespace, name_fn, path)
    for i, f in enumerate(items(m.get("finalizers"))):
        errs += validate_kube_finalizer_name(text(f), path.child("finalizers").index(i))
    return errs


def validate_core_object_meta_update(new: Any, old: Any, path: Path | None = None) -> ErrorList:
    path = path or Path("metadata")
    m = mapping(new)
    errs = mv.validate_object_meta_update(m, mapping(old), path)
    for i, f in enumerate(items(m.get("finalizers"))):
        errs += validate_kube_finalizer_name(text(f), path.child("finalizers").index(i))
    return errs


def validate_immutable(new: Any, old: Any, path: Path | str) -> ErrorList:
    return mv.validate_immutable_field(new, old, Path(str(path)))


def string_map_errors(value: Any, path: Path) -> ErrorList:
    """Entries of a map[string]string that are not strings (upstream fails to decode them)."""
    return [
        fe.invalid(path.key(k), v, "must be a string")
        for k, v in mapping(value).items()
        if not isinstance(v, str)
    ]


def validate_labels(value: Any, path: Path) -> ErrorList:
    """A label map (node selectors, service selectors, template labels)."""
    return string_map_errors(value, path) or mv.validate_labels(mapping(value), path)


def selector_shape_errors(sel: Any, path: Path) -> ErrorList:
    """A metav1.LabelSelector whose fields have the wrong JSON types."""
    if not isinstance(sel, dict):
        return []
    match_labels = sel.get("matchLabels")
    if match_labels is not None and not isinstance(match_labels, dict):
        return [fe.invalid(path.child("matchLabels"), match_labels, "must be an object")]
    errs = string_map_errors(match_labels, path.child("matchLabels"))
    exprs = sel.get("matchExpressions")
    if exprs is not None and not isinstance(exprs, list):
        return [*errs, fe.invalid(path.child("matchExpressions"), exprs, "must be a list")]
    for i, expr in enumerate(items(exprs)):
        p = path.child("matchExpressions").index(i)
        if not isinstance(expr, dict):
            errs.append(fe.invalid(p, expr, "must be an object"))
            continue
        for key in ("key", "operator"):
            if not isinstance(expr.get(key, ""), str):
                errs.append(fe.invalid(p.child(key), expr[key], "must be a string"))
        values = expr.get("values")
        if values is not None and not (
            isinstance(values, list) and all(isinstance(v, str) for v in values)
        ):
            errs.append(fe.invalid(p.child("values"), values, "must be a list of strings"))
    return errs


def validate_label_selector(sel: Any, path: Path) -> ErrorList:
    """meta/v1 `ValidateLabelSelector`."""
    return selector_shape_errors(sel, path) or mv.validate_label_selector(
        sel if isinstance(sel, dict) else None, path
    )
