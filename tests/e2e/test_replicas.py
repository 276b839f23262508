"""Several `kapi serve --storage etcd3` processes over one etcd (or one etcd cluster): what one
replica writes, every replica serves, with one resourceVersion counter and one winner per
conflict; losing an etcd member or a kapi replica loses no acknowledged write."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from kapi.storage.backends import open_backend
from tests.e2e.harness import KapiProcess
from tests.etcd import EtcdServer, make_tls, start_cluster, start_etcd

NS = "default"
PATH = f"/api/v1/namespaces/{NS}/configmaps"


def replica(data_dir: Path, servers: list[str]) -> KapiProcess:
    return KapiProcess(
        data_dir, storage="etcd3", extra_args=["--etcd-servers", ",".join(servers)]
    ).start()


@pytest.fixture(scope="module")
def pair(
    etcd: EtcdServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[KapiProcess, KapiProcess]]:
    a = replica(tmp_path_factory.mktemp("kapi-a"), [etcd.url])
    try:
        b = replica(tmp_path_factory.mktemp("kapi-b"), [etcd.url])
    except BaseException:
        a.stop()
        raise
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


def configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def test_write_through_one_replica_is_watched_and_listed_through_the_other(
    pair: tuple[KapiProcess, KapiProcess],
) -> None:
    a, b = pair
    api_b = b.api_client()
    try:
        core_b = client.CoreV1Api(api_b)
        start_rv = core_b.list_namespaced_config_map(NS).metadata.resource_version
        seen: list[tuple[str, str, str]] = []

        def watch_b() -> None:
            for ev in watch.Watch().stream(
                core_b.list_namespaced_config_map,
                NS,
                resource_version=start_rv,
                timeout_seconds=10,
            ):
                obj = ev["object"]
                seen.append((ev["type"], obj.metadata.name, obj.metadata.resource_version))
                if obj.metadata.name == "from-a":
                    return

        watcher = threading.Thread(target=watch_b)
        watcher.start()
        time.sleep(0.3)  # the watch is open before the write
        with a.http() as ca:
            r = ca.post(PATH, json=configmap("from-a", x="1"))
        assert r.status_code == 201, r.text
        created_rv = r.json()["metadata"]["resourceVersion"]
        watcher.join(15)
        assert ("ADDED", "from-a", created_rv) in seen

        # a consistent list through B right after the write includes it, at a revision not
        # older than the write's
        listed = core_b.list_namespaced_config_map(NS)
        names = {i.metadata.name: i.metadata.resource_version for i in listed.items}
        assert names["from-a"] == created_rv
        assert int(listed.metadata.resource_version) >= int(created_rv)
    finally:
        api_b.close()


def test_resource_versions_are_one_counter_across_replicas(
    pair: tuple[KapiProcess, KapiProcess],
) -> None:
    a, b = pair
    with a.http() as ca, b.http() as cb:
        rvs = []
        for i in range(6):
            c = ca if i % 2 == 0 else cb
            r = c.post(PATH, json=configmap(f"rv-{i}"))
            assert r.status_code == 201, r.text
            rvs.append(int(r.json()["metadata"]["resourceVersion"]))
        assert rvs == sorted(rvs) and len(set(rvs)) == len(rvs)
        for i in range(6):
            got_a = ca.get(f"{PATH}/rv-{i}").json()["metadata"]["resourceVersion"]
            got_b = cb.get(f"{PATH}/rv-{i}").json()["metadata"]["resourceVersion"]
            assert got_a == got_b == str(rvs[i])
        # an exact list at a revision served by A reads the same snapshot through B
        la = ca.get(PATH).json()
        lb = cb.get(
            PATH,
            params={
                "resourceVersion": la["metadata"]["resourceVersion"],
                "resourceVersionMatch": "Exact",
            },
        ).json()
        assert lb["metadata"]["resourceVersion"] == la["metadata"]["resourceVersion"]
        assert [i["metadata"]["name"] for i in lb["items"]] == [
            i["metadata"]["name"] for i in la["items"]
        ]


def test_concurrent_updates_through_two_replicas_one_wins(
    pair: tuple[KapiProcess, KapiProcess],
) -> None:
    a, b = pair
    apis = [a.api_client(), b.api_client()]
    try:
        cores = [client.CoreV1Api(x) for x in apis]
        cores[0].create_namespaced_config_map(NS, configmap("contended", n="0"))
        barrier = threading.Barrier(2)

        def update(i: int, rv: str) -> int:
            # new content from each replica each round: neither update is a no-op
            body = configmap("contended", n=f"replica-{i}-{rv}")
            body["metadata"]["resourceVersion"] = rv
            barrier.wait()
            try:
                cores[i].replace_namespaced_config_map("contended", NS, body)
            except ApiException as e:
                return int(e.status)
            return 200

        with ThreadPoolExecutor(2) as pool:
            for _ in range(10):
                rv = cores[0].read_namespaced_config_map("contended", NS).metadata.resource_version
                codes = sorted(pool.map(update, [0, 1], [rv, rv]))
                assert codes == [200, 409]
                final = [c.read_namespaced_config_map("contended", NS) for c in cores]
                assert final[0].data == final[1].data
                assert final[0].metadata.resource_version == final[1].metadata.resource_version
                assert int(final[0].metadata.resource_version) > int(rv)
    finally:
        for x in apis:
            x.close()


class Writers:
    """Threads creating configmaps through one kapi as fast as they can; records every create
    that was acknowledged (201) until stopped or until the server is gone."""

    def __init__(self, url: str, prefix: str, threads: int = 8) -> None:
        self.url = url
        self.prefix = prefix
        self.acked: dict[str, str] = {}
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(w,)) for w in range(threads)]

    def _run(self, w: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as c:
            i = 0
            while not self._stop.is_set():
                name = f"{self.prefix}-{w}-{i}"
                i += 1
                try:
                    r = c.post(PATH, json=configmap(name, i=str(i)))
                except httpx.HTTPError as e:
                    with self._lock:
                        self.errors.append(repr(e))
                    return  # the server is gone
                with self._lock:
                    if r.status_code == 201:
                        self.acked[name] = r.json()["metadata"]["resourceVersion"]
                    else:
                        self.errors.append(f"{r.status_code} {r.text[:200]}")

    def start(self) -> Writers:
        for t in self._threads:
            t.start()
        return self

    def count(self) -> int:
        with self._lock:
            return len(self.acked)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(60)


def listed(c: httpx.Client) -> dict[str, str]:
    items = c.get(PATH, timeout=60).json()["items"]
    return {i["metadata"]["name"]: i["metadata"]["resourceVersion"] for i in items}


def wait_for(cond: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_killing_a_replica_loses_nothing(
    pair: tuple[KapiProcess, KapiProcess], etcd: EtcdServer, tmp_path: Path
) -> None:
    _, b = pair
    doomed = replica(tmp_path / "doomed", [etcd.url])
    writers = Writers(doomed.url, "doomed").start()
    try:
        wait_for(lambda: writers.count() >= 100)
        doomed.kill()
    finally:
        writers.stop()
        doomed.stop()
    with b.http() as cb:
        present = listed(cb)
    missing = {n: rv for n, rv in writers.acked.items() if present.get(n) != rv}
    assert not missing, f"{len(missing)} acknowledged creates lost"
    assert len(writers.acked) >= 100


def raw_keys(urls: list[str], prefix: str) -> dict[str, int]:
    """The keys under `prefix` read straight from etcd (no kapi in between)."""

    async def read() -> dict[str, int]:
        from kapi.storage.interface import prefix_end

        backend = await open_backend("etcd3", servers=urls)
        try:
            res = await backend.range(prefix, prefix_end(prefix))
            return {kv.key: kv.mod_revision for kv in res.kvs}
        finally:
            await backend.close()

    return asyncio.run(read())


def test_etcd_member_killed_mid_burst_loses_no_acknowledged_write(tmp_path: Path) -> None:
    cluster = start_cluster(tmp_path / "etcd", 3)
    server = None
    try:
        server = replica(tmp_path / "kapi", cluster.urls)
        writers = Writers(server.url, "burst").start()
        try:
            wait_for(lambda: writers.count() >= 100)
            # pick-first: kapi talks to the first member; kill it, so the failover is real
            cluster.members[0].kill()
            before = writers.count()
            wait_for(lambda: writers.count() >= before + 100, timeout=60)
        finally:
            writers.stop()
        assert writers.count() >= 200
        with server.http() as c:
            present = listed(c)
            # the surviving quorum keeps serving writes through the same kapi
            r = c.post(PATH, json=configmap("after-kill"))
            assert r.status_code == 201, r.text
        missing = {n: rv for n, rv in writers.acked.items() if present.get(n) != rv}
        assert not missing, f"{len(missing)} acknowledged creates lost"
        raw = raw_keys(cluster.urls[1:], f"/registry/configmaps/{NS}/")
        for name, rv in writers.acked.items():
            assert raw[f"/registry/configmaps/{NS}/{name}"] == int(rv)
    finally:
        if server is not None:
            server.stop()
        cluster.stop()


def test_kapi_talks_to_etcd_over_tls(tmp_path: Path) -> None:
    tls = make_tls(tmp_path / "tls")
    etcd = start_etcd(tmp_path / "etcd", tls=tls)
    server = KapiProcess(
        tmp_path / "kapi",
        storage="etcd3",
        extra_args=[
            "--etcd-servers",
            etcd.url,
            "--etcd-cafile",
            str(tls.ca),
            "--etcd-certfile",
            str(tls.client_cert),
            "--etcd-keyfile",
            str(tls.client_key),
        ],
    )
    try:
        server.start()
        with server.http() as c:
            r = c.post(PATH, json=configmap("over-tls"))
            assert r.status_code == 201, r.text
            assert c.get(f"{PATH}/over-tls").status_code == 200
    finally:
        server.stop()
        etcd.stop()
