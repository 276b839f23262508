"""`kubectl get configmaps` columns (upstream `printConfigMap`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import mapping, text

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Data",
        "integer",
        description="Data contains the configuration data. Each key must consist of alphanumeric "
        "characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the "
        "BinaryData field. The keys stored in Data must not overlap with the keys in the "
        "BinaryData field, this is enforced during validation process.",
    ),
    AGE_COLUMN,
)


def configmap_row(cm: dict[str, Any]) -> list[Any]:
    count = len(mapping(cm.get("data"))) + len(mapping(cm.get("binaryData")))
    return [text(mapping(cm.get("metadata")).get("name")), count, age(cm)]


PRINTER = TablePrinter(COLUMNS, configmap_row)
