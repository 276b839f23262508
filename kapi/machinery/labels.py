"""Label selectors (upstream `k8s.io/apimachinery/pkg/labels`). Placeholder API; see tests."""

from __future__ import annotations

from collections.abc import Mapping


class LabelSelector:
    """A parsed label selector: an AND of requirements."""

    def empty(self) -> bool:
        raise NotImplementedError

    def matches(self, labels: Mapping[str, str]) -> bool:
        raise NotImplementedError

    def __str__(self) -> str:
        raise NotImplementedError


def parse(selector: str) -> LabelSelector:
    """Parse the full grammar; raise `SelectorParseError` with upstream's message."""
    raise NotImplementedError
