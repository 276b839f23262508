"""`kubectl get replicasets` columns (upstream `printReplicaSet`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.apps.printing import (
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    container_cells,
    selector_cell,
)
from kapi.registry.core.shape import integer, mapping, text

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Desired",
        "integer",
        description="Replicas is the number of desired pods. This is a pointer to distinguish "
        "between explicit zero and unspecified. Defaults to 1. More info: "
        "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
    ),
    Column(
        "Current",
        "integer",
        description="Replicas is the most recently observed number of non-terminating pods. "
        "More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset",
    ),
    Column(
        "Ready",
        "integer",
        description="The number of non-terminating pods targeted by this ReplicaSet with a Ready "
        "Condition.",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    Column(
        "Selector",
        priority=1,
        description="Selector is a label query over pods that should match the replica count. "
        "Label keys and values that must match in order to be controlled by this replica set. "
        "It must match the pod template's labels. More info: "
        "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors",
    ),
)


def replica_set_row(rs: dict[str, Any]) -> list[Any]:
    spec, status = mapping(rs.get("spec")), mapping(rs.get("status"))
    names, images = container_cells(rs)
    return [
        text(mapping(rs.get("metadata")).get("name")),
        integer(spec.get("replicas")) or 0,
        integer(status.get("replicas")) or 0,
        integer(status.get("readyReplicas")) or 0,
        age(rs),
        names,
        images,
        selector_cell(rs),
    ]


PRINTER = TablePrinter(COLUMNS, replica_set_row)
