"""A pod's quality-of-service class (upstream `pkg/apis/core/helper/qos.ComputePodQOS`)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from kapi.registry.core.quantity import parse_quantity
from kapi.registry.core.shape import mapping, mappings

QOS_RESOURCES = ("cpu", "memory")


def compute_qos_class(pod: dict[str, Any]) -> str:
    spec = mapping(pod.get("spec"))
    requests: dict[str, Fraction] = {}
    limits: dict[str, Fraction] = {}
    guaranteed = True
    for c in mappings(spec.get("containers")) + mappings(spec.get("initContainers")):
        resources = mapping(c.get("resources"))
        for name, value in mapping(resources.get("requests")).items():
            q = parse_quantity(value)
            if name in QOS_RESOURCES and q is not None and q > 0:
                requests[name] = requests.get(name, Fraction(0)) + q
        found: set[str] = set()
        for name, value in mapping(resources.get("limits")).items():
            q = parse_quantity(value)
            if name in QOS_RESOURCES and q is not None and q > 0:
                found.add(name)
                limits[name] = limits.get(name, Fraction(0)) + q
        if not found.issuperset(QOS_RESOURCES):
            guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    matching = all(limits.get(n) == q for n, q in requests.items())
    if guaranteed and matching and len(requests) == len(limits):
        return "Guaranteed"
    return "Burstable"
