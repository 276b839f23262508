"""Protobuf request bodies decode to the JSON a JSON client would send for the same object.

The kubectl tests record what kubectl 1.37's typed clients really send: a throwaway stdlib
HTTP server on a free loopback port answers legacy discovery and records POST bodies; each
decoded body must equal kubectl's own `-o json --dry-run=client` rendering of the same command.
The unit tests build messages with a few lines of encoder below.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest

from kapi.machinery import protobuf_schema
from kapi.machinery.errors import StatusError
from kapi.machinery.protobuf import (
    MAGIC,
    PROTOBUF_MEDIA_TYPE,
    ProtobufError,
    _schema,
    decode_message,
    decode_protobuf,
    format_go_duration,
    read_varint,
)

KUBECTL = Path(sys.executable).parent / "kubectl"

# ---------------------------------------------------------------------------------------------
# A minimal encoder for building test messages.

Value = int | bool | str | bytes | list["Field"]
Field = tuple[int, Value]


def varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)


def enc(fields: list[Field]) -> bytes:
    """Encode (number, value) pairs: ints/bools as varints, str/bytes/sub-messages as LEN."""
    out = bytearray()
    for number, value in fields:
        if isinstance(value, bool | int):
            out += varint(number << 3) + varint(int(value))
        else:
            data = enc(value) if isinstance(value, list) else (
                value.encode() if isinstance(value, str) else value)
            out += varint(number << 3 | 2) + varint(len(data)) + data
    return bytes(out)


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    return MAGIC + enc([(1, [(1, api_version), (2, kind)]), (2, raw), (3, ""), (4, "")])


# ---------------------------------------------------------------------------------------------
# Wire primitives


def test_varints_decode_single_multi_byte_and_ten_byte_negatives() -> None:
    assert read_varint(b"\x01", 0) == (1, 1)
    assert read_varint(b"\xac\x02", 0) == (300, 2)
    assert read_varint(b"\x00\xff\xff\x03", 1) == (65535, 4)
    # int64 -1 is ten bytes of two's complement; decoded as a signed value in context.
    spec = decode_message("core.PodSpec", enc([(5, -1)]))
    assert spec["activeDeadlineSeconds"] == -1
    with pytest.raises(ProtobufError):
        read_varint(b"\x80\x80", 0)


def test_packed_and_unpacked_repeated_varints_both_decode() -> None:
    unpacked = enc([(4, 1), (4, 2), (4, 300)])
    packed = enc([(4, varint(1) + varint(2) + varint(300))])
    for data in (unpacked, packed):
        assert decode_message("core.PodSecurityContext", data) == {
            "supplementalGroups": [1, 2, 300]}


def test_repeated_strings_and_messages_keep_order() -> None:
    obj = decode_message("core.Container", enc([
        (1, "c"), (3, "sh"), (3, "-c"), (7, [(1, "A"), (2, "1")]), (7, [(1, "B")]),
    ]))
    assert obj["command"] == ["sh", "-c"]
    assert obj["env"] == [{"name": "A", "value": "1"}, {"name": "B"}]


def test_maps_of_strings_and_bytes() -> None:
    obj = decode_message("core.ConfigMap", enc([
        (2, [(1, "a"), (2, "b")]),
        (2, [(1, "empty")]),  # an entry without a value is the zero value
        (3, [(1, "bin"), (2, b"\x00\xff")]),
    ]))
    assert obj["data"] == {"a": "b", "empty": ""}
    assert obj["binaryData"] == {"bin": base64.b64encode(b"\x00\xff").decode()}


def test_secret_bytes_become_base64() -> None:
    obj = decode_message("core.Secret", enc([(2, [(1, "k"), (2, b"v\x01")]), (3, "Opaque")]))
    assert obj["data"] == {"k": "dgE="}
    assert obj["type"] == "Opaque"


def test_time_is_rfc3339_seconds_in_utc_and_zero_is_unset() -> None:
    meta = decode_message("meta.ObjectMeta", enc([
        (1, "n"), (8, [(1, 1700000000), (2, 999)]), (9, [(1, 0)]),
    ]))
    assert meta["creationTimestamp"] == "2023-11-14T22:13:20Z"
    assert meta["deletionTimestamp"] == "1970-01-01T00:00:00Z"
    assert "creationTimestamp" not in decode_message("meta.ObjectMeta", enc([(8, b"")]))
    go_zero = enc([(8, [(1, -62135596800)])])
    assert "creationTimestamp" not in decode_message("meta.ObjectMeta", go_zero)


def test_micro_time_keeps_microseconds() -> None:
    spec = decode_message("coordination.LeaseSpec", enc([
        (1, "holder"), (4, [(1, 1700000000), (2, 123456789)]), (5, 0),
    ]))
    assert spec == {"holderIdentity": "holder", "renewTime": "2023-11-14T22:13:20.123456Z",
                    "leaseTransitions": 0}


@pytest.mark.parametrize(("ns", "text"), [
    (0, "0s"), (1, "1ns"), (1500, "1.5µs"), (1_000_000, "1ms"), (1_500_000_000, "1.5s"),
    (90 * 10**9, "1m30s"), (3723 * 10**9, "1h2m3s"), (3600 * 10**9, "1h0m0s"),
    (-2 * 10**9, "-2s"),
])
def test_duration_formats_like_go(ns: int, text: str) -> None:
    assert format_go_duration(ns) == text


def test_int_or_string_and_quantity() -> None:
    port = decode_message("core.ServicePort", enc([
        (3, 80), (4, [(1, 0), (2, 8080), (3, "")]),
    ]))
    assert port == {"port": 80, "targetPort": 8080}
    named = decode_message("core.ServicePort", enc([(3, 80), (4, [(1, 1), (2, 0), (3, "http")])]))
    assert named["targetPort"] == "http"
    res = decode_message("core.ResourceRequirements", enc([
        (1, [(1, "cpu"), (2, [(1, "500m")])]), (2, [(1, "memory"), (2, [(1, "64Mi")])]),
    ]))
    assert res == {"limits": {"cpu": "500m"}, "requests": {"memory": "64Mi"}}


# ---------------------------------------------------------------------------------------------
# Zero values follow encoding/json


def test_pointer_zero_is_kept_and_omitempty_zero_is_dropped() -> None:
    spec = decode_message("apps.DeploymentSpec", enc([
        (1, 0), (5, 0), (7, False), (3, []), (4, []),
    ]))
    # selector and containers have no omitempty: encoding/json writes their nil as null.
    assert spec == {"replicas": 0, "selector": None,
                    "template": {"metadata": {}, "spec": {"containers": None}}, "strategy": {}}
    pod = decode_message("core.PodSpec", enc([(21, False), (11, False), (6, "")]))
    assert pod == {"containers": None, "automountServiceAccountToken": False}


def test_non_omitempty_scalars_and_structs_are_filled_when_absent() -> None:
    # port has no omitempty; targetPort is a non-pointer struct: both always in JSON.
    assert decode_message("core.ServicePort", b"") == {"port": 0, "targetPort": 0}
    # An empty Namespace still carries metadata, spec and status, as encoding/json writes.
    assert decode_message("core.Namespace", b"") == {"metadata": {}, "spec": {}, "status": {}}


def test_inline_struct_merges_into_parent() -> None:
    vol = decode_message("core.Volume", enc([
        (1, "cfg"), (2, [(19, [(1, [(1, "my-config")]), (3, 0o644)])]),
    ]))
    assert vol == {"name": "cfg", "configMap": {"name": "my-config", "defaultMode": 420}}


def test_unknown_fields_are_skipped() -> None:
    assert decode_message("core.LocalObjectReference", enc([(1, "x"), (99, "later")])) == {
        "name": "x"}


# ---------------------------------------------------------------------------------------------
# Envelope


def test_envelope_sets_api_version_and_kind() -> None:
    body = envelope("v1", "ConfigMap", enc([(1, [(1, "c"), (3, "ns")]), (2, [(1, "a"), (2, "b")])]))
    assert decode_protobuf(body) == {
        "kind": "ConfigMap", "apiVersion": "v1",
        "metadata": {"name": "c", "namespace": "ns"}, "data": {"a": "b"},
    }


def test_delete_options_decode_under_any_group_version() -> None:
    raw = enc([(1, 0), (2, [(1, "uid-1")]), (4, "Foreground"), (5, "All")])
    for api_version in ("v1", "apps/v1", "meta.k8s.io/v1"):
        assert decode_protobuf(envelope(api_version, "DeleteOptions", raw)) == {
            "kind": "DeleteOptions", "apiVersion": api_version, "gracePeriodSeconds": 0,
            "preconditions": {"uid": "uid-1"}, "propagationPolicy": "Foreground",
            "dryRun": ["All"],
        }


def test_eviction_carries_delete_options() -> None:
    raw = enc([(1, [(1, "p"), (3, "default")]), (2, [(1, 30)])])
    assert decode_protobuf(envelope("policy/v1", "Eviction", raw)) == {
        "kind": "Eviction", "apiVersion": "policy/v1",
        "metadata": {"name": "p", "namespace": "default"},
        "deleteOptions": {"gracePeriodSeconds": 30},
    }


def test_raw_extension_and_fields_v1_carry_json() -> None:
    raw = enc([
        (1, [(1, "rev"), (17, [(1, "m"), (2, "Update"), (6, "FieldsV1"),
                               (7, [(1, b'{"f:data":{}}')])])]),
        (2, [(1, b'{"spec":{"x":1}}')]), (3, 2),
    ])
    obj = decode_protobuf(envelope("apps/v1", "ControllerRevision", raw))
    assert obj["data"] == {"spec": {"x": 1}}
    assert obj["revision"] == 2
    assert obj["metadata"]["managedFields"] == [
        {"manager": "m", "operation": "Update", "fieldsType": "FieldsV1",
         "fieldsV1": {"f:data": {}}}]


def test_bad_magic_is_a_bad_request() -> None:
    with pytest.raises(StatusError) as e:
        decode_protobuf(b'{"kind":"Pod"}')
    assert e.value.code == 400
    assert e.value.reason == "BadRequest"
    assert "k8s" in e.value.message


def test_truncated_body_is_a_bad_request() -> None:
    body = envelope("v1", "ConfigMap", enc([(1, [(1, "c")])]))
    with pytest.raises(StatusError) as e:
        decode_protobuf(body[:-3] + b"\x12\x7f")
    assert e.value.code == 400


def test_missing_kind_is_a_bad_request() -> None:
    with pytest.raises(StatusError) as e:
        decode_protobuf(MAGIC + enc([(2, b"")]))
    assert e.value.code == 400
    assert "Kind" in e.value.message


def test_unknown_kind_is_unsupported_media_type() -> None:
    with pytest.raises(StatusError) as e:
        decode_protobuf(envelope("example.com/v1", "Widget", b""))
    assert e.value.code == 415
    assert e.value.reason == "UnsupportedMediaType"
    assert "application/json" in e.value.message
    assert PROTOBUF_MEDIA_TYPE not in e.value.message


def test_schema_references_resolve() -> None:
    messages = _schema()
    builtins = {"meta.Time", "meta.MicroTime", "meta.Duration", "meta.FieldsV1", "res.Quantity",
                "intstr.IntOrString", "rt.RawExtension", "x.Strings"}
    for msg in messages.values():
        for f in msg.fields.values():
            assert len(f.type) == 1 or f.type in messages or f.type in builtins, (msg.name, f)
    for name in [*protobuf_schema.KINDS.values(), *protobuf_schema.ANY_VERSION_KINDS.values()]:
        assert name in messages


# ---------------------------------------------------------------------------------------------
# What kubectl 1.37 sends


def _resource_list(group_version: str, resources: list[tuple[str, str, bool]]) -> dict[str, Any]:
    return {
        "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
        "resources": [
            {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
             "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}
            for name, kind, namespaced in resources
        ],
    }


DISCOVERY: dict[str, Any] = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                             "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": group, "versions": [{"groupVersion": f"{group}/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": f"{group}/v1", "version": "v1"}}
        for group in ("apps", "batch", "policy", "rbac.authorization.k8s.io",
                      "networking.k8s.io", "scheduling.k8s.io")
    ] + [
        {"name": "autoscaling", "versions": [{"groupVersion": "autoscaling/v2", "version": "v2"},
                                             {"groupVersion": "autoscaling/v1", "version": "v1"}],
         "preferredVersion": {"groupVersion": "autoscaling/v2", "version": "v2"}},
    ]},
    "/api/v1": _resource_list("v1", [
        ("namespaces", "Namespace", False), ("configmaps", "ConfigMap", True),
        ("pods", "Pod", True),
        ("secrets", "Secret", True), ("services", "Service", True),
        ("serviceaccounts", "ServiceAccount", True), ("resourcequotas", "ResourceQuota", True),
    ]),
    "/apis/apps/v1": _resource_list("apps/v1", [("deployments", "Deployment", True),
                                                ("deployments/scale", "Scale", True)]),
    "/apis/autoscaling/v2": _resource_list("autoscaling/v2", [
        ("horizontalpodautoscalers", "HorizontalPodAutoscaler", True)]),
    "/apis/autoscaling/v1": _resource_list("autoscaling/v1", [
        ("horizontalpodautoscalers", "HorizontalPodAutoscaler", True)]),
    # `kubectl autoscale` reads its target first.
    "/apis/apps/v1/namespaces/default/deployments/web": {
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}},
    },
    "/apis/batch/v1": _resource_list("batch/v1", [("jobs", "Job", True),
                                                  ("cronjobs", "CronJob", True)]),
    "/apis/policy/v1": _resource_list("policy/v1", [
        ("poddisruptionbudgets", "PodDisruptionBudget", True)]),
    "/apis/rbac.authorization.k8s.io/v1": _resource_list("rbac.authorization.k8s.io/v1", [
        ("roles", "Role", True), ("rolebindings", "RoleBinding", True),
        ("clusterroles", "ClusterRole", False),
        ("clusterrolebindings", "ClusterRoleBinding", False),
    ]),
    "/apis/networking.k8s.io/v1": _resource_list("networking.k8s.io/v1", [
        ("ingresses", "Ingress", True)]),
    "/apis/scheduling.k8s.io/v1": _resource_list("scheduling.k8s.io/v1", [
        ("priorityclasses", "PriorityClass", False)]),
}

# What the echo adds so that kubectl's token and auth commands find their answer.
STATUS_ECHO: dict[str, dict[str, Any]] = {
    "TokenRequest": {"token": "t0k3n"},
    "SelfSubjectAccessReview": {"allowed": True},
    "SelfSubjectReview": {"userInfo": {"username": "me"}},
}

Recorded = list[tuple[str, str, bytes]]


class _Handler(BaseHTTPRequestHandler):
    recorded: Recorded

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, code: int, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?")[0].rstrip("/") or "/"
        if path in DISCOVERY:
            self._send(200, orjson.dumps(DISCOVERY[path]))
        else:
            self._send(404, orjson.dumps({"kind": "Status", "apiVersion": "v1",
                                          "status": "Failure", "reason": "NotFound",
                                          "code": 404}))

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.recorded.append((self.path, self.headers.get("Content-Type", ""), body))
        # A JSON echo is enough for kubectl to report success.
        obj = decode_protobuf(body) if body.startswith(MAGIC) else orjson.loads(body)
        if obj.get("kind") in STATUS_ECHO:
            obj["status"] = STATUS_ECHO[obj["kind"]]
        self._send(201, orjson.dumps(obj))


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Recorded]]:
    recorded: Recorded = []
    handler = type("Handler", (_Handler,), {"recorded": recorded})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", recorded
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
    assert not thread.is_alive()


@pytest.fixture
def kubectl(server: tuple[str, Recorded],
            tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: t\n"
        f"clusters:\n- name: t\n  cluster:\n    server: {server[0]}\n"
        "contexts:\n- name: t\n  context:\n    cluster: t\n    user: t\n    namespace: default\n"
        "users:\n- name: t\n  user: {}\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(KUBECTL), f"--kubeconfig={kubeconfig}", f"--cache-dir={tmp_path / 'cache'}",
             *args],
            capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result

    return run


COMMANDS: dict[str, list[str]] = {
    "namespace": ["create", "namespace", "foo"],
    "configmap": ["create", "configmap", "c", "--from-literal=a=b", "--from-file=bin.dat",
                  "--from-file=text.txt"],
    "secret": ["create", "secret", "generic", "s", "--from-literal=k=v", "--from-file=bin.dat"],
    "docker-registry": ["create", "secret", "docker-registry", "reg", "--docker-server=r.io",
                        "--docker-username=u", "--docker-password=p"],
    "deployment": ["create", "deployment", "d", "--image=nginx", "--replicas=3", "--port=80"],
    "deployment-zero-replicas": ["create", "deployment", "z", "--image=nginx", "--replicas=0"],
    "service": ["create", "service", "clusterip", "s", "--tcp=80:8080", "--tcp=443:https"],
    "service-nodeport": ["create", "service", "nodeport", "np", "--tcp=5678:8080",
                         "--node-port=30080"],
    "serviceaccount": ["create", "serviceaccount", "sa"],
    "quota": ["create", "quota", "q", "--hard=cpu=1,memory=1Gi,pods=2",
              "--scopes=BestEffort"],
    "job": ["create", "job", "j", "--image=busybox", "--", "echo", "hi"],
    "cronjob": ["create", "cronjob", "cj", "--image=busybox", "--schedule=*/5 * * * *",
                "--restart=OnFailure", "--", "date"],
    "role": ["create", "role", "r", "--verb=get,list", "--resource=pods,deployments.apps",
             "--resource-name=a"],
    "rolebinding": ["create", "rolebinding", "rb", "--role=r", "--user=u", "--group=g",
                    "--serviceaccount=default:sa"],
    "clusterrole": ["create", "clusterrole", "cr", "--verb=get", "--non-resource-url=/logs/*"],
    "clusterrole-aggregated": ["create", "clusterrole", "agg",
                               "--aggregation-rule=rbac.example.com/aggregate=true"],
    "clusterrolebinding": ["create", "clusterrolebinding", "crb", "--clusterrole=cr",
                           "--user=u"],
    "ingress": ["create", "ingress", "ing", "--class=nginx",
                "--rule=foo.com/bar*=svc1:8080,tls=my-cert", "--rule=/x=svc2:http",
                "--default-backend=defsvc:80"],
    "pdb": ["create", "poddisruptionbudget", "pdb", "--selector=app=x", "--min-available=50%"],
    "pdb-max-unavailable": ["create", "poddisruptionbudget", "pdb2", "--selector=app=x",
                            "--max-unavailable=0"],
    "priorityclass": ["create", "priorityclass", "pc", "--value=0", "--description=d",
                      "--preemption-policy=Never"],
    "autoscale": ["autoscale", "deployment", "web", "--min=2", "--max=5", "--cpu=80%"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_kubectl_protobuf_body_decodes_to_kubectls_json(
        name: str, kubectl: Callable[..., subprocess.CompletedProcess[str]],
        server: tuple[str, Recorded], tmp_path: Path) -> None:
    (tmp_path / "bin.dat").write_bytes(b"bin\x00\xff\x01")
    (tmp_path / "text.txt").write_text("hello\n")
    args = COMMANDS[name]
    recorded = server[1]
    recorded.clear()
    kubectl(*args)
    assert len(recorded) == 1
    _path, content_type, body = recorded[0]
    assert content_type == PROTOBUF_MEDIA_TYPE
    # The output flags go before any `--` that starts the container command.
    cut = args.index("--") if "--" in args else len(args)
    dry_run = [*args[:cut], "-o", "json", "--dry-run=client", *args[cut:]]
    expected = orjson.loads(kubectl(*dry_run).stdout)
    assert len(recorded) == 1  # a client-side dry run sends nothing
    assert decode_protobuf(body) == expected


def test_kubectl_zero_replicas_survive(kubectl: Callable[..., subprocess.CompletedProcess[str]],
                                       server: tuple[str, Recorded]) -> None:
    recorded = server[1]
    recorded.clear()
    kubectl(*COMMANDS["deployment-zero-replicas"])
    assert decode_protobuf(recorded[0][2])["spec"]["replicas"] == 0


def test_kubectl_binary_file_lands_in_binary_data(
        kubectl: Callable[..., subprocess.CompletedProcess[str]],
        server: tuple[str, Recorded], tmp_path: Path) -> None:
    (tmp_path / "bin.dat").write_bytes(b"bin\x00\xff\x01")
    (tmp_path / "text.txt").write_text("hello\n")
    recorded = server[1]
    recorded.clear()
    kubectl(*COMMANDS["configmap"])
    obj = decode_protobuf(recorded[0][2])
    assert obj["data"] == {"a": "b", "text.txt": "hello\n"}
    assert base64.b64decode(obj["binaryData"]["bin.dat"]) == b"bin\x00\xff\x01"


def _only_body(recorded: Recorded) -> tuple[str, dict[str, Any]]:
    assert len(recorded) == 1
    path, content_type, body = recorded[0]
    assert content_type == PROTOBUF_MEDIA_TYPE
    return path, decode_protobuf(body)


def test_kubectl_create_token_request(kubectl: Callable[..., subprocess.CompletedProcess[str]],
                                      server: tuple[str, Recorded]) -> None:
    recorded = server[1]
    recorded.clear()
    out = kubectl("create", "token", "sa", "--duration=10m", "--audience=a1",
                  "--bound-object-kind=Pod", "--bound-object-name=p", "--bound-object-uid=u1")
    assert out.stdout.strip() == "t0k3n"
    path, obj = _only_body(recorded)
    assert path == "/api/v1/namespaces/default/serviceaccounts/sa/token"
    assert obj == {
        "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1", "metadata": {},
        "spec": {"audiences": ["a1"], "expirationSeconds": 600,
                 "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p",
                                    "uid": "u1"}},
        "status": {"token": ""},
    }


def test_kubectl_auth_can_i_access_review(
        kubectl: Callable[..., subprocess.CompletedProcess[str]],
        server: tuple[str, Recorded]) -> None:
    recorded = server[1]
    recorded.clear()
    assert kubectl("auth", "can-i", "list", "pods", "--subresource=log", "-n", "ns2"
                   ).stdout.strip() == "yes"
    path, obj = _only_body(recorded)
    assert path == "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
    assert obj == {
        "kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
        "metadata": {},
        "spec": {"resourceAttributes": {"namespace": "ns2", "verb": "list",
                                        "resource": "pods", "subresource": "log"}},
        "status": {"allowed": False},
    }


def test_kubectl_auth_whoami_self_subject_review(
        kubectl: Callable[..., subprocess.CompletedProcess[str]],
        server: tuple[str, Recorded]) -> None:
    recorded = server[1]
    recorded.clear()
    assert "me" in kubectl("auth", "whoami").stdout
    path, obj = _only_body(recorded)
    assert path == "/apis/authentication.k8s.io/v1/selfsubjectreviews"
    assert obj == {"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                   "metadata": {}, "status": {"userInfo": {}}}
