"""The storage seams (upstream `k8s.io/apiserver/pkg/storage/interfaces.go`).

Two layers live here:

* `Backend`: a revisioned key-value log over bytes, mirroring the handful of etcd calls
  upstream's etcd3 store makes (range at a revision, compare-and-swap put/delete on
  `mod_revision`, watch from a revision with previous values, compaction). Each backend
  (`backends/memory.py`, `backends/sqlite.py`, later `backends/etcd3.py`) implements only this.
* `Storage`: upstream's `storage.Interface` over *objects* (decoded JSON dicts), implemented
  once in `kapi.storage.generic` on top of any `Backend`. The registry uses only this.

Revisions are one global counter per backend, starting at 1; every successful mutation takes
exactly the next revision (no gaps in the embedded backends). An object's resourceVersion is
the decimal `mod_revision` of its key; a list's resourceVersion is the backend revision at the
time of the read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any, Protocol

Object = dict[str, Any]

# --------------------------------------------------------------------------------------------
# Errors. Storage raises only these; the registry's Store translates them into API errors.


class StorageError(Exception):
    """Base class of every error the storage layer raises."""


class KeyNotFoundError(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key not found: {key}")
        self.key = key


class KeyExistsError(StorageError):
    def __init__(self, key: str) -> None:
        super().__init__(f"key exists: {key}")
        self.key = key


class ConflictError(StorageError):
    """A compare-and-swap or a precondition failed against the current object."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


class CompactedError(StorageError):
    """A read or watch at a revision below the compaction point (upstream: 410 Expired)."""

    def __init__(self, requested: int, compact_revision: int) -> None:
        super().__init__(f"required revision {requested} has been compacted ({compact_revision})")
        self.requested = requested
        self.compact_revision = compact_revision


class FutureRevisionError(StorageError):
    """A read at a revision above the current one (upstream: 504 Too large resource version)."""

    def __init__(self, requested: int, current: int) -> None:
        super().__init__(f"required revision {requested} is a future revision ({current})")
        self.requested = requested
        self.current = current


class InvalidResourceVersionError(StorageError):
    def __init__(self, value: str) -> None:
        super().__init__(f"invalid resource version: {value!r}")
        self.value = value


class InvalidContinueError(StorageError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"invalid continue token: {reason}")
        self.reason = reason


class ContinueExpiredError(StorageError):
    """A continue token whose revision was compacted. `continue_token` restarts at latest."""

    def __init__(self, continue_token: str) -> None:
        super().__init__("continue token expired")
        self.continue_token = continue_token


class WatchOverflowError(StorageError):
    """A watcher fell too far behind and was closed; the client must re-watch or re-list."""


# --------------------------------------------------------------------------------------------
# Backend: the revisioned key-value log.


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: str
    value: bytes
    create_revision: int
    mod_revision: int


class EventType(Enum):
    PUT = "PUT"
    DELETE = "DELETE"


@dataclass(frozen=True, slots=True)
class Event:
    """One change. For DELETE, `kv.value` is empty and `kv.mod_revision` is the delete's
    revision; `prev_kv` is the last value before the change (None for a create)."""

    type: EventType
    kv: KeyValue
    prev_kv: KeyValue | None


@dataclass(frozen=True, slots=True)
class WatchBatch:
    """Events in revision order. A batch with no events and `progress=True` means every event
    up to `revision` has been delivered (a progress notification)."""

    events: list[Event]
    revision: int
    progress: bool = False


@dataclass(frozen=True, slots=True)
class RangeResult:
    kvs: list[KeyValue]
    revision: int  # the backend revision the read was served at
    more: bool  # more keys in the range after the last one returned
    count: int  # keys in [start, end) at that revision, all of them, not only those returned


class BackendWatch(Protocol):
    def __aiter__(self) -> AsyncIterator[WatchBatch]: ...

    async def request_progress(self) -> None: ...

    async def cancel(self) -> None: ...


class Backend(Protocol):
    """A revisioned key-value log. Keys are `str` (the `/registry/...` paths), values bytes.

    Ranges are half-open `[start, end)` in code-point order; `prefix_end(prefix)` gives the
    end of a prefix range. `revision=0` reads at the current revision. Reads below the
    compaction point raise `CompactedError`, above the current revision `FutureRevisionError`.
    """

    async def current_revision(self) -> int: ...

    async def compact_revision(self) -> int: ...

    async def get(self, key: str, *, revision: int = 0) -> tuple[KeyValue | None, int]:
        """The key's latest version at `revision`, and the revision the read was served at."""
        ...

    async def range(
        self, start: str, end: str, *, revision: int = 0, limit: int = 0
    ) -> RangeResult: ...

    async def count(self, start: str, end: str) -> int: ...

    async def create(self, key: str, value: bytes) -> tuple[bool, KeyValue | None]:
        """Put only if the key does not exist. (True, new kv) or (False, current kv)."""
        ...

    async def update(
        self, key: str, value: bytes, *, expected_mod_revision: int
    ) -> tuple[bool, KeyValue | None]:
        """Put only if the key's mod_revision is `expected_mod_revision`.
        (True, new kv) or (False, current kv or None if the key is gone)."""
        ...

    async def delete(
        self, key: str, *, expected_mod_revision: int
    ) -> tuple[bool, KeyValue | None]:
        """Delete only if the key's mod_revision matches. On success the returned kv holds the
        deleted value with `mod_revision` set to the delete's revision; on failure the current
        kv (or None if the key is gone)."""
        ...

    def watch(self, start: str, end: str, *, start_revision: int) -> BackendWatch:
        """Events for keys in `[start, end)` with revision >= `start_revision` (inclusive, as in
        etcd), strictly in revision order, each once. Iterating raises `CompactedError` if
        `start_revision` <= the compaction point, and `WatchOverflowError` if the watcher fell
        too far behind."""
        ...

    async def compact(self, revision: int) -> None:
        """Forget every version superseded at or before `revision` and every tombstone at or
        before it. The latest live version of each key is always kept."""
        ...

    async def close(self) -> None: ...


def prefix_end(prefix: str) -> str:
    """The exclusive end of the range of keys starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


# --------------------------------------------------------------------------------------------
# Storage: upstream's storage.Interface over objects.


class LabelMatcher(Protocol):
    def empty(self) -> bool: ...

    def matches(self, labels: Mapping[str, str]) -> bool: ...


class FieldMatcher(Protocol):
    def empty(self) -> bool: ...

    def matches(self, fields: Mapping[str, str]) -> bool: ...


AttrsFunc = Callable[[Object], tuple[Mapping[str, str], Mapping[str, str]]]


@dataclass(frozen=True, slots=True)
class SelectionPredicate:
    """Which objects a list or watch selects (upstream `storage.SelectionPredicate`).
    `get_attrs` returns an object's (labels, selectable fields)."""

    label: LabelMatcher | None = None
    field: FieldMatcher | None = None
    get_attrs: AttrsFunc | None = None

    def empty(self) -> bool:
        return (self.label is None or self.label.empty()) and (
            self.field is None or self.field.empty()
        )

    def matches(self, obj: Object) -> bool:
        if self.empty():
            return True
        if self.get_attrs is None:
            meta = obj.get("metadata") or {}
            labels: Mapping[str, str] = meta.get("labels") or {}
            fields: Mapping[str, str] = {"metadata.name": meta.get("name", "")}
        else:
            labels, fields = self.get_attrs(obj)
        if self.label is not None and not self.label.matches(labels):
            return False
        return self.field is None or self.field.matches(fields)


EVERYTHING = SelectionPredicate()


@dataclass(frozen=True, slots=True)
class ListOptions:
    """Storage list/watch options (upstream `storage.ListOptions`). Values are as the API
    received them; the storage applies upstream's resourceVersion rules (§4.1)."""

    resource_version: str = ""
    resource_version_match: str = ""  # "", "NotOlderThan" or "Exact"
    limit: int = 0
    continue_token: str = ""
    predicate: SelectionPredicate = EVERYTHING
    allow_watch_bookmarks: bool = False
    send_initial_events: bool | None = None
    recursive: bool = True  # False: the key is one object's key (list/watch a single name)
    # The caller only serializes the items as JSON: without a predicate they may come back
    # pre-encoded (`orjson.Fragment`), which spares decoding and re-encoding every object.
    raw: bool = False


@dataclass(slots=True)
class ListResult:
    items: list[Any]  # objects, or orjson.Fragment items for a `raw` list
    resource_version: str
    continue_token: str = ""
    remaining_item_count: int | None = None


@dataclass(frozen=True, slots=True)
class Preconditions:
    uid: str | None = None
    resource_version: str | None = None


class WatchEventType(StrEnum):
    ADDED = "ADDED"
    MODIFIED = "MODIFIED"
    DELETED = "DELETED"
    BOOKMARK = "BOOKMARK"
    ERROR = "ERROR"


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """An object-level watch event. BOOKMARK objects carry only `metadata.resourceVersion`
    (and, for the end of initial events, the `k8s.io/initial-events-end` annotation); the
    registry fills in kind and apiVersion. For a `raw` watch, ADDED/MODIFIED/DELETED objects
    may be pre-encoded JSON (`orjson.Fragment`) shared between watchers."""

    type: WatchEventType
    object: Any


class Watch(Protocol):
    def __aiter__(self) -> AsyncIterator[WatchEvent]: ...

    async def stop(self) -> None: ...


# try_update(current) -> new object. `current` is a private copy of the stored object with its
# resourceVersion set, or None when the key does not exist and ignore_not_found was given.
# Raise to abort the update; the exception propagates to the caller unchanged.
UpdateFunc = Callable[[Object | None], Awaitable[Object]]
ValidateDeletionFunc = Callable[[Object], Awaitable[None]]


class Storage(Protocol):
    """Upstream's storage.Interface. Objects are dicts; `metadata.resourceVersion` is set on
    every object returned and stripped before encoding."""

    async def create(self, key: str, obj: Object, *, dry_run: bool = False) -> Object:
        """Store a new object. Raises KeyExistsError. A dry run checks existence only and
        returns the object without a resourceVersion."""
        ...

    async def get(
        self, key: str, *, resource_version: str = "", ignore_not_found: bool = False
    ) -> Object | None:
        """RV "" = latest; "0" = any; "N" = not older than N. Raises KeyNotFoundError unless
        ignore_not_found, in which case None is returned."""
        ...

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        """List a prefix (`key` ends with "/") or one key (opts.recursive False), with
        upstream's resourceVersion/resourceVersionMatch/limit/continue semantics: all pages of
        one list are read at the first page's revision; `remaining_item_count` only without a
        selector; with a selector a page may be short (even empty) while a continue token
        is returned."""
        ...

    async def guaranteed_update(
        self,
        key: str,
        try_update: UpdateFunc,
        *,
        ignore_not_found: bool = False,
        preconditions: Preconditions | None = None,
        dry_run: bool = False,
    ) -> Object:
        """Read-modify-write with retry: run `try_update` on the current object and
        compare-and-swap the result on its mod_revision, re-running on a lost race.
        Preconditions are checked against the current object on every pass (ConflictError).
        If the encoded result equals the stored bytes nothing is written: the resourceVersion
        stays the same and no event is emitted. Without ignore_not_found a missing key raises
        KeyNotFoundError. A dry run does everything but the write."""
        ...

    async def delete(
        self,
        key: str,
        *,
        preconditions: Preconditions | None = None,
        validate_deletion: ValidateDeletionFunc | None = None,
        dry_run: bool = False,
    ) -> Object:
        """Compare-and-delete the current object, checking preconditions and running
        `validate_deletion` against it on every pass. Returns the deleted object with the
        delete's resourceVersion (a dry run returns it unchanged)."""
        ...

    async def watch(self, key: str, opts: ListOptions) -> Watch:
        """Watch a prefix or one key. RV "" or "0": synthetic ADDED events for the current
        state, then changes (with send_initial_events and allow_watch_bookmarks, one BOOKMARK
        with the initial-events-end annotation after the initial events). RV "N": every change
        after N, in order, no synthetic events. Raises CompactedError (N too old) or
        FutureRevisionError before returning. With a predicate, an object changed into the
        selection is ADDED and one changed out of it DELETED. DELETED carries the last state
        with the delete's resourceVersion."""
        ...

    async def count(self, key: str) -> int: ...

    async def current_resource_version(self) -> int: ...


@dataclass(slots=True)
class StorageConfig:
    """How `kapi serve` asks for a backend (`kapi.storage.backends.open_backend`)."""

    kind: str = "sqlite"
    path: str = ""
    options: dict[str, Any] = field(default_factory=dict)
