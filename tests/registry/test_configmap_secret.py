"""ConfigMaps and Secrets: keys, size, `immutable`, secret types and `stringData`."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from kapi.machinery import validation as mv
from kapi.registry.core.configmap.printer import configmap_row
from kapi.registry.core.secret.printer import secret_row
from kapi.registry.core.secret.strategy import SecretStrategy
from tests.registry.tester import ResourceTester, assert_causes

Object = dict[str, Any]


def b64(s: str) -> str:
    return base64.b64encode(s.encode()).decode()


@pytest.fixture
def configmaps(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["configmaps"])


@pytest.fixture
def secrets(core: dict[str, Any]) -> ResourceTester:
    return ResourceTester(core["secrets"])


def cm(name: str = "cfg", **fields: Any) -> Object:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, **fields}


def secret(name: str = "s", **fields: Any) -> Object:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}, **fields}


async def test_configmap_round_trip(configmaps: ResourceTester) -> None:
    out = await configmaps.create(cm(data={"a.conf": "x=1"}, binaryData={"b.bin": b64("\x00")}))
    assert out["data"] == {"a.conf": "x=1"}
    assert "generation" not in out["metadata"]
    assert configmap_row(out)[:2] == ["cfg", 2]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            cm(data={"a b": "x"}),
            f'data[a b]: Invalid value: "a b": {mv.is_config_map_key("a b")[0]}',
        ),
        (
            cm(data={"k": "x"}, binaryData={"k": b64("y")}),
            'data[k]: Invalid value: "k": duplicate of key present in binaryData',
        ),
        (cm(data={"big": "x" * (1024 * 1024 + 1)}), "Too long: may not be more than 1048576 bytes"),
    ],
)
async def test_configmap_rejects(configmaps: ResourceTester, body: Object, expected: str) -> None:
    await configmaps.expect_invalid(body, expected)


async def test_immutable_configmap(configmaps: ResourceTester) -> None:
    await configmaps.create(cm(data={"a": "1"}, immutable=True))
    err = await configmaps.expect_error(
        configmaps.patch("cfg", lambda o: o.update(data={"a": "2"})), 422
    )
    assert_causes(err, "data: Forbidden: field is immutable when `immutable` is set")
    err = await configmaps.expect_error(
        configmaps.patch("cfg", lambda o: o.update(immutable=False)), 422
    )
    assert_causes(err, "immutable: Forbidden: field is immutable when `immutable` is set")
    out = await configmaps.patch("cfg", lambda o: o["metadata"].update(labels={"a": "b"}))
    assert out["metadata"]["labels"] == {"a": "b"}


async def test_put_of_a_missing_configmap_is_404(configmaps: ResourceTester) -> None:
    err = await configmaps.expect_error(configmaps.put(cm("ghost")), 404)
    assert err.message == 'configmaps "ghost" not found'


async def test_secret_defaults_type_and_merges_string_data(secrets: ResourceTester) -> None:
    out = await secrets.create(
        secret(data={"a": b64("1"), "b": b64("old")}, stringData={"b": "new", "c": "3"})
    )
    assert out["type"] == "Opaque"
    assert "stringData" not in out
    assert out["data"] == {"a": b64("1"), "b": b64("new"), "c": b64("3")}
    assert secret_row(out)[:3] == ["s", "Opaque", 3]


async def test_secret_data_must_be_base64(secrets: ResourceTester) -> None:
    err = await secrets.expect_error(secrets.create(secret(data={"a": "not base64!"})), 400)
    assert err.message.startswith(
        'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte'
    )


async def test_secret_type_is_immutable(secrets: ResourceTester) -> None:
    await secrets.create(secret(data={"a": b64("1")}))
    err = await secrets.expect_error(
        secrets.patch(
            "s",
            lambda o: o.update(type="kubernetes.io/basic-auth", data={"username": b64("u")}),
        ),
        422,
    )
    assert_causes(err, 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable')


async def test_immutable_secret(secrets: ResourceTester) -> None:
    await secrets.create(secret(data={"a": b64("1")}, immutable=True))
    err = await secrets.expect_error(
        secrets.patch("s", lambda o: o.update(stringData={"a": "2"})), 422
    )
    assert_causes(err, "data: Forbidden: field is immutable when `immutable` is set")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            secret(type="kubernetes.io/tls", data={"tls.crt": b64("c")}),
            "data[tls.key]: Required value",
        ),
        (
            secret(type="kubernetes.io/service-account-token"),
            "metadata.annotations[kubernetes.io/service-account.name]: Required value",
        ),
        (secret(type="kubernetes.io/basic-auth"), "data[username]: Required value"),
        (secret(type="kubernetes.io/ssh-auth"), "data[ssh-privatekey]: Required value"),
        (secret(type="kubernetes.io/dockerconfigjson"), "data[.dockerconfigjson]: Required value"),
        (
            secret(data={"..": b64("x")}),
            f'data[..]: Invalid value: "..": {mv.is_config_map_key("..")[0]}',
        ),
    ],
)
async def test_secret_rejects(secrets: ResourceTester, body: Object, expected: str) -> None:
    await secrets.expect_invalid(body, expected)


def test_secret_type_is_selectable() -> None:
    _, fields = SecretStrategy().get_attrs(
        {"metadata": {"name": "s", "namespace": "n"}, "type": "Opaque"}
    )
    assert fields == {"metadata.name": "s", "metadata.namespace": "n", "type": "Opaque"}


async def test_non_string_values_fail_decoding(
    configmaps: ResourceTester, secrets: ResourceTester
) -> None:
    err = await configmaps.expect_error(configmaps.create(cm(data={"a": 1})), 400)
    assert err.message == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal '
        "number into Go struct field ConfigMap.data of type string"
    )
    err = await secrets.expect_error(secrets.create(secret(stringData={"x": True})), 400)
    assert err.message == (
        'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal bool into '
        "Go struct field Secret.stringData of type string"
    )


async def test_byte_fields_are_read_like_go_and_written_canonically(
    configmaps: ResourceTester, secrets: ResourceTester
) -> None:
    wrapped = b64("x" * 60)
    wrapped = wrapped[:40] + "\n" + wrapped[40:] + "\n"
    out = await secrets.create(secret(data={"cert": wrapped}))
    assert out["data"]["cert"] == b64("x" * 60)
    out = await configmaps.create(cm(binaryData={"blob": wrapped}))
    assert out["binaryData"]["blob"] == b64("x" * 60)
    err = await configmaps.expect_error(configmaps.create(cm("c2", binaryData={"b": "a*b"})), 400)
    assert err.message == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: illegal base64 data at '
        "input byte 1"
    )
