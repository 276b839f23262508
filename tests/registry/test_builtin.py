"""The built-in groups as the installer sees them: order, resources, verbs, kinds, short
names and categories, as `kubectl api-resources` shows them upstream."""

from __future__ import annotations

from typing import Any

from kapi.endpoints.installer import install
from kapi.machinery.schema import GroupVersion

RW = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
STATUS = ["get", "patch", "update"]

EXPECTED: dict[GroupVersion, dict[str, tuple[str, list[str], list[str]]]] = {
    GroupVersion("", "v1"): {
        "bindings": ("Binding", ["create"], []),
        "configmaps": ("ConfigMap", RW, ["cm"]),
        "endpoints": ("Endpoints", RW, ["ep"]),
        "events": ("Event", RW, ["ev"]),
        "namespaces": (
            "Namespace",
            ["create", "delete", "get", "list", "patch", "update", "watch"],
            ["ns"],
        ),
        "namespaces/finalize": ("Namespace", ["update"], []),
        "namespaces/status": ("Namespace", STATUS, []),
        "nodes": ("Node", RW, ["no"]),
        "nodes/status": ("Node", STATUS, []),
        "pods": ("Pod", RW, ["po"]),
        "pods/binding": ("Binding", ["create"], []),
        "pods/eviction": ("Eviction", ["create"], []),
        "pods/status": ("Pod", STATUS, []),
        "secrets": ("Secret", RW, []),
        "serviceaccounts": ("ServiceAccount", RW, ["sa"]),
        "services": ("Service", RW, ["svc"]),
        "services/status": ("Service", STATUS, []),
    },
    GroupVersion("apps", "v1"): {
        "deployments": ("Deployment", RW, ["deploy"]),
        "deployments/scale": ("Scale", STATUS, []),
        "deployments/status": ("Deployment", STATUS, []),
        "replicasets": ("ReplicaSet", RW, ["rs"]),
        "replicasets/scale": ("Scale", STATUS, []),
        "replicasets/status": ("ReplicaSet", STATUS, []),
    },
    GroupVersion("coordination.k8s.io", "v1"): {"leases": ("Lease", RW, [])},
}

CLUSTER_SCOPED = {"namespaces", "nodes"}
IN_CATEGORY_ALL = {"pods", "services", "deployments", "replicasets"}


def test_group_order(groups: dict[GroupVersion, dict[str, Any]]) -> None:
    assert list(groups) == list(EXPECTED)


def test_installed_resources(groups: dict[GroupVersion, dict[str, Any]]) -> None:
    for gv, storage_map in groups.items():
        installed = install(gv, storage_map)
        assert set(installed.resources) == set(EXPECTED[gv])
        for name, entry in installed.resources.items():
            kind, verbs, short = EXPECTED[gv][name]
            assert entry.gvk.kind == kind, name
            assert entry.verbs == verbs, name
            assert entry.short_names == short, name
            assert entry.namespaced == (entry.resource not in CLUSTER_SCOPED), name
            if not entry.subresource:
                assert ("all" in entry.categories) == (name in IN_CATEGORY_ALL), name
        if gv == GroupVersion("", "v1"):
            assert installed.resources["pods/eviction"].gvk.group == "policy"
        if gv == GroupVersion("apps", "v1"):
            assert installed.resources["deployments/scale"].gvk.group == "autoscaling"
