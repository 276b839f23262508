"""coordination.k8s.io/v1 leases: upserts, no unconditional updates, MicroTime fields."""

from __future__ import annotations

from typing import Any

import pytest

from kapi.machinery.schema import GroupVersion
from kapi.registry.coordination.lease.printer import lease_row
from tests.registry.tester import ResourceTester

Object = dict[str, Any]

RENEW = "2024-05-01T12:00:00.123456Z"


def lease(name: str = "leader", **spec: Any) -> Object:
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name},
        "spec": {"holderIdentity": "pod-a", "leaseDurationSeconds": 15, "renewTime": RENEW, **spec},
    }


@pytest.fixture
def leases(groups: dict[GroupVersion, dict[str, Any]]) -> ResourceTester:
    return ResourceTester(
        groups[GroupVersion("coordination.k8s.io", "v1")]["leases"], "kube-system"
    )


async def test_put_creates_and_microtimes_pass_through(leases: ResourceTester) -> None:
    out, created = await leases.put(lease())
    assert created
    assert out["spec"]["renewTime"] == RENEW
    assert lease_row(out)[:2] == ["leader", "pod-a"]


async def test_update_needs_a_resource_version(leases: ResourceTester) -> None:
    await leases.create(lease())
    err = await leases.expect_error(leases.put(lease(holderIdentity="pod-b")), 422)
    assert err.message == (
        'Lease.coordination.k8s.io "leader" is invalid: metadata.resourceVersion: Invalid value: '
        "0: must be specified for an update"
    )
    current = await leases.get("leader")
    current["spec"]["holderIdentity"] = "pod-b"
    out, created = await leases.put(current)
    assert not created and out["spec"]["holderIdentity"] == "pod-b"


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (
            {"leaseDurationSeconds": 0},
            "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
        ),
        (
            {"leaseTransitions": -1},
            "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            {"preferredHolder": "pod-b"},
            "spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined",
        ),
        (
            {"strategy": "Newest"},
            'spec.strategy.strategy: Unsupported value: "Newest": supported values: '
            '"OldestEmulationVersion"',
        ),
    ],
)
async def test_create_rejects(leases: ResourceTester, spec: Object, expected: str) -> None:
    await leases.expect_invalid(lease(**spec), expected)
