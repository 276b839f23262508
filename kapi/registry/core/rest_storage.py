"""The core ("" v1) rest-storage map (upstream `pkg/registry/core/rest/storage_core.go`)."""

from __future__ import annotations

from kapi.registry.core.configmap.storage import new_configmap_storage
from kapi.registry.core.endpoints.storage import new_endpoints_storage
from kapi.registry.core.event.storage import new_event_storage
from kapi.registry.core.namespace.storage import new_namespace_storage
from kapi.registry.core.node.storage import new_node_storage
from kapi.registry.core.pod.storage import new_pod_storage
from kapi.registry.core.secret.storage import new_secret_storage
from kapi.registry.core.service.storage import new_service_storage
from kapi.registry.core.serviceaccount.storage import new_serviceaccount_storage
from kapi.storage.interface import Storage


def new_rest_storage(storage: Storage) -> dict[str, object]:
    pods = new_pod_storage(storage)
    namespaces = new_namespace_storage(storage)
    endpoints = new_endpoints_storage(storage)
    services = new_service_storage(storage, endpoints)
    nodes = new_node_storage(storage)
    return {
        "pods": pods.pod,
        "pods/status": pods.status,
        "pods/binding": pods.binding,
        "pods/eviction": pods.eviction,
        "bindings": pods.legacy_binding,
        "namespaces": namespaces.namespace,
        "namespaces/status": namespaces.status,
        "namespaces/finalize": namespaces.finalize,
        "services": services.service,
        "services/status": services.status,
        "endpoints": endpoints,
        "configmaps": new_configmap_storage(storage),
        "secrets": new_secret_storage(storage),
        "serviceaccounts": new_serviceaccount_storage(storage),
        "nodes": nodes.node,
        "nodes/status": nodes.status,
        "events": new_event_storage(storage),
    }
