"""`kubectl get leases` columns (upstream `printLease`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import mapping, text

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Holder",
        description="holderIdentity contains the identity of the holder of a current lease. If "
        "Coordinated Leader Election is used, the holder identity must be equal to the elected "
        "LeaseCandidate.metadata.name field.",
    ),
    AGE_COLUMN,
)


def lease_row(lease: dict[str, Any]) -> list[Any]:
    return [
        text(mapping(lease.get("metadata")).get("name")),
        text(mapping(lease.get("spec")).get("holderIdentity")),
        age(lease),
    ]


PRINTER = TablePrinter(COLUMNS, lease_row)
