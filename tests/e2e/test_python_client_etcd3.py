"""The official `kubernetes` Python client tests of `test_python_client.py`, against a kapi
that stores in a real etcd (`kapi serve --storage etcd3`).

Every test there that runs against the shared server (it takes the `api` fixture) runs here
too, unchanged, with this module's `kapi` fixture; tests that start servers of their own are
storage-specific and have their etcd3 counterparts below.
"""

from __future__ import annotations

import inspect
import time
from pathlib import Path

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from tests.e2e import test_python_client as base
from tests.e2e.harness import KapiProcess
from tests.etcd import start_etcd

api = base.api
globals().update(
    {
        name: fn
        for name, fn in vars(base).items()
        if name.startswith("test_") and "api" in inspect.signature(fn).parameters
    }
)


@pytest.fixture(scope="module")
def kapi(kapi_etcd3: KapiProcess) -> KapiProcess:
    return kapi_etcd3


def test_watch_from_compacted_version_is_410_on_etcd(tmp_path: Path) -> None:
    # Its own etcd: compacting the shared one would expire the other tests' revisions.
    etcd = start_etcd(tmp_path / "etcd")
    server = KapiProcess(
        tmp_path / "compact",
        storage="etcd3",
        extra_args=[
            "--etcd-servers",
            etcd.url,
            "--compaction-interval",
            "0.5",
            "--compaction-min-retained",
            "10",
        ],
    )
    try:
        server.start()
        api = server.api_client()
        core = client.CoreV1Api(api)
        first = core.create_namespaced_config_map(
            base.NS, client.V1ConfigMap(metadata=base.meta("c0"))
        )
        for i in range(30):
            core.patch_namespaced_config_map("c0", base.NS, {"data": {"i": str(i)}})
        time.sleep(2.0)  # a few compaction ticks
        with pytest.raises(ApiException) as exc:
            for _ in watch.Watch().stream(
                core.list_namespaced_config_map,
                base.NS,
                resource_version=first.metadata.resource_version,
                timeout_seconds=5,
            ):
                pass
        assert exc.value.status == 410
        api.close()
    finally:
        server.stop()
        etcd.stop()
