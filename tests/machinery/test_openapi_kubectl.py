"""kubectl reads our OpenAPI documents: `explain` (v3 and v2 protobuf) and the field-validation
capability check that `kubectl create` runs before sending anything.

A throwaway stdlib HTTP server on a free loopback port serves legacy discovery plus the
documents from `OpenAPIService`; it is stopped when the module's tests end.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest

from kapi.machinery.openapi import (
    MIME_V2_PROTOBUF,
    Document,
    OpenAPIService,
    ServedResource,
    Subresource,
)
from kapi.machinery.schema import GroupVersionKind as GVK

KUBECTL = Path(sys.executable).parent / "kubectl"

ALL = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
SERVED = [
    ServedResource("", "v1", "Pod", "pods", True, ALL,
                   (Subresource("status", GVK("", "v1", "Pod"), ("get", "patch", "update")),)),
    ServedResource("", "v1", "Namespace", "namespaces", False,
                   ("create", "delete", "get", "list", "patch", "update", "watch"),
                   (Subresource("status", GVK("", "v1", "Namespace"), ("get", "patch", "update")),
                    Subresource("finalize", GVK("", "v1", "Namespace"), ("update",)))),
    ServedResource("", "v1", "ConfigMap", "configmaps", True, ALL),
    ServedResource("apps", "v1", "Deployment", "deployments", True, ALL,
                   (Subresource("status", GVK("apps", "v1", "Deployment"),
                                ("get", "patch", "update")),
                    Subresource("scale", GVK("autoscaling", "v1", "Scale"),
                                ("get", "patch", "update")))),
]


def _resource_list(group_version: str, resources: list[ServedResource]) -> dict[str, Any]:
    entries: list[dict[str, Any]] = []
    for r in resources:
        entries.append({"name": r.resource, "singularName": r.kind.lower(),
                        "namespaced": r.namespaced, "kind": r.kind, "verbs": list(r.verbs)})
        for sub in r.subresources:
            entry: dict[str, Any] = {"name": f"{r.resource}/{sub.name}", "singularName": "",
                                     "namespaced": r.namespaced, "kind": sub.gvk.kind,
                                     "verbs": list(sub.verbs)}
            if sub.gvk.group != r.group:
                entry["group"], entry["version"] = sub.gvk.group, sub.gvk.version
            entries.append(entry)
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": entries}


def _discovery() -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {
        "/api": {"kind": "APIVersions", "versions": ["v1"]},
        "/api/v1": _resource_list("v1", [r for r in SERVED if not r.group]),
    }
    groups = sorted({r.group for r in SERVED if r.group})
    docs["/apis"] = {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": f"{g}/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": f"{g}/v1", "version": "v1"}} for g in groups]}
    for g in groups:
        docs[f"/apis/{g}/v1"] = _resource_list(f"{g}/v1", [r for r in SERVED if r.group == g])
    return docs


class _Handler(BaseHTTPRequestHandler):
    service: OpenAPIService
    discovery: dict[str, dict[str, Any]]
    requests: list[tuple[str, str]]

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, code: int, body: bytes, content_type: str, etag: str = "") -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", f'"{etag}"')
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        accept = self.headers.get("Accept", "")
        self.requests.append((path, accept))
        if path in self.discovery:
            self._send(200, orjson.dumps(self.discovery[path]), "application/json")
        elif path == "/openapi/v2":
            if "protobuf" in accept:
                doc = self.service.v2_protobuf()
                self._send(200, doc.body, MIME_V2_PROTOBUF, doc.etag)
            else:
                doc = self.service.v2()
                self._send(200, doc.body, "application/json", doc.etag)
        elif path == "/openapi/v3":
            doc = self.service.v3_index()
            self._send(200, doc.body, "application/json", doc.etag)
        elif path.startswith("/openapi/v3/") and (
                found := self.service.v3(path.removeprefix("/openapi/v3/"))) is not None:
            self._send(200, found.body, "application/json", found.etag)
        else:
            self._send(404, b"404 page not found\n", "text/plain; charset=utf-8")

    def do_POST(self) -> None:
        # Echo the object back as created: enough for `kubectl create` to finish.
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.requests.append(("POST " + self.path, self.headers.get("Content-Type", "")))
        self._send(201, body, "application/json")


@contextlib.contextmanager
def _serving(service: OpenAPIService) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    requests: list[tuple[str, str]] = []
    handler = type("Handler", (_Handler,), {
        "service": service, "discovery": _discovery(), "requests": requests})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
    assert not thread.is_alive()


def _strip_field_validation(doc: Document) -> Document:
    parsed = orjson.loads(doc.body)
    for item in parsed["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and "parameters" in op:
                op["parameters"] = [p for p in op["parameters"]
                                    if p.get("name") != "fieldValidation"]
    return Document(orjson.dumps(parsed), doc.etag)


class _WithoutFieldValidation(OpenAPIService):
    """Control: v3 and v2 (JSON and protobuf) documents whose operations do not declare
    `fieldValidation`."""

    def v3(self, key: str) -> Document | None:
        doc = super().v3(key)
        return None if doc is None else _strip_field_validation(doc)

    def v2(self) -> Document:
        return _strip_field_validation(super().v2())


def _kubectl(url: str, tmp_path: Path) -> Any:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: t\n"
        f"clusters:\n- name: t\n  cluster:\n    server: {url}\n"
        "contexts:\n- name: t\n  context:\n    cluster: t\n    user: t\n    namespace: default\n"
        "users:\n- name: t\n  user: {}\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(KUBECTL), f"--kubeconfig={kubeconfig}", f"--cache-dir={tmp_path / 'cache'}",
             *args],
            capture_output=True, text=True, timeout=60, check=False)

    return run


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    with _serving(OpenAPIService(SERVED)) as served:
        yield served


@pytest.fixture
def kubectl(server: tuple[str, list[tuple[str, str]]], tmp_path: Path) -> Any:
    return _kubectl(server[0], tmp_path)


def test_explain_pods_uses_v3(kubectl: Any, server: tuple[str, list[tuple[str, str]]]) -> None:
    result = kubectl("explain", "pods")
    assert result.returncode == 0, result.stderr
    assert "KIND:       Pod" in result.stdout
    assert "VERSION:    v1" in result.stdout
    assert "spec\t<PodSpec>" in result.stdout
    assert "metadata\t<ObjectMeta>" in result.stdout
    paths = [p for p, _ in server[1]]
    assert "/openapi/v3" in paths and "/openapi/v3/api/v1" in paths


def test_explain_nested_field(kubectl: Any) -> None:
    result = kubectl("explain", "deployment.spec.replicas")
    assert result.returncode == 0, result.stderr
    assert "GROUP:      apps" in result.stdout
    assert "KIND:       Deployment" in result.stdout
    assert "FIELD: replicas <integer>" in result.stdout
    assert "Number of desired pods" in result.stdout


def test_explain_through_refs_lists_and_int_or_string(kubectl: Any) -> None:
    result = kubectl("explain", "deployment.spec.strategy.rollingUpdate")
    assert result.returncode == 0, result.stderr
    assert "maxSurge\t<IntOrString>" in result.stdout
    result = kubectl("explain", "pods.spec.containers.name")
    assert result.returncode == 0, result.stderr
    assert "FIELD: name <string>" in result.stdout


def test_explain_unknown_field_is_an_error(kubectl: Any) -> None:
    result = kubectl("explain", "pods.spec.nosuchfield")
    assert result.returncode != 0
    assert 'field "nosuchfield" does not exist' in result.stderr


def test_explain_plaintext_openapiv2_reads_protobuf(
        kubectl: Any, server: tuple[str, list[tuple[str, str]]]) -> None:
    result = kubectl("explain", "--output=plaintext-openapiv2", "pods")
    assert result.returncode == 0, result.stderr
    assert "KIND:     Pod" in result.stdout or "KIND:       Pod" in result.stdout
    assert "spec\t<Object>" in result.stdout or "spec\t<PodSpec>" in result.stdout
    assert any(p == "/openapi/v2" and "protobuf" in a for p, a in server[1])


def test_explain_plaintext_openapiv2_nested(kubectl: Any) -> None:
    result = kubectl("explain", "--output=plaintext-openapiv2", "deployment.spec.replicas")
    assert result.returncode == 0, result.stderr
    assert "replicas" in result.stdout and "integer" in result.stdout


# Each manifest carries an unknown field. When kubectl finds the server supports
# `fieldValidation` it leaves the check to the server and POSTs the object as is; when it does
# not, it validates client-side and refuses ("error validating data").
@pytest.mark.parametrize("manifest", [
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\nbogus: 1\n",
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\nspec:\n  bogus: 1\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  bogus: 1\n"
    "  selector: {}\n  template: {}\n",
])
def test_field_validation_capability_check_passes(
        kubectl: Any, tmp_path: Path, manifest: str,
        server: tuple[str, list[tuple[str, str]]]) -> None:
    path = tmp_path / "obj.yaml"
    path.write_text(manifest)
    result = kubectl("create", "-f", str(path))
    assert result.returncode == 0, result.stderr
    assert "created" in result.stdout
    posts = [p for p, _ in server[1] if p.startswith("POST ")]
    assert posts and "fieldValidation=Strict" in posts[-1]


def test_capability_check_control_without_the_parameter(tmp_path: Path) -> None:
    # The same kind of create against documents whose PATCH operations lack `fieldValidation`
    # (v3, and v2 which kubectl falls back to): kubectl validates client-side and refuses.
    with _serving(_WithoutFieldValidation(SERVED)) as (url, requests):
        path = tmp_path / "obj.yaml"
        path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbogus: 1\n")
        result = _kubectl(url, tmp_path)("create", "-f", str(path))
    assert result.returncode != 0
    assert "error validating" in result.stderr
    assert not [p for p, _ in requests if p.startswith("POST ")]
