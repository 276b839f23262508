"""Turn a group version's rest-storage map into routes and discovery entries (upstream
`k8s.io/apiserver/pkg/endpoints/installer.go`).

What a storage object can do is decided once, here, by checking which verb protocols it
implements; the handlers and the discovery documents both read the result, so routes and
advertised verbs cannot drift apart.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from typing import Any

from kapi.machinery.schema import GroupVersion, GroupVersionKind
from kapi.registry import rest


@dataclass(slots=True)
class InstalledResource:
    name: str  # "pods" or "pods/status"
    resource: str
    subresource: str
    storage: Any
    namespaced: bool
    gvk: GroupVersionKind
    verbs: list[str]
    singular: str = ""
    short_names: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    storage_version_hash: str = ""


@dataclass(slots=True)
class APIGroupVersion:
    group_version: GroupVersion
    resources: dict[str, InstalledResource]

    def lookup(self, resource: str, subresource: str = "") -> InstalledResource | None:
        return self.resources.get(f"{resource}/{subresource}" if subresource else resource)


def storage_version_hash(gvk: GroupVersionKind) -> str:
    digest = hashlib.sha256(f"{gvk.group}/{gvk.version}/{gvk.kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


def verbs_of(storage: Any, *, is_subresource: bool) -> list[str]:
    """Discovery verbs from the protocols a storage implements (`toDiscoveryKubeVerb`)."""
    verbs: set[str] = set()
    if isinstance(storage, rest.Getter):
        verbs.add("get")
    lister = isinstance(storage, rest.Lister)
    if lister:
        verbs.add("list")
    if isinstance(storage, (rest.Creater, rest.NamedCreater)):
        verbs.add("create")
    if isinstance(storage, rest.Updater):
        verbs.add("update")
    if isinstance(storage, rest.Patcher):
        verbs.add("patch")
    if isinstance(storage, rest.GracefulDeleter):
        verbs.add("delete")
    if isinstance(storage, rest.CollectionDeleter) and not is_subresource:
        verbs.add("deletecollection")
    if isinstance(storage, rest.Watcher) and lister:
        verbs.add("watch")
    if isinstance(storage, rest.Connecter):
        method_verbs = {
            "GET": "get",
            "POST": "create",
            "PUT": "update",
            "PATCH": "patch",
            "DELETE": "delete",
        }
        verbs.update(method_verbs[m] for m in storage.connect_methods() if m in method_verbs)
    return sorted(verbs)


def install(gv: GroupVersion, storage_map: dict[str, Any]) -> APIGroupVersion:
    resources: dict[str, InstalledResource] = {}
    for name in sorted(storage_map):
        storage = storage_map[name]
        if not isinstance(storage, rest.Storage):
            raise TypeError(f"{gv}/{name}: storage does not implement new()")
        resource, _, sub = name.partition("/")
        parent = storage_map.get(resource)
        scoper = storage if not sub else parent
        if not isinstance(scoper, rest.Scoper):
            raise TypeError(f"{gv}/{name}: the resource does not say whether it is namespaced")
        if isinstance(storage, rest.Lister) and not isinstance(storage, rest.TableConvertor):
            raise TypeError(f"{gv}/{name}: a Lister needs a TableConvertor")
        if isinstance(storage, rest.GroupVersionKindProvider):
            gvk = storage.group_version_kind(gv)
        else:
            new = storage.new()
            api_version = new.get("apiVersion") or str(gv)
            g = GroupVersion.parse(api_version)
            gvk = GroupVersionKind(g.group, g.version, new["kind"])
        entry = InstalledResource(
            name=name,
            resource=resource,
            subresource=sub,
            storage=storage,
            namespaced=scoper.namespace_scoped(),
            gvk=gvk,
            verbs=verbs_of(storage, is_subresource=bool(sub)),
        )
        if not sub:
            if not isinstance(storage, rest.SingularNameProvider):
                raise TypeError(f"{gv}/{name}: a resource needs a singular name")
            entry.singular = storage.singular_name()
            if isinstance(storage, rest.ShortNamesProvider):
                entry.short_names = storage.get_short_names()
            if isinstance(storage, rest.CategoriesProvider):
                entry.categories = storage.get_categories()
            entry.storage_version_hash = storage_version_hash(gvk)
        resources[name] = entry
    return APIGroupVersion(gv, resources)
