"""Server-side apply and managedFields against a real kapi process, driven by
`kubectl apply --server-side` and the official `kubernetes` Python client."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from tests.e2e.harness import KapiProcess

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
    tier: web
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
"""

APPLY = "application/apply-patch+yaml"


def deployment(name: str, replicas: int = 2) -> str:
    return DEPLOYMENT.format(name=name, replicas=replicas)


def get(kapi: KapiProcess, *args: str) -> Any:
    out = kapi.kubectl("get", *args, "-o", "json", "--show-managed-fields").stdout
    return json.loads(out)


def managers(obj: Any) -> dict[tuple[str, str], Any]:
    return {(e["manager"], e["operation"]): e for e in obj["metadata"].get("managedFields", [])}


def test_apply_creates_then_updates(kapi: KapiProcess) -> None:
    out = kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-a"))
    assert out.stdout.strip() == "deployment.apps/ssa-a serverside-applied"
    obj = get(kapi, "deployment", "ssa-a")
    entry = managers(obj)[("kubectl", "Apply")]
    assert entry["apiVersion"] == "apps/v1"
    assert entry["fieldsType"] == "FieldsV1"
    assert entry["fieldsV1"]["f:spec"]["f:replicas"] == {}
    assert entry["fieldsV1"]["f:metadata"] == {"f:labels": {"f:app": {}, "f:tier": {}}}
    container = entry["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert container['k:{"name":"nginx"}']["f:ports"] == {
        'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}
    }
    # Defaults applied by the server after the merge are owned by nobody.
    assert "f:imagePullPolicy" not in container['k:{"name":"nginx"}']
    assert obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"

    out = kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-a", 3))
    assert out.stdout.strip() == "deployment.apps/ssa-a serverside-applied"
    assert get(kapi, "deployment", "ssa-a")["spec"]["replicas"] == 3


def test_reapply_is_a_no_op(kapi: KapiProcess) -> None:
    kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-noop"))
    before = get(kapi, "deployment", "ssa-noop")
    kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-noop"))
    after = get(kapi, "deployment", "ssa-noop")
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    assert after["metadata"]["managedFields"] == before["metadata"]["managedFields"]


def test_conflict_with_another_manager_and_force(kapi: KapiProcess) -> None:
    kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-b"))
    kapi.kubectl("scale", "deployment", "ssa-b", "--replicas=5")
    obj = get(kapi, "deployment", "ssa-b")
    # kubectl scale sends no fieldManager: the manager is the User-Agent's "kubectl".
    scale = managers(obj)[("kubectl", "Update")]
    assert scale["subresource"] == "scale"
    assert scale["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in managers(obj)[("kubectl", "Apply")]["fieldsV1"]["f:spec"]

    res = kapi.kubectl(
        "apply", "--server-side", "-f", "-", input=deployment("ssa-b", 2), check=False
    )
    assert res.returncode != 0
    assert (
        'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" '
        "using apps/v1: .spec.replicas"
    ) in res.stderr
    assert "--force-conflicts" in res.stderr
    assert get(kapi, "deployment", "ssa-b")["spec"]["replicas"] == 5

    kapi.kubectl(
        "apply", "--server-side", "--force-conflicts", "-f", "-", input=deployment("ssa-b", 2)
    )
    obj = get(kapi, "deployment", "ssa-b")
    assert obj["spec"]["replicas"] == 2
    assert ("kubectl", "Update") not in managers(obj)
    assert "f:replicas" in managers(obj)[("kubectl", "Apply")]["fieldsV1"]["f:spec"]


def test_conflict_with_client_side_apply_manager(kapi: KapiProcess) -> None:
    kapi.kubectl("apply", "-f", "-", input=deployment("ssa-csa", 1))
    obj = get(kapi, "deployment", "ssa-csa")
    assert ("kubectl-client-side-apply", "Update") in managers(obj)
    res = kapi.kubectl(
        "apply",
        "--server-side",
        "--field-manager=other",
        "-f",
        "-",
        input=deployment("ssa-csa", 4),
        check=False,
    )
    assert res.returncode != 0
    assert (
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using '
        "apps/v1: .spec.replicas"
    ) in res.stderr


def test_client_side_apply_upgrades_to_server_side(kapi: KapiProcess) -> None:
    """kubectl's first server-side apply takes over what its last-applied annotation
    shows, without conflicts (upstream `lastAppliedManager`)."""
    kapi.kubectl("apply", "-f", "-", input=deployment("ssa-up", 1))
    kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-up", 3))
    obj = get(kapi, "deployment", "ssa-up")
    assert obj["spec"]["replicas"] == 3
    annotation = obj["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    assert json.loads(annotation)["spec"]["replicas"] == 3


def test_dropping_a_field_removes_it(kapi: KapiProcess) -> None:
    kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-c"))
    kapi.kubectl("label", "deployment", "ssa-c", "owner=ops")
    dropped = deployment("ssa-c").replace("    tier: web\n", "")
    kapi.kubectl("apply", "--server-side", "-f", "-", input=dropped)
    obj = get(kapi, "deployment", "ssa-c")
    assert obj["metadata"]["labels"] == {"app": "ssa-c", "owner": "ops"}
    assert managers(obj)[("kubectl", "Apply")]["fieldsV1"]["f:metadata"] == {
        "f:labels": {"f:app": {}}
    }


def test_apply_dry_run_changes_nothing(kapi: KapiProcess) -> None:
    kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-dry"))
    out = kapi.kubectl(
        "apply",
        "--server-side",
        "--dry-run=server",
        "-o",
        "json",
        "-f",
        "-",
        input=deployment("ssa-dry", 7),
    )
    assert json.loads(out.stdout)["spec"]["replicas"] == 7
    assert get(kapi, "deployment", "ssa-dry")["spec"]["replicas"] == 2
    res = kapi.kubectl(
        "apply", "--server-side", "--dry-run=server", "-f", "-", input=deployment("ssa-dry2")
    )
    assert "serverside-applied (server dry run)" in res.stdout
    assert kapi.kubectl("get", "deployment", "ssa-dry2", check=False).returncode != 0


def test_managed_fields_after_create_and_label(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "deployment", "mf-create", "--image=nginx:1.27")
    kapi.kubectl("label", "deployment", "mf-create", "team=blue")
    out = kapi.kubectl(
        "get", "deployment", "mf-create", "-o", "yaml", "--show-managed-fields"
    ).stdout
    obj = yaml.safe_load(out)
    by = managers(obj)
    create = by[("kubectl-create", "Update")]
    assert create["apiVersion"] == "apps/v1"
    assert create["time"].endswith("Z")
    spec = create["fieldsV1"]["f:spec"]
    # Compared with the kind's empty object, as upstream: no "." on struct fields.
    assert "." not in spec and "." not in spec["f:template"]
    assert spec["f:replicas"] == {} and spec["f:selector"] == {}
    assert spec["f:strategy"]["f:rollingUpdate"]["."] == {}
    nginx = spec["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert nginx["."] == {} and nginx["f:image"] == {} and nginx["f:name"] == {}
    # Defaults the create caused are the creator's, as upstream's decoder defaults are.
    assert nginx["f:imagePullPolicy"] == {}
    assert spec["f:template"]["f:spec"]["f:restartPolicy"] == {}
    assert create["fieldsV1"]["f:metadata"] == {"f:labels": {".": {}, "f:app": {}}}
    assert "f:status" not in create["fieldsV1"]
    label = by[("kubectl-label", "Update")]
    assert label["fieldsV1"] == {"f:metadata": {"f:labels": {"f:team": {}}}}
    # Without the flag kubectl hides managedFields.
    plain = yaml.safe_load(kapi.kubectl("get", "deployment", "mf-create", "-o", "yaml").stdout)
    assert "managedFields" not in plain["metadata"]


def test_configmap_managed_fields_shape(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "configmap", "mf-cm", "--from-literal=a=1")
    obj = get(kapi, "configmap", "mf-cm")
    entry = managers(obj)[("kubectl-create", "Update")]
    assert entry["fieldsV1"] == {"f:data": {".": {}, "f:a": {}}}
    assert "subresource" not in entry


def test_python_client_apply_patch(kapi: KapiProcess) -> None:
    from kubernetes import client

    core = client.CoreV1Api(kapi.api_client())
    body = yaml.safe_load(
        """
apiVersion: v1
kind: ConfigMap
metadata: {name: py-ssa, labels: {a: "1"}}
data: {k: v}
"""
    )

    def apply(obj: Any, manager: str, force: bool | None = None) -> Any:
        return core.patch_namespaced_config_map_with_http_info(
            "py-ssa", "default", obj, field_manager=manager, force=force, _content_type=APPLY
        )

    data, status, _ = apply(body, "py")
    assert status == 201
    assert data.data == {"k": "v"}
    [entry] = data.metadata.managed_fields
    assert (entry.manager, entry.operation) == ("py", "Apply")
    assert entry.fields_v1 == {"f:data": {"f:k": {}}, "f:metadata": {"f:labels": {"f:a": {}}}}
    body2 = dict(body, data={"k": "other"})
    with pytest.raises(client.ApiException) as info:
        apply(body2, "py2")
    assert info.value.status == 409
    status_obj = json.loads(info.value.body)
    assert status_obj["reason"] == "Conflict"
    assert status_obj["message"] == 'Apply failed with 1 conflict: conflict with "py": .data.k'
    assert status_obj["details"]["causes"] == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "py"', "field": ".data.k"}
    ]
    data, status, _ = apply(body2, "py2", force=True)
    assert status == 200
    assert data.data == {"k": "other"}
    cm = core.read_namespaced_config_map("py-ssa", "default")
    owners = {(m.manager, m.operation): m.fields_v1 for m in cm.metadata.managed_fields}
    assert owners == {
        ("py", "Apply"): {"f:metadata": {"f:labels": {"f:a": {}}}},
        # The same label value applied by both: shared, no conflict.
        ("py2", "Apply"): {"f:data": {"f:k": {}}, "f:metadata": {"f:labels": {"f:a": {}}}},
    }


def test_python_client_records_update_manager(kapi: KapiProcess) -> None:
    from kubernetes import client

    core = client.CoreV1Api(kapi.api_client())
    cm = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-upd"), data={"a": "1"})
    created = core.create_namespaced_config_map("default", cm)
    [entry] = created.metadata.managed_fields
    # The manager defaults to the User-Agent up to the first "/".
    assert (entry.manager, entry.operation) == ("OpenAPI-Generator", "Update")
    created.data["b"] = "2"
    replaced = core.replace_namespaced_config_map("py-upd", "default", created, field_manager="me")
    by = {m.manager: m for m in replaced.metadata.managed_fields}
    assert by["me"].fields_v1 == {"f:data": {"f:b": {}}}
    # Clearing managedFields with [{}] (upstream's documented reset).
    patched = core.patch_namespaced_config_map(
        "py-upd", "default", {"metadata": {"managedFields": [{}]}}
    )
    assert patched.metadata.managed_fields is None


def test_apply_errors(kapi: KapiProcess) -> None:
    http = kapi.http()
    path = "/apis/apps/v1/namespaces/default/deployments/ssa-err"
    body = deployment("ssa-err").encode()
    r = http.patch(path, content=body, headers={"Content-Type": APPLY})
    assert r.status_code == 422
    assert r.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required '
        "for apply patch"
    )
    r = http.patch(
        path + "?fieldManager=x&force=true",
        content=b"{}",
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert r.status_code == 422
    assert "force: Forbidden: may not be specified for non-apply patch" in r.json()["message"]
    r = http.patch(
        path + "?fieldManager=x",
        content=deployment("other").encode(),
        headers={"Content-Type": APPLY},
    )
    assert r.status_code == 400
    assert r.json()["message"] == (
        "the name of the object (other) does not match the name on the URL (ssa-err)"
    )
    r = http.patch(path + "?fieldManager=x", content=b"{}", headers={"Content-Type": "text/x"})
    assert r.status_code == 415
    assert r.json()["message"].endswith(
        "application/json-patch+json, application/merge-patch+json, "
        "application/strategic-merge-patch+json, application/apply-patch+yaml"
    )


def test_apply_status_subresource(kapi: KapiProcess) -> None:
    """`/status` takes apply too, owning only status; the main resource never owns it."""
    kapi.kubectl("apply", "--server-side", "-f", "-", input=deployment("ssa-st"))
    status = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ssa-st}\n"
        "spec: {replicas: 9}\nstatus: {replicas: 2, readyReplicas: 1}\n"
    )
    kapi.kubectl(
        "apply",
        "--server-side",
        "--subresource=status",
        "--field-manager=ctl",
        "-f",
        "-",
        input=status,
    )
    obj = get(kapi, "deployment", "ssa-st")
    assert obj["status"]["readyReplicas"] == 1
    assert obj["spec"]["replicas"] == 2
    ctl = managers(obj)[("ctl", "Apply")]
    assert ctl["subresource"] == "status"
    assert ctl["fieldsV1"] == {"f:status": {"f:readyReplicas": {}, "f:replicas": {}}}
    assert "f:status" not in managers(obj)[("kubectl", "Apply")]["fieldsV1"]
