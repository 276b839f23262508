"""`kubectl get serviceaccounts` columns (upstream `printServiceAccount`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import items, mapping, text

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Secrets",
        "integer",
        description="Secrets is a list of the secrets in the same namespace that pods running "
        "using this ServiceAccount are allowed to use. Pods are only limited to this list if "
        'this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to '
        '"true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since '
        "v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field "
        "should not be used to find auto-generated service account token secrets for use "
        "outside of pods. Instead, tokens can be requested directly using the TokenRequest API, "
        "or service account token secrets can be manually created. More info: "
        "https://kubernetes.io/docs/concepts/configuration/secret",
    ),
    AGE_COLUMN,
)


def serviceaccount_row(sa: dict[str, Any]) -> list[Any]:
    return [text(mapping(sa.get("metadata")).get("name")), len(items(sa.get("secrets"))), age(sa)]


PRINTER = TablePrinter(COLUMNS, serviceaccount_row)
