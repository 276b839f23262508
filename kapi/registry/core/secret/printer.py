"""`kubectl get secrets` columns (upstream `printSecret`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import mapping, text

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Type",
        description="Used to facilitate programmatic handling of secret data. More info: "
        "https://kubernetes.io/docs/concepts/configuration/secret/#secret-types",
    ),
    Column(
        "Data",
        "integer",
        description="Data contains the secret data. Each key must consist of alphanumeric "
        "characters, '-', '_' or '.'. The serialized form of the secret data is a base64 "
        "encoded string, representing the arbitrary (possibly non-string) data value here. "
        "Described in https://tools.ietf.org/html/rfc4648#section-4",
    ),
    AGE_COLUMN,
)


def secret_row(secret: dict[str, Any]) -> list[Any]:
    return [
        text(mapping(secret.get("metadata")).get("name")),
        text(secret.get("type")),
        len(mapping(secret.get("data"))),
        age(secret),
    ]


PRINTER = TablePrinter(COLUMNS, secret_row)
