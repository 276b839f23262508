"""ServiceAccount strategy (upstream `pkg/registry/core/serviceaccount/strategy.go`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList
from kapi.registry.context import RequestContext
from kapi.registry.core.shape import items
from kapi.registry.core.validation import (
    validate_core_object_meta,
    validate_core_object_meta_update,
)
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]


def clean_secret_references(sa: Object) -> None:
    """Secret references keep only their name."""
    refs = items(sa.get("secrets"))
    for i, ref in enumerate(refs):
        refs[i] = {"name": ref["name"]} if isinstance(ref, dict) and "name" in ref else {}


class ServiceAccountStrategy(Strategy):
    namespaced = True
    allow_create_on_update = False
    allow_unconditional_update = True

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        clean_secret_references(obj)

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        return validate_core_object_meta(obj.get("metadata"), True, mv.name_is_dns_subdomain)

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        clean_secret_references(obj)

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return validate_core_object_meta_update(
            obj.get("metadata"), old.get("metadata")
        ) + self.validate(ctx, obj)
