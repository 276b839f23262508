"""Schema-driven unknown-field detection and pruning (fieldValidation)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from kapi.machinery.openapi import SchemaRegistry
from kapi.machinery.pruning import FieldPruner, decode, prune_unknown, unknown_fields
from kapi.machinery.schema import GroupVersionKind as GVK

POD = GVK("", "v1", "Pod")
DEPLOYMENT = GVK("apps", "v1", "Deployment")


def _pod(**extra: Any) -> dict[str, Any]:
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "p",
            "labels": {"any-key": "v", "app.kubernetes.io/name": "x"},
            "annotations": {"a/b": "c"},
            "managedFields": [
                {
                    "manager": "kubectl",
                    "operation": "Apply",
                    "fieldsV1": {"f:spec": {"f:containers": {}}},
                }
            ],
        },
        "spec": {
            "containers": [
                {
                    "name": "c",
                    "image": "nginx",
                    "resources": {"limits": {"cpu": "500m", "memory": 128}},
                    "ports": [{"containerPort": 80}],
                    "livenessProbe": {"httpGet": {"port": "http", "path": "/"}},
                }
            ],
            "nodeSelector": {"disk": "ssd"},
            "overhead": {"cpu": "1"},
        },
        "status": {"phase": "Pending"},
    }
    pod.update(extra)
    return pod


def test_known_object_has_no_unknown_fields() -> None:
    assert unknown_fields(POD, _pod()) == []


def test_paths_use_upstream_strict_decoding_format() -> None:
    pod = _pod(bogus=1)
    pod["metadata"]["foo"] = "x"
    container = pod["spec"]["containers"][0]
    container["bar"] = True
    container["ports"][0]["zzz"] = 1
    pod["spec"]["extra"] = {"nested": 1}
    pod["status"]["whatever"] = []
    assert unknown_fields(POD, pod) == [
        "metadata.foo",
        "spec.containers[0].ports[0].zzz",  # "ports" precedes the later-added "bar"
        "spec.containers[0].bar",
        "spec.extra",
        "status.whatever",
        "bogus",
    ]


def test_reported_in_document_order() -> None:
    pod = {"zzz": 1, "apiVersion": "v1", "kind": "Pod", "aaa": 2, "spec": {"b": 1, "a": 1}}
    assert unknown_fields(POD, pod) == ["zzz", "aaa", "spec.b", "spec.a"]


def test_prune_unknown_drops_fields_in_place() -> None:
    pod = _pod(bogus=1)
    pod["spec"]["containers"][0]["bar"] = True
    pod["metadata"]["foo"] = "x"
    expected = _pod()
    assert prune_unknown(POD, pod) == ["metadata.foo", "spec.containers[0].bar", "bogus"]
    assert pod == expected
    assert prune_unknown(POD, pod) == []


def test_unknown_fields_does_not_modify() -> None:
    pod = _pod(bogus=1)
    before = copy.deepcopy(pod)
    assert unknown_fields(POD, pod) == ["bogus"]
    assert pod == before


def test_deployment_template_int_or_string_and_nested_lists() -> None:
    dep = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {
            "replicas": 2,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%", "x": 1},
            },
            "selector": {"matchLabels": {"app": "a"}},
            "template": {
                "metadata": {"labels": {"app": "a"}, "q": 1},
                "spec": {
                    "containers": [
                        {"name": "a"},
                        {
                            "name": "b",
                            "env": [
                                {
                                    "name": "E",
                                    "valueFrom": {
                                        "fieldRef": {"fieldPath": "metadata.name", "nope": 1}
                                    },
                                }
                            ],
                        },
                    ]
                },
            },
        },
    }
    assert unknown_fields(DEPLOYMENT, dep) == [
        "spec.strategy.rollingUpdate.x",
        "spec.template.metadata.q",
        "spec.template.spec.containers[1].env[0].valueFrom.fieldRef.nope",
    ]


def test_maps_of_structs_use_dotted_keys() -> None:
    slice_ = {
        "apiVersion": "resource.k8s.io/v1",
        "kind": "ResourceSlice",
        "metadata": {"name": "s"},
        "spec": {
            "driver": "d",
            "pool": {"name": "p", "generation": 1, "resourceSliceCount": 1},
            "devices": [
                {
                    "name": "gpu0",
                    "attributes": {
                        "model": {"string": "a100", "bogus": 1},
                        "example.com/mem": {"int": 4},
                    },
                }
            ],
        },
    }
    assert unknown_fields(GVK("resource.k8s.io", "v1", "ResourceSlice"), slice_) == [
        "spec.devices[0].attributes.model.bogus"
    ]


def test_raw_extension_content_is_opaque() -> None:
    revision = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {"name": "r"},
        "revision": 1,
        "data": {"anything": {"goes": ["here"]}},
    }
    assert unknown_fields(GVK("apps", "v1", "ControllerRevision"), revision) == []


def test_nulls_and_wrong_types_are_left_to_validation() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": None,
        "spec": {"containers": "not-a-list", "nodeSelector": None},
    }
    assert unknown_fields(POD, pod) == []


def test_unknown_kind_reports_nothing() -> None:
    assert unknown_fields(GVK("example.com", "v1", "Nothing"), {"a": 1}) == []


# -- schemas registered at run time (custom resources) -----------------------------------------

WIDGET = GVK("example.com", "v1", "Widget")


def _widget_schema(spec: dict[str, Any], **root: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "x-kubernetes-group-version-kind": [
            {"group": "example.com", "kind": "Widget", "version": "v1"}
        ],
        "properties": {"spec": spec, **root.pop("properties", {})},
        **root,
    }


@pytest.fixture
def registry() -> SchemaRegistry:
    return SchemaRegistry()


def test_custom_schema_features(registry: SchemaRegistry) -> None:
    registry.add_definitions(
        {
            "com.example.v1.Widget": _widget_schema(
                {
                    "type": "object",
                    "properties": {
                        "size": {"x-kubernetes-int-or-string": True},
                        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                        "partly": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": True,
                            "properties": {
                                "inner": {"type": "object", "properties": {"a": {"type": "string"}}}
                            },
                        },
                        "byName": {
                            "type": "object",
                            "additionalProperties": {
                                "type": "object",
                                "properties": {"port": {"type": "integer"}},
                            },
                        },
                        "empty": {"type": "object"},
                        "items": {
                            "type": "array",
                            "items": {"type": "object", "properties": {"name": {"type": "string"}}},
                        },
                        "template": {
                            "type": "object",
                            "x-kubernetes-embedded-resource": True,
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "x-kubernetes-preserve-unknown-fields": True,
                                }
                            },
                        },
                    },
                }
            )
        }
    )
    pruner = FieldPruner(registry)
    widget: dict[str, Any] = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "nope": 1},
        "spec": {
            "size": "50%",
            "free": {"anything": {"at": "all"}},
            "partly": {"kept": 1, "inner": {"a": "x", "b": "y"}},
            "byName": {"http": {"port": 80, "proto": "TCP"}},
            "empty": {"gone": 1},
            "items": [{"name": "a"}, {"name": "b", "c": 1}],
            "template": {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "t", "bad": 1},
                "spec": {"x": 1},
                "status": {},
            },
        },
    }
    expected = [
        "metadata.nope",
        "spec.partly.inner.b",
        "spec.byName.http.proto",
        "spec.empty.gone",
        "spec.items[1].c",
        "spec.template.metadata.bad",
        "spec.template.status",
    ]
    assert pruner.unknown_fields(WIDGET, widget) == expected
    assert pruner.prune_unknown(WIDGET, widget) == expected
    assert widget["spec"]["partly"] == {"kept": 1, "inner": {"a": "x"}}
    assert widget["spec"]["empty"] == {}
    assert widget["spec"]["free"] == {"anything": {"at": "all"}}


def test_root_metadata_is_checked_even_when_the_root_is_preserved(registry: SchemaRegistry) -> None:
    registry.add_definitions(
        {
            "com.example.v1.Widget": {
                "type": "object",
                "x-kubernetes-preserve-unknown-fields": True,
                "x-kubernetes-group-version-kind": [
                    {"group": "example.com", "kind": "Widget", "version": "v1"}
                ],
                "properties": {"metadata": {"type": "object"}},
            }
        }
    )
    widget = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "labels": {"a": "b"}, "nope": 1},
        "anything": 1,
    }
    assert FieldPruner(registry).unknown_fields(WIDGET, widget) == ["metadata.nope"]


def test_registry_changes_recompile(registry: SchemaRegistry) -> None:
    pruner = FieldPruner(registry)
    narrow = _widget_schema({"type": "object", "properties": {"a": {"type": "string"}}})
    registry.add_definitions({"com.example.v1.Widget": narrow})
    widget = {"apiVersion": "example.com/v1", "kind": "Widget", "spec": {"a": "x", "b": "y"}}
    assert pruner.unknown_fields(WIDGET, widget) == ["spec.b"]
    wide = _widget_schema(
        {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    )
    registry.add_definitions({"com.example.v1.Widget": wide})
    assert pruner.unknown_fields(WIDGET, widget) == []


def test_recursive_schemas_terminate() -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "names": {"plural": "widgets", "kind": "Widget"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "properties": {
                                "spec": {
                                    "type": "object",
                                    "properties": {"x": {"type": "string", "bogus": 1}},
                                }
                            },
                            "default": {"free": "form"},
                        }
                    },
                    "subresources": {"status": {"unexpected": 1}},
                }
            ],
        },
    }
    gvk = GVK("apiextensions.k8s.io", "v1", "CustomResourceDefinition")
    assert unknown_fields(gvk, crd) == [
        "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.x.bogus",
        "spec.versions[0].subresources.status.unexpected",
    ]


def test_nulls_decode_as_go_does() -> None:
    """A null struct field is left at its zero value (omitted); a null map[string]string value
    becomes ""."""
    obj = {
        "metadata": {"name": "a", "labels": None, "annotations": {"x": None}},
        "data": {"k": None},
        "immutable": None,
    }
    assert decode(GVK("", "v1", "ConfigMap"), obj) == ([], [])
    assert obj == {"metadata": {"name": "a", "annotations": {"x": ""}}, "data": {"k": ""}}
