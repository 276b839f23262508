"""Service storage (upstream `pkg/registry/core/service/storage/storage.go`): the Store
plus cluster IP and node port allocation, and removal of the service's Endpoints object
when the service goes."""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Any

from kapi.machinery import errors
from kapi.machinery.meta import metadata
from kapi.machinery.options import CreateOptions, DeleteOptions, ListOptions, UpdateOptions
from kapi.machinery.schema import GroupVersionKind
from kapi.registry.context import RequestContext
from kapi.registry.core.service.allocation import Allocator, InUse
from kapi.registry.core.service.defaults import set_service_defaults
from kapi.registry.core.service.printer import PRINTER
from kapi.registry.core.service.strategy import ServiceStatusStrategy, ServiceStrategy
from kapi.registry.core.shape import mapping, text
from kapi.registry.generic.store import Store
from kapi.registry.generic.store_rest import StoreREST
from kapi.registry.generic.subresource import StatusREST
from kapi.registry.rest import UpdatedObjectInfo, ValidateObjectFunc, ValidateObjectUpdateFunc
from kapi.storage.interface import Storage

Object = dict[str, Any]


class _AllocatingObjectInfo:
    """Runs allocation on the object an update computes, inside the Store's retry loop
    (upstream does it in the Store's BeginUpdate hook, before validation)."""

    def __init__(self, inner: UpdatedObjectInfo, rest: ServiceREST, namespace: str, name: str):
        self.inner = inner
        self.rest = rest
        self.namespace = namespace
        self.name = name

    def preconditions(self) -> tuple[str | None, str | None]:
        return self.inner.preconditions()

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        obj = await self.inner.updated_object(ctx, old)
        set_service_defaults(obj)
        in_use = await self.rest.in_use(exclude=(self.namespace, self.name))
        if old is None:
            self.rest.allocator.allocate_create(obj, in_use)
        else:
            self.rest.allocator.allocate_update(obj, old, in_use)
        return obj


class ServiceREST(StoreREST):
    """services: the Store's verbs with allocation; allocations are serialized here so two
    concurrent creates cannot pick the same IP or port."""

    def __init__(
        self, store: Store, endpoints: Store | None = None, allocator: Allocator | None = None
    ):
        super().__init__(store)
        self.endpoints = endpoints
        self.allocator = allocator or Allocator()
        self._lock: asyncio.Lock | None = None

    def _allocation_lock(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def in_use(self, exclude: tuple[str, str] | None = None) -> InUse:
        """Cluster IPs and node ports held by every stored service but `exclude`."""
        out = InUse()
        listed = await self.store.list(RequestContext(namespace=""), ListOptions())
        for svc in listed.get("items", []):
            meta = mapping(svc.get("metadata"))
            if (
                exclude is not None
                and (text(meta.get("namespace")), text(meta.get("name"))) == exclude
            ):
                continue
            out.add_service(svc)
        return out

    async def create(
        self,
        ctx: RequestContext,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object:
        async with self._allocation_lock():
            set_service_defaults(obj)
            self.allocator.allocate_create(obj, await self.in_use())
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
        async with self._allocation_lock():
            info = _AllocatingObjectInfo(obj_info, self, ctx.namespace, name)
            return await self.store.update(
                ctx, name, info, create_validation, update_validation, force_allow_create, options
            )

    async def delete(
        self,
        ctx: RequestContext,
        name: str,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
    ) -> tuple[Object, bool]:
        out, deleted = await self.store.delete(ctx, name, delete_validation, options)
        if deleted and not options.dry_run and self.endpoints is not None:
            # Upstream removes the endpoints at once rather than wait for a controller.
            try:
                await self.endpoints.delete(ctx, name, None, DeleteOptions())
            except errors.StatusError as err:
                if err.code != 404:
                    raise
        return out, deleted

    async def delete_collection(
        self,
        ctx: RequestContext,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
        list_options: ListOptions,
    ) -> Object:
        listed = await self.store.list(ctx, list_options)
        for item in listed["items"]:
            meta = metadata(item)
            item_ctx = RequestContext(
                namespace=text(meta.get("namespace")), user=ctx.user, warnings=ctx.warnings
            )
            try:
                await self.delete(
                    item_ctx,
                    text(meta.get("name")),
                    delete_validation,
                    dataclasses.replace(options),
                )
            except errors.StatusError as err:
                if err.code != 404:
                    raise
        return listed


@dataclass(frozen=True, slots=True)
class ServiceStorage:
    service: ServiceREST
    status: StatusREST


def new_service_storage(s: Storage, endpoints: Store | None = None) -> ServiceStorage:
    store = Store(
        gvk=GroupVersionKind("", "v1", "Service"),
        resource="services",
        singular="service",
        strategy=ServiceStrategy(),
        storage=s,
        short_names=("svc",),
        categories=("all",),
        printer=PRINTER,
        return_deleted_object=True,
    )
    return ServiceStorage(
        service=ServiceREST(store, endpoints),
        status=StatusREST(dataclasses.replace(store, strategy=ServiceStatusStrategy())),
    )
