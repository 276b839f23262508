"""The kubectl tests of `test_kubectl.py`, unchanged, against a kapi that stores in a real
etcd (`kapi serve --storage etcd3`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e import test_kubectl as base
from tests.e2e.harness import KapiProcess
from tests.etcd import EtcdServer, start_etcd

globals().update({name: fn for name, fn in vars(base).items() if name.startswith("test_")})


@pytest.fixture(scope="module")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EtcdServer]:
    server = start_etcd(tmp_path_factory.mktemp("etcd"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def kapi(etcd: EtcdServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KapiProcess]:
    server = KapiProcess(
        Path(tmp_path_factory.mktemp("kapi")),
        storage="etcd3",
        extra_args=["--etcd-servers", etcd.url],
    ).start()
    try:
        yield server
    finally:
        server.stop()
