"""The REST operation interfaces (upstream `k8s.io/apiserver/pkg/registry/rest/rest.go`).

A storage object registered for a resource implements some of these protocols; the installer
checks which ones (`isinstance`, once, at start-up) and derives the routes and the discovery
verbs from the answer. Nothing else lives here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

from kapi.machinery.options import (
    CreateOptions,
    DeleteOptions,
    GetOptions,
    ListOptions,
    UpdateOptions,
)
from kapi.machinery.schema import GroupVersion, GroupVersionKind
from kapi.registry.context import RequestContext
from kapi.storage.interface import Watch

Object = dict[str, Any]

# Admission hooks passed into the registry, run inside the storage retry loop (upstream's
# createValidation / updateValidation / deleteValidation).
ValidateObjectFunc = Callable[[RequestContext, Object], Awaitable[None]]
ValidateObjectUpdateFunc = Callable[[RequestContext, Object, Object], Awaitable[None]]


@runtime_checkable
class Storage(Protocol):
    def new(self) -> Object:
        """An empty object of the kind this storage serves: `{"apiVersion", "kind"}`."""
        ...


@runtime_checkable
class Scoper(Protocol):
    def namespace_scoped(self) -> bool: ...


@runtime_checkable
class Getter(Protocol):
    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> Object: ...


@runtime_checkable
class Lister(Protocol):
    def new_list(self) -> Object: ...

    async def list(self, ctx: RequestContext, options: ListOptions) -> Object: ...


@runtime_checkable
class TableConvertor(Protocol):
    def convert_to_table(self, ctx: RequestContext, obj: Object, include_object: str) -> Object: ...


@runtime_checkable
class Creater(Protocol):
    async def create(
        self,
        ctx: RequestContext,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object: ...


@runtime_checkable
class NamedCreater(Protocol):
    """POST on a subresource that acts on its parent (pods/binding, pods/eviction): the
    parent's name comes from the URL. Upstream overloads `Create`; Python cannot."""

    async def create_named(
        self,
        ctx: RequestContext,
        name: str,
        obj: Object,
        create_validation: ValidateObjectFunc | None,
        options: CreateOptions,
    ) -> Object: ...


@runtime_checkable
class GroupVersionAcceptor(Protocol):
    """Accepts request bodies of group versions other than its own kind's (pods/eviction
    takes policy/v1 and policy/v1beta1 Evictions)."""

    def accepts_group_version(self, gv: GroupVersion) -> bool: ...


class UpdatedObjectInfo(Protocol):
    """What an update wants: preconditions from the request, and the new object computed
    from the current one (PUT returns its body, PATCH applies itself) inside the retry loop."""

    def preconditions(self) -> tuple[str | None, str | None]:
        """(uid, resourceVersion) the request requires, or None for each."""
        ...

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object: ...


@runtime_checkable
class Updater(Protocol):
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
        """Returns (object, created)."""
        ...


@runtime_checkable
class Patcher(Getter, Updater, Protocol):
    """PATCH is get + apply + update; there is no separate patch method."""


@runtime_checkable
class GracefulDeleter(Protocol):
    async def delete(
        self,
        ctx: RequestContext,
        name: str,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
    ) -> tuple[Object, bool]:
        """Returns (object or Status, deleted immediately)."""
        ...


@runtime_checkable
class MayReturnFullObjectDeleter(Protocol):
    def delete_returns_deleted_object(self) -> bool: ...


@runtime_checkable
class CollectionDeleter(Protocol):
    async def delete_collection(
        self,
        ctx: RequestContext,
        delete_validation: ValidateObjectFunc | None,
        options: DeleteOptions,
        list_options: ListOptions,
    ) -> Object: ...


@runtime_checkable
class Watcher(Protocol):
    async def watch(self, ctx: RequestContext, options: ListOptions) -> Watch: ...


@runtime_checkable
class Connecter(Protocol):
    def connect_methods(self) -> list[str]: ...

    async def connect(self, ctx: RequestContext, name: str, options: dict[str, Any]) -> Any: ...


@runtime_checkable
class ShortNamesProvider(Protocol):
    def get_short_names(self) -> list[str]: ...


@runtime_checkable
class CategoriesProvider(Protocol):
    def get_categories(self) -> list[str]: ...


@runtime_checkable
class SingularNameProvider(Protocol):
    def singular_name(self) -> str: ...


@runtime_checkable
class GroupVersionKindProvider(Protocol):
    def group_version_kind(self, containing: GroupVersion) -> GroupVersionKind: ...
