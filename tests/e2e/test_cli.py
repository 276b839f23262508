"""`kapi serve`: start-up, kubeconfig, clean shutdown, data kept across restarts."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest
import yaml

from tests.e2e.harness import KapiProcess


def test_ready_within_a_second_and_writes_kubeconfig(tmp_path: Path) -> None:
    server = KapiProcess(tmp_path / "d").start()
    try:
        assert server.startup_seconds < 1.0
        cfg = yaml.safe_load(server.kubeconfig.read_text())
        assert cfg["clusters"][0]["cluster"]["server"] == server.url
        assert cfg["current-context"] == "kapi"
        out = server.kubectl("get", "ns", "-o", "name").stdout.split()
        assert "namespace/default" in out
        r = httpx.get(server.url + "/readyz?verbose")
        assert r.status_code == 200 and "readyz check passed" in r.text
    finally:
        server.stop()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly_on_signal(tmp_path: Path, sig: int) -> None:
    server = KapiProcess(tmp_path / "d").start()
    assert server.stop(sig) == 0


def test_data_survives_restart(tmp_path: Path) -> None:
    data = tmp_path / "d"
    server = KapiProcess(data).start()
    try:
        server.kubectl(
            "create", "-f", "-", input="{kind: ConfigMap, apiVersion: v1, metadata: {name: kept}}"
        )
        rv = server.kubectl("get", "cm", "kept", "-o", "jsonpath={.metadata.resourceVersion}")
    finally:
        server.stop()
    again = KapiProcess(data).start()
    try:
        got = again.kubectl("get", "cm", "kept", "-o", "jsonpath={.metadata.resourceVersion}")
        assert got.stdout == rv.stdout
    finally:
        again.stop()


def test_shutdown_does_not_wait_for_open_watches(tmp_path: Path) -> None:
    import threading
    import time

    server = KapiProcess(tmp_path / "d").start()
    url = server.url + "/api/v1/namespaces/default/configmaps?watch=1"

    def watch() -> None:
        try:
            with httpx.stream("GET", url, timeout=60) as r:
                for _ in r.iter_bytes():
                    pass
        except httpx.HTTPError:
            pass

    watchers = [threading.Thread(target=watch, daemon=True) for _ in range(3)]
    for t in watchers:
        t.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    assert server.stop(signal.SIGTERM) == 0
    assert time.monotonic() - t0 < 5
    for t in watchers:
        t.join(5)
        assert not t.is_alive()
