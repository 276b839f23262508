"""Pod storage (upstream `pkg/registry/core/pod/storage/storage.go` and `eviction.go`): the
main resource, `pods/status`, `pods/binding`, `pods/eviction` and the top-level `bindings`,
sharing one Store."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import orjson

from kapi.machinery import errors
from kapi.machinery import field as fielderr
from kapi.machinery.meta import metadata, now_rfc3339
from kapi.machinery.options import CreateOptions, DeleteOptions, GetOptions, UpdateOptions
from kapi.machinery.schema import GroupResource, GroupVersion, GroupVersionKind
from kapi.registry.context import RequestContext
from kapi.registry.core.pod.printer import PRINTER
from kapi.registry.core.pod.strategy import PodBindingStrategy, PodStatusStrategy, PodStrategy
from kapi.registry.core.shape import mapping, mappings, text
from kapi.registry.generic.store import Store
from kapi.registry.generic.subresource import StatusREST
from kapi.registry.rest import ValidateObjectFunc
from kapi.storage.interface import Storage

Object = dict[str, Any]

PODS = GroupResource("", "pods")
POD_BINDINGS = GroupResource("", "pods/binding")
EVICTION_GROUP_VERSIONS = (GroupVersion("policy", "v1"), GroupVersion("policy", "v1beta1"))


def _success() -> Object:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}


def _copy(obj: Object) -> Object:
    # A JSON round trip copies plain JSON objects several times faster than deepcopy.
    result: Object = orjson.loads(orjson.dumps(obj))
    return result


def update_pod_condition(status: Object, condition: Object) -> None:
    """Upstream `podutil.UpdatePodCondition`: replace the condition of that type, keeping
    its lastTransitionTime when the status did not change, or append it."""
    new: Object = {
        "type": condition["type"],
        "status": condition["status"],
        "lastProbeTime": None,
        "lastTransitionTime": now_rfc3339(),
    }
    for k in ("reason", "message"):
        if condition.get(k):
            new[k] = condition[k]
    conditions = status.get("conditions")
    if not isinstance(conditions, list):
        conditions = status["conditions"] = []
    for i, old in enumerate(mappings(conditions)):
        if old.get("type") == new["type"]:
            if old.get("status") == new["status"] and old.get("lastTransitionTime"):
                new["lastTransitionTime"] = old["lastTransitionTime"]
            conditions[i] = new
            return
    conditions.append(new)


def _check_request_namespace(ctx: RequestContext, obj: Object) -> None:
    """Upstream `EnsureObjectNamespaceMatchesRequestNamespace` for subresource bodies."""
    ns = text(metadata(obj).get("namespace"))
    if ns and ns != ctx.namespace:
        raise errors.new_bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"
        )


def _validate_binding(binding: Object) -> list[fielderr.FieldError]:
    """Upstream `ValidatePodBinding`."""
    target = mapping(binding.get("target"))
    errs: list[fielderr.FieldError] = []
    kind = text(target.get("kind"))
    if kind and kind != "Node":
        errs.append(fielderr.not_supported("target.kind", kind, ["Node", "<empty>"]))
    if not text(target.get("name")):
        errs.append(fielderr.required("target.name"))
    return errs


class _BindPod:
    """The UpdatedObjectInfo of a binding (upstream `setPodNodeAndMetadata`): run inside the
    storage retry loop against the current pod."""

    def __init__(self, name: str, node: str, annotations: dict[str, Any], uid: str, rv: str):
        self.name = name
        self.node = node
        self.annotations = annotations
        self.uid = uid
        self.rv = rv

    def preconditions(self) -> tuple[str | None, str | None]:
        return self.uid or None, self.rv or None

    def _conflict(self, message: str) -> errors.StatusError:
        return errors.new_conflict(POD_BINDINGS, self.name, message)

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        if old is None:
            raise errors.new_not_found(PODS, self.name)
        pod = _copy(old)
        meta = metadata(pod)
        current_rv = text(meta.get("resourceVersion"))
        if self.rv and self.rv != current_rv:
            # The Store checks the uid precondition; the resourceVersion one is checked here
            # so the answer carries the storage layer's message.
            raise errors.new_conflict(
                PODS,
                self.name,
                f"Precondition failed: ResourceVersion in precondition: {self.rv}, "
                f"ResourceVersion in object meta: {current_rv}",
            )
        spec = pod.get("spec")
        if not isinstance(spec, dict):
            spec = pod["spec"] = {}
        if meta.get("deletionTimestamp"):
            raise self._conflict(f"pod {self.name} is being deleted, cannot be assigned to a host")
        node = text(spec.get("nodeName"))
        if node:
            raise self._conflict(f'pod {self.name} is already assigned to node "{node}"')
        if spec.get("schedulingGates"):
            raise self._conflict(f"pod {self.name} has non-empty .spec.schedulingGates")
        spec["nodeName"] = self.node
        if self.annotations:
            annotations = meta.get("annotations")
            if not isinstance(annotations, dict):
                annotations = meta["annotations"] = {}
            annotations.update(self.annotations)
        status = pod.get("status")
        if not isinstance(status, dict):
            status = pod["status"] = {}
        update_pod_condition(status, {"type": "PodScheduled", "status": "True"})
        return pod


class BindingREST:
    """pods/binding (upstream `BindingREST`): assigns a pod to a node; used by schedulers."""

    def __init__(self, store: Store) -> None:
        # A Store copy with `PodBindingStrategy`: the binding's write skips pod update rules.
        self.store = store

    def new(self) -> Object:
        return {"apiVersion": "v1", "kind": "Binding"}

    async def create_named(
        self,
        ctx: RequestContext,
        name: str,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object:
        meta = metadata(obj)
        if text(meta.get("name")) != name:
            raise errors.new_bad_request("name in URL does not match name in Binding object")
        _check_request_namespace(ctx, obj)
        errs = _validate_binding(obj)
        if errs:
            # Upstream returns the plain aggregate here, which reaches the client as a 500
            # with no reason.
            raise errors.StatusError(500, "", fielderr.aggregate_message(errs))
        if create_validation is not None:
            await create_validation(ctx, _copy(obj))
        annotations = {
            k: v for k, v in mapping(meta.get("annotations")).items() if isinstance(v, str)
        }
        info = _BindPod(
            name,
            text(mapping(obj.get("target")).get("name")),
            annotations,
            text(meta.get("uid")),
            text(meta.get("resourceVersion")),
        )
        await self.store.update(
            ctx, name, info, None, None, False, UpdateOptions(dry_run=options.dry_run)
        )
        return _success()


class LegacyBindingREST:
    """Top-level `bindings` (upstream `LegacyBindingREST`): pods/binding with the pod's name
    taken from the body."""

    def __init__(self, binding: BindingREST) -> None:
        self.binding = binding

    def new(self) -> Object:
        return self.binding.new()

    def namespace_scoped(self) -> bool:
        return True

    def singular_name(self) -> str:
        return "binding"

    async def create(
        self,
        ctx: RequestContext,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object:
        name = text(metadata(obj).get("name"))
        return await self.binding.create_named(ctx, name, obj, create_validation, options)


class _MarkDisruptionTarget:
    """Adds the DisruptionTarget condition to the current pod before an eviction deletes it
    (upstream `addConditionAndDeletePod`), checking the eviction's preconditions first."""

    def __init__(self, name: str, uid: str | None, rv: str | None) -> None:
        self.name = name
        self.uid = uid
        self.rv = rv

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        if old is None:
            raise errors.new_not_found(PODS, self.name)
        pod = _copy(old)
        meta = metadata(pod)
        # Upstream names the resource "Pod" in these two conflicts.
        qr = GroupResource("", "Pod")
        uid = text(meta.get("uid"))
        if self.uid and self.uid != uid:
            raise errors.new_conflict(
                qr,
                self.name,
                f"the UID in the precondition ({self.uid}) does not match the UID in record "
                f"({uid}). The object might have been deleted and then recreated",
            )
        rv = text(meta.get("resourceVersion"))
        if self.rv and self.rv != rv:
            raise errors.new_conflict(
                qr,
                self.name,
                f"the ResourceVersion in the precondition ({self.rv}) does not match the "
                f"ResourceVersion in record ({rv}). The object might have been modified",
            )
        status = pod.get("status")
        if not isinstance(status, dict):
            status = pod["status"] = {}
        update_pod_condition(
            status,
            {
                "type": "DisruptionTarget",
                "status": "True",
                "reason": "EvictionByEvictionAPI",
                "message": "Eviction API: evicting",
            },
        )
        return pod


class EvictionREST:
    """pods/eviction (upstream `EvictionREST`).

    kapi serves no PodDisruptionBudgets yet, so no budget can forbid an eviction: every
    eviction takes upstream's "no PDB matches the pod" path and deletes the pod with the
    Eviction's deleteOptions (preconditions, grace period). The 429 answer and the budget
    bookkeeping come with the policy group.
    """

    def __init__(self, store: Store, status_store: Store) -> None:
        self.store = store
        # The DisruptionTarget condition is a status write.
        self.status_store = status_store

    def new(self) -> Object:
        return {"apiVersion": "policy/v1", "kind": "Eviction"}

    def group_version_kind(self, containing: GroupVersion) -> GroupVersionKind:
        return GroupVersionKind("policy", "v1", "Eviction")

    def accepts_group_version(self, gv: GroupVersion) -> bool:
        return gv in EVICTION_GROUP_VERSIONS

    async def create_named(
        self,
        ctx: RequestContext,
        name: str,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object:
        if text(metadata(obj).get("name")) != name:
            raise errors.new_bad_request("name in URL does not match name in Eviction object")
        _check_request_namespace(ctx, obj)
        delete_options = DeleteOptions.from_dict(mapping(obj.get("deleteOptions")))
        # Upstream `propagateDryRun`: the request's dryRun applies to the delete.
        if options.dry_run:
            delete_options.dry_run = True
        if create_validation is not None:
            await create_validation(ctx, _copy(obj))
        await self.store.get(ctx, name, GetOptions())  # 404 for a missing pod
        pre = delete_options.preconditions
        if not delete_options.dry_run:
            marked, _ = await self.status_store.update(
                ctx,
                name,
                _MarkDisruptionTarget(
                    name, pre.uid if pre else None, pre.resource_version if pre else None
                ),
                None,
                None,
                False,
                UpdateOptions(),
            )
            if pre is not None and pre.resource_version:
                # The condition write moved the pod on; the delete must expect that version.
                pre.resource_version = text(metadata(marked).get("resourceVersion"))
        await self.store.delete(ctx, name, None, delete_options)
        return _success()


@dataclass(frozen=True, slots=True)
class PodStorage:
    pod: Store
    status: StatusREST
    binding: BindingREST
    legacy_binding: LegacyBindingREST
    eviction: EvictionREST


def new_pod_storage(s: Storage) -> PodStorage:
    store = Store(
        gvk=GroupVersionKind("", "v1", "Pod"),
        resource="pods",
        singular="pod",
        strategy=PodStrategy(),
        storage=s,
        short_names=("po",),
        categories=("all",),
        printer=PRINTER,
        return_deleted_object=True,
    )
    status_store = dataclasses.replace(store, strategy=PodStatusStrategy())
    binding = BindingREST(dataclasses.replace(store, strategy=PodBindingStrategy()))
    return PodStorage(
        pod=store,
        status=StatusREST(status_store),
        binding=binding,
        legacy_binding=LegacyBindingREST(binding),
        eviction=EvictionREST(store, status_store),
    )
