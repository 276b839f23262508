"""Deployment storage: the resource, `deployments/status` and `deployments/scale`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from kapi.machinery.schema import GroupVersionKind
from kapi.registry.apps.deployment.printer import PRINTER
from kapi.registry.apps.deployment.strategy import DeploymentStatusStrategy, DeploymentStrategy
from kapi.registry.apps.scale import ScaleREST
from kapi.registry.generic.store import Store
from kapi.registry.generic.subresource import StatusREST
from kapi.storage.interface import Storage


@dataclass(frozen=True, slots=True)
class DeploymentStorage:
    deployment: Store
    status: StatusREST
    scale: ScaleREST


def new_deployment_storage(s: Storage) -> DeploymentStorage:
    store = Store(
        gvk=GroupVersionKind("apps", "v1", "Deployment"),
        resource="deployments",
        singular="deployment",
        strategy=DeploymentStrategy(),
        storage=s,
        short_names=("deploy",),
        categories=("all",),
        printer=PRINTER,
    )
    return DeploymentStorage(
        deployment=store,
        status=StatusREST(dataclasses.replace(store, strategy=DeploymentStatusStrategy())),
        scale=ScaleREST(store),
    )
