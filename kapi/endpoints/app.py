"""The ASGI application: routing, discovery, health, version and the resource handlers.

Errors become `metav1.Status` here, in one place: a `StatusError` carries its wire answer,
anything else is a bug and answers 500 InternalError.
"""

from __future__ import annotations

import hashlib
import logging
import platform
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from kapi import __version__
from kapi.auth.admission import Chain
from kapi.endpoints import discovery
from kapi.endpoints.handlers import ResourceHandler
from kapi.endpoints.http import (
    Receive,
    Request,
    Scope,
    Send,
    encode,
    send_bytes,
    send_status_error,
    send_text,
)
from kapi.endpoints.installer import APIGroupVersion, install
from kapi.endpoints.negotiation import negotiate
from kapi.endpoints.openapi import OpenAPIEndpoint
from kapi.endpoints.requestinfo import parse_request_info
from kapi.machinery import errors
from kapi.machinery.schema import GroupVersion

log = logging.getLogger("kapi.endpoints")

# The Kubernetes release whose API kapi serves (kubectl warns on a skew of more than one).
KUBE_MAJOR, KUBE_MINOR = "1", "37"

HealthCheck = Callable[[], Awaitable[bool]]


class APIServer:
    def __init__(
        self,
        api_groups: dict[GroupVersion, dict[str, Any]],
        *,
        admission: Chain | None = None,
        health_checks: dict[str, HealthCheck] | None = None,
        server_address: str = "127.0.0.1:6443",
    ) -> None:
        self.handler = ResourceHandler(admission or Chain([]))
        self._openapi: OpenAPIEndpoint | None = None
        self.health_checks = health_checks or {}
        self.server_address = server_address
        self.ready = False
        self._discovery_cache: dict[str, tuple[bytes, str]] = {}
        self.core: APIGroupVersion | None = None
        # group name -> its versions, preferred first; insertion order is discovery order.
        self.groups: dict[str, list[APIGroupVersion]] = {}
        self.by_gv: dict[tuple[str, str], APIGroupVersion] = {}
        for gv, storage_map in api_groups.items():
            self.add_group_version(gv, storage_map)

    def add_group_version(self, gv: GroupVersion, storage_map: dict[str, Any]) -> None:
        agv = install(gv, storage_map)
        self.by_gv[(gv.group, gv.version)] = agv
        if gv.group == "":
            self.core = agv
        else:
            self.groups.setdefault(gv.group, []).append(agv)
        self._discovery_cache.clear()
        self._openapi = None

    # -- ASGI -----------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        req = Request(scope, receive)
        try:
            await self.dispatch(req, send)
        except errors.StatusError as err:
            await send_status_error(send, err)
        except Exception as err:  # a bug: report it as upstream reports non-Status errors
            log.exception("internal error serving %s %s", req.method, req.path)
            await send_status_error(send, errors.new_internal_error(str(err)))

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            msg = await receive()
            if msg["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif msg["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def dispatch(self, req: Request, send: Send) -> None:
        path = req.path
        info = parse_request_info(req.method, path, req.query)
        if info.is_resource_request:
            agv = self.by_gv.get((info.api_group, info.api_version))
            if agv is None or (info.api_prefix == "api") != (info.api_group == ""):
                await send_text(send, 404, "404 page not found\n")
                return
            res = agv.lookup(info.resource, info.subresource)
            if res is None:
                raise errors.new_generic_not_found()
            # The path's shape must agree with the resource's scope.
            if res.namespaced and not info.namespace:
                if info.name:
                    raise errors.new_generic_not_found()
                if info.verb not in ("list", "watch"):
                    raise errors.new_method_not_allowed()
            elif not res.namespaced and info.namespace:
                raise errors.new_generic_not_found()
            await self.handler.handle(req, send, info, res)
            return
        await self.serve_nonresource(req, send, path.rstrip("/") or "/")

    # -- non-resource paths ---------------------------------------------------------------

    async def serve_nonresource(self, req: Request, send: Send, path: str) -> None:
        head = req.method == "HEAD"
        if path in ("/healthz", "/livez", "/readyz") or path.startswith(
            ("/healthz/", "/livez/", "/readyz/")
        ):
            await self.serve_health(req, send, path)
            return
        if req.method not in ("GET", "HEAD"):
            await send_text(
                send, 404 if path not in ("/api", "/apis") else 405, "404 page not found\n"
            )
            return
        if path == "/version":
            await send_bytes(send, 200, orjson.dumps(version_info()), "application/json", head=head)
            return
        if path == "/api":
            await self.serve_discovery(req, send, core=True)
            return
        if path == "/apis":
            await self.serve_discovery(req, send, core=False)
            return
        parts = path.strip("/").split("/")
        core = self.core
        if parts[0] == "api" and len(parts) == 2 and core and parts[1] == core.group_version[1]:
            await self._send_json(req, send, discovery.api_resource_list(core))
            return
        if parts[0] == "apis" and len(parts) in (2, 3) and parts[1] in self.groups:
            versions = self.groups[parts[1]]
            if len(parts) == 2:
                await self._send_json(req, send, discovery.api_group(parts[1], versions))
                return
            for agv in versions:
                if agv.group_version.version == parts[2]:
                    await self._send_json(req, send, discovery.api_resource_list(agv))
                    return
        if parts[0] == "openapi":
            if self._openapi is None:
                gvs = ([self.core] if self.core else []) + [
                    v for vs in self.groups.values() for v in vs
                ]
                self._openapi = OpenAPIEndpoint(gvs)
            status, body, ctype, headers = await self._openapi(path, req.query, req.headers)
            await send_bytes(send, status, body, ctype, headers, head=head)
            return
        if path == "/metrics":
            await send_text(send, 200, "# kapi metrics\n")
            return
        await send_text(send, 404, "404 page not found\n")

    async def _send_json(self, req: Request, send: Send, obj: Any) -> None:
        neg = negotiate(req.headers.get("accept", ""))
        await send_bytes(
            send, 200, encode(obj, neg.format), neg.content_type, head=req.method == "HEAD"
        )

    async def serve_discovery(self, req: Request, send: Send, *, core: bool) -> None:
        neg = negotiate(
            req.headers.get("accept", ""),
            allow_conversions=frozenset({"APIGroupDiscoveryList"}),
        )
        if neg.convert != "APIGroupDiscoveryList":
            doc = (
                discovery.api_versions(self.server_address)
                if core
                else discovery.api_group_list(self.groups)
            )
            await self._send_json(req, send, doc)
            return
        cache_key = f"{core}/{neg.version}"
        cached = self._discovery_cache.get(cache_key)
        if cached is None:
            groups = {"": [self.core]} if core and self.core else ({} if core else self.groups)
            body = orjson.dumps(discovery.aggregated_discovery(groups, neg.version))
            etag = '"' + hashlib.sha256(body).hexdigest()[:32].upper() + '"'
            cached = self._discovery_cache[cache_key] = (body, etag)
        body, etag = cached
        headers = [(b"etag", etag.encode()), (b"vary", b"Accept")]
        if req.headers.get("if-none-match") == etag:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send_bytes(send, 200, body, neg.content_type, headers, head=req.method == "HEAD")

    async def serve_health(self, req: Request, send: Send, path: str) -> None:
        parts = path.strip("/").split("/")
        endpoint = parts[0]
        checks = dict(self.health_checks)
        if endpoint == "readyz":
            checks["kapi-ready"] = self._is_ready
        if len(parts) > 1:
            name = parts[1]
            if name not in checks and name != "ping":
                await send_text(send, 404, "404 page not found\n")
                return
            checks = {name: checks[name]} if name in checks else {}
        excluded = set(req.query.get("exclude", []))
        lines = ["[+]ping ok"]
        ok = True
        for name, check in checks.items():
            if name in excluded:
                lines.append(f"[+]{name} excluded: ok")
                continue
            try:
                passed = await check()
            except Exception:
                passed = False
            ok = ok and passed
            lines.append(f"[+]{name} ok" if passed else f"[-]{name} failed: reason withheld")
        verbose = "verbose" in req.query
        if ok:
            text = "\n".join(lines) + f"\n{endpoint} check passed\n" if verbose else "ok"
            await send_text(send, 200, text)
        else:
            await send_text(send, 500, "\n".join(lines) + f"\n{endpoint} check failed\n")

    def begin_shutdown(self) -> None:
        """Stop reporting ready and end every open watch, so a graceful shutdown does not wait
        for watch timeouts."""
        self.ready = False
        self.handler.watch_stop.set()

    async def _is_ready(self) -> bool:
        return self.ready


def version_info() -> dict[str, str]:
    return {
        "major": KUBE_MAJOR,
        "minor": KUBE_MINOR,
        "emulationMajor": KUBE_MAJOR,
        "emulationMinor": KUBE_MINOR,
        "minCompatibilityMajor": KUBE_MAJOR,
        "minCompatibilityMinor": str(int(KUBE_MINOR) - 1),
        "gitVersion": f"v{KUBE_MAJOR}.{KUBE_MINOR}.0+kapi.{__version__}",
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "2026-11-01T00:00:00Z",
        "goVersion": f"python{sys.version_info.major}.{sys.version_info.minor}",
        "compiler": "cpython",
        "platform": f"{sys.platform}/{_arch()}",
    }


def _arch() -> str:
    m = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(m, m)
