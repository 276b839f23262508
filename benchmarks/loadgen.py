"""A small keep-alive HTTP/1.1 load generator over raw asyncio streams.

General-purpose Python HTTP clients cost more CPU per request than the server under test,
which on a 2-core machine would measure the client. This one only frames requests and reads
`Content-Length` bodies, which is all kapi's non-watch responses need.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Result:
    count: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(len(xs) * p))]


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str):
        self.reader = reader
        self.writer = writer
        self.host = host

    @classmethod
    async def open(cls, url: str) -> Connection:
        u = urlsplit(url)
        reader, writer = await asyncio.open_connection(u.hostname, u.port)
        return cls(reader, writer, f"{u.hostname}:{u.port}")

    async def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = "application/json"
    ) -> tuple[int, bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAccept: application/json\r\n"
        if body or method in ("POST", "PUT", "PATCH"):
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        chunked = False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            lname = name.lower()
            if lname == "content-length":
                length = int(value.strip())
            elif lname == "transfer-encoding" and "chunked" in value:
                chunked = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            return status, b"".join(parts)
        return status, await self.reader.readexactly(length) if length else b""

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()


RequestFactory = Callable[[int], tuple[str, str, bytes]]


async def run(
    url: str, concurrency: int, total: int, make: RequestFactory, ok: tuple[int, ...] = (200, 201)
) -> Result:
    """Send `total` requests made by `make(i)` over `concurrency` connections."""
    conns = [await Connection.open(url) for _ in range(concurrency)]
    result = Result()
    counter = iter(range(total))

    async def worker(conn: Connection) -> None:
        for i in counter:
            method, path, body = make(i)
            t0 = time.perf_counter()
            status, _ = await conn.request(method, path, body)
            result.latencies.append(time.perf_counter() - t0)
            if status in ok:
                result.count += 1
            else:
                result.errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(c) for c in conns))
    result.seconds = time.perf_counter() - t0
    for c in conns:
        await c.close()
    return result
