"""A create acknowledged with 201 survives `kill -9` of the server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx

from tests.e2e.harness import KapiProcess

PATH = "/api/v1/namespaces/default/configmaps"


def test_acknowledged_creates_survive_kill_9(tmp_path: Path) -> None:
    data_dir = tmp_path / "durable"
    server = KapiProcess(data_dir).start()
    acked: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def writer(w: int) -> None:
        with httpx.Client(base_url=server.url, timeout=5) as c:
            i = 0
            while not stop.is_set():
                name = f"w{w}-{i}"
                i += 1
                try:
                    r = c.post(PATH, json={"metadata": {"name": name}, "data": {"i": str(i)}})
                except httpx.HTTPError:
                    return  # the server is gone
                if r.status_code == 201:
                    with lock:
                        acked[name] = r.json()["metadata"]["resourceVersion"]

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(16)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    server.kill()
    stop.set()
    for t in threads:
        t.join(10)
    assert len(acked) > 50, "the burst should have acknowledged some creates"

    restarted = KapiProcess(data_dir).start()
    try:
        with restarted.http() as c:
            listed = c.get(PATH).json()
            stored = {
                i["metadata"]["name"]: i["metadata"]["resourceVersion"] for i in listed["items"]
            }
            for name, rv in acked.items():
                assert stored.get(name) == rv, (
                    f"{name} acknowledged at {rv} but stored {stored.get(name)}"
                )
            # Consistent afterwards: new writes get newer revisions, reads agree.
            list_rv = int(listed["metadata"]["resourceVersion"])
            assert list_rv >= max(int(rv) for rv in stored.values())
            r = c.post(PATH, json={"metadata": {"name": "after-restart"}})
            assert r.status_code == 201
            assert int(r.json()["metadata"]["resourceVersion"]) > list_rv
    finally:
        restarted.stop()
