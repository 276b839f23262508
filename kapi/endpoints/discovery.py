"""Discovery documents (upstream `k8s.io/apiserver/pkg/endpoints/discovery` and its
`aggregated` package), built from the installed group versions."""

from __future__ import annotations

from typing import Any

from kapi.endpoints.installer import APIGroupVersion, InstalledResource


def api_resource(r: InstalledResource, gv_group: str, gv_version: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": r.name,
        "singularName": r.singular,
        "namespaced": r.namespaced,
    }
    if (r.gvk.group, r.gvk.version) != (gv_group, gv_version):
        out["group"] = r.gvk.group
        out["version"] = r.gvk.version
    out["kind"] = r.gvk.kind
    out["verbs"] = r.verbs
    if r.short_names:
        out["shortNames"] = r.short_names
    if r.categories:
        out["categories"] = r.categories
    if r.storage_version_hash:
        out["storageVersionHash"] = r.storage_version_hash
    return out


def api_resource_list(agv: APIGroupVersion) -> dict[str, Any]:
    gv = agv.group_version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": str(gv),
        "resources": [
            api_resource(r, gv.group, gv.version)
            for r in sorted(agv.resources.values(), key=lambda r: r.name)
        ],
    }


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def _group_entry(group: str, versions: list[APIGroupVersion]) -> dict[str, Any]:
    vs = [
        {"groupVersion": str(v.group_version), "version": v.group_version.version} for v in versions
    ]
    return {"name": group, "versions": vs, "preferredVersion": vs[0]}


def api_group(group: str, versions: list[APIGroupVersion]) -> dict[str, Any]:
    return {"kind": "APIGroup", "apiVersion": "v1", **_group_entry(group, versions)}


def api_group_list(groups: dict[str, list[APIGroupVersion]]) -> dict[str, Any]:
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group_entry(g, vs) for g, vs in groups.items()],
    }


def _aggregated_version(agv: APIGroupVersion) -> dict[str, Any]:
    top = [r for r in agv.resources.values() if not r.subresource]
    resources = []
    for r in sorted(top, key=lambda r: r.name):
        entry: dict[str, Any] = {
            "resource": r.resource,
            "responseKind": {"group": r.gvk.group, "version": r.gvk.version, "kind": r.gvk.kind},
            "scope": "Namespaced" if r.namespaced else "Cluster",
            "singularResource": r.singular,
            "verbs": r.verbs,
        }
        if r.short_names:
            entry["shortNames"] = r.short_names
        if r.categories:
            entry["categories"] = r.categories
        subs = sorted(
            (s for s in agv.resources.values() if s.resource == r.resource and s.subresource),
            key=lambda s: s.subresource,
        )
        if subs:
            entry["subresources"] = [
                {
                    "subresource": s.subresource,
                    "responseKind": {
                        "group": s.gvk.group,
                        "version": s.gvk.version,
                        "kind": s.gvk.kind,
                    },
                    "verbs": s.verbs,
                }
                for s in subs
            ]
        resources.append(entry)
    return {"version": agv.group_version.version, "resources": resources, "freshness": "Current"}


def aggregated_discovery(groups: dict[str, list[APIGroupVersion]], version: str) -> dict[str, Any]:
    """`APIGroupDiscoveryList` (apidiscovery.k8s.io v2 or v2beta1) for the given groups."""
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{version}",
        "metadata": {},
        "items": [
            {
                "metadata": {"name": g, "creationTimestamp": None},
                "versions": [_aggregated_version(v) for v in vs],
            }
            for g, vs in groups.items()
        ],
    }
