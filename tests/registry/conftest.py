"""Fixtures: the built-in API groups over the memory backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from kapi.machinery.schema import GroupVersion
from kapi.registry.builtin import builtin_api_groups
from kapi.storage.backends.memory import MemoryBackend
from kapi.storage.generic import BackendStorage

CORE = GroupVersion("", "v1")
APPS = GroupVersion("apps", "v1")
COORDINATION = GroupVersion("coordination.k8s.io", "v1")


@pytest.fixture
async def groups() -> AsyncIterator[dict[GroupVersion, dict[str, Any]]]:
    backend = MemoryBackend()
    yield builtin_api_groups(BackendStorage(backend))
    await backend.close()


@pytest.fixture
def core(groups: dict[GroupVersion, dict[str, Any]]) -> dict[str, Any]:
    return groups[CORE]


@pytest.fixture
def apps(groups: dict[GroupVersion, dict[str, Any]]) -> dict[str, Any]:
    return groups[APPS]
