"""OpenAPI documents: structure, extensions, parameters, refs and v3 index hashes."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from kapi.machinery.openapi import (
    APPLY_PATCH,
    BUILTIN_PATCH_TYPES,
    CUSTOM_PATCH_TYPES,
    JSON_PATCH,
    MERGE_PATCH,
    STRATEGIC_MERGE_PATCH,
    OpenAPIService,
    SchemaRegistry,
    ServedResource,
    Subresource,
    build_v2,
    build_v3,
    build_v3_index,
    builtin_schema_file,
    default_registry,
    document_hash,
    openapi_service,
    serialize,
)
from kapi.machinery.openapi_proto import encode_v2_document
from kapi.machinery.schema import GroupVersionKind as GVK

ALL = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
PODS = ServedResource("", "v1", "Pod", "pods", True, ALL,
                      (Subresource("status", GVK("", "v1", "Pod"), ("get", "patch", "update")),))
NAMESPACES = ServedResource(
    "", "v1", "Namespace", "namespaces", False,
    ("create", "delete", "get", "list", "patch", "update", "watch"),
    (Subresource("status", GVK("", "v1", "Namespace"), ("get", "patch", "update")),
     Subresource("finalize", GVK("", "v1", "Namespace"), ("update",))))
CONFIGMAPS = ServedResource("", "v1", "ConfigMap", "configmaps", True, ALL)
DEPLOYMENTS = ServedResource(
    "apps", "v1", "Deployment", "deployments", True, ALL,
    (Subresource("status", GVK("apps", "v1", "Deployment"), ("get", "patch", "update")),
     Subresource("scale", GVK("autoscaling", "v1", "Scale"), ("get", "patch", "update"))))
SERVED = [PODS, NAMESPACES, CONFIGMAPS, DEPLOYMENTS]

METHODS = ("get", "put", "post", "patch", "delete")


@pytest.fixture(scope="module")
def v2() -> dict[str, Any]:
    return build_v2(SERVED)


def _operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _param_names(op: dict[str, Any]) -> list[str]:
    return [p["name"] for p in op.get("parameters", [])]


# -- registry ----------------------------------------------------------------------------------


def test_importing_does_not_load_the_schemas() -> None:
    code = ("import sys, kapi.machinery.openapi, kapi.machinery.pruning;"
            "print('kubernetes_validate' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_registry_loads_lazily(tmp_path: Path) -> None:
    registry = SchemaRegistry(tmp_path / "missing.json")  # nothing read yet
    with pytest.raises(FileNotFoundError):
        registry.get("io.k8s.api.core.v1.Pod")


def test_newest_schema_version_is_used() -> None:
    path = builtin_schema_file()
    versions = [tuple(int(x) for x in p.name[1:].split("-")[0].split("."))
                for p in path.parent.parent.iterdir() if p.name.endswith("-local")]
    assert path.parent.name == "v{}.{}.{}-local".format(*max(versions))
    assert default_registry().kubernetes_version == path.parent.name.removesuffix("-local")


def test_lookup_by_gvk() -> None:
    registry = default_registry()
    assert registry.name_for(GVK("", "v1", "Pod")) == "io.k8s.api.core.v1.Pod"
    assert registry.name_for(GVK("apps", "v1", "Deployment")) == "io.k8s.api.apps.v1.Deployment"
    assert registry.name_for(GVK("autoscaling", "v1", "Scale")) == "io.k8s.api.autoscaling.v1.Scale"
    assert registry.name_for(GVK("apps", "v1", "DeleteOptions")) == (
        "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions")
    assert registry.name_for(GVK("", "v1", "NoSuchKind")) is None


def test_definitions_are_normalized() -> None:
    registry = default_registry()
    spec = registry.get("io.k8s.api.core.v1.PodSpec")
    assert spec is not None
    containers = spec["properties"]["containers"]
    assert containers["type"] == "array"
    assert containers["items"] == {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}
    assert containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["x-kubernetes-patch-strategy"] == "merge"
    assert containers["x-kubernetes-list-type"] == "map"
    assert containers["x-kubernetes-list-map-keys"] == ["name"]
    assert containers["description"].startswith("List of containers")
    assert spec["properties"]["hostNetwork"]["type"] == "boolean"  # ["boolean","null"]
    pod = registry.get("io.k8s.api.core.v1.Pod")
    assert pod is not None
    assert pod["x-kubernetes-group-version-kind"] == [
        {"group": "", "kind": "Pod", "version": "v1"}]
    assert "enum" not in pod["properties"]["kind"]


def test_int_or_string_and_quantity_per_version() -> None:
    registry = default_registry()
    ios = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
    assert registry.get_v2(ios) == {"format": "int-or-string", "type": "string"}
    v3 = registry.get_v3(ios)
    assert v3 is not None and v3["format"] == "int-or-string"
    assert sorted(c["type"] for c in v3["oneOf"]) == ["integer", "string"]
    quantity = registry.get_v2("io.k8s.apimachinery.pkg.api.resource.Quantity")
    assert quantity is not None and quantity["type"] == "string"


def test_closure_follows_refs() -> None:
    names = default_registry().closure(["io.k8s.api.apps.v1.Deployment"])
    assert "io.k8s.api.core.v1.PodSpec" in names
    assert "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" in names
    assert "io.k8s.apimachinery.pkg.util.intstr.IntOrString" in names
    assert "io.k8s.api.core.v1.Namespace" not in names


# -- Swagger 2.0 ------------------------------------------------------------------------------


def test_v2_document_header(v2: dict[str, Any]) -> None:
    assert v2["swagger"] == "2.0"
    assert v2["info"] == {"title": "Kubernetes",
                          "version": default_registry().kubernetes_version}
    assert build_v2(SERVED, version="v1.99.0")["info"]["version"] == "v1.99.0"


def test_v2_operation_ids_follow_upstream(v2: dict[str, Any]) -> None:
    ids = {op["operationId"]: (path, method) for path, method, op in _operations(v2)}
    ns_pod = "/api/v1/namespaces/{namespace}/pods/{name}"
    deploy = "/apis/apps/v1/namespaces/{namespace}/deployments"
    assert ids["readCoreV1NamespacedPod"] == (ns_pod, "get")
    assert ids["replaceCoreV1NamespacedPod"] == (ns_pod, "put")
    assert ids["patchCoreV1NamespacedPod"] == (ns_pod, "patch")
    assert ids["deleteCoreV1NamespacedPod"] == (ns_pod, "delete")
    assert ids["patchCoreV1NamespacedPodStatus"] == (ns_pod + "/status", "patch")
    assert ids["listCoreV1NamespacedPod"] == ("/api/v1/namespaces/{namespace}/pods", "get")
    assert ids["createCoreV1NamespacedPod"] == ("/api/v1/namespaces/{namespace}/pods", "post")
    assert ids["deleteCoreV1CollectionNamespacedPod"] == (
        "/api/v1/namespaces/{namespace}/pods", "delete")
    assert ids["listCoreV1PodForAllNamespaces"] == ("/api/v1/pods", "get")
    assert ids["watchCoreV1NamespacedPodList"] == (
        "/api/v1/watch/namespaces/{namespace}/pods", "get")
    assert ids["readCoreV1Namespace"] == ("/api/v1/namespaces/{name}", "get")
    assert ids["replaceCoreV1NamespaceFinalize"] == ("/api/v1/namespaces/{name}/finalize", "put")
    assert ids["patchAppsV1NamespacedDeployment"] == (deploy + "/{name}", "patch")
    assert ids["readAppsV1NamespacedDeploymentScale"] == (deploy + "/{name}/scale", "get")
    assert ids["getCoreV1APIResources"] == ("/api/v1/", "get")
    assert ids["getAppsAPIGroup"] == ("/apis/apps/", "get")
    assert len(ids) == len(list(_operations(v2)))  # unique


def test_operation_ids_for_dotted_groups() -> None:
    rb = ServedResource("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False,
                        ("get",))
    doc = build_v2([rb])
    op = doc["paths"]["/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}"]["get"]
    assert op["operationId"] == "readRbacAuthorizationV1ClusterRole"
    assert op["tags"] == ["rbacAuthorization_v1"]


def test_v2_resource_operations_carry_action_and_gvk(v2: dict[str, Any]) -> None:
    actions = {"get", "list", "watch", "watchlist", "post", "put", "patch", "delete",
               "deletecollection", "connect"}
    for path, method, op in _operations(v2):
        if path.endswith("/") or path == "/version/":
            continue  # discovery documents: no kind
        assert op["x-kubernetes-action"] in actions, (path, method)
        assert set(op["x-kubernetes-group-version-kind"]) == {"group", "kind", "version"}
    pod = v2["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]
    assert pod["get"]["x-kubernetes-group-version-kind"] == {
        "group": "", "kind": "Pod", "version": "v1"}
    assert pod["put"]["x-kubernetes-action"] == "put"
    scale = v2["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"]
    assert scale["patch"]["x-kubernetes-group-version-kind"] == {
        "group": "autoscaling", "kind": "Scale", "version": "v1"}
    coll = v2["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]
    assert coll["get"]["x-kubernetes-action"] == "list"
    assert coll["post"]["x-kubernetes-action"] == "post"
    assert coll["delete"]["x-kubernetes-action"] == "deletecollection"


def test_v2_patch_consumes_and_parameters(v2: dict[str, Any]) -> None:
    patches = [(p, op) for p, m, op in _operations(v2) if m == "patch"]
    assert len(patches) == 8  # pods, namespaces, deployments (+status), configmaps, scale
    for path, op in patches:
        assert op["consumes"] == [JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH]
        names = _param_names(op)
        for name in ("body", "dryRun", "fieldManager", "fieldValidation", "force"):
            assert name in names, (path, name)
        body = op["parameters"][0]
        assert body["in"] == "body" and body["schema"] == {
            "$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}


def test_v2_writes_declare_field_validation(v2: dict[str, Any]) -> None:
    for path, method, op in _operations(v2):
        if method in ("post", "put", "patch"):
            assert "fieldValidation" in _param_names(op), (path, method)
            assert "dryRun" in _param_names(op)
            assert "fieldManager" in _param_names(op)
        if method == "delete":
            assert "fieldValidation" not in _param_names(op)


def test_v2_list_and_path_parameters(v2: dict[str, Any]) -> None:
    item = v2["paths"]["/api/v1/namespaces/{namespace}/pods/{name}"]
    assert [(p["name"], p["in"], p.get("required", False)) for p in item["parameters"]] == [
        ("name", "path", True), ("namespace", "path", True), ("pretty", "query", False)]
    listing = v2["paths"]["/api/v1/namespaces/{namespace}/pods"]["get"]
    for name in ("labelSelector", "fieldSelector", "limit", "continue", "resourceVersion",
                 "resourceVersionMatch", "watch", "timeoutSeconds", "allowWatchBookmarks",
                 "sendInitialEvents"):
        assert name in _param_names(listing)
    assert listing["responses"]["200"]["schema"] == {
        "$ref": "#/definitions/io.k8s.api.core.v1.PodList"}


def test_v2_refs_all_resolve(v2: dict[str, Any]) -> None:
    refs = set(_refs(v2))
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/"), ref
        assert ref.removeprefix("#/definitions/") in v2["definitions"], ref


def test_v2_definitions_cover_meta_types(v2: dict[str, Any]) -> None:
    for name in ("io.k8s.api.core.v1.Pod", "io.k8s.api.core.v1.PodList",
                 "io.k8s.api.core.v1.Namespace", "io.k8s.api.apps.v1.Deployment",
                 "io.k8s.api.autoscaling.v1.Scale", "io.k8s.apimachinery.pkg.apis.meta.v1.Status",
                 "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions",
                 "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent",
                 "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                 "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"):
        assert name in v2["definitions"], name
    assert "io.k8s.api.batch.v1.Job" not in v2["definitions"]  # only what is reachable


def test_v2_has_no_json_schema_leftovers(v2: dict[str, Any]) -> None:
    text = serialize(v2).decode()
    assert "#/$defs/" not in text
    assert '"null"' not in text
    assert '"oneOf"' not in text


# -- OpenAPI 3.0 ------------------------------------------------------------------------------


def test_v3_document_per_group_version() -> None:
    doc = build_v3("apis/apps/v1", SERVED)
    assert doc["openapi"].startswith("3.0")
    assert doc["info"]["title"] == "Kubernetes"
    assert all(p.startswith("/apis/apps/v1/") for p in doc["paths"])
    core = build_v3("api/v1", SERVED)
    assert "/api/v1/namespaces/{namespace}/pods/{name}" in core["paths"]
    assert not any(p.startswith("/apis/") for p in core["paths"])
    with pytest.raises(KeyError):
        build_v3("apis/batch/v1", SERVED)


def test_v3_writes_declare_field_validation_and_bodies() -> None:
    for key in ("api/v1", "apis/apps/v1"):
        doc = build_v3(key, SERVED)
        for path, method, op in _operations(doc):
            if method in ("post", "put", "patch"):
                assert "fieldValidation" in _param_names(op), (path, method)
                assert op["requestBody"]["required"] is True
            if method == "patch":
                assert "force" in _param_names(op)
                assert sorted(op["requestBody"]["content"]) == sorted(BUILTIN_PATCH_TYPES)
                for media in op["requestBody"]["content"].values():
                    assert media["schema"] == {
                        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch"}
        for path, item in doc["paths"].items():
            for p in item.get("parameters", []):
                assert "schema" in p and "type" not in p, path


def test_v3_patch_capability_check_for_every_served_kind() -> None:
    # kubectl's query_param_verifier_v3 takes the first PATCH operation whose GVK extension
    # matches and requires `fieldValidation` among that operation's own parameters.
    expected = {
        "api/v1": [GVK("", "v1", "Pod"), GVK("", "v1", "Namespace"), GVK("", "v1", "ConfigMap")],
        "apis/apps/v1": [GVK("apps", "v1", "Deployment"), GVK("autoscaling", "v1", "Scale")],
    }
    for key, kinds in expected.items():
        doc = build_v3(key, SERVED)
        for gvk in kinds:
            ext = {"group": gvk.group, "kind": gvk.kind, "version": gvk.version}
            patches = [op for _, m, op in _operations(doc)
                       if m == "patch" and op["x-kubernetes-group-version-kind"] == ext]
            assert patches, (key, gvk)
            for op in patches:
                assert "fieldValidation" in _param_names(op), (key, gvk)


def test_v3_schemas_and_refs() -> None:
    doc = build_v3("apis/apps/v1", SERVED)
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    assert "io.k8s.api.autoscaling.v1.Scale" in schemas
    assert "io.k8s.api.core.v1.PodList" not in schemas
    selector = schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["selector"]
    # A ref with siblings becomes allOf (3.0 ignores siblings of $ref), keeping description.
    assert selector["allOf"] == [
        {"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector"}]
    assert selector["description"]
    deployment = schemas["io.k8s.api.apps.v1.Deployment"]
    assert {"group": "apps", "kind": "Deployment", "version": "v1"} in deployment[
        "x-kubernetes-group-version-kind"]


def test_v3_other_index_entries() -> None:
    assert "/api/" in build_v3("api", SERVED)["paths"]
    assert "/apis/" in build_v3("apis", SERVED)["paths"]
    group = build_v3("apis/apps", SERVED)
    assert group["paths"]["/apis/apps/"]["get"]["operationId"] == "getAppsAPIGroup"
    version = build_v3("version", SERVED)
    assert "io.k8s.apimachinery.pkg.version.Info" in version["components"]["schemas"]


# -- v3 index and caching -----------------------------------------------------------------------


def test_v3_index_lists_group_versions_with_hashes() -> None:
    index = build_v3_index(SERVED)
    assert sorted(index["paths"]) == ["api", "api/v1", "apis", "apis/apps", "apis/apps/v1",
                                      "version"]
    url = index["paths"]["apis/apps/v1"]["serverRelativeURL"]
    body = serialize(build_v3("apis/apps/v1", SERVED))
    expected = hashlib.sha512(body).hexdigest().upper()
    assert url == f"/openapi/v3/apis/apps/v1?hash={expected}"
    assert document_hash(body) == expected


def test_v3_index_hashes_are_stable() -> None:
    first = build_v3_index(SERVED)
    assert build_v3_index(SERVED) == first
    assert build_v3_index(list(reversed(SERVED))) == first  # order of the served set
    assert OpenAPIService(SERVED).v3_index().body == serialize(first)
    changed = build_v3_index([PODS, NAMESPACES, DEPLOYMENTS])  # no configmaps
    assert changed["paths"]["api/v1"] != first["paths"]["api/v1"]
    assert changed["paths"]["apis/apps/v1"] == first["paths"]["apis/apps/v1"]


def test_service_caches_documents_and_hashes_match() -> None:
    service = openapi_service(SERVED)
    assert openapi_service(list(SERVED)) is service
    v2 = service.v2()
    assert service.v2() is v2
    assert v2.etag == document_hash(v2.body)
    index = orjson.loads(service.v3_index().body)
    for key, entry in index["paths"].items():
        doc = service.v3(key)
        assert doc is not None
        assert entry["serverRelativeURL"].endswith("?hash=" + doc.etag)
    assert service.v3("apis/batch/v1") is None


# -- run-time definitions -----------------------------------------------------------------------


CRONTAB = {
    "type": "object",
    "x-kubernetes-group-version-kind": [
        {"group": "stable.example.com", "kind": "CronTab", "version": "v1"}],
    "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {
            "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
        "spec": {"type": "object", "properties": {"cronSpec": {"type": "string"}}},
    },
}
CRONTAB_LIST = {
    "type": "object",
    "x-kubernetes-group-version-kind": [
        {"group": "stable.example.com", "kind": "CronTabList", "version": "v1"}],
    "properties": {"items": {
        "type": "array", "items": {"$ref": "#/definitions/com.example.stable.v1.CronTab"}}},
}
CRONTABS = ServedResource("stable.example.com", "v1", "CronTab", "crontabs", True, ALL,
                          patch_types=CUSTOM_PATCH_TYPES)


def test_added_definitions_are_served_and_invalidate_caches() -> None:
    registry = SchemaRegistry()
    service = OpenAPIService([*SERVED, CRONTABS], registry)
    before = service.v3("apis/stable.example.com/v1")
    assert before is not None
    generation = registry.generation
    registry.add_definitions({"com.example.stable.v1.CronTab": CRONTAB,
                              "com.example.stable.v1.CronTabList": CRONTAB_LIST})
    assert registry.generation > generation
    assert registry.name_for(GVK("stable.example.com", "v1", "CronTab")) == (
        "com.example.stable.v1.CronTab")
    after = service.v3("apis/stable.example.com/v1")
    assert after is not None and after.etag != before.etag
    doc = orjson.loads(after.body)
    schemas = doc["components"]["schemas"]
    assert schemas["com.example.stable.v1.CronTab"]["properties"]["metadata"] == {
        "$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
    for ref in _refs(doc):
        assert ref.removeprefix("#/components/schemas/") in schemas
    patch = doc["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"][
        "patch"]
    assert STRATEGIC_MERGE_PATCH not in patch["requestBody"]["content"]
    registry.remove_definitions(["com.example.stable.v1.CronTab"])
    assert registry.name_for(GVK("stable.example.com", "v1", "CronTab")) is None


def test_unregistered_kind_gets_an_open_definition() -> None:
    doc = build_v2([CRONTABS], SchemaRegistry())
    for ref in _refs(doc):
        assert ref.removeprefix("#/definitions/") in doc["definitions"]
    crontab = doc["definitions"]["com.example.stable.v1.CronTab"]
    assert crontab["x-kubernetes-preserve-unknown-fields"] is True
    assert crontab["x-kubernetes-group-version-kind"] == [
        {"group": "stable.example.com", "kind": "CronTab", "version": "v1"}]


# -- v2 protobuf ---------------------------------------------------------------------------------


def _fields(data: bytes) -> list[tuple[int, Any]]:
    """Minimal protobuf wire decoder: (field number, varint or bytes) pairs."""
    out: list[tuple[int, Any]] = []
    i = 0

    def varint() -> int:
        nonlocal i
        shift = value = 0
        while True:
            b = data[i]
            i += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    while i < len(data):
        key = varint()
        number, wire = key >> 3, key & 7
        if wire == 0:
            out.append((number, varint()))
        elif wire == 2:
            n = varint()
            out.append((number, data[i:i + n]))
            i += n
        elif wire == 1:
            out.append((number, data[i:i + 8]))
            i += 8
        else:
            raise AssertionError(f"unexpected wire type {wire}")
    return out


def test_v2_protobuf_encoding(v2: dict[str, Any]) -> None:
    fields = _fields(encode_v2_document(v2))
    top = dict(fields)
    assert top[1] == b"2.0"
    info = dict(_fields(top[2]))
    assert info[1] == b"Kubernetes"
    definitions = [dict(_fields(v)) for n, v in _fields(top[9]) if n == 1]
    assert len(definitions) == len(v2["definitions"])
    pod = next(d for d in definitions if d[1] == b"io.k8s.api.core.v1.Pod")
    schema = _fields(pod[2])
    extensions = [dict(_fields(v)) for n, v in schema if n == 31]
    gvk = next(e for e in extensions if e[1] == b"x-kubernetes-group-version-kind")
    assert orjson.loads(dict(_fields(gvk[2]))[2]) == [{"group": "", "kind": "Pod",
                                                       "version": "v1"}]
    paths = [dict(_fields(v)) for n, v in _fields(top[8]) if n == 2]
    assert {p[1].decode() for p in paths} == set(v2["paths"])
