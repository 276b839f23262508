"""`kubectl get pods` columns (upstream `printPod` in `pkg/printers/internalversion`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import (
    AGE_COLUMN,
    NAME_COLUMN,
    Column,
    TablePrinter,
    age,
    parse_time,
    translate_timestamp_since,
)
from kapi.registry.core.shape import integer, mapping, mappings, text

Object = dict[str, Any]

NODE_UNREACHABLE_REASON = "NodeLost"

COLUMNS = (
    NAME_COLUMN,
    Column("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
    Column("Status", description="The aggregate status of the containers in this pod."),
    Column(
        "Restarts",
        description="The number of times the containers in this pod have been restarted and when "
        "the last container in this pod has restarted.",
    ),
    AGE_COLUMN,
    Column(
        "IP",
        priority=1,
        description="podIP address allocated to the pod. Routable at least within the cluster. "
        "Empty if not yet allocated.",
    ),
    Column(
        "Node",
        priority=1,
        description="NodeName indicates in which node this pod is scheduled. If empty, this pod is "
        "a candidate for scheduling by the scheduler defined in schedulerName. Once this field is "
        "set, the kubelet for this node becomes responsible for the lifecycle of this pod. This "
        "field should not be used to express a desire for the pod to be scheduled on a specific "
        "node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename",
    ),
    Column(
        "Nominated Node",
        priority=1,
        description="nominatedNodeName is set only when this pod preempts other pods on the node, "
        "but it cannot be scheduled right away as preemption victims receive their graceful "
        "termination periods. This field does not guarantee that the pod will be scheduled on "
        "this node. Scheduler may decide to place the pod elsewhere if other nodes become "
        "available sooner. Scheduler may also decide to give the resources on this node to a "
        "higher priority pod that is created after preemption. As a result, this field may be "
        "different than PodSpec.nodeName when the pod is scheduled.",
    ),
    Column(
        "Readiness Gates",
        priority=1,
        description="If specified, all readiness gates will be evaluated for pod readiness. A pod "
        "is ready when all its containers are ready AND all conditions specified in the readiness "
        'gates have status equal to "True" More info: '
        "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates",
    ),
)


def _later(current: str, candidate: Any) -> str:
    """The later of two timestamps (as strings), ignoring unparsable ones."""
    c = parse_time(text(candidate))
    if c is None:
        return current
    cur = parse_time(current)
    return text(candidate) if cur is None or c > cur else current


def _terminated_reason(terminated: Object, prefix: str) -> str:
    if text(terminated.get("reason")):
        return prefix + text(terminated["reason"])
    signal = integer(terminated.get("signal")) or 0
    if signal:
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{integer(terminated.get('exitCode')) or 0}"


def _has_condition(status: Object, kind: str) -> bool:
    return any(
        c.get("type") == kind and c.get("status") == "True"
        for c in mappings(status.get("conditions"))
    )


def pod_row(pod: Object) -> list[Any]:
    meta, spec, status = (mapping(pod.get(k)) for k in ("metadata", "spec", "status"))
    containers = mappings(spec.get("containers"))
    init_containers = {text(c.get("name")): c for c in mappings(spec.get("initContainers"))}
    sidecars = {n for n, c in init_containers.items() if c.get("restartPolicy") == "Always"}
    total = len(containers) + len(sidecars)
    ready = 0
    restarts = 0
    sidecar_restarts = 0
    last_restart = ""
    last_sidecar_restart = ""
    phase = text(status.get("phase"))
    reason = text(status.get("reason")) or phase
    for cond in mappings(status.get("conditions")):
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    initializing = False
    init_statuses = mappings(status.get("initContainerStatuses"))
    for i, cs in enumerate(init_statuses):
        name = text(cs.get("name"))
        count = integer(cs.get("restartCount")) or 0
        restarts += count
        last_term = mapping(mapping(cs.get("lastState")).get("terminated"))
        if last_term:
            last_restart = _later(last_restart, last_term.get("finishedAt"))
        if name in sidecars:
            sidecar_restarts += count
            if last_term:
                last_sidecar_restart = _later(last_sidecar_restart, last_term.get("finishedAt"))
        state = mapping(cs.get("state"))
        terminated, waiting = mapping(state.get("terminated")), mapping(state.get("waiting"))
        if terminated and (integer(terminated.get("exitCode")) or 0) == 0:
            continue
        if name in sidecars and cs.get("started") is True:
            if cs.get("ready") is True:
                ready += 1
            continue
        if terminated:
            reason = _terminated_reason(terminated, "Init:")
        elif text(waiting.get("reason")) and waiting.get("reason") != "PodInitializing":
            reason = "Init:" + text(waiting.get("reason"))
        else:
            reason = f"Init:{i}/{len(init_containers)}"
        initializing = True
        break

    if not initializing or _has_condition(status, "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(mappings(status.get("containerStatuses"))):
            restarts += integer(cs.get("restartCount")) or 0
            last_term = mapping(mapping(cs.get("lastState")).get("terminated"))
            if last_term:
                last_restart = _later(last_restart, last_term.get("finishedAt"))
            state = mapping(cs.get("state"))
            terminated, waiting = mapping(state.get("terminated")), mapping(state.get("waiting"))
            if text(waiting.get("reason")):
                reason = text(waiting["reason"])
            elif terminated:
                reason = _terminated_reason(terminated, "")
            elif cs.get("ready") is True and isinstance(state.get("running"), dict):
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _has_condition(status, "Ready") else "NotReady"

    if meta.get("deletionTimestamp") and text(status.get("reason")) == NODE_UNREACHABLE_REASON:
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_cell = str(restarts)
    if restarts and last_restart:
        restarts_cell = f"{restarts} ({translate_timestamp_since(last_restart)} ago)"

    pod_ips = mappings(status.get("podIPs"))
    pod_ip = text(pod_ips[0].get("ip")) if pod_ips else ""
    gates = mappings(spec.get("readinessGates"))
    gates_cell = "<none>"
    if gates:
        conditions = {text(c.get("type")): c for c in mappings(status.get("conditions"))}
        true = sum(
            1
            for g in gates
            if conditions.get(text(g.get("conditionType")), {}).get("status") == "True"
        )
        gates_cell = f"{true}/{len(gates)}"
    return [
        text(meta.get("name")),
        f"{ready}/{total}",
        reason,
        restarts_cell,
        age(pod),
        pod_ip or "<none>",
        text(spec.get("nodeName")) or "<none>",
        text(status.get("nominatedNodeName")) or "<none>",
        gates_cell,
    ]


PRINTER = TablePrinter(COLUMNS, pod_row)
