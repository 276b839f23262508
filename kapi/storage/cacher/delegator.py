"""Where a read is served from: pure decisions, no I/O (upstream
`pkg/storage/cacher/delegator/interface.go: ShouldDelegateList`, and the resourceVersion table
of kube-apiserver-behaviour.md §4.1).

The rules, for a resource whose cache is running:

* GET with resourceVersion "" goes to storage (upstream reads it from etcd); "0" and "N" are
  served from memory, "N" once the cache has reached N.
* LIST is planned by `plan_list`:
  - a continue token reads the snapshot at the token's revision (rv -1: at the latest);
  - `Exact` N, or the legacy "N with a limit", reads the snapshot at exactly N;
  - `NotOlderThan` N, or a legacy N without limit, or "0": whatever the cache holds once it
    has reached N;
  - "" (consistent): the backend's current revision is fetched and the cache waits until it
    has caught up (a progress request on its watch), then serves from memory.
  A snapshot at N is rebuilt in memory from the current objects and the event window, which
  is possible while N is at or above the window's floor (`should_delegate_list`); below it the
  read goes to storage, which answers from its history or with 410.
* WATCH is always served from memory (`plan_watch`); a start revision below the window's
  floor is 410 (CompactedError).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from kapi.storage.generic import (
    ContinueWithResourceVersionError,
    decode_continue,
    parse_resource_version,
)
from kapi.storage.interface import ListOptions, StorageError


def resource_prefix(key: str) -> str | None:
    """The key prefix of the resource `key` belongs to: `/registry/<resource>/`, or
    `/registry/<group>/<plural>/` when the first segment is a (dotted) API group, as custom
    resources are stored. None when the key names no single resource (`/registry/`)."""
    parts = key.split("/")
    # ["", root, first, second, ...]
    if len(parts) < 3 or parts[0] != "" or not parts[1] or not parts[2]:
        return None
    if "." in parts[2]:
        if len(parts) < 4 or not parts[3]:
            return None
        return f"/{parts[1]}/{parts[2]}/{parts[3]}/"
    return f"/{parts[1]}/{parts[2]}/"


class ReadKind(Enum):
    STORAGE = "storage"  # delegate to the backend storage
    LATEST = "latest"  # consistent: at least the backend's current revision
    NOT_OLDER_THAN = "not-older-than"  # at least `revision` (0: anything the cache has)
    EXACT = "exact"  # the snapshot at exactly `revision`


@dataclass(frozen=True, slots=True)
class ReadPlan:
    kind: ReadKind
    revision: int = 0
    continue_key: str = ""  # a continue token's start key ("" without a token)


def plan_get(resource_version: str) -> ReadPlan:
    if resource_version == "":
        return ReadPlan(ReadKind.STORAGE)
    return ReadPlan(ReadKind.NOT_OLDER_THAN, parse_resource_version(resource_version))


def plan_list(opts: ListOptions, prefix: str) -> ReadPlan:
    """How to serve a list; `prefix` is the listed key prefix (what continue tokens are
    relative to). Raises the same errors, in the same order, as `BackendStorage.get_list`."""
    rv = parse_resource_version(opts.resource_version) if opts.resource_version else None
    if opts.recursive and opts.continue_token:
        key, token_rv = decode_continue(opts.continue_token, prefix)
        if opts.resource_version not in ("", "0"):
            raise ContinueWithResourceVersionError()
        if token_rv > 0:
            return ReadPlan(ReadKind.EXACT, token_rv, key)
        return ReadPlan(ReadKind.LATEST, 0, key)
    match = opts.resource_version_match
    if rv is None:
        return ReadPlan(ReadKind.LATEST)
    if match == "Exact":
        # Exact "0" is rejected by API validation; storage reads it at the latest.
        return ReadPlan(ReadKind.EXACT, rv) if rv > 0 else ReadPlan(ReadKind.LATEST)
    if match == "NotOlderThan":
        return ReadPlan(ReadKind.NOT_OLDER_THAN, rv)
    if match == "":
        if opts.recursive and opts.limit > 0 and rv > 0:
            return ReadPlan(ReadKind.EXACT, rv)  # legacy: an RV with a limit pins the read
        return ReadPlan(ReadKind.NOT_OLDER_THAN, rv)
    raise StorageError(f"unknown ResourceVersionMatch value: {match}")


def should_delegate_list(plan: ReadPlan, floor: int) -> bool:
    """A snapshot read goes to storage when the window no longer holds every event after its
    revision (`floor`: the revision after which the cache has every event)."""
    if plan.kind is ReadKind.STORAGE:
        return True
    return plan.kind is ReadKind.EXACT and plan.revision < floor


@dataclass(frozen=True, slots=True)
class WatchPlan:
    initial_events: bool  # synthetic ADDED events for the state, then changes
    consistent: bool  # the state must be at least the backend's current revision
    min_revision: int  # ... and at least this one
    after: int | None  # resume strictly after this revision (None: from the state)
    initial_events_end: bool  # BOOKMARK with the initial-events-end annotation


def plan_watch(opts: ListOptions) -> WatchPlan:
    """RV "" or "0": the state, then changes ("" consistent, "0" any); RV "N": every change
    after N. `send_initial_events` overrides whether the state is sent (with N it means "a
    state not older than N")."""
    rv = parse_resource_version(opts.resource_version)
    consistent = opts.resource_version == ""
    send_initial = opts.send_initial_events
    if send_initial is None:
        send_initial = rv == 0
    if send_initial:
        return WatchPlan(
            True,
            consistent,
            rv,
            None,
            bool(opts.send_initial_events) and opts.allow_watch_bookmarks,
        )
    if rv == 0:
        return WatchPlan(False, consistent, 0, None, False)
    return WatchPlan(False, False, rv, rv, False)
