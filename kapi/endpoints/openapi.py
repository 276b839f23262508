"""`/openapi/v2` and `/openapi/v3[/<group version>]` (upstream kube-openapi `handler` and
`handler3`), built from the installed group versions by `kapi.machinery.openapi`."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from kapi.endpoints.installer import APIGroupVersion
from kapi.machinery import openapi
from kapi.machinery.openapi import Document, ServedResource, Subresource

Headers = list[tuple[bytes, bytes]]


def served_resources(gvs: Iterable[APIGroupVersion]) -> list[ServedResource]:
    out = []
    for agv in gvs:
        gv = agv.group_version
        for r in agv.resources.values():
            if r.subresource:
                continue
            subs = [
                Subresource(s.subresource, s.gvk, tuple(s.verbs))
                for s in agv.resources.values()
                if s.resource == r.resource and s.subresource
            ]
            out.append(
                ServedResource(
                    group=gv.group,
                    version=gv.version,
                    kind=r.gvk.kind,
                    resource=r.resource,
                    namespaced=r.namespaced,
                    verbs=tuple(r.verbs),
                    subresources=tuple(subs),
                )
            )
    return out


class OpenAPIEndpoint:
    def __init__(self, gvs: Iterable[APIGroupVersion]) -> None:
        self.service = openapi.openapi_service(served_resources(gvs))

    async def __call__(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str]
    ) -> tuple[int, bytes, str, Headers]:
        # The first build of a document costs a fraction of a second: keep it off the loop.
        if path == "/openapi/v2":
            if "protobuf" in headers.get("accept", ""):
                doc = await asyncio.to_thread(self.service.v2_protobuf)
                return self._respond(doc, openapi.MIME_V2_PROTOBUF, headers)
            doc = await asyncio.to_thread(self.service.v2)
            return self._respond(doc, openapi.MIME_JSON, headers)
        if path == "/openapi/v3":
            doc = await asyncio.to_thread(self.service.v3_index)
            return self._respond(doc, openapi.MIME_JSON, headers)
        if path.startswith("/openapi/v3/"):
            key = path[len("/openapi/v3/") :]
            v3 = await asyncio.to_thread(self.service.v3, key)
            if v3 is None:
                return 404, b"404 page not found\n", "text/plain; charset=utf-8", []
            wanted = (query.get("hash") or [""])[0]
            if wanted and wanted != v3.etag:
                location = openapi.v3_server_relative_url(key, v3.etag)
                return 301, b"", "text/plain; charset=utf-8", [(b"location", location.encode())]
            status, body, ctype, extra = self._respond(v3, openapi.MIME_JSON, headers)
            if wanted:
                expires = datetime.now(UTC) + timedelta(days=365)
                extra += [
                    (b"cache-control", b"public, immutable"),
                    (b"expires", format_datetime(expires, usegmt=True).encode()),
                ]
            return status, body, ctype, extra
        return 404, b"404 page not found\n", "text/plain; charset=utf-8", []

    @staticmethod
    def _respond(
        doc: Document, content_type: str, headers: dict[str, str]
    ) -> tuple[int, bytes, str, Headers]:
        etag = f'"{doc.etag}"'
        extra: Headers = [(b"etag", etag.encode()), (b"vary", b"Accept")]
        if headers.get("if-none-match") == etag:
            return 304, b"", content_type, extra
        return 200, doc.body, content_type, extra
