"""Cells shared by the workload printers (upstream `layoutContainerCells`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery import labels
from kapi.machinery.table import Column
from kapi.registry.core.shape import mapping, mappings, text

CONTAINERS_COLUMN = Column(
    "Containers", priority=1, description="Names of each container in the template."
)
IMAGES_COLUMN = Column(
    "Images", priority=1, description="Images referenced by each container in the template."
)


def container_cells(workload: dict[str, Any]) -> tuple[str, str]:
    spec = mapping(mapping(mapping(workload.get("spec")).get("template")).get("spec"))
    containers = mappings(spec.get("containers"))
    names = ",".join(text(c.get("name")) for c in containers)
    images = ",".join(text(c.get("image")) for c in containers)
    return names, images


def selector_cell(workload: dict[str, Any]) -> str:
    sel = mapping(workload.get("spec")).get("selector")
    try:
        return str(labels.from_label_selector_dict(sel if isinstance(sel, dict) else None))
    except (ValueError, TypeError, AttributeError):
        return "<invalid>"
