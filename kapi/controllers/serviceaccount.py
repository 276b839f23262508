"""Keeps a `default` ServiceAccount in every active namespace (upstream's serviceaccounts
controller in kube-controller-manager); clients and pods expect it to exist."""

from __future__ import annotations

from typing import Any

from kapi.controllers.loop import WatchLoop
from kapi.machinery import errors
from kapi.machinery.options import CreateOptions
from kapi.registry.context import RequestContext

DEFAULT_NAME = "default"


class ServiceAccountController(WatchLoop):
    def __init__(self, namespaces: Any, serviceaccounts: Any) -> None:
        super().__init__(namespaces)
        self.serviceaccounts = serviceaccounts

    async def handle(self, namespace: dict[str, Any]) -> None:
        meta = namespace.get("metadata") or {}
        phase = (namespace.get("status") or {}).get("phase")
        if meta.get("deletionTimestamp") or phase not in (None, "Active"):
            return
        sa = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": DEFAULT_NAME}}
        try:
            await self.serviceaccounts.create(
                RequestContext(namespace=meta["name"]), sa, None, CreateOptions()
            )
        except errors.StatusError as err:
            # AlreadyExists is the common case; 403/404 mean the namespace is going away.
            if err.code not in (403, 404, 409):
                raise
