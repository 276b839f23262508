"""The watch cache (upstream `k8s.io/apiserver/pkg/storage/cacher`).

`CachedStorage` implements the `Storage` protocol over a `BackendStorage`: writes go straight
to it, while reads and watches are served from one in-memory cache per resource prefix
(`/registry/<resource>/`, or `/registry/<group>/<plural>/` for custom resources), started on
first use and fed by ONE backend watch per prefix.

Modules: `store` (the sans-I/O state: objects, event window, snapshots, selector matching),
`watcher` (one client watch: interval then bounded live queue), `resource` (one prefix: the
reflector loop, dispatch, freshness waits, bookmarks), `delegator` (pure rules: which reads
the cache may serve), `storage` (the `Storage` facade), `clock` (injectable time).

Invariants (everything that decides them lives in this package):

1. Revisions. The cache's `revision` R means: every backend event for the prefix with a
   revision <= R has been applied, and nothing newer. It rises with events and with progress
   notifications (which report the backend's revision once every earlier event was sent),
   so after writes to *other* resources it catches up only through progress.
2. Window. Every change of the prefix with a revision above `floor` is in the window; the
   floor is the list revision at (re-)list, then the revision of the newest evicted change,
   and never below the backend's compaction point once that has been polled. A snapshot at
   any revision in [floor, R] is rebuilt by undoing the window's later changes; a watch from
   N in [floor, R] replays the window's changes after N. Below the floor: lists go to
   storage, watches get CompactedError (410).
3. Atomic registration. A watcher's interval (snapshot or replay) and its registration for
   live changes happen in one synchronous step at R, and dispatch applies a batch and offers
   it to watchers in one synchronous step, so a watcher gets every change after its start
   revision exactly once and in order. A watch from N > R does not wait for the cache: it
   registers at R and skips the live changes up to N (the cache receives every change after
   R in order), and gets no bookmark below N.
4. Freshness. GET "" goes to storage (as upstream). Other reads first wait (up to 3 s, with
   progress requests on the backend watch) until R >= max(requested N, the newest revision
   written through this server under the prefix); a consistent read (LIST "") also until R >=
   the backend's current revision. N above the backend's revision, or not reached in time,
   is FutureRevisionError (504 "Too large resource version"); a consistent read that times
   out, or a cache that is not ready, falls back to storage. Progress requests are used only
   if the backend's answers never overtake its events (`progress_requests`; not etcd before
   3.5.8): without them consistent reads, and reads at a revision the cache has not seen
   through events, go to storage, as upstream does over such an etcd.
5. Watch events. DELETED carries the last state at the delete's revision; with a predicate,
   entering the selection is ADDED, leaving it DELETED (previous state, event revision).
   Bookmarks (allow_watch_bookmarks) come every `bookmark_interval`, at the revision of a
   progress notification requested for them (without progress requests: at R); with
   send_initial_events, a BOOKMARK annotated
   `k8s.io/initial-events-end` follows the initial events, at the snapshot revision.
6. Slow watchers. Dispatch never waits; a watcher with `watcher_queue_size` live events
   pending is closed with WatchOverflowError (the API ends the stream; the client re-watches).
7. Breaks. If the backend watch fails, the cache re-watches from R (no watcher notices); if
   the backend no longer has that history, it re-lists, and closes every watcher, since
   none of them can be served the changes in between gap-free.
8. Objects are stored once, as the backend's stored bytes; every object handed out is a
   fresh dict. Raw lists splice the revision into the bytes without decoding; raw watches
   get `orjson.Fragment`s, encoded once per change and shared by every raw watcher.
"""

from kapi.storage.cacher.clock import Clock, LoopClock
from kapi.storage.cacher.delegator import resource_prefix
from kapi.storage.cacher.resource import CacheOptions, CacheStats, ResourceCache
from kapi.storage.cacher.storage import CachedStorage, ProgressOrdering

__all__ = [
    "CacheOptions",
    "CacheStats",
    "CachedStorage",
    "Clock",
    "LoopClock",
    "ProgressOrdering",
    "ResourceCache",
    "resource_prefix",
]
