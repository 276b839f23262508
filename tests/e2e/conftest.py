from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import KapiProcess
from tests.etcd import EtcdServer, start_etcd


@pytest.fixture(scope="module")
def kapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KapiProcess]:
    """One real kapi server (SQLite) per test module."""
    server = KapiProcess(Path(tmp_path_factory.mktemp("kapi"))).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    """One real etcd per test module that asks for it."""
    server = start_etcd(tmp_path_factory.mktemp("etcd"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def kapi_etcd3(etcd: EtcdServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KapiProcess]:
    """One real kapi server on etcd3 per test module; modules alias it as `kapi`."""
    server = KapiProcess(
        Path(tmp_path_factory.mktemp("kapi")),
        storage="etcd3",
        extra_args=["--etcd-servers", etcd.url],
    ).start()
    try:
        yield server
    finally:
        server.stop()
