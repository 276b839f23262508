"""Shape-tolerant reads of decoded objects.

Objects arrive as decoded JSON; a field of the wrong type is treated as absent here so that
validation reports it (usually as Required) instead of the code crashing.
"""

from __future__ import annotations

import copy
from typing import Any


def mapping(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def items(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def mappings(v: Any) -> list[dict[str, Any]]:
    """A list of objects; non-object entries read as empty objects (keeping indexes)."""
    return [x if isinstance(x, dict) else {} for x in items(v)]


def text(v: Any) -> str:
    return v if isinstance(v, str) else ""


def integer(v: Any) -> int | None:
    """An int field, or None when absent or not an integer (bools are not integers)."""
    if isinstance(v, bool) or not isinstance(v, int):
        return None
    return v


def child(obj: dict[str, Any], key: str) -> dict[str, Any]:
    """`obj[key]` as a dict, created (or replaced, if it is not a dict) when needed."""
    v = obj.get(key)
    if not isinstance(v, dict):
        v = {}
        obj[key] = v
    return v


def keep_old(obj: dict[str, Any], old: dict[str, Any], key: str) -> None:
    """`obj[key]` reset to (a copy of) the old value, or removed if the old had none."""
    if key in old:
        obj[key] = copy.deepcopy(old[key])
    else:
        obj.pop(key, None)
