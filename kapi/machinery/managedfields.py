"""Field ownership (`metadata.managedFields`) and server-side apply (upstream
`k8s.io/apimachinery/pkg/util/managedfields` and sigs.k8s.io/structured-merge-diff `merge`).

Every write records which manager owns which fields, one entry per (manager, operation,
apiVersion, subresource); Apply entries are keyed without their apiVersion, as upstream.

- A non-apply write (`update_managed_fields`, operation "Update") compares the live and the
  new object: the fields it added or changed become the writer's, and are taken from every
  other manager; removed fields leave every manager. An entry's time moves only when its
  manager took fields. Update entries beyond `MAX_UPDATE_MANAGERS` are folded, oldest
  first, into an `ancient-changes` entry per apiVersion.
- An apply (`apply`) merges the configuration into the live object per the schema
  (`kapi.machinery.typed`); the manager then owns exactly the configuration's fields. Fields
  it owned before and no longer applies are removed from the object unless another manager
  owns them. Changing a field another manager owns is a conflict (409, upstream's message
  and `FieldManagerConflict` causes) unless forced, which takes the field over; applying the
  value it already has makes the managers co-owners.
- `reset` fields (what the endpoint's strategy resets: `status` on a main resource, all but
  `status` on `/status`) are never owned through that endpoint.
- Object identity and server-set metadata (apiVersion, kind, metadata.name, uid, ...) are
  never owned (upstream's strip-meta manager).

A client may clear the entries by sending `managedFields: []` or `[{}]`; other entries it
sends replace the stored ones when they decode (`managed_base`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from kapi.machinery import errors
from kapi.machinery.fieldpath import EMPTY, FieldSet, Path, json_value, path_string
from kapi.machinery.meta import now_rfc3339
from kapi.machinery.schema import GroupVersion, GroupVersionKind
from kapi.machinery.typed import (
    TypedError,
    TypedSchemas,
    TypeNode,
    compare,
    default_schemas,
    ensure_named_fields_are_members,
    merge,
    remove_items,
    to_field_set,
    validate,
)

Object = dict[str, Any]

APPLY = "Apply"
UPDATE = "Update"
FIELDS_V1 = "FieldsV1"
# Upstream `DefaultMaxUpdateManagers`.
MAX_UPDATE_MANAGERS = 10
ANCIENT_CHANGES = "ancient-changes"
# Owner of what an object held when it is first applied to without any entries.
BEFORE_FIRST_APPLY = "before-first-apply"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# Upstream `totalAnnotationSizeLimitB`: a last-applied value that would not fit is dropped.
_ANNOTATION_SIZE_LIMIT = 256 * 1024
CAUSE_FIELD_MANAGER_CONFLICT = "FieldManagerConflict"

# Upstream `NewStripMetaManager`: identity and server-set metadata nobody owns.
STRIPPED = FieldSet.of(
    ("f:apiVersion",),
    ("f:kind",),
    ("f:metadata",),
    ("f:metadata", "f:name"),
    ("f:metadata", "f:namespace"),
    ("f:metadata", "f:creationTimestamp"),
    ("f:metadata", "f:selfLink"),
    ("f:metadata", "f:uid"),
    ("f:metadata", "f:clusterName"),
    ("f:metadata", "f:generation"),
    ("f:metadata", "f:managedFields"),
    ("f:metadata", "f:resourceVersion"),
)

# What the main endpoint of a kind with a status subresource never owns.
STATUS = FieldSet.of(("f:status",))

# A create compares against the kind's empty Go object, whose struct-valued (non-pointer)
# fields encode as `{}`: those are not "added" by the creator, so their entries carry no
# `"."` (e.g. `f:spec` and `f:template` of a Deployment, but `f:rollingUpdate` has one). The
# schemas do not say which fields are values rather than pointers; these are the built-in
# ones clients commonly see, besides the top-level metadata, spec and status.
VALUE_STRUCT_FIELDS: dict[str, tuple[str, ...]] = {
    "io.k8s.api.core.v1.PodTemplateSpec": ("metadata", "spec"),
    "io.k8s.api.batch.v1.JobTemplateSpec": ("metadata", "spec"),
    "io.k8s.api.apps.v1.DeploymentSpec": ("template", "strategy"),
    "io.k8s.api.apps.v1.ReplicaSetSpec": ("template",),
    "io.k8s.api.apps.v1.StatefulSetSpec": ("template", "updateStrategy"),
    "io.k8s.api.apps.v1.DaemonSetSpec": ("template", "updateStrategy"),
    "io.k8s.api.batch.v1.JobSpec": ("template",),
    "io.k8s.api.batch.v1.CronJobSpec": ("jobTemplate",),
    "io.k8s.api.core.v1.ServiceStatus": ("loadBalancer",),
}
# Slices without omitempty encode as null in the zero object (their elements are "added",
# the list itself is not).
NULL_FIELDS: dict[str, tuple[str, ...]] = {
    "io.k8s.api.core.v1.PodSpec": ("containers",),
}
_TOP_LEVEL_VALUE_STRUCTS = ("metadata", "spec", "status")
_empty_objects: dict[int, Object] = {}


# ---------------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------------

Key = tuple[str, str, str, str]  # manager, operation, apiVersion ("" for Apply), subresource


@dataclass(slots=True)
class ManagedEntry:
    manager: str
    operation: str
    api_version: str
    subresource: str
    time: str | None
    fields: FieldSet
    # The entry as stored, reused verbatim while the entry is unchanged, so an unchanged
    # object encodes to the same bytes (a no-op write).
    raw: dict[str, Any] | None = None

    @property
    def key(self) -> Key:
        return entry_key(self.manager, self.operation, self.api_version, self.subresource)

    def identifier(self) -> str:
        """Upstream `BuildManagerIdentifier`: the entry without fields and time, as JSON."""
        out: dict[str, str] = {"manager": self.manager, "operation": self.operation}
        if self.operation != APPLY:
            out["apiVersion"] = self.api_version
        if self.subresource:
            out["subresource"] = self.subresource
        return orjson.dumps(out).decode()

    def describe(self) -> str:
        """Upstream `printManager`: `"mgr"`, plus ` with subresource "s"`, plus ` using v`
        for Update entries."""
        text = orjson.dumps(self.manager).decode()
        if self.subresource:
            text += f" with subresource {orjson.dumps(self.subresource).decode()}"
        if self.operation == UPDATE:
            text += f" using {self.api_version}"
        return text

    def with_fields(self, fields: FieldSet, time: str | None = None) -> ManagedEntry:
        return ManagedEntry(
            self.manager,
            self.operation,
            self.api_version,
            self.subresource,
            self.time if time is None else time,
            fields,
        )

    def encode(self) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        out: dict[str, Any] = {
            "manager": self.manager,
            "operation": self.operation,
            "apiVersion": self.api_version,
        }
        if self.time:
            out["time"] = self.time
        out["fieldsType"] = FIELDS_V1
        out["fieldsV1"] = self.fields.to_fields_v1()
        if self.subresource:
            out["subresource"] = self.subresource
        return out


def entry_key(manager: str, operation: str, api_version: str, subresource: str) -> Key:
    return (manager, operation, "" if operation == APPLY else api_version, subresource)


Managed = dict[Key, ManagedEntry]


class ManagedFieldsError(ValueError):
    """Entries that do not decode (upstream `DecodeManagedFields` errors)."""


_decoded: dict[tuple[bytes, bool], FieldSet] = {}


def _decode_fields(trie: Any, stored: bool) -> FieldSet:
    if not trie:
        return EMPTY
    try:
        key = (orjson.dumps(trie), stored)
    except TypeError:
        return FieldSet.from_fields_v1(trie)
    found = _decoded.get(key)
    if found is None:
        found = FieldSet.from_fields_v1(trie, keep_encoding=stored)
        if len(_decoded) >= 4096:
            _decoded.clear()
        _decoded[key] = found
    return found


def decode_managed_fields(entries: Any, *, stored: bool = True) -> Managed:
    """`metadata.managedFields` as entries by key; raises ManagedFieldsError as upstream's
    decoder fails. `stored`: the entries were written by us (a client's are re-encoded)."""
    out: Managed = {}
    if not entries:
        return out
    if not isinstance(entries, list):
        raise ManagedFieldsError("managedFields must be a list")
    for i, raw in enumerate(entries):
        if not isinstance(raw, dict):
            raise ManagedFieldsError(f"managed fields entry {i} is not an object")
        operation = raw.get("operation")
        if operation not in (APPLY, UPDATE):
            raise ManagedFieldsError("operation must be `Apply` or `Update`")
        api_version = raw.get("apiVersion")
        if not api_version or not isinstance(api_version, str):
            raise ManagedFieldsError("apiVersion must not be empty")
        fields_type = raw.get("fieldsType")
        if not fields_type:
            raise ManagedFieldsError(f"missing fieldsType in managed fields entry {i}")
        if fields_type != FIELDS_V1:
            raise ManagedFieldsError(
                f'invalid fieldsType "{fields_type}" in managed fields entry {i}'
            )
        manager = raw.get("manager") or ""
        subresource = raw.get("subresource") or ""
        time = raw.get("time")
        if not isinstance(manager, str) or not isinstance(subresource, str):
            raise ManagedFieldsError(f"invalid managed fields entry {i}")
        try:
            fields = _decode_fields(raw.get("fieldsV1"), stored)
        except ValueError as err:
            raise ManagedFieldsError(
                f"error decoding versioned set from managed fields entry {i}: {err}"
            ) from err
        entry = ManagedEntry(
            manager,
            operation,
            api_version,
            subresource,
            time if isinstance(time, str) and time else None,
            fields,
            raw if stored else None,
        )
        out[entry.key] = entry
    return out


def _seconds(t: str | None) -> float:
    if not t:
        return 0.0
    try:
        return datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def encode_managed_fields(managed: Managed) -> list[dict[str, Any]]:
    """Entries in upstream's order: by operation (Apply first), time, manager, apiVersion,
    subresource. Entries owning nothing are dropped."""
    entries = [e for e in managed.values() if not e.fields.empty()]
    entries.sort(
        key=lambda e: (e.operation, _seconds(e.time), e.manager, e.api_version, e.subresource)
    )
    return [e.encode() for e in entries]


def set_managed_fields(obj: Object, managed: Managed, like: Object | None = None) -> None:
    """Write the entries into `obj`'s metadata (dropping the field when nothing is owned),
    at the place the field has in `like` (the live object), so that an unchanged object
    encodes to the same bytes and its write is a no-op; else last, where upstream puts it."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    meta.pop("managedFields", None)
    encoded = encode_managed_fields(managed)
    if not encoded:
        return
    live_keys = list(_meta(like))
    if "managedFields" in live_keys:
        at = live_keys.index("managedFields")
        after = live_keys[at - 1] if at else None
        if after is None or after in meta:
            out: dict[str, Any] = {} if after is not None else {"managedFields": encoded}
            for k, v in meta.items():
                out[k] = v
                if k == after:
                    out["managedFields"] = encoded
            meta.clear()
            meta.update(out)
            return
    meta["managedFields"] = encoded


def is_reset(entries: Any) -> bool:
    """`managedFields: []` or `[{}]` asks to clear the entries (upstream
    `isResetManagedFields`)."""
    if not isinstance(entries, list):
        return False
    if not entries:
        return True
    return len(entries) == 1 and isinstance(entries[0], dict) and not any(entries[0].values())


def managed_base(live: Object | None, new: Object, *, ignore_new: bool = False) -> Managed:
    """The entries a write starts from (upstream `decodeLiveOrNew`): the request's own when
    it sends decodable ones (an empty result for a reset), else the live object's. A
    subresource write (`ignore_new`) always starts from the live object's."""
    live_entries = _meta(live).get("managedFields") if live else None
    if not ignore_new:
        new_entries = _meta(new).get("managedFields")
        if is_reset(new_entries):
            return {}
        if new_entries and new_entries != live_entries:
            try:
                decoded = decode_managed_fields(new_entries, stored=False)
            except ManagedFieldsError:
                decoded = {}
            if decoded:
                return decoded
    try:
        return decode_managed_fields(live_entries)
    except ManagedFieldsError:
        return {}


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _meta(obj: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not obj:
        return {}
    meta = obj.get("metadata")
    return meta if isinstance(meta, dict) else {}


def without_managed_fields(obj: Object | None) -> Object:
    """A shallow view of `obj` without `metadata.managedFields` (they are never compared)."""
    if not obj:
        return {}
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or "managedFields" not in meta:
        return obj
    out = dict(obj)
    out["metadata"] = {k: v for k, v in meta.items() if k != "managedFields"}
    return out


def gvk_of(obj: Mapping[str, Any]) -> GroupVersionKind:
    api_version = obj.get("apiVersion")
    kind = obj.get("kind")
    gv = GroupVersion.parse(api_version) if isinstance(api_version, str) and api_version else None
    return GroupVersionKind(
        gv.group if gv else "", gv.version if gv else "", kind if isinstance(kind, str) else ""
    )


def _gvk_string(gvk: GroupVersionKind) -> str:
    """Go's `GroupVersionKind.String()`: `apps/v1, Kind=Deployment`, `/v1, Kind=Pod`."""
    return f"{gvk.group}/{gvk.version}, Kind={gvk.kind}"


def _object_gvknn(obj: Mapping[str, Any]) -> str:
    meta = _meta(obj)
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}; {_gvk_string(gvk_of(obj))}"


def _fast_copy(obj: Any) -> Any:
    try:
        return orjson.loads(orjson.dumps(obj))
    except TypeError:
        return copy.deepcopy(obj)


def _take(managed: Managed, taken: FieldSet, removed: FieldSet, skip: Key | None) -> None:
    """Fields changed by a write leave every other manager; removed fields leave everyone."""
    if taken.empty() and removed.empty():
        return
    for key in list(managed):
        if key == skip:
            continue
        entry = managed[key]
        fields = entry.fields.difference(taken).difference(removed)
        if fields is entry.fields:
            continue
        if fields.empty():
            del managed[key]
        else:
            managed[key] = entry.with_fields(fields)


def cap_update_managers(managed: Managed, limit: int = MAX_UPDATE_MANAGERS) -> None:
    """Fold the oldest Update entries into `ancient-changes` entries, one per apiVersion,
    until at most `limit` Update entries remain (upstream `capManagersManager`): the oldest
    entry of a version starts its bucket when a second one of that version is folded."""
    updaters = [k for k, e in managed.items() if e.operation == UPDATE]
    if len(updaters) <= limit:
        return
    updaters.sort(key=lambda k: (int(_seconds(managed[k].time)), managed[k].identifier()))
    first_of: dict[str, Key] = {}
    length = len(updaters)
    for key in updaters:
        if length <= limit:
            break
        entry = managed[key]
        version = entry.api_version
        first = first_of.get(version)
        if first is None:
            first_of[version] = key
            continue
        bucket = entry_key(ANCIENT_CHANGES, UPDATE, version, "")
        if bucket not in managed:
            moved = managed.pop(first)
            managed[bucket] = ManagedEntry(
                ANCIENT_CHANGES, UPDATE, version, "", moved.time, moved.fields
            )
            first = bucket
        if key == bucket:
            # The bucket is newer than the version's first update: fold that one in instead.
            other = managed.pop(first)
            managed[bucket] = entry.with_fields(entry.fields.union(other.fields))
        else:
            current = managed[bucket]
            managed[bucket] = current.with_fields(entry.fields.union(current.fields), entry.time)
            del managed[key]
        length -= 1


# ---------------------------------------------------------------------------------------------
# Update
# ---------------------------------------------------------------------------------------------


def record_update(
    managed: Managed,
    node: TypeNode,
    live: Object | None,
    new: Object,
    manager: str,
    *,
    api_version: str,
    subresource: str = "",
    time: str | None = None,
    reset: FieldSet = EMPTY,
) -> Managed:
    """What a non-apply write does to `managed` (copied, not modified): see the module
    docstring. `live` is None for a create."""
    managed = dict(managed)
    before = without_managed_fields(live) if live is not None else empty_object(node)
    cmp = compare(node, before, without_managed_fields(new))
    if cmp.same():
        cap_update_managers(managed)
        return managed
    cmp = cmp.exclude(reset)
    changed = cmp.modified.union(cmp.added)
    _take(managed, changed, cmp.removed, None)
    mine = changed.difference(cmp.removed).recursive_difference(reset).difference(STRIPPED)
    if mine.empty():
        cap_update_managers(managed)
        return managed
    key = entry_key(manager, UPDATE, api_version, subresource)
    previous = managed.get(key)
    now = time or now_rfc3339()
    if previous is None:
        managed[key] = ManagedEntry(manager, UPDATE, api_version, subresource, now, mine)
    else:
        managed[key] = previous.with_fields(previous.fields.union(mine), now)
    cap_update_managers(managed)
    return managed


def update_managed_fields(
    live: Object | None,
    new: Object,
    manager: str,
    operation: str = UPDATE,
    subresource: str = "",
    api_version: str | None = None,
    time: str | None = None,
    *,
    reset: FieldSet = EMPTY,
    schemas: TypedSchemas | None = None,
) -> Object:
    """Record a non-apply write of `new` over `live` (None: a create) in
    `new.metadata.managedFields`, in place, and return `new`. The entries start from
    `managed_base`. As upstream's `UpdateNoErrors`, an object whose lists cannot be keyed
    per its schema gets its managedFields dropped instead of an error."""
    if operation != UPDATE:
        raise ValueError("only Update operations are recorded this way; use apply()")
    base = managed_base(live, new, ignore_new=bool(subresource))
    return record(base, live, new, manager, subresource, api_version, time, reset, schemas)


def record(
    base: Managed,
    live: Object | None,
    new: Object,
    manager: str,
    subresource: str = "",
    api_version: str | None = None,
    time: str | None = None,
    reset: FieldSet = EMPTY,
    schemas: TypedSchemas | None = None,
) -> Object:
    """`update_managed_fields` from entries already chosen (the endpoint picks them before
    the strategy runs, then records after it)."""
    if not base and live is not None:
        # An existing object without entries stays untracked until it is applied to
        # (upstream `skipNonAppliedManager`; `managedFields: []` opts out this way).
        _meta_of(new).pop("managedFields", None)
        return new
    node = (schemas or default_schemas()).type_for(gvk_of(new))
    version = api_version or str(new.get("apiVersion") or "")
    try:
        managed = record_update(
            base,
            node,
            live,
            new,
            manager,
            api_version=version,
            subresource=subresource,
            time=time,
            reset=reset,
        )
    except TypedError:
        _meta_of(new).pop("managedFields", None)
        return new
    set_managed_fields(new, managed, live)
    return new


def empty_object(node: TypeNode) -> Object:
    """The JSON of a kind's zero Go object, as far as ownership is concerned: a create is
    compared against it. Shared: never modify the result."""
    found = _empty_objects.get(id(node))
    if found is None:
        found = {
            f: _empty_struct(node.field(f), 0) for f in _TOP_LEVEL_VALUE_STRUCTS if node.declares(f)
        }
        _empty_objects[id(node)] = found
    return found


def _empty_struct(node: TypeNode, depth: int) -> Object:
    out: Object = {f: None for f in NULL_FIELDS.get(node.name, ()) if node.declares(f)}
    if depth < 4:
        for f in VALUE_STRUCT_FIELDS.get(node.name, ()):
            if node.declares(f):
                out[f] = _empty_struct(node.field(f), depth + 1)
    return out


def _meta_of(obj: Object) -> dict[str, Any]:
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        meta = obj["metadata"] = {}
    return meta


# ---------------------------------------------------------------------------------------------
# Apply
# ---------------------------------------------------------------------------------------------


class Conflict:
    __slots__ = ("entry", "path")

    def __init__(self, entry: ManagedEntry, path: Path) -> None:
        self.entry = entry
        self.path = path


def conflict_error(conflicts: list[Conflict]) -> errors.StatusError:
    """Upstream `NewConflictError`: 409 Conflict with one `FieldManagerConflict` cause per
    field and the summary message."""
    causes = [
        errors.Cause(
            CAUSE_FIELD_MANAGER_CONFLICT,
            f"conflict with {c.entry.describe()}",
            path_string(c.path),
        )
        for c in conflicts
    ]
    if len(conflicts) == 1:
        c = conflicts[0]
        message = (
            f"Apply failed with 1 conflict: conflict with {c.entry.describe()}: "
            f"{path_string(c.path)}"
        )
    else:
        by_manager: dict[str, list[Conflict]] = {}
        for c in conflicts:
            by_manager.setdefault(c.entry.identifier(), []).append(c)
        lines: list[str] = []
        for ident in sorted(by_manager):
            group = by_manager[ident]
            lines.append(f"conflicts with {group[0].entry.describe()}:")
            lines.extend(f"- {path_string(c.path)}" for c in group)
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return errors.StatusError(409, "Conflict", message, errors.Details(causes=causes))


def _conflicts(managed: Managed, changed: FieldSet, skip: Key) -> list[Conflict]:
    out: list[Conflict] = []
    entries = sorted((e for k, e in managed.items() if k != skip), key=lambda e: e.identifier())
    for entry in entries:
        overlap = entry.fields.intersection(changed)
        out.extend(Conflict(entry, p) for p in overlap.paths())
    return out


def _prune(node: TypeNode, merged: Object, managed: Managed, last: FieldSet | None) -> Object:
    """Upstream `Updater.prune`: drop what the manager applied last time and not this time,
    unless some manager (the applier's new configuration included) owns it, and only what
    the manager did own."""
    if last is None or last.empty():
        return merged
    last_named = ensure_named_fields_are_members(node, last)
    pruned = remove_items(node, merged, last_named)
    owned = EMPTY
    for entry in managed.values():
        owned = owned.union(entry.fields)
    merged_set = ensure_named_fields_are_members(node, to_field_set(node, merged))
    pruned_set = ensure_named_fields_are_members(node, to_field_set(node, pruned))
    owned_named = ensure_named_fields_are_members(node, owned)
    pruned = remove_items(node, merged, merged_set.difference(pruned_set.union(owned_named)))
    pruned_set = ensure_named_fields_are_members(node, to_field_set(node, pruned))
    result: Object = remove_items(
        node, merged, merged_set.difference(pruned_set).intersection(last_named)
    )
    return result


def _allowed_from_last_applied(node: TypeNode, live: Object, gv: str) -> FieldSet:
    """Upstream `lastAppliedManager`: the fields of the client-side apply annotation whose
    values the live object still has; kubectl's first server-side apply may take them
    without conflicts."""
    annotations = _meta(live).get("annotations") or {}
    raw = annotations.get(LAST_APPLIED) if isinstance(annotations, dict) else None
    if not raw or not isinstance(raw, str):
        return EMPTY
    try:
        last = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return EMPTY
    if not isinstance(last, dict) or last.get("apiVersion") != gv:
        return EMPTY
    try:
        fields = to_field_set(node, last)
        cmp = compare(node, last, without_managed_fields(live))
    except TypedError:
        return EMPTY
    return fields.difference(cmp.modified).difference(cmp.added).difference(cmp.removed)


def _build_last_applied(config: Object) -> str:
    """The configuration as kubectl's annotation holds it: compact JSON, sorted keys, a
    trailing newline, without the annotation itself."""
    out = _fast_copy(config)
    annotations = _meta(out).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
    return json_value(out) + "\n"


def apply(
    live: Object | None,
    config: Object,
    manager: str,
    force: bool = False,
    gvk: GroupVersionKind | None = None,
    subresource: str = "",
    *,
    time: str | None = None,
    reset: FieldSet = EMPTY,
    schemas: TypedSchemas | None = None,
) -> Object:
    """Server-side apply of `config` by `manager` to `live` (None: create). Returns the new
    object, with its managedFields; inputs are not modified. Raises StatusError: 400 for a
    configuration of the wrong kind or carrying managedFields, 409 for conflicts, and a
    reason-less 500 (as upstream) for a configuration the schema cannot type."""
    target = gvk or gvk_of(config)
    config_gvk = gvk_of(config)
    if config_gvk != target:
        raise errors.new_bad_request(f"invalid object type: {_gvk_string(config_gvk)}")
    if _meta(config).get("managedFields") is not None:
        raise errors.new_bad_request("metadata.managedFields must be nil")
    node = (schemas or default_schemas()).type_for(target)
    try:
        validate(node, config)
    except TypedError as err:
        raise errors.StatusError(
            500,
            "",
            f"failed to create typed patch object ({_object_gvknn(config)}): {err}",
        ) from None
    try:
        managed = decode_managed_fields(_meta(live).get("managedFields") if live else None)
    except ManagedFieldsError as err:
        raise errors.StatusError(500, "", f"failed to decode managed fields: {err}") from None
    base = _fast_copy(without_managed_fields(live)) if live else {}
    config = _fast_copy(config)
    gv = target.api_version
    if not managed and live:
        # Whatever an untracked object holds belongs to `before-first-apply`, so the first
        # apply conflicts with it like with any other manager.
        try:
            managed = record_update(
                {},
                node,
                None,
                base,
                BEFORE_FIRST_APPLY,
                api_version=gv,
                subresource=subresource,
                time=time,
                reset=reset,
            )
        except TypedError:
            managed = {}
    try:
        result = _apply(node, base, config, managed, manager, force, gv, subresource, reset)
    except _Conflicts as err:
        if manager != "kubectl" or live is None:
            raise conflict_error(err.conflicts) from None
        allowed = _allowed_from_last_applied(node, live, gv)
        remaining = [c for c in err.conflicts if not allowed.has(c.path)]
        if remaining:
            raise conflict_error(remaining) from None
        result = _apply(node, base, config, managed, manager, True, gv, subresource, reset)
    merged, managed, changed = result
    key = entry_key(manager, APPLY, gv, subresource)
    if changed and key in managed:
        managed[key] = managed[key].with_fields(managed[key].fields, time or now_rfc3339())
    if manager == "kubectl" and LAST_APPLIED in (_meta(live).get("annotations") or {}):
        value = _build_last_applied(config)
        annotations = merged.setdefault("metadata", {}).setdefault("annotations", {})
        if len(value) > _ANNOTATION_SIZE_LIMIT:
            annotations.pop(LAST_APPLIED, None)
        else:
            annotations[LAST_APPLIED] = value
    set_managed_fields(merged, managed, live)
    return merged


class _Conflicts(Exception):
    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts


def _apply(
    node: TypeNode,
    live: Object,
    config: Object,
    managed: Managed,
    manager: str,
    force: bool,
    gv: str,
    subresource: str,
    reset: FieldSet,
) -> tuple[Object, Managed, bool]:
    """Upstream `Updater.Apply` plus the strip-meta step; returns the merged object, the
    new entries and whether the object changed."""
    managed = dict(managed)
    try:
        merged = merge(node, live, config)
        key = entry_key(manager, APPLY, gv, subresource)
        previous = managed.get(key)
        applied = to_field_set(node, config).recursive_difference(reset)
        managed[key] = ManagedEntry(
            manager, APPLY, gv, subresource, previous.time if previous else None, applied
        )
        merged = _prune(node, merged, managed, previous.fields if previous else None)
        cmp = compare(node, live, merged).exclude(reset)
    except TypedError as err:
        raise errors.StatusError(
            500, "", f"failed to create typed live object ({_object_gvknn(config)}): {err}"
        ) from None
    changed_fields = cmp.modified.union(cmp.added)
    conflicts = _conflicts(managed, changed_fields, key)
    if conflicts and not force:
        raise _Conflicts(conflicts)
    _take(managed, changed_fields, cmp.removed, key)
    mine = managed[key].fields.difference(STRIPPED)
    if mine.empty():
        del managed[key]
    elif mine is not managed[key].fields:
        managed[key] = managed[key].with_fields(mine)
    if previous is not None and key in managed and managed[key].fields == previous.fields:
        managed[key] = previous  # unchanged: keep the stored entry as it was
    return merged, managed, merged != live


def reset_fields_for_status(objects: Iterable[Mapping[str, Any] | None]) -> FieldSet:
    """What `/status` never owns: every top-level field but `status` (the status strategies
    keep the old spec and metadata)."""
    keys: set[str] = set()
    for obj in objects:
        if obj:
            keys.update(k for k in obj if k != "status")
    return FieldSet({"f:" + k for k in keys})
