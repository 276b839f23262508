"""Watch cache figures: LIST of 10,000 pods from the cache vs from the backend storage
(`inner`), over memory and sqlite; watch fan-out (1,000 watchers receiving 1,000 events) with
delivery latency p50/p99; and the cache's memory per pod.

    .venv/bin/python benchmarks/cacher_bench.py [--pods 10000] [--watchers 1000]
        [--events 1000] [--rate 200] [--memory-pods 100000] [--dir DIR] [--etcd URL]

Not a test: it prints numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kapi.storage.backends import open_backend
from kapi.storage.cacher import CachedStorage
from kapi.storage.generic import BackendStorage, encode_object
from kapi.storage.interface import Backend, ListOptions, Storage

PREFIX = "/registry/pods/"


def pod(i: int) -> dict[str, Any]:
    """A scheduled, running pod (about 1.9 KB stored)."""
    ip = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"web-5d8f7c9b6d-{i:06d}",
            "generateName": "web-5d8f7c9b6d-",
            "namespace": f"team-{i % 40}",
            "uid": str(uuid.UUID(int=i + 1)),
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "labels": {"app": "web", "pod-template-hash": "5d8f7c9b6d"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "web-5d8f7c9b6d",
                    "uid": "0a6f1b9e-3c1d-4b4e-9a55-1c3f7b2d9e10",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "containers": [
                {
                    "name": "web",
                    "image": "registry.example.com/web:1.27.3",
                    "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                    "imagePullPolicy": "IfNotPresent",
                }
            ],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "nodeName": f"node-{i % 500:03d}",
            "schedulerName": "default-scheduler",
            "tolerations": [
                {
                    "key": "node.kubernetes.io/not-ready",
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": 300,
                }
            ],
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True", "lastTransitionTime": "2026-01-01T00:00:05Z"}
                for t in ("Initialized", "Ready", "ContainersReady", "PodScheduled")
            ],
            "hostIP": f"10.0.{i % 500 // 250}.{i % 250}",
            "podIP": ip,
            "podIPs": [{"ip": ip}],
            "startTime": "2026-01-01T00:00:01Z",
            "containerStatuses": [
                {
                    "name": "web",
                    "state": {"running": {"startedAt": "2026-01-01T00:00:03Z"}},
                    "ready": True,
                    "restartCount": 0,
                    "image": "registry.example.com/web:1.27.3",
                    "containerID": f"containerd://{i:064x}",
                }
            ],
            "qosClass": "Burstable",
        },
    }


def key(i: int) -> str:
    return f"{PREFIX}team-{i % 40}/web-5d8f7c9b6d-{i:06d}"


ETCD_SERVERS: list[str] = []


async def open_kind(kind: str, directory: Path) -> Backend:
    if kind == "memory":
        return await open_backend("memory")
    if kind == "etcd3":
        return await open_backend("etcd3", servers=ETCD_SERVERS)
    return await open_backend(
        "sqlite", path=str(directory / "cacher-bench.db"), synchronous="NORMAL"
    )


async def fill(inner: BackendStorage, n: int) -> None:
    for lo in range(0, n, 500):
        await asyncio.gather(*(inner.create(key(i), pod(i)) for i in range(lo, min(n, lo + 500))))


async def timed(fn: Callable[[], Awaitable[Any]], repeat: int) -> float:
    """Median seconds of `repeat` runs (after one warm-up run)."""
    await fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


async def list_all(s: Storage, opts: ListOptions) -> int:
    n = 0
    token = ""
    while True:
        res = await s.get_list(
            PREFIX,
            ListOptions(
                resource_version=opts.resource_version if not token else "",
                limit=opts.limit,
                continue_token=token,
                raw=opts.raw,
            ),
        )
        n += len(res.items)
        token = res.continue_token
        if not token:
            return n


async def bench_lists(kind: str, n: int, directory: Path) -> None:
    backend = await open_kind(kind, directory)
    inner = BackendStorage(backend)
    await fill(inner, n)
    async with CachedStorage(inner, backend) as cached:
        assert await list_all(cached, ListOptions()) == n  # starts and fills the cache
        cases = [
            ("consistent (RV unset)", ListOptions()),
            ("RV=0", ListOptions(resource_version="0")),
            ("raw, consistent", ListOptions(raw=True)),
            ("pages of 500", ListOptions(limit=500)),
            ("raw, pages of 500", ListOptions(limit=500, raw=True)),
        ]
        print(f"\nLIST of {n:,} pods over {kind} (median of 5):")
        print(f"  {'':24} {'inner':>10} {'cache':>10} {'speed-up':>9}")
        for label, opts in cases:
            t_inner = await timed(lambda o=opts: list_all(inner, o), 5)  # type: ignore[misc]
            t_cache = await timed(lambda o=opts: list_all(cached, o), 5)  # type: ignore[misc]
            print(
                f"  {label:24} {t_inner * 1000:8.1f}ms {t_cache * 1000:8.1f}ms "
                f"{t_inner / t_cache:8.1f}x"
            )
    await backend.close()


async def bench_fanout(watchers: int, events: int, rate: float) -> None:
    backend = await open_backend("memory", watch_queue_size=100_000)
    inner = BackendStorage(backend)
    async with CachedStorage(inner, backend) as cached:
        start = await cached.current_resource_version()
        await cached.get_list(PREFIX, ListOptions(resource_version="0"))  # start the cache
        for raw in (False, True):
            for mode, pace in (("burst", 0.0), (f"paced at {rate:g}/s", 1.0 / rate)):
                label = f"{'raw' if raw else 'decoded'}, {mode}"
                start = await fanout_round(cached, start, label, pace, watchers, events, raw)
    await backend.close()


async def fanout_round(
    cached: CachedStorage,
    start: int,
    label: str,
    pace: float,
    watchers: int,
    events: int,
    raw: bool,
) -> int:
    """One round: `watchers` watches from `start`, then `events` creates; every watcher reads
    every event (decoded: a private dict each; raw: shared pre-encoded JSON, what a plain-JSON
    HTTP watch needs). Latency is from just before the write to the watcher holding the
    event."""
    sent: list[float] = []
    latencies: list[float] = []
    ws = [
        await cached.watch(PREFIX, ListOptions(resource_version=str(start), raw=raw))
        for _ in range(watchers)
    ]

    async def consume(w: Any) -> None:
        got = 0
        async for _ev in w:
            # A watcher's i-th event is the i-th write: its revision need not be decoded.
            latencies.append(time.perf_counter() - sent[got])
            got += 1
            if got == events:
                return

    tasks = [asyncio.create_task(consume(w)) for w in ws]
    t0 = time.perf_counter()
    for i in range(events):
        sent.append(time.perf_counter())
        await cached.create(f"{PREFIX}fanout/{start}-{i:06d}", pod(i))
        if pace:
            await asyncio.sleep(pace)
        elif i % 50 == 49:
            await asyncio.sleep(0)
    written = time.perf_counter() - t0
    await asyncio.gather(*tasks)
    total = time.perf_counter() - t0
    for w in ws:
        await w.stop()
    latencies.sort()
    n = len(latencies)
    print(
        f"\nwatch fan-out, {label}: {watchers:,} watchers x {events:,} events = "
        f"{n:,} deliveries in {total:.2f}s ({n / total:,.0f}/s; writes took "
        f"{written:.2f}s)\n  delivery latency p50 {latencies[n // 2] * 1000:.1f}ms, "
        f"p99 {latencies[int(n * 0.99)] * 1000:.1f}ms, max {latencies[-1] * 1000:.1f}ms"
    )
    return await cached.current_resource_version()


async def bench_memory(n: int, directory: Path) -> None:
    backend = await open_backend(
        "sqlite", path=str(directory / "cacher-memory.db"), synchronous="NORMAL"
    )
    inner = BackendStorage(backend)
    await fill(inner, n)
    stored = sum(len(encode_object(pod(i))) for i in range(0, n, 97)) / len(range(0, n, 97))
    async with CachedStorage(inner, backend) as cached:
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        cache = cached.cache_for(PREFIX)
        assert cache is not None and await cache.wait_fresh(0, 600)
        gc.collect()
        used = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
    await backend.close()
    print(
        f"\nwatch cache memory, {n:,} pods over sqlite: {used / 2**20:.0f} MiB "
        f"({used / n:.0f} B per pod; stored JSON {stored:.0f} B)"
    )


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pods", type=int, default=10_000)
    ap.add_argument("--watchers", type=int, default=1000)
    ap.add_argument("--events", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=200.0, help="events/s of the paced run")
    ap.add_argument("--memory-pods", type=int, default=100_000)
    ap.add_argument("--dir", default="")
    ap.add_argument("--etcd", default="", help="also list from an (empty) etcd at this URL")
    args = ap.parse_args()
    if args.etcd:
        ETCD_SERVERS.append(args.etcd)
    with tempfile.TemporaryDirectory(dir=args.dir or None) as d:
        directory = Path(d)
        for kind in ("memory", "sqlite", *(["etcd3"] if args.etcd else [])):
            await bench_lists(kind, args.pods, directory)
        await bench_fanout(args.watchers, args.events, args.rate)
        if args.memory_pods:
            await bench_memory(args.memory_pods, directory)


if __name__ == "__main__":
    asyncio.run(main())
