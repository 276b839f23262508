"""`rest.UpdatedObjectInfo` for PUT (upstream `rest.DefaultUpdatedObjectInfo`)."""

from __future__ import annotations

import copy
from typing import Any

from kapi.registry.context import RequestContext

Object = dict[str, Any]


class DefaultUpdatedObjectInfo:
    """The request body is the new object, whatever the current one is."""

    def __init__(self, obj: Object) -> None:
        self.obj = obj

    def preconditions(self) -> tuple[str | None, str | None]:
        uid = (self.obj.get("metadata") or {}).get("uid")
        return (uid or None), None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        # A fresh copy per attempt: the retry loop may call this more than once.
        return copy.deepcopy(self.obj)
