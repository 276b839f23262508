"""The admission chain (upstream `k8s.io/apiserver/pkg/admission`). Mutating plugins run in
the handler before the registry; validating plugins run inside the registry's flow through
the create/update/delete validation callbacks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kapi.machinery import errors
from kapi.machinery.schema import GroupResource, GroupVersionResource

Object = dict[str, Any]

CREATE, UPDATE, DELETE, CONNECT = "CREATE", "UPDATE", "DELETE", "CONNECT"


@dataclass(frozen=True, slots=True)
class Attributes:
    resource: GroupVersionResource
    subresource: str
    namespace: str
    name: str
    operation: str


class Plugin(Protocol):
    async def admit(self, attrs: Attributes, obj: Object | None) -> None: ...


class Chain:
    def __init__(self, plugins: list[Plugin]) -> None:
        self.plugins = plugins

    async def admit(self, attrs: Attributes, obj: Object | None) -> None:
        for p in self.plugins:
            await p.admit(attrs, obj)


# Namespaces the server keeps alive (upstream `immortalNamespaces`).
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})

# Reads a namespace object, or returns None if it does not exist.
NamespaceGetter = Callable[[str], Awaitable[Object | None]]


class NamespaceLifecycle:
    """Upstream `plugin/namespace/lifecycle`: no content in missing or terminating
    namespaces, and the system namespaces cannot be deleted."""

    def __init__(self, get_namespace: NamespaceGetter) -> None:
        self._get = get_namespace

    async def admit(self, attrs: Attributes, obj: Object | None) -> None:
        ns_resource = GroupResource("", "namespaces")
        if attrs.resource.group_resource == ns_resource and not attrs.subresource:
            if attrs.operation == DELETE and attrs.name in IMMORTAL_NAMESPACES:
                raise errors.new_forbidden(
                    ns_resource, attrs.name, "this namespace may not be deleted"
                )
            return
        if attrs.operation != CREATE or not attrs.namespace:
            return
        ns = await self._get(attrs.namespace)
        if ns is None:
            raise errors.new_not_found(ns_resource, attrs.namespace)
        if (ns.get("status") or {}).get("phase") == "Terminating" and not attrs.subresource:
            raise errors.new_forbidden(
                attrs.resource.group_resource,
                attrs.name,
                f"unable to create new content in namespace {attrs.namespace} because it is "
                "being terminated",
                errors.Cause(
                    "NamespaceTerminating",
                    f"namespace {attrs.namespace} is being terminated",
                    "metadata.namespace",
                ),
            )


class ServiceAccountAdmission:
    """The defaulting half of upstream's `plugin/pkg/admission/serviceaccount`: a pod without
    a service account runs as `default`. (Token volumes are not mounted: kapi issues no
    service-account tokens yet.)"""

    async def admit(self, attrs: Attributes, obj: Object | None) -> None:
        if (
            obj is None
            or attrs.operation != CREATE
            or attrs.subresource
            or attrs.resource.group_resource != GroupResource("", "pods")
        ):
            return
        spec = obj.get("spec")
        if not isinstance(spec, dict):
            return
        name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        spec["serviceAccountName"] = name
        spec["serviceAccount"] = name
