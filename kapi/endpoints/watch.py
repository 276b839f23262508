"""Watch streaming (upstream `k8s.io/apiserver/pkg/endpoints/handlers/watch.go`).

`WatchEncoder` is the sans-I/O core: events in, newline-delimited JSON frames out (with Table
and metadata-only conversions). `serve_watch` is the chunked-HTTP transport: it streams frames,
ends the response when the timeout passes, and stops the storage watch when the client leaves.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable
from typing import Any

import orjson

from kapi.endpoints.http import Receive, Send
from kapi.endpoints.negotiation import Negotiated
from kapi.storage.interface import Watch, WatchEvent, WatchEventType

Object = dict[str, Any]

# Upstream picks a random timeout in [minRequestTimeout, 2*minRequestTimeout) (1800 s default).
MIN_REQUEST_TIMEOUT = 1800


class WatchEncoder:
    def __init__(
        self,
        negotiated: Negotiated,
        to_table: Callable[[Object], Object] | None = None,
    ) -> None:
        self._neg = negotiated
        self._to_table = to_table
        self._headers_sent = False

    def _convert(self, ev: WatchEvent) -> Object:
        obj = ev.object
        if ev.type in (WatchEventType.ERROR, WatchEventType.BOOKMARK):
            return obj
        conv = self._neg.convert
        if conv == "Table" and self._to_table is not None:
            table = self._to_table(obj)
            if self._headers_sent:
                # Only the first event carries column definitions (upstream noHeaders).
                table["columnDefinitions"] = None
            self._headers_sent = True
            return table
        if conv.startswith("PartialObjectMetadata"):
            return {
                "kind": "PartialObjectMetadata",
                "apiVersion": f"meta.k8s.io/{self._neg.version}",
                "metadata": obj.get("metadata") or {},
            }
        return obj

    def encode(self, ev: WatchEvent) -> bytes:
        return orjson.dumps({"type": ev.type.value, "object": self._convert(ev)}) + b"\n"


def watch_timeout(timeout_seconds: int | None) -> float:
    if timeout_seconds is not None and timeout_seconds > 0:
        return float(timeout_seconds)
    return MIN_REQUEST_TIMEOUT * (1 + random.random())


async def serve_watch(
    watch: Watch,
    encoder: WatchEncoder,
    send: Send,
    receive: Receive,
    *,
    timeout: float,
    content_type: str,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Stream until the watch ends, the timeout passes, the client leaves or `stop` is set
    (server shutdown: upstream ends every watch then, and clients re-watch elsewhere)."""
    headers = [
        (b"content-type", content_type.encode()),
        (b"cache-control", b"no-cache, private"),
    ]
    headers.extend(extra_headers or ())
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    # Flush the headers at once so clients know the watch is established.
    await send({"type": "http.response.body", "body": b"", "more_body": True})

    async def pump() -> None:
        async for ev in watch:
            await send(
                {"type": "http.response.body", "body": encoder.encode(ev), "more_body": True}
            )
            if ev.type is WatchEventType.ERROR:
                return

    async def disconnected() -> None:
        while True:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                return

    pump_task = asyncio.create_task(pump())
    gone_task = asyncio.create_task(disconnected())
    tasks: set[asyncio.Task[Any]] = {pump_task, gone_task}
    if stop is not None:
        tasks.add(asyncio.create_task(stop.wait()))
    try:
        done, _ = await asyncio.wait(tasks, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if pump_task in done:
            pump_task.result()
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        await watch.stop()
    with contextlib.suppress(Exception):
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def serve_error_watch(error_status: Object, send: Send, content_type: str) -> None:
    """A watch that could not start (e.g. too old resource version): 200 with one ERROR event."""
    body = orjson.dumps({"type": "ERROR", "object": error_status}) + b"\n"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", content_type.encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
