"""A REST object that serves a resource through a generic Store and overrides only some of
its verbs (upstream's `REST{*genericregistry.Store}` pattern, by delegation).

Only the verbs defined here are exposed: a subclass that should not offer one (namespaces
have no deletecollection) simply does not define it.
"""

from __future__ import annotations

from typing import Any

from kapi.machinery.options import (
    CreateOptions,
    DeleteOptions,
    GetOptions,
    ListOptions,
    UpdateOptions,
)
from kapi.machinery.schema import GroupVersion, GroupVersionKind
from kapi.registry.context import RequestContext
from kapi.registry.generic.store import Store
from kapi.registry.rest import UpdatedObjectInfo, ValidateObjectFunc, ValidateObjectUpdateFunc
from kapi.storage.interface import Watch

Object = dict[str, Any]


class StoreREST:
    def __init__(self, store: Store) -> None:
        self.store = store

    def new(self) -> Object:
        return self.store.new()

    def new_list(self) -> Object:
        return self.store.new_list()

    def namespace_scoped(self) -> bool:
        return self.store.namespace_scoped()

    def singular_name(self) -> str:
        return self.store.singular_name()

    def get_short_names(self) -> list[str]:
        return self.store.get_short_names()

    def get_categories(self) -> list[str]:
        return self.store.get_categories()

    def group_version_kind(self, containing: GroupVersion) -> GroupVersionKind:
        return self.store.gvk

    def delete_returns_deleted_object(self) -> bool:
        return self.store.delete_returns_deleted_object()

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        return self.store.convert_to_table(ctx, obj, include_object)

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        return await self.store.get(ctx, name, options)

    async def list(self, ctx: RequestContext, options: ListOptions) -> Object:
        return await self.store.list(ctx, options)

    async def watch(self, ctx: RequestContext, options: ListOptions) -> Watch:
        return await self.store.watch(ctx, options)

    async def create(
        self,
        ctx: RequestContext,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object:
        return await self.store.create(ctx, obj, create_validation, options)

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
        return await self.store.update(
            ctx, name, obj_info, create_validation, update_validation, force_allow_create, options
        )

    async def delete(
        self,
        ctx: RequestContext,
        name: str,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
    ) -> tuple[Object, bool]:
        return await self.store.delete(ctx, name, delete_validation, options)
