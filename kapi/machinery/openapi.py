"""OpenAPI documents and the schema registry behind them (upstream kube-openapi).

Built-in type definitions come from the `kubernetes-validate` package's JSON-schema copy of
the Kubernetes OpenAPI definitions. We read the lenient ("-local") variant: upstream's
documents do not carry `additionalProperties: false`, and unknown-field detection is done by
`kapi.machinery.pruning` from the same definitions. The file (1.8 MB) is parsed on first use,
never at import or at server start.

Definitions are kept in one normalized form, close to Swagger 2.0: refs are
`#/definitions/<name>`, nullable type lists are collapsed to one type, and the
`x-kubernetes-*` extensions and descriptions are kept. The Swagger 2.0 document
(`/openapi/v2`) and the OpenAPI 3.0 documents (`/openapi/v3/<gv>`) are rendered from it.

`OpenAPIService` turns a served set into serialized documents with their ETags, built once
per served set (and schema generation) so handlers never rebuild a document per request.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from kapi.machinery.schema import GroupVersionKind

REF_V2 = "#/definitions/"
REF_V3 = "#/components/schemas/"

META = "io.k8s.apimachinery.pkg.apis.meta.v1."
STATUS = META + "Status"
DELETE_OPTIONS = META + "DeleteOptions"
WATCH_EVENT = META + "WatchEvent"
PATCH = META + "Patch"
API_RESOURCE_LIST = META + "APIResourceList"
API_VERSIONS = META + "APIVersions"
API_GROUP_LIST = META + "APIGroupList"
API_GROUP = META + "APIGroup"
VERSION_INFO = "io.k8s.apimachinery.pkg.version.Info"
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"

GVK_EXT = "x-kubernetes-group-version-kind"

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
BUILTIN_PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH)
# Custom resources do not take strategic merge patches (415 upstream).
CUSTOM_PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, APPLY_PATCH)

MIME_JSON = "application/json"
MIME_YAML = "application/yaml"
MIME_WATCH = "application/json;stream=watch"
# client-go asks for the "@" form; upstream answers with the dotted form (Go's mime parser
# rejects "@" in a response Content-Type).
MIME_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
MIME_V2_PROTOBUF_DEPRECATED = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"

_PRODUCES = (MIME_JSON, MIME_YAML)
_PRODUCES_LIST = (MIME_JSON, MIME_YAML, MIME_WATCH)
_PRODUCES_WATCH = (MIME_JSON, MIME_WATCH)

_SCHEMA_DIR_RE = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local$")
# Keys whose value is a schema, a list of schemas or a map of schemas. Everything else
# (enum, default, required, x-kubernetes-*, ...) is data and copied untouched.
_SCHEMA_KEYS = frozenset({"items", "additionalProperties", "not"})
_SCHEMA_LIST_KEYS = frozenset({"allOf", "anyOf", "oneOf"})
_SCHEMA_MAP_KEYS = frozenset({"properties", "patternProperties"})


# ---------------------------------------------------------------------------------------------
# Schema registry
# ---------------------------------------------------------------------------------------------


def builtin_schema_file() -> Path:
    """The newest `_definitions.json` shipped by `kubernetes-validate`.

    The package is located without importing it (its import pulls in jsonschema).
    """
    spec = importlib.util.find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the kubernetes-validate package is not installed")
    base = Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"
    best: tuple[tuple[int, int, int], Path] | None = None
    for entry in base.iterdir():
        m = _SCHEMA_DIR_RE.match(entry.name)
        if m and (entry / "_definitions.json").is_file():
            key = (int(m[1]), int(m[2]), int(m[3]))
            if best is None or key > best[0]:
                best = (key, entry)
    if best is None:
        raise FileNotFoundError(f"no Kubernetes schema versions under {base}")
    return best[1] / "_definitions.json"


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _single_type(types: list[Any]) -> str | None:
    for t in types:
        if t != "null":
            return str(t)
    return None


def normalize_schema(node: Any) -> Any:
    """JSON-schema as shipped (`#/$defs/` refs, `["string","null"]`) -> our normalized form.

    Also accepts v2 and v3 refs, so CRD schemas can go through it unchanged.
    """
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            out[key] = REF_V2 + _ref_name(value)
        elif key == "type" and isinstance(value, list):
            single = _single_type(value)
            if single is not None:
                out[key] = single
        elif key in _SCHEMA_KEYS and isinstance(value, dict):
            out[key] = normalize_schema(value)
        elif key in _SCHEMA_LIST_KEYS and isinstance(value, list):
            out[key] = [normalize_schema(v) for v in value]
        elif key in _SCHEMA_MAP_KEYS and isinstance(value, dict):
            out[key] = {k: normalize_schema(v) for k, v in value.items()}
        else:
            out[key] = value
    return out


def _collect_refs(node: Any, into: set[str]) -> None:
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        into.add(_ref_name(ref))
    for key, value in node.items():
        if key in _SCHEMA_KEYS:
            _collect_refs(value, into)
        elif key in _SCHEMA_LIST_KEYS and isinstance(value, list):
            for v in value:
                _collect_refs(v, into)
        elif key in _SCHEMA_MAP_KEYS and isinstance(value, dict):
            for v in value.values():
                _collect_refs(v, into)


def _to_v3(node: Any) -> Any:
    """Normalized schema -> OpenAPI 3.0: v3 refs, and a `$ref` with siblings wrapped in
    `allOf` (siblings of `$ref` are ignored in 3.0; upstream wraps them the same way)."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$ref":
            continue
        if key in _SCHEMA_KEYS and isinstance(value, dict):
            out[key] = _to_v3(value)
        elif key in _SCHEMA_LIST_KEYS and isinstance(value, list):
            out[key] = [_to_v3(v) for v in value]
        elif key in _SCHEMA_MAP_KEYS and isinstance(value, dict):
            out[key] = {k: _to_v3(v) for k, v in value.items()}
        else:
            out[key] = value
    ref = node.get("$ref")
    if isinstance(ref, str):
        target = {"$ref": REF_V3 + _ref_name(ref)}
        if not out:
            return target
        return {"allOf": [target], **out}
    return out


def _to_v2(schema: dict[str, Any]) -> dict[str, Any]:
    """Swagger 2.0 has no `oneOf`: IntOrString and Quantity are strings there (upstream)."""
    choices = schema.get("oneOf")
    if not isinstance(choices, list):
        return schema
    types = [c.get("type") for c in choices if isinstance(c, dict)]
    out = {k: v for k, v in schema.items() if k != "oneOf"}
    out["type"] = "string" if "string" in types else (types[0] if types else "string")
    return out


class SchemaRegistry:
    """Type definitions by name and by GVK: the built-ins, plus definitions added at run time.

    Returned schemas are shared: callers must not mutate them.
    """

    def __init__(self, source: Path | None = None, *, builtin: bool = True) -> None:
        self._source = source
        self._builtin = builtin
        self._lock = threading.RLock()
        self._loaded = False
        self._raw: dict[str, Any] = {}
        self._added: dict[str, dict[str, Any]] = {}
        self._normalized: dict[str, dict[str, Any]] = {}
        self._v2: dict[str, dict[str, Any]] = {}
        self._v3: dict[str, dict[str, Any]] = {}
        self._refs: dict[str, frozenset[str]] = {}
        self._by_gvk: dict[GroupVersionKind, str] = {}
        self._generation = 0
        self._version = ""

    # -- loading -------------------------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            if self._builtin:
                path = self._source or builtin_schema_file()
                doc = orjson.loads(path.read_bytes())
                self._raw = doc.get("$defs") or doc.get("definitions") or {}
                m = _SCHEMA_DIR_RE.match(path.parent.name)
                self._version = f"v{m[1]}.{m[2]}.{m[3]}" if m else ""
                for name, schema in self._raw.items():
                    self._index_gvks(name, schema)
            for name, schema in self._added.items():
                self._index_gvks(name, schema)
            self._loaded = True

    def _index_gvks(self, name: str, schema: Mapping[str, Any]) -> None:
        for gvk in schema.get(GVK_EXT) or ():
            if isinstance(gvk, dict):
                key = GroupVersionKind(gvk.get("group", ""), gvk.get("version", ""), gvk["kind"])
                self._by_gvk[key] = name

    # -- reading -------------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Bumped by every change, so caches built from the registry know to rebuild."""
        return self._generation

    @property
    def kubernetes_version(self) -> str:
        """The Kubernetes release the built-in definitions come from, e.g. `v1.37.0`."""
        self._ensure_loaded()
        return self._version

    def names(self) -> list[str]:
        self._ensure_loaded()
        return sorted(set(self._raw) | set(self._added))

    def __contains__(self, name: object) -> bool:
        self._ensure_loaded()
        return name in self._added or name in self._raw

    def is_builtin(self, name: str) -> bool:
        """False for a definition added at run time (it shadows a built-in of that name)."""
        return name not in self._added

    def get(self, name: str) -> dict[str, Any] | None:
        """The normalized definition (refs `#/definitions/...`; may hold a top-level oneOf)."""
        cached = self._normalized.get(name)
        if cached is not None:
            return cached
        self._ensure_loaded()
        with self._lock:
            if name in self._added:
                schema = self._added[name]
            elif name in self._raw:
                schema = self._builtin_definition(name, normalize_schema(self._raw[name]))
            else:
                return None
            self._normalized[name] = schema
            return schema

    @staticmethod
    def _builtin_definition(name: str, schema: dict[str, Any]) -> dict[str, Any]:
        props = schema.get("properties")
        if GVK_EXT in schema and isinstance(props, dict):
            # The JSON-schema conversion pins apiVersion/kind with a one-value enum; upstream's
            # documents do not (and a kind shared by many groups lists them all).
            for fld in ("apiVersion", "kind"):
                if isinstance(props.get(fld), dict) and "enum" in props[fld]:
                    props[fld] = {k: v for k, v in props[fld].items() if k != "enum"}
        if name == INT_OR_STRING:
            schema.setdefault("format", "int-or-string")
        return schema

    def get_v2(self, name: str) -> dict[str, Any] | None:
        cached = self._v2.get(name)
        if cached is None:
            schema = self.get(name)
            if schema is None:
                return None
            cached = self._v2[name] = _to_v2(schema)
        return cached

    def get_v3(self, name: str) -> dict[str, Any] | None:
        cached = self._v3.get(name)
        if cached is None:
            schema = self.get(name)
            if schema is None:
                return None
            cached = self._v3[name] = _to_v3(schema)
        return cached

    def name_for(self, gvk: GroupVersionKind) -> str | None:
        """The definition name carrying `x-kubernetes-group-version-kind` == gvk."""
        self._ensure_loaded()
        return self._by_gvk.get(gvk)

    def schema_for(self, gvk: GroupVersionKind) -> dict[str, Any] | None:
        name = self.name_for(gvk)
        return None if name is None else self.get(name)

    def refs(self, name: str) -> frozenset[str]:
        """Definition names referenced directly by `name`."""
        cached = self._refs.get(name)
        if cached is None:
            found: set[str] = set()
            _collect_refs(self.get(name), found)
            cached = self._refs[name] = frozenset(found)
        return cached

    def closure(self, roots: Iterable[str]) -> list[str]:
        """Every definition reachable from `roots` (those that exist), sorted."""
        seen: set[str] = set()
        stack = [r for r in roots if r in self]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            stack.extend(r for r in self.refs(name) if r not in seen and r in self)
        return sorted(seen)

    # -- run-time definitions (custom resources) --------------------------------------------

    def add_definitions(self, definitions: Mapping[str, Mapping[str, Any]]) -> None:
        """Add or replace definitions (e.g. a CRD's versions). Refs may be in any form."""
        self._ensure_loaded()
        with self._lock:
            for name, schema in definitions.items():
                self._drop_gvks(name)
                normalized = normalize_schema(dict(schema))
                self._added[name] = normalized
                self._index_gvks(name, normalized)
            self._invalidate()

    def remove_definitions(self, names: Iterable[str]) -> None:
        self._ensure_loaded()
        with self._lock:
            for name in names:
                if self._added.pop(name, None) is not None:
                    self._drop_gvks(name)
                    if name in self._raw:
                        self._index_gvks(name, self._raw[name])
            self._invalidate()

    def _drop_gvks(self, name: str) -> None:
        for gvk in [k for k, v in self._by_gvk.items() if v == name]:
            del self._by_gvk[gvk]

    def _invalidate(self) -> None:
        self._normalized.clear()
        self._v2.clear()
        self._v3.clear()
        self._refs.clear()
        self._generation += 1


_default_registry: SchemaRegistry | None = None
_default_lock = threading.Lock()


def default_registry() -> SchemaRegistry:
    """The process-wide registry of built-in definitions (cheap: it loads on first use)."""
    global _default_registry
    if _default_registry is None:
        with _default_lock:
            if _default_registry is None:
                _default_registry = SchemaRegistry()
    return _default_registry


# ---------------------------------------------------------------------------------------------
# What is served
# ---------------------------------------------------------------------------------------------


class Subresource(NamedTuple):
    """A subresource as discovery lists it: `status`, `scale` (kind autoscaling/v1 Scale), ..."""

    name: str
    gvk: GroupVersionKind
    verbs: tuple[str, ...]


@dataclass(frozen=True)
class ServedResource:
    """One served resource of one group version, as the OpenAPI builders need it.

    Sequences given as lists are stored as tuples so a served set can key a cache.
    """

    group: str
    version: str
    kind: str
    resource: str
    namespaced: bool
    verbs: tuple[str, ...]
    subresources: tuple[Subresource, ...] = ()
    list_kind: str = ""
    patch_types: tuple[str, ...] = BUILTIN_PATCH_TYPES

    def __post_init__(self) -> None:
        object.__setattr__(self, "verbs", tuple(self.verbs))
        object.__setattr__(
            self,
            "subresources",
            tuple(
                Subresource(s[0], GroupVersionKind(*s[1]), tuple(s[2])) for s in self.subresources
            ),
        )
        object.__setattr__(self, "patch_types", tuple(self.patch_types))
        if not self.list_kind:
            object.__setattr__(self, "list_kind", self.kind + "List")

    @property
    def gvk(self) -> GroupVersionKind:
        return GroupVersionKind(self.group, self.version, self.kind)

    @property
    def index_path(self) -> str:
        """Key of this resource's group version in the `/openapi/v3` index."""
        return f"apis/{self.group}/{self.version}" if self.group else f"api/{self.version}"

    @property
    def url_prefix(self) -> str:
        return "/" + self.index_path


# ---------------------------------------------------------------------------------------------
# Operations, in a neutral form rendered to v2 and v3
# ---------------------------------------------------------------------------------------------


class _Param(NamedTuple):
    name: str
    location: str  # "query" or "path"
    type: str
    description: str


_Q = "query"
_PARAMS: dict[str, _Param] = {
    p.name: p
    for p in (
        _Param(
            "allowWatchBookmarks",
            _Q,
            "boolean",
            'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers '
            "that do not implement bookmarks may ignore this flag.",
        ),
        _Param(
            "continue",
            _Q,
            "string",
            "The continue option should be set when retrieving more results from the "
            "server: the value returned in the previous list's metadata.continue.",
        ),
        _Param(
            "dryRun",
            _Q,
            "string",
            "When present, indicates that modifications should not be persisted. Valid "
            "values are: - All: all dry run stages will be processed",
        ),
        _Param(
            "fieldManager",
            _Q,
            "string",
            "fieldManager is a name associated with the actor or entity that is making "
            "these changes. At most 128 printable characters.",
        ),
        _Param(
            "fieldSelector",
            _Q,
            "string",
            "A selector to restrict the list of returned objects by their fields. "
            "Defaults to everything.",
        ),
        _Param(
            "fieldValidation",
            _Q,
            "string",
            "fieldValidation instructs the server on how to handle objects in the request "
            "containing unknown or duplicate fields. Valid values are: - Ignore: drop "
            "them silently - Warn: drop them and send a warning for each (the default) "
            "- Strict: fail the request with a BadRequest error listing them.",
        ),
        _Param(
            "force",
            _Q,
            "boolean",
            'Force is going to "force" Apply requests: re-acquire conflicting fields '
            "owned by other people. Must be unset for non-apply patch requests.",
        ),
        _Param(
            "gracePeriodSeconds",
            _Q,
            "integer",
            "The duration in seconds before the object should be deleted. Zero means "
            "delete immediately.",
        ),
        _Param(
            "ignoreStoreReadErrorWithClusterBreakingPotential",
            _Q,
            "boolean",
            "if set to true, it will trigger an unsafe deletion of the resource in case "
            "the normal deletion flow fails with a corrupt object error.",
        ),
        _Param(
            "labelSelector",
            _Q,
            "string",
            "A selector to restrict the list of returned objects by their labels. "
            "Defaults to everything.",
        ),
        _Param(
            "limit",
            _Q,
            "integer",
            "limit is a maximum number of responses to return for a list call. If more "
            "items exist, the server sets the continue field on the list metadata.",
        ),
        _Param(
            "orphanDependents",
            _Q,
            "boolean",
            "Deprecated: please use the PropagationPolicy, this field will be deprecated "
            "in 1.7. Should the dependent objects be orphaned.",
        ),
        _Param("pretty", _Q, "string", "If 'true', then the output is pretty printed."),
        _Param(
            "propagationPolicy",
            _Q,
            "string",
            "Whether and how garbage collection will be performed. Acceptable values "
            "are: 'Orphan', 'Background', 'Foreground'.",
        ),
        _Param(
            "resourceVersion",
            _Q,
            "string",
            "resourceVersion sets a constraint on what resource versions a request may be "
            "served from. Defaults to unset.",
        ),
        _Param(
            "resourceVersionMatch",
            _Q,
            "string",
            "resourceVersionMatch determines how resourceVersion is applied to list "
            "calls. Defaults to unset.",
        ),
        _Param(
            "sendInitialEvents",
            _Q,
            "boolean",
            "`sendInitialEvents=true` may be set together with `watch=true`: the watch "
            "stream then begins with synthetic events for the current state.",
        ),
        _Param(
            "timeoutSeconds",
            _Q,
            "integer",
            "Timeout for the list/watch call. This limits the duration of the call, "
            "regardless of any activity or inactivity.",
        ),
        _Param(
            "watch",
            _Q,
            "boolean",
            "Watch for changes to the described resources and return them as a stream of "
            "add, update, and remove notifications. Specify resourceVersion.",
        ),
        # connect and log options
        _Param("command", _Q, "string", "Command is the remote command to execute."),
        _Param("container", _Q, "string", "The container for which to act."),
        _Param("stdin", _Q, "boolean", "Redirect the standard input stream of the pod."),
        _Param("stdout", _Q, "boolean", "Redirect the standard output stream of the pod."),
        _Param("stderr", _Q, "boolean", "Redirect the standard error stream of the pod."),
        _Param("tty", _Q, "boolean", "TTY if true indicates that a tty will be allocated."),
        _Param("ports", _Q, "integer", "List of ports to forward."),
        _Param("path", _Q, "string", "Path is the URL path to use for the current proxy request."),
        _Param("follow", _Q, "boolean", "Follow the log stream of the pod."),
        _Param(
            "insecureSkipTLSVerifyBackend",
            _Q,
            "boolean",
            "insecureSkipTLSVerifyBackend indicates that the apiserver should not confirm "
            "the validity of the serving certificate of the backend it is connecting to.",
        ),
        _Param(
            "limitBytes",
            _Q,
            "integer",
            "If set, the number of bytes to read from the server before terminating the "
            "log output.",
        ),
        _Param(
            "previous",
            _Q,
            "boolean",
            "Return previous terminated container logs. Defaults to false.",
        ),
        _Param(
            "sinceSeconds",
            _Q,
            "integer",
            "A relative time in seconds before the current time from which to show logs.",
        ),
        _Param(
            "stream",
            _Q,
            "string",
            "Specify which container log stream to return to the client: All, Stdout or Stderr.",
        ),
        _Param(
            "tailLines",
            _Q,
            "integer",
            "If set, the number of lines from the end of the logs to show.",
        ),
        _Param(
            "timestamps",
            _Q,
            "boolean",
            "If true, add an RFC3339 timestamp at the beginning of every line of log output.",
        ),
    )
}


def _params(*names: str) -> tuple[_Param, ...]:
    return tuple(_PARAMS[n] for n in names)


_LIST_PARAMS = _params(
    "allowWatchBookmarks",
    "continue",
    "fieldSelector",
    "labelSelector",
    "limit",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
    "watch",
)
_WRITE_PARAMS = _params("dryRun", "fieldManager", "fieldValidation")
_PATCH_PARAMS = _params("dryRun", "fieldManager", "fieldValidation", "force")
_DELETE_PARAMS = _params(
    "dryRun",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "orphanDependents",
    "propagationPolicy",
)
_DELETECOLLECTION_PARAMS = _params(
    "continue",
    "dryRun",
    "fieldSelector",
    "gracePeriodSeconds",
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    "labelSelector",
    "limit",
    "orphanDependents",
    "propagationPolicy",
    "resourceVersion",
    "resourceVersionMatch",
    "sendInitialEvents",
    "timeoutSeconds",
)
_SUBRESOURCE_PARAMS: dict[str, tuple[_Param, ...]] = {
    "exec": _params("command", "container", "stderr", "stdin", "stdout", "tty"),
    "attach": _params("container", "stderr", "stdin", "stdout", "tty"),
    "portforward": _params("ports"),
    "proxy": _params("path"),
    "log": _params(
        "container",
        "follow",
        "insecureSkipTLSVerifyBackend",
        "limitBytes",
        "previous",
        "sinceSeconds",
        "stream",
        "tailLines",
        "timestamps",
    ),
}
_CONNECT_METHODS = {
    "get": "get",
    "create": "post",
    "update": "put",
    "patch": "patch",
    "delete": "delete",
}

# Response schema: a definition name, or an inline schema.
_Schema = str | dict[str, Any]


class _Body(NamedTuple):
    schema: str
    content_types: tuple[str, ...]
    required: bool


@dataclass
class _Op:
    op_id: str
    description: str
    action: str
    gvk: GroupVersionKind | None
    tag: str
    params: tuple[_Param, ...] = ()
    body: _Body | None = None
    produces: tuple[str, ...] = _PRODUCES
    responses: list[tuple[str, str, _Schema | None]] = field(default_factory=list)


@dataclass
class _PathItem:
    params: list[tuple[_Param, bool]] = field(default_factory=list)  # (param, required)
    ops: dict[str, _Op] = field(default_factory=dict)


def _id_part(s: str, capitalize: bool) -> str:
    """Upstream's `ToValidOperationID`: drop non-identifier characters, capitalizing the next
    letter (`rbac.authorization` -> `RbacAuthorization`)."""
    out: list[str] = []
    cap = capitalize
    for i, ch in enumerate(s):
        if ch.isalpha() or ch == "_" or (i and ch.isdigit()):
            out.append(ch.upper() if cap else ch)
            cap = False
        else:
            cap = True
    return "".join(out)


def _group_part(group: str) -> str:
    return (group or "core").removesuffix(".k8s.io")


def operation_tag(group: str, version: str) -> str:
    return f"{_id_part(_group_part(group), False)}_{_id_part(version, False)}"


def operation_id(verb: str, group: str, version: str, rest: str) -> str:
    """`readCoreV1NamespacedPod`, `patchAppsV1NamespacedDeploymentScale`, ..."""
    return (
        verb + _id_part(_group_part(group), True) + _id_part(version, True) + _id_part(rest, True)
    )


_OK = ("200", "OK")
_CREATED = ("201", "Created")
_ACCEPTED = ("202", "Accepted")
_UNAUTHORIZED: tuple[str, str, _Schema | None] = ("401", "Unauthorized", None)


class _Builder:
    """Collects path items and the definitions they reference for a set of resources."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        self.paths: dict[str, _PathItem] = {}
        self.roots: set[str] = set()
        self.extra: dict[str, dict[str, Any]] = {}

    # -- definitions -----------------------------------------------------------------------

    def definition(self, gvk: GroupVersionKind) -> str:
        name = self.registry.name_for(gvk)
        if name is None:
            # An unregistered kind (e.g. a CRD whose schema is not known yet): serve an open
            # object so the document stays resolvable.
            name = ".".join([*reversed(gvk.group.split(".")), gvk.version, gvk.kind]).lstrip(".")
            self.extra[name] = {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                GVK_EXT: [_gvk_ext(gvk)],
            }
        self.roots.add(name)
        return name

    def meta(self, name: str) -> str:
        self.roots.add(name)
        return name

    # -- paths -----------------------------------------------------------------------------

    def item(self, path: str, *params: tuple[_Param, bool]) -> _PathItem:
        item = self.paths.get(path)
        if item is None:
            item = self.paths[path] = _PathItem(list(params))
        return item

    def add_resource(self, r: ServedResource) -> None:
        gv_tag = operation_tag(r.group, r.version)
        kind, gvk = r.kind, r.gvk
        obj = self.definition(gvk)
        ns = "Namespaced" if r.namespaced else ""
        prefix = r.url_prefix
        base = (
            f"{prefix}/namespaces/{{namespace}}/{r.resource}"
            if r.namespaced
            else (f"{prefix}/{r.resource}")
        )
        name_param = (_Param("name", "path", "string", f"name of the {kind}"), True)
        ns_param = (
            _Param(
                "namespace",
                "path",
                "string",
                "object name and auth scope, such as for teams and projects",
            ),
            True,
        )
        pretty = (_PARAMS["pretty"], False)
        scope = (ns_param,) if r.namespaced else ()
        verbs = set(r.verbs)

        def op(
            verb: str,
            rest: str,
            description: str,
            action: str,
            op_gvk: GroupVersionKind | None = gvk,
            **kw: Any,
        ) -> _Op:
            return _Op(
                operation_id(verb, r.group, r.version, rest),
                description,
                action,
                op_gvk,
                gv_tag,
                **kw,
            )

        def ok(schema: _Schema | None, *codes: tuple[str, str]) -> list[Any]:
            return [*((c, d, schema) for c, d in codes), _UNAUTHORIZED]

        if verbs & {"list", "create", "deletecollection"}:
            coll = self.item(base, *scope, pretty)
            if "list" in verbs:
                lst = self.definition(GroupVersionKind(r.group, r.version, r.list_kind))
                coll.ops["get"] = op(
                    "list",
                    f"{ns}{kind}",
                    f"list or watch objects of kind {kind}",
                    "list",
                    params=_LIST_PARAMS,
                    produces=_PRODUCES_LIST,
                    responses=ok(lst, _OK),
                )
                if r.namespaced:
                    self.item(f"{prefix}/{r.resource}", pretty).ops["get"] = op(
                        "list",
                        f"{kind}ForAllNamespaces",
                        f"list or watch objects of kind {kind}",
                        "list",
                        params=_LIST_PARAMS,
                        produces=_PRODUCES_LIST,
                        responses=ok(lst, _OK),
                    )
            if "create" in verbs:
                coll.ops["post"] = op(
                    "create",
                    f"{ns}{kind}",
                    f"create a {kind}",
                    "post",
                    params=_WRITE_PARAMS,
                    body=_Body(obj, ("*/*",), True),
                    responses=ok(obj, _OK, _CREATED, _ACCEPTED),
                )
            if "deletecollection" in verbs:
                # Upstream's route is "deletecollection...", read as verb "delete" + rest.
                coll.ops["delete"] = op(
                    "delete",
                    f"Collection{ns}{kind}",
                    f"delete collection of {kind}",
                    "deletecollection",
                    params=_DELETECOLLECTION_PARAMS,
                    body=_Body(self.meta(DELETE_OPTIONS), ("*/*",), False),
                    responses=ok(self.meta(STATUS), _OK),
                )

        item_path = f"{base}/{{name}}"
        if verbs & {"get", "update", "patch", "delete"}:
            it = self.item(item_path, name_param, *scope, pretty)
            if "get" in verbs:
                it.ops["get"] = op(
                    "read",
                    f"{ns}{kind}",
                    f"read the specified {kind}",
                    "get",
                    responses=ok(obj, _OK),
                )
            if "update" in verbs:
                it.ops["put"] = op(
                    "replace",
                    f"{ns}{kind}",
                    f"replace the specified {kind}",
                    "put",
                    params=_WRITE_PARAMS,
                    body=_Body(obj, ("*/*",), True),
                    responses=ok(obj, _OK, _CREATED),
                )
            if "patch" in verbs:
                it.ops["patch"] = op(
                    "patch",
                    f"{ns}{kind}",
                    f"partially update the specified {kind}",
                    "patch",
                    params=_PATCH_PARAMS,
                    body=_Body(self.meta(PATCH), r.patch_types, True),
                    responses=ok(obj, _OK, _CREATED),
                )
            if "delete" in verbs:
                it.ops["delete"] = op(
                    "delete",
                    f"{ns}{kind}",
                    f"delete a {kind}",
                    "delete",
                    params=_DELETE_PARAMS,
                    body=_Body(self.meta(DELETE_OPTIONS), ("*/*",), False),
                    responses=ok(obj, _OK, _ACCEPTED),
                )

        if "watch" in verbs:
            event = self.meta(WATCH_EVENT)
            wprefix = f"{prefix}/watch"
            wbase = (
                f"{wprefix}/namespaces/{{namespace}}/{r.resource}"
                if r.namespaced
                else (f"{wprefix}/{r.resource}")
            )
            watch_params = tuple((p, False) for p in _LIST_PARAMS)
            self.item(wbase, *scope, pretty, *watch_params).ops["get"] = op(
                "watch",
                f"{ns}{kind}List",
                f"watch individual changes to a list of {kind}. deprecated: use the 'watch' "
                "parameter with a list operation instead.",
                "watchlist",
                produces=_PRODUCES_WATCH,
                responses=ok(event, _OK),
            )
            self.item(f"{wbase}/{{name}}", name_param, *scope, pretty, *watch_params).ops["get"] = (
                op(
                    "watch",
                    f"{ns}{kind}",
                    f"watch changes to an object of kind {kind}. deprecated: use the 'watch' "
                    "parameter with a list operation instead, filtered to a single item with the "
                    "'fieldSelector' parameter.",
                    "watch",
                    produces=_PRODUCES_WATCH,
                    responses=ok(event, _OK),
                )
            )
            if r.namespaced:
                self.item(f"{wprefix}/{r.resource}", pretty, *watch_params).ops["get"] = op(
                    "watch",
                    f"{kind}ListForAllNamespaces",
                    f"watch individual changes to a list of {kind}. deprecated: use the "
                    "'watch' parameter with a list operation instead.",
                    "watchlist",
                    produces=_PRODUCES_WATCH,
                    responses=ok(event, _OK),
                )

        for sub in r.subresources:
            self._add_subresource(r, sub, item_path, name_param, scope, pretty, op, ok)

    def _add_subresource(
        self,
        r: ServedResource,
        sub: Subresource,
        item_path: str,
        name_param: tuple[_Param, bool],
        scope: tuple[tuple[_Param, bool], ...],
        pretty: tuple[_Param, bool],
        op: Any,
        ok: Any,
    ) -> None:
        kind = r.kind
        ns = "Namespaced" if r.namespaced else ""
        title = sub.name[:1].upper() + sub.name[1:]
        rest = f"{ns}{kind}{title}"
        sub_gvk = sub.gvk
        extra = _SUBRESOURCE_PARAMS.get(sub.name, ())
        connect = sub_gvk.kind.endswith("Options") and sub.name != "log"
        sub_param = (_Param("name", "path", "string", f"name of the {sub_gvk.kind}"), True)
        item = self.item(
            f"{item_path}/{sub.name}",
            sub_param if connect else name_param,
            *scope,
            *(() if connect else (pretty,)),
        )
        verbs = set(sub.verbs)
        if connect:
            self.definition(sub_gvk)
            for verb, method in _CONNECT_METHODS.items():
                if verb in verbs:
                    item.ops[method] = op(
                        "connect",
                        method.capitalize() + rest,
                        f"connect {method.upper()} requests to {sub.name} of {kind}",
                        "connect",
                        sub_gvk,
                        params=extra,
                        produces=("*/*",),
                        responses=ok({"type": "string"}, _OK),
                    )
            return
        if sub.name == "log":
            sub_schema: _Schema = {"type": "string"}
            produces: tuple[str, ...] = ("text/plain", MIME_JSON, MIME_YAML)
        else:
            sub_schema = self.definition(sub_gvk)
            produces = _PRODUCES
        body_name = sub_schema if isinstance(sub_schema, str) else self.definition(sub_gvk)
        if "get" in verbs:
            item.ops["get"] = op(
                "read",
                rest,
                f"read {sub.name} of the specified {kind}",
                "get",
                sub_gvk,
                params=extra,
                produces=produces,
                responses=ok(sub_schema, _OK),
            )
        if "create" in verbs:
            item.ops["post"] = op(
                "create",
                rest,
                f"create {sub.name} of a {kind}",
                "post",
                sub_gvk,
                params=_WRITE_PARAMS,
                body=_Body(body_name, ("*/*",), True),
                responses=ok(body_name, _OK, _CREATED, _ACCEPTED),
            )
        if "update" in verbs:
            item.ops["put"] = op(
                "replace",
                rest,
                f"replace {sub.name} of the specified {kind}",
                "put",
                sub_gvk,
                params=_WRITE_PARAMS,
                body=_Body(body_name, ("*/*",), True),
                responses=ok(body_name, _OK, _CREATED),
            )
        if "patch" in verbs:
            item.ops["patch"] = op(
                "patch",
                rest,
                f"partially update {sub.name} of the specified {kind}",
                "patch",
                sub_gvk,
                params=_PATCH_PARAMS,
                body=_Body(self.meta(PATCH), r.patch_types, True),
                responses=ok(body_name, _OK, _CREATED),
            )

    def add_discovery(self, path: str, op_id: str, tag: str, schema: str, description: str) -> None:
        self.item(path).ops["get"] = _Op(
            op_id, description, "", None, tag, responses=[(*_OK, self.meta(schema)), _UNAUTHORIZED]
        )

    def add_group_version_discovery(self, group: str, version: str) -> None:
        prefix = f"/apis/{group}/{version}/" if group else f"/api/{version}/"
        self.add_discovery(
            prefix,
            operation_id("get", group, version, "APIResources"),
            operation_tag(group, version),
            API_RESOURCE_LIST,
            "get available resources",
        )

    def add_group_discovery(self, group: str) -> None:
        self.add_discovery(
            f"/apis/{group}/",
            f"get{_id_part(_group_part(group), True)}APIGroup",
            _id_part(_group_part(group), False),
            API_GROUP,
            "get information of a group",
        )

    def add_core_versions(self) -> None:
        self.add_discovery(
            "/api/", "getCoreAPIVersions", "core", API_VERSIONS, "get available API versions"
        )

    def add_group_list(self) -> None:
        self.add_discovery(
            "/apis/", "getAPIVersions", "apis", API_GROUP_LIST, "get available API versions"
        )

    def add_version(self) -> None:
        self.add_discovery(
            "/version/",
            "getCodeVersion",
            "version",
            VERSION_INFO,
            "get the version information for this server",
        )

    # -- rendering -------------------------------------------------------------------------

    def definitions(self, v3: bool) -> dict[str, Any]:
        names = set(self.registry.closure(self.roots)) | set(self.extra)
        out: dict[str, Any] = {}
        for name in sorted(names):
            schema = self.extra.get(name)
            if schema is None:
                schema = self.registry.get_v3(name) if v3 else self.registry.get_v2(name)
            out[name] = schema
        return out

    def sorted_paths(self) -> Iterator[tuple[str, _PathItem]]:
        return iter(sorted(self.paths.items()))


def _gvk_ext(gvk: GroupVersionKind) -> dict[str, str]:
    return {"group": gvk.group, "kind": gvk.kind, "version": gvk.version}


def _op_extensions(op: _Op, out: dict[str, Any]) -> None:
    if op.action:
        out["x-kubernetes-action"] = op.action
    if op.gvk is not None:
        out[GVK_EXT] = _gvk_ext(op.gvk)


def _schema_ref(schema: _Schema, prefix: str) -> dict[str, Any]:
    return {"$ref": prefix + schema} if isinstance(schema, str) else dict(schema)


# -- Swagger 2.0 -------------------------------------------------------------------------------


def _param_v2(p: _Param, required: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"description": p.description, "in": p.location, "name": p.name}
    if required:
        out["required"] = True
    out["type"] = p.type
    out["uniqueItems"] = True
    return out


def _op_v2(op: _Op) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if op.body is not None:
        out["consumes"] = list(op.body.content_types)
    out.update(description=op.description, operationId=op.op_id)
    params: list[dict[str, Any]] = []
    if op.body is not None:
        body: dict[str, Any] = {"in": "body", "name": "body"}
        if op.body.required:
            body["required"] = True
        body["schema"] = _schema_ref(op.body.schema, REF_V2)
        params.append(body)
    params.extend(_param_v2(p, False) for p in op.params)
    if params:
        out["parameters"] = params
    out["produces"] = list(op.produces)
    responses: dict[str, Any] = {}
    for code, description, schema in op.responses:
        resp: dict[str, Any] = {"description": description}
        if schema is not None:
            resp["schema"] = _schema_ref(schema, REF_V2)
        responses[code] = resp
    out["responses"] = responses
    out["schemes"] = ["https"]
    out["tags"] = [op.tag]
    _op_extensions(op, out)
    return out


_SECURITY_SCHEME = {
    "description": "Bearer Token authentication",
    "in": "header",
    "name": "authorization",
    "type": "apiKey",
}


def _collect(
    served: Sequence[ServedResource], registry: SchemaRegistry, only: str | None = None
) -> _Builder:
    """Paths for every served resource, or for one `/openapi/v3` index entry (`only`)."""
    b = _Builder(registry)
    groups: set[str] = set()
    gvs: set[tuple[str, str]] = set()
    for r in served:
        if only is None or only == r.index_path:
            b.add_resource(r)
        if r.group:
            groups.add(r.group)
        gvs.add((r.group, r.version))
    for group, version in sorted(gvs):
        path = f"apis/{group}/{version}" if group else f"api/{version}"
        if only is None or only == path:
            b.add_group_version_discovery(group, version)
    for group in sorted(groups):
        if only is None or only == f"apis/{group}":
            b.add_group_discovery(group)
    if only in (None, "api"):
        b.add_core_versions()
    if only in (None, "apis"):
        b.add_group_list()
    if only in (None, "version"):
        b.add_version()
    return b


def build_v2(
    served: Sequence[ServedResource],
    registry: SchemaRegistry | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """The Swagger 2.0 document served at `/openapi/v2`."""
    registry = registry or default_registry()
    b = _collect(served, registry)
    paths: dict[str, Any] = {}
    for path, item in b.sorted_paths():
        rendered: dict[str, Any] = {m: _op_v2(o) for m, o in sorted(item.ops.items())}
        if item.params:
            rendered["parameters"] = [_param_v2(p, req) for p, req in item.params]
        paths[path] = dict(sorted(rendered.items()))
    return {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": version or registry.kubernetes_version},
        "paths": paths,
        "definitions": b.definitions(v3=False),
        "securityDefinitions": {"BearerToken": dict(_SECURITY_SCHEME)},
        "security": [{"BearerToken": []}],
    }


# -- OpenAPI 3.0 -------------------------------------------------------------------------------


def _param_v3(p: _Param, required: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": p.name, "in": p.location, "description": p.description}
    if required:
        out["required"] = True
    out["schema"] = {"type": p.type, "uniqueItems": True}
    return out


def _op_v3(op: _Op) -> dict[str, Any]:
    out: dict[str, Any] = {"tags": [op.tag]}
    out.update(description=op.description, operationId=op.op_id)
    if op.params:
        out["parameters"] = [_param_v3(p, False) for p in op.params]
    if op.body is not None:
        schema = _schema_ref(op.body.schema, REF_V3)
        body: dict[str, Any] = {
            "content": {ct: {"schema": schema} for ct in sorted(op.body.content_types)}
        }
        if op.body.required:
            body["required"] = True
        out["requestBody"] = body
    responses: dict[str, Any] = {}
    for code, description, resp_schema in op.responses:
        resp: dict[str, Any] = {"description": description}
        if resp_schema is not None:
            rendered = _schema_ref(resp_schema, REF_V3)
            resp["content"] = {ct: {"schema": rendered} for ct in op.produces}
        responses[code] = resp
    out["responses"] = responses
    _op_extensions(op, out)
    return out


def v3_index_paths(served: Sequence[ServedResource]) -> list[str]:
    """Every `/openapi/v3` entry for a served set: each group version, plus `api`, `apis`,
    `apis/<group>` and `version` as upstream lists them."""
    keys = {"api", "apis", "version"}
    for r in served:
        keys.add(r.index_path)
        if r.group:
            keys.add(f"apis/{r.group}")
    return sorted(keys)


def build_v3(
    group_version: str,
    served: Sequence[ServedResource],
    registry: SchemaRegistry | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """The OpenAPI 3.0 document for one index entry (`api/v1`, `apis/apps/v1`, `apis/apps`,
    `api`, `apis`, `version`). Raises KeyError for an entry that is not served."""
    if group_version not in v3_index_paths(served):
        raise KeyError(group_version)
    registry = registry or default_registry()
    b = _collect(served, registry, only=group_version)
    paths: dict[str, Any] = {}
    for path, item in b.sorted_paths():
        rendered: dict[str, Any] = {m: _op_v3(o) for m, o in sorted(item.ops.items())}
        if item.params:
            rendered["parameters"] = [_param_v3(p, req) for p, req in item.params]
        paths[path] = rendered
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": version or registry.kubernetes_version},
        "paths": paths,
        "components": {
            "schemas": b.definitions(v3=True),
            "securitySchemes": {"BearerToken": dict(_SECURITY_SCHEME)},
        },
        "security": [{"BearerToken": []}],
    }


def document_hash(body: bytes) -> str:
    """Upstream's ETag and `?hash=`: uppercase hex SHA-512 of the serialized document."""
    return hashlib.sha512(body).hexdigest().upper()


def v3_server_relative_url(key: str, hash_: str) -> str:
    return f"/openapi/v3/{key}?hash={hash_}"


def build_v3_index(
    served: Sequence[ServedResource],
    registry: SchemaRegistry | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """`/openapi/v3`: every entry with a `serverRelativeURL` carrying its document's hash."""
    paths = {}
    for key in v3_index_paths(served):
        body = serialize(build_v3(key, served, registry, version))
        paths[key] = {"serverRelativeURL": v3_server_relative_url(key, document_hash(body))}
    return {"paths": paths}


def serialize(doc: Mapping[str, Any]) -> bytes:
    return orjson.dumps(doc)


# ---------------------------------------------------------------------------------------------
# Serialized documents, cached per served set
# ---------------------------------------------------------------------------------------------


class Document(NamedTuple):
    body: bytes
    etag: str  # unquoted; the ETag header value is `"<etag>"`


class OpenAPIService:
    """Serialized OpenAPI documents for one served set, built on first request and kept until
    the registry changes (a CRD schema added or removed)."""

    def __init__(
        self,
        served: Sequence[ServedResource],
        registry: SchemaRegistry | None = None,
        version: str | None = None,
    ) -> None:
        self.served = tuple(served)
        self.registry = registry or default_registry()
        self.version = version
        # Re-entrant: the index is built from the group-version documents.
        self._lock = threading.RLock()
        self._generation = -1
        self._cache: dict[str, Document] = {}

    def _get(self, key: str, build: Any) -> Document:
        with self._lock:
            if self._generation != self.registry.generation:
                self._cache.clear()
                self._generation = self.registry.generation
            doc = self._cache.get(key)
            if doc is None:
                body = build()
                doc = self._cache[key] = Document(body, document_hash(body))
            return doc

    def v2(self) -> Document:
        return self._get(
            "v2", lambda: serialize(build_v2(self.served, self.registry, self.version))
        )

    def v2_protobuf(self) -> Document:
        """The v2 document in gnostic's protobuf form (`MIME_V2_PROTOBUF`), which client-go
        asks for (kubectl explain --output=plaintext-openapiv2)."""
        from kapi.machinery.openapi_proto import encode_v2_document

        return self._get("v2pb", lambda: encode_v2_document(orjson.loads(self.v2().body)))

    def v3(self, key: str) -> Document | None:
        """The document for one index entry, or None when it is not served."""
        if key not in self.v3_keys():
            return None
        return self._get(
            "v3:" + key, lambda: serialize(build_v3(key, self.served, self.registry, self.version))
        )

    def v3_keys(self) -> list[str]:
        return v3_index_paths(self.served)

    def v3_index(self) -> Document:
        def build() -> bytes:
            paths = {}
            for key in self.v3_keys():
                doc = self.v3(key)
                assert doc is not None
                paths[key] = {"serverRelativeURL": v3_server_relative_url(key, doc.etag)}
            return serialize({"paths": paths})

        return self._get("v3index", build)


_services: dict[tuple[Any, ...], OpenAPIService] = {}
_services_lock = threading.Lock()
_MAX_SERVICES = 8


def openapi_service(
    served: Sequence[ServedResource],
    registry: SchemaRegistry | None = None,
    version: str | None = None,
) -> OpenAPIService:
    """The cached `OpenAPIService` for a served set (a few recent sets are kept)."""
    registry = registry or default_registry()
    key = (tuple(served), id(registry), version)
    with _services_lock:
        service = _services.get(key)
        if service is None or service.registry is not registry:
            if len(_services) >= _MAX_SERVICES:
                _services.pop(next(iter(_services)))
            service = _services[key] = OpenAPIService(served, registry, version)
        return service
