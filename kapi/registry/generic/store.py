"""The generic registry Store (upstream `k8s.io/apiserver/pkg/registry/generic/registry/store.go`).

One implementation of every verb over the storage interface; a resource supplies only its
Strategy, names and table printer. System metadata (uid, timestamps, resourceVersion,
generation on deletion), generateName, namespace checks, generic metadata validation,
preconditions, the finalizer / graceful-deletion state machine and dry-run are done here once.
Storage errors are translated into API errors here and nowhere else.
"""

from __future__ import annotations

import asyncio
import copy
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import orjson

from kapi.machinery import errors
from kapi.machinery import field as fielderr
from kapi.machinery.meta import format_time, metadata, now_rfc3339, parse_time
from kapi.machinery.names import generate_name
from kapi.machinery.options import (
    CreateOptions,
    DeleteOptions,
    GetOptions,
    ListOptions,
    UpdateOptions,
)
from kapi.machinery.schema import GroupKind, GroupResource, GroupVersion, GroupVersionKind
from kapi.machinery.table import DEFAULT_PRINTER, TablePrinter
from kapi.machinery.validation import (
    validate_object_meta,
    validate_object_meta_update,
    validate_path_segment_name,
)
from kapi.registry.context import RequestContext
from kapi.registry.generic.strategy import GarbageCollectionPolicy, Strategy
from kapi.registry.rest import UpdatedObjectInfo, ValidateObjectFunc, ValidateObjectUpdateFunc
from kapi.storage import interface as si
from kapi.storage.generic import ContinueWithResourceVersionError
from kapi.storage.interface import Storage, Watch, WatchEvent, WatchEventType

Object = dict[str, Any]

# Upstream `maxNameGenerationCreateAttempts`.
MAX_NAME_GENERATION_ATTEMPTS = 8
# Upstream `deleteCollectionWorkers` default for built-in resources.
DELETE_COLLECTION_WORKERS = 4
# The garbage collector's finalizers (upstream `metav1.FinalizerOrphanDependents` /
# `FinalizerDeleteDependents`).
FINALIZER_ORPHAN = "orphan"
FINALIZER_FOREGROUND = "foregroundDeletion"


class _DeleteNow(Exception):
    """Raised inside the delete's update when nothing holds the object back any more."""


class _EmptiedFinalizers(Exception):
    """Raised inside the update retry loop when the update completes a pending deletion."""

    def __init__(self, obj: Object) -> None:
        self.obj = obj


@dataclass(kw_only=True)
class Store:
    """The storage object of one resource: implements Getter, Lister, Creater, Updater,
    GracefulDeleter, CollectionDeleter, Watcher and TableConvertor."""

    gvk: GroupVersionKind
    resource: str
    singular: str
    strategy: Strategy
    storage: Storage
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    printer: TablePrinter = DEFAULT_PRINTER
    key_root: str = ""
    return_deleted_object: bool = False
    qualified_resource: GroupResource = field(init=False)
    qualified_kind: GroupKind = field(init=False)

    def __post_init__(self) -> None:
        if not self.resource or not self.singular or not self.gvk.kind:
            raise ValueError(f"store for {self.gvk} needs resource, singular and kind")
        if not self.key_root:
            self.key_root = f"/registry/{self.resource}"
        self.qualified_resource = GroupResource(self.gvk.group, self.resource)
        self.qualified_kind = GroupKind(self.gvk.group, self.gvk.kind)

    # -- descriptive protocols ------------------------------------------------------------

    def new(self) -> Object:
        return {"apiVersion": self.gvk.api_version, "kind": self.gvk.kind}

    def new_list(self) -> Object:
        return {"apiVersion": self.gvk.api_version, "kind": self.gvk.kind + "List"}

    def namespace_scoped(self) -> bool:
        return self.strategy.namespaced

    def singular_name(self) -> str:
        return self.singular

    def get_short_names(self) -> list[str]:
        return list(self.short_names)

    def get_categories(self) -> list[str]:
        return list(self.categories)

    def group_version_kind(self, containing: GroupVersion) -> GroupVersionKind:
        return self.gvk

    def delete_returns_deleted_object(self) -> bool:
        return self.return_deleted_object

    # -- keys -----------------------------------------------------------------------------

    def key_prefix(self, namespace: str) -> str:
        if self.strategy.namespaced and namespace:
            return f"{self.key_root}/{namespace}/"
        return f"{self.key_root}/"

    def key(self, namespace: str, name: str) -> str:
        """Upstream `NamespaceKeyFunc` / `NoNamespaceKeyFunc`, including their checks."""
        if self.strategy.namespaced and not namespace:
            raise errors.new_bad_request("Namespace parameter required.")
        if not name:
            raise errors.new_bad_request("Name parameter required.")
        msgs = validate_path_segment_name(name, False)
        if msgs:
            raise errors.new_bad_request(f'Name parameter invalid: "{name}": {"; ".join(msgs)}')
        if self.strategy.namespaced:
            return f"{self.key_root}/{namespace}/{name}"
        return f"{self.key_root}/{name}"

    # -- error translation ----------------------------------------------------------------

    def _interpret(self, err: si.StorageError, name: str) -> NoReturn:
        qr = self.qualified_resource
        if isinstance(err, si.KeyNotFoundError):
            raise errors.new_not_found(qr, name) from err
        if isinstance(err, si.KeyExistsError):
            raise errors.new_already_exists(qr, name) from err
        if isinstance(err, si.ConflictError):
            raise errors.new_conflict(qr, name, err.message) from err
        raise interpret_read_error(err) from err

    # -- get / list / watch ---------------------------------------------------------------

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        key = self.key(ctx.namespace, name)
        try:
            obj = await self.storage.get(key, resource_version=options.resource_version)
        except si.StorageError as err:
            self._interpret(err, name)
        assert obj is not None
        return obj

    def _predicate(self, options: ListOptions) -> si.SelectionPredicate:
        fs = options.field_selector
        if fs is not None and not fs.empty():
            supported = {"metadata.name", *self.strategy.selectable_fields}
            if self.strategy.namespaced:
                supported.add("metadata.namespace")
            for f in fs.fields():
                if f not in supported:
                    raise errors.new_bad_request(f'field label "{f}" not supported')
        return si.SelectionPredicate(
            label=options.label_selector, field=fs, get_attrs=self.strategy.get_attrs
        )

    def _list_target(self, ctx: RequestContext, options: ListOptions) -> tuple[str, bool]:
        """The key to list or watch, and whether it is a prefix. A field selector pinning
        metadata.name turns the request into one on that object's key, as upstream does."""
        fs = options.field_selector
        name = fs.requires_exact_match("metadata.name") if fs is not None else None
        if name and (ctx.namespace or not self.strategy.namespaced):
            return self.key(ctx.namespace, name), False
        return self.key_prefix(ctx.namespace), True

    def _storage_list_options(
        self, ctx: RequestContext, options: ListOptions
    ) -> tuple[str, si.ListOptions]:
        key, recursive = self._list_target(ctx, options)
        return key, si.ListOptions(
            resource_version=options.resource_version,
            resource_version_match=options.resource_version_match,
            limit=options.limit,
            continue_token=options.continue_token,
            predicate=self._predicate(options),
            allow_watch_bookmarks=options.allow_watch_bookmarks,
            send_initial_events=options.send_initial_events,
            recursive=recursive,
            raw=options.raw_items,
        )

    async def list(self, ctx: RequestContext, options: ListOptions) -> Object:
        key, opts = self._storage_list_options(ctx, options)
        try:
            result = await self.storage.get_list(key, opts)
        except si.StorageError as err:
            raise interpret_list_error(err) from err
        meta: dict[str, Any] = {"resourceVersion": result.resource_version}
        if result.continue_token:
            meta["continue"] = result.continue_token
        if result.remaining_item_count is not None:
            meta["remainingItemCount"] = result.remaining_item_count
        out = self.new_list()
        out["metadata"] = meta
        out["items"] = result.items
        return out

    async def watch(self, ctx: RequestContext, options: ListOptions) -> Watch:
        key, opts = self._storage_list_options(ctx, options)
        try:
            w = await self.storage.watch(key, opts)
        except si.StorageError as err:
            raise interpret_read_error(err) from err
        return _TypedWatch(w, self.gvk)

    # -- create ---------------------------------------------------------------------------

    async def create(
        self,
        ctx: RequestContext,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object:
        meta = metadata(obj)
        generated = not meta.get("name") and bool(meta.get("generateName"))
        attempts = MAX_NAME_GENERATION_ATTEMPTS if generated else 1
        for attempt in range(attempts):
            candidate = copy.deepcopy(obj) if attempt + 1 < attempts else obj
            try:
                return await self._create_once(ctx, candidate, create_validation, options)
            except errors.StatusError as err:
                if not generated or err.reason != "AlreadyExists":
                    raise
                if attempt + 1 == attempts:
                    name = metadata(candidate).get("name", "")
                    raise errors.new_generate_name_conflict(
                        self.qualified_resource, name, 1
                    ) from err
        raise AssertionError("unreachable")

    async def _create_once(
        self,
        ctx: RequestContext,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object:
        meta = metadata(obj)
        if meta.get("resourceVersion"):
            raise errors.new_internal_error(
                "resourceVersion should not be set on objects to be created"
            )
        self._fill_system_fields(meta)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = generate_name(meta["generateName"])
        self.before_create(ctx, obj)
        if create_validation is not None:
            await create_validation(ctx, obj)
        name = meta.get("name", "")
        key = self.key(ctx.namespace, name)
        try:
            return await self.storage.create(key, obj, dry_run=options.dry_run)
        except si.KeyExistsError as err:
            existing = await self.storage.get(key, ignore_not_found=True)
            if existing is not None and metadata(existing).get("deletionTimestamp"):
                qr = self.qualified_resource
                raise errors.StatusError(
                    409,
                    "AlreadyExists",
                    f'object is being deleted: {qr} "{name}" already exists',
                    errors.Details(name=name, group=qr.group, kind=qr.resource),
                ) from err
            self._interpret(err, name)
        except si.StorageError as err:
            self._interpret(err, name)

    @staticmethod
    def _fill_system_fields(meta: dict[str, Any]) -> None:
        meta["creationTimestamp"] = now_rfc3339()
        meta["uid"] = str(uuid.uuid4())
        meta.pop("selfLink", None)

    def before_create(self, ctx: RequestContext, obj: Object) -> None:
        """Upstream `rest.BeforeCreate`: namespace rules, strategy preparation, validation."""
        meta = metadata(obj)
        self._check_namespace(ctx, meta)
        meta.pop("deletionTimestamp", None)
        meta.pop("deletionGracePeriodSeconds", None)
        self.strategy.prepare_for_create(ctx, obj)
        errs = self.strategy.validate(ctx, obj)
        if not errs:
            errs = validate_object_meta(meta, self.strategy.namespaced, validate_path_segment_name)
        if errs:
            raise errors.new_invalid(self.qualified_kind, meta.get("name", ""), errs)
        for w in self.strategy.warnings_on_create(ctx, obj):
            ctx.add_warning(w)
        self.strategy.canonicalize(obj)

    def _check_namespace(self, ctx: RequestContext, meta: dict[str, Any]) -> None:
        if not self.strategy.namespaced:
            meta.pop("namespace", None)
            return
        ns = meta.get("namespace") or ""
        if not ns:
            meta["namespace"] = ctx.namespace
        elif ctx.namespace and ns != ctx.namespace:
            raise errors.new_bad_request(
                "the namespace of the provided object does not match the namespace sent on "
                "the request"
            )

    # -- update ---------------------------------------------------------------------------

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
        key = self.key(ctx.namespace, name)
        allow_create = self.strategy.allow_create_on_update or force_allow_create
        created = False
        uid, _ = obj_info.preconditions()
        preconditions = si.Preconditions(uid=uid) if uid else None

        async def try_update(existing: Object | None) -> Object:
            nonlocal created
            if existing is None:
                if not allow_create:
                    raise errors.new_not_found(self.qualified_resource, name)
                obj = await obj_info.updated_object(ctx, None)
                meta = metadata(obj)
                meta.pop("resourceVersion", None)
                self._fill_system_fields(meta)
                self.before_create(ctx, obj)
                if create_validation is not None:
                    await create_validation(ctx, obj)
                created = True
                return obj
            created = False
            # A JSON round trip copies plain JSON objects several times faster than deepcopy.
            old = orjson.loads(orjson.dumps(existing))
            obj = await obj_info.updated_object(ctx, existing)
            meta = metadata(obj)
            old_meta = metadata(old)
            rv = meta.get("resourceVersion") or ""
            if not rv:
                if not self.strategy.allow_unconditional_update:
                    raise errors.new_invalid(
                        self.qualified_kind,
                        name,
                        [
                            fielderr.invalid(
                                "metadata.resourceVersion", 0, "must be specified for an update"
                            )
                        ],
                    )
                meta["resourceVersion"] = old_meta.get("resourceVersion")
            elif rv != old_meta.get("resourceVersion"):
                raise errors.new_conflict(self.qualified_resource, name, errors.OPTIMISTIC_LOCK_MSG)
            self.before_update(ctx, obj, old)
            if update_validation is not None:
                await update_validation(ctx, obj, old)
            if self.strategy.should_delete_during_update(obj, old):
                raise _EmptiedFinalizers(obj)
            return obj

        try:
            out = await self.storage.guaranteed_update(
                key,
                try_update,
                ignore_not_found=allow_create,
                preconditions=preconditions,
                dry_run=options.dry_run,
            )
        except _EmptiedFinalizers as done:
            return await self._delete_without_finalizers(key, name, done.obj, options.dry_run)
        except si.StorageError as err:
            self._interpret(err, name)
        return out, created

    def before_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        """Upstream `rest.BeforeUpdate`."""
        meta = metadata(obj)
        old_meta = metadata(old)
        self._check_namespace(ctx, meta)
        if "generation" in old_meta:
            meta["generation"] = old_meta["generation"]
        else:
            meta.pop("generation", None)
        self.strategy.prepare_for_update(ctx, obj, old)
        if not meta.get("uid"):
            meta["uid"] = old_meta.get("uid")
        if old_meta.get("creationTimestamp"):
            meta["creationTimestamp"] = old_meta["creationTimestamp"]
        # Only DELETE sets or moves these.
        for k in ("deletionTimestamp", "deletionGracePeriodSeconds"):
            if k in old_meta:
                meta[k] = old_meta[k]
            else:
                meta.pop(k, None)
        errs = validate_object_meta_update(meta, old_meta)
        errs += self.strategy.validate_update(ctx, obj, old)
        if errs:
            raise errors.new_invalid(self.qualified_kind, meta.get("name", ""), errs)
        for w in self.strategy.warnings_on_update(ctx, obj, old):
            ctx.add_warning(w)
        self.strategy.canonicalize(obj)

    async def _delete_without_finalizers(
        self, key: str, name: str, obj: Object, dry_run: bool
    ) -> tuple[Object, bool]:
        rv = metadata(obj).get("resourceVersion")
        try:
            out = await self.storage.delete(
                key, preconditions=si.Preconditions(resource_version=rv), dry_run=dry_run
            )
        except si.StorageError as err:
            self._interpret(err, name)
        return out, False

    # -- delete ---------------------------------------------------------------------------

    async def delete(
        self,
        ctx: RequestContext,
        name: str,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
    ) -> tuple[Object, bool]:
        key = self.key(ctx.namespace, name)
        try:
            existing = await self.storage.get(key)
        except si.StorageError as err:
            self._interpret(err, name)
        assert existing is not None
        self._validate_delete_options(options)
        self._check_delete_preconditions(name, existing, options)
        if options.grace_period_seconds is not None and options.grace_period_seconds < 0:
            options.grace_period_seconds = 1

        graceful, pending = self._before_delete(ctx, existing, options)
        if pending:
            return existing, False
        pre = si.Preconditions(
            uid=options.preconditions.uid if options.preconditions else None,
            resource_version=options.preconditions.resource_version
            if options.preconditions
            else None,
        )
        meta = metadata(existing)
        gc_changed, _ = deletion_finalizers_for_garbage_collection(
            meta.get("finalizers") or [],
            options,
            self.strategy.default_garbage_collection_policy(ctx),
        )
        if graceful or meta.get("finalizers") or gc_changed:
            marked = await self._update_for_graceful_deletion_and_finalizers(
                ctx, key, name, options, graceful, pre, delete_validation
            )
            if marked is not None:
                return marked, False

        async def validate(obj: Object) -> None:
            if delete_validation is not None:
                await delete_validation(ctx, obj)

        try:
            out = await self.storage.delete(
                key, preconditions=pre, validate_deletion=validate, dry_run=options.dry_run
            )
        except si.StorageError as err:
            self._interpret(err, name)
        if self.return_deleted_object:
            return out, True
        return self.success_status(name, metadata(out).get("uid", "")), True

    def success_status(self, name: str, uid: str) -> Object:
        details: dict[str, Any] = {"name": name}
        if self.gvk.group:
            details["group"] = self.gvk.group
        details["kind"] = self.resource
        if uid:
            details["uid"] = uid
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": details,
        }

    @staticmethod
    def _validate_delete_options(options: DeleteOptions) -> None:
        errs: fielderr.ErrorList = []
        if options.orphan_dependents is not None and options.propagation_policy is not None:
            errs.append(
                fielderr.invalid(
                    "propagationPolicy",
                    options.propagation_policy,
                    "orphanDependents and deletionPropagation cannot be both set",
                )
            )
        policies = ("Orphan", "Background", "Foreground")
        if options.propagation_policy is not None and options.propagation_policy not in policies:
            errs.append(
                fielderr.not_supported("propagationPolicy", options.propagation_policy, policies)
            )
        if errs:
            raise errors.new_invalid(GroupKind("meta.k8s.io", "DeleteOptions"), "", errs)

    def _check_delete_preconditions(
        self, name: str, existing: Object, options: DeleteOptions
    ) -> None:
        pre = options.preconditions
        if pre is None:
            return
        meta = metadata(existing)
        if pre.uid is not None and pre.uid != meta.get("uid"):
            raise errors.new_conflict(
                self.qualified_resource,
                name,
                f"the UID in the precondition ({pre.uid}) does not match the UID in record "
                f"({meta.get('uid')}). The object might have been deleted and then recreated",
            )
        if pre.resource_version is not None and pre.resource_version != meta.get("resourceVersion"):
            raise errors.new_conflict(
                self.qualified_resource,
                name,
                f"the ResourceVersion in the precondition ({pre.resource_version}) does not "
                f"match the ResourceVersion in record ({meta.get('resourceVersion')}). The "
                "object might have been modified",
            )

    def _before_delete(
        self, ctx: RequestContext, existing: Object, options: DeleteOptions
    ) -> tuple[bool, bool]:
        """Upstream `rest.BeforeDelete`: returns (graceful, graceful_pending)."""
        meta = metadata(existing)
        if meta.get("deletionTimestamp"):
            old_grace = meta.get("deletionGracePeriodSeconds")
            # Grace already 0 (finalizers pending, or an interrupted delete): carry on, so the
            # options may still change the GC finalizers or finish the delete.
            if not old_grace:
                return False, False
            # Graceful deletion under way: only a shorter grace period changes anything.
            grace = options.grace_period_seconds
            if grace is None or grace >= old_grace:
                return False, True
            if grace == 0 and not meta.get("finalizers"):
                return False, False
            return True, False
        if not self.strategy.check_graceful_delete(ctx, existing, options):
            return False, False
        grace = options.grace_period_seconds or 0
        return grace > 0, False

    async def _update_for_graceful_deletion_and_finalizers(
        self,
        ctx: RequestContext,
        key: str,
        name: str,
        options: DeleteOptions,
        graceful: bool,
        preconditions: si.Preconditions,
        delete_validation: ValidateObjectFunc | None,
    ) -> Object | None:
        """Upstream `updateForGracefulDeletionAndFinalizers`: set the GC finalizers the options
        ask for, then set deletionTimestamp (and the grace period) without deleting. Returns
        the marked object, or None when nothing holds the object back and it is to be deleted
        now (the options removed its only finalizers)."""
        grace = options.grace_period_seconds or 0

        async def try_update(existing: Object | None) -> Object:
            assert existing is not None
            if delete_validation is not None:
                await delete_validation(ctx, existing)
            meta = metadata(existing)
            changed, finalizers = deletion_finalizers_for_garbage_collection(
                meta.get("finalizers") or [],
                options,
                self.strategy.default_garbage_collection_policy(ctx),
            )
            if changed:
                if finalizers:
                    meta["finalizers"] = finalizers
                else:
                    meta.pop("finalizers", None)
            first = not meta.get("deletionTimestamp")
            now = datetime.now(UTC).replace(microsecond=0)
            current = meta.get("deletionTimestamp")
            if graceful and grace > 0:
                deadline = now + timedelta(seconds=grace)
                if current is None or parse_time(current) > deadline:
                    meta["deletionTimestamp"] = format_time(deadline)
                meta["deletionGracePeriodSeconds"] = grace
            elif meta.get("finalizers"):
                # Upstream `markAsDeleting`.
                if current is None or parse_time(current) > now:
                    meta["deletionTimestamp"] = format_time(now)
                meta["deletionGracePeriodSeconds"] = 0
            else:
                raise _DeleteNow
            if first and meta.get("generation", 0) > 0:
                meta["generation"] += 1
            return existing

        try:
            return await self.storage.guaranteed_update(
                key, try_update, preconditions=preconditions, dry_run=options.dry_run
            )
        except _DeleteNow:
            return None
        except si.StorageError as err:
            self._interpret(err, name)

    async def delete_collection(
        self,
        ctx: RequestContext,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
        list_options: ListOptions,
    ) -> Object:
        listed = await self.list(ctx, list_options)
        items: list[Object] = listed["items"]
        while listed["metadata"].get("continue"):
            list_options.continue_token = listed["metadata"]["continue"]
            list_options.resource_version = ""
            list_options.resource_version_match = ""
            listed = await self.list(ctx, list_options)
            items.extend(listed["items"])
        sem = asyncio.Semaphore(DELETE_COLLECTION_WORKERS)

        async def delete_one(item: Object) -> None:
            meta = metadata(item)
            item_ctx = RequestContext(
                namespace=meta.get("namespace", ""), user=ctx.user, warnings=ctx.warnings
            )
            async with sem:
                try:
                    await self.delete(item_ctx, meta["name"], delete_validation, copy.copy(options))
                except errors.StatusError as err:
                    if err.code != 404:  # already gone: fine
                        raise

        await asyncio.gather(*(delete_one(i) for i in items))
        out = self.new_list()
        out["metadata"] = {"resourceVersion": listed["metadata"].get("resourceVersion", "")}
        out["items"] = items
        return out

    # -- tables ---------------------------------------------------------------------------

    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object:
        items = obj.get("items", [obj])
        rows = []
        for item in items:
            row: dict[str, Any] = {"cells": self.printer.row(item)}
            if include_object == "Object":
                row["object"] = item
            elif include_object != "None":
                row["object"] = partial_object_metadata(item)
            rows.append(row)
        table: dict[str, Any] = {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {},
            "columnDefinitions": self.printer.column_dicts,
            "rows": rows,
        }
        if "items" in obj:
            lm = obj.get("metadata") or {}
            table["metadata"] = {
                k: lm[k] for k in ("resourceVersion", "continue", "remainingItemCount") if k in lm
            }
        else:
            rv = metadata(obj).get("resourceVersion")
            if rv:
                table["metadata"] = {"resourceVersion": rv}
        return table


def deletion_finalizers_for_garbage_collection(
    finalizers: list[str], options: DeleteOptions, default: GarbageCollectionPolicy
) -> tuple[bool, list[str]]:
    """Upstream `deletionFinalizersForGarbageCollection`: the finalizers a DELETE leaves for
    the garbage collector, and whether they differ (as a set) from `finalizers`. An explicit
    orphanDependents / propagationPolicy wins, then a GC finalizer already present, then the
    kind's default."""
    supported = default is not GarbageCollectionPolicy.UNSUPPORTED
    orphan = supported and _should_orphan_dependents(finalizers, options, default)
    foreground = supported and _should_delete_dependents(finalizers, options)
    out = [f for f in finalizers if f not in (FINALIZER_ORPHAN, FINALIZER_FOREGROUND)]
    if orphan:
        out.append(FINALIZER_ORPHAN)
    if foreground:
        out.append(FINALIZER_FOREGROUND)
    if set(out) == set(finalizers):
        return False, finalizers
    return True, out


def _should_orphan_dependents(
    finalizers: list[str], options: DeleteOptions, default: GarbageCollectionPolicy
) -> bool:
    if options.orphan_dependents is not None:
        return options.orphan_dependents
    if options.propagation_policy is not None:
        return options.propagation_policy == "Orphan"
    for f in finalizers:
        if f in (FINALIZER_ORPHAN, FINALIZER_FOREGROUND):
            return f == FINALIZER_ORPHAN
    return default is GarbageCollectionPolicy.ORPHAN_DEPENDENTS


def _should_delete_dependents(finalizers: list[str], options: DeleteOptions) -> bool:
    if options.orphan_dependents is not None:
        return False
    if options.propagation_policy is not None:
        return options.propagation_policy == "Foreground"
    for f in finalizers:
        if f in (FINALIZER_ORPHAN, FINALIZER_FOREGROUND):
            return f == FINALIZER_FOREGROUND
    return False


def partial_object_metadata(obj: Object) -> Object:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata") or {},
    }


def interpret_read_error(err: si.StorageError) -> errors.StatusError:
    """Storage errors of reads and watches as the API reports them."""
    if isinstance(err, si.CompactedError):
        return errors.new_too_old_resource_version(err.requested, err.compact_revision)
    if isinstance(err, si.FutureRevisionError):
        return errors.new_too_large_resource_version(err.requested, err.current, 1)
    if isinstance(err, si.InvalidResourceVersionError):
        return errors.new_bad_request(f"invalid resource version: {err.value}")
    if isinstance(err, ContinueWithResourceVersionError):
        return errors.new_bad_request(str(err))
    if isinstance(err, si.InvalidContinueError):
        return errors.new_bad_request(f"invalid continue token: {err.reason}")
    return errors.new_internal_error(str(err))


EXPIRED_CONTINUE_MSG = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this "
    "response to retrieve the remainder of the results. Continuing with the provided token "
    "results in an inconsistent list - objects that were created, modified, or deleted "
    "between the time the first chunk was returned and now may show up in the list."
)


class ExpiredContinueError(errors.StatusError):
    """410 whose Status carries a fresh continue token in `metadata.continue`."""

    def __init__(self, token: str) -> None:
        super().__init__(410, "Expired", EXPIRED_CONTINUE_MSG)
        self.continue_token = token

    def status(self) -> dict[str, Any]:
        out = super().status()
        out["metadata"] = {"continue": self.continue_token}
        return out


def interpret_list_error(err: si.StorageError) -> errors.StatusError:
    if isinstance(err, si.ContinueExpiredError):
        return ExpiredContinueError(err.continue_token)
    if isinstance(err, si.CompactedError):
        return errors.new_resource_expired("The resourceVersion for the provided list is too old.")
    return interpret_read_error(err)


class _TypedWatch:
    """Gives BOOKMARK objects the watched kind, and turns storage errors raised mid-stream
    (compaction, overflow) into ERROR events carrying a Status."""

    def __init__(self, inner: Watch, gvk: GroupVersionKind) -> None:
        self._inner = inner
        self._gvk = gvk

    def __aiter__(self) -> AsyncIterator[WatchEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[WatchEvent]:
        try:
            async for ev in self._inner:
                if ev.type is WatchEventType.BOOKMARK:
                    obj = {"kind": self._gvk.kind, "apiVersion": self._gvk.api_version}
                    obj.update(ev.object)
                    yield WatchEvent(ev.type, obj)
                else:
                    yield ev
        except si.WatchOverflowError:
            return
        except si.StorageError as err:
            yield WatchEvent(WatchEventType.ERROR, interpret_read_error(err).status())

    async def stop(self) -> None:
        await self._inner.stop()


StoreFactory = Callable[..., Store]
