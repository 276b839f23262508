"""`BackendStorage`: upstream's storage.Interface implemented once over any `Backend`
(the role of `k8s.io/apiserver/pkg/storage/etcd3/store.go` and `watcher.go`).

Objects are stored as orjson bytes with `metadata.resourceVersion` and `metadata.selfLink`
removed; on the way out `resourceVersion` is set from the key's mod_revision, on a fresh dict
every time (callers mutate what they get).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import posixpath
from collections.abc import AsyncIterator
from typing import Any

import orjson

from kapi.storage.interface import (
    Backend,
    BackendWatch,
    CompactedError,
    ConflictError,
    ContinueExpiredError,
    Event,
    EventType,
    FutureRevisionError,
    InvalidContinueError,
    InvalidResourceVersionError,
    KeyExistsError,
    KeyNotFoundError,
    KeyValue,
    ListOptions,
    ListResult,
    Object,
    Preconditions,
    SelectionPredicate,
    StorageError,
    UpdateFunc,
    ValidateDeletionFunc,
    WatchEvent,
    WatchEventType,
    prefix_end,
)

CONTINUE_VERSION = "meta.k8s.io/v1"
INITIAL_EVENTS_ANNOTATION = "k8s.io/initial-events-end"
# Upper bound of one fetch when a selector leaves pages short (upstream etcd3 `maxLimit`).
_MAX_FETCH = 10_000
_MAX_RV = 2**64 - 1


class ContinueWithResourceVersionError(InvalidContinueError):
    """A continue token together with a resourceVersion other than "" or "0" (upstream answers
    400 with exactly this message, without the "invalid continue token" prefix)."""

    def __init__(self) -> None:
        StorageError.__init__(
            self, "specifying resource version is not allowed when using continue"
        )
        self.reason = str(self)


# --------------------------------------------------------------------------------------------
# resourceVersion and continue tokens


def parse_resource_version(rv: str) -> int:
    """ "" -> 0; otherwise a decimal uint64 (upstream `APIObjectVersioner.ParseResourceVersion`)."""
    if rv == "":
        return 0
    if not (rv.isascii() and rv.isdigit()):
        raise InvalidResourceVersionError(rv)
    n = int(rv)
    if n > _MAX_RV:
        raise InvalidResourceVersionError(rv)
    return n


def encode_continue(key: str, key_prefix: str, revision: int) -> str:
    """Upstream's token: base64url (no padding) of {"v","rv","start"}; start is the key after
    the prefix."""
    if not key.startswith(key_prefix) or key == key_prefix:
        raise StorageError(f"unable to encode next field: {key!r} is not under {key_prefix!r}")
    raw = orjson.dumps({"v": CONTINUE_VERSION, "rv": revision, "start": key[len(key_prefix) :]})
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _go_path_clean(p: str) -> str:
    cleaned = posixpath.normpath(p)
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def decode_continue(token: str, key_prefix: str) -> tuple[str, int]:
    """(key to continue from, revision); revision -1 means "continue at the latest"."""
    invalid = "continue key is not valid"
    try:
        if "=" in token:
            raise ValueError("padding is not allowed")
        data = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
        c = orjson.loads(data)
    except (ValueError, binascii.Error, orjson.JSONDecodeError) as e:
        raise InvalidContinueError(f"{invalid}: {e}") from None
    if not isinstance(c, dict):
        raise InvalidContinueError(f"{invalid}: not an object")
    version = c.get("v", "")
    if version != CONTINUE_VERSION:
        raise InvalidContinueError(
            f"{invalid}: server does not recognize this encoded version {version}"
        )
    rv = c.get("rv", 0)
    if type(rv) is not int or rv == 0:
        raise InvalidContinueError(
            f"{invalid}: incorrect encoded start resourceVersion (version {CONTINUE_VERSION})"
        )
    start = c.get("start", "")
    if not isinstance(start, str) or not start:
        raise InvalidContinueError(
            f"{invalid}: encoded start key empty (version {CONTINUE_VERSION})"
        )
    # The start key must not climb out of the prefix (upstream's path.Clean check).
    key = start if start.startswith("/") else "/" + start
    if _go_path_clean(key) != key:
        raise InvalidContinueError(f"{invalid}: {start}")
    return key_prefix + key[1:], rv


# --------------------------------------------------------------------------------------------
# Encoding


def encode_object(obj: Object) -> bytes:
    """The stored form: resourceVersion and selfLink dropped, and kind, apiVersion and metadata
    first (upstream's field order), which lets `encoded_object` find the top-level metadata."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = {}
    elif "resourceVersion" in meta or "selfLink" in meta:
        meta = {k: v for k, v in meta.items() if k != "resourceVersion" and k != "selfLink"}
    out: Object = {}
    if "kind" in obj:
        out["kind"] = obj["kind"]
    if "apiVersion" in obj:
        out["apiVersion"] = obj["apiVersion"]
    out["metadata"] = meta
    for k, v in obj.items():
        if k not in out:
            out[k] = v
    return orjson.dumps(out)


_METADATA = b'"metadata":{'


def encoded_object(value: bytes, revision: int) -> orjson.Fragment:
    """The object as JSON with its resourceVersion, without decoding it: the revision is
    spliced into the top-level metadata, which `encode_object` puts first after kind and
    apiVersion (so its opening brace is the second one in the document)."""
    i = value.find(_METADATA)
    if i < 0 or value.count(b"{", 0, i) != 1:
        return orjson.Fragment(orjson.dumps(decode_object(value, revision)))
    j = i + len(_METADATA)
    rv = b'"resourceVersion":"%d"' % revision
    sep = b"" if value[j : j + 1] == b"}" else b","
    return orjson.Fragment(b"".join((value[:j], rv, sep, value[j:])))


def decode_object(value: bytes, revision: int) -> Object:
    obj: Object = orjson.loads(value)
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    meta["resourceVersion"] = str(revision)
    return obj


def check_preconditions(key: str, pre: Preconditions | None, obj: Object | None) -> None:
    """Upstream `Preconditions.Check`, with its messages."""
    if pre is None:
        return
    meta = (obj or {}).get("metadata") or {}
    if pre.uid is not None:
        uid = meta.get("uid", "")
        if pre.uid != uid:
            raise ConflictError(
                key,
                f"Precondition failed: UID in precondition: {pre.uid}, UID in object meta: {uid}",
            )
    if pre.resource_version is not None:
        rv = meta.get("resourceVersion", "")
        if pre.resource_version != rv:
            raise ConflictError(
                key,
                "Precondition failed: ResourceVersion in precondition: "
                f"{pre.resource_version}, ResourceVersion in object meta: {rv}",
            )


def _key_range(key: str, recursive: bool) -> tuple[str, str, str]:
    """(start, end, prefix) of a list or watch. A collection key always ends in "/" so that
    "/a" does not also list "/ab/..."."""
    if recursive:
        if not key.endswith("/"):
            key += "/"
        return key, prefix_end(key), key
    return key, key + "\x00", key


# --------------------------------------------------------------------------------------------
# Storage


class BackendStorage:
    """The `Storage` protocol over a `Backend`. `bookmark_interval` is how often a watch with
    allow_watch_bookmarks gets a BOOKMARK (upstream: one minute)."""

    def __init__(self, backend: Backend, *, bookmark_interval: float = 60.0) -> None:
        self.backend = backend
        self.bookmark_interval = bookmark_interval

    # -- create / get

    async def create(self, key: str, obj: Object, *, dry_run: bool = False) -> Object:
        data = encode_object(obj)
        if dry_run:
            kv, _ = await self.backend.get(key)
            if kv is not None:
                raise KeyExistsError(key)
            out: Object = orjson.loads(data)
            return out
        ok, kv = await self.backend.create(key, data)
        if not ok or kv is None:
            raise KeyExistsError(key)
        return decode_object(data, kv.mod_revision)

    async def get(
        self, key: str, *, resource_version: str = "", ignore_not_found: bool = False
    ) -> Object | None:
        min_rv = parse_resource_version(resource_version)
        kv, revision = await self.backend.get(key)
        if min_rv > revision:
            raise FutureRevisionError(min_rv, revision)
        if kv is None:
            if ignore_not_found:
                return None
            raise KeyNotFoundError(key)
        return decode_object(kv.value, kv.mod_revision)

    # -- list

    async def get_list(self, key: str, opts: ListOptions) -> ListResult:
        start, end, prefix = _key_range(key, opts.recursive)
        pred = opts.predicate
        limit = max(opts.limit, 0)
        from_rv = parse_resource_version(opts.resource_version) if opts.resource_version else None

        with_rev = 0  # 0: the latest revision
        continue_key = ""
        paging_from_token = opts.recursive and bool(opts.continue_token)
        if paging_from_token:
            continue_key, token_rv = decode_continue(opts.continue_token, prefix)
            if opts.resource_version not in ("", "0"):
                raise ContinueWithResourceVersionError()
            start = continue_key
            if token_rv > 0:
                with_rev = token_rv
        elif from_rv is not None:
            match = opts.resource_version_match
            if match == "Exact":
                with_rev = from_rv
            elif match == "":
                # Legacy: an RV with a limit pins the read (a consistent paged snapshot).
                if opts.recursive and limit > 0 and from_rv > 0:
                    with_rev = from_rv
            elif match != "NotOlderThan":
                raise StorageError(f"unknown ResourceVersionMatch value: {match}")

        items: list[Any] = []
        empty_pred = pred.empty()
        raw = opts.raw and empty_pred
        fetch = limit
        last_key = ""
        has_more = False
        count = 0
        served = 0
        while True:
            try:
                res = await self.backend.range(start, end, revision=with_rev, limit=fetch)
            except CompactedError:
                if paging_from_token:
                    raise ContinueExpiredError(encode_continue(continue_key, prefix, -1)) from None
                raise
            if from_rv and res.revision < from_rv:
                raise FutureRevisionError(from_rv, res.revision)
            served = res.revision
            has_more = res.more
            count = res.count
            for kv in res.kvs:
                if limit and len(items) >= limit:
                    has_more = True
                    break
                last_key = kv.key
                if raw:
                    items.append(encoded_object(kv.value, kv.mod_revision))
                    continue
                obj = decode_object(kv.value, kv.mod_revision)
                if empty_pred or pred.matches(obj):
                    items.append(obj)
            if not has_more or not limit or len(items) >= limit:
                break
            # A selector dropped items: fetch more (doubling, as upstream) at the same revision.
            if fetch < _MAX_FETCH:
                fetch = min(fetch * 2, _MAX_FETCH)
            start = last_key + "\x00"
            if with_rev == 0:
                with_rev = served
        if with_rev == 0:
            with_rev = served

        result = ListResult(items, str(with_rev))
        if has_more:
            result.continue_token = encode_continue(last_key + "\x00", prefix, with_rev)
            if empty_pred:
                result.remaining_item_count = count - limit
        return result

    # -- update / delete

    async def guaranteed_update(
        self,
        key: str,
        try_update: UpdateFunc,
        *,
        ignore_not_found: bool = False,
        preconditions: Preconditions | None = None,
        dry_run: bool = False,
    ) -> Object:
        kv, _ = await self.backend.get(key)
        while True:
            if kv is None:
                if not ignore_not_found:
                    raise KeyNotFoundError(key)
                current: Object | None = None
            else:
                current = decode_object(kv.value, kv.mod_revision)
            check_preconditions(key, preconditions, current)
            updated = await try_update(current)
            data = encode_object(updated)
            if kv is not None and data == kv.value:
                return decode_object(kv.value, kv.mod_revision)  # no-op: no write, no event
            if dry_run:
                out: Object = orjson.loads(data)
                if kv is not None:
                    out.setdefault("metadata", {})["resourceVersion"] = str(kv.mod_revision)
                return out
            if kv is None:
                ok, new = await self.backend.create(key, data)
            else:
                ok, new = await self.backend.update(
                    key, data, expected_mod_revision=kv.mod_revision
                )
            if ok and new is not None:
                return decode_object(data, new.mod_revision)
            kv = new  # lost the race: retry against the current value the backend returned

    async def delete(
        self,
        key: str,
        *,
        preconditions: Preconditions | None = None,
        validate_deletion: ValidateDeletionFunc | None = None,
        dry_run: bool = False,
    ) -> Object:
        kv, _ = await self.backend.get(key)
        while True:
            if kv is None:
                raise KeyNotFoundError(key)
            current = decode_object(kv.value, kv.mod_revision)
            check_preconditions(key, preconditions, current)
            if validate_deletion is not None:
                await validate_deletion(current)
            if dry_run:
                return decode_object(kv.value, kv.mod_revision)
            ok, res = await self.backend.delete(key, expected_mod_revision=kv.mod_revision)
            if ok and res is not None:
                return decode_object(res.value, res.mod_revision)
            kv = res

    # -- watch

    async def watch(self, key: str, opts: ListOptions) -> StorageWatch:
        start, end, _ = _key_range(key, opts.recursive)
        rv = parse_resource_version(opts.resource_version)
        send_initial = opts.send_initial_events
        if send_initial is None:
            send_initial = rv == 0
        initial: list[KeyValue] = []
        if send_initial:
            res = await self.backend.range(start, end)
            if rv > res.revision:
                raise FutureRevisionError(rv, res.revision)
            initial, after = res.kvs, res.revision
        else:
            current = await self.backend.current_revision()
            if rv == 0:
                after = current
            else:
                compact = await self.backend.compact_revision()
                if rv < compact:
                    raise CompactedError(rv, compact)
                if rv > current:
                    raise FutureRevisionError(rv, current)
                after = rv
        bw = self.backend.watch(start, end, start_revision=after + 1)
        return StorageWatch(
            bw,
            opts.predicate,
            initial,
            after,
            bookmarks=opts.allow_watch_bookmarks,
            initial_events_end=bool(opts.send_initial_events) and opts.allow_watch_bookmarks,
            bookmark_interval=self.bookmark_interval,
        )

    async def count(self, key: str) -> int:
        if not key.endswith("/"):
            key += "/"
        return await self.backend.count(key, prefix_end(key))

    async def current_resource_version(self) -> int:
        return await self.backend.current_revision()


def _bookmark(revision: int, annotations: dict[str, str] | None = None) -> WatchEvent:
    meta: dict[str, Any] = {"resourceVersion": str(revision)}
    if annotations:
        meta["annotations"] = annotations
    return WatchEvent(WatchEventType.BOOKMARK, {"metadata": meta})


class StorageWatch:
    """An object-level watch over a `BackendWatch` (upstream etcd3 `watchChan`)."""

    def __init__(
        self,
        bw: BackendWatch,
        predicate: SelectionPredicate,
        initial: list[KeyValue],
        after: int,
        *,
        bookmarks: bool,
        initial_events_end: bool,
        bookmark_interval: float,
    ) -> None:
        self._bw = bw
        self._pred = predicate
        self._accept_all = predicate.empty()
        self._initial = initial
        self._after = after
        self._bookmarks = bookmarks
        self._initial_events_end = initial_events_end
        self._interval = bookmark_interval
        self._stopped = False
        self._timer: asyncio.Task[None] | None = None

    def __aiter__(self) -> AsyncIterator[WatchEvent]:
        return self._events()

    async def request_progress(self) -> None:
        """Ask for a BOOKMARK at the current revision once every earlier event was delivered
        (only delivered with allow_watch_bookmarks; the watch cache uses this)."""
        await self._bw.request_progress()

    async def stop(self) -> None:
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
        await self._bw.cancel()

    def _match(self, obj: Object) -> bool:
        return self._accept_all or self._pred.matches(obj)

    def _transform(self, ev: Event) -> WatchEvent | None:
        kv, prev = ev.kv, ev.prev_kv
        if ev.type is EventType.DELETE:
            if prev is None:
                return None
            # The last state, at the revision of the delete (what informers resume from).
            old = decode_object(prev.value, kv.mod_revision)
            return WatchEvent(WatchEventType.DELETED, old) if self._match(old) else None
        cur = decode_object(kv.value, kv.mod_revision)
        if kv.create_revision == kv.mod_revision or prev is None:
            return WatchEvent(WatchEventType.ADDED, cur) if self._match(cur) else None
        if self._accept_all:
            return WatchEvent(WatchEventType.MODIFIED, cur)
        cur_in = self._pred.matches(cur)
        old = decode_object(prev.value, kv.mod_revision)
        old_in = self._pred.matches(old)
        if cur_in and old_in:
            return WatchEvent(WatchEventType.MODIFIED, cur)
        if cur_in:
            return WatchEvent(WatchEventType.ADDED, cur)
        if old_in:
            # Changed out of the selection: the previous state, at this event's revision.
            return WatchEvent(WatchEventType.DELETED, old)
        return None

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self._bw.request_progress()

    async def _events(self) -> AsyncIterator[WatchEvent]:
        last = self._after
        try:
            initial, self._initial = self._initial, []
            for kv in initial:
                if self._stopped:
                    return
                obj = decode_object(kv.value, kv.mod_revision)
                if self._match(obj):
                    yield WatchEvent(WatchEventType.ADDED, obj)
            if self._initial_events_end and not self._stopped:
                yield _bookmark(self._after, {INITIAL_EVENTS_ANNOTATION: "true"})
            if self._bookmarks and not self._stopped:
                self._timer = asyncio.get_running_loop().create_task(self._tick())
            try:
                async for batch in self._bw:
                    if self._stopped:
                        return
                    if batch.progress:
                        if self._bookmarks:
                            last = max(last, batch.revision)
                            yield _bookmark(last)
                        continue
                    for ev in batch.events:
                        out = self._transform(ev)
                        last = ev.kv.mod_revision
                        if out is not None:
                            yield out
            except CompactedError as e:
                # Report the revision the client asked for, not the backend's start revision.
                raise CompactedError(self._after, e.compact_revision) from None
        finally:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            await self._bw.cancel()
