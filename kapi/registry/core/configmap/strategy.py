"""ConfigMap strategy (upstream `pkg/registry/core/configmap/strategy.go`)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kapi.machinery import errors
from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.context import RequestContext
from kapi.registry.core.byte_fields import canonicalize_bytes_map
from kapi.registry.core.shape import mapping
from kapi.registry.core.validation import (
    validate_core_object_meta,
    validate_core_object_meta_update,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

# Upstream `core.MaxSecretSize`, shared by configmaps and secrets.
MAX_SIZE = 1 * 1024 * 1024
IMMUTABLE_MESSAGE = "field is immutable when `immutable` is set"


def go_json_type(value: Any) -> str:
    """The JSON type name Go's decoder puts in "cannot unmarshal X into ..." errors."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


def require_string_values(obj: Object, key: str, kind: str) -> None:
    """A map[string]string field holding other values fails decoding upstream: 400."""
    for value in mapping(obj.get(key)).values():
        if value is not None and not isinstance(value, str):
            raise errors.new_bad_request(
                f'{kind} in version "v1" cannot be handled as a {kind}: json: cannot unmarshal '
                f"{go_json_type(value)} into Go struct field {kind}.{key} of type string"
            )


def decoded_len(value: Any) -> int:
    """Bytes of a base64 []byte field (what upstream counts), tolerating bad input."""
    if not isinstance(value, str):
        return 0
    try:
        return len(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        return len(value)


def validate_configmap(cm: Object) -> ErrorList:
    errs = validate_core_object_meta(cm.get("metadata"), True, mv.name_is_dns_subdomain)
    data, binary = mapping(cm.get("data")), mapping(cm.get("binaryData"))
    total = 0
    for key, value in data.items():
        p = Path("data").key(key)
        errs += [fe.invalid(p, key, m) for m in mv.is_config_map_key(key)]
        if key in binary:
            errs.append(fe.invalid(p, key, "duplicate of key present in binaryData"))
        total += len(value.encode()) if isinstance(value, str) else 0
    for key, value in binary.items():
        errs += [fe.invalid(Path("binaryData").key(key), key, m) for m in mv.is_config_map_key(key)]
        total += decoded_len(value)
    if total > MAX_SIZE:
        # The error names the whole object.
        errs.append(fe.too_long("", "", MAX_SIZE))
    return errs


def validate_immutable_data(obj: Object, old: Object, keys: tuple[str, ...]) -> ErrorList:
    """Once `immutable: true`, it stays so and the data cannot change."""
    if old.get("immutable") is not True:
        return []
    errs: ErrorList = []
    if obj.get("immutable") is not True:
        errs.append(fe.forbidden("immutable", IMMUTABLE_MESSAGE))
    for key in keys:
        if not mv.semantic_equal(obj.get(key), old.get(key)):
            errs.append(fe.forbidden(key, IMMUTABLE_MESSAGE))
    return errs


class ConfigMapStrategy(Strategy):
    namespaced = True
    allow_create_on_update = False
    allow_unconditional_update = True

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        require_string_values(obj, "data", "ConfigMap")
        canonicalize_bytes_map(obj, "binaryData", "ConfigMap")

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_configmap(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        require_string_values(obj, "data", "ConfigMap")
        canonicalize_bytes_map(obj, "binaryData", "ConfigMap")

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = validate_core_object_meta_update(obj.get("metadata"), old.get("metadata"))
        errs += validate_immutable_data(obj, old, ("data", "binaryData"))
        return errs + validate_configmap(obj)
