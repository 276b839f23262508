"""The kubectl tests of `test_kubectl.py`, unchanged, against a kapi that stores in a real
etcd (`kapi serve --storage etcd3`)."""

from __future__ import annotations

import pytest

from tests.e2e import test_kubectl as base
from tests.e2e.harness import KapiProcess

globals().update({name: fn for name, fn in vars(base).items() if name.startswith("test_")})


@pytest.fixture(scope="module")
def kapi(kapi_etcd3: KapiProcess) -> KapiProcess:
    return kapi_etcd3
