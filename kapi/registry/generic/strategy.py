"""The per-resource hooks the generic Store calls (upstream `RESTCreateStrategy`,
`RESTUpdateStrategy`, `RESTDeleteStrategy`, `RESTGracefulDeleteStrategy`).

A resource subclasses `Strategy` and overrides what differs from the defaults. Every hook runs
inside the Store's flow in upstream's order:

create: prepare_for_create -> validate (+ generic metadata checks) -> warnings_on_create ->
        canonicalize -> admission -> storage create
update: (inside the storage retry loop) prepare_for_update -> validate_update (+ generic
        metadata update checks) -> warnings_on_update -> canonicalize -> admission -> CAS write
delete: check_graceful_delete decides whether DELETE only marks the object;
        default_garbage_collection_policy decides the GC finalizers when the request names none
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from kapi.machinery.field import ErrorList
from kapi.machinery.options import DeleteOptions
from kapi.registry.context import RequestContext

Object = dict[str, Any]


class GarbageCollectionPolicy(StrEnum):
    """Upstream `rest.GarbageCollectionPolicy`: what a DELETE without an explicit
    propagation policy does to dependents."""

    #: Background: dependents are collected after the owner is gone.
    DELETE_DEPENDENTS = "DeleteDependents"
    #: The `orphan` finalizer is added (legacy extensions/v1beta1 and apps/v1beta* kinds).
    ORPHAN_DEPENDENTS = "OrphanDependents"
    #: No GC finalizers at all: DELETE strips `orphan` / `foregroundDeletion` (events).
    UNSUPPORTED = "Unsupported"


class Strategy:
    #: Namespaced kinds get `/namespaces/{ns}/` paths and a namespace in their key.
    namespaced: bool = True
    #: PUT of a missing object creates it (endpoints, leases, events).
    allow_create_on_update: bool = False
    #: PUT without metadata.resourceVersion is last-write-wins instead of 422.
    allow_unconditional_update: bool = True
    #: Field labels usable in fieldSelector besides metadata.name / metadata.namespace.
    selectable_fields: tuple[str, ...] = ()

    def prepare_for_create(self, ctx: RequestContext, obj: Object) -> None:
        """Normalize a new object before validation: clear status, set generation, defaults.
        May mutate `obj`."""

    def validate(self, ctx: RequestContext, obj: Object) -> ErrorList:
        """Validate a new object, including its metadata with the kind's name rule."""
        return []

    def warnings_on_create(self, ctx: RequestContext, obj: Object) -> list[str]:
        return []

    def canonicalize(self, obj: Object) -> None:
        """Last normalization before storage (e.g. sort a set-like list)."""

    def prepare_for_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        """Normalize an update: e.g. keep the old status on the main resource, keep the old
        spec on /status, bump generation when the spec changed. May mutate `obj` only."""

    def validate_update(self, ctx: RequestContext, obj: Object, old: Object) -> ErrorList:
        return []

    def warnings_on_update(self, ctx: RequestContext, obj: Object, old: Object) -> list[str]:
        return []

    def check_graceful_delete(
        self, ctx: RequestContext, obj: Object, options: DeleteOptions
    ) -> bool:
        """Return True to delete gracefully: the Store then only sets deletionTimestamp to now
        + options.grace_period_seconds (which this hook may set). Default: delete at once."""
        return False

    def default_garbage_collection_policy(self, ctx: RequestContext) -> GarbageCollectionPolicy:
        """Upstream `GarbageCollectionDeleteStrategy.DefaultGarbageCollectionPolicy`."""
        return GarbageCollectionPolicy.DELETE_DEPENDENTS

    def should_delete_during_update(self, obj: Object, old: Object) -> bool:
        """Whether an update that leaves `obj` like this completes a pending deletion (upstream
        `ShouldDeleteDuringUpdate`): deletion requested with grace 0 and no finalizers left."""
        meta = obj.get("metadata") or {}
        return (
            bool(meta.get("deletionTimestamp"))
            and not meta.get("deletionGracePeriodSeconds")
            and not meta.get("finalizers")
        )

    def get_attrs(self, obj: Object) -> tuple[Mapping[str, str], Mapping[str, str]]:
        """(labels, selectable fields) for label and field selectors."""
        meta = obj.get("metadata") or {}
        fields = {"metadata.name": meta.get("name", "")}
        if self.namespaced:
            fields["metadata.namespace"] = meta.get("namespace", "")
        for f in self.selectable_fields:
            fields[f] = selectable_field_value(obj, f)
        return meta.get("labels") or {}, fields


def selectable_field_value(obj: Object, path: str) -> str:
    """A dotted field's value rendered as upstream's field sets do (bools as "true"/"false",
    missing as "")."""
    cur: Any = obj
    for part in path.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(part)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)
