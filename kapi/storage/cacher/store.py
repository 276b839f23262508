"""The watch cache's state, without I/O: the current objects of one resource, a bounded
window of recent changes, and what can be derived from the two (snapshots at a past
revision, the changes after a revision, watch events for a predicate).

Everything here is synchronous and runs on the event loop; the caller (`ResourceCache`)
applies backend events and reads in between, so every read sees one consistent revision.

Memory: an object is held once, as the backend's `KeyValue` (the stored JSON bytes, which the
memory backend shares with its own index). Label/field attributes for selectors are computed
only when a selector needs them and memoised per object while it is current.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson
from sortedcontainers import SortedDict

from kapi.storage.generic import decode_object, encoded_object
from kapi.storage.interface import (
    AttrsFunc,
    CompactedError,
    Event,
    EventType,
    KeyValue,
    Object,
    SelectionPredicate,
    WatchEventType,
)

Attrs = tuple[Mapping[str, str], Mapping[str, str]]
Matcher = Callable[[KeyValue], bool]


class Change:
    """One applied change. `kv` is the new state (for a delete: an empty value at the
    delete's revision); `prev` the state it replaced, taken from the cache itself (None for
    a create). Every watch event of a change is at the change's revision."""

    __slots__ = ("_encoded", "deleted", "kv", "prev")

    def __init__(self, kv: KeyValue, prev: KeyValue | None, deleted: bool) -> None:
        self.kv = kv
        self.prev = prev
        self.deleted = deleted
        self._encoded: orjson.Fragment | None = None

    @property
    def revision(self) -> int:
        return self.kv.mod_revision

    def state(self, prev: bool) -> KeyValue:
        kv = self.prev if prev else self.kv
        assert kv is not None
        return kv

    def decoded(self, prev: bool) -> Object:
        """A fresh dict of the new (or previous) state at the change's revision."""
        return decode_object(self.state(prev).value, self.kv.mod_revision)

    def encoded(self, prev: bool) -> orjson.Fragment:
        """The same as pre-encoded JSON, built once and shared by every raw watcher (only
        the state events carry: the previous one for a delete, else the new one)."""
        if prev != self.deleted:
            return encoded_object(self.state(prev).value, self.kv.mod_revision)
        enc = self._encoded
        if enc is None:
            enc = self._encoded = encoded_object(self.state(prev).value, self.kv.mod_revision)
        return enc


# A watch event before decoding: (type, change, whether it carries the previous state).
WatchItem = tuple[WatchEventType, Change, bool]


def default_attrs(obj: Object) -> Attrs:
    """What `SelectionPredicate.matches` uses when the predicate has no `get_attrs`."""
    meta = obj.get("metadata") or {}
    return meta.get("labels") or {}, {"metadata.name": meta.get("name", "")}


def watch_item(ch: Change, match: Matcher | None) -> WatchItem | None:
    """The event a watcher with predicate `match` sees for `ch` (upstream cacheWatcher
    `convertToWatchEvent`): entering the selection is ADDED, leaving it DELETED with the
    previous state, a delete carries the last state; all at the change's revision."""
    prev = ch.prev
    if ch.deleted:
        if prev is None or (match is not None and not match(prev)):
            return None
        return WatchEventType.DELETED, ch, True
    if prev is None:
        if match is not None and not match(ch.kv):
            return None
        return WatchEventType.ADDED, ch, False
    if match is None:
        return WatchEventType.MODIFIED, ch, False
    cur_in = match(ch.kv)
    old_in = match(prev)
    if cur_in:
        return (WatchEventType.MODIFIED if old_in else WatchEventType.ADDED), ch, False
    if old_in:
        return WatchEventType.DELETED, ch, True
    return None


class CacheStore:
    """Objects of one key range at `revision`, and every change after `floor` (the window
    holds at most `window_size` changes; evicting one raises the floor to its revision)."""

    def __init__(self, window_size: int) -> None:
        if window_size < 1:
            raise ValueError("window_size must be at least 1")
        self.window_size = window_size
        self.objects: SortedDict = SortedDict()  # key -> KeyValue
        self.revision = 0
        self.floor = 0
        self._window: deque[Change] = deque()
        # Selector attributes: key -> (mod_revision, attrs) for current objects, computed
        # with `_attrs_fn`; `_attrs_prev` keeps the replaced entries while one batch is
        # dispatched, so every watcher can match the previous state without decoding it.
        self._attrs_fn: AttrsFunc | None = None
        self._attrs: dict[str, tuple[int, Attrs]] = {}
        self._attrs_prev: dict[str, tuple[int, Attrs]] = {}
        self._field_names: dict[tuple[str, ...], tuple[str, ...]] = {}

    # -- updates

    def reset(self, kvs: list[KeyValue], revision: int) -> None:
        """Replace everything with a fresh list at `revision` (the window starts empty)."""
        self.objects = SortedDict((kv.key, kv) for kv in kvs)
        self.revision = revision
        self.floor = revision
        self._window.clear()
        self._attrs.clear()
        self._attrs_prev.clear()

    def apply(self, ev: Event) -> Change | None:
        """Apply one backend event; None if it is not newer than the state (a replay)."""
        kv = ev.kv
        if kv.mod_revision <= self.revision:
            return None
        key = kv.key
        prev = self.objects.get(key)
        memo = self._attrs.pop(key, None)
        if memo is not None:
            self._attrs_prev[key] = memo
        if ev.type is EventType.DELETE:
            if prev is None:
                self.revision = kv.mod_revision
                return None
            del self.objects[key]
            ch = Change(kv, prev, True)
        else:
            self.objects[key] = kv
            ch = Change(kv, prev, False)
        self.revision = kv.mod_revision
        window = self._window
        window.append(ch)
        if len(window) > self.window_size:
            self.floor = window.popleft().kv.mod_revision
        return ch

    def observe(self, revision: int) -> None:
        """Every event up to `revision` has been applied (a progress notification)."""
        if revision > self.revision:
            self.revision = revision

    def end_dispatch(self) -> None:
        self._attrs_prev.clear()

    def compact(self, revision: int) -> None:
        """Forget changes at or before `revision` (the backend compacted its history there).
        If the cache is behind that point, the floor passes its revision: no snapshot is
        served until the cache has caught up, as storage would refuse it too."""
        if revision <= self.floor:
            return
        window = self._window
        while window and window[0].kv.mod_revision <= revision:
            window.popleft()
        self.floor = revision

    # -- reads

    @property
    def window_length(self) -> int:
        return len(self._window)

    def get(self, key: str) -> KeyValue | None:
        kv: KeyValue | None = self.objects.get(key)
        return kv

    def snapshot(self, start: str, end: str) -> list[KeyValue]:
        objects = self.objects
        keys = objects.keys()
        lo = objects.bisect_left(start)
        hi = objects.bisect_left(end)
        get = objects.__getitem__
        return [get(k) for k in keys[lo:hi]]

    def changes_after(self, revision: int, start: str, end: str) -> list[Change]:
        """Every change in `[start, end)` with a revision above `revision`, oldest first."""
        if revision < self.floor:
            raise CompactedError(revision, self.floor)
        out: list[Change] = []
        for ch in reversed(self._window):
            if ch.kv.mod_revision <= revision:
                break
            if start <= ch.kv.key < end:
                out.append(ch)
        out.reverse()
        return out

    def _overlay(self, revision: int, start: str, end: str) -> dict[str, KeyValue | None]:
        """key -> its state at `revision`, for the keys changed after it."""
        overlay: dict[str, KeyValue | None] = {}
        for ch in reversed(self._window):
            if ch.kv.mod_revision <= revision:
                break
            key = ch.kv.key
            if start <= key < end:
                overlay[key] = ch.prev  # the oldest change after `revision` wins
        return overlay

    def read_at(self, revision: int, start: str, end: str) -> Iterator[KeyValue]:
        """The objects in `[start, end)` at `revision` (floor <= revision <= self.revision),
        in key order: the current objects with the window's changes after `revision` undone.
        Consume it before the next `apply`."""
        if revision < self.floor:
            raise CompactedError(revision, self.floor)
        objects = self.objects
        overlay = self._overlay(revision, start, end) if revision < self.revision else {}
        if not overlay:
            get = objects.__getitem__
            for k in objects.irange(start, end, inclusive=(True, False)):
                yield get(k)
            return
        changed = sorted(overlay)
        i, n = 0, len(changed)
        for k in objects.irange(start, end, inclusive=(True, False)):
            while i < n and changed[i] < k:
                old = overlay[changed[i]]
                if old is not None:
                    yield old
                i += 1
            if i < n and changed[i] == k:
                old = overlay[k]
                i += 1
                if old is not None:
                    yield old
                continue
            yield objects[k]
        while i < n:
            old = overlay[changed[i]]
            if old is not None:
                yield old
            i += 1

    def count_at(self, revision: int, start: str, end: str) -> int:
        objects = self.objects
        n: int = objects.bisect_left(end) - objects.bisect_left(start)
        if revision < self.revision:
            for key, old in self._overlay(revision, start, end).items():
                n += (old is not None) - (key in objects)
        return n

    # -- selectors

    def matcher(self, pred: SelectionPredicate) -> Matcher | None:
        """A match function over stored values for `pred` (None: everything matches)."""
        if pred.empty():
            return None
        fn = pred.get_attrs
        # One resource has one attrs function; memoise for it, compute for any other.
        if fn is not None and self._attrs_fn is None:
            self._attrs_fn = fn
        memo = fn is not None and fn == self._attrs_fn
        label, field = pred.label, pred.field
        attrs_of = self._attrs_of

        def match(kv: KeyValue) -> bool:
            labels, fields = attrs_of(kv, fn, memo)
            if label is not None and not label.matches(labels):
                return False
            return field is None or field.matches(fields)

        return match

    def _attrs_of(self, kv: KeyValue, fn: AttrsFunc | None, memo: bool) -> Attrs:
        if memo:
            hit = self._attrs.get(kv.key)
            if hit is not None and hit[0] == kv.mod_revision:
                return hit[1]
            hit = self._attrs_prev.get(kv.key)
            if hit is not None and hit[0] == kv.mod_revision:
                return hit[1]
        obj = decode_object(kv.value, kv.mod_revision)
        attrs = fn(obj) if fn is not None else default_attrs(obj)
        if memo and self.objects.get(kv.key) is kv:
            attrs = self._compact_attrs(attrs)
            self._attrs[kv.key] = (kv.mod_revision, attrs)
        return attrs

    def _compact_attrs(self, attrs: Attrs) -> Attrs:
        """The memoised form: strings interned (label keys, field names and most values --
        namespaces, nodes, phases, app labels -- repeat across objects), fields as a view
        over a shared tuple of names."""
        labels, fields = attrs
        intern = _intern
        small_labels = {intern(k): intern(v) for k, v in labels.items()}
        names = tuple(fields)
        pooled = self._field_names.get(names)
        if pooled is None:
            if len(self._field_names) >= _MAX_FIELD_NAME_SETS:
                return small_labels, {intern(k): intern(v) for k, v in fields.items()}
            pooled = self._field_names[names] = tuple(intern(n) for n in names)
        return small_labels, FieldsView(pooled, tuple(intern(v) for v in fields.values()))


class FieldsView(Mapping[str, str]):
    """Selectable fields as a tuple of values over a tuple of names shared by every object
    of the resource (a tenth of a 10-entry dict per object)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: tuple[str, ...], values: tuple[str, ...]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, name: str) -> str:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            return default

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


_MAX_FIELD_NAME_SETS = 64


def _intern(s: Any) -> Any:
    # Interned strings are freed with their last reference, so unique values do not leak.
    return sys.intern(s) if type(s) is str else s
