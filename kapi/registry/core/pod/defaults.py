"""The v1 defaults of pods and pod templates (upstream `pkg/apis/core/v1/defaults.go`:
`SetDefaults_Pod`, `SetDefaults_PodSpec`, `SetDefaults_Container`, probes, volumes), plus the
`serviceAccount` / `serviceAccountName` mirroring that upstream's v1 conversion does.

Defaulting only fills what is missing, so running it again on a stored object changes
nothing (no-op updates stay no-ops)."""

from __future__ import annotations

import copy
from typing import Any

from kapi.registry.core.shape import child, mapping, mappings, text

Object = dict[str, Any]

DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
DEFAULT_SCHEDULER_NAME = "default-scheduler"
TERMINATION_MESSAGE_PATH = "/dev/termination-log"
DEFAULT_VOLUME_MODE = 0o644
DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def image_tag(image: str) -> str:
    """The tag a pull would use (upstream `parsers.ParseImageName`): "latest" when there is
    neither a tag nor a digest."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.rpartition(":")[2] if ":" in last else ""
    if not tag and not digest:
        return "latest"
    return tag


def set_container_defaults(c: Object) -> None:
    if not c.get("imagePullPolicy"):
        latest = image_tag(text(c.get("image"))) == "latest"
        c["imagePullPolicy"] = "Always" if latest else "IfNotPresent"
    if not c.get("terminationMessagePath"):
        c["terminationMessagePath"] = TERMINATION_MESSAGE_PATH
    if not c.get("terminationMessagePolicy"):
        c["terminationMessagePolicy"] = "File"
    for port in mappings(c.get("ports")):
        if port and not port.get("protocol"):
            port["protocol"] = "TCP"
    for env in mappings(c.get("env")):
        field_ref = mapping(env.get("valueFrom")).get("fieldRef")
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        if isinstance(c.get(probe), dict):
            _set_probe_defaults(c[probe])
    lifecycle = c.get("lifecycle")
    if isinstance(lifecycle, dict):
        for hook in ("postStart", "preStop"):
            if isinstance(lifecycle.get(hook), dict):
                _set_handler_defaults(lifecycle[hook])


def _set_probe_defaults(p: Object) -> None:
    for key, value in (
        ("timeoutSeconds", 1),
        ("periodSeconds", 10),
        ("successThreshold", 1),
        ("failureThreshold", 3),
    ):
        if not p.get(key):
            p[key] = value
    _set_handler_defaults(p)


def _set_handler_defaults(h: Object) -> None:
    http = h.get("httpGet")
    if isinstance(http, dict):
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def _set_volume_defaults(vol: Object) -> None:
    for source in ("secret", "configMap", "downwardAPI", "projected"):
        src = vol.get(source)
        if isinstance(src, dict) and src.get("defaultMode") is None:
            src["defaultMode"] = DEFAULT_VOLUME_MODE
    host_path = vol.get("hostPath")
    if isinstance(host_path, dict) and host_path.get("type") is None:
        host_path["type"] = ""
    for item in _downward_items(vol):
        field_ref = item.get("fieldRef")
        if isinstance(field_ref, dict) and not field_ref.get("apiVersion"):
            field_ref["apiVersion"] = "v1"
    projected = vol.get("projected")
    if isinstance(projected, dict):
        for projection in mappings(projected.get("sources")):
            token = projection.get("serviceAccountToken")
            if isinstance(token, dict) and token.get("expirationSeconds") is None:
                token["expirationSeconds"] = DEFAULT_TOKEN_EXPIRATION_SECONDS


def _downward_items(vol: Object) -> list[Object]:
    out: list[Object] = []
    downward = vol.get("downwardAPI")
    if isinstance(downward, dict):
        out += mappings(downward.get("items"))
    projected = vol.get("projected")
    if isinstance(projected, dict):
        for source in mappings(projected.get("sources")):
            if isinstance(source.get("downwardAPI"), dict):
                out += mappings(source["downwardAPI"].get("items"))
    return out


def set_pod_spec_defaults(spec: Object) -> None:
    """`SetDefaults_PodSpec` and everything nested in it; applies to pod templates too."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    if not isinstance(spec.get("securityContext"), dict):
        spec["securityContext"] = {}
    if spec.get("terminationGracePeriodSeconds") is None:
        spec["terminationGracePeriodSeconds"] = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    # v1 conversion: the deprecated alias and the real field are kept equal.
    sa_name = text(spec.get("serviceAccountName")) or text(spec.get("serviceAccount"))
    if sa_name:
        spec["serviceAccountName"] = sa_name
        spec["serviceAccount"] = sa_name
    for key in CONTAINER_LISTS:
        for c in mappings(spec.get(key)):
            set_container_defaults(c)
    for vol in mappings(spec.get("volumes")):
        _set_volume_defaults(vol)


def set_pod_defaults(pod: Object) -> None:
    """`SetDefaults_Pod`: the pod spec defaults plus what only pods (not templates) get."""
    spec = child(pod, "spec")
    set_pod_spec_defaults(spec)
    for key in ("containers", "initContainers"):
        for c in mappings(spec.get(key)):
            _default_requests_to_limits(c)
            if spec.get("hostNetwork") is True:
                _default_host_network_ports(c)
    if spec.get("enableServiceLinks") is None:
        spec["enableServiceLinks"] = True


def _default_requests_to_limits(c: Object) -> None:
    resources = c.get("resources")
    if not isinstance(resources, dict) or not isinstance(resources.get("limits"), dict):
        return
    if not resources["limits"]:
        return
    requests = child(resources, "requests")
    for name, value in resources["limits"].items():
        requests.setdefault(name, copy.deepcopy(value))


def _default_host_network_ports(c: Object) -> None:
    for port in mappings(c.get("ports")):
        if port and not port.get("hostPort"):
            port["hostPort"] = port.get("containerPort")
