"""Bad input gets a clear 4xx Status, never a 500, and stores nothing."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.harness import KapiProcess

CM = "/api/v1/namespaces/default/configmaps"
PODS = "/api/v1/namespaces/default/pods"

BODIES = [
    (CM, {"metadata": "x"}, "ConfigMap.metadata of type v1.ObjectMeta"),
    (CM, {"metadata": {"name": 5}}, "ConfigMap.metadata.name of type string"),
    (CM, {"metadata": {"name": "a", "labels": "x"}}, "of type map[string]string"),
    (CM, {"metadata": {"name": "a", "labels": {"k": 5}}}, "ConfigMap.metadata.labels.k"),
    (CM, {"metadata": {"name": "a", "generateName": 5}}, "metadata.generateName"),
    (CM, {"metadata": {"name": "a", "finalizers": "x"}}, "of type []string"),
    (CM, {"metadata": {"name": "a"}, "data": [1]}, "ConfigMap.data of type map[string]string"),
    (CM, {"metadata": {"name": "a"}, "immutable": "yes"}, "ConfigMap.immutable of type bool"),
    (PODS, {"metadata": {"name": "p"}, "spec": {"containers": "x"}}, "of type []v1.Container"),
    (
        PODS,
        {
            "metadata": {"name": "p"},
            "spec": {
                "containers": [{"name": "c", "image": "i", "ports": [{"containerPort": "x"}]}]
            },
        },
        "Pod.spec.containers.ports.containerPort of type int32",
    ),
]


@pytest.mark.parametrize(("path", "body", "detail"), BODIES)
def test_wrong_json_types_are_400(kapi: KapiProcess, path: str, body: dict, detail: str) -> None:
    with kapi.http() as c:
        r = c.post(path, json=body)
        assert r.status_code == 400, r.text
        status = r.json()
        assert status["reason"] == "BadRequest"
        assert "cannot be handled as a" in status["message"]
        assert "json: cannot unmarshal" in status["message"]
        assert detail in status["message"]
        assert c.get(f"{path}/a").status_code == 404
        assert c.get(f"{path}/p").status_code == 404


def test_patch_into_wrong_type_is_400_and_keeps_the_object(kapi: KapiProcess) -> None:
    with kapi.http() as c:
        created = c.post(CM, json={"metadata": {"name": "keep"}, "data": {"a": "b"}}).json()
        r = c.patch(
            f"{CM}/keep",
            content=b'{"data": {"a": 1}}',
            headers={"content-type": "application/merge-patch+json"},
        )
        assert r.status_code == 400
        after = c.get(f"{CM}/keep").json()
        assert after["data"] == {"a": "b"}
        assert after["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]


def test_malformed_bodies(kapi: KapiProcess) -> None:
    with kapi.http() as c:
        for content, ctype, code in (
            (b"not json", "application/json", 400),
            (b"[1, 2]", "application/json", 400),
            (b"\x00\x01", "application/vnd.kubernetes.protobuf", 400),
            (b"{}", "text/html", 415),
        ):
            r = c.post(CM, content=content, headers={"content-type": ctype})
            assert r.status_code == code, (content, r.text)
            assert r.json()["kind"] == "Status"
        big = b'{"metadata":{"name":"big"},"data":{"a":"' + b"x" * (3 * 1024 * 1024) + b'"}}'
        r = c.post(CM, content=big, headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert r.json()["reason"] == "RequestEntityTooLarge"
    assert httpx.get(kapi.url + "/readyz").status_code == 200
