"""`kubectl get endpoints` columns (upstream `printEndpoints`)."""

from __future__ import annotations

from typing import Any

from kapi.machinery.table import AGE_COLUMN, NAME_COLUMN, Column, TablePrinter, age
from kapi.registry.core.shape import mapping, mappings, text

Object = dict[str, Any]

MAX_SHOWN = 3

COLUMNS = (
    NAME_COLUMN,
    Column(
        "Endpoints",
        description="The set of all endpoints is the union of all subsets. Addresses are placed "
        "into subsets according to the IPs they share. A single address with multiple ports, "
        "some of which are ready and some of which are not (because they come from different "
        "containers) will result in the address being displayed in different subsets for the "
        "different ports. No address will appear in both Addresses and NotReadyAddresses in the "
        "same subset. Sets of addresses and ports that comprise a service.",
    ),
    AGE_COLUMN,
)


def _host_port(ip: str, port: Any) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def format_endpoints(ep: Object) -> str:
    subsets = mappings(ep.get("subsets"))
    if not subsets:
        return "<none>"
    shown: list[str] = []
    count = 0
    for ss in subsets:
        addresses = [text(a.get("ip")) for a in mappings(ss.get("addresses"))]
        ports = mappings(ss.get("ports"))
        pairs = (
            [(ip, None) for ip in addresses]
            if not ports
            else [(ip, p.get("port")) for p in ports for ip in addresses]
        )
        for ip, port in pairs:
            if len(shown) < MAX_SHOWN:
                shown.append(ip if port is None else _host_port(ip, port))
            count += 1
    out = ",".join(shown)
    if count > MAX_SHOWN:
        return f"{out} + {count - MAX_SHOWN} more..."
    return out


def endpoints_row(ep: Object) -> list[Any]:
    return [text(mapping(ep.get("metadata")).get("name")), format_endpoints(ep), age(ep)]


PRINTER = TablePrinter(COLUMNS, endpoints_row)
