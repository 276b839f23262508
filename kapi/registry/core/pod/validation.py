"""Pod and pod template validation (upstream `ValidatePodCreate`, `ValidatePodUpdate`,
`ValidatePodStatusUpdate`, `ValidatePodSpec`, `ValidatePodTemplateSpec`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from kapi.machinery import field as fe
from kapi.machinery import validation as mv
from kapi.machinery.field import ErrorList, Path
from kapi.registry.core.pod.containers import (
    ContainerContext,
    validate_containers,
    validate_ephemeral_containers,
    validate_id,
    validate_init_containers,
    validate_seccomp_profile,
)
from kapi.registry.core.pod.volumes import validate_volumes
from kapi.registry.core.shape import integer, items, mapping, mappings, text
from kapi.registry.core.validation import (
    IS_NOT_POSITIVE,
    MAX_INT32,
    inclusive_range_error,
    validate_core_object_meta,
    validate_core_object_meta_update,
    validate_dns1123_label,
    validate_dns1123_subdomain,
    validate_immutable,
    validate_label_selector,
    validate_labels,
    validate_name_ref,
    validate_qualified_name,
)

Object = dict[str, Any]

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
TOLERATION_OPERATORS = ("Equal", "Exists")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")
SCHEDULE_ACTIONS = ("DoNotSchedule", "ScheduleAnyway")
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"
POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"
SYSTEM_CONDITIONS = frozenset({"PodScheduled", "Ready", "Initialized"})
MAX_DNS_NAMESERVERS = 3
MAX_DNS_SEARCH_PATHS = 32
MAX_DNS_SEARCH_LIST_CHARS = 2048

UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


@dataclass(frozen=True, slots=True)
class PodValidationOptions:
    # The spec belongs to a Pod, not to a template inside another kind.
    resource_is_pod: bool = False


def _invalid_ip(value: Any, path: Path) -> ErrorList:
    msgs = mv.is_valid_ip(text(value))
    return [fe.invalid(path, value, m) for m in msgs]


def validate_tolerations(tolerations: Any, path: Path) -> ErrorList:
    errs: ErrorList = []
    for i, t in enumerate(mappings(tolerations)):
        p = path.index(i)
        key = text(t.get("key"))
        operator = text(t.get("operator"))
        effect = text(t.get("effect"))
        value = text(t.get("value"))
        if key:
            errs += validate_qualified_name(key, p.child("key"))
        if not key and operator != "Exists":
            errs.append(
                fe.invalid(
                    p.child("operator"),
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values '
                    'and all keys"',
                )
            )
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                fe.invalid(
                    p.child("effect"),
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        if operator in ("Equal", ""):
            msgs = mv.is_valid_label_value(value)
            if msgs:
                errs.append(fe.invalid(p.child("operator"), value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(
                    fe.invalid(
                        p.child("operator"),
                        value,
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errs.append(fe.not_supported(p.child("operator"), operator, TOLERATION_OPERATORS))
        if effect and effect not in TAINT_EFFECTS:
            errs.append(fe.not_supported(p.child("effect"), effect, TAINT_EFFECTS))
    return errs


def _validate_pod_security_context(spec: Object, path: Path) -> ErrorList:
    sc = spec.get("securityContext")
    if not isinstance(sc, dict):
        return []
    errs: ErrorList = []
    for key in ("fsGroup", "runAsUser", "runAsGroup"):
        errs += validate_id(sc.get(key), path.child(key))
    for i, gid in enumerate(items(sc.get("supplementalGroups"))):
        errs += validate_id(gid, path.child("supplementalGroups").index(i))
    share = spec.get("shareProcessNamespace")
    if share is True and spec.get("hostPID") is True:
        errs.append(
            fe.invalid(
                path.child("shareProcessNamespace"),
                share,
                "ShareProcessNamespace and HostPID cannot both be enabled",
            )
        )
    names: set[str] = set()
    for i, s in enumerate(mappings(sc.get("sysctls"))):
        p = path.child("sysctls").index(i).child("name")
        name = text(s.get("name"))
        if not name:
            errs.append(fe.required(p))
        elif name in names:
            errs.append(fe.duplicate(p, name))
        names.add(name)
    change_policy = sc.get("fsGroupChangePolicy")
    if change_policy is not None and change_policy not in ("Always", "OnRootMismatch"):
        errs.append(
            fe.not_supported(
                path.child("fsGroupChangePolicy"), change_policy, ("Always", "OnRootMismatch")
            )
        )
    errs += validate_seccomp_profile(sc.get("seccompProfile"), path.child("seccompProfile"))
    groups_policy = sc.get("supplementalGroupsPolicy")
    if groups_policy is not None and groups_policy not in ("Merge", "Strict"):
        errs.append(
            fe.not_supported(
                path.child("supplementalGroupsPolicy"), groups_policy, ("Merge", "Strict")
            )
        )
    return errs


def _validate_dns_config(spec: Object, path: Path) -> ErrorList:
    config = spec.get("dnsConfig")
    if spec.get("dnsPolicy") == "None":
        if not isinstance(config, dict):
            return [fe.required(path, "must provide `dnsConfig` when `dnsPolicy` is None")]
        if not items(config.get("nameservers")):
            return [
                fe.required(
                    path.child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )
            ]
    if not isinstance(config, dict):
        return []
    errs: ErrorList = []
    nameservers = items(config.get("nameservers"))
    if len(nameservers) > MAX_DNS_NAMESERVERS:
        errs.append(
            fe.invalid(
                path.child("nameservers"),
                nameservers,
                f"must not have more than {MAX_DNS_NAMESERVERS} nameservers",
            )
        )
    for i, ns in enumerate(nameservers):
        errs += _invalid_ip(ns, path.child("nameservers").index(i))
    searches = [text(s) for s in items(config.get("searches"))]
    if len(searches) > MAX_DNS_SEARCH_PATHS:
        errs.append(
            fe.invalid(
                path.child("searches"),
                searches,
                f"must not have more than {MAX_DNS_SEARCH_PATHS} search paths",
            )
        )
    if len(" ".join(searches)) > MAX_DNS_SEARCH_LIST_CHARS:
        errs.append(
            fe.invalid(
                path.child("searches"),
                searches,
                f"must not have more than {MAX_DNS_SEARCH_LIST_CHARS} characters (including "
                "spaces) in the search list",
            )
        )
    for i, search in enumerate(searches):
        if search == ".":
            continue
        # Underscores are allowed in search domains (RelaxedDNSSearchValidation).
        trimmed = search.removesuffix(".")
        if mv.is_dns1123_subdomain(trimmed.replace("_", "a")):
            errs += validate_dns1123_subdomain(trimmed, path.child("searches").index(i))
    for i, option in enumerate(mappings(config.get("options"))):
        if not text(option.get("name")):
            errs.append(fe.required(path.child("options").index(i), "must not be empty"))
    return errs


def _validate_topology_spread(constraints: Any, path: Path) -> ErrorList:
    errs: ErrorList = []
    cs = mappings(constraints)
    for i, c in enumerate(cs):
        p = path.index(i)
        skew = integer(c.get("maxSkew")) or 0
        if skew <= 0:
            errs.append(fe.invalid(p.child("maxSkew"), skew, IS_NOT_POSITIVE))
        key = text(c.get("topologyKey"))
        if not key:
            errs.append(fe.required(p.child("topologyKey"), "can not be empty"))
        action = text(c.get("whenUnsatisfiable"))
        if action not in SCHEDULE_ACTIONS:
            errs.append(fe.not_supported(p.child("whenUnsatisfiable"), action, SCHEDULE_ACTIONS))
        for rest in cs[i + 1 :]:
            if (
                text(rest.get("topologyKey")) == key
                and text(rest.get("whenUnsatisfiable")) == action
            ):
                errs.append(
                    fe.duplicate(
                        p.child("{topologyKey, whenUnsatisfiable}"), f"{{{key}, {action}}}"
                    )
                )
                break
        errs += validate_label_selector(c.get("labelSelector"), p.child("labelSelector"))
    return errs


def validate_pod_spec(spec: Any, path: Path, opts: PodValidationOptions) -> ErrorList:
    s = mapping(spec)
    errs: ErrorList = []
    grace = integer(s.get("terminationGracePeriodSeconds"))
    if s.get("terminationGracePeriodSeconds") is None:
        errs.append(fe.required(path.child("terminationGracePeriodSeconds")))
    sc = mapping(s.get("securityContext"))
    host_users = sc.get("hostUsers") is not False
    volumes, vol_errs = validate_volumes(s.get("volumes"), path.child("volumes"))
    errs += vol_errs
    ctx = ContainerContext(volumes, grace, text(s.get("restartPolicy")), host_users)
    errs += validate_containers(s.get("containers"), ctx, path.child("containers"))
    errs += validate_init_containers(
        s.get("initContainers"), s.get("containers"), ctx, path.child("initContainers")
    )
    errs += validate_ephemeral_containers(
        s.get("ephemeralContainers"),
        s.get("containers"),
        s.get("initContainers"),
        ctx,
        path.child("ephemeralContainers"),
    )
    if s.get("hostNetwork") is True:
        for ci, c in enumerate(mappings(s.get("containers"))):
            for pi, port in enumerate(mappings(c.get("ports"))):
                hp, cp = port.get("hostPort") or 0, port.get("containerPort") or 0
                if (opts.resource_is_pod or hp != 0) and hp != cp:
                    p = (
                        path.child("containers")
                        .index(ci)
                        .child("ports")
                        .index(pi)
                        .child("hostPort")
                    )
                    errs.append(
                        fe.invalid(p, hp, "must match `containerPort` when `hostNetwork` is true")
                    )
    restart = s.get("restartPolicy")
    if not restart:
        errs.append(fe.required(path.child("restartPolicy")))
    elif restart not in RESTART_POLICIES:
        errs.append(fe.not_supported(path.child("restartPolicy"), restart, RESTART_POLICIES))
    dns = s.get("dnsPolicy")
    if not dns:
        errs.append(fe.required(path.child("dnsPolicy")))
    elif dns not in DNS_POLICIES:
        errs.append(fe.not_supported(path.child("dnsPolicy"), dns, DNS_POLICIES))
    errs += validate_labels(s.get("nodeSelector"), path.child("nodeSelector"))
    errs += _validate_pod_security_context(s, path.child("securityContext"))
    for i, ref in enumerate(items(s.get("imagePullSecrets"))):
        if not isinstance(ref, dict) or set(ref) - {"name"}:
            errs.append(
                fe.invalid(path.child("imagePullSecrets").index(i), ref, "only name may be set")
            )
    errs += _validate_dns_config(s, path.child("dnsConfig"))
    for i, gate in enumerate(mappings(s.get("readinessGates"))):
        errs += validate_qualified_name(
            text(gate.get("conditionType")),
            path.child("readinessGates").index(i).child("conditionType"),
        )
    seen_gates: set[str] = set()
    for i, gate in enumerate(mappings(s.get("schedulingGates"))):
        name = text(gate.get("name"))
        errs += validate_qualified_name(name, path.child("schedulingGates").index(i))
        if name in seen_gates:
            errs.append(fe.duplicate(path.child("schedulingGates").index(i), name))
        seen_gates.add(name)
    errs += _validate_topology_spread(
        s.get("topologySpreadConstraints"), path.child("topologySpreadConstraints")
    )
    sa = text(s.get("serviceAccountName"))
    if sa:
        errs += validate_name_ref(sa, path.child("serviceAccountName"), mv.name_is_dns_subdomain)
    node = text(s.get("nodeName"))
    if node:
        errs += validate_name_ref(node, path.child("nodeName"), mv.name_is_dns_subdomain)
    deadline = s.get("activeDeadlineSeconds")
    if deadline is not None:
        n = integer(deadline)
        if n is None or n < 1 or n > MAX_INT32:
            errs.append(
                fe.invalid(
                    path.child("activeDeadlineSeconds"),
                    deadline,
                    inclusive_range_error(1, MAX_INT32),
                )
            )
    for key in ("hostname", "subdomain"):
        if text(s.get(key)):
            errs += validate_dns1123_label(text(s.get(key)), path.child(key))
    errs += validate_tolerations(s.get("tolerations"), path.child("tolerations"))
    for i, alias in enumerate(mappings(s.get("hostAliases"))):
        p = path.child("hostAliases").index(i)
        errs += _invalid_ip(alias.get("ip"), p.child("ip"))
        for j, host in enumerate(items(alias.get("hostnames"))):
            errs += validate_dns1123_subdomain(text(host), p.child("hostnames").index(j))
    if text(s.get("priorityClassName")):
        errs += validate_name_ref(
            text(s.get("priorityClassName")),
            path.child("priorityClassName"),
            mv.name_is_dns_subdomain,
        )
    if s.get("runtimeClassName") is not None:
        errs += validate_name_ref(
            text(s.get("runtimeClassName")),
            path.child("runtimeClassName"),
            mv.name_is_dns_subdomain,
        )
    preemption = s.get("preemptionPolicy")
    if preemption is not None:
        if not preemption:
            errs.append(fe.required(path.child("preemptionPolicy")))
        elif preemption not in PREEMPTION_POLICIES:
            errs.append(
                fe.not_supported(path.child("preemptionPolicy"), preemption, PREEMPTION_POLICIES)
            )
    pod_os = s.get("os")
    if isinstance(pod_os, dict):
        os_name = text(pod_os.get("name"))
        if not os_name:
            errs.append(fe.required(path.child("os", "name"), "cannot be empty"))
        elif os_name not in ("linux", "windows"):
            errs.append(fe.not_supported(path.child("os"), os_name, ("linux", "windows")))
    return errs


def validate_pod_specific_annotations(annotations: Any, spec: Any, path: Path) -> ErrorList:
    a = mapping(annotations)
    errs: ErrorList = []
    if MIRROR_POD_ANNOTATION in a and not text(mapping(spec).get("nodeName")):
        errs.append(
            fe.invalid(
                path.key(MIRROR_POD_ANNOTATION),
                a[MIRROR_POD_ANNOTATION],
                "must set spec.nodeName if mirror pod annotation is set",
            )
        )
    if POD_DELETION_COST_ANNOTATION in a:
        cost = text(a[POD_DELETION_COST_ANNOTATION])
        try:
            ok = -(2**31) <= int(cost) < 2**31 and cost.strip() == cost
        except ValueError:
            ok = False
        if not ok:
            errs.append(
                fe.invalid(path.key(POD_DELETION_COST_ANNOTATION), cost, "must be a 32bit integer")
            )
    return errs


def _validate_pod_specific_annotation_updates(new: Object, old: Object, path: Path) -> ErrorList:
    new_a = mapping(mapping(new.get("metadata")).get("annotations"))
    old_a = mapping(mapping(old.get("metadata")).get("annotations"))
    errs: ErrorList = []
    for k, v in old_a.items():
        if k in new_a and new_a[k] == v:
            continue
        if k.startswith(APPARMOR_ANNOTATION_PREFIX):
            errs.append(fe.forbidden(path.key(k), "may not remove or update AppArmor annotations"))
        if k == MIRROR_POD_ANNOTATION:
            errs.append(fe.forbidden(path.key(k), "may not remove or update mirror pod annotation"))
    for k in new_a:
        if k in old_a:
            continue
        if k.startswith(APPARMOR_ANNOTATION_PREFIX):
            errs.append(fe.forbidden(path.key(k), "may not add AppArmor annotations"))
        if k == MIRROR_POD_ANNOTATION:
            errs.append(fe.forbidden(path.key(k), "may not add mirror pod annotation"))
    return errs + validate_pod_specific_annotations(new_a, new.get("spec"), path)


def validate_pod_template_spec(template: Any, path: Path, opts: PodValidationOptions) -> ErrorList:
    t = mapping(template)
    meta = mapping(t.get("metadata"))
    meta_path = path.child("metadata")
    errs = validate_labels(meta.get("labels"), meta_path.child("labels"))
    errs += mv.validate_annotations(
        mapping(meta.get("annotations")), meta_path.child("annotations")
    )
    errs += validate_pod_specific_annotations(
        meta.get("annotations"), t.get("spec"), meta_path.child("annotations")
    )
    errs += validate_pod_spec(t.get("spec"), path.child("spec"), opts)
    if items(mapping(t.get("spec")).get("ephemeralContainers")):
        errs.append(
            fe.forbidden(
                path.child("spec", "ephemeralContainers"),
                "ephemeral containers not allowed in pod template",
            )
        )
    return errs


def _validate_pod_metadata_and_spec(pod: Object) -> ErrorList:
    meta_path, spec_path = Path("metadata"), Path("spec")
    meta = mapping(pod.get("metadata"))
    spec = mapping(pod.get("spec"))
    errs = validate_core_object_meta(meta, True, mv.name_is_dns_subdomain, meta_path)
    errs += validate_pod_specific_annotations(
        meta.get("annotations"), spec, meta_path.child("annotations")
    )
    errs += validate_pod_spec(spec, spec_path, PodValidationOptions(resource_is_pod=True))
    if not text(spec.get("serviceAccountName")):
        for vi, vol in enumerate(mappings(spec.get("volumes"))):
            projected = vol.get("projected")
            if not isinstance(projected, dict):
                continue
            for si, source in enumerate(mappings(projected.get("sources"))):
                if isinstance(source.get("serviceAccountToken"), dict):
                    p = spec_path.child("volumes").index(vi).child("projected", "sources").index(si)
                    errs.append(
                        fe.forbidden(
                            p.child("serviceAccountToken"),
                            "must not be specified when serviceAccountName is not set",
                        )
                    )
    for key in ("containers", "initContainers"):
        for i, c in enumerate(mappings(spec.get(key))):
            image = text(c.get("image"))
            if image != image.strip():
                errs.append(
                    fe.invalid(
                        spec_path.child(key).index(i).child("image"),
                        image,
                        "must not have leading or trailing whitespace",
                    )
                )
    return errs


def validate_pod_create(pod: Object) -> ErrorList:
    errs = _validate_pod_metadata_and_spec(pod)
    spec = mapping(pod.get("spec"))
    if items(spec.get("ephemeralContainers")):
        errs.append(fe.forbidden(Path("spec", "ephemeralContainers"), "cannot be set on create"))
    if text(spec.get("nodeName")) and items(spec.get("schedulingGates")):
        errs.append(
            fe.forbidden(
                Path("spec", "nodeName"),
                "cannot be set until all schedulingGates have been cleared",
            )
        )
    return errs


def _validate_container_updates(
    new: list[Object], old: list[Object], path: Path
) -> tuple[ErrorList, bool]:
    if len(new) != len(old):
        return [fe.forbidden(path, "pod updates may not add or remove containers")], True
    errs: ErrorList = []
    for i, c in enumerate(new):
        image = text(c.get("image"))
        if not image:
            errs.append(fe.required(path.index(i).child("image")))
        if image != image.strip():
            errs.append(
                fe.invalid(
                    path.index(i).child("image"),
                    image,
                    "must not have leading or trailing whitespace",
                )
            )
    return errs, False


def _validate_only_added_tolerations(new: Any, old: Any, path: Path) -> ErrorList:
    new_t = mappings(new)
    for o in mappings(old):
        found = False
        for n in new_t:
            clone = dict(o)
            if "tolerationSeconds" in n:
                clone["tolerationSeconds"] = n["tolerationSeconds"]
            else:
                clone.pop("tolerationSeconds", None)
            if mv.semantic_equal(clone, n):
                found = True
                break
        if not found:
            return [
                fe.forbidden(
                    path, "existing toleration can not be modified except its tolerationSeconds"
                )
            ]
    return validate_tolerations(new, path)


def _validate_only_deleted_scheduling_gates(new: Any, old: Any, path: Path) -> ErrorList:
    old_names = {text(g.get("name")) for g in mappings(old)}
    errs: ErrorList = []
    for i, g in enumerate(mappings(new)):
        name = text(g.get("name"))
        if name not in old_names:
            errs.append(
                fe.forbidden(
                    path.index(i).child("name"),
                    f"only deletion is allowed, but found new scheduling gate '{name}'",
                )
            )
    return errs


def _diff_lines(old: Any, new: Any, path: str, out: list[str]) -> None:
    if mv.semantic_equal(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for k in sorted(set(old) | set(new)):
            _diff_lines(old.get(k), new.get(k), f"{path}.{k}" if path else k, out)
        return
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff_lines(a, b, f"{path}[{i}]", out)
        return
    out.append(f"- \t{path}: {orjson.dumps(old).decode()}")
    out.append(f"+ \t{path}: {orjson.dumps(new).decode()}")


def spec_diff(old: Any, new: Any) -> str:
    """A readable difference (upstream prints `cmp.Diff` of the Go structs)."""
    lines = ["  core.PodSpec{"]
    _diff_lines(old, new, "", lines)
    lines.append("  }")
    return "\n".join(lines) + "\n"


def validate_pod_update(new: Object, old: Object) -> ErrorList:
    meta_path, spec_path = Path("metadata"), Path("spec")
    errs = validate_core_object_meta_update(new.get("metadata"), old.get("metadata"), meta_path)
    errs += _validate_pod_metadata_and_spec(new)
    errs += _validate_pod_specific_annotation_updates(new, old, meta_path.child("annotations"))
    new_spec, old_spec = mapping(new.get("spec")), mapping(old.get("spec"))
    for key in ("containers", "initContainers"):
        c_errs, stop = _validate_container_updates(
            mappings(new_spec.get(key)), mappings(old_spec.get(key)), spec_path.child(key)
        )
        errs += c_errs
        if stop:
            return errs
    new_deadline, old_deadline = (
        new_spec.get("activeDeadlineSeconds"),
        old_spec.get("activeDeadlineSeconds"),
    )
    deadline_path = spec_path.child("activeDeadlineSeconds")
    if new_deadline is not None:
        n = integer(new_deadline)
        if n is None or n < 0 or n > MAX_INT32:
            return [
                *errs,
                fe.invalid(deadline_path, new_deadline, inclusive_range_error(0, MAX_INT32)),
            ]
        o = integer(old_deadline)
        if o is not None and o < n:
            return [
                *errs,
                fe.invalid(deadline_path, n, "must be less than or equal to previous value"),
            ]
    elif old_deadline is not None:
        errs.append(
            fe.invalid(deadline_path, None, "must not update from a positive integer to nil value")
        )
    errs += _validate_only_added_tolerations(
        new_spec.get("tolerations"), old_spec.get("tolerations"), spec_path.child("tolerations")
    )
    errs += _validate_only_deleted_scheduling_gates(
        new_spec.get("schedulingGates"),
        old_spec.get("schedulingGates"),
        spec_path.child("schedulingGates"),
    )
    if mv.semantic_equal(new_spec, old_spec):
        return errs
    munged = _munge_updatable_fields(new_spec, old_spec)
    if not mv.semantic_equal(munged, old_spec):
        detail = "pod updates may not change fields other than " + ",".join(
            UPDATABLE_POD_SPEC_FIELDS
        )
        errs.append(fe.forbidden(spec_path, f"{detail}\n{spec_diff(old_spec, munged)}"))
    return errs


def _munge_updatable_fields(new_spec: Object, old_spec: Object) -> Object:
    """The new spec with every field an update may change set back to its old value."""
    munged = dict(new_spec)
    for key in ("containers", "initContainers"):
        old_cs = mappings(old_spec.get(key))
        new_cs = mappings(new_spec.get(key))
        if new_cs:
            munged[key] = [{**c, "image": old_cs[i].get("image")} for i, c in enumerate(new_cs)]
    for key in ("activeDeadlineSeconds", "schedulingGates", "tolerations"):
        if key in old_spec:
            munged[key] = old_spec[key]
        else:
            munged.pop(key, None)
    old_grace = integer(old_spec.get("terminationGracePeriodSeconds"))
    if old_grace is not None and old_grace < 0 and munged.get("terminationGracePeriodSeconds") == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if items(old_spec.get("schedulingGates")):
        # A gated pod may gain node selector entries.
        new_sel, old_sel = (
            mapping(munged.get("nodeSelector")),
            mapping(old_spec.get("nodeSelector")),
        )
        if all(new_sel.get(k) == v for k, v in old_sel.items()):
            if "nodeSelector" in old_spec:
                munged["nodeSelector"] = old_spec["nodeSelector"]
            else:
                munged.pop("nodeSelector", None)
    return munged


def _validate_container_state_transition(
    new: Any, old: Any, path: Path, restart_policy: str
) -> ErrorList:
    if restart_policy == "Always":
        return []
    errs: ErrorList = []
    new_statuses = mappings(new)
    for i, o in enumerate(mappings(old)):
        terminated = mapping(mapping(o.get("state")).get("terminated"))
        if not terminated:
            continue
        if (integer(terminated.get("exitCode")) or 0) != 0 and restart_policy == "OnFailure":
            continue
        for n in new_statuses:
            if n.get("name") == o.get("name") and not mapping(
                mapping(n.get("state")).get("terminated")
            ):
                errs.append(
                    fe.forbidden(
                        path.index(i).child("state"),
                        "may not be transitioned to non-terminated state",
                    )
                )
    return errs


def _validate_ips(ips: Any, path: Path) -> ErrorList:
    entries = mappings(ips)
    errs: ErrorList = []
    for i, entry in enumerate(entries):
        errs += _invalid_ip(entry.get("ip"), path.index(i))
    if len(entries) > 1:
        values = [text(e.get("ip")) for e in entries]
        families = {":" in v for v in values}
        if len(values) > 2 or len(families) != len(values):
            errs.append(
                fe.invalid(path, entries, "may specify no more than one IP for each IP family")
            )
        seen: set[str] = set()
        for i, v in enumerate(values):
            if v in seen:
                errs.append(fe.duplicate(path.index(i), entries[i]))
            seen.add(v)
    return errs


def validate_pod_status_update(new: Object, old: Object) -> ErrorList:
    meta_path = Path("metadata")
    errs = validate_core_object_meta_update(new.get("metadata"), old.get("metadata"), meta_path)
    errs += _validate_pod_specific_annotation_updates(new, old, meta_path.child("annotations"))
    status, old_status = mapping(new.get("status")), mapping(old.get("status"))
    # Upstream reports custom condition types under metadata (sic).
    for i, cond in enumerate(mappings(status.get("conditions"))):
        kind = text(cond.get("type"))
        if kind not in SYSTEM_CONDITIONS:
            errs += validate_qualified_name(
                kind, meta_path.child("conditions").index(i).child("Type")
            )
    status_path = Path("status")
    new_spec, old_spec = mapping(new.get("spec")), mapping(old.get("spec"))
    if text(new_spec.get("nodeName")) != text(old_spec.get("nodeName")):
        errs.append(fe.forbidden(status_path.child("nodeName"), "may not be changed directly"))
    nominated = text(status.get("nominatedNodeName"))
    if nominated and nominated != text(old_status.get("nominatedNodeName")):
        errs += validate_name_ref(
            nominated, status_path.child("nominatedNodeName"), mv.name_is_dns_subdomain
        )
    errs += validate_immutable(
        status.get("qosClass", ""), old_status.get("qosClass", ""), status_path.child("qosClass")
    )
    restart = text(old_spec.get("restartPolicy"))
    errs += _validate_container_state_transition(
        status.get("containerStatuses"),
        old_status.get("containerStatuses"),
        status_path.child("containerStatuses"),
        restart,
    )
    errs += _validate_container_state_transition(
        status.get("initContainerStatuses"),
        old_status.get("initContainerStatuses"),
        status_path.child("initContainerStatuses"),
        restart,
    )
    errs += _validate_ips(status.get("podIPs"), status_path.child("podIPs"))
    host_ips = mappings(status.get("hostIPs"))
    if host_ips and text(status.get("hostIP")) != text(host_ips[0].get("ip")):
        errs.append(
            fe.invalid(
                status_path.child("hostIPs").index(0).child("ip"),
                host_ips[0].get("ip"),
                "must be equal to `hostIP`",
            )
        )
    errs += _validate_ips(status.get("hostIPs"), status_path.child("hostIPs"))
    return errs
