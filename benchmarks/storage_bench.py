"""Storage figures: sqlite durable creates/s at 1/8/64 concurrent writers, point gets/s and the
time to list 10,000 objects, through `BackendStorage` (what the registry calls), with the
memory backend alongside for comparison.

    .venv/bin/python benchmarks/storage_bench.py [--seconds 2] [--sync FULL|NORMAL] [--dir DIR]

Not a test: it prints numbers. Each figure runs for about `--seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kapi.storage.backends import open_backend
from kapi.storage.generic import BackendStorage
from kapi.storage.interface import Backend, ListOptions

PREFIX = "/registry/configmaps/"


def configmap(name: str) -> dict[str, Any]:
    """About 1 KiB encoded, like a small real object."""
    return {
        "kind": "ConfigMap",
        "apiVersion": "v1",
        "metadata": {
            "name": name,
            "namespace": "default",
            "uid": f"6f1c2a4e-0000-4000-8000-{abs(hash(name)) % 10**12:012d}",
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": "bench", "tier": "backend"},
            "annotations": {"note": "x" * 200},
            "managedFields": [
                {
                    "manager": "kubectl",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": "2026-01-01T00:00:00Z",
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:data": {"f:a": {}, "f:b": {}}},
                }
            ],
        },
        "data": {"a": "y" * 300, "b": "z" * 300},
    }


async def timed(seconds: float, worker: Callable[[int], Awaitable[int]], concurrency: int) -> float:
    """Runs `concurrency` copies of `worker` until `seconds` pass; returns operations/s."""
    stop = time.perf_counter() + seconds
    counts = [0] * concurrency

    async def run(w: int) -> None:
        i = 0
        while time.perf_counter() < stop:
            i += await worker(w * 10_000_000 + i)
        counts[w] = i

    t0 = time.perf_counter()
    await asyncio.gather(*(run(w) for w in range(concurrency)))
    return sum(counts) / (time.perf_counter() - t0)


async def bench(kind: str, backend: Backend, seconds: float) -> None:
    s = BackendStorage(backend)
    print(f"\n== {kind}")
    for conc in (1, 8, 64):
        prefix = f"{PREFIX}c{conc}/"

        async def create(i: int, prefix: str = prefix) -> int:
            await s.create(f"{prefix}cm-{i}", configmap(f"cm-{i}"))
            return 1

        rate = await timed(seconds, create, conc)
        print(f"create, {conc:2d} concurrent writers: {rate:10,.0f} /s")

    list_prefix = f"{PREFIX}list/"
    objs = [configmap(f"cm-{i:05d}") for i in range(10_000)]
    for i in range(0, 10_000, 500):
        await asyncio.gather(
            *(s.create(f"{list_prefix}{o['metadata']['name']}", o) for o in objs[i : i + 500])
        )

    async def get(i: int) -> int:
        await s.get(f"{list_prefix}cm-{i % 10_000:05d}")
        return 1

    for conc in (1, 64):
        rate = await timed(seconds, get, conc)
        print(f"get, {conc:2d} concurrent readers:    {rate:10,.0f} /s")

    async def raw_get(i: int) -> int:
        await backend.get(f"{list_prefix}cm-{i % 10_000:05d}")
        return 1

    rate = await timed(seconds, raw_get, 64)
    print(f"backend get (no decode), 64 readers: {rate:8,.0f} /s")

    for label, opts in (
        ("list 10,000 objects", ListOptions()),
        ("list 10,000 objects, pages of 500", ListOptions(limit=500)),
    ):
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            n = 0
            token = ""
            while True:
                res = await s.get_list(
                    list_prefix,
                    ListOptions(limit=opts.limit, continue_token=token),
                )
                n += len(res.items)
                token = res.continue_token
                if not token:
                    break
            best = min(best, time.perf_counter() - t0)
            assert n == 10_000, n
        print(f"{label + ':':37s} {best * 1000:8.1f} ms")


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--seconds", type=float, default=2.0)
    p.add_argument("--sync", default="FULL", choices=["FULL", "NORMAL"])
    p.add_argument("--dir", default="", help="directory for the sqlite file (default: a temp dir)")
    args = p.parse_args()

    memory = await open_backend("memory")
    await bench("memory", memory, args.seconds)
    await memory.close()

    with tempfile.TemporaryDirectory(dir=args.dir or None) as d:
        path = os.path.join(d, "bench.db")
        sqlite = await open_backend("sqlite", path=path, synchronous=args.sync)
        await bench(f"sqlite (synchronous={args.sync}, {path})", sqlite, args.seconds)
        await sqlite.close()


if __name__ == "__main__":
    asyncio.run(main())
