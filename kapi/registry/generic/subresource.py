"""Subresource storage built from a copy of the parent's Store (upstream `StatusREST`
pattern: `statusStore := *store; statusStore.UpdateStrategy = ...`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.options import GetOptions, UpdateOptions
from kapi.machinery.schema import GroupVersion, GroupVersionKind
from kapi.registry.context import RequestContext
from kapi.registry.generic.store import Store
from kapi.registry.rest import UpdatedObjectInfo, ValidateObjectFunc, ValidateObjectUpdateFunc

Object = dict[str, Any]


class StatusREST:
    """get + update (hence patch) of the whole object through a status strategy.

    Build it with a Store copy whose strategy keeps everything but status:
    `StatusREST(dataclasses.replace(store, strategy=PodStatusStrategy()))`.
    """

    def __init__(self, store: Store) -> None:
        self.store = store

    def new(self) -> Object:
        return self.store.new()

    def group_version_kind(self, containing: GroupVersion) -> GroupVersionKind:
        return self.store.gvk

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        return await self.store.get(ctx, name, options)

    async def update(
        self,
        ctx: RequestContext,
        name: str,
        obj_info: UpdatedObjectInfo,
        create_validation: ValidateObjectFunc | None,
        update_validation: ValidateObjectUpdateFunc | None,
        force_allow_create: bool,
        options: UpdateOptions,
    ) -> tuple[Object, bool]:
        # Subresources never create their parent.
        return await self.store.update(
            ctx, name, obj_info, create_validation, update_validation, False, options
        )
