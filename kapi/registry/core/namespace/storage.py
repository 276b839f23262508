"""Namespace storage (upstream `pkg/registry/core/namespace/storage/storage.go`): DELETE
of an active namespace only starts termination; the namespace controller empties it and
clears `spec.finalizers` through `/finalize`, which deletes it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from kapi.machinery import errors
from kapi.machinery.meta import metadata, now_rfc3339
from kapi.machinery.options import DeleteOptions, GetOptions, UpdateOptions
from kapi.machinery.schema import GroupVersionKind
from kapi.registry.context import RequestContext
from kapi.registry.core.namespace.printer import PRINTER
from kapi.registry.core.namespace.strategy import (
    NamespaceFinalizeStrategy,
    NamespaceStatusStrategy,
    NamespaceStrategy,
    spec_finalizers,
)
from kapi.registry.core.shape import child, items
from kapi.registry.generic.store import Store
from kapi.registry.generic.store_rest import StoreREST
from kapi.registry.generic.subresource import StatusREST
from kapi.registry.rest import UpdatedObjectInfo, ValidateObjectFunc, ValidateObjectUpdateFunc
from kapi.storage import interface as storage
from kapi.storage.interface import Storage

Object = dict[str, Any]

TERMINATING_MESSAGE = (
    "The system is ensuring all content is removed from this namespace.  Upon completion, "
    "this namespace will automatically be purged by the system."
)
ORPHAN, FOREGROUND = "orphan", "foregroundDeletion"


def _should_have_orphan(options: DeleteOptions, has: bool) -> bool:
    if options.orphan_dependents is not None:
        return options.orphan_dependents
    if options.propagation_policy is not None:
        return options.propagation_policy == "Orphan"
    return has


def _should_have_foreground(options: DeleteOptions, has: bool) -> bool:
    if options.orphan_dependents is not None:
        return not options.orphan_dependents
    if options.propagation_policy is not None:
        return options.propagation_policy == "Foreground"
    return has


def start_termination(ns: Object, options: DeleteOptions) -> Object:
    """The first DELETE: mark the namespace Terminating (and set the GC finalizers the
    propagation policy asks for) instead of deleting it."""
    meta = metadata(ns)
    if not meta.get("deletionTimestamp"):
        meta["deletionTimestamp"] = now_rfc3339()
    child(ns, "status")["phase"] = "Terminating"
    current = list(items(meta.get("finalizers")))
    wanted = {
        ORPHAN: _should_have_orphan(options, ORPHAN in current),
        FOREGROUND: _should_have_foreground(options, FOREGROUND in current),
    }
    updated = [f for f in current if wanted.get(f, True)]
    updated += [f for f, keep in wanted.items() if keep and f not in updated]
    if updated != current:
        meta["finalizers"] = updated
    return ns


class NamespaceREST(StoreREST):
    """namespaces: get, list, watch, create, update, patch, delete (no deletecollection)."""

    async def delete(
        self,
        ctx: RequestContext,
        name: str,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
    ) -> tuple[Object, bool]:
        ns = await self.store.get(ctx, name, GetOptions())
        meta = metadata(ns)
        qr = self.store.qualified_resource
        pre = options.preconditions
        uid = pre.uid if pre is not None and pre.uid is not None else meta.get("uid")
        if uid != meta.get("uid"):
            raise errors.new_conflict(
                qr,
                name,
                f"Precondition failed: UID in precondition: {uid}, UID in object meta: "
                f"{meta.get('uid')}",
            )
        rv = pre.resource_version if pre is not None else None
        if rv is not None and rv != meta.get("resourceVersion"):
            raise errors.new_conflict(
                qr,
                name,
                f"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion "
                f"in object meta: {meta.get('resourceVersion')}",
            )
        if not meta.get("deletionTimestamp"):
            return await self._start_termination(ctx, name, uid, rv, delete_validation, options)
        if spec_finalizers(ns):
            raise errors.new_conflict(qr, name, TERMINATING_MESSAGE)
        return await self.store.delete(ctx, name, delete_validation, options)

    async def _start_termination(
        self,
        ctx: RequestContext,
        name: str,
        uid: str | None,
        rv: str | None,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
    ) -> tuple[Object, bool]:
        async def try_update(current: Object | None) -> Object:
            assert current is not None
            if delete_validation is not None:
                await delete_validation(ctx, current)
            return start_termination(current, options)

        qr = self.store.qualified_resource
        try:
            out = await self.store.storage.guaranteed_update(
                self.store.key("", name),
                try_update,
                preconditions=storage.Preconditions(uid=uid, resource_version=rv),
                dry_run=options.dry_run,
            )
        except storage.KeyNotFoundError as err:
            raise errors.new_not_found(qr, name) from err
        except storage.ConflictError as err:
            raise errors.new_conflict(qr, name, err.message) from err
        except storage.StorageError as err:
            raise errors.new_internal_error(str(err)) from err
        return out, False


class FinalizeREST:
    """namespaces/finalize: update only (upstream offers no get, hence no patch)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def new(self) -> Object:
        return self.store.new()

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
            ctx, name, obj_info, create_validation, update_validation, False, options
        )


@dataclass(frozen=True, slots=True)
class NamespaceStorage:
    namespace: NamespaceREST
    status: StatusREST
    finalize: FinalizeREST


def new_namespace_storage(s: Storage) -> NamespaceStorage:
    store = Store(
        gvk=GroupVersionKind("", "v1", "Namespace"),
        resource="namespaces",
        singular="namespace",
        strategy=NamespaceStrategy(),
        storage=s,
        short_names=("ns",),
        printer=PRINTER,
        return_deleted_object=True,
    )
    return NamespaceStorage(
        namespace=NamespaceREST(store),
        status=StatusREST(dataclasses.replace(store, strategy=NamespaceStatusStrategy())),
        finalize=FinalizeREST(dataclasses.replace(store, strategy=NamespaceFinalizeStrategy())),
    )
