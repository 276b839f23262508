"""Fields of the wrong JSON type reach the strategies as decoded JSON: every hook and row
function must answer with an API error (or accept), never crash. Metadata is left out: the
generic metadata rules own it."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kapi.machinery import errors
from kapi.registry.apps.deployment.printer import deployment_row
from kapi.registry.apps.deployment.strategy import DeploymentStrategy
from kapi.registry.apps.replicaset.strategy import ReplicaSetStrategy
from kapi.registry.context import RequestContext
from kapi.registry.coordination.lease.strategy import LeaseStrategy
from kapi.registry.core.configmap.strategy import ConfigMapStrategy
from kapi.registry.core.endpoints.printer import endpoints_row
from kapi.registry.core.endpoints.strategy import EndpointsStrategy
from kapi.registry.core.event.printer import event_row
from kapi.registry.core.event.strategy import EventStrategy
from kapi.registry.core.namespace.strategy import NamespaceStrategy
from kapi.registry.core.node.printer import node_row
from kapi.registry.core.node.strategy import NodeStrategy
from kapi.registry.core.pod.printer import pod_row
from kapi.registry.core.pod.strategy import PodStatusStrategy, PodStrategy
from kapi.registry.core.secret.strategy import SecretStrategy
from kapi.registry.core.service.allocation import Allocator, InUse
from kapi.registry.core.service.printer import service_row
from kapi.registry.core.service.strategy import ServiceStrategy
from kapi.registry.core.serviceaccount.strategy import ServiceAccountStrategy
from kapi.registry.generic.strategy import Strategy

Object = dict[str, Any]
Row = Callable[[Object], list[Any]]

POD_SPEC: Object = {
    "containers": [
        {
            "name": "c",
            "image": "x",
            "ports": [{"containerPort": 80, "name": "http"}],
            "env": [{"name": "A", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
            "resources": {"limits": {"cpu": "1"}},
            "livenessProbe": {"httpGet": {"port": 80}},
            "volumeMounts": [{"name": "v", "mountPath": "/v"}],
        }
    ],
    "volumes": [{"name": "v", "configMap": {"name": "c", "items": [{"key": "a", "path": "b"}]}}],
    "tolerations": [{"key": "k", "operator": "Exists"}],
    "nodeSelector": {"a": "b"},
    "securityContext": {"runAsUser": 1},
}
POD: Object = {
    "metadata": {"name": "p", "namespace": "d"},
    "spec": POD_SPEC,
    "status": {
        "conditions": [{"type": "Ready", "status": "True"}],
        "containerStatuses": [{"name": "c", "state": {"running": {}}, "ready": True}],
    },
}
WORKLOAD: Object = {
    "metadata": {"name": "d", "namespace": "d"},
    "spec": {
        "selector": {
            "matchLabels": {"a": "b"},
            "matchExpressions": [{"key": "x", "operator": "In", "values": ["y"]}],
        },
        "template": {"metadata": {"labels": {"a": "b", "x": "y"}}, "spec": POD_SPEC},
        "strategy": {"rollingUpdate": {"maxSurge": 1}},
    },
}
SERVICE: Object = {
    "metadata": {"name": "s", "namespace": "d"},
    "spec": {
        "type": "LoadBalancer",
        "externalTrafficPolicy": "Local",
        "ports": [{"port": 80, "name": "a"}, {"port": 81, "name": "b", "nodePort": 30001}],
        "selector": {"a": "b"},
        "clusterIP": "10.96.0.5",
    },
    "status": {"loadBalancer": {"ingress": [{"ip": "1.1.1.1"}]}},
}

CASES: list[tuple[Strategy, Object, list[Row]]] = [
    (PodStrategy(), POD, [pod_row]),
    (PodStatusStrategy(), POD, []),
    (ServiceStrategy(), SERVICE, [service_row]),
    (NamespaceStrategy(), {"metadata": {"name": "n"}, "spec": {"finalizers": ["a/b"]}}, []),
    (
        NodeStrategy(),
        {
            "metadata": {"name": "n"},
            "spec": {"taints": [{"key": "k", "effect": "NoSchedule"}], "podCIDRs": ["10.0.0.0/24"]},
            "status": {"capacity": {"cpu": "1"}, "conditions": [{"type": "Ready"}]},
        },
        [node_row],
    ),
    (
        SecretStrategy(),
        {
            "metadata": {"name": "s", "namespace": "d"},
            "data": {"a": "eQ=="},
            "stringData": {"b": "c"},
        },
        [],
    ),
    (ConfigMapStrategy(), {"metadata": {"name": "c", "namespace": "d"}, "data": {"a": "b"}}, []),
    (
        EndpointsStrategy(),
        {
            "metadata": {"name": "e", "namespace": "d"},
            "subsets": [{"addresses": [{"ip": "1.2.3.4"}], "ports": [{"port": 1}]}],
        },
        [endpoints_row],
    ),
    (
        EventStrategy(),
        {
            "metadata": {"name": "e", "namespace": "d"},
            "involvedObject": {"kind": "Pod", "name": "p", "namespace": "d"},
            "eventTime": "2020-01-01T00:00:00.000000Z",
            "series": {"count": 2},
        },
        [event_row],
    ),
    (
        ServiceAccountStrategy(),
        {"metadata": {"name": "s", "namespace": "d"}, "secrets": [{"name": "x"}]},
        [],
    ),
    (DeploymentStrategy(), WORKLOAD, [deployment_row]),
    (ReplicaSetStrategy(), WORKLOAD, []),
    (
        LeaseStrategy(),
        {"metadata": {"name": "l", "namespace": "d"}, "spec": {"leaseDurationSeconds": 1}},
        [],
    ),
]

WRONG_VALUES: list[Any] = [None, -5, "x", True, [], {"a": 1}, [None]]


def _paths(o: Any, p: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if p:
        yield p
    if isinstance(o, dict):
        for k, v in o.items():
            yield from _paths(v, (*p, k))
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from _paths(v, (*p, i))


def _set(o: Any, path: tuple[Any, ...], value: Any) -> None:
    for k in path[:-1]:
        o = o[k]
    o[path[-1]] = value


def _exercise(strategy: Strategy, obj: Object, old: Object, rows: list[Row]) -> None:
    ctx = RequestContext(namespace="d")
    steps: list[Callable[[], Any]] = []

    def create() -> None:
        o = copy.deepcopy(obj)
        strategy.prepare_for_create(ctx, o)
        strategy.validate(ctx, o)
        strategy.canonicalize(o)
        strategy.get_attrs(o)

    def update() -> None:
        o = copy.deepcopy(obj)
        strategy.prepare_for_update(ctx, o, old)
        strategy.validate_update(ctx, o, old)
        reverse = copy.deepcopy(old)
        strategy.prepare_for_update(ctx, reverse, obj)
        strategy.validate_update(ctx, reverse, obj)

    steps += [create, update, *(lambda r=r: r(copy.deepcopy(obj)) for r in rows)]
    if isinstance(strategy, ServiceStrategy):
        steps.append(lambda: Allocator().allocate_create(copy.deepcopy(obj), InUse()))
        steps.append(lambda: Allocator().allocate_update(copy.deepcopy(obj), old, InUse()))
    for step in steps:
        with contextlib.suppress(errors.StatusError):
            step()


@pytest.mark.parametrize(
    ("strategy", "base", "rows"), CASES, ids=[type(c[0]).__name__ for c in CASES]
)
def test_wrong_types_never_crash(strategy: Strategy, base: Object, rows: list[Row]) -> None:
    old = copy.deepcopy(base)
    old["metadata"]["resourceVersion"] = "1"
    for path in _paths(base):
        if path[0] == "metadata":
            continue
        for value in WRONG_VALUES:
            obj = copy.deepcopy(base)
            _set(obj, path, value)
            obj["metadata"]["resourceVersion"] = "1"
            _exercise(strategy, obj, old, rows)
