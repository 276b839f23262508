"""`kubectl get namespaces` columns (upstream `printNamespace`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import mapping, text

COLUMNS = (NAME_COLUMN, Column("Status", description="The status of the namespace"), AGE_COLUMN)


def namespace_row(ns: dict[str, Any]) -> list[Any]:
    return [
        text(mapping(ns.get("metadata")).get("name")),
        text(mapping(ns.get("status")).get("phase")),
        age(ns),
    ]


PRINTER = TablePrinter(COLUMNS, namespace_row)
