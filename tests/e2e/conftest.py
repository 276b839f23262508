from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import KapiProcess


@pytest.fixture(scope="module")
def kapi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KapiProcess]:
    """One real kapi server (SQLite) per test module."""
    server = KapiProcess(Path(tmp_path_factory.mktemp("kapi"))).start()
    try:
        yield server
    finally:
        server.stop()
