"""Minimal ASGI request/response primitives: reading bodies with upstream's size limit,
encoding objects as JSON or YAML, writing plain and Status responses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import orjson
import yaml

from kapi.endpoints.negotiation import PROTOBUF
from kapi.machinery import errors

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Upstream `MaxRequestBodyBytes` default: 3 MiB.
MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024

try:  # the C loader is an order of magnitude faster where available
    _YamlLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader


class _YamlDumper(yaml.SafeDumper):
    """Quotes strings that need it with double quotes, as upstream's YAML encoder
    (sigs.k8s.io/yaml) does: `creationTimestamp: "2024-05-01T12:00:00Z"`."""

    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


class Request:
    __slots__ = ("_body", "headers", "method", "path", "query", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive) -> None:
        self.scope = scope
        self.receive = receive
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        raw_qs = scope.get("query_string", b"")
        self.query: dict[str, list[str]] = (
            parse_qs(raw_qs.decode("latin-1"), keep_blank_values=True) if raw_qs else {}
        )
        self.headers: dict[str, str] = {}
        for k, v in scope.get("headers", ()):
            name = k.decode("latin-1").lower()
            value = v.decode("latin-1")
            self.headers[name] = f"{self.headers[name]},{value}" if name in self.headers else value
        self._body: bytes | None = None

    def param(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    async def body(self) -> bytes:
        if self._body is not None:
            return self._body
        chunks: list[bytes] = []
        size = 0
        while True:
            msg = await self.receive()
            if msg["type"] == "http.disconnect":
                break
            chunk = msg.get("body", b"")
            size += len(chunk)
            if size > MAX_REQUEST_BODY_BYTES:
                raise errors.new_request_entity_too_large(f"limit is {MAX_REQUEST_BODY_BYTES}")
            chunks.append(chunk)
            if not msg.get("more_body", False):
                break
        self._body = b"".join(chunks)
        return self._body


def encode(obj: Any, fmt: str, pretty: bool = False) -> bytes:
    if fmt == "yaml":
        return yaml.dump(obj, Dumper=_YamlDumper, default_flow_style=False, sort_keys=True).encode()
    if pretty:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2) + b"\n"
    return orjson.dumps(obj)


def decode_body(body: bytes, content_type: str) -> Any:
    """Decode a request body by its media type (JSON, YAML or Kubernetes protobuf); 400/415
    as upstream."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media in ("", "application/json", "*/*"):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError as err:
            # A YAML body sent without a content type is common with curl; upstream sniffs too.
            if media:
                raise errors.new_bad_request(f"error decoding JSON body: {err}") from err
    elif media == PROTOBUF:
        # Imported on first use: most deployments never see a protobuf body, start-up counts.
        from kapi.machinery.protobuf import decode_protobuf

        return decode_protobuf(body)
    elif media not in ("application/yaml", "application/x-yaml", "text/yaml"):
        raise errors.new_unsupported_media_type(
            ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
        )
    try:
        return yaml.load(body, Loader=_YamlLoader)
    except yaml.YAMLError as err:
        raise errors.new_bad_request(f"error converting YAML to JSON: {err}") from err


async def send_bytes(
    send: Send,
    status: int,
    body: bytes,
    content_type: str,
    extra_headers: list[tuple[bytes, bytes]] | None = None,
    *,
    head: bool = False,
) -> None:
    headers = [
        (b"content-type", content_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode()),
    ]
    if extra_headers:
        headers.extend(extra_headers)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else body})


async def send_status_error(
    send: Send, err: errors.StatusError, extra_headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    headers = list(extra_headers or ())
    if err.details is not None and err.details.retry_after_seconds:
        headers.append((b"retry-after", str(err.details.retry_after_seconds).encode()))
    await send_bytes(send, err.code, orjson.dumps(err.status()), "application/json", headers)


async def send_text(send: Send, status: int, text: str) -> None:
    await send_bytes(
        send,
        status,
        text.encode(),
        "text/plain; charset=utf-8",
        [(b"x-content-type-options", b"nosniff")],
    )


def warning_headers(warnings: list[str]) -> list[tuple[bytes, bytes]]:
    out = []
    for w in warnings:
        escaped = w.replace("\\", "\\\\").replace('"', '\\"')
        out.append((b"warning", f'299 - "{escaped}"'.encode()))
    return out
