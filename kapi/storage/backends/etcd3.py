"""etcd3 backend: the `Backend` protocol over a real etcd v3 cluster (upstream `etcd3/store.go`,
`watcher.go`, `compact.go`), so that several kapi processes can serve one shared store.

Calls are the ones upstream's store makes, through the generated gRPC stubs that the `aetcd`
package ships (`aetcd.rpc`) on our own `grpc.aio` channel (aetcd's `Client` speaks to one
plain-text endpoint only, and exposes neither ranges at a revision nor progress requests):

* create: `Txn(If mod_revision(key) == 0, Then Put, Else Range(key))`
* update: `Txn(If mod_revision(key) == expected, Then Put(prev_kv), Else Range(key))`
* delete: `Txn(If mod_revision(key) == expected, Then DeleteRange(prev_kv), Else Range(key))`
* get / range / count: `Range` with revision, limit or count_only; "now" is the header
  revision of a linearizable range
* watch: one multiplexed `Watch` stream per backend, each watch created with prev_kv and
  progress_notify; `request_progress()` sends a `WatchProgressRequest` on that stream
* compact: `Compact(revision)`; replicas coordinate through the `compact_rev_key` txn
  (`claim_compaction`, used by `kapi.storage.compactor.Compactor`).

Keys and values are exactly those of the embedded backends (`/registry/...` keys as UTF-8,
the same JSON values), optionally under a `key_prefix`. Every gRPC error is translated at one
seam (`_rpc`) into `kapi.storage.interface` errors; nothing from aetcd or grpc leaves this
module.

Several endpoints are one gRPC channel with a static address list and pick-first balancing:
when the member in use dies the channel moves to the next one. Calls wait for a connection
(`wait_for_ready`) up to `request_timeout`; a call that fails with UNAVAILABLE is retried until
`retry_timeout`. Writes are compare-and-swaps, so a retried write whose first attempt was in
fact applied finds its own value in place and reports success instead of a conflict.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import grpc
from aetcd import rpc

from kapi.storage.interface import (
    CompactedError,
    Event,
    EventType,
    FutureRevisionError,
    KeyValue,
    RangeResult,
    StorageError,
    WatchBatch,
    WatchOverflowError,
)

log = logging.getLogger(__name__)

# Upstream's compaction coordination key (`etcd3/compact.go`). Global, not under key_prefix:
# a compaction is global to the etcd cluster whoever shares it.
COMPACT_REV_KEY = b"compact_rev_key"

_CHANNEL_OPTIONS: list[tuple[str, Any]] = [
    ("grpc.lb_policy_name", "pick_first"),
    # Lists are as large as the stored collection (clientv3 allows math.MaxInt32 as well).
    ("grpc.max_receive_message_length", 2**31 - 1),
    ("grpc.max_send_message_length", 8 * 1024 * 1024),
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 2000),
    # Detect a member that vanished without closing the connection (etcd's server-side
    # minimum ping interval is 5 s).
    ("grpc.keepalive_time_ms", 10_000),
    ("grpc.keepalive_timeout_ms", 5_000),
    ("grpc.keepalive_permit_without_calls", 0),
]

# Watch streams ask for a member that has a leader, so that a partitioned member closes the
# stream instead of keeping it silently idle (clientv3 `WithRequireLeader`).
_REQUIRE_LEADER = (("hasleader", "true"),)

_EQUAL = rpc.Compare.CompareResult.Value("EQUAL")
_MOD = rpc.Compare.CompareTarget.Value("MOD")
_VERSION = rpc.Compare.CompareTarget.Value("VERSION")
_DELETE_EVENT = 1  # mvccpb.Event.EventType.DELETE

_COMPACTED = "required revision has been compacted"
_FUTURE = "required revision is a future revision"
_RETRIABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


class EtcdUnavailableError(StorageError):
    """etcd could not be reached (or had no leader) within the retry budget."""


# --------------------------------------------------------------------------------------------
# Endpoints and the channel


@dataclass(frozen=True, slots=True)
class _Endpoint:
    host: str
    port: int
    tls: bool


def _parse_endpoint(server: str) -> _Endpoint:
    """`http://host:port`, `https://host:port` or `host:port` (plain text)."""
    url = urlsplit(server if "://" in server else "http://" + server)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise ValueError(f"invalid etcd server URL: {server!r}")
    return _Endpoint(url.hostname, url.port or 2379, url.scheme == "https")


async def _channel_target(endpoints: Sequence[_Endpoint]) -> str:
    """One gRPC target naming every endpoint (`ipv4:a:p,b:q` or `ipv6:[a]:p,...`), so that
    pick-first fails over between members; host names are resolved once, off the loop."""
    loop = asyncio.get_running_loop()
    addrs: list[tuple[str, int]] = []
    for ep in endpoints:
        try:
            ip = ipaddress.ip_address(ep.host)
        except ValueError:
            infos = await loop.getaddrinfo(ep.host, ep.port, type=1)  # SOCK_STREAM
            if not infos:
                raise ValueError(f"cannot resolve etcd host {ep.host!r}") from None
            infos.sort(key=lambda info: info[0] != 2)  # IPv4 first
            ip = ipaddress.ip_address(infos[0][4][0])
        addrs.append((str(ip), ep.port))
    if all(ipaddress.ip_address(a).version == 4 for a, _ in addrs):
        return "ipv4:" + ",".join(f"{a}:{p}" for a, p in addrs)
    mapped = [
        f"[::ffff:{a}]:{p}" if ipaddress.ip_address(a).version == 4 else f"[{a}]:{p}"
        for a, p in addrs
    ]
    return "ipv6:" + ",".join(mapped)


def _read(path: str | None) -> bytes | None:
    return Path(path).read_bytes() if path else None


async def _open_channel(
    servers: Sequence[str], cafile: str | None, certfile: str | None, keyfile: str | None
) -> Any:
    endpoints = [_parse_endpoint(s) for s in servers]
    if not endpoints:
        raise ValueError("the etcd3 backend needs at least one server")
    target = await _channel_target(endpoints)
    first = endpoints[0]
    options = [*_CHANNEL_OPTIONS, ("grpc.default_authority", f"{first.host}:{first.port}")]
    if not (any(ep.tls for ep in endpoints) or cafile or certfile):
        return grpc.aio.insecure_channel(target, options=options)
    if bool(certfile) != bool(keyfile):
        raise ValueError("etcd client certificate and key must be given together")
    ca, cert, key = await asyncio.to_thread(
        lambda: (_read(cafile), _read(certfile), _read(keyfile))
    )
    creds = grpc.ssl_channel_credentials(
        root_certificates=ca, private_key=key, certificate_chain=cert
    )
    # The certificate is checked against the name the user wrote, not the resolved address.
    options.append(("grpc.ssl_target_name_override", first.host))
    return grpc.aio.secure_channel(target, creds, options=options)


# --------------------------------------------------------------------------------------------
# The error seam


def _translate(err: grpc.RpcError, revision: int = 0) -> StorageError:
    code = err.code()
    details = err.details() or ""
    if code == grpc.StatusCode.OUT_OF_RANGE and _COMPACTED in details:
        return CompactedError(revision, 0)
    if code == grpc.StatusCode.OUT_OF_RANGE and _FUTURE in details:
        return FutureRevisionError(revision, 0)
    if code in _RETRIABLE:
        return EtcdUnavailableError(f"etcd unavailable: {details}")
    return StorageError(f"etcd: {code.name}: {details}")


# --------------------------------------------------------------------------------------------
# The backend


def _kv(key: str, pb: Any) -> KeyValue:
    return KeyValue(key, bytes(pb.value), pb.create_revision, pb.mod_revision)


class Etcd3Backend:
    """Open with `await Etcd3Backend.open(servers, ...)` (or `open_backend("etcd3", ...)`).

    Options: `key_prefix` (prepended to every key in etcd, so several kapi clusters can share
    one etcd; default none), `request_timeout` (seconds one call may wait, default 10),
    `retry_timeout` (seconds a failing call is retried, default 15), `watch_queue_size` (events
    a watcher may have queued before it is closed with WatchOverflowError).
    """

    def __init__(
        self,
        channel: Any,
        *,
        key_prefix: str = "",
        request_timeout: float = 10.0,
        retry_timeout: float = 15.0,
        watch_queue_size: int = 10_000,
    ) -> None:
        self._channel = channel
        self._kv = rpc.KVStub(channel)
        self._prefix = key_prefix
        self._cut = len(key_prefix.encode())
        self._timeout = request_timeout
        self._retry_timeout = retry_timeout
        self._compact = 0  # the highest compaction point known to this process
        self._closed = False
        self.server_version = ""  # of the member answering at start-up
        self.watch_queue_size = watch_queue_size
        self._watches = _WatchStream(self, rpc.WatchStub(channel))

    @classmethod
    async def open(
        cls,
        servers: Sequence[str],
        *,
        cafile: str | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
        connect_timeout: float = 10.0,
        **options: Any,
    ) -> Etcd3Backend:
        """Connect and check that etcd answers a linearizable read (so a wrong address or a
        cluster without quorum fails at start-up, not at the first request)."""
        channel = await _open_channel(servers, cafile, certfile, keyfile)
        self = cls(channel, **options)

        async def probe() -> str:
            status, _ = await self._rpc(rpc.MaintenanceStub(channel).Status, rpc.StatusRequest())
            await self.current_revision()  # linearizable: the cluster has a leader
            version: str = status.version
            return version

        try:
            self.server_version = await asyncio.wait_for(probe(), connect_timeout)
        except (TimeoutError, StorageError) as e:
            await channel.close()
            why = str(e) or f"no answer within {connect_timeout:g}s"
            where = ", ".join(servers)
            raise EtcdUnavailableError(f"cannot reach etcd at {where}: {why}") from None
        if not self.progress_requests_reliable:
            log.warning(
                "etcd %s may answer a watch progress request before events it has not sent "
                "yet (etcd-io/etcd#15220); consistent reads served from a watch cache need "
                "etcd >= 3.5.13 or 3.4.31",
                self.server_version,
            )
        return self

    @property
    def progress_requests_reliable(self) -> bool:
        """Whether the connected etcd answers `request_progress()` only after every earlier
        event (the versions Kubernetes requires for consistent reads from its cache)."""
        try:
            v = tuple(int(x) for x in self.server_version.split(".")[:3])
        except ValueError:
            return False
        return v >= (3, 5, 13) or (3, 4, 31) <= v < (3, 5, 0)

    # -- keys

    def _key(self, key: str) -> bytes:
        return (self._prefix + key).encode()

    def _unkey(self, raw: bytes) -> str:
        return raw[self._cut :].decode()

    # -- the one seam every call goes through

    async def _rpc(
        self, method: Callable[..., Awaitable[Any]], request: Any, *, revision: int = 0
    ) -> tuple[Any, bool]:
        """Call `method(request)`, retrying while etcd is unavailable. Returns the response
        and whether an earlier attempt failed in a way that may have applied it."""
        if self._closed:
            raise StorageError("etcd3 backend is closed")
        deadline = time.monotonic() + self._retry_timeout
        delay = 0.05
        retried = False
        while True:
            # No attempt outlives the retry budget by more than a moment.
            timeout = max(0.5, min(self._timeout, deadline - time.monotonic()))
            try:
                resp = await method(request, timeout=timeout, wait_for_ready=True)
                return resp, retried
            except grpc.RpcError as e:
                err = _translate(e, revision)
                if not isinstance(err, EtcdUnavailableError) or time.monotonic() >= deadline:
                    if isinstance(err, CompactedError):
                        # etcd does not say where; any point above the request is a bound.
                        self._compact = max(self._compact, revision + 1)
                        err = CompactedError(revision, await self._known_compact())
                    elif isinstance(err, FutureRevisionError):
                        err = FutureRevisionError(revision, await self.current_revision())
                    raise err from None
                log.debug("etcd call failed, retrying: %s", e.details())
                retried = True
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    async def _known_compact(self) -> int:
        with contextlib.suppress(StorageError):
            return await self.compact_revision()
        return self._compact

    # -- reads

    async def current_revision(self) -> int:
        # A linearizable read's header is "now" (upstream GetCurrentResourceVersion).
        resp, _ = await self._rpc(
            self._kv.Range, rpc.RangeRequest(key=COMPACT_REV_KEY, count_only=True)
        )
        rev: int = resp.header.revision
        return rev

    async def compact_revision(self) -> int:
        """The compaction point as far as this process knows: its own compactions, the
        revision other replicas recorded in `compact_rev_key`, and compaction errors seen."""
        resp, _ = await self._rpc(self._kv.Range, rpc.RangeRequest(key=COMPACT_REV_KEY))
        if resp.kvs:
            with contextlib.suppress(ValueError):
                self._compact = max(self._compact, int(resp.kvs[0].value))
        return self._compact

    async def get(self, key: str, *, revision: int = 0) -> tuple[KeyValue | None, int]:
        revision = max(revision, 0)
        resp, _ = await self._rpc(
            self._kv.Range,
            rpc.RangeRequest(key=self._key(key), revision=revision),
            revision=revision,
        )
        kv = _kv(key, resp.kvs[0]) if resp.kvs else None
        return kv, revision or resp.header.revision

    async def range(
        self, start: str, end: str, *, revision: int = 0, limit: int = 0
    ) -> RangeResult:
        revision = max(revision, 0)
        req = rpc.RangeRequest(
            key=self._key(start), range_end=self._key(end), revision=revision, limit=max(limit, 0)
        )
        resp, _ = await self._rpc(self._kv.Range, req, revision=revision)
        kvs = [_kv(self._unkey(pb.key), pb) for pb in resp.kvs]
        return RangeResult(kvs, revision or resp.header.revision, resp.more, resp.count)

    async def count(self, start: str, end: str) -> int:
        req = rpc.RangeRequest(key=self._key(start), range_end=self._key(end), count_only=True)
        resp, _ = await self._rpc(self._kv.Range, req)
        count: int = resp.count
        return count

    # -- writes

    def _cas(self, key: bytes, expected: int, then: Any) -> Any:
        return rpc.TxnRequest(
            compare=[rpc.Compare(result=_EQUAL, target=_MOD, key=key, mod_revision=expected)],
            success=[then],
            failure=[rpc.RequestOp(request_range=rpc.RangeRequest(key=key))],
        )

    def _current(self, key: str, resp: Any) -> KeyValue | None:
        kvs = resp.responses[0].response_range.kvs
        return _kv(key, kvs[0]) if kvs else None

    async def create(self, key: str, value: bytes) -> tuple[bool, KeyValue | None]:
        k = self._key(key)
        put = rpc.RequestOp(request_put=rpc.PutRequest(key=k, value=value))
        resp, retried = await self._rpc(self._kv.Txn, self._cas(k, 0, put))
        if resp.succeeded:
            rev = resp.header.revision
            return True, KeyValue(key, value, rev, rev)
        cur = self._current(key, resp)
        if retried and cur is not None and cur.value == value:
            return True, cur  # an attempt that failed on the wire was applied after all
        return False, cur

    async def update(
        self, key: str, value: bytes, *, expected_mod_revision: int
    ) -> tuple[bool, KeyValue | None]:
        if expected_mod_revision <= 0:  # mod_revision 0 would mean "create"
            return False, (await self.get(key))[0]
        k = self._key(key)
        put = rpc.RequestOp(request_put=rpc.PutRequest(key=k, value=value, prev_kv=True))
        resp, retried = await self._rpc(self._kv.Txn, self._cas(k, expected_mod_revision, put))
        if resp.succeeded:
            prev = resp.responses[0].response_put.prev_kv
            return True, KeyValue(key, value, prev.create_revision, resp.header.revision)
        cur = self._current(key, resp)
        if retried and cur is not None and cur.value == value:
            return True, cur
        return False, cur

    async def delete(self, key: str, *, expected_mod_revision: int) -> tuple[bool, KeyValue | None]:
        if expected_mod_revision <= 0:
            return False, (await self.get(key))[0]
        k = self._key(key)
        op = rpc.RequestOp(request_delete_range=rpc.DeleteRangeRequest(key=k, prev_kv=True))
        resp, _ = await self._rpc(self._kv.Txn, self._cas(k, expected_mod_revision, op))
        if resp.succeeded:
            prev = resp.responses[0].response_delete_range.prev_kvs[0]
            return True, KeyValue(
                key, bytes(prev.value), prev.create_revision, resp.header.revision
            )
        return False, self._current(key, resp)

    # -- watch

    def watch(self, start: str, end: str, *, start_revision: int) -> Etcd3Watch:
        return Etcd3Watch(self._watches, self._key(start), self._key(end), start_revision)

    # -- maintenance

    async def compact(self, revision: int) -> None:
        if revision <= self._compact:
            return
        with contextlib.suppress(CompactedError):  # compacted at or past `revision` already
            await self._rpc(self._kv.Compact, rpc.CompactionRequest(revision=revision))
        self._compact = max(self._compact, revision)

    async def claim_compaction(self, epoch: int, revision: int) -> tuple[bool, int, int]:
        """Upstream's compaction lease: `Txn(If version(compact_rev_key) == epoch, Then
        Put(compact_rev_key, revision), Else Get)`. The key's version is the cluster-wide
        compaction epoch. Returns (won, the epoch now, the revision of the claim's write or 0):
        the winner compacts this cycle; a loser learns the epoch and the recorded revision."""
        txn = rpc.TxnRequest(
            compare=[
                rpc.Compare(result=_EQUAL, target=_VERSION, key=COMPACT_REV_KEY, version=epoch)
            ],
            success=[
                rpc.RequestOp(
                    request_put=rpc.PutRequest(key=COMPACT_REV_KEY, value=str(revision).encode())
                )
            ],
            failure=[rpc.RequestOp(request_range=rpc.RangeRequest(key=COMPACT_REV_KEY))],
        )
        resp, _ = await self._rpc(self._kv.Txn, txn)
        if resp.succeeded:
            return True, epoch + 1, resp.header.revision
        kvs = resp.responses[0].response_range.kvs
        if not kvs:
            return False, 0, 0
        with contextlib.suppress(ValueError):
            self._compact = max(self._compact, int(kvs[0].value))
        remote: int = kvs[0].version
        return False, remote, 0

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._watches.close()
        await self._channel.close()


# --------------------------------------------------------------------------------------------
# Watch


class _WatchStream:
    """One bidirectional `Watch` stream shared by every watch of a backend (clientv3 does the
    same), with client-chosen watch ids. If the stream breaks (the member died, lost its
    leader), it is reopened and every live watch is re-created from the revision after the
    last one it delivered; if that revision was compacted meanwhile, the watch fails with
    CompactedError rather than skipping ahead."""

    def __init__(self, backend: Etcd3Backend, stub: Any) -> None:
        self._backend = backend
        self._stub = stub
        self._ids = itertools.count(1)
        self._watches: dict[int, Etcd3Watch] = {}
        self._requests: asyncio.Queue[Any] | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def new_id(self) -> int:
        return next(self._ids)

    def add(self, w: Etcd3Watch) -> None:
        if self._closed:
            w.close()
            return
        self._watches[w.id] = w
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="etcd3-watch")
        elif self._requests is not None:
            self._requests.put_nowait(w.create_request())

    def remove(self, w: Etcd3Watch) -> None:
        if self._watches.pop(w.id, None) is not None and self._requests is not None:
            self._requests.put_nowait(
                rpc.WatchRequest(cancel_request=rpc.WatchCancelRequest(watch_id=w.id))
            )

    def request_progress(self) -> None:
        if self._requests is not None:
            self._requests.put_nowait(rpc.WatchRequest(progress_request=rpc.WatchProgressRequest()))

    async def _run(self) -> None:
        delay = 0.05
        while not self._closed:
            requests: asyncio.Queue[Any] = asyncio.Queue()
            self._requests = requests
            for w in self._watches.values():
                w.created = False
                requests.put_nowait(w.create_request())
            if any(w.progress_wanted for w in self._watches.values()):
                self.request_progress()
            call = self._stub.Watch(_drain(requests), metadata=_REQUIRE_LEADER, wait_for_ready=True)
            try:
                async for resp in call:
                    delay = 0.05
                    self._dispatch(resp)
                log.info("etcd watch stream closed by the server; reopening")
            except grpc.RpcError as e:
                if self._closed:
                    return
                log.warning("etcd watch stream failed (%s); reopening", e.details())
            finally:
                requests.put_nowait(None)
                call.cancel()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _dispatch(self, resp: Any) -> None:
        header_rev: int = resp.header.revision
        if resp.watch_id == -1:
            # The answer to a progress request, for the whole stream.
            for w in list(self._watches.values()):
                if w.created and w.progress_wanted:
                    w.deliver_progress(header_rev, sound=False)
            return
        found = self._watches.get(resp.watch_id)
        if found is None:
            return  # a watch we cancelled
        w = found
        if resp.created:
            w.created = True
        if resp.compact_revision:
            self._watches.pop(w.id, None)
            self._backend._compact = max(self._backend._compact, resp.compact_revision)
            w.fail(CompactedError(w.requested_revision, resp.compact_revision))
            return
        if resp.canceled:
            self._watches.pop(w.id, None)
            w.fail(StorageError(f"etcd cancelled the watch: {resp.cancel_reason}"))
            return
        if resp.events:
            w.deliver_events(resp.events)
        elif not resp.created:
            w.deliver_progress(header_rev, sound=True)  # a periodic progress notification

    async def close(self) -> None:
        self._closed = True
        for w in list(self._watches.values()):
            w.close()
        self._watches.clear()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _drain(requests: asyncio.Queue[Any]) -> Any:
    while True:
        req = await requests.get()
        if req is None:
            return
        yield req


class Etcd3Watch:
    """A `BackendWatch` over the shared stream. Created on the first iteration (like the
    embedded backends' lazy replay), so a compaction between `watch()` and the first read is
    reported, not raced.

    etcd fails a watch only when its start revision is *below* the compaction point, while
    this protocol fails it *at* the compaction point too (a tombstone at exactly that revision
    is gone). So the watch asks etcd for one revision earlier and drops what precedes the
    requested start."""

    def __init__(self, stream: _WatchStream, key: bytes, end: bytes, start_revision: int) -> None:
        self._stream = stream
        self._backend = stream._backend
        self.id = stream.new_id()
        self._key = key
        self._end = end
        self.requested_revision = max(start_revision, 1)
        self._next = self.requested_revision  # the first revision not yet delivered
        self._max = self._backend.watch_queue_size
        self.created = False
        self.progress_wanted = False
        self._started = False
        self._queue: deque[WatchBatch] = deque()
        self._queued_events = 0
        self._error: BaseException | None = None
        self._closed = False
        self._waiter: asyncio.Future[None] | None = None

    def create_request(self) -> Any:
        return rpc.WatchRequest(
            create_request=rpc.WatchCreateRequest(
                key=self._key,
                range_end=self._end,
                start_revision=max(self._next - 1, 1),
                prev_kv=True,
                progress_notify=True,
                watch_id=self.id,
            )
        )

    # -- producer side (the stream's dispatch, on the event loop)

    def deliver_events(self, events: Any) -> None:
        if self._closed or self._error is not None:
            return
        unkey = self._backend._unkey
        out: list[Event] = []
        for ev in events:
            kv = ev.kv
            rev: int = kv.mod_revision
            if rev < self._next:
                continue  # the look-behind revision, or replayed after a reconnect
            key = unkey(kv.key)
            prev = _kv(key, ev.prev_kv) if ev.HasField("prev_kv") else None
            if ev.type == _DELETE_EVENT:
                create_rev = prev.create_revision if prev is not None else 0
                out.append(Event(EventType.DELETE, KeyValue(key, b"", create_rev, rev), prev))
            else:
                out.append(Event(EventType.PUT, _kv(key, kv), prev))
        if not out:
            return
        self._next = out[-1].kv.mod_revision + 1
        self._queued_events += len(out)
        if self._queued_events > self._max:
            self.fail(WatchOverflowError("etcd watcher fell too far behind"))
            self._stream.remove(self)
            return
        self._queue.append(WatchBatch(out, out[-1].kv.mod_revision))
        self._wake()

    def deliver_progress(self, revision: int, *, sound: bool) -> None:
        """`sound`: etcd sent it for this watch only, which it does once the watch is synced
        (all events up to `revision` were sent before it). A stream-wide answer to a progress
        request is not a resume point: etcd before 3.5.8 can send it ahead of pending events."""
        if self._closed or self._error is not None or revision < self._next - 1:
            return
        self.progress_wanted = False
        if sound:
            self._next = revision + 1
        self._queue.append(WatchBatch([], revision, progress=True))
        self._wake()

    def fail(self, err: BaseException) -> None:
        self._error = err
        self._queue.clear()
        self._queued_events = 0
        self._wake()

    def close(self) -> None:
        self._closed = True
        self._queue.clear()
        self._wake()

    def _wake(self) -> None:
        w = self._waiter
        if w is not None and not w.done():
            w.set_result(None)

    # -- BackendWatch

    def __aiter__(self) -> Etcd3Watch:
        return self

    async def __anext__(self) -> WatchBatch:
        if not self._started:
            self._started = True
            self._stream.add(self)
            if self.progress_wanted:
                self._stream.request_progress()
        while True:
            if self._closed:
                raise StopAsyncIteration
            if self._queue:
                batch = self._queue.popleft()
                self._queued_events -= len(batch.events)
                return batch
            if self._error is not None:
                raise self._error
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None

    async def request_progress(self) -> None:
        if self._closed or self._error is not None:
            return
        self.progress_wanted = True
        if self._started:
            self._stream.request_progress()

    async def cancel(self) -> None:
        if not self._closed:
            self._stream.remove(self)
            self.close()


async def open_backend(
    path: str = "",
    *,
    servers: Sequence[str] = ("http://127.0.0.1:2379",),
    cafile: str | None = None,
    certfile: str | None = None,
    keyfile: str | None = None,
    **options: Any,
) -> Etcd3Backend:
    """The factory entry (`open_backend("etcd3", servers=[...], cafile=..., certfile=...,
    keyfile=...)`); `path` is unused."""
    return await Etcd3Backend.open(
        list(servers), cafile=cafile, certfile=certfile, keyfile=keyfile, **options
    )
