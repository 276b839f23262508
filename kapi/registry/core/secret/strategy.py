"""Secret strategy (upstream `pkg/registry/core/secret/strategy.go`, plus the v1 decoding
that merges `stringData` into `data` and defaults `type`)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any

import orjson

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.context import RequestContext
from kapi.registry.core.byte_fields import canonicalize_bytes_map
from kapi.registry.core.configmap.strategy import (
    MAX_SIZE,
    require_string_values,
    validate_immutable_data,
)
from kapi.registry.core.shape import child, mapping, text
from kapi.registry.core.validation import (
    validate_core_object_meta,
    validate_core_object_meta_update,
    validate_immutable,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]

SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name"


def normalize_secret(secret: Object) -> None:
    """v1 decoding: `stringData` entries overwrite `data` (base64-encoded) and are not
    stored; `type` defaults to Opaque."""
    require_string_values(secret, "stringData", "Secret")
    canonicalize_bytes_map(secret, "data", "Secret")
    string_data = secret.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        merged = child(secret, "data")
        for key, value in string_data.items():
            merged[key] = base64.b64encode(text(value).encode()).decode()
    if not secret.get("type"):
        secret["type"] = "Opaque"


def validate_secret(secret: Object) -> ErrorList:
    meta = mapping(secret.get("metadata"))
    errs = validate_core_object_meta(meta, True, mv.name_is_dns_subdomain)
    data = mapping(secret.get("data"))
    data_path = Path("data")
    total = 0
    decoded: dict[str, bytes] = {}
    for key, value in data.items():
        errs += [fe.invalid(data_path.key(key), key, m) for m in mv.is_config_map_key(key)]
        try:
            decoded[key] = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
        except (binascii.Error, ValueError):
            decoded[key] = b""
        total += len(decoded[key])
    if total > MAX_SIZE:
        errs.append(fe.too_long(data_path, "", MAX_SIZE))
    kind = secret.get("type")
    if kind == "kubernetes.io/service-account-token":
        if not text(mapping(meta.get("annotations")).get(SERVICE_ACCOUNT_NAME_KEY)):
            errs.append(fe.required(Path("metadata", "annotations").key(SERVICE_ACCOUNT_NAME_KEY)))
    elif kind in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if kind == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in data:
            errs.append(fe.required(data_path.key(key)))
        else:
            try:
                if not isinstance(orjson.loads(decoded[key]), dict):
                    raise ValueError(
                        "json: cannot unmarshal into Go value of type map[string]interface {}"
                    )
            except (orjson.JSONDecodeError, ValueError) as err:
                errs.append(fe.invalid(data_path.key(key), "<secret contents redacted>", str(err)))
    elif kind == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs.append(fe.required(data_path.key("username")))
            errs.append(fe.required(data_path.key("password")))
    elif kind == "kubernetes.io/ssh-auth":
        if not decoded.get("ssh-privatekey"):
            errs.append(fe.required(data_path.key("ssh-privatekey")))
    elif kind == "kubernetes.io/tls":
        for key in ("tls.crt", "tls.key"):
            if key not in data:
                errs.append(fe.required(data_path.key(key)))
    return errs


class SecretStrategy(Strategy):
    namespaced = True
    allow_create_on_update = False
    allow_unconditional_update = True
    selectable_fields = ("type",)

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        normalize_secret(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_secret(obj)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        normalize_secret(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        errs = validate_core_object_meta_update(obj.get("metadata"), old.get("metadata"))
        errs += validate_immutable(obj.get("type"), old.get("type"), Path("type"))
        errs += validate_immutable_data(obj, old, ("data",))
        return errs + validate_secret(obj)

    def get_attrs(self, obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        meta = mapping(obj.get("metadata"))
        fields = {
            "metadata.name": text(meta.get("name")),
            "metadata.namespace": text(meta.get("namespace")),
            "type": text(obj.get("type")),
        }
        return mapping(meta.get("labels")), fields
