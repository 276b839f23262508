"""A small resource tester (the idea of upstream `registry/generic/testing.Tester`): each
resource test is mostly data run through the real Store on the memory backend."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from kapi.machinery import errors
from kapi.machinery.options import CreateOptions, DeleteOptions, GetOptions, UpdateOptions
from kapi.registry.context import RequestContext
from kapi.registry.generic.updated_object import DefaultUpdatedObjectInfo

Object = dict[str, Any]


class FuncUpdatedObjectInfo:
    """An update computed from the current object (what PATCH does)."""

    def __init__(self, fn: Callable[[Object], Any]) -> None:
        self.fn = fn

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        obj = copy.deepcopy(old) if old is not None else {}
        out = self.fn(obj)
        return out if isinstance(out, dict) else obj


class ResourceTester:
    def __init__(self, rest: Any, namespace: str = "default") -> None:
        self.rest = rest
        self.ctx = RequestContext(namespace=namespace)

    async def create(self, obj: Object, **opts: Any) -> Object:
        out: Object = await self.rest.create(
            self.ctx, copy.deepcopy(obj), None, CreateOptions(**opts)
        )
        return out

    async def get(self, name: str) -> Object:
        out: Object = await self.rest.get(self.ctx, name, GetOptions())
        return out

    async def put(self, obj: Object, **opts: Any) -> tuple[Object, bool]:
        name = obj["metadata"]["name"]
        result: tuple[Object, bool] = await self.rest.update(
            self.ctx,
            name,
            DefaultUpdatedObjectInfo(copy.deepcopy(obj)),
            None,
            None,
            False,
            UpdateOptions(**opts),
        )
        return result

    async def patch(self, name: str, fn: Callable[[Object], Any]) -> Object:
        out, _ = await self.rest.update(
            self.ctx, name, FuncUpdatedObjectInfo(fn), None, None, False, UpdateOptions()
        )
        return out

    async def delete(self, name: str, **opts: Any) -> tuple[Object, bool]:
        result: tuple[Object, bool] = await self.rest.delete(
            self.ctx, name, None, DeleteOptions(**opts)
        )
        return result

    async def expect_error(self, coro: Any, code: int) -> errors.StatusError:
        with pytest.raises(errors.StatusError) as info:
            await coro
        assert info.value.code == code, info.value.message
        return info.value

    async def expect_invalid(self, obj: Object, *messages: str) -> errors.StatusError:
        """Creating `obj` fails with 422 and every `messages` entry is one of the causes."""
        err = await self.expect_error(self.create(obj), 422)
        assert_causes(err, *messages)
        return err


def causes(err: errors.StatusError) -> list[str]:
    details = err.details
    assert details is not None
    return [f"{c.field}: {c.message}" if c.field else c.message for c in details.causes]


def assert_causes(err: errors.StatusError, *messages: str) -> None:
    found = causes(err)
    for m in messages:
        assert m in found, f"{m!r} not in {found!r}"
