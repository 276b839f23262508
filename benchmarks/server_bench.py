"""Start a real kapi server and print its figures (not a test).

    .venv/bin/python benchmarks/server_bench.py [--storage sqlite|memory] [--quick]

Reports: start-up to ready; creates/s, GETs/s, updates/s with 1, 8 and 64 concurrent
clients; LIST latency of 10,000 pods; watch delivery latency with 100 watchers; RSS with
10,000 and 100,000 stored pods.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Connection, run

NS_PATH = "/api/v1/namespaces/default"


def start_server(data_dir: Path, storage: str) -> tuple[subprocess.Popen[str], str, float]:
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kapi.cli",
            "serve",
            "--port",
            "0",
            "--data-dir",
            str(data_dir),
            "--storage",
            storage,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    url = ""
    for line in proc.stdout:
        if "serving at " in line:
            url = line.split("serving at ", 1)[1].strip()
            break
    if not url:
        raise RuntimeError("server did not start")
    ready = asyncio.run(wait_ready(url))
    return proc, url, ready - t0


async def wait_ready(url: str) -> float:
    while True:
        try:
            c = await Connection.open(url)
            status, _ = await c.request("GET", "/readyz")
            await c.close()
            if status == 200:
                return time.perf_counter()
        except OSError:
            pass
        await asyncio.sleep(0.002)


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pod_body(name: str) -> bytes:
    return orjson.dumps(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "labels": {"app": "bench", "tier": "web"}},
            "spec": {
                "containers": [
                    {"name": "c", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}
                ]
            },
        }
    )


def cm_body(name: str) -> bytes:
    return orjson.dumps({"metadata": {"name": name}, "data": {"k": "v" * 100}})


async def verbs(url: str, n: int) -> None:
    print("\n== verbs (configmaps) ==")
    print(f"{'clients':>8} {'creates/s':>10} {'gets/s':>10} {'updates/s':>10}   p99 create ms")
    for conc in (1, 8, 64):
        tag = f"c{conc}"
        created = await run(
            url, conc, n, lambda i, t=tag: ("POST", f"{NS_PATH}/configmaps", cm_body(f"{t}-{i}"))
        )
        got = await run(
            url, conc, n * 2, lambda i, t=tag: ("GET", f"{NS_PATH}/configmaps/{t}-{i % n}", b"")
        )
        updated = await run(
            url,
            conc,
            n,
            lambda i, t=tag, k=conc: (
                "PUT",
                f"{NS_PATH}/configmaps/{t}-{i % k}",
                orjson.dumps({"metadata": {"name": f"{t}-{i % k}"}, "data": {"i": str(i)}}),
            ),
        )
        errs = created.errors + got.errors + updated.errors
        print(
            f"{conc:>8} {created.rate:>10.0f} {got.rate:>10.0f} {updated.rate:>10.0f}"
            f"   {created.percentile(0.99) * 1000:8.1f}" + (f"  errors={errs}" if errs else "")
        )


async def create_pods(url: str, start: int, count: int) -> float:
    t0 = time.perf_counter()
    res = await run(
        url, 64, count, lambda i: ("POST", f"{NS_PATH}/pods", pod_body(f"p{start + i}"))
    )
    if res.errors:
        print(f"  ({res.errors} pod creates failed)")
    return time.perf_counter() - t0


async def list_latency(url: str) -> list[float]:
    c = await Connection.open(url)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        status, body = await c.request("GET", f"{NS_PATH}/pods")
        times.append(time.perf_counter() - t0)
        assert status == 200, status
    await c.close()
    print(
        f"  LIST of {len(orjson.loads(body)['items'])} pods ({len(body) / 1e6:.1f} MB): "
        f"median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms"
    )
    return times


async def watch_latency(url: str, watchers: int = 100, events: int = 200) -> None:
    u = urlsplit(url)
    rv_conn = await Connection.open(url)
    _, body = await rv_conn.request("GET", f"{NS_PATH}/configmaps?limit=1")
    rv = orjson.loads(body)["metadata"]["resourceVersion"]
    streams = []
    for _ in range(watchers):
        reader, writer = await asyncio.open_connection(u.hostname, u.port)
        writer.write(
            f"GET {NS_PATH}/configmaps?watch=1&resourceVersion={rv}&labelSelector=w%3Dlat "
            f"HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        streams.append((reader, writer))
    sent: dict[str, float] = {}
    lat: list[float] = []

    async def consume(reader: asyncio.StreamReader) -> None:
        got = 0
        while got < events:
            size_line = await reader.readline()
            size = int(size_line.strip() or b"0", 16)
            if size == 0:
                continue
            chunk = await reader.readexactly(size)
            await reader.readline()
            for line in chunk.splitlines():
                ev = orjson.loads(line)
                name = ev["object"]["metadata"]["name"]
                lat.append(time.perf_counter() - sent[name])
                got += 1

    consumers = [asyncio.create_task(consume(r)) for r, _ in streams]
    await asyncio.sleep(0.5)
    for i in range(events):
        name = f"lat-{i}"
        sent[name] = time.perf_counter()
        await rv_conn.request(
            "POST",
            f"{NS_PATH}/configmaps",
            orjson.dumps({"metadata": {"name": name, "labels": {"w": "lat"}}}),
        )
        await asyncio.sleep(0.005)
    await asyncio.wait_for(asyncio.gather(*consumers), 120)
    for _, w in streams:
        w.close()
    await rv_conn.close()
    lat.sort()
    print(f"\n== watch delivery, {watchers} watchers x {events} events ==")
    print(
        f"  p50 {lat[len(lat) // 2] * 1000:.1f} ms, p99 {lat[int(len(lat) * 0.99)] * 1000:.1f} ms,"
        f" max {lat[-1] * 1000:.1f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--storage", default="sqlite")
    ap.add_argument("--quick", action="store_true", help="smaller counts, no 100k RSS")
    args = ap.parse_args()
    n = 500 if args.quick else 2000
    with tempfile.TemporaryDirectory() as tmp:
        startups = []
        for i in range(3):
            proc, url, secs = start_server(Path(tmp) / f"s{i}", args.storage)
            startups.append(secs)
            proc.terminate()
            proc.wait()
        print(f"storage={args.storage}")
        print(
            f"start-up to ready: median {statistics.median(startups) * 1000:.0f} ms "
            f"(runs: {', '.join(f'{s * 1000:.0f}' for s in startups)} ms)"
        )
        proc, url, _ = start_server(Path(tmp) / "main", args.storage)
        try:
            asyncio.run(verbs(url, n))
            asyncio.run(watch_latency(url))
            print("\n== 10,000 pods ==")
            secs = asyncio.run(create_pods(url, 0, 10_000))
            print(f"  created in {secs:.1f} s ({10_000 / secs:.0f}/s with 64 clients)")
            asyncio.run(list_latency(url))
            print(f"  RSS with 10,000 pods: {rss_mib(proc.pid):.0f} MiB")
            if not args.quick:
                secs = asyncio.run(create_pods(url, 10_000, 90_000))
                print(f"\n== 100,000 pods == created 90,000 more in {secs:.1f} s")
                print(f"  RSS with 100,000 pods: {rss_mib(proc.pid):.0f} MiB")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
