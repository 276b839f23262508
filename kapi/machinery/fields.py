"""Field selectors (upstream `k8s.io/apimachinery/pkg/fields`). Placeholder API; see tests."""

from __future__ import annotations

from collections.abc import Mapping


class FieldSelector:
    def empty(self) -> bool:
        raise NotImplementedError

    def matches(self, fields: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def requires_exact_match(self, field: str) -> str | None:
        raise NotImplementedError

    def fields(self) -> list[str]:
        """The field labels the selector names (checked against the supported set)."""
        raise NotImplementedError


def parse(selector: str) -> FieldSelector:
    raise NotImplementedError
