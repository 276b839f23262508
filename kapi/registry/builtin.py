"""The built-in API groups kapi serves, in upstream's discovery order."""

from __future__ import annotations

from kapi.machinery.schema import GroupVersion
from kapi.registry.apps import rest_storage as apps
from kapi.registry.coordination import rest_storage as coordination
from kapi.registry.core import rest_storage as core
from kapi.storage.interface import Storage


def builtin_api_groups(storage: Storage) -> dict[GroupVersion, dict[str, object]]:
    return {
        GroupVersion("", "v1"): core.new_rest_storage(storage),
        GroupVersion("apps", "v1"): apps.new_rest_storage(storage),
        GroupVersion("coordination.k8s.io", "v1"): coordination.new_rest_storage(storage),
    }
