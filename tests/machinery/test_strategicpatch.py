"""Strategic merge patch application.

Most cases are upstream's, from k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go,
apply side only: `original + twoWay -> modified (or twoWayResult)` and
`current + threeWay -> result`. Each case id names the upstream test it comes from. They run
against the same `mergeItem` schema upstream's tests load from testdata/swagger-merge-item.json.
The kubectl cases at the end use the built-in Deployment and Pod definitions.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any, NamedTuple

import pytest
import yaml

from kapi.machinery.errors import StatusError
from kapi.machinery.openapi import SchemaRegistry
from kapi.machinery.schema import GroupVersionKind as GVK
from kapi.machinery.strategicpatch import (
    StrategicMergePatcher,
    _go_stable_sort,
    apply_strategic_merge_patch,
    has_strategic_merge_schema,
)

MERGE_ITEM = GVK("fake-group", "some-version", "mergeItem")
DEPLOYMENT = GVK("apps", "v1", "Deployment")
POD = GVK("", "v1", "Pod")
PDB = GVK("policy", "v1", "PodDisruptionBudget")

_ITEMS = {"$ref": "#/definitions/mergeItem"}
_INTS = {"type": "integer", "format": "int32"}

# testdata/swagger-merge-item.json, as definitions.
MERGE_ITEM_DEFINITIONS: dict[str, Any] = {
    "mergeItem": {
        "properties": {
            "name": {"type": "string"},
            "value": {"type": "string"},
            "other": {"type": "string"},
            "mergingList": {
                "type": "array", "items": _ITEMS,
                "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
            },
            "nonMergingList": {"type": "array", "items": _ITEMS},
            "mergingIntList": {
                "type": "array", "items": _INTS, "x-kubernetes-patch-strategy": "merge",
            },
            "nonMergingIntList": {"type": "array", "items": _INTS},
            "mergeItemPtr": {
                "$ref": "#/definitions/mergeItem",
                "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
            },
            "simpleMap": {"type": "object", "additionalProperties": {"type": "string"}},
            "replacingItem": {
                "$ref": "#/definitions/io.k8s.apimachinery.pkg.runtime.RawExtension",
                "x-kubernetes-patch-strategy": "replace",
            },
            "retainKeysMap": {
                "$ref": "#/definitions/retainKeysMergeItem",
                "x-kubernetes-patch-strategy": "retainKeys",
            },
            "retainKeysMergingList": {
                "type": "array", "items": _ITEMS,
                "x-kubernetes-patch-merge-key": "name",
                "x-kubernetes-patch-strategy": "merge,retainKeys",
            },
            "jsonItem": {"description": "JSON field"},
        },
        "x-kubernetes-group-version-kind": [
            {"group": "fake-group", "kind": "mergeItem", "version": "some-version"}
        ],
    },
    "retainKeysMergeItem": {
        "properties": {
            "name": {"type": "string"},
            "value": {"type": "string"},
            "other": {"type": "string"},
            "simpleMap": {"additionalProperties": "object", "items": {"type": "string"}},
            "mergingList": {
                "type": "array", "items": _ITEMS,
                "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge",
            },
            "nonMergingList": {"type": "array", "items": _ITEMS},
            "mergingIntList": {
                "type": "array", "items": _INTS, "x-kubernetes-patch-strategy": "merge",
            },
        },
    },
    "io.k8s.apimachinery.pkg.runtime.RawExtension": {
        "required": ["Raw"],
        "properties": {"Raw": {"type": "string", "format": "byte"}},
    },
}


@pytest.fixture(scope="module")
def patcher() -> StrategicMergePatcher:
    registry = SchemaRegistry(builtin=False)
    registry.add_definitions(MERGE_ITEM_DEFINITIONS)
    return StrategicMergePatcher(registry, runtime_definitions=True)


class Case(NamedTuple):
    id: str
    original: str | None
    patch: str
    expected: str | None
    error: str = ""


def _doc(text: str | None) -> Any:
    value = yaml.safe_load(text) if text else None
    return {} if value is None else value


def custom(desc: str, original: str | None, two_way: str, modified: str | None) -> Case:
    return Case(f"TestCustomStrategicMergePatch/{desc}", original, two_way, modified)


def raw(
    test: str,
    desc: str,
    *,
    original: str | None,
    two_way: str,
    modified: str,
    current: str | None = None,
    three_way: str | None = None,
    result: str | None = None,
    two_way_result: str | None = None,
) -> list[Case]:
    cases = [Case(f"{test}/{desc}/two-way", original, two_way, two_way_result or modified)]
    if three_way is not None:
        cases.append(Case(f"{test}/{desc}/three-way", current, three_way, result))
    return cases


def smp(**kw: Any) -> list[Case]:
    return raw("TestStrategicMergePatch", kw.pop("desc"), **kw)


# ---------------------------------------------------------------------------------------------
# TestCustomStrategicMergePatch: customStrategicMergePatchTestCaseData and
# customStrategicMergePatchRawTestCases
# ---------------------------------------------------------------------------------------------

CUSTOM: list[Case] = [
    custom("unique scalars when merging lists",
           "{mergingIntList: [1, 2]}", "{mergingIntList: [2, 3]}", "{mergingIntList: [1, 2, 3]}"),
    custom("delete map from nested map",
           "{simpleMap: {key1: 1, key2: 1}}", "{simpleMap: {$patch: delete}}", "{simpleMap: {}}"),
    custom("delete all items from merging list",
           "{mergingList: [{name: 1}, {name: 2}]}", "{mergingList: [{$patch: replace}]}",
           "{mergingList: []}"),
    custom("merge empty merging lists",
           "{mergingList: []}", "{mergingList: []}", "{mergingList: []}"),
    custom("delete all keys from map", "{name: 1, value: 1}", "{$patch: replace}", "{}"),
    custom("add key and delete all keys from map",
           "{name: 1, value: 1}", "{other: a, $patch: replace}", "{other: a}"),
    custom("delete all duplicate entries in a merging list",
           "{mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]}",
           "{mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]}",
           "{mergingList: [{name: 2, value: a}]}"),
    custom("retainKeys map can add a field when no retainKeys directive present",
           "{retainKeysMap: {name: foo}}", "{retainKeysMap: {value: bar}}",
           "{retainKeysMap: {name: foo, value: bar}}"),
    custom("retainKeys map can change a field when no retainKeys directive present",
           "{retainKeysMap: {name: foo, value: a}}", "{retainKeysMap: {value: b}}",
           "{retainKeysMap: {name: foo, value: b}}"),
    custom("retainKeys map can delete a field when no retainKeys directive present",
           "{retainKeysMap: {name: foo, value: a}}", "{retainKeysMap: {value: null}}",
           "{retainKeysMap: {name: foo}}"),
    custom("retainKeys map merge an empty map",
           "{retainKeysMap: {name: foo, value: a}}", "{retainKeysMap: {}}",
           "{retainKeysMap: {name: foo, value: a}}"),
    custom("retainKeys list can add a field when no retainKeys directive present",
           "{retainKeysMergingList: [{name: bar}, {name: foo}]}",
           "{retainKeysMergingList: [{name: foo, value: a}]}",
           "{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}"),
    custom("retainKeys list can change a field when no retainKeys directive present",
           "{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
           "{retainKeysMergingList: [{name: foo, value: b}]}",
           "{retainKeysMergingList: [{name: bar}, {name: foo, value: b}]}"),
    custom("retainKeys list can delete a field when no retainKeys directive present",
           "{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
           "{retainKeysMergingList: [{name: foo, value: null}]}",
           "{retainKeysMergingList: [{name: bar}, {name: foo}]}"),
    custom("preserve the order from the patch in a merging list",
           "{mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}",
           "{mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]}",
           "{mergingList: [{name: 3, value: c}, {name: 1, value: a},"
           " {name: 2, value: b, other: x}]}"),
    custom("preserve the order from the patch in a merging list 2",
           "{mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}",
           "{mergingList: [{name: 3, value: c}, {name: 1, value: a}]}",
           "{mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]}"),
    custom("preserve the order from the patch in a merging int list",
           "{mergingIntList: [1, 2, 3]}", "{mergingIntList: [3, 1, 2]}",
           "{mergingIntList: [3, 1, 2]}"),
    custom("preserve the order from the patch in a merging int list (partial)",
           "{mergingIntList: [1, 2, 3]}", "{mergingIntList: [3, 1]}",
           "{mergingIntList: [2, 3, 1]}"),
    custom("$setElementOrder contains item that is not present in the list to be merged",
           "{mergingList: [{name: 1}, {name: 3}]}",
           "{$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}],"
           " mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}",
           "{mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}"),
    custom("$setElementOrder contains item that is not present in the int list to be merged",
           "{mergingIntList: [1, 3]}", "{$setElementOrder/mergingIntList: [3, 2, 1]}",
           "{mergingIntList: [3, 1]}"),
    Case("TestCustomStrategicMergePatch/should check if order in $setElementOrder and patch"
         " list match",
         "{mergingList: [{name: 1}, {name: 3}, {name: 2}]}",
         "{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}],"
         " mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}",
         None, "doesn't match"),
    Case("TestCustomStrategicMergePatch/should check if order in $setElementOrder and patch"
         " int list match",
         "{mergingIntList: [1, 3, 2]}",
         "{$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3, 1]}",
         None, "doesn't match"),
    Case("TestCustomStrategicMergePatch/missing merge key should error out",
         "{mergingList: [{name: 1, value: a}]}", "{mergingList: [{value: b}]}",
         None, "does not contain declared merge key"),
    custom("$deleteFromPrimitiveList of nonexistent item in primitive list should not add the"
           " item to the list",
           "{mergingIntList: [1, 2]}", "{$deleteFromPrimitiveList/mergingIntList: [3]}",
           "{mergingIntList: [1, 2]}"),
    custom("$deleteFromPrimitiveList on empty primitive list should not add the item to the"
           " list",
           "{mergingIntList: null}", "{$deleteFromPrimitiveList/mergingIntList: [3]}",
           "{mergingIntList: null}"),
    custom("$deleteFromPrimitiveList on nonexistent primitive list should not add the"
           " primitive list",
           "{foo: [bar]}", "{$deleteFromPrimitiveList/mergingIntList: [3]}", "{foo: [bar]}"),
    custom("$deleteFromPrimitiveList should delete item from a list with merge patch strategy",
           "{mergingIntList: [1, 2, 3]}", "{$deleteFromPrimitiveList/mergingIntList: [2]}",
           "{mergingIntList: [1, 3]}"),
    custom("$deleteFromPrimitiveList should delete item from a list without merge patch"
           " strategy",
           "{nonMergingIntList: [1, 2, 3]}", "{$deleteFromPrimitiveList/nonMergingIntList: [2]}",
           "{nonMergingIntList: [1, 3]}"),
]


# ---------------------------------------------------------------------------------------------
# TestStrategicMergePatch: createStrategicMergePatchTestCaseData
# ---------------------------------------------------------------------------------------------

CREATE: list[Case] = [
    *smp(desc="nil original", original=None, two_way="{name: 1, value: 1}",
         modified="{name: 1, value: 1}", current="{name: 1, other: a}",
         three_way="{value: 1}", result="{name: 1, value: 1, other: a}"),
    *smp(desc="nil patch", original="{name: 1}", two_way="{}", modified="{name: 1}",
         current="{name: 1}", three_way="{}", result="{name: 1}"),
    *smp(desc="add field to map", original="{name: 1}", two_way="{value: 1}",
         modified="{name: 1, value: 1}", current="{name: 1, other: a}",
         three_way="{value: 1}", result="{name: 1, value: 1, other: a}"),
    *smp(desc="add field to map with conflict", original="{name: 1}", two_way="{value: 1}",
         modified="{name: 1, value: 1}", current="{name: a, other: a}",
         three_way="{name: 1, value: 1}", result="{name: 1, value: 1, other: a}"),
    *smp(desc="add field and delete field from map", original="{name: 1}",
         two_way="{name: null, value: 1}", modified="{value: 1}",
         current="{name: 1, other: a}", three_way="{name: null, value: 1}",
         result="{value: 1, other: a}"),
    *smp(desc="add field and delete field from map with conflict", original="{name: 1}",
         two_way="{name: null, value: 1}", modified="{value: 1}",
         current="{name: a, other: a}", three_way="{name: null, value: 1}",
         result="{value: 1, other: a}"),
    *smp(desc="delete field from nested map", original="{simpleMap: {key1: 1, key2: 1}}",
         two_way="{simpleMap: {key2: null}}", modified="{simpleMap: {key1: 1}}",
         current="{simpleMap: {key1: 1, key2: 1, other: a}}",
         three_way="{simpleMap: {key2: null}}", result="{simpleMap: {key1: 1, other: a}}"),
    *smp(desc="delete field from nested map with conflict",
         original="{simpleMap: {key1: 1, key2: 1}}", two_way="{simpleMap: {key2: null}}",
         modified="{simpleMap: {key1: 1}}", current="{simpleMap: {key1: a, key2: 1, other: a}}",
         three_way="{simpleMap: {key1: 1, key2: null}}",
         result="{simpleMap: {key1: 1, other: a}}"),
    *smp(desc="delete all fields from map", original="{name: 1, value: 1}",
         two_way="{name: null, value: null}", modified="{}",
         current="{name: 1, value: 1, other: a}", three_way="{name: null, value: null}",
         result="{other: a}"),
    *smp(desc="delete all fields from map with conflict", original="{name: 1, value: 1}",
         two_way="{name: null, value: null}", modified="{}",
         current="{name: 1, value: a, other: a}", three_way="{name: null, value: null}",
         result="{other: a}"),
    *smp(desc="add field and delete all fields from map", original="{name: 1, value: 1}",
         two_way="{name: null, value: null, other: a}", modified="{other: a}",
         current="{name: 1, value: 1, other: a}", three_way="{name: null, value: null}",
         result="{other: a}"),
    *smp(desc="add field and delete all fields from map with conflict",
         original="{name: 1, value: 1}", two_way="{name: null, value: null, other: a}",
         modified="{other: a}", current="{name: 1, value: 1, other: b}",
         three_way="{name: null, value: null, other: a}", result="{other: a}"),
    *smp(desc="replace list of scalars", original="{nonMergingIntList: [1, 2]}",
         two_way="{nonMergingIntList: [2, 3]}", modified="{nonMergingIntList: [2, 3]}",
         current="{nonMergingIntList: [1, 2]}", three_way="{nonMergingIntList: [2, 3]}",
         result="{nonMergingIntList: [2, 3]}"),
    *smp(desc="replace list of scalars with conflict", original="{nonMergingIntList: [1, 2]}",
         two_way="{nonMergingIntList: [2, 3]}", modified="{nonMergingIntList: [2, 3]}",
         current="{nonMergingIntList: [1, 4]}", three_way="{nonMergingIntList: [2, 3]}",
         result="{nonMergingIntList: [2, 3]}"),
    *smp(desc="delete all maps from merging list",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]}",
         modified="{mergingList: []}", current="{mergingList: [{name: 1}, {name: 2}]}",
         three_way="{mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]}",
         result="{mergingList: []}"),
    *smp(desc="delete all maps from merging list with conflict",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]}",
         modified="{mergingList: []}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, other: b}]}",
         three_way="{mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]}",
         result="{mergingList: []}"),
    *smp(desc="delete all maps from empty merging list",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]}",
         modified="{mergingList: []}", current="{mergingList: []}",
         three_way="{mergingList: [{name: 1, $patch: delete}, {name: 2, $patch: delete}]}",
         result="{mergingList: []}"),
    *smp(desc="merge empty merging lists", original="{mergingList: []}", two_way="{}",
         modified="{mergingList: []}", current="{mergingList: []}", three_way="{}",
         result="{mergingList: []}"),
    *smp(desc="defined null values should propagate overwrite current fields (with conflict)",
         original="{name: 2}", two_way="{name: 1, value: 1, other: null}",
         two_way_result="{name: 1, value: 1}", modified="{name: 1, value: 1, other: null}",
         current="{name: a, other: a}", three_way="{name: 1, value: 1, other: null}",
         result="{name: 1, value: 1}"),
    *smp(desc="defined null values should propagate removing original fields",
         original="{name: original-name, value: original-value}",
         current="{name: original-name, value: original-value, other: current-other}",
         modified="{name: modified-name, value: null}",
         two_way="{name: modified-name, value: null}", two_way_result="{name: modified-name}",
         three_way="{name: modified-name, value: null}",
         result="{name: modified-name, other: current-other}"),
    *smp(desc="nil patch with retainKeys map", original="{name: a, retainKeysMap: {name: foo}}",
         current="{name: a, value: b, retainKeysMap: {name: foo}}",
         modified="{name: a, retainKeysMap: {name: foo}}", two_way="{}", three_way="{}",
         result="{name: a, value: b, retainKeysMap: {name: foo}}"),
    *smp(desc="retainKeys map with no change should not be present",
         original="{name: a, retainKeysMap: {name: foo}}",
         current="{name: a, other: c, retainKeysMap: {name: foo}}",
         modified="{name: a, value: b, retainKeysMap: {name: foo}}",
         two_way="{value: b}", three_way="{value: b}",
         result="{name: a, value: b, other: c, retainKeysMap: {name: foo}}"),
]


# ---------------------------------------------------------------------------------------------
# TestStrategicMergePatch: strategicMergePatchRawTestCases
# ---------------------------------------------------------------------------------------------

ML = "mergingList"
SEO_ML = "$setElementOrder/mergingList"

RAW: list[Case] = [
    *smp(desc="nested patch merge with empty list", original="{name: hi}",
         current="{name: hi, mergingList: [{name: hello2}]}",
         modified="{name: hi, mergingList: [{name: hello},"
                  " {$patch: delete, name: doesntexist}]}",
         two_way="{mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]}",
         three_way="{$setElementOrder/mergingList: [{name: hello}, {name: doesntexist}],"
                   " mergingList: [{name: hello}]}",
         two_way_result="{name: hi, mergingList: [{name: hello}]}",
         result="{name: hi, mergingList: [{name: hello}, {name: hello2}]}"),
    *smp(desc="delete items in lists of scalars", original="{mergingIntList: [1, 2, 3]}",
         two_way="{$setElementOrder/mergingIntList: [1, 2],"
                 " $deleteFromPrimitiveList/mergingIntList: [3]}",
         modified="{mergingIntList: [1, 2]}", current="{mergingIntList: [1, 2, 3, 4]}",
         three_way="{$setElementOrder/mergingIntList: [1, 2],"
                   " $deleteFromPrimitiveList/mergingIntList: [3]}",
         result="{mergingIntList: [1, 2, 4]}"),
    *smp(desc="delete all duplicate items in lists of scalars",
         original="{mergingIntList: [1, 2, 3, 3]}",
         two_way="{$setElementOrder/mergingIntList: [1, 2],"
                 " $deleteFromPrimitiveList/mergingIntList: [3]}",
         modified="{mergingIntList: [1, 2]}", current="{mergingIntList: [1, 2, 3, 3, 4]}",
         three_way="{$setElementOrder/mergingIntList: [1, 2],"
                   " $deleteFromPrimitiveList/mergingIntList: [3]}",
         result="{mergingIntList: [1, 2, 4]}"),
    *smp(desc="add and delete items in lists of scalars", original="{mergingIntList: [1, 2, 3]}",
         two_way="{$setElementOrder/mergingIntList: [1, 2, 4],"
                 " $deleteFromPrimitiveList/mergingIntList: [3], mergingIntList: [4]}",
         modified="{mergingIntList: [1, 2, 4]}", current="{mergingIntList: [1, 2, 3, 4]}",
         three_way="{$setElementOrder/mergingIntList: [1, 2, 4],"
                   " $deleteFromPrimitiveList/mergingIntList: [3]}",
         result="{mergingIntList: [1, 2, 4]}"),
    *smp(desc="merge lists of maps", original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}],"
                 " mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}",
         modified="{mergingList: [{name: 4, value: 4}, {name: 1}, {name: 2, value: 2},"
                  " {name: 3, value: 3}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2},"
                   " {name: 3}], mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}",
         result="{mergingList: [{name: 4, value: 4}, {name: 1, other: a},"
                " {name: 2, value: 2, other: b}, {name: 3, value: 3}]}"),
    *smp(desc="merge lists of maps with conflict",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}],"
                 " mergingList: [{name: 3, value: 3}]}",
         modified="{mergingList: [{name: 1}, {name: 2, value: 2}, {name: 3, value: 3}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 3, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}],"
                   " mergingList: [{name: 2, value: 2}, {name: 3, value: 3}]}",
         result="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b},"
                " {name: 3, value: 3}]}"),
    *smp(desc="add field to map in merging list",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: 1}]}",
         modified="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: 1}]}",
         result="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="add field to map in merging list with conflict",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: 1}]}",
         modified="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 3, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         result="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2},"
                " {name: 3, value: 2, other: b}]}"),
    *smp(desc="add duplicate field to map in merging list",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: 1}]}",
         modified="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{}",
         result="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="delete duplicate field in merging list",
         original="{mergingList: [{name: 1}, {name: 1}]}", two_way="{mergingList: {}}",
         modified="{mergingList: {}}", current="{mergingList: [{name: 1}, {name: 1}]}",
         three_way="{mergingList: {}}", result="{mergingList: {}}"),
    *smp(desc="add an item that already exists in current object in merging list",
         original="{mergingList: [{name: 1, value: a}, {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}],"
                 " mergingList: [{name: 3}]}",
         modified="{mergingList: [{name: 1, value: a}, {name: 2}, {name: 3}]}",
         current="{mergingList: [{name: 1, value: a, other: x}, {name: 2}, {name: 3}]}",
         three_way="{}",
         result="{mergingList: [{name: 1, value: a, other: x}, {name: 2}, {name: 3}]}"),
    *smp(desc="add duplicate field to map in merging list with conflict",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: 1}]}",
         modified="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 3, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 2, value: 2}]}",
         result="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="replace map field value in merging list",
         original="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: a}]}",
         modified="{mergingList: [{name: 1, value: a}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: a}]}",
         result="{mergingList: [{name: 1, value: a, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="replace map field value in merging list with conflict",
         original="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: a}]}",
         modified="{mergingList: [{name: 1, value: a}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, value: 3, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: a}]}",
         result="{mergingList: [{name: 1, value: a, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="delete map from merging list", original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}],"
                 " mergingList: [{name: 1, $patch: delete}]}",
         modified="{mergingList: [{name: 2}]}",
         current="{mergingList: [{name: 1}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}],"
                   " mergingList: [{name: 1, $patch: delete}]}",
         result="{mergingList: [{name: 2, other: b}]}"),
    *smp(desc="delete map from merging list with conflict",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}],"
                 " mergingList: [{name: 1, $patch: delete}]}",
         modified="{mergingList: [{name: 2}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}],"
                   " mergingList: [{name: 1, $patch: delete}]}",
         result="{mergingList: [{name: 2, other: b}]}"),
    *smp(desc="delete missing map from merging list",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}],"
                 " mergingList: [{name: 1, $patch: delete}]}",
         modified="{mergingList: [{name: 2}]}", current="{mergingList: [{name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}],"
                   " mergingList: [{name: 1, $patch: delete}]}",
         result="{mergingList: [{name: 2, other: b}]}"),
    *smp(desc="delete missing map from merging list with conflict",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}],"
                 " mergingList: [{name: 1, $patch: delete}]}",
         modified="{mergingList: [{name: 2}]}", current="{mergingList: [{name: 3, other: a}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}],"
                   " mergingList: [{name: 2}, {name: 1, $patch: delete}]}",
         result="{mergingList: [{name: 2}, {name: 3, other: a}]}"),
    *smp(desc="add map and delete map from merging list",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}, {name: 3}],"
                 " mergingList: [{name: 3}, {name: 1, $patch: delete}]}",
         modified="{mergingList: [{name: 2}, {name: 3}]}",
         current="{mergingList: [{name: 1}, {name: 2, other: b}, {name: 4, other: c}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}, {name: 3}],"
                   " mergingList: [{name: 3}, {name: 1, $patch: delete}]}",
         result="{mergingList: [{name: 2, other: b}, {name: 4, other: c}, {name: 3}]}"),
    *smp(desc="add map and delete map from merging list with conflict",
         original="{mergingList: [{name: 1}, {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}, {name: 3}],"
                 " mergingList: [{name: 3}, {name: 1, $patch: delete}]}",
         modified="{mergingList: [{name: 2}, {name: 3}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 4, other: c}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}, {name: 3}],"
                   " mergingList: [{name: 2}, {name: 3}, {name: 1, $patch: delete}]}",
         result="{mergingList: [{name: 4, other: c}, {name: 2}, {name: 3}]}"),
    *smp(desc="delete field from map in merging list",
         original="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: null}]}",
         modified="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: null}]}",
         result="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="delete field from map in merging list with conflict",
         original="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: null}]}",
         modified="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, value: a, other: a}, {name: 2, value: 2}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: null}]}",
         result="{mergingList: [{name: 1, other: a}, {name: 2, value: 2}]}"),
    *smp(desc="delete missing field from map in merging list",
         original="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: null}]}",
         modified="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: null}]}",
         result="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="delete missing field from map in merging list with conflict",
         original="{mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, value: null}]}",
         modified="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, value: null}, {name: 2, value: 2}]}",
         result="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}"),
    *smp(desc="replace non merging list nested in merging list",
         original="{mergingList: [{name: 1, nonMergingList: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]}",
         modified="{mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]},"
                  " {name: 2}]}",
         current="{mergingList: [{name: 1, other: a, nonMergingList: [{name: 1},"
                 " {name: 2, value: 2}]}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]}",
         result="{mergingList: [{name: 1, other: a, nonMergingList: [{name: 1, value: 1}]},"
                " {name: 2, other: b}]}"),
    *smp(desc="replace non merging list nested in merging list with value conflict",
         original="{mergingList: [{name: 1, nonMergingList: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]}",
         modified="{mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]},"
                  " {name: 2}]}",
         current="{mergingList: [{name: 1, other: a, nonMergingList: [{name: 1, value: c}]},"
                 " {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]}",
         result="{mergingList: [{name: 1, other: a, nonMergingList: [{name: 1, value: 1}]},"
                " {name: 2, other: b}]}"),
    *smp(desc="replace non merging list nested in merging list with deletion conflict",
         original="{mergingList: [{name: 1, nonMergingList: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]}",
         modified="{mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]},"
                  " {name: 2}]}",
         current="{mergingList: [{name: 1, other: a, nonMergingList: [{name: 2, value: 2}]},"
                 " {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{name: 1, nonMergingList: [{name: 1, value: 1}]}]}",
         result="{mergingList: [{name: 1, other: a, nonMergingList: [{name: 1, value: 1}]},"
                " {name: 2, other: b}]}"),
    *smp(desc="add field to map in merging list nested in merging list",
         original="{mergingList: [{name: 1, mergingList: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " name: 1, mergingList: [{name: 1, value: 1}]}]}",
         modified="{mergingList: [{name: 1, mergingList: [{name: 1, value: 1},"
                  " {name: 2, value: 2}]}, {name: 2}]}",
         current="{mergingList: [{name: 1, other: a, mergingList: [{name: 1},"
                 " {name: 2, value: 2}]}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " name: 1, mergingList: [{name: 1, value: 1}]}]}",
         result="{mergingList: [{name: 1, other: a, mergingList: [{name: 1, value: 1},"
                " {name: 2, value: 2}]}, {name: 2, other: b}]}"),
    *smp(desc="add field to map in merging list nested in merging list with value conflict",
         original="{mergingList: [{name: 1, mergingList: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " name: 1, mergingList: [{name: 1, value: 1}]}]}",
         modified="{mergingList: [{name: 1, mergingList: [{name: 1, value: 1},"
                  " {name: 2, value: 2}]}, {name: 2}]}",
         current="{mergingList: [{name: 1, other: a, mergingList: [{name: 1, value: a,"
                 " other: c}, {name: 2, value: b, other: d}]}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " name: 1, mergingList: [{name: 1, value: 1}, {name: 2, value: 2}]}]}",
         result="{mergingList: [{name: 1, other: a, mergingList: [{name: 1, value: 1,"
                " other: c}, {name: 2, value: 2, other: d}]}, {name: 2, other: b}]}"),
    *smp(desc="add field to map in merging list nested in merging list with deletion conflict",
         original="{mergingList: [{name: 1, mergingList: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                 " mergingList: [{$setElementOrder/mergingList: [{name: 2}, {name: 1}],"
                 " name: 1, mergingList: [{name: 1, value: 1}]}]}",
         modified="{mergingList: [{name: 1, mergingList: [{name: 2, value: 2},"
                  " {name: 1, value: 1}]}, {name: 2}]}",
         current="{mergingList: [{name: 1, other: a, mergingList: [{name: 2, value: 2,"
                 " other: d}]}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 2}],"
                   " mergingList: [{$setElementOrder/mergingList: [{name: 2}, {name: 1}],"
                   " name: 1, mergingList: [{name: 1, value: 1}]}]}",
         result="{mergingList: [{name: 1, other: a, mergingList: [{name: 2, value: 2,"
                " other: d}, {name: 1, value: 1}]}, {name: 2, other: b}]}"),
    *smp(desc="add map to merging list by pointer", original="{mergeItemPtr: [{name: 1}]}",
         two_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                 " mergeItemPtr: [{name: 2}]}",
         modified="{mergeItemPtr: [{name: 1}, {name: 2}]}",
         current="{mergeItemPtr: [{name: 1, other: a}, {name: 3}]}",
         three_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                   " mergeItemPtr: [{name: 2}]}",
         result="{mergeItemPtr: [{name: 1, other: a}, {name: 2}, {name: 3}]}"),
    *smp(desc="add map to merging list by pointer with conflict",
         original="{mergeItemPtr: [{name: 1}]}",
         two_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                 " mergeItemPtr: [{name: 2}]}",
         modified="{mergeItemPtr: [{name: 1}, {name: 2}]}", current="{mergeItemPtr: [{name: 3}]}",
         three_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                   " mergeItemPtr: [{name: 1}, {name: 2}]}",
         result="{mergeItemPtr: [{name: 1}, {name: 2}, {name: 3}]}"),
    *smp(desc="add field to map in merging list by pointer",
         original="{mergeItemPtr: [{name: 1, mergeItemPtr: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                 " mergeItemPtr: [{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                 " name: 1, mergeItemPtr: [{name: 1, value: 1}]}]}",
         modified="{mergeItemPtr: [{name: 1, mergeItemPtr: [{name: 1, value: 1},"
                  " {name: 2, value: 2}]}, {name: 2}]}",
         current="{mergeItemPtr: [{name: 1, other: a, mergeItemPtr: [{name: 1, other: a},"
                 " {name: 2, value: 2, other: b}]}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                   " mergeItemPtr: [{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                   " name: 1, mergeItemPtr: [{name: 1, value: 1}]}]}",
         result="{mergeItemPtr: [{name: 1, other: a, mergeItemPtr: [{name: 1, value: 1,"
                " other: a}, {name: 2, value: 2, other: b}]}, {name: 2, other: b}]}"),
    *smp(desc="add field to map in merging list by pointer with conflict",
         original="{mergeItemPtr: [{name: 1, mergeItemPtr: [{name: 1}, {name: 2, value: 2}]},"
                  " {name: 2}]}",
         two_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                 " mergeItemPtr: [{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                 " name: 1, mergeItemPtr: [{name: 1, value: 1}]}]}",
         modified="{mergeItemPtr: [{name: 1, mergeItemPtr: [{name: 1, value: 1},"
                  " {name: 2, value: 2}]}, {name: 2}]}",
         current="{mergeItemPtr: [{name: 1, other: a, mergeItemPtr: [{name: 1, value: a},"
                 " {name: 2, value: 2, other: b}]}, {name: 2, other: b}]}",
         three_way="{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                   " mergeItemPtr: [{$setElementOrder/mergeItemPtr: [{name: 1}, {name: 2}],"
                   " name: 1, mergeItemPtr: [{name: 1, value: 1}]}]}",
         result="{mergeItemPtr: [{name: 1, other: a, mergeItemPtr: [{name: 1, value: 1},"
                " {name: 2, value: 2, other: b}]}, {name: 2, other: b}]}"),
    *smp(desc="merge lists of scalars", original="{mergingIntList: [1, 2]}",
         two_way="{$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3]}",
         modified="{mergingIntList: [1, 2, 3]}", current="{mergingIntList: [1, 2, 4]}",
         three_way="{$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3]}",
         result="{mergingIntList: [1, 2, 3, 4]}"),
    *smp(desc="add duplicate field to map in merging int list", original="{mergingIntList: [1, 2]}",
         two_way="{$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3]}",
         modified="{mergingIntList: [1, 2, 3]}", current="{mergingIntList: [1, 2, 3]}",
         three_way="{}", result="{mergingIntList: [1, 2, 3]}"),
    *smp(desc="add an item in a list of primitives and preserve order",
         original="{mergingIntList: [1, 2]}",
         two_way="{$setElementOrder/mergingIntList: [3, 1, 2], mergingIntList: [3]}",
         modified="{mergingIntList: [3, 1, 2]}", current="{mergingIntList: [1, 4, 2]}",
         three_way="{$setElementOrder/mergingIntList: [3, 1, 2], mergingIntList: [3]}",
         result="{mergingIntList: [3, 1, 4, 2]}"),
    *smp(desc="delete an item in a list of primitives and preserve order",
         original="{mergingIntList: [1, 2, 3]}",
         two_way="{$setElementOrder/mergingIntList: [2, 1],"
                 " $deleteFromPrimitiveList/mergingIntList: [3]}",
         modified="{mergingIntList: [2, 1]}", current="{mergingIntList: [1, 2, 3]}",
         three_way="{$setElementOrder/mergingIntList: [2, 1],"
                   " $deleteFromPrimitiveList/mergingIntList: [3]}",
         result="{mergingIntList: [2, 1]}"),
    *smp(desc="add an item in a list and preserve order",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 3}, {name: 1}, {name: 2}],"
                 " mergingList: [{name: 3, value: 3}]}",
         modified="{mergingList: [{name: 3, value: 3}, {name: 1}, {name: 2, value: 2}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 3}, {name: 1}, {name: 2}],"
                   " mergingList: [{name: 3, value: 3}]}",
         result="{mergingList: [{name: 3, value: 3}, {name: 1, other: a},"
                " {name: 2, value: 2, other: b}]}"),
    *smp(desc="add multiple items in a list and preserve order",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 1}, {name: 4}, {name: 2}, {name: 3}],"
                 " mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}",
         modified="{mergingList: [{name: 1}, {name: 4, value: 4}, {name: 2, value: 2},"
                  " {name: 3, value: 3}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}",
         three_way="{$setElementOrder/mergingList: [{name: 1}, {name: 4}, {name: 2},"
                   " {name: 3}], mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]}",
         result="{mergingList: [{name: 1, other: a}, {name: 4, value: 4},"
                " {name: 2, value: 2, other: b}, {name: 3, value: 3}]}"),
    *smp(desc="delete an item in a list and preserve order",
         original="{mergingList: [{name: 1}, {name: 3, value: 3}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}],"
                 " mergingList: [{name: 3, $patch: delete}]}",
         modified="{mergingList: [{name: 2, value: 2}, {name: 1}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b},"
                 " {name: 3, value: 3}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}],"
                   " mergingList: [{name: 3, $patch: delete}]}",
         result="{mergingList: [{name: 2, value: 2, other: b}, {name: 1, other: a}]}"),
    *smp(desc="change an item in a list and preserve order",
         original="{mergingList: [{name: 1}, {name: 3, value: 3}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}, {name: 3}, {name: 1}],"
                 " mergingList: [{name: 3, value: x}]}",
         modified="{mergingList: [{name: 2, value: 2}, {name: 3, value: x}, {name: 1}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b},"
                 " {name: 3, value: 3}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}, {name: 3}, {name: 1}],"
                   " mergingList: [{name: 3, value: x}]}",
         result="{mergingList: [{name: 2, value: 2, other: b}, {name: 3, value: x},"
                " {name: 1, other: a}]}"),
    *smp(desc="add and delete an item in a list and preserve order",
         original="{mergingList: [{name: 1}, {name: 3, value: 3}, {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 1}],"
                 " mergingList: [{name: 4, value: 4}, {name: 3, $patch: delete}]}",
         modified="{mergingList: [{name: 4, value: 4}, {name: 2, value: 2}, {name: 1}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b},"
                 " {name: 3, value: 3}]}",
         three_way="{$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 1}],"
                   " mergingList: [{name: 4, value: 4}, {name: 3, $patch: delete}]}",
         result="{mergingList: [{name: 4, value: 4}, {name: 2, value: 2, other: b},"
                " {name: 1, other: a}]}"),
    *smp(desc="set elements order in a list",
         original="{mergingList: [{name: 1}, {name: 3, value: 3}, {name: 4, value: 4},"
                  " {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3}, {name: 1}]}",
         modified="{mergingList: [{name: 4, value: 4}, {name: 2, value: 2},"
                  " {name: 3, value: 3}, {name: 1}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 3, value: 3},"
                 " {name: 4, value: 4}, {name: 2, value: 2}]}",
         three_way="{$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3},"
                   " {name: 1}]}",
         result="{mergingList: [{name: 4, value: 4}, {name: 2, value: 2},"
                " {name: 3, value: 3}, {name: 1, other: a}]}"),
    *smp(desc="set elements order in a list with server-only items",
         original="{mergingList: [{name: 1}, {name: 3, value: 3}, {name: 4, value: 4},"
                  " {name: 2, value: 2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3}, {name: 1}]}",
         modified="{mergingList: [{name: 4, value: 4}, {name: 2, value: 2},"
                  " {name: 3, value: 3}, {name: 1}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 3, value: 3},"
                 " {name: 4, value: 4}, {name: 2, value: 2}, {name: 9}]}",
         three_way="{$setElementOrder/mergingList: [{name: 4}, {name: 2}, {name: 3},"
                   " {name: 1}]}",
         result="{mergingList: [{name: 4, value: 4}, {name: 2, value: 2},"
                " {name: 3, value: 3}, {name: 1, other: a}, {name: 9}]}"),
    *smp(desc="set elements order in a list with server-only items 2",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}, {name: 3, value: 3},"
                  " {name: 4, value: 4}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]}",
         modified="{mergingList: [{name: 2, value: 2}, {name: 1}, {name: 4, value: 4},"
                  " {name: 3, value: 3}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2}, {name: 9},"
                 " {name: 3, value: 3}, {name: 4, value: 4}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4},"
                   " {name: 3}]}",
         result="{mergingList: [{name: 2, value: 2}, {name: 1, other: a}, {name: 9},"
                " {name: 4, value: 4}, {name: 3, value: 3}]}"),
    *smp(desc="set elements order in a list with server-only items 3",
         original="{mergingList: [{name: 1}, {name: 2, value: 2}, {name: 3, value: 3},"
                  " {name: 4, value: 4}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3}]}",
         modified="{mergingList: [{name: 2, value: 2}, {name: 1}, {name: 4, value: 4},"
                  " {name: 3, value: 3}]}",
         current="{mergingList: [{name: 1, other: a}, {name: 2, value: 2}, {name: 7},"
                 " {name: 9}, {name: 8}, {name: 3, value: 3}, {name: 4, value: 4}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4},"
                   " {name: 3}]}",
         result="{mergingList: [{name: 2, value: 2}, {name: 1, other: a}, {name: 7},"
                " {name: 9}, {name: 8}, {name: 4, value: 4}, {name: 3, value: 3}]}"),
    *smp(desc="add an item in a int list and preserve order",
         original="{mergingIntList: [1, 2]}",
         two_way="{$setElementOrder/mergingIntList: [3, 1, 2], mergingIntList: [3]}",
         modified="{mergingIntList: [3, 1, 2]}", current="{mergingIntList: [1, 2]}",
         three_way="{$setElementOrder/mergingIntList: [3, 1, 2], mergingIntList: [3]}",
         result="{mergingIntList: [3, 1, 2]}"),
    *smp(desc="add multiple items in a int list and preserve order",
         original="{mergingIntList: [1, 2]}",
         two_way="{$setElementOrder/mergingIntList: [1, 4, 2, 3], mergingIntList: [4, 3]}",
         modified="{mergingIntList: [1, 4, 2, 3]}", current="{mergingIntList: [1, 2]}",
         three_way="{$setElementOrder/mergingIntList: [1, 4, 2, 3], mergingIntList: [4, 3]}",
         result="{mergingIntList: [1, 4, 2, 3]}"),
    *smp(desc="delete an item in a int list and preserve order",
         original="{mergingIntList: [1, 3, 2]}",
         two_way="{$setElementOrder/mergingIntList: [2, 1],"
                 " $deleteFromPrimitiveList/mergingIntList: [3]}",
         modified="{mergingIntList: [2, 1]}", current="{mergingIntList: [1, 2, 3]}",
         three_way="{$setElementOrder/mergingIntList: [2, 1],"
                   " $deleteFromPrimitiveList/mergingIntList: [3]}",
         result="{mergingIntList: [2, 1]}"),
    *smp(desc="add and delete an item in a int list and preserve order",
         original="{mergingIntList: [1, 3, 2]}",
         two_way="{$setElementOrder/mergingIntList: [4, 2, 1], mergingIntList: [4],"
                 " $deleteFromPrimitiveList/mergingIntList: [3]}",
         modified="{mergingIntList: [4, 2, 1]}", current="{mergingIntList: [1, 2, 3]}",
         three_way="{$setElementOrder/mergingIntList: [4, 2, 1], mergingIntList: [4],"
                   " $deleteFromPrimitiveList/mergingIntList: [3]}",
         result="{mergingIntList: [4, 2, 1]}"),
    *smp(desc="set elements order in a int list", original="{mergingIntList: [1, 3, 4, 2]}",
         two_way="{$setElementOrder/mergingIntList: [4, 2, 3, 1]}",
         modified="{mergingIntList: [4, 2, 3, 1]}", current="{mergingIntList: [1, 3, 4, 2]}",
         three_way="{$setElementOrder/mergingIntList: [4, 2, 3, 1]}",
         result="{mergingIntList: [4, 2, 3, 1]}"),
    *smp(desc="set elements order in a int list with server-only items",
         original="{mergingIntList: [1, 3, 4, 2]}",
         two_way="{$setElementOrder/mergingIntList: [4, 2, 3, 1]}",
         modified="{mergingIntList: [4, 2, 3, 1]}", current="{mergingIntList: [1, 3, 4, 2, 9]}",
         three_way="{$setElementOrder/mergingIntList: [4, 2, 3, 1]}",
         result="{mergingIntList: [4, 2, 3, 1, 9]}"),
    *smp(desc="set elements order in a int list with server-only items 2",
         original="{mergingIntList: [1, 2, 3, 4]}",
         two_way="{$setElementOrder/mergingIntList: [2, 1, 4, 3]}",
         modified="{mergingIntList: [2, 1, 4, 3]}", current="{mergingIntList: [1, 2, 9, 3, 4]}",
         three_way="{$setElementOrder/mergingIntList: [2, 1, 4, 3]}",
         result="{mergingIntList: [2, 1, 9, 4, 3]}"),
    *smp(desc="set elements order in a int list with server-only items 3",
         original="{mergingIntList: [1, 2, 3, 4]}",
         two_way="{$setElementOrder/mergingIntList: [2, 1, 4, 3]}",
         modified="{mergingIntList: [2, 1, 4, 3]}",
         current="{mergingIntList: [1, 2, 7, 9, 8, 3, 4]}",
         three_way="{$setElementOrder/mergingIntList: [2, 1, 4, 3]}",
         result="{mergingIntList: [2, 1, 7, 9, 8, 4, 3]}"),
    *smp(desc="behavior of set element order for a merging list with duplicate",
         original="{mergingList: [{name: 1}, {name: 2, value: dup1}, {name: 3},"
                  " {name: 2, value: dup2}, {name: 4}]}",
         current="{mergingList: [{name: 1}, {name: 2, value: dup1}, {name: 3},"
                 " {name: 2, value: dup2}, {name: 4}]}",
         modified="{mergingList: [{name: 2, value: dup1}, {name: 1}, {name: 4}, {name: 3},"
                  " {name: 2, value: dup2}]}",
         two_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4}, {name: 3},"
                 " {name: 2}]}",
         two_way_result="{mergingList: [{name: 2, value: dup1}, {name: 2, value: dup2},"
                        " {name: 1}, {name: 4}, {name: 3}]}",
         three_way="{$setElementOrder/mergingList: [{name: 2}, {name: 1}, {name: 4},"
                   " {name: 3}, {name: 2}]}",
         result="{mergingList: [{name: 2, value: dup1}, {name: 2, value: dup2}, {name: 1},"
                " {name: 4}, {name: 3}]}"),
    *smp(desc="behavior of set element order for a merging int list with duplicate",
         original="{mergingIntList: [1, 2, 3, 2, 4]}", current="{mergingIntList: [1, 2, 3, 2, 4]}",
         modified="{mergingIntList: [2, 1, 4, 3, 2]}",
         two_way="{$setElementOrder/mergingIntList: [2, 1, 4, 3, 2]}",
         two_way_result="{mergingIntList: [2, 2, 1, 4, 3]}",
         three_way="{$setElementOrder/mergingIntList: [2, 1, 4, 3, 2]}",
         result="{mergingIntList: [2, 2, 1, 4, 3]}"),
    *smp(desc="retainKeys map should clear defaulted field", original="{}",
         current="{retainKeysMap: {value: foo}}", modified="{retainKeysMap: {other: bar}}",
         two_way="{retainKeysMap: {other: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [other], other: bar}}",
         result="{retainKeysMap: {other: bar}}"),
    *smp(desc="retainKeys map should clear defaulted field with conflict (discriminated union)",
         original="{}", current="{retainKeysMap: {name: type1, value: foo}}",
         modified="{retainKeysMap: {name: type2, other: bar}}",
         two_way="{retainKeysMap: {name: type2, other: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [name, other], name: type2, other: bar}}",
         result="{retainKeysMap: {name: type2, other: bar}}"),
    *smp(desc="retainKeys map adds a field", original="{retainKeysMap: {name: foo}}",
         current="{retainKeysMap: {name: foo}}",
         modified="{retainKeysMap: {name: foo, value: bar}}",
         two_way="{retainKeysMap: {$retainKeys: [name, value], value: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [name, value], value: bar}}",
         result="{retainKeysMap: {name: foo, value: bar}}"),
    *smp(desc="retainKeys map adds a field and clear a field",
         original="{retainKeysMap: {name: foo}}", current="{retainKeysMap: {name: foo, other: a}}",
         modified="{retainKeysMap: {name: foo, value: bar}}",
         two_way="{retainKeysMap: {$retainKeys: [name, value], value: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [name, value], value: bar}}",
         result="{retainKeysMap: {name: foo, value: bar}}"),
    *smp(desc="retainKeys map deletes a field", original="{retainKeysMap: {name: foo, value: bar}}",
         current="{retainKeysMap: {name: foo, value: bar}}",
         modified="{retainKeysMap: {name: foo}}",
         two_way="{retainKeysMap: {$retainKeys: [name], value: null}}",
         three_way="{retainKeysMap: {$retainKeys: [name], value: null}}",
         result="{retainKeysMap: {name: foo}}"),
    *smp(desc="retainKeys map deletes a field and clears a field",
         original="{retainKeysMap: {name: foo, value: bar}}",
         current="{retainKeysMap: {name: foo, value: bar, other: a}}",
         modified="{retainKeysMap: {name: foo}}",
         two_way="{retainKeysMap: {$retainKeys: [name], value: null}}",
         three_way="{retainKeysMap: {$retainKeys: [name], value: null}}",
         result="{retainKeysMap: {name: foo}}"),
    *smp(desc="retainKeys map clears a field", original="{retainKeysMap: {name: foo, value: bar}}",
         current="{retainKeysMap: {name: foo, value: bar, other: a}}",
         modified="{retainKeysMap: {name: foo, value: bar}}", two_way="{}",
         three_way="{retainKeysMap: {$retainKeys: [name, value]}}",
         result="{retainKeysMap: {name: foo, value: bar}}"),
    *smp(desc="retainKeys map nested map with no change",
         original="{retainKeysMap: {name: foo, simpleMap: {key1: a}}}",
         current="{retainKeysMap: {name: foo, simpleMap: {key1: a}}}",
         modified="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a}}}",
         two_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value], value: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value], value: bar}}",
         result="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a}}}"),
    *smp(desc="retainKeys map adds a field in a nested map",
         original="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a}}}",
         current="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key3: c}}}",
         modified="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key2: b}}}",
         two_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                 " simpleMap: {key2: b}}}",
         three_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                   " simpleMap: {key2: b}}}",
         result="{retainKeysMap: {name: foo, value: bar,"
                " simpleMap: {key1: a, key2: b, key3: c}}}"),
    *smp(desc="retainKeys map deletes a field in a nested map",
         original="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key2: b}}}",
         current="{retainKeysMap: {name: foo, value: bar,"
                 " simpleMap: {key1: a, key2: b, key3: c}}}",
         modified="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a}}}",
         two_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                 " simpleMap: {key2: null}}}",
         three_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                   " simpleMap: {key2: null}}}",
         result="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key3: c}}}"),
    *smp(desc="retainKeys map changes a field in a nested map",
         original="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: a, key2: b}}}",
         current="{retainKeysMap: {name: foo, value: bar,"
                 " simpleMap: {key1: a, key2: b, key3: c}}}",
         modified="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: x, key2: b}}}",
         two_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                 " simpleMap: {key1: x}}}",
         three_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                   " simpleMap: {key1: x}}}",
         result="{retainKeysMap: {name: foo, value: bar,"
                " simpleMap: {key1: x, key2: b, key3: c}}}"),
    *smp(desc="retainKeys map changes a field in a nested map with conflict",
         original="{retainKeysMap: {name: foo, value: bar, simpleMap: {key1: old, key2: b}}}",
         current="{retainKeysMap: {name: foo, value: bar,"
                 " simpleMap: {key1: new, key2: b, key3: c}}}",
         modified="{retainKeysMap: {name: foo, value: bar,"
                  " simpleMap: {key1: modified, key2: b}}}",
         two_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                 " simpleMap: {key1: modified}}}",
         three_way="{retainKeysMap: {$retainKeys: [name, simpleMap, value],"
                   " simpleMap: {key1: modified}}}",
         result="{retainKeysMap: {name: foo, value: bar,"
                " simpleMap: {key1: modified, key2: b, key3: c}}}"),
    *smp(desc="retainKeys map replaces non-merging list",
         original="{retainKeysMap: {name: foo, value: bar,"
                  " nonMergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo, value: bar,"
                 " nonMergingList: [{name: a}, {name: b}]}}",
         modified="{retainKeysMap: {name: foo, value: bar,"
                  " nonMergingList: [{name: a}, {name: c}, {name: b}]}}",
         two_way="{retainKeysMap: {$retainKeys: [name, nonMergingList, value],"
                 " nonMergingList: [{name: a}, {name: c}, {name: b}]}}",
         three_way="{retainKeysMap: {$retainKeys: [name, nonMergingList, value],"
                   " nonMergingList: [{name: a}, {name: c}, {name: b}]}}",
         result="{retainKeysMap: {name: foo, value: bar,"
                " nonMergingList: [{name: a}, {name: c}, {name: b}]}}"),
    *smp(desc="retainKeys map nested non-merging list with no change with conflict",
         original="{retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo,"
                 " nonMergingList: [{name: a}, {name: b}, {name: c}]}}",
         modified="{retainKeysMap: {name: foo, value: bar,"
                  " nonMergingList: [{name: a}, {name: b}]}}",
         two_way="{retainKeysMap: {$retainKeys: [name, nonMergingList, value], value: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [name, nonMergingList, value], value: bar,"
                   " nonMergingList: [{name: a}, {name: b}]}}",
         result="{retainKeysMap: {name: foo, value: bar,"
                " nonMergingList: [{name: a}, {name: b}]}}"),
    *smp(desc="retainKeys map nested non-merging list with no change",
         original="{retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}}",
         modified="{retainKeysMap: {name: foo, value: bar,"
                  " nonMergingList: [{name: a}, {name: b}]}}",
         two_way="{retainKeysMap: {$retainKeys: [name, nonMergingList, value], value: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [name, nonMergingList, value], value: bar}}",
         result="{retainKeysMap: {name: foo, value: bar,"
                " nonMergingList: [{name: a}, {name: b}]}}"),
    *smp(desc="retainKeys map deletes nested non-merging list",
         original="{retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}}",
         modified="{retainKeysMap: {name: foo, value: bar}}",
         two_way="{retainKeysMap: {$retainKeys: [name, value], value: bar,"
                 " nonMergingList: null}}",
         three_way="{retainKeysMap: {$retainKeys: [name, value], value: bar,"
                   " nonMergingList: null}}",
         result="{retainKeysMap: {name: foo, value: bar}}"),
    *smp(desc="retainKeys map delete nested non-merging list with conflict",
         original="{retainKeysMap: {name: foo, nonMergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo,"
                 " nonMergingList: [{name: a}, {name: b}, {name: c}]}}",
         modified="{retainKeysMap: {name: foo, value: bar}}",
         two_way="{retainKeysMap: {$retainKeys: [name, value], value: bar,"
                 " nonMergingList: null}}",
         three_way="{retainKeysMap: {$retainKeys: [name, value], value: bar,"
                   " nonMergingList: null}}",
         result="{retainKeysMap: {name: foo, value: bar}}"),
    *smp(desc="retainKeys map nested merging int list with no change",
         original="{retainKeysMap: {name: foo, mergingIntList: [1, 2]}}",
         current="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}}",
         modified="{retainKeysMap: {name: foo, value: bar, mergingIntList: [1, 2]}}",
         two_way="{retainKeysMap: {$retainKeys: [mergingIntList, name, value], value: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [mergingIntList, name, value],"
                   " $setElementOrder/mergingIntList: [1, 2], value: bar}}",
         result="{retainKeysMap: {name: foo, value: bar, mergingIntList: [1, 2, 3]}}"),
    *smp(desc="retainKeys map adds an item in nested merging int list",
         original="{retainKeysMap: {name: foo, mergingIntList: [1, 2]}}",
         current="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}}",
         modified="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 4]}}",
         two_way="{retainKeysMap: {$setElementOrder/mergingIntList: [1, 2, 4],"
                 " $retainKeys: [mergingIntList, name], mergingIntList: [4]}}",
         three_way="{retainKeysMap: {$setElementOrder/mergingIntList: [1, 2, 4],"
                   " $retainKeys: [mergingIntList, name], mergingIntList: [4]}}",
         result="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 4, 3]}}"),
    *smp(desc="retainKeys map deletes an item in nested merging int list",
         original="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}}",
         current="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3, 4]}}",
         modified="{retainKeysMap: {name: foo, mergingIntList: [1, 3]}}",
         two_way="{retainKeysMap: {$retainKeys: [mergingIntList, name],"
                 " $deleteFromPrimitiveList/mergingIntList: [2],"
                 " $setElementOrder/mergingIntList: [1, 3]}}",
         three_way="{retainKeysMap: {$retainKeys: [mergingIntList, name],"
                   " $deleteFromPrimitiveList/mergingIntList: [2],"
                   " $setElementOrder/mergingIntList: [1, 3]}}",
         result="{retainKeysMap: {name: foo, mergingIntList: [1, 3, 4]}}"),
    *smp(desc="retainKeys map adds an item and deletes an item in nested merging int list",
         original="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}}",
         current="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3, 4]}}",
         modified="{retainKeysMap: {name: foo, mergingIntList: [1, 3, 5]}}",
         two_way="{retainKeysMap: {$retainKeys: [mergingIntList, name], mergingIntList: [5],"
                 " $deleteFromPrimitiveList/mergingIntList: [2],"
                 " $setElementOrder/mergingIntList: [1, 3, 5]}}",
         three_way="{retainKeysMap: {$retainKeys: [mergingIntList, name], mergingIntList: [5],"
                   " $deleteFromPrimitiveList/mergingIntList: [2],"
                   " $setElementOrder/mergingIntList: [1, 3, 5]}}",
         result="{retainKeysMap: {name: foo, mergingIntList: [1, 3, 5, 4]}}"),
    *smp(desc="retainKeys map deletes nested merging int list",
         original="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}}",
         current="{retainKeysMap: {name: foo, mergingIntList: [1, 2, 3]}}",
         modified="{retainKeysMap: {name: foo}}",
         two_way="{retainKeysMap: {$retainKeys: [name], mergingIntList: null}}",
         three_way="{retainKeysMap: {$retainKeys: [name], mergingIntList: null}}",
         result="{retainKeysMap: {name: foo}}"),
    *smp(desc="retainKeys map nested merging list with no change",
         original="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}, {name: c}]}}",
         modified="{retainKeysMap: {name: foo, value: bar,"
                  " mergingList: [{name: a}, {name: b}]}}",
         two_way="{retainKeysMap: {$retainKeys: [mergingList, name, value], value: bar}}",
         three_way="{retainKeysMap: {$retainKeys: [mergingList, name, value],"
                   " $setElementOrder/mergingList: [{name: a}, {name: b}], value: bar}}",
         result="{retainKeysMap: {name: foo, value: bar,"
                " mergingList: [{name: a}, {name: b}, {name: c}]}}"),
    *smp(desc="retainKeys map adds an item in nested merging list",
         original="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}, {name: x}]}}",
         modified="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}, {name: c}]}}",
         two_way="{retainKeysMap: {$retainKeys: [mergingList, name],"
                 " $setElementOrder/mergingList: [{name: a}, {name: b}, {name: c}],"
                 " mergingList: [{name: c}]}}",
         three_way="{retainKeysMap: {$retainKeys: [mergingList, name],"
                   " $setElementOrder/mergingList: [{name: a}, {name: b}, {name: c}],"
                   " mergingList: [{name: c}]}}",
         result="{retainKeysMap: {name: foo,"
                " mergingList: [{name: a}, {name: b}, {name: c}, {name: x}]}}"),
    *smp(desc="retainKeys map changes an item in nested merging list",
         original="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b, value: foo}]}}",
         current="{retainKeysMap: {name: foo,"
                 " mergingList: [{name: a}, {name: b, value: foo}, {name: x}]}}",
         modified="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b, value: bar}]}}",
         two_way="{retainKeysMap: {$retainKeys: [mergingList, name],"
                 " $setElementOrder/mergingList: [{name: a}, {name: b}],"
                 " mergingList: [{name: b, value: bar}]}}",
         three_way="{retainKeysMap: {$retainKeys: [mergingList, name],"
                   " $setElementOrder/mergingList: [{name: a}, {name: b}],"
                   " mergingList: [{name: b, value: bar}]}}",
         result="{retainKeysMap: {name: foo,"
                " mergingList: [{name: a}, {name: b, value: bar}, {name: x}]}}"),
    *smp(desc="retainKeys map deletes nested merging list",
         original="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}]}}",
         modified="{retainKeysMap: {name: foo, value: bar}}",
         two_way="{retainKeysMap: {$retainKeys: [name, value], value: bar, mergingList: null}}",
         three_way="{retainKeysMap: {$retainKeys: [name, value], value: bar,"
                   " mergingList: null}}",
         result="{retainKeysMap: {name: foo, value: bar}}"),
    *smp(desc="retainKeys map deletes an item in nested merging list",
         original="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}]}}",
         current="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: b}, {name: x}]}}",
         modified="{retainKeysMap: {name: foo, mergingList: [{name: a}]}}",
         two_way="{retainKeysMap: {$retainKeys: [mergingList, name],"
                 " $setElementOrder/mergingList: [{name: a}],"
                 " mergingList: [{name: b, $patch: delete}]}}",
         three_way="{retainKeysMap: {$retainKeys: [mergingList, name],"
                   " $setElementOrder/mergingList: [{name: a}],"
                   " mergingList: [{name: b, $patch: delete}]}}",
         result="{retainKeysMap: {name: foo, mergingList: [{name: a}, {name: x}]}}"),
    *smp(desc="retainKeys list of maps clears a field",
         original="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo, value: a, other: x}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
         two_way="{}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name, value], name: foo}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}"),
    *smp(desc="retainKeys list of maps clears a field with conflict",
         original="{retainKeysMergingList: [{name: bar}, {name: foo, value: old}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo, value: new, other: x}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo, value: modified}]}",
         two_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                 " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                 " value: modified}]}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                   " value: modified}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo, value: modified}]}"),
    *smp(desc="retainKeys list of maps changes a field and clear a field",
         original="{retainKeysMergingList: [{name: bar}, {name: foo, value: old}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo, value: old, other: x}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo, value: new}]}",
         two_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                 " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                 " value: new}]}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                   " value: new}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo, value: new}]}"),
    *smp(desc="retainKeys list of maps changes a field and clear a field with conflict",
         original="{retainKeysMergingList: [{name: bar}, {name: foo, value: old}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo, value: modified,"
                 " other: x}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo, value: new}]}",
         two_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                 " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                 " value: new}]}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                   " value: new}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo, value: new}]}"),
    *smp(desc="retainKeys list of maps adds a field",
         original="{retainKeysMergingList: [{name: bar}, {name: foo}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
         two_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                 " retainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: a}]}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                   " value: a}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}"),
    *smp(desc="retainKeys list of maps adds a field and clear a field",
         original="{retainKeysMergingList: [{name: bar}, {name: foo}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo, other: x}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
         two_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                 " retainKeysMergingList: [{$retainKeys: [name, value], name: foo, value: a}]}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name, value], name: foo,"
                   " value: a}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}"),
    *smp(desc="retainKeys list of maps deletes a field",
         original="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo}]}",
         two_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                 " retainKeysMergingList: [{$retainKeys: [name], name: foo, value: null}]}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name], name: foo,"
                   " value: null}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo}]}"),
    *smp(desc="retainKeys list of maps deletes a field and clear a field",
         original="{retainKeysMergingList: [{name: bar}, {name: foo, value: a}]}",
         current="{retainKeysMergingList: [{name: bar}, {name: foo, value: a, other: x}]}",
         modified="{retainKeysMergingList: [{name: bar}, {name: foo}]}",
         two_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                 " retainKeysMergingList: [{$retainKeys: [name], name: foo, value: null}]}",
         three_way="{$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],"
                   " retainKeysMergingList: [{$retainKeys: [name], name: foo,"
                   " value: null}]}",
         result="{retainKeysMergingList: [{name: bar}, {name: foo}]}"),
    *smp(desc="delete and reorder in one list, reorder in another",
         original="{mergingList: [{name: a, value: a}, {name: b, value: b}],"
                  " mergeItemPtr: [{name: c, value: c}, {name: d, value: d}]}",
         current="{mergingList: [{name: a, value: a}, {name: b, value: b}],"
                 " mergeItemPtr: [{name: c, value: c}, {name: d, value: d}]}",
         modified="{mergingList: [{name: b, value: b}],"
                  " mergeItemPtr: [{name: d, value: d}, {name: c, value: c}]}",
         two_way="{$setElementOrder/mergingList: [{name: b}],"
                 " $setElementOrder/mergeItemPtr: [{name: d}, {name: c}],"
                 " mergingList: [{$patch: delete, name: a}]}",
         three_way="{$setElementOrder/mergingList: [{name: b}],"
                   " $setElementOrder/mergeItemPtr: [{name: d}, {name: c}],"
                   " mergingList: [{$patch: delete, name: a}]}",
         result="{mergingList: [{name: b, value: b}],"
                " mergeItemPtr: [{name: d, value: d}, {name: c, value: c}]}"),
]


# ---------------------------------------------------------------------------------------------
# TestReplaceWithRawExtension, TestUnknownField (apply side)
# ---------------------------------------------------------------------------------------------

_RAW_BEFORE = "{Some: Generic, Yaml: Inside, The: RawExtension, Field: Period}"
_RAW_AFTER = "{Newly: Modified, Yaml: Inside, The: RawExtension}"

OTHER: list[Case] = [
    *raw("TestReplaceWithRawExtension", "replace RawExtension field, rest unchanched",
         original=f"{{name: my-object, value: some-value, other: current-other,"
                  f" replacingItem: {_RAW_BEFORE}}}",
         current=f"{{name: my-object, value: some-value, other: current-other,"
                 f" mergingList: [{{name: 1}}, {{name: 2}}, {{name: 3}}],"
                 f" replacingItem: {_RAW_BEFORE}}}",
         modified="{}",
         two_way=f"{{mergingList: [{{name: 1}}, {{name: 2}}, {{name: 3}}],"
                 f" replacingItem: {_RAW_AFTER}}}",
         two_way_result=f"{{name: my-object, value: some-value, other: current-other,"
                        f" mergingList: [{{name: 1}}, {{name: 2}}, {{name: 3}}],"
                        f" replacingItem: {_RAW_AFTER}}}",
         three_way=f"{{replacingItem: {_RAW_AFTER}}}",
         result=f"{{name: my-object, value: some-value, other: current-other,"
                f" mergingList: [{{name: 1}}, {{name: 2}}, {{name: 3}}],"
                f" replacingItem: {_RAW_AFTER}}}"),
    *raw("TestReplaceWithRawExtension", "replace RawExtension field and merge list",
         original=f"{{name: my-object, value: some-value, other: current-other,"
                  f" mergingList: [{{name: 1}}], replacingItem: {_RAW_BEFORE}}}",
         current=f"{{name: my-object, value: some-value, other: current-other,"
                 f" mergingList: [{{name: 1}}, {{name: 3}}], replacingItem: {_RAW_BEFORE}}}",
         modified="{}",
         two_way=f"{{$setElementOrder/mergingList: [{{name: 1}}, {{name: 2}}],"
                 f" mergingList: [{{name: 2}}], replacingItem: {_RAW_AFTER}}}",
         two_way_result=f"{{name: my-object, value: some-value, other: current-other,"
                        f" mergingList: [{{name: 1}}, {{name: 2}}],"
                        f" replacingItem: {_RAW_AFTER}}}",
         three_way=f"{{$setElementOrder/mergingList: [{{name: 1}}, {{name: 2}}],"
                   f" mergingList: [{{name: 2}}], replacingItem: {_RAW_AFTER}}}",
         result=f"{{name: my-object, value: some-value, other: current-other,"
                f" mergingList: [{{name: 1}}, {{name: 2}}, {{name: 3}}],"
                f" replacingItem: {_RAW_AFTER}}}"),
]

_BASE = '{"array":[1,2,3],"complex":{"nested":true},"name":"foo","scalar":true}'
UNKNOWN_FIELD: list[tuple[str, str, str, str]] = [
    # (upstream case, original, patch, result); all JSON, as upstream writes them.
    ("no diff", _BASE, "{}", _BASE),
    ("no diff even if modified null", _BASE, '{"complex_nullable":{"key":null}}',
     '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":{},"name":"foo",'
     '"scalar":true}'),
    ("discard nulls in nested and adds not nulls", _BASE,
     '{"complex_nullable":{"key":{"keynotnull":"value","keynull":null}}}',
     '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":{"key":'
     '{"keynotnull":"value"}},"name":"foo","scalar":true}'),
    ("discard if modified all nulls", "{}", '{"complex":{"nested":null}}', '{"complex":{}}'),
    ("add only not nulls", "{}", '{"complex":{"nested":null,"nested2":"foo"}}',
     '{"complex":{"nested2":"foo"}}'),
    ("null values in original are preserved", '{"thing":null}', '{"nested":{"value":5}}',
     '{"nested":{"value":5},"thing":null}'),
    ("nested null values in original are preserved", '{"complex":{"key":null},"thing":null}',
     '{"nested":{"value":5}}', '{"complex":{"key":null},"nested":{"value":5},"thing":null}'),
    ("add empty slices", _BASE, '{"complex_nullable":[]}',
     '{"array":[1,2,3],"complex":{"nested":true},"complex_nullable":[],"name":"foo",'
     '"scalar":true}'),
    ("filter nulls from nested slices", "{}",
     '{"complex_nullable":[{"inner_one":{"key_one":"foo","key_two":null}}]}',
     '{"complex_nullable":[{"inner_one":{"key_one":"foo"}}]}'),
    ("filter if slice is all empty", "{}",
     '{"complex_nullable":[{"inner_one":{"key_one":null,"key_two":null}}]}',
     '{"complex_nullable":[{"inner_one":{}}]}'),
    ("not filter nulls from non-associative slice", "{}",
     '{"complex_nullable":["key1",null,"key2"]}', '{"complex_nullable":["key1",null,"key2"]}'),
    ("added only", '{"name":"foo"}', '{"array":[1,2,3],"complex":{"nested":true},"scalar":true}',
     _BASE),
    ("removed only (two-way)", '{"name":"foo","scalar":true,"complex":{"nested":true}}',
     '{"complex":null,"scalar":null}', '{"name":"foo"}'),
    ("removed only (three-way)",
     '{"name":"foo","scalar":true,"complex":{"nested":true},"array":[1,2,3]}',
     '{"complex":null,"scalar":null}', '{"array":[1,2,3],"name":"foo"}'),
]

# TestNumberConversion (apply side): numbers survive a patch untouched.
NUMBERS = [
    ("empty", "{}", "{}", "{}"),
    ("int32 medium", '{"int32":1000000}', '{"name":"newname"}',
     '{"int32":1000000,"name":"newname"}'),
    ("int32 max", '{"int32":2147483647}', '{"name":"newname"}',
     '{"int32":2147483647,"name":"newname"}'),
    ("int64 medium", '{"int64":1000000}', '{"name":"newname"}',
     '{"int64":1000000,"name":"newname"}'),
    ("int64 max", '{"int64":9223372036854775807}', '{"name":"newname"}',
     '{"int64":9223372036854775807,"name":"newname"}'),
    ("float32 max", '{"float32":3.4028234663852886e+38}', '{"name":"newname"}',
     '{"float32":3.4028234663852886e+38,"name":"newname"}'),
    ("float64 max", '{"float64":1.7976931348623157e+308}', '{"name":"newname"}',
     '{"float64":1.7976931348623157e+308,"name":"newname"}'),
]

ALL_CASES = CUSTOM + CREATE + RAW + OTHER


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_upstream_cases(patcher: StrategicMergePatcher, case: Case) -> None:
    original = _doc(case.original)
    patch = _doc(case.patch)
    before = (copy.deepcopy(original), copy.deepcopy(patch))
    if case.error:
        with pytest.raises(StatusError) as info:
            patcher.apply(original, patch, MERGE_ITEM)
        assert case.error in info.value.message
    else:
        assert patcher.apply(original, patch, MERGE_ITEM) == _doc(case.expected)
    assert (original, patch) == before  # inputs untouched


@pytest.mark.parametrize("name,original,patch,expected", UNKNOWN_FIELD,
                         ids=[f"TestUnknownField/{c[0]}" for c in UNKNOWN_FIELD])
def test_unknown_fields(
    patcher: StrategicMergePatcher, name: str, original: str, patch: str, expected: str
) -> None:
    result = patcher.apply(json.loads(original), json.loads(patch), MERGE_ITEM)
    assert json.dumps(result, sort_keys=True, separators=(",", ":")) == expected


@pytest.mark.parametrize("name,original,patch,expected", NUMBERS,
                         ids=[f"TestNumberConversion/{c[0]}" for c in NUMBERS])
def test_number_conversion(
    patcher: StrategicMergePatcher, name: str, original: str, patch: str, expected: str
) -> None:
    result = patcher.apply(json.loads(original), json.loads(patch), MERGE_ITEM)
    assert json.dumps(result, sort_keys=True, separators=(",", ":")) == expected


# ---------------------------------------------------------------------------------------------
# Fields without patch metadata, directives never reaching the result
# ---------------------------------------------------------------------------------------------


def test_unknown_map_fields_merge_like_json_merge_patch(patcher: StrategicMergePatcher) -> None:
    # Upstream's Go-struct lookup fails here ("unable to find api field"); without a schema
    # (its OpenAPI path) maps merge and lists replace, which is what we do.
    original = {"complex": {"nested": True, "keep": 1, "list": [{"name": "a", "x": 1}]}}
    patch = {"complex": {"nested": False, "list": [{"name": "b"}]}}
    assert patcher.apply(original, patch, MERGE_ITEM) == {
        "complex": {"nested": False, "keep": 1, "list": [{"name": "b"}]}
    }


def test_json_item_without_schema_merges(patcher: StrategicMergePatcher) -> None:
    original = {"name": "foo", "jsonItem": {"nested": {"nested2": {"nested3": {}}}}}
    patch = {"jsonItem": {"nested": {"nested2": {"nested3": {"a": "b"}}}}}
    assert patcher.apply(original, patch, MERGE_ITEM) == {
        "name": "foo", "jsonItem": {"nested": {"nested2": {"nested3": {"a": "b"}}}}
    }


def test_directives_in_new_subtrees_are_removed(patcher: StrategicMergePatcher) -> None:
    patch = {
        "retainKeysMap": {"$retainKeys": ["name"], "name": "x",
                          "$setElementOrder/mergingList": [{"name": "a"}],
                          "mergingList": [{"name": "a"}, {"name": "b", "$patch": "delete"}]},
        "nonMergingList": [{"name": "n", "$deleteFromPrimitiveList/mergingIntList": [1]}],
    }
    assert patcher.apply({}, patch, MERGE_ITEM) == {
        "retainKeysMap": {"name": "x", "mergingList": [{"name": "a"}]},
        "nonMergingList": [{"name": "n"}],
    }


def test_replaced_and_appended_values_lose_nulls_and_directive_keys(
    patcher: StrategicMergePatcher,
) -> None:
    original = {"nonMergingList": [{"name": "a"}], "mergingList": [{"name": "a"}]}
    patch = {
        "nonMergingList": [{"name": "b", "value": None, "$retainKeys": ["name"]}],
        "mergingList": [{"name": "c", "other": None}],
    }
    assert patcher.apply(original, patch, MERGE_ITEM) == {
        "nonMergingList": [{"name": "b"}],
        "mergingList": [{"name": "c"}, {"name": "a"}],
    }


def test_patch_null_is_a_no_op_and_original_is_copied(patcher: StrategicMergePatcher) -> None:
    original = {"simpleMap": {"a": "b"}}
    result = patcher.apply(original, None, MERGE_ITEM)
    assert result == original and result is not original
    result["simpleMap"]["a"] = "changed"
    assert original == {"simpleMap": {"a": "b"}}


def test_result_shares_nothing_with_the_patch(patcher: StrategicMergePatcher) -> None:
    patch = {"simpleMap": {"a": "b"}, "mergingList": [{"name": "x", "value": "1"}]}
    result = patcher.apply({"mergingList": [{"name": "y"}]}, patch, MERGE_ITEM)
    result["simpleMap"]["a"] = "changed"
    result["mergingList"][1]["value"] = "changed"
    assert patch == {"simpleMap": {"a": "b"}, "mergingList": [{"name": "x", "value": "1"}]}


def test_go_stable_sort_port_is_a_stable_sort() -> None:
    # The port of Go's sort.SliceStable (blocks + SymMerge) sorts like any stable sort when
    # every element has a rank; sizes past 20 and 40 exercise the merge passes.
    rng = random.Random(7)
    for n in [*range(45), 64, 100, 257]:
        ranks = [rng.randrange(max(1, n // 3)) for _ in range(n)]
        data = list(zip(ranks, range(n), strict=True))
        assert _go_stable_sort(list(data)) == [i for _, i in sorted(data, key=lambda d: d[0])]


def test_go_stable_sort_with_unknown_elements_follows_go() -> None:
    # upstream's comparator calls an element missing from the order "less" than anything;
    # Go's insertion sort then yields this order.
    assert _go_stable_sort([(1, "a"), (-1, "x"), (0, "b")]) == ["b", "x", "a"]


# ---------------------------------------------------------------------------------------------
# Errors: upstream's codes and messages
# ---------------------------------------------------------------------------------------------


def _error(patcher: StrategicMergePatcher, original: Any, patch: Any) -> StatusError:
    with pytest.raises(StatusError) as info:
        patcher.apply(original, patch, MERGE_ITEM)
    return info.value


@pytest.mark.parametrize(
    "original,patch,message",
    [
        # mergepatch sentinels answered 400 by interpretStrategicMergePatchError.
        ({}, {"$retainKeys": "name"}, "invalid patch format of retainKeys"),
        ({"retainKeysMap": {"name": "a"}},
         {"retainKeysMap": {"$retainKeys": ["name"], "value": "v"}},
         "invalid patch format of retainKeys"),
        ({}, {"$setElementOrdermergingList": []}, "invalid patch format of setElementOrder list"),
        ({}, {"$deleteFromPrimitiveListx": [1]}, "invalid patch format of primitive list"),
    ],
    ids=["retainKeys not a list", "key outside retainKeys", "setElementOrder without slash",
         "deleteFromPrimitiveList without slash"],
)
def test_bad_request_errors(
    patcher: StrategicMergePatcher, original: Any, patch: Any, message: str
) -> None:
    err = _error(patcher, original, patch)
    assert (err.code, err.reason, err.message) == (400, "BadRequest", message)


def test_list_of_lists_is_422(patcher: StrategicMergePatcher) -> None:
    err = _error(patcher, {"mergingIntList": []}, {"mergingIntList": [[1]]})
    assert err.code == 422
    assert err.status() == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid", "code": 422,
    }


@pytest.mark.parametrize(
    "original,patch,message",
    [
        ({"mergingList": [{"name": "a"}]}, {"mergingList": [{"value": "b", "other": 1}]},
         "map: map[other:1 value:b] does not contain declared merge key: name"),
        ({"mergingList": [{"name": "a"}]},
         {"mergingList": [{"name": "a", "$patch": "remove"}]},
         "unknown patch type: remove in map: map[$patch:remove name:a]"),
        ({"simpleMap": {"a": "b"}}, {"simpleMap": {"$patch": "nope", "a": None}},
         "unknown patch type: nope in map: map[$patch:nope a:<nil>]"),
        ({"simpleMap": {"a": "b"}}, {"simpleMap": {"$patch": 1.5}},
         "unknown patch type: %!s(float64=1.5) in map: map[$patch:1.5]"),
        ({"mergingList": [{"name": "a"}]}, {"mergingList": [{"name": "a", "$patch": "merge"}]},
         "merging lists cannot yet be specified in the patch"),
        ({"mergingList": [{"name": "a"}]}, {"mergingList": [{"$patch": "delete"}]},
         "map: map[$patch:delete] does not contain declared merge key: name"),
        ({"mergingList": [{"name": "a"}]}, {"mergingList": ["a"]},
         "list element types are not identical: [[map[name:a]] [a]]"),
        ({"mergingList": [{"name": "a"}]}, {"$setElementOrder/mergingList": {"name": "a"}},
         "expected a []interface {}, but received a map[string]interface {}"),
        ({"mergingIntList": [1, 2]}, {"$setElementOrder/mergingIntList": [2, 1],
                                      "mergingIntList": [3]},
         "The order in patch list:\n[3]\n doesn't match $setElementOrder list:\n[2 1]\n"),
    ],
    ids=["missing merge key", "unknown $patch in list element", "unknown $patch in map",
         "non-string $patch", "$patch merge in a list", "delete without merge key",
         "element types differ", "setElementOrder not a list", "order mismatch"],
)
def test_plain_errors_are_500_without_reason(
    patcher: StrategicMergePatcher, original: Any, patch: Any, message: str
) -> None:
    # Upstream returns these as plain Go errors; ErrorToAPIStatus makes them 500, reason "".
    err = _error(patcher, original, patch)
    assert (err.code, err.reason, err.message) == (500, "", message)
    assert "reason" not in err.status()


def test_patch_must_be_an_object(patcher: StrategicMergePatcher) -> None:
    err = _error(patcher, {}, [1])
    assert (err.code, err.message) == (
        400, "json: cannot unmarshal array into Go value of type map[string]interface {}"
    )


# ---------------------------------------------------------------------------------------------
# Which kinds take strategic merge patches
# ---------------------------------------------------------------------------------------------


def test_builtin_kinds_have_a_schema() -> None:
    assert has_strategic_merge_schema(DEPLOYMENT)
    assert has_strategic_merge_schema(POD)
    assert has_strategic_merge_schema(GVK("", "v1", "ConfigMap"))


def test_unknown_and_runtime_kinds_have_none() -> None:
    assert not has_strategic_merge_schema(GVK("example.com", "v1", "Widget"))
    registry = SchemaRegistry(builtin=False)
    registry.add_definitions({"com.example.v1.Widget": {
        "type": "object",
        "x-kubernetes-group-version-kind": [
            {"group": "example.com", "version": "v1", "kind": "Widget"}],
    }})
    widget = GVK("example.com", "v1", "Widget")
    assert not StrategicMergePatcher(registry).has_schema(widget)
    with pytest.raises(StatusError) as info:
        StrategicMergePatcher(registry).apply({}, {}, widget)
    assert (info.value.code, info.value.message) == (
        400, "strategic merge patch format is not supported"
    )


def test_schema_changes_are_picked_up() -> None:
    registry = SchemaRegistry(builtin=False)
    patcher = StrategicMergePatcher(registry, runtime_definitions=True)
    assert not patcher.has_schema(MERGE_ITEM)
    registry.add_definitions(MERGE_ITEM_DEFINITIONS)
    assert patcher.has_schema(MERGE_ITEM)
    assert patcher.apply({"mergingList": [{"name": "a"}]}, {"mergingList": [{"name": "b"}]},
                         MERGE_ITEM) == {"mergingList": [{"name": "b"}, {"name": "a"}]}


# ---------------------------------------------------------------------------------------------
# What kubectl sends, against the built-in definitions
# ---------------------------------------------------------------------------------------------


def _deployment() -> dict[str, Any]:
    """A live Deployment as the server stores it (defaults filled in)."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "labels": {"app": "web", "tier": "frontend"},
            "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}\n",
                            "deployment.kubernetes.io/revision": "1"},
            "finalizers": ["example.com/a"],
            "resourceVersion": "42",
            "generation": 1,
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate",
                         "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"creationTimestamp": None,
                             "labels": {"app": "web", "tier": "frontend"}},
                "spec": {
                    "containers": [
                        {"name": "app", "image": "nginx:1.25",
                         "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"},
                                 {"name": "C", "value": "3"}],
                         "ports": [{"containerPort": 80, "protocol": "TCP"}],
                         "resources": {}, "imagePullPolicy": "IfNotPresent",
                         "terminationMessagePath": "/dev/termination-log"},
                        {"name": "sidecar", "image": "busybox:1.36",
                         "args": ["sleep", "infinity"]},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "restartPolicy": "Always",
                    "dnsPolicy": "ClusterFirst",
                    "tolerations": [{"key": "k", "operator": "Exists"}],
                },
            },
        },
        "status": {"replicas": 2},
    }


def test_kubectl_apply_changes_image_and_removes_env_var() -> None:
    live = _deployment()
    before = copy.deepcopy(live)
    # CreateThreeWayMergePatch(last-applied, new config, live) for: app's image bumped, env B
    # dropped from the config.
    patch = {
        "metadata": {"annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": '{"kind":"Deployment"}\n'}},
        "spec": {"template": {"spec": {
            "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
            "containers": [{
                "$setElementOrder/env": [{"name": "A"}, {"name": "C"}],
                "env": [{"$patch": "delete", "name": "B"}],
                "image": "nginx:1.26",
                "name": "app",
            }],
        }}},
    }
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert live == before
    expected = copy.deepcopy(before)
    expected["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = (
        '{"kind":"Deployment"}\n')
    app = expected["spec"]["template"]["spec"]["containers"][0]
    app["image"] = "nginx:1.26"
    app["env"] = [{"name": "A", "value": "1"}, {"name": "C", "value": "3"}]
    assert result == expected
    # The template's null creationTimestamp (stored as upstream stores it) is kept.
    assert result["spec"]["template"]["metadata"] == {
        "creationTimestamp": None, "labels": {"app": "web", "tier": "frontend"}}


def test_kubectl_apply_reorders_and_adds_env_vars() -> None:
    live = _deployment()
    patch = {"spec": {"template": {"spec": {
        "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
        "containers": [{
            "$setElementOrder/env": [{"name": "C"}, {"name": "D"}, {"name": "A"}, {"name": "B"}],
            "env": [{"name": "D", "value": "4"}],
            "name": "app",
        }],
    }}}}
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    env = result["spec"]["template"]["spec"]["containers"][0]["env"]
    assert [e["name"] for e in env] == ["C", "D", "A", "B"]
    assert env[1] == {"name": "D", "value": "4"}


def test_kubectl_apply_removes_a_label_with_null() -> None:
    live = _deployment()
    patch = {
        "metadata": {"labels": {"tier": None}},
        "spec": {"template": {"metadata": {"labels": {"tier": None}}}},
    }
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert result["metadata"]["labels"] == {"app": "web"}
    assert result["spec"]["template"]["metadata"]["labels"] == {"app": "web"}


def test_kubectl_apply_adds_volume_and_switches_volume_source_with_retain_keys() -> None:
    live = _deployment()
    # volumes are `merge,retainKeys` by name: the changed volume carries $retainKeys, which
    # clears the emptyDir the new source replaces; the added volume is sent whole.
    patch = {"spec": {"template": {"spec": {
        "$setElementOrder/volumes": [{"name": "data"}, {"name": "cache"}],
        "volumes": [
            {"$retainKeys": ["hostPath", "name"], "hostPath": {"path": "/srv/data"},
             "name": "data"},
            {"emptyDir": {"medium": "Memory"}, "name": "cache"},
        ],
    }}}}
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert result["spec"]["template"]["spec"]["volumes"] == [
        {"name": "data", "hostPath": {"path": "/srv/data"}},
        {"name": "cache", "emptyDir": {"medium": "Memory"}},
    ]


def test_kubectl_apply_switches_deployment_strategy_with_retain_keys() -> None:
    live = _deployment()
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert result["spec"]["strategy"] == {"type": "Recreate"}


def test_kubectl_patch_adds_container_and_finalizer() -> None:
    # Without $setElementOrder (plain `kubectl patch`), upstream puts patch items the live
    # list does not have ahead of the live items (mergeSortedSlice's tie-break).
    live = _deployment()
    patch = {
        "metadata": {"finalizers": ["example.com/b", "example.com/a"]},
        "spec": {"template": {"spec": {
            "containers": [{"name": "metrics", "image": "prom/exporter"}],
            "tolerations": [{"key": "other", "operator": "Exists"}],
        }}},
    }
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert result["metadata"]["finalizers"] == ["example.com/b", "example.com/a"]
    pod = result["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["containers"]] == ["metrics", "app", "sidecar"]
    assert pod["tolerations"] == [{"key": "other", "operator": "Exists"}]  # no strategy


def test_kubectl_patch_deletes_a_container_and_a_finalizer() -> None:
    live = _deployment()
    patch = {
        "metadata": {"$deleteFromPrimitiveList/finalizers": ["example.com/a"]},
        "spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}},
    }
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert result["metadata"]["finalizers"] == []
    assert [c["name"] for c in result["spec"]["template"]["spec"]["containers"]] == ["app"]


def test_ports_merge_by_container_port() -> None:
    live = _deployment()
    patch = {"spec": {"template": {"spec": {"containers": [{
        "name": "app",
        "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443}],
    }]}}}}
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert result["spec"]["template"]["spec"]["containers"][0]["ports"] == [
        {"containerPort": 80, "protocol": "TCP", "name": "http"},
        {"containerPort": 443},
    ]


def test_replace_strategy_on_pdb_selector() -> None:
    pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
           "metadata": {"name": "p"},
           "spec": {"minAvailable": 1,
                    "selector": {"matchLabels": {"app": "web", "tier": "x"}}}}
    patch = {"spec": {"selector": {"matchLabels": {"app": "api"}}}}
    result = apply_strategic_merge_patch(pdb, patch, PDB)
    assert result["spec"] == {"minAvailable": 1, "selector": {"matchLabels": {"app": "api"}}}


def test_kubectl_edit_replaces_the_metadata_map_with_patch_replace() -> None:
    live = _deployment()
    patch = {"spec": {"template": {"metadata": {"$patch": "replace", "labels": {"app": "w2"}}}}}
    result = apply_strategic_merge_patch(live, patch, DEPLOYMENT)
    assert result["spec"]["template"]["metadata"] == {"labels": {"app": "w2"}}


def test_builtin_missing_merge_key_error() -> None:
    with pytest.raises(StatusError) as info:
        apply_strategic_merge_patch(
            _deployment(),
            {"spec": {"template": {"spec": {"containers": [{"image": "nginx:2"}]}}}},
            DEPLOYMENT,
        )
    assert (info.value.code, info.value.message) == (
        500, "map: map[image:nginx:2] does not contain declared merge key: name"
    )


def test_pod_unknown_fields_follow_json_merge() -> None:
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "i"}]},
           "extra": {"a": 1, "list": [1, 2]}}
    patch = {"extra": {"b": 2, "list": [3]}}
    result = apply_strategic_merge_patch(pod, patch, POD)
    assert result["extra"] == {"a": 1, "b": 2, "list": [3]}
