"""Container validation (upstream `validateContainers`, `validateInitContainers`,
`validateContainerCommon` and the checks they call)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.core.pod.volumes import validate_local_descending_path
from kapi.registry.core.quantity import QUANTITY_ERROR, parse_quantity, quantity_string
from kapi.registry.core.shape import integer, items, mapping, mappings, text
from kapi.registry.core.validation import (
    IS_NEGATIVE,
    validate_dns1123_label,
    validate_nonnegative,
    validate_port_num_or_name,
    validate_qualified_name,
)

Object = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ContainerContext:
    """What container validation needs to know about the surrounding pod spec."""

    volumes: dict[str, Object]
    grace_period: int | None
    restart_policy: str
    host_users: bool = True


SUPPORTED_PROTOCOLS = ("SCTP", "TCP", "UDP")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
ENV_FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
CONTAINER_RESOURCE_FIELDS = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)
# Upstream `standardResources`: names valid without a domain prefix.
STANDARD_RESOURCES = frozenset(
    {
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "services",
        "replicationcontrollers",
        "resourcequotas",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    }
)
STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
MAX_USER_ID = 2**31 - 1


def _is_huge_pages(name: str) -> bool:
    return name.startswith("hugepages-")


def _is_native(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def _overcommit_allowed(name: str) -> bool:
    return _is_native(name) and not _is_huge_pages(name)


def _is_extended(name: str) -> bool:
    if _is_native(name) or name.startswith("requests."):
        return False
    return not mv.is_qualified_name("requests." + name)


def validate_container_resource_name(name: str, path: Path) -> ErrorList:
    errs = [fe.invalid(path, name, m) for m in mv.is_qualified_name(name)]
    if not errs and "/" not in name and name not in STANDARD_RESOURCES and not _is_huge_pages(name):
        errs.append(fe.invalid(path, name, "must be a standard resource type or fully qualified"))
    if "/" not in name:
        if name not in STANDARD_CONTAINER_RESOURCES and not _is_huge_pages(name):
            errs.append(fe.invalid(path, name, "must be a standard resource for containers"))
    elif not _is_native(name) and not _is_extended(name):
        errs.append(fe.invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def validate_resource_requirements(res: Any, path: Path) -> ErrorList:
    r = mapping(res)
    limits = mapping(r.get("limits"))
    requests = mapping(r.get("requests"))
    lim_path, req_path = path.child("limits"), path.child("requests")
    errs: ErrorList = []
    parsed_limits: dict[str, Any] = {}
    for name, value in limits.items():
        p = lim_path.key(name)
        errs += validate_container_resource_name(name, p)
        q = parse_quantity(value)
        if q is None:
            errs.append(fe.invalid(p, value, QUANTITY_ERROR))
            continue
        if q < 0:
            errs.append(fe.invalid(p, quantity_string(value), IS_NEGATIVE))
        parsed_limits[name] = q
    for name, value in requests.items():
        p = req_path.key(name)
        errs += validate_container_resource_name(name, p)
        q = parse_quantity(value)
        if q is None:
            errs.append(fe.invalid(p, value, QUANTITY_ERROR))
            continue
        if q < 0:
            errs.append(fe.invalid(p, quantity_string(value), IS_NEGATIVE))
        if name in parsed_limits:
            limit = parsed_limits[name]
            shown = quantity_string(limits[name])
            if q != limit and not _overcommit_allowed(name):
                errs.append(
                    fe.invalid(
                        req_path,
                        quantity_string(value),
                        f"must be equal to {name} limit of {shown}",
                    )
                )
            elif q > limit:
                errs.append(
                    fe.invalid(
                        req_path,
                        quantity_string(value),
                        f"must be less than or equal to {name} limit of {shown}",
                    )
                )
        elif not _overcommit_allowed(name):
            errs.append(fe.required(lim_path, "Limit must be set for non overcommitable resources"))
    return errs


def validate_container_ports(ports: Any, path: Path) -> ErrorList:
    errs: ErrorList = []
    names: set[str] = set()
    for i, port in enumerate(mappings(ports)):
        p = path.index(i)
        name = text(port.get("name"))
        if name:
            msgs = mv.is_valid_port_name(name)
            if msgs:
                errs += [fe.invalid(p.child("name"), name, m) for m in msgs]
            elif name in names:
                errs.append(fe.duplicate(p.child("name"), name))
            else:
                names.add(name)
        container_port = port.get("containerPort")
        if not container_port:
            errs.append(fe.required(p.child("containerPort")))
        else:
            n = integer(container_port)
            msgs = mv.is_valid_port_num(n) if n is not None else ["must be an integer"]
            errs += [fe.invalid(p.child("containerPort"), container_port, m) for m in msgs]
        host_port = port.get("hostPort")
        if host_port:
            n = integer(host_port)
            msgs = mv.is_valid_port_num(n) if n is not None else ["must be an integer"]
            errs += [fe.invalid(p.child("hostPort"), host_port, m) for m in msgs]
        protocol = port.get("protocol")
        if not protocol:
            errs.append(fe.required(p.child("protocol")))
        elif protocol not in SUPPORTED_PROTOCOLS:
            errs.append(fe.not_supported(p.child("protocol"), protocol, SUPPORTED_PROTOCOLS))
    return errs


def _validate_env_value_from(ev: Object, path: Path) -> ErrorList:
    value_from = ev.get("valueFrom")
    if not isinstance(value_from, dict):
        return []
    errs: ErrorList = []
    sources = 0
    field_ref = value_from.get("fieldRef")
    if isinstance(field_ref, dict):
        sources += 1
        errs += _validate_object_field_selector(field_ref, path.child("fieldRef"))
    resource_ref = value_from.get("resourceFieldRef")
    if isinstance(resource_ref, dict):
        sources += 1
        resource = text(resource_ref.get("resource"))
        p = path.child("resourceFieldRef")
        if not resource:
            errs.append(fe.required(p.child("resource")))
        elif resource not in CONTAINER_RESOURCE_FIELDS and not resource.startswith(
            ("requests.hugepages-", "limits.hugepages-")
        ):
            errs.append(fe.not_supported(p.child("resource"), resource, CONTAINER_RESOURCE_FIELDS))
    for key in ("configMapKeyRef", "secretKeyRef"):
        ref = value_from.get(key)
        if isinstance(ref, dict):
            sources += 1
            errs += _validate_key_selector(ref, path.child(key))
    if sources == 0:
        errs.append(
            fe.invalid(
                path,
                "",
                "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                "`secretKeyRef`",
            )
        )
    elif text(ev.get("value")):
        errs.append(fe.invalid(path, "", "may not be specified when `value` is not empty"))
    elif sources > 1:
        errs.append(fe.invalid(path, "", "may not have more than one field specified at a time"))
    return errs


def _validate_object_field_selector(ref: Object, path: Path) -> ErrorList:
    if not text(ref.get("apiVersion")):
        return [fe.required(path.child("apiVersion"))]
    field_path = text(ref.get("fieldPath"))
    if not field_path:
        return [fe.required(path.child("fieldPath"))]
    for prefix in ("metadata.labels", "metadata.annotations"):
        if field_path.startswith(prefix + "['") and field_path.endswith("']"):
            key = field_path[len(prefix) + 2 : -2]
            if prefix == "metadata.annotations":
                key = key.lower()
            return validate_qualified_name(key, path)
    if field_path not in ENV_FIELD_PATHS:
        return [fe.not_supported(path.child("fieldPath"), field_path, ENV_FIELD_PATHS)]
    return []


def _validate_key_selector(ref: Object, path: Path) -> ErrorList:
    name = text(ref.get("name"))
    errs = [fe.invalid(path.child("name"), name, m) for m in mv.name_is_dns_subdomain(name, False)]
    key = text(ref.get("key"))
    if not key:
        errs.append(fe.required(path.child("key")))
    else:
        errs += [fe.invalid(path.child("key"), key, m) for m in mv.is_config_map_key(key)]
    return errs


def validate_env(env: Any, path: Path) -> ErrorList:
    errs: ErrorList = []
    for i, ev in enumerate(mappings(env)):
        p = path.index(i)
        name = text(ev.get("name"))
        if not name:
            errs.append(fe.required(p.child("name")))
        else:
            errs += [fe.invalid(p.child("name"), name, m) for m in mv.is_relaxed_env_var_name(name)]
        errs += _validate_env_value_from(ev, p.child("valueFrom"))
    return errs


def validate_env_from(env_from: Any, path: Path) -> ErrorList:
    errs: ErrorList = []
    for i, ev in enumerate(mappings(env_from)):
        p = path.index(i)
        prefix = text(ev.get("prefix"))
        if prefix:
            errs += [
                fe.invalid(p.child("prefix"), prefix, m) for m in mv.is_relaxed_env_var_name(prefix)
            ]
        sources = 0
        for key in ("configMapRef", "secretRef"):
            ref = ev.get(key)
            if isinstance(ref, dict):
                sources += 1
                name = text(ref.get("name"))
                rp = p.child(key, "name")
                if not name:
                    errs.append(fe.required(rp))
                else:
                    errs += [fe.invalid(rp, name, m) for m in mv.name_is_dns_subdomain(name, True)]
        if sources == 0:
            errs.append(fe.invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif sources > 1:
            errs.append(
                fe.invalid(path, "", "may not have more than one field specified at a time")
            )
    return errs


def validate_volume_mounts(mounts: Any, volumes: dict[str, Object], path: Path) -> ErrorList:
    errs: ErrorList = []
    seen: set[str] = set()
    for i, m in enumerate(mappings(mounts)):
        p = path.index(i)
        name = text(m.get("name"))
        if not name:
            errs.append(fe.required(p.child("name")))
        if name not in volumes:
            errs.append(fe.not_found(p.child("name"), name))
        mount_path = text(m.get("mountPath"))
        if not mount_path:
            errs.append(fe.required(p.child("mountPath")))
        if mount_path in seen:
            errs.append(fe.invalid(p.child("mountPath"), mount_path, "must be unique"))
        seen.add(mount_path)
        # Upstream reports these two on the list's path, not the item's.
        sub_path = text(m.get("subPath"))
        if sub_path:
            errs += validate_local_descending_path(sub_path, path.child("subPath"))
        sub_path_expr = text(m.get("subPathExpr"))
        if sub_path_expr:
            if sub_path:
                errs.append(
                    fe.invalid(
                        p.child("subPathExpr"),
                        sub_path_expr,
                        "subPathExpr and subPath are mutually exclusive",
                    )
                )
            errs += validate_local_descending_path(sub_path_expr, path.child("subPathExpr"))
    return errs


def validate_pull_policy(policy: Any, path: Path) -> ErrorList:
    if not policy:
        return [fe.required(path)]
    if policy not in PULL_POLICIES:
        return [fe.not_supported(path, policy, PULL_POLICIES)]
    return []


def _validate_handler(h: Object, ctx: ContainerContext, path: Path, allow_sleep: bool) -> ErrorList:
    errs: ErrorList = []
    count = 0
    kinds = ["exec", "httpGet", "tcpSocket", "grpc"] + (["sleep"] if allow_sleep else [])
    for kind in kinds:
        action = h.get(kind)
        if not isinstance(action, dict):
            continue
        if count > 0:
            errs.append(fe.forbidden(path.child(kind), "may not specify more than 1 handler type"))
            continue
        count += 1
        p = path.child(kind)
        if kind == "exec" and not items(action.get("command")):
            errs.append(fe.required(p.child("command")))
        elif kind == "httpGet":
            if not text(action.get("path")):
                errs.append(fe.required(p.child("path")))
            errs += validate_port_num_or_name(action.get("port"), p.child("port"))
            scheme = action.get("scheme")
            if scheme not in ("HTTP", "HTTPS"):
                errs.append(fe.not_supported(p.child("scheme"), scheme, ("HTTP", "HTTPS")))
        elif kind == "tcpSocket":
            errs += validate_port_num_or_name(action.get("port"), p.child("port"))
        elif kind == "grpc":
            port = integer(action.get("port"))
            errs += validate_port_num_or_name(port if port is not None else 0, p.child("port"))
        elif kind == "sleep":
            seconds = integer(action.get("seconds")) or 0
            grace = ctx.grace_period
            if grace is not None and (seconds < 0 or seconds > grace):
                errs.append(
                    fe.invalid(
                        p,
                        seconds,
                        "must be non-negative and less than terminationGracePeriodSeconds "
                        f"({grace})",
                    )
                )
    if count == 0:
        errs.append(fe.required(path, "must specify a handler type"))
    return errs


def _validate_probe(probe: Any, ctx: ContainerContext, path: Path, kind: str) -> ErrorList:
    if not isinstance(probe, dict):
        return []
    errs = _validate_handler(probe, ctx, path, allow_sleep=False)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        errs += validate_nonnegative(integer(probe.get(key)) or 0, path.child(key))
    grace = probe.get("terminationGracePeriodSeconds")
    if grace is not None and (integer(grace) or 0) <= 0:
        errs.append(
            fe.invalid(path.child("terminationGracePeriodSeconds"), grace, "must be greater than 0")
        )
    if kind in ("liveness", "startup") and probe.get("successThreshold") != 1:
        errs.append(
            fe.invalid(path.child("successThreshold"), probe.get("successThreshold"), "must be 1")
        )
    if kind == "readiness" and grace is not None:
        errs.append(
            fe.invalid(
                path.child("terminationGracePeriodSeconds"),
                grace,
                "must not be set for readinessProbes",
            )
        )
    return errs


def _validate_lifecycle(lifecycle: Any, ctx: ContainerContext, path: Path) -> ErrorList:
    errs: ErrorList = []
    for hook in ("postStart", "preStop"):
        h = mapping(lifecycle).get(hook)
        if isinstance(h, dict):
            errs += _validate_handler(h, ctx, path.child(hook), allow_sleep=True)
    return errs


def validate_id(value: Any, path: Path) -> ErrorList:
    """A user or group id (upstream `IsValidUserID` / `IsValidGroupID`); None is unset."""
    if value is None:
        return []
    n = integer(value)
    if n is None or not 0 <= n <= MAX_USER_ID:
        return [fe.invalid(path, value, f"must be between 0 and {MAX_USER_ID}, inclusive")]
    return []


def validate_security_context(sc: Any, path: Path, host_users: bool) -> ErrorList:
    if not isinstance(sc, dict):
        return []
    errs: ErrorList = []
    for key in ("runAsUser", "runAsGroup"):
        errs += validate_id(sc.get(key), path.child(key))
    proc_mount = sc.get("procMount")
    if proc_mount is not None:
        if proc_mount not in ("Default", "Unmasked"):
            errs.append(
                fe.not_supported(path.child("procMount"), proc_mount, ("Default", "Unmasked"))
            )
        if host_users and proc_mount == "Unmasked":
            errs.append(
                fe.invalid(
                    path.child("procMount"),
                    proc_mount,
                    "`hostUsers` must be false to use `Unmasked`",
                )
            )
    errs += validate_seccomp_profile(sc.get("seccompProfile"), path.child("seccompProfile"))
    if sc.get("allowPrivilegeEscalation") is False and sc.get("privileged") is True:
        errs.append(
            fe.invalid(
                path, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"
            )
        )
    return errs


SECCOMP_TYPES = ("Localhost", "RuntimeDefault", "Unconfined")


def validate_seccomp_profile(profile: Any, path: Path) -> ErrorList:
    if not isinstance(profile, dict):
        return []
    kind = profile.get("type")
    errs: ErrorList = []
    if not kind:
        errs.append(fe.required(path.child("type"), "type is required when seccompProfile is set"))
    elif kind not in SECCOMP_TYPES:
        errs.append(fe.not_supported(path.child("type"), kind, SECCOMP_TYPES))
    localhost = profile.get("localhostProfile")
    if kind == "Localhost":
        if localhost is None:
            errs.append(
                fe.required(
                    path.child("localhostProfile"), "must be set when seccomp type is Localhost"
                )
            )
        else:
            errs += validate_local_descending_path(text(localhost), path.child("localhostProfile"))
    elif localhost is not None:
        errs.append(
            fe.invalid(
                path.child("localhostProfile"),
                profile,
                "can only be set when seccomp type is Localhost",
            )
        )
    return errs


def validate_container_common(c: Object, ctx: ContainerContext, path: Path) -> ErrorList:
    errs: ErrorList = []
    name = text(c.get("name"))
    if not name:
        errs.append(fe.required(path.child("name")))
    else:
        errs += validate_dns1123_label(name, path.child("name"))
    if not text(c.get("image")):
        errs.append(fe.required(path.child("image")))
    policy = c.get("terminationMessagePolicy")
    if not policy:
        errs.append(fe.required(path.child("terminationMessagePolicy")))
    elif policy not in TERMINATION_MESSAGE_POLICIES:
        errs.append(
            fe.not_supported(
                path.child("terminationMessagePolicy"), policy, TERMINATION_MESSAGE_POLICIES
            )
        )
    errs += validate_container_ports(c.get("ports"), path.child("ports"))
    errs += validate_env(c.get("env"), path.child("env"))
    errs += validate_env_from(c.get("envFrom"), path.child("envFrom"))
    errs += validate_volume_mounts(c.get("volumeMounts"), ctx.volumes, path.child("volumeMounts"))
    errs += validate_pull_policy(c.get("imagePullPolicy"), path.child("imagePullPolicy"))
    errs += validate_resource_requirements(c.get("resources"), path.child("resources"))
    errs += validate_security_context(
        c.get("securityContext"), path.child("securityContext"), ctx.host_users
    )
    return errs


def _check_host_port_conflicts(containers: list[Object], path: Path) -> ErrorList:
    errs: ErrorList = []
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(mappings(c.get("ports"))):
            host_port = integer(port.get("hostPort")) or 0
            if host_port == 0:
                continue
            key = f"{text(port.get('protocol'))}/{text(port.get('hostIP'))}/{host_port}"
            if key in seen:
                errs.append(
                    fe.duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), key)
                )
            seen.add(key)
    return errs


def validate_containers(containers: Any, ctx: ContainerContext, path: Path) -> ErrorList:
    cs = mappings(containers)
    if not cs:
        return [fe.required(path)]
    errs: ErrorList = []
    names: set[str] = set()
    for i, c in enumerate(cs):
        p = path.index(i)
        errs += validate_container_common(c, ctx, p)
        name = text(c.get("name"))
        if name in names:
            errs.append(fe.duplicate(p.child("name"), name))
        else:
            names.add(name)
        if c.get("lifecycle") is not None:
            errs += _validate_lifecycle(c.get("lifecycle"), ctx, p.child("lifecycle"))
        errs += _validate_probe(c.get("livenessProbe"), ctx, p.child("livenessProbe"), "liveness")
        errs += _validate_probe(
            c.get("readinessProbe"), ctx, p.child("readinessProbe"), "readiness"
        )
        errs += _validate_probe(c.get("startupProbe"), ctx, p.child("startupProbe"), "startup")
        if c.get("restartPolicy") is not None:
            errs.append(
                fe.forbidden(p.child("restartPolicy"), "may not be set for non-init containers")
            )
    return errs + _check_host_port_conflicts(cs, path)


def validate_init_containers(
    init_containers: Any, containers: Any, ctx: ContainerContext, path: Path
) -> ErrorList:
    errs: ErrorList = []
    names = {text(c.get("name")) for c in mappings(containers)}
    for i, c in enumerate(mappings(init_containers)):
        p = path.index(i)
        errs += validate_container_common(c, ctx, p)
        restart_always = False
        policy = c.get("restartPolicy")
        if policy is not None:
            if policy != "Always":
                errs.append(fe.not_supported(p.child("restartPolicy"), policy, ("Always",)))
            restart_always = policy == "Always"
        name = text(c.get("name"))
        if name in names:
            errs.append(fe.duplicate(p.child("name"), name))
        elif name:
            names.add(name)
        errs += _check_host_port_conflicts([c], path)
        if restart_always:
            if c.get("lifecycle") is not None:
                errs += _validate_lifecycle(c.get("lifecycle"), ctx, p.child("lifecycle"))
            errs += _validate_probe(
                c.get("livenessProbe"), ctx, p.child("livenessProbe"), "liveness"
            )
            errs += _validate_probe(
                c.get("readinessProbe"), ctx, p.child("readinessProbe"), "readiness"
            )
            errs += _validate_probe(c.get("startupProbe"), ctx, p.child("startupProbe"), "startup")
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(key) is not None:
                    errs.append(
                        fe.forbidden(
                            p.child(key),
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )
    return errs


def validate_ephemeral_containers(
    ephemeral: Any, containers: Any, init_containers: Any, ctx: ContainerContext, path: Path
) -> ErrorList:
    errs: ErrorList = []
    others = {text(c.get("name")) for c in mappings(containers) + mappings(init_containers)}
    names = set(others)
    for i, c in enumerate(mappings(ephemeral)):
        p = path.index(i)
        errs += validate_container_common(c, ctx, p)
        name = text(c.get("name"))
        if name in names:
            errs.append(fe.duplicate(p.child("name"), name))
        else:
            names.add(name)
        target = text(c.get("targetContainerName"))
        if target and target not in others:
            errs.append(fe.not_found(p.child("targetContainerName"), target))
        for key in (
            "ports",
            "resources",
            "livenessProbe",
            "readinessProbe",
            "startupProbe",
            "lifecycle",
        ):
            if c.get(key):
                errs.append(fe.forbidden(p.child(key), "cannot be set for an Ephemeral Container"))
    return errs
