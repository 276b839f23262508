"""`kubectl get nodes` columns (upstream `printNode`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import mapping, mappings, text

Object = dict[str, Any]

ROLE_PREFIX = "node-role.kubernetes.io/"
ROLE_LABEL = "kubernetes.io/role"

COLUMNS = (
    NAME_COLUMN,
    Column("Status", description="The status of the node"),
    Column("Roles", description="The roles of the node"),
    AGE_COLUMN,
    Column("Version", description="Kubelet Version reported by the node."),
    Column(
        "Internal-IP",
        priority=1,
        description="List of addresses reachable to the node. Queried from cloud provider, if "
        "available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses "
        "Note: This field is declared as mergeable, but the merge key is not sufficiently "
        "unique, which can cause data corruption when it is merged. Callers should instead use "
        "a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should "
        "assume that addresses can change during the lifetime of a Node. However, there are "
        "some exceptions where this may not be possible, such as Pods that inherit a Node's "
        "address in its own status or consumers of the downward API (status.hostIP).",
    ),
    Column(
        "External-IP",
        priority=1,
        description="List of addresses reachable to the node. Queried from cloud provider, if "
        "available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses "
        "Note: This field is declared as mergeable, but the merge key is not sufficiently "
        "unique, which can cause data corruption when it is merged. Callers should instead use "
        "a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should "
        "assume that addresses can change during the lifetime of a Node. However, there are "
        "some exceptions where this may not be possible, such as Pods that inherit a Node's "
        "address in its own status or consumers of the downward API (status.hostIP).",
    ),
    Column(
        "OS-Image",
        priority=1,
        description="OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 "
        "(wheezy)).",
    ),
    Column(
        "Kernel-Version",
        priority=1,
        description="Kernel Version reported by the node from 'uname -r' (e.g. "
        "3.16.0-0.bpo.4-amd64).",
    ),
    Column(
        "Container-Runtime",
        priority=1,
        description="ContainerRuntime Version reported by the node through runtime remote API "
        "(e.g. containerd://1.4.2).",
    ),
)


def _status(node: Object) -> str:
    ready = [
        c
        for c in mappings(mapping(node.get("status")).get("conditions"))
        if c.get("type") == "Ready"
    ]
    if ready:
        status = ["Ready" if ready[-1].get("status") == "True" else "NotReady"]
    else:
        status = ["Unknown"]
    if mapping(node.get("spec")).get("unschedulable") is True:
        status.append("SchedulingDisabled")
    return ",".join(status)


def _roles(node: Object) -> str:
    roles: set[str] = set()
    for key, value in mapping(mapping(node.get("metadata")).get("labels")).items():
        if key.startswith(ROLE_PREFIX):
            role = key[len(ROLE_PREFIX) :]
            if role:
                roles.add(role)
        elif key == ROLE_LABEL and value:
            roles.add(text(value))
    return ",".join(sorted(roles)) if roles else "<none>"


def _address(node: Object, kind: str) -> str:
    for a in mappings(mapping(node.get("status")).get("addresses")):
        if a.get("type") == kind:
            return text(a.get("address"))
    return "<none>"


def node_row(node: Object) -> list[Any]:
    info = mapping(mapping(node.get("status")).get("nodeInfo"))
    return [
        text(mapping(node.get("metadata")).get("name")),
        _status(node),
        _roles(node),
        age(node),
        text(info.get("kubeletVersion")),
        _address(node, "InternalIP"),
        _address(node, "ExternalIP"),
        text(info.get("osImage")) or "<unknown>",
        text(info.get("kernelVersion")) or "<unknown>",
        text(info.get("containerRuntimeVersion")) or "<unknown>",
    ]


PRINTER = TablePrinter(COLUMNS, node_row)
