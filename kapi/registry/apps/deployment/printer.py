"""`kubectl get deployments` columns (upstream `printDeployment`)."""

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
    Column("Ready", description="Number of the pod with ready state"),
    Column(
        "Up-to-date",
        description="Total number of non-terminating pods targeted by this deployment that have "
        "the desired template spec.",
    ),
    Column(
        "Available",
        description="Total number of available non-terminating pods (ready for at least "
        "minReadySeconds) targeted by this deployment.",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    Column(
        "Selector",
        priority=1,
        description="Label selector for pods. Existing ReplicaSets whose pods are selected by "
        "this will be the ones affected by this deployment. It must match the pod template's "
        "labels.",
    ),
)


def deployment_row(d: dict[str, Any]) -> list[Any]:
    spec, status = mapping(d.get("spec")), mapping(d.get("status"))
    names, images = container_cells(d)
    return [
        text(mapping(d.get("metadata")).get("name")),
        f"{integer(status.get('readyReplicas')) or 0}/{integer(spec.get('replicas')) or 0}",
        integer(status.get("updatedReplicas")) or 0,
        integer(status.get("availableReplicas")) or 0,
        age(d),
        names,
        images,
        selector_cell(d),
    ]


PRINTER = TablePrinter(COLUMNS, deployment_row)
