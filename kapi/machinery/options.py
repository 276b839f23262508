"""Typed request options (upstream `metav1.GetOptions`, `ListOptions`, `CreateOptions`,
`UpdateOptions`, `PatchOptions`, `DeleteOptions`), decoded from query parameters by the
endpoints layer and passed to the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kapi.machinery.fields import FieldSelector
from kapi.machinery.labels import LabelSelector


@dataclass(slots=True)
class GetOptions:
    resource_version: str = ""


@dataclass(slots=True)
class ListOptions:
    label_selector: LabelSelector | None = None
    field_selector: FieldSelector | None = None
    resource_version: str = ""
    resource_version_match: str = ""
    limit: int = 0
    continue_token: str = ""
    watch: bool = False
    allow_watch_bookmarks: bool = False
    send_initial_events: bool | None = None
    timeout_seconds: int | None = None
    # Not an API parameter: the caller only encodes the result as JSON, so items may be
    # returned pre-encoded (see `kapi.storage.interface.ListOptions.raw`).
    raw_items: bool = False


@dataclass(slots=True)
class CreateOptions:
    dry_run: bool = False
    field_manager: str = ""
    field_validation: str = ""


@dataclass(slots=True)
class UpdateOptions:
    dry_run: bool = False
    field_manager: str = ""
    field_validation: str = ""


@dataclass(slots=True)
class Preconditions:
    uid: str | None = None
    resource_version: str | None = None


@dataclass(slots=True)
class DeleteOptions:
    grace_period_seconds: int | None = None
    preconditions: Preconditions | None = None
    propagation_policy: str | None = None
    orphan_dependents: bool | None = None
    dry_run: bool = False

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DeleteOptions:
        pre = d.get("preconditions")
        dry = d.get("dryRun") or []
        return cls(
            grace_period_seconds=d.get("gracePeriodSeconds"),
            preconditions=Preconditions(pre.get("uid"), pre.get("resourceVersion"))
            if isinstance(pre, dict)
            else None,
            propagation_policy=d.get("propagationPolicy"),
            orphan_dependents=d.get("orphanDependents"),
            dry_run="All" in dry,
        )
