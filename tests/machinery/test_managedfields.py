"""Field sets, typed merge and managedFields: cases ported from sigs.k8s.io/structured-merge-diff
(`fieldpath/set_test.go`, `fieldpath/serialize_test.go`, `merge/leaf_test.go`,
`merge/set_test.go`, `merge/key_test.go`, `merge/multiple_appliers_test.go`,
`merge/default_keys_test.go`) and k8s.io/apimachinery `pkg/util/managedfields`
(`managedfields_test.go`, `internal/capmanagers_test.go`, `internal/conflict_test.go`), each
test naming its upstream case."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from kapi.machinery import errors
from kapi.machinery import managedfields as mf
from kapi.machinery.fieldpath import FieldSet, path_string
from kapi.machinery.openapi import SchemaRegistry
from kapi.machinery.schema import GroupVersionKind
from kapi.machinery.typed import (
    TypedSchemas,
    compare,
    default_schemas,
    ensure_named_fields_are_members,
    merge,
    to_field_set,
)

Object = dict[str, Any]

OBJECT_META = {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}


def _kind(kind: str, props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "x-kubernetes-group-version-kind": [
            {"group": "example.com", "version": "v1", "kind": kind}
        ],
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": OBJECT_META,
            **props,
        },
    }


TEST_DEFINITIONS: dict[str, Any] = {
    # merge/leaf_test.go `leafFields`
    "com.example.v1.Leaf": _kind(
        "Leaf",
        {
            "numeric": {"type": "number"},
            "string": {"type": "string"},
            "bool": {"type": "boolean"},
        },
    ),
    # merge/set_test.go `sets`
    "com.example.v1.Sets": _kind(
        "Sets",
        {"list": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}}},
    ),
    # merge/key_test.go `associativeList`
    "com.example.v1.Assoc": _kind(
        "Assoc",
        {
            "list": {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["name"],
                "items": {"$ref": "#/definitions/com.example.v1.Elem"},
            }
        },
    ),
    "com.example.v1.Elem": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "value": {"type": "number"}},
    },
    # merge/default_keys_test.go: a key field with a default
    "com.example.v1.Ports": _kind(
        "Ports",
        {
            "containerPorts": {
                "type": "array",
                "x-kubernetes-list-type": "map",
                "x-kubernetes-list-map-keys": ["port", "protocol"],
                "items": {
                    "type": "object",
                    "properties": {
                        "port": {"type": "integer"},
                        "protocol": {"type": "string", "default": "TCP"},
                        "name": {"type": "string"},
                    },
                },
            }
        },
    ),
    # maps: granular, atomic, and preserved unknown fields
    "com.example.v1.Maps": _kind(
        "Maps",
        {
            "granular": {"type": "object", "additionalProperties": {"type": "string"}},
            "atomic": {
                "type": "object",
                "x-kubernetes-map-type": "atomic",
                "additionalProperties": {"type": "string"},
            },
            "atomicList": {"type": "array", "items": {"type": "string"}},
            "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
        },
    ),
}

REGISTRY = SchemaRegistry()
REGISTRY.add_definitions(TEST_DEFINITIONS)
SCHEMAS = TypedSchemas(REGISTRY)


def gvk(kind: str) -> GroupVersionKind:
    return GroupVersionKind("example.com", "v1", kind)


class Fixture:
    """One object written by a sequence of applies and updates (structured-merge-diff's
    `internal/fixture` State)."""

    def __init__(self, kind: str, group: str = "example.com", version: str = "v1") -> None:
        self.gvk = GroupVersionKind(group, version, kind)
        self.live: Object | None = None
        self.schemas = SCHEMAS if group == "example.com" else default_schemas()
        self.clock = 0

    def _now(self) -> str:
        self.clock += 1
        return f"2024-01-01T00:00:{self.clock:02d}Z"

    def _object(self, body: str | Object) -> Object:
        obj = yaml.safe_load(body) if isinstance(body, str) else copy.deepcopy(body)
        obj = obj or {}
        out: Object = {"apiVersion": self.gvk.api_version, "kind": self.gvk.kind}
        out["metadata"] = obj.pop("metadata", None) or {"name": "obj"}
        out["metadata"].setdefault("name", "obj")
        out.update(obj)
        return out

    def apply(self, manager: str, body: str | Object, force: bool = False) -> Object:
        config = self._object(body)
        self.live = mf.apply(
            self.live, config, manager, force, self.gvk, time=self._now(), schemas=self.schemas
        )
        if "uid" not in self.live["metadata"]:
            self.live["metadata"]["uid"] = "uid-1"
        return self.live

    def update(self, manager: str, body: str | Object, subresource: str = "") -> Object:
        new = self._object(body)
        if self.live is not None:
            meta = new["metadata"]
            meta.setdefault("uid", self.live["metadata"].get("uid"))
            if "managedFields" not in meta and "managedFields" in self.live["metadata"]:
                meta["managedFields"] = copy.deepcopy(self.live["metadata"]["managedFields"])
        self.live = mf.update_managed_fields(
            copy.deepcopy(self.live),
            new,
            manager,
            subresource=subresource,
            time=self._now(),
            schemas=self.schemas,
        )
        self.live["metadata"].setdefault("uid", "uid-1")
        return self.live

    def entries(self) -> list[Object]:
        return list((self.live or {}).get("metadata", {}).get("managedFields") or [])

    def managed(self) -> dict[str, set[str]]:
        """Each manager's fields as path strings (Apply and Update entries of one manager
        are told apart by a `/Update` suffix on the Update one when both exist)."""
        out: dict[str, set[str]] = {}
        for e in self.entries():
            name = e["manager"]
            if name in out:
                name += "/" + e["operation"]
            out[name] = {path_string(p) for p in FieldSet.from_fields_v1(e["fieldsV1"]).paths()}
        return out

    def body(self) -> Object:
        """The object without apiVersion, kind and metadata."""
        return {
            k: v
            for k, v in (self.live or {}).items()
            if k not in ("apiVersion", "kind", "metadata")
        }


def conflict_fields(err: errors.StatusError) -> list[tuple[str, str]]:
    assert err.code == 409 and err.reason == "Conflict"
    assert err.details is not None
    return [(c.message, c.field) for c in err.details.causes]


# ---------------------------------------------------------------------------------------------
# fieldpath
# ---------------------------------------------------------------------------------------------


def P(*elements: str) -> tuple[str, ...]:
    return tuple(elements)


def test_set_union_intersection_difference() -> None:
    """fieldpath/set_test.go TestSetUnion, TestSetIntersectionDifference."""
    s1 = FieldSet.of(P("f:a", "f:b"), P("f:a", "f:c"), P("f:d"))
    s2 = FieldSet.of(P("f:a", "f:b"), P("f:a", "f:e"), P("f:f"))
    assert s1.union(s2) == FieldSet.of(
        P("f:a", "f:b"), P("f:a", "f:c"), P("f:a", "f:e"), P("f:d"), P("f:f")
    )
    assert s1.intersection(s2) == FieldSet.of(P("f:a", "f:b"))
    assert s1.difference(s2) == FieldSet.of(P("f:a", "f:c"), P("f:d"))
    assert s2.difference(s1) == FieldSet.of(P("f:a", "f:e"), P("f:f"))


def test_set_difference_parent_and_child() -> None:
    """fieldpath/set_test.go TestSetDifference: parent - child = parent, child - parent =
    child (only RecursiveDifference removes children)."""
    parent = FieldSet.of(P("f:a"))
    child = FieldSet.of(P("f:a", "f:b"))
    assert parent.difference(child) == parent
    assert child.difference(parent) == child
    assert child.recursive_difference(parent).empty()
    both = FieldSet.of(P("f:a"), P("f:a", "f:b"), P("f:c"))
    assert both.recursive_difference(parent) == FieldSet.of(P("f:c"))


def test_fields_v1_round_trip() -> None:
    """fieldpath/serialize_test.go TestSerializeV1: members with children carry ".", key,
    value and index elements survive a round trip."""
    trie = {
        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
        "f:spec": {
            "f:containers": {
                'k:{"name":"web"}': {".": {}, "f:image": {}, "f:name": {}},
            },
            "f:finalizers": {'v:"a"': {}},
            "f:list": {"i:3": {}},
        },
    }
    s = FieldSet.from_fields_v1(trie)
    assert s.has(P("f:metadata", "f:labels"))
    assert s.has(P("f:metadata", "f:labels", "f:app"))
    assert not s.has(P("f:metadata"))
    assert s.has(P("f:spec", "f:containers", 'k:{"name":"web"}'))
    assert s.to_fields_v1() == trie
    assert [path_string(p) for p in s.paths()] == [
        ".metadata.labels",
        ".metadata.labels.app",
        '.spec.containers[name="web"]',
        '.spec.containers[name="web"].image',
        '.spec.containers[name="web"].name',
        '.spec.finalizers[="a"]',
        ".spec.list[3]",
    ]


def test_fields_v1_canonicalizes_client_keys() -> None:
    """serialize-pe.go DeserializePathElement: key JSON is re-read, keys sorted; unknown
    element types are dropped."""
    s = FieldSet.from_fields_v1({'k:{"protocol": "TCP", "port": 80}': {}, "x:what": {}})
    assert s.to_fields_v1() == {'k:{"port":80,"protocol":"TCP"}': {}}
    with pytest.raises(ValueError):
        FieldSet.from_fields_v1({"f": {}})


# ---------------------------------------------------------------------------------------------
# typed
# ---------------------------------------------------------------------------------------------

DEPLOYMENT: Object = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}]}
                ]
            },
        },
    },
}


def test_to_field_set_of_a_deployment() -> None:
    """typed/toset_test.go: leaves and list items are members, struct fields are parents,
    atomic maps (LabelSelector) are leaves, a port without protocol is keyed as TCP."""
    node = default_schemas().type_for(GroupVersionKind("apps", "v1", "Deployment"))
    fs = to_field_set(node, DEPLOYMENT)
    assert fs.to_fields_v1()["f:spec"] == {
        "f:replicas": {},
        "f:selector": {},
        "f:template": {
            "f:metadata": {"f:labels": {"f:app": {}}},
            "f:spec": {
                "f:containers": {
                    'k:{"name":"nginx"}': {
                        ".": {},
                        "f:image": {},
                        "f:name": {},
                        "f:ports": {
                            'k:{"containerPort":80,"protocol":"TCP"}': {
                                ".": {},
                                "f:containerPort": {},
                            }
                        },
                    }
                }
            },
        },
    }


def test_compare_added_modified_removed() -> None:
    """typed/comparison_test.go: containers that appear are added with their leaves; empty
    and missing stay distinct (an emptied map is a modified leaf)."""
    node = SCHEMAS.type_for(gvk("Maps"))
    lhs = {"granular": {"a": "1", "b": "2"}, "atomic": {"x": "1"}}
    rhs = {"granular": {"a": "1", "c": "3"}, "atomic": {"x": "2"}, "free": {"k": {"n": 1}}}
    cmp = compare(node, lhs, rhs)
    assert {path_string(p) for p in cmp.added.paths()} == {
        ".granular.c",
        ".free",
        ".free.k",
        ".free.k.n",
    }
    assert {path_string(p) for p in cmp.modified.paths()} == {".atomic"}
    assert {path_string(p) for p in cmp.removed.paths()} == {".granular.b"}
    assert compare(node, {"granular": {}}, {"granular": None}).modified == FieldSet.of(
        P("f:granular")
    )


def test_merge_granular_atomic_and_preserved() -> None:
    """Maps merge by key unless atomic; plain arrays are atomic; preserved unknown fields
    merge as maps (kube-openapi's deduced type)."""
    node = SCHEMAS.type_for(gvk("Maps"))
    live = {
        "granular": {"a": "1"},
        "atomic": {"a": "1"},
        "atomicList": ["x", "y"],
        "free": {"keep": {"deep": 1}, "list": [1, 2]},
    }
    config = {
        "granular": {"b": "2"},
        "atomic": {"b": "2"},
        "atomicList": ["z"],
        "free": {"keep": {"more": 2}, "list": [3]},
    }
    assert merge(node, live, config) == {
        "granular": {"a": "1", "b": "2"},
        "atomic": {"b": "2"},
        "atomicList": ["z"],
        "free": {"keep": {"deep": 1, "more": 2}, "list": [3]},
    }


def test_ensure_named_fields_are_members() -> None:
    """fieldpath/set_test.go TestEnsureNamedFieldsAreMembers: struct fields on the way to an
    owned leaf become members, map keys and list elements do not."""
    node = default_schemas().type_for(GroupVersionKind("apps", "v1", "Deployment"))
    s = FieldSet.of(
        P("f:metadata", "f:labels", "f:app"),
        P("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"a"}', "f:image"),
    )
    got = {path_string(p) for p in ensure_named_fields_are_members(node, s).paths()}
    assert got == {
        ".metadata",
        ".metadata.labels",
        ".metadata.labels.app",
        ".spec",
        ".spec.template",
        ".spec.template.spec",
        ".spec.template.spec.containers",
        '.spec.template.spec.containers[name="a"].image',
    }


# ---------------------------------------------------------------------------------------------
# structured-merge-diff merge cases
# ---------------------------------------------------------------------------------------------


def test_leaf_apply_twice() -> None:
    """merge/leaf_test.go apply_twice."""
    f = Fixture("Leaf")
    f.apply("default", "numeric: 1\nstring: string")
    f.apply("default", "numeric: 2\nstring: string\nbool: false")
    assert f.body() == {"numeric": 2, "string": "string", "bool": False}
    assert f.managed() == {"default": {".numeric", ".string", ".bool"}}


def test_leaf_apply_update_apply_no_conflict() -> None:
    """merge/leaf_test.go apply_update_apply_no_conflict."""
    f = Fixture("Leaf")
    f.apply("default", "numeric: 1\nstring: string")
    f.update("controller", "numeric: 1\nstring: string\nbool: true")
    f.apply("default", "numeric: 2\nstring: string")
    assert f.body() == {"numeric": 2, "string": "string", "bool": True}
    assert f.managed() == {"default": {".numeric", ".string"}, "controller": {".bool"}}


def test_leaf_apply_update_apply_with_conflict() -> None:
    """merge/leaf_test.go apply_update_apply_with_conflict, then ForceApply."""
    f = Fixture("Leaf")
    f.apply("default", "numeric: 1\nstring: string")
    f.update("controller", "numeric: 1\nstring: controller string\nbool: true")
    with pytest.raises(errors.StatusError) as info:
        f.apply("default", "numeric: 2\nstring: user string")
    assert conflict_fields(info.value) == [
        ('conflict with "controller" using example.com/v1', ".string")
    ]
    assert info.value.message == (
        'Apply failed with 1 conflict: conflict with "controller" using example.com/v1: .string'
    )
    f.apply("default", "numeric: 2\nstring: user string", force=True)
    assert f.body() == {"numeric": 2, "string": "user string", "bool": True}
    assert f.managed() == {"default": {".numeric", ".string"}, "controller": {".bool"}}


def test_leaf_apply_twice_remove() -> None:
    """merge/leaf_test.go apply_twice_remove: fields no longer applied are removed."""
    f = Fixture("Leaf")
    f.apply("default", "numeric: 1\nstring: string\nbool: false")
    f.apply("default", "string: new string")
    assert f.body() == {"string": "new string"}
    assert f.managed() == {"default": {".string"}}


def test_leaf_update_apply_omits() -> None:
    """merge/leaf_test.go update_apply_omits: a field another manager took is kept when the
    applier drops it."""
    f = Fixture("Leaf")
    f.apply("default", "numeric: 2")
    f.update("controller", "numeric: 1")
    f.apply("default", "")
    assert f.body() == {"numeric": 1}
    assert f.managed() == {"controller": {".numeric"}}


def test_leaf_update_remove_empty_set() -> None:
    """merge/leaf_test.go update_remove_empty_set: an applier left with nothing loses its
    entry."""
    f = Fixture("Leaf")
    f.apply("default", "string: string")
    f.update("controller", "string: new string")
    assert f.managed() == {"controller": {".string"}}


def test_leaf_apply_remove_empty_set() -> None:
    """merge/leaf_test.go apply_remove_empty_set."""
    f = Fixture("Leaf")
    f.apply("default", "string: string")
    f.apply("default", "")
    assert f.body() == {}
    assert f.managed() == {}


def test_set_apply_twice() -> None:
    """merge/set_test.go apply_twice."""
    f = Fixture("Sets")
    f.apply("default", "list: [a, c]")
    f.apply("default", "list: [a, b, c, d]")
    assert f.body() == {"list": ["a", "b", "c", "d"]}
    assert f.managed() == {"default": {'.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'}}


def test_set_apply_update_apply_with_overlap() -> None:
    """merge/set_test.go apply_update_apply_with_overlap: both own `b`, no conflict (same
    value), the applier does not remove `d`."""
    f = Fixture("Sets")
    f.apply("default", "list: [a, c]")
    f.update("controller", "list: [a, b, c, d]")
    f.apply("default", "list: [a, b, c]")
    assert f.body() == {"list": ["a", "b", "c", "d"]}
    assert f.managed() == {
        "default": {'.list[="a"]', '.list[="b"]', '.list[="c"]'},
        "controller": {'.list[="b"]', '.list[="d"]'},
    }


def test_set_apply_update_apply_no_overlap_order() -> None:
    """merge/set_test.go apply_update_apply_no_overlap, with the current merge order: live
    items keep their places, new items follow the configuration around shared ones."""
    f = Fixture("Sets")
    f.apply("default", "list: [a, c]")
    f.update("controller", "list: [a, b, c, d]")
    f.apply("default", "list: [a, aprime, c, cprime]")
    assert f.body() == {"list": ["a", "b", "aprime", "c", "d", "cprime"]}
    assert f.managed()["controller"] == {'.list[="b"]', '.list[="d"]'}


def test_set_apply_twice_reorder() -> None:
    """merge/set_test.go apply_twice_reorder: the applier's order wins for its items."""
    f = Fixture("Sets")
    f.apply("default", "list: [a, b, c, d]")
    f.apply("default", "list: [a, d, c, b]")
    assert f.body() == {"list": ["a", "d", "c", "b"]}


def test_set_apply_twice_remove() -> None:
    """merge/set_test.go apply_twice_remove (TestUpdateSetBroken upstream in old releases;
    the current updater prunes set items)."""
    f = Fixture("Sets")
    f.apply("default", "list: [a, b, c, d]")
    f.apply("default", "list: [a, c]")
    assert f.body() == {"list": ["a", "c"]}
    assert f.managed() == {"default": {'.list[="a"]', '.list[="c"]'}}


def test_associative_list_removing_obsolete_applied_structs() -> None:
    """merge/key_test.go removing_obsolete_applied_structs."""
    f = Fixture("Assoc")
    f.apply("default", "list:\n- {name: a, value: 1}")
    f.apply("default", "list:\n- {name: b, value: 2}")
    assert f.body() == {"list": [{"name": "b", "value": 2}]}
    assert f.managed() == {
        "default": {'.list[name="b"]', '.list[name="b"].name', '.list[name="b"].value'}
    }


def test_associative_list_item_kept_for_other_owner() -> None:
    """merge/multiple_appliers_test.go (remove_one_keep_one): an item the applier drops is
    kept while another applier owns it; its own fields go."""
    f = Fixture("Assoc")
    f.apply("a", "list:\n- {name: x, value: 1}\n- {name: y, value: 2}")
    f.apply("b", "list:\n- {name: y}")
    f.apply("a", "list:\n- {name: x, value: 1}")
    assert f.body() == {"list": [{"name": "x", "value": 1}, {"name": "y"}]}
    assert f.managed() == {
        "a": {'.list[name="x"]', '.list[name="x"].name', '.list[name="x"].value'},
        "b": {'.list[name="y"]', '.list[name="y"].name'},
    }


def test_associative_list_conflict_and_shared_value() -> None:
    """merge/multiple_appliers_test.go: the same value is shared, a different one conflicts
    with the element's path in the cause."""
    f = Fixture("Assoc")
    f.apply("a", "list:\n- {name: x, value: 1}")
    f.apply("b", "list:\n- {name: x, value: 1}")
    assert '.list[name="x"].value' in f.managed()["b"]
    with pytest.raises(errors.StatusError) as info:
        f.apply("c", "list:\n- {name: x, value: 2}")
    assert info.value.message == (
        'Apply failed with 2 conflicts: conflicts with "a":\n- .list[name="x"].value\n'
        'conflicts with "b":\n- .list[name="x"].value'
    )


def test_default_keys() -> None:
    """merge/default_keys_test.go: a key field left out takes its default, so applying with
    and without it addresses the same element."""
    f = Fixture("Ports")
    f.apply("a", "containerPorts:\n- {port: 80, name: web}")
    f.apply("b", "containerPorts:\n- {port: 80, protocol: TCP, name: web}")
    assert f.body() == {"containerPorts": [{"port": 80, "name": "web", "protocol": "TCP"}]}
    assert '.containerPorts[port=80,protocol="TCP"].name' in f.managed()["a"]
    assert f.managed()["b"] == {
        '.containerPorts[port=80,protocol="TCP"]',
        '.containerPorts[port=80,protocol="TCP"].name',
        '.containerPorts[port=80,protocol="TCP"].port',
        '.containerPorts[port=80,protocol="TCP"].protocol',
    }


def test_atomic_and_granular_maps_ownership() -> None:
    """An atomic map is owned whole (a conflict names the map); granular map keys are owned
    one by one."""
    f = Fixture("Maps")
    f.apply("a", "atomic: {x: '1'}\ngranular: {x: '1'}")
    f.apply("b", "granular: {y: '2'}")
    assert f.managed() == {"a": {".atomic", ".granular.x"}, "b": {".granular.y"}}
    with pytest.raises(errors.StatusError) as info:
        f.apply("b", "atomic: {y: '2'}\ngranular: {y: '2'}")
    assert conflict_fields(info.value) == [('conflict with "a"', ".atomic")]


def test_preserved_fields_remove_dropped_key() -> None:
    """merge/preserve_unknown_test.go: untyped maps are granular, so a dropped key is
    removed and kept keys stay."""
    f = Fixture("Maps")
    f.apply("a", "free: {one: 1, two: {n: 2}}")
    f.apply("a", "free: {two: {n: 3}}")
    assert f.body() == {"free": {"two": {"n": 3}}}
    assert f.managed() == {"a": {".free.two", ".free.two.n"}}


def test_validation_errors_are_upstream_typed_errors() -> None:
    """structuredmerge.go: a configuration the schema cannot type is a reason-less 500."""
    f = Fixture("Assoc")
    with pytest.raises(errors.StatusError) as info:
        f.apply("a", "list:\n- {value: 1}\nbogus: 1")
    assert info.value.code == 500 and info.value.reason == ""
    assert info.value.message == (
        "failed to create typed patch object (/obj; example.com/v1, Kind=Assoc): errors:\n"
        "  .list: element 0: associative list with keys has an element that omits key field "
        '"name" (and doesn\'t have default value)\n'
        "  .bogus: field not declared in schema"
    )
    with pytest.raises(errors.StatusError) as info:
        f.apply("a", "list:\n- {name: x}\n- {name: x}")
    assert info.value.message.endswith('.list: duplicate entries for key [name="x"]')


# ---------------------------------------------------------------------------------------------
# k8s.io/apimachinery managedfields cases
# ---------------------------------------------------------------------------------------------

DEPLOYMENT_YAML = """
metadata:
  name: deployment
  labels: {app: nginx}
spec:
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: "nginx:latest"}]
"""


def deployment_fixture() -> Fixture:
    return Fixture("Deployment", "apps", "v1")


def test_update_apply_conflict() -> None:
    """managedfields_test.go TestUpdateApplyConflict: applying over fields an Update set
    conflicts, with upstream's message."""
    f = deployment_fixture()
    f.update("fieldmanager_test", DEPLOYMENT_YAML)
    with pytest.raises(errors.StatusError) as info:
        f.apply("fieldmanager_conflict", "metadata: {name: deployment}\nspec: {replicas: 101}")
    assert info.value.message == (
        'Apply failed with 1 conflict: conflict with "fieldmanager_test" using apps/v1: '
        ".spec.replicas"
    )
    assert conflict_fields(info.value) == [
        ('conflict with "fieldmanager_test" using apps/v1', ".spec.replicas")
    ]
    assert info.value.status()["details"] == {
        "causes": [
            {
                "reason": "FieldManagerConflict",
                "message": 'conflict with "fieldmanager_test" using apps/v1',
                "field": ".spec.replicas",
            }
        ]
    }


def test_apply_strips_fields() -> None:
    """managedfields_test.go TestApplyStripsFields: identity and server-set metadata are
    never owned."""
    f = deployment_fixture()
    f.update(
        "fieldmanager_test",
        {
            "metadata": {
                "name": "b",
                "namespace": "b",
                "uid": "b",
                "generation": 0,
                "resourceVersion": "b",
                "creationTimestamp": "2024-01-01T00:00:00Z",
            }
        },
    )
    assert f.entries() == []


def test_version_check() -> None:
    """managedfields_test.go TestVersionCheck, TestVersionCheckDoesNotPanic: a configuration
    of another version or with no type is a 400."""
    f = deployment_fixture()
    live = mf.apply(None, {"apiVersion": "apps/v1", "kind": "Deployment"}, "m")
    for config, text in (
        ({"apiVersion": "apps/v1beta1", "kind": "Deployment"}, "apps/v1beta1, Kind=Deployment"),
        ({}, "/, Kind="),
    ):
        with pytest.raises(errors.StatusError) as info:
            mf.apply(live, config, "m", False, f.gvk)
        assert info.value.code == 400
        assert info.value.message == f"invalid object type: {text}"


def test_apply_fails_with_managed_fields() -> None:
    """managedfields_test.go TestApplyFailsWithManagedFields."""
    config = {"apiVersion": "v1", "kind": "Pod", "metadata": {"managedFields": [{"manager": "t"}]}}
    with pytest.raises(errors.StatusError) as info:
        mf.apply(None, config, "fieldmanager_test")
    assert (info.value.code, info.value.message) == (400, "metadata.managedFields must be nil")


def test_apply_does_not_strip_labels() -> None:
    """managedfields_test.go TestApplyDoesNotStripLabels."""
    config = {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"a": "b"}}}
    out = mf.apply(None, config, "fieldmanager_test")
    assert len(out["metadata"]["managedFields"]) == 1
    assert out["metadata"]["managedFields"][0]["fieldsV1"] == {
        "f:metadata": {"f:labels": {"f:a": {}}}
    }


def test_no_op_changes() -> None:
    """managedfields_test.go TestNoOpChanges: a no-op update and a no-op re-apply change
    nothing, timestamps included; a new applier of the same values adds an entry."""
    f = Fixture("Pod", "", "v1")
    obj = "metadata: {labels: {a: b}}"
    f.apply("fieldmanager_test_apply", obj)
    before = copy.deepcopy(f.live)
    f.apply("fieldmanager_test_apply_other", obj)
    assert f.live != before
    assert len(f.entries()) == 2
    before = copy.deepcopy(f.live)
    f.update("fieldmanager_test_update", obj)
    assert f.live == before
    f.apply("fieldmanager_test_apply", obj, force=True)
    assert f.live == before


def test_reset_managed_fields_empty_list_and_item() -> None:
    """managedfields_test.go TestResetManagedFieldsEmptyList, TestResetManagedFieldsEmptyItem."""
    for reset in ([], [{}]):
        f = Fixture("Pod", "", "v1")
        f.apply("fieldmanager_test_apply", "metadata: {labels: {a: b}}")
        f.update("update_manager", {"metadata": {"managedFields": reset, "labels": {"a": "b"}}})
        assert f.entries() == []


def test_client_managed_fields_replace_stored_ones() -> None:
    """fieldmanager.go decodeLiveOrNew: valid entries in an update replace the stored ones;
    entries that do not decode are ignored."""
    f = Fixture("Pod", "", "v1")
    f.apply("a", "metadata: {labels: {a: b}}")
    mine = [
        {
            "manager": "someone",
            "operation": "Update",
            "apiVersion": "v1",
            "time": "2020-01-01T00:00:00Z",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {"f:a": {}}}},
        }
    ]
    f.update("u", {"metadata": {"managedFields": mine, "labels": {"a": "b"}}})
    assert f.entries() == mine
    f.update("u", {"metadata": {"managedFields": [{"operation": "Patch"}], "labels": {"a": "b"}}})
    assert f.entries() == mine


def test_update_via_subresources() -> None:
    """managedfields_test.go TestUpdateViaSubresources: a subresource write can neither set
    nor reset the entries, and records its subresource."""
    f = Fixture("Pod", "", "v1")
    f.update("creator", "metadata: {labels: {a: b}}")
    bogus = [
        {
            "manager": "test",
            "operation": "Apply",
            "apiVersion": "v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:metadata": {"f:labels": {"f:another_field": {}}}},
        }
    ]
    f.update("sub", {"metadata": {"labels": {"a": "c"}, "managedFields": bogus}}, "status")
    assert [(e["manager"], e.get("subresource")) for e in f.entries()] == [
        ("creator", None),
        ("sub", "status"),
    ]
    f.update("sub", {"metadata": {"labels": {"a": "d"}, "managedFields": []}}, "status")
    assert [e["manager"] for e in f.entries()] == ["creator", "sub"]


def test_apply_does_not_change_managed_fields() -> None:
    """managedfields_test.go TestApplyDoesNotChangeManagedFields: re-applying the same
    configuration after another applier leaves the entries as they were."""
    f = deployment_fixture()
    f.apply("fieldmanager_z", DEPLOYMENT_YAML.replace("replicas: 3\n  ", ""))
    f.apply("fieldmanager_b", "metadata: {name: deployment}\nspec: {replicas: 101}")
    before = copy.deepcopy(f.entries())
    f.apply("fieldmanager_z", DEPLOYMENT_YAML.replace("replicas: 3\n  ", ""))
    assert f.entries() == before


def test_update_does_not_change_managed_fields() -> None:
    """managedfields_test.go TestUpdateDoesNotChangeManagedFields."""
    f = deployment_fixture()
    f.update("fieldmanager_z", DEPLOYMENT_YAML)
    before = copy.deepcopy(f.entries())
    f.update("fieldmanager_z", DEPLOYMENT_YAML)
    assert f.entries() == before


def test_update_time_moves_only_for_the_changing_manager() -> None:
    """managedfieldsupdater_test.go TestManagedFieldsUpdateDoesModifyTime and
    TestTakingOverManagedFieldsDuringUpdateDoesNotModifyPreviousManagerTime."""
    f = Fixture("Pod", "", "v1")
    f.update("a", "metadata: {labels: {x: '1', y: '1'}}")
    t_a = f.entries()[0]["time"]
    f.update("b", "metadata: {labels: {x: '2', y: '1'}}")
    by = {e["manager"]: e for e in f.entries()}
    assert by["a"]["time"] == t_a
    assert by["b"]["time"] != t_a
    assert by["a"]["fieldsV1"] == {"f:metadata": {"f:labels": {".": {}, "f:y": {}}}}
    f.update("a", "metadata: {labels: {x: '2', y: '1', z: '1'}}")
    assert {e["manager"]: e for e in f.entries()}["a"]["time"] != t_a


def test_untracked_object_stays_untracked_until_applied() -> None:
    """managedfields_test.go TestNoTrackManagedFieldsForClientSideApply: after a reset,
    updates do not record; the first apply gives what exists to `before-first-apply`."""
    f = deployment_fixture()
    f.update(
        "test_kubectl_create", "metadata: {name: d, labels: {app: my-app}}\nspec: {replicas: 100}"
    )
    assert f.entries()
    f.update(
        "test_kubectl_replace",
        {
            "metadata": {"name": "d", "managedFields": [], "labels": {"app": "my-app"}},
            "spec": {"replicas": 100},
        },
    )
    assert f.entries() == []
    f.update(
        "test_k_client_side_apply",
        "metadata: {name: d, labels: {app: my-app}}\nspec: {replicas: 100}",
    )
    assert f.entries() == []
    f.apply(
        "test_server_side_apply_without_upgrade",
        "metadata: {name: d, labels: {app: my-app}}\nspec: {replicas: 100}",
    )
    assert [e["manager"] for e in f.entries()] == [
        "test_server_side_apply_without_upgrade",
        "before-first-apply",
    ]


def test_interop_client_side_apply_upgrade() -> None:
    """managedfields_test.go TestInteropForClientSideApplyAndServerSideApply: kubectl's first
    server-side apply takes the fields of its last-applied annotation without conflicts
    and keeps the annotation up to date."""
    f = deployment_fixture()
    csa = (
        "metadata: {name: my-deployment, labels: {app: my-app}}\n"
        "spec:\n  replicas: 100\n  selector: {matchLabels: {app: my-app}}\n"
        "  template:\n    metadata: {labels: {app: my-app}}\n"
        "    spec: {containers: [{name: my-c, image: my-image-v1}]}\n"
    )
    obj = f._object(csa)
    obj["metadata"]["annotations"] = {mf.LAST_APPLIED: json.dumps(obj)}
    f.update("kubectl-client-side-apply", obj)
    f.apply(
        "kubectl",
        csa.replace("my-app", "my-app-v2")
        .replace("100", "8")
        .replace("my-image-v1", "my-image-v2"),
    )
    assert f.live is not None
    assert f.live["spec"]["replicas"] == 8
    assert "my-image-v2" in f.live["metadata"]["annotations"][mf.LAST_APPLIED]
    assert f.live["metadata"]["annotations"][mf.LAST_APPLIED].endswith("\n")


def test_invalid_last_applied_still_conflicts() -> None:
    """managedfields_test.go TestServerSideApplyWithInvalidLastApplied: a bad annotation
    allows nothing; force takes over and rewrites it."""
    f = deployment_fixture()
    obj = f._object(
        "metadata: {name: my-deployment, labels: {app: my-app-v1}}\nspec: {replicas: 1}"
    )
    obj["metadata"]["annotations"] = {mf.LAST_APPLIED: "invalid-object"}
    f.update("kubectl-client-side-apply-test", obj)
    applied = "metadata: {name: my-deployment, labels: {app: my-app-v2}}\nspec: {replicas: 100}"
    with pytest.raises(errors.StatusError) as info:
        f.apply("kubectl", applied)
    assert info.value.code == 409
    f.apply("kubectl", applied, force=True)
    assert f.live is not None
    assert "my-app-v2" in f.live["metadata"]["annotations"][mf.LAST_APPLIED]


def test_cap_managers_merges_entries() -> None:
    """capmanagers_test.go TestCapManagersManagerMergesEntries (cap 3, via
    `cap_update_managers`)."""
    f = Fixture("Pod", "", "v1")
    labels: dict[str, str] = {}
    for i, name in enumerate(("one", "two", "three", "four"), 1):
        labels[name] = "true"
        f.update(f"fieldmanager_test_update_{i}", {"metadata": {"labels": dict(labels)}})
    managed = mf.decode_managed_fields(f.entries())
    mf.cap_update_managers(managed, 3)
    entries = mf.encode_managed_fields(managed)
    assert [e["manager"] for e in entries] == [
        "ancient-changes",
        "fieldmanager_test_update_3",
        "fieldmanager_test_update_4",
    ]
    assert entries[0]["fieldsV1"] == {
        "f:metadata": {"f:labels": {".": {}, "f:one": {}, "f:two": {}}}
    }


def _entry(name: str, version: str, hour: int, *fields: str) -> Object:
    return {
        "manager": name,
        "operation": "Update",
        "apiVersion": version,
        "time": f"2001-01-01T{hour:02d}:00:00Z",
        "fieldsType": "FieldsV1",
        "fieldsV1": FieldSet.of(*[P("f:" + f) for f in fields]).to_fields_v1(),
    }


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [
        (
            "one version, no ancient changes",
            [
                ("update-manager1", "v1", 1, "a"),
                ("update-manager2", "v1", 2, "b"),
                ("update-manager3", "v1", 3, "c"),
                ("update-manager4", "v1", 4, "d"),
            ],
            [
                ("ancient-changes", "v1", 2, "a", "b"),
                ("update-manager3", "v1", 3, "c"),
                ("update-manager4", "v1", 4, "d"),
            ],
        ),
        (
            "one version, one ancient changes",
            [
                ("ancient-changes", "v1", 2, "a", "b"),
                ("update-manager3", "v1", 3, "c"),
                ("update-manager4", "v1", 4, "d"),
                ("update-manager5", "v1", 5, "e"),
            ],
            [
                ("ancient-changes", "v1", 3, "a", "b", "c"),
                ("update-manager4", "v1", 4, "d"),
                ("update-manager5", "v1", 5, "e"),
            ],
        ),
        (
            "two versions, no ancient changes",
            [
                ("update-manager1", "v1", 1, "a"),
                ("update-manager2", "v2", 2, "b"),
                ("update-manager3", "v1", 3, "c"),
                ("update-manager4", "v1", 4, "d"),
                ("update-manager5", "v1", 5, "e"),
            ],
            [
                ("update-manager2", "v2", 2, "b"),
                ("ancient-changes", "v1", 4, "a", "c", "d"),
                ("update-manager5", "v1", 5, "e"),
            ],
        ),
        (
            "three versions, one ancient changes",
            [
                ("update-manager2", "v2", 2, "b"),
                ("ancient-changes", "v1", 4, "a", "c", "d"),
                ("update-manager5", "v1", 5, "e"),
                ("update-manager6", "v3", 6, "f"),
                ("update-manager7", "v2", 7, "g"),
            ],
            [
                ("ancient-changes", "v1", 5, "a", "c", "d", "e"),
                ("update-manager6", "v3", 6, "f"),
                ("ancient-changes", "v2", 7, "b", "g"),
            ],
        ),
        (
            "three versions, two ancient changes",
            [
                ("ancient-changes", "v1", 5, "a", "c", "d", "e"),
                ("update-manager6", "v3", 6, "f"),
                ("ancient-changes", "v2", 7, "b", "g"),
                ("update-manager8", "v3", 8, "h"),
            ],
            [
                ("ancient-changes", "v1", 5, "a", "c", "d", "e"),
                ("ancient-changes", "v2", 7, "b", "g"),
                ("ancient-changes", "v3", 8, "f", "h"),
            ],
        ),
        (
            "four versions, two ancient changes",
            [
                ("ancient-changes", "v1", 5, "a", "c", "d", "e"),
                ("update-manager6", "v3", 6, "f"),
                ("ancient-changes", "v2", 7, "b", "g"),
                ("update-manager8", "v4", 8, "h"),
            ],
            [
                ("ancient-changes", "v1", 5, "a", "c", "d", "e"),
                ("update-manager6", "v3", 6, "f"),
                ("ancient-changes", "v2", 7, "b", "g"),
                ("update-manager8", "v4", 8, "h"),
            ],
        ),
    ],
)
def test_cap_update_managers(
    name: str, given: list[tuple[Any, ...]], expected: list[tuple[Any, ...]]
) -> None:
    """capmanagers_test.go TestCapUpdateManagers (cap 3)."""
    managed = mf.decode_managed_fields([_entry(*g) for g in given])
    mf.cap_update_managers(managed, 3)
    assert mf.encode_managed_fields(managed) == [_entry(*e) for e in expected], name


def test_update_managers_capped_at_ten() -> None:
    """fieldmanager.go DefaultMaxUpdateManagers: an eleventh Update manager folds the oldest
    two into `ancient-changes`."""
    f = Fixture("Pod", "", "v1")
    labels: dict[str, str] = {}
    for i in range(11):
        labels[f"l{i}"] = "x"
        f.update(f"m{i}", {"metadata": {"labels": dict(labels)}})
    names = [e["manager"] for e in f.entries()]
    assert len(names) == 10
    assert names[0] == "ancient-changes"
    assert "m0" not in names and "m1" not in names


def test_new_conflict_error_multiple_managers() -> None:
    """conflict_test.go TestNewConflictError: several managers are listed sorted by their
    identifier, each with its fields; the subresource is named."""

    def entry(manager: str, operation: str, sub: str = "") -> mf.ManagedEntry:
        return mf.ManagedEntry(manager, operation, "v1", sub, None, FieldSet())

    err = mf.conflict_error(
        [
            mf.Conflict(entry("foo", "Update"), P("f:spec", "f:replicas")),
            mf.Conflict(entry("bar", "Apply"), P("f:metadata", "f:labels", "f:app")),
        ]
    )
    assert err.message == (
        'Apply failed with 2 conflicts: conflicts with "bar":\n- .metadata.labels.app\n'
        'conflicts with "foo" using v1:\n- .spec.replicas'
    )
    assert conflict_fields(err) == [
        ('conflict with "foo" using v1', ".spec.replicas"),
        ('conflict with "bar"', ".metadata.labels.app"),
    ]
    err = mf.conflict_error(
        [mf.Conflict(entry("foo", "Update", "scale"), P("f:spec", "f:replicas"))]
    )
    assert err.message == (
        'Apply failed with 1 conflict: conflict with "foo" with subresource "scale" using v1: '
        ".spec.replicas"
    )


def test_create_entry_shape_matches_upstream() -> None:
    """A create is compared with the kind's empty Go object: `f:spec`, `f:template` and
    `f:containers` carry no "." (as in upstream's `kubectl create deployment` entries)."""
    obj = copy.deepcopy(DEPLOYMENT)
    mf.update_managed_fields(None, obj, "kubectl-create", time="2024-01-01T00:00:00Z")
    [entry] = obj["metadata"]["managedFields"]
    assert entry["manager"] == "kubectl-create" and entry["operation"] == "Update"
    spec = entry["fieldsV1"]["f:spec"]
    assert "." not in spec and "." not in spec["f:template"]
    assert "." not in spec["f:template"]["f:spec"]["f:containers"]
    assert entry["fieldsV1"]["f:metadata"] == {"f:labels": {".": {}, "f:app": {}}}


def test_status_reset_fields() -> None:
    """Reset fields (GetResetFields): the main resource does not own status, `/status` owns
    nothing but status."""
    live = mf.apply(
        None,
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "i"}]},
            "status": {"phase": "Running"},
        },
        "a",
        reset=mf.STATUS,
    )
    fields = live["metadata"]["managedFields"][0]["fieldsV1"]
    assert "f:status" not in fields and "f:spec" in fields
    new = copy.deepcopy(live)
    new["status"] = {"phase": "Succeeded"}
    new["spec"]["containers"][0]["image"] = "j"
    mf.update_managed_fields(
        live, new, "kubelet", subresource="status", reset=mf.reset_fields_for_status([live, new])
    )
    kubelet = [e for e in new["metadata"]["managedFields"] if e["manager"] == "kubelet"]
    assert kubelet[0]["fieldsV1"] == {"f:status": {"f:phase": {}}}
    assert kubelet[0]["subresource"] == "status"


def test_kind_without_schema_is_deduced() -> None:
    """A kind the registry does not know (a custom resource without a schema) is deduced,
    as upstream's DeducedTypeConverter: maps granular, lists atomic."""
    f = Fixture("Unknown", "other.example.com", "v1")
    f.apply("a", "spec: {keep: 1, list: [1, 2], sub: {x: 1}}")
    f.apply("b", "spec: {list: [3]}", force=True)
    assert f.body() == {"spec": {"keep": 1, "list": [3], "sub": {"x": 1}}}
    assert f.managed() == {
        "a": {".spec", ".spec.keep", ".spec.sub", ".spec.sub.x"},
        "b": {".spec", ".spec.list"},
    }
    f.apply("a", "spec: {keep: 1}")
    assert f.body() == {"spec": {"keep": 1, "list": [3]}}
