"""The `/scale` subresource of apps workloads: an autoscaling/v1 Scale view of the parent's
`spec.replicas` (upstream `ScaleREST` in `pkg/registry/apps/*/storage/storage.go`).

Reads convert the parent to a Scale; writes convert the parent to a Scale, let the request
(PUT body or patch) change that Scale, and write the replicas back, all inside the Store's
update retry loop so a scale never loses a concurrent change to the parent."""

from __future__ import annotations

import copy
from typing import Any

from kapi.machinery import errors, labels
from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import Path
from kapi.machinery.meta import metadata
from kapi.machinery.options import GetOptions, UpdateOptions
from kapi.machinery.schema import GroupKind, GroupResource, GroupVersion, GroupVersionKind
from kapi.registry.context import RequestContext
from kapi.registry.core.shape import integer, mapping, text
from kapi.registry.generic.store import Store
from kapi.registry.rest import UpdatedObjectInfo, ValidateObjectFunc, ValidateObjectUpdateFunc

Object = dict[str, Any]

SCALE_GVK = GroupVersionKind("autoscaling", "v1", "Scale")
SCALE_KIND = GroupKind("autoscaling", "Scale")


def scale_from(parent: Object) -> Object:
    """The Scale of a workload (upstream `scaleFromDeployment` / `scaleFromReplicaSet`)."""
    meta = mapping(parent.get("metadata"))
    spec, status = mapping(parent.get("spec")), mapping(parent.get("status"))
    sel = spec.get("selector")
    try:
        selector = str(labels.from_label_selector_dict(sel if isinstance(sel, dict) else None))
    except (ValueError, TypeError, AttributeError) as err:
        raise errors.new_bad_request(str(err)) from err
    scale_meta = {
        k: meta[k]
        for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
        if meta.get(k)
    }
    scale_spec: Object = {}
    replicas = integer(spec.get("replicas")) or 0
    if replicas:
        scale_spec["replicas"] = replicas  # omitempty in autoscaling/v1
    scale_status: Object = {"replicas": integer(status.get("replicas")) or 0}
    if selector:
        scale_status["selector"] = selector
    return {
        "kind": SCALE_GVK.kind,
        "apiVersion": SCALE_GVK.api_version,
        "metadata": scale_meta,
        "spec": scale_spec,
        "status": scale_status,
    }


class _ScaleUpdatedObjectInfo:
    def __init__(self, inner: UpdatedObjectInfo, name: str, subresource: GroupResource):
        self.inner = inner
        self.name = name
        self.subresource = subresource

    def preconditions(self) -> tuple[str | None, str | None]:
        return self.inner.preconditions()

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        if old is None:
            raise errors.new_not_found(self.subresource, self.name)
        parent = copy.deepcopy(old)
        scale = await self.inner.updated_object(ctx, scale_from(parent))
        meta = metadata(scale)
        if not meta.get("namespace"):
            meta["namespace"] = ctx.namespace
        errs = mv.validate_object_meta(meta, True, mv.name_is_dns_subdomain)
        replicas = integer(mapping(scale.get("spec")).get("replicas")) or 0
        if replicas < 0:
            errs.append(fe.invalid(Path("spec", "replicas"), replicas, mv.IS_NEGATIVE_ERROR_MSG))
        if errs:
            raise errors.new_invalid(SCALE_KIND, text(metadata(parent).get("name")), errs)
        uid = text(meta.get("uid"))
        parent_uid = text(metadata(parent).get("uid"))
        if uid and uid != parent_uid:
            raise errors.new_conflict(
                self.subresource,
                self.name,
                f"Precondition failed: UID in precondition: {uid}, UID in object meta: "
                f"{parent_uid}",
            )
        parent.setdefault("spec", {})["replicas"] = replicas
        rv = meta.get("resourceVersion")
        if rv:
            metadata(parent)["resourceVersion"] = rv
        else:
            metadata(parent).pop("resourceVersion", None)
        return parent


class ScaleREST:
    """get, update and patch of an autoscaling/v1 Scale over the parent's Store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        qr = store.qualified_resource
        self.subresource = GroupResource(qr.group, f"{qr.resource}/scale")

    def new(self) -> Object:
        return {"apiVersion": SCALE_GVK.api_version, "kind": SCALE_GVK.kind}

    def group_version_kind(self, containing: GroupVersion) -> GroupVersionKind:
        return SCALE_GVK

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object:
        return scale_from(await self.store.get(ctx, name, options))

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
        # Admission for the scale subresource sees the parent; a Scale never creates one.
        info = _ScaleUpdatedObjectInfo(obj_info, name, self.subresource)
        out, _ = await self.store.update(
            ctx, name, info, create_validation, update_validation, False, options
        )
        return scale_from(out), False
