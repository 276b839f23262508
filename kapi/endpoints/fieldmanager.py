"""Field ownership in the write handlers (upstream's `FieldManager` as `create.go`,
`update.go` and `patch.go` use it): `Recorder` for POST, PUT and non-apply PATCH (operation
Update), `ApplyObjectInfo` for server-side apply PATCHes.

Recording an Update happens in two steps inside the Store's update retry loop, against the
object current in that attempt: `prepare` (from the UpdatedObjectInfo, before the strategy)
picks the entries the write starts from and takes the request's own entries off the object
(a reset `[{}]` would not pass metadata validation); `after_create` / `after_update` (the
Store's create/update validation hooks, after the strategy) record what the write changed.
Comparing against the object as the strategy left it gives the writer the defaults it
caused, as upstream's decoder defaults do, and nothing the strategy resets.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import orjson
import yaml

from kapi.endpoints.installer import InstalledResource
from kapi.machinery import errors
from kapi.machinery import managedfields as mf
from kapi.machinery.fieldpath import EMPTY, FieldSet
from kapi.machinery.meta import metadata
from kapi.machinery.schema import GroupResource
from kapi.machinery.typed import default_schemas
from kapi.registry.context import RequestContext

Object = dict[str, Any]

APPLY_PATCH = "application/apply-patch+yaml"
# Subresources whose object is the parent's: apply works there as on the resource.
APPLY_SUBRESOURCES = ("", "status")


def supports_apply(res: InstalledResource) -> bool:
    return res.subresource in APPLY_SUBRESOURCES


def reset_fields(res: InstalledResource, *objects: Object | None) -> FieldSet:
    """What this endpoint never owns (upstream strategies' `GetResetFields`): `/status`
    owns only `status`; the main resource of a kind whose schema has a `status` owns no
    status (built-in kinds with a status have a status subresource that resets it)."""
    if res.subresource == "status":
        return mf.reset_fields_for_status(objects)
    if res.subresource:
        return EMPTY
    node = default_schemas().type_for(res.gvk)
    return mf.STATUS if node.declares("status") else EMPTY


class Recorder:
    """Records one non-apply write (POST, PUT, PATCH) as an Update by `manager`."""

    def __init__(self, manager: str, res: InstalledResource) -> None:
        self.manager = manager
        self.res = res
        self.base: mf.Managed = {}

    def prepare(self, live: Object | None, new: Object) -> None:
        self.base = mf.managed_base(live, new, ignore_new=bool(self.res.subresource))
        meta = new.get("metadata")
        if isinstance(meta, dict):
            meta.pop("managedFields", None)

    async def after_create(self, ctx: RequestContext, obj: Object) -> None:
        self._record(None, obj)

    async def after_update(self, ctx: RequestContext, obj: Object, old: Object) -> None:
        self._record(old, obj)

    def _record(self, live: Object | None, obj: Object) -> None:
        if self.res.subresource:
            # A subresource's request object may be a view of the parent (a Scale): the
            # entries always come from the parent as stored.
            self.base = mf.managed_base(live, obj, ignore_new=True)
        mf.record(
            self.base,
            live,
            obj,
            self.manager,
            subresource=self.res.subresource,
            reset=reset_fields(self.res, live, obj),
        )


class RecordedPut:
    """The UpdatedObjectInfo of a PUT (upstream `DefaultUpdatedObjectInfo`): the body is the
    new object, whatever the current one is; it then goes through `Recorder.prepare`."""

    def __init__(self, obj: Object, recorder: Recorder) -> None:
        self.obj = obj
        self.recorder = recorder

    def preconditions(self) -> tuple[str | None, str | None]:
        uid = (self.obj.get("metadata") or {}).get("uid")
        return (uid or None), None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        # A fresh copy per attempt: the retry loop may call this more than once.
        obj = fast_copy(self.obj)
        self.recorder.prepare(old, obj)
        return obj


def fast_copy(obj: Object) -> Object:
    """A deep copy of decoded JSON (several times faster than `copy.deepcopy`)."""
    try:
        out: Object = orjson.loads(orjson.dumps(obj))
    except TypeError:  # not plain JSON (a YAML body may hold odd scalars)
        out = copy.deepcopy(obj)
    return out


# ---------------------------------------------------------------------------------------------
# Apply
# ---------------------------------------------------------------------------------------------


class _ApplyLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """YAML as sigs.k8s.io/yaml reads it: timestamps stay strings; duplicate keys are
    noted (strict decoding reports them)."""

    duplicates: list[str]


def _construct_timestamp(loader: yaml.Loader, node: yaml.Node) -> Any:
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _construct_mapping(loader: _ApplyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    loader.flatten_mapping(node)  # `<<` merge keys
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = json.dumps(key) if not isinstance(key, (int, float, bool)) else str(key)
            if key in ("True", "False"):
                key = key.lower()
        if key in out:
            loader.duplicates.append(
                f'line {key_node.start_mark.line + 1}: key "{key}" already set in map'
            )
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_ApplyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_ApplyLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def decode_apply_body(body: bytes) -> tuple[Object, list[str]]:
    """The applied configuration (YAML or JSON) and its strict-decoding problems
    (duplicate keys). 400 `error decoding YAML: ...` as upstream."""
    duplicates: list[str] = []
    try:
        loader = _ApplyLoader(body)
        loader.duplicates = duplicates
        try:
            obj = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        raise errors.new_bad_request(f"error decoding YAML: {err}") from err
    if obj is None:
        obj = {}
    if not isinstance(obj, dict):
        raise errors.new_bad_request(
            "error decoding YAML: json: cannot unmarshal array into Go value of type "
            "map[string]interface {}"
            if isinstance(obj, list)
            else "error decoding YAML: json: cannot unmarshal string into Go value of type "
            "map[string]interface {}"
        )
    problems = []
    if duplicates:
        problems.append(
            "error converting YAML to JSON: yaml: unmarshal errors:\n  " + "\n  ".join(duplicates)
        )
    return obj, problems


class ApplyObjectInfo:
    """The UpdatedObjectInfo of a server-side apply: the configuration merged into whatever
    object is current (or into nothing: apply creates), inside the storage retry loop."""

    def __init__(
        self,
        res: InstalledResource,
        name: str,
        config: Object,
        manager: str,
        force: bool,
        strict_problems: list[str],
        directive: str,
    ) -> None:
        self.res = res
        self.name = name
        self.config = config
        self.manager = manager
        self.force = force
        self.strict_problems = strict_problems
        self.directive = directive

    def preconditions(self) -> tuple[str | None, str | None]:
        return None, None

    async def updated_object(self, ctx: RequestContext, old: Object | None) -> Object:
        res = self.res
        obj = mf.apply(
            old,
            self.config,
            self.manager,
            self.force,
            res.gvk,
            res.subresource,
            reset=reset_fields(res, old, self.config),
        )
        if self.strict_problems and self.directive in ("Strict", "Warn"):
            if self.directive == "Strict":
                raise errors.new_bad_request(
                    "error strict decoding YAML: " + "; ".join(self.strict_problems)
                )
            for p in self.strict_problems:
                ctx.add_warning(p)
        meta = metadata(obj)
        if old is None:
            if meta.get("uid"):
                raise errors.new_conflict(
                    GroupResource(res.gvk.group, res.resource),
                    self.name,
                    f"uid mismatch: the provided object specified uid {meta['uid']}, and no "
                    "existing object was found",
                )
            for k in ("deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
                meta.pop(k, None)
        if meta.get("name", "") != self.name:
            raise errors.new_bad_request(
                f"the name of the object ({meta.get('name', '')}) does not match the name on "
                f"the URL ({self.name})"
            )
        return obj
