"""The apps/v1 rest-storage map (upstream `pkg/registry/apps/rest/storage_apps.go`)."""

from __future__ import annotations

from kapi.registry.apps.deployment.storage import new_deployment_storage
from kapi.registry.apps.replicaset.storage import new_replica_set_storage
from kapi.storage.interface import Storage


def new_rest_storage(storage: Storage) -> dict[str, object]:
    deployments = new_deployment_storage(storage)
    replica_sets = new_replica_set_storage(storage)
    return {
        "deployments": deployments.deployment,
        "deployments/status": deployments.status,
        "deployments/scale": deployments.scale,
        "replicasets": replica_sets.replica_set,
        "replicasets/status": replica_sets.status,
        "replicasets/scale": replica_sets.scale,
    }
