"""Request-info parsing, ported from upstream `requestinfo_test.go` cases."""

from __future__ import annotations

import pytest

from kapi.endpoints.requestinfo import parse_request_info

CASES = [
    # method, path, query, verb, namespace, resource, subresource, name
    ("GET", "/api/v1/namespaces", {}, "list", "", "namespaces", "", ""),
    ("GET", "/api/v1/namespaces/other", {}, "get", "", "namespaces", "", "other"),
    ("GET", "/api/v1/namespaces/other/pods/foo", {}, "get", "other", "pods", "", "foo"),
    ("GET", "/api/v1/namespaces/other/pods", {}, "list", "other", "pods", "", ""),
    ("GET", "/api/v1/pods", {}, "list", "", "pods", "", ""),
    ("GET", "/api/v1/pods", {"watch": ["true"]}, "watch", "", "pods", "", ""),
    ("GET", "/api/v1/pods", {"watch": ["false"]}, "list", "", "pods", "", ""),
    ("GET", "/api/v1/watch/namespaces/other/pods", {}, "watch", "other", "pods", "", ""),
    ("POST", "/api/v1/namespaces/other/pods", {}, "create", "other", "pods", "", ""),
    ("PUT", "/api/v1/namespaces/other/pods/foo", {}, "update", "other", "pods", "", "foo"),
    ("PATCH", "/api/v1/namespaces/other/pods/foo", {}, "patch", "other", "pods", "", "foo"),
    ("DELETE", "/api/v1/namespaces/other/pods/foo", {}, "delete", "other", "pods", "", "foo"),
    ("DELETE", "/api/v1/namespaces/other/pods", {}, "deletecollection", "other", "pods", "", ""),
    (
        "GET",
        "/api/v1/namespaces/other/pods/foo/status",
        {},
        "get",
        "other",
        "pods",
        "status",
        "foo",
    ),
    ("PUT", "/api/v1/namespaces/ns/finalize", {}, "update", "", "namespaces", "finalize", "ns"),
    (
        "GET",
        "/apis/apps/v1/namespaces/ns/deployments/d/scale",
        {},
        "get",
        "ns",
        "deployments",
        "scale",
        "d",
    ),
]


@pytest.mark.parametrize(("method", "path", "query", "verb", "ns", "res", "sub", "name"), CASES)
def test_parse(
    method: str,
    path: str,
    query: dict[str, list[str]],
    verb: str,
    ns: str,
    res: str,
    sub: str,
    name: str,
) -> None:
    info = parse_request_info(method, path, query)
    assert info.is_resource_request
    assert (info.verb, info.namespace, info.resource, info.subresource, info.name) == (
        verb,
        ns,
        res,
        sub,
        name,
    )


@pytest.mark.parametrize("path", ["/api", "/apis", "/apis/apps", "/version", "/api/v1"])
def test_non_resource(path: str) -> None:
    assert not parse_request_info("GET", path, {}).is_resource_request
