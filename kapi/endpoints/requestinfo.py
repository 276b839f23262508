"""Request-info parsing (upstream `k8s.io/apiserver/pkg/endpoints/request/requestinfo.go`).

A pure function from method, path and query to what the request addresses; routing, handlers
and (later) authorization all read the result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

API_PREFIXES = ("api", "apis")
# Upstream treats these as subresources of the namespace object itself.
NAMESPACE_SUBRESOURCES = ("status", "finalize")


@dataclass(slots=True)
class RequestInfo:
    is_resource_request: bool = False
    path: str = ""
    verb: str = ""
    api_prefix: str = ""
    api_group: str = ""
    api_version: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""
    parts: list[str] = field(default_factory=list)
    # Parts after the subresource (connect / proxy sub-paths).
    subpath: str = ""


_METHOD_VERBS = {
    "POST": "create",
    "GET": "get",
    "HEAD": "get",
    "PUT": "update",
    "PATCH": "patch",
    "DELETE": "delete",
}


def _watch_requested(query: dict[str, list[str]]) -> bool:
    values = query.get("watch")
    if not values:
        return False
    return values[0] not in ("false", "0")


def parse_request_info(method: str, path: str, query: dict[str, list[str]]) -> RequestInfo:
    info = RequestInfo(path=path, verb=method.lower())
    parts = [p for p in path.strip("/").split("/")] if path.strip("/") else []
    if len(parts) < 3 or parts[0] not in API_PREFIXES:
        # /api, /apis, /apis/<group>, /version, /healthz ...: not a resource request.
        return info
    info.api_prefix = parts[0]
    rest = parts[1:]
    if info.api_prefix == "api":
        info.api_version = rest[0]
        rest = rest[1:]
    else:
        if len(rest) < 2:
            return info
        info.api_group, info.api_version = rest[0], rest[1]
        rest = rest[2:]
    if not rest:
        return info
    info.is_resource_request = True
    info.verb = _METHOD_VERBS.get(method, method.lower())

    # Legacy /watch/ prefix.
    if rest[0] == "watch":
        rest = rest[1:]
        info.verb = "watch"

    if not rest:
        info.is_resource_request = False
        return info
    if rest[0] == "namespaces" and len(rest) > 1:
        info.namespace = rest[1]
        # /namespaces/<ns>/<resource>... unless the third part names a namespace subresource
        if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    info.parts = rest

    if len(rest) >= 1:
        info.resource = rest[0]
    if len(rest) >= 2:
        info.name = rest[1]
    if len(rest) >= 3:
        info.subresource = rest[2]
    if len(rest) >= 4:
        info.subpath = "/".join(rest[3:])
    # /api/v1/namespaces/<ns> and its subresources address the namespace object.
    if info.resource == "namespaces" and info.name and info.namespace == info.name:
        info.namespace = ""
    if info.resource == "namespaces" and len(rest) == 2 and rest[0] == "namespaces":
        info.namespace = ""

    if not info.name:
        if info.verb == "get":
            info.verb = "watch" if _watch_requested(query) else "list"
        elif info.verb == "delete":
            info.verb = "deletecollection"
    elif info.verb == "get" and _watch_requested(query):
        info.verb = "watch"
    return info
