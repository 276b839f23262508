"""JSON patch (RFC 6902, via the `jsonpatch` library) and JSON merge patch (RFC 7386)."""

from __future__ import annotations

import copy
from typing import Any

import jsonpatch
import jsonpointer

from kapi.machinery import errors

# Upstream caps JSON patch documents at this many operations.
MAX_JSON_PATCH_OPERATIONS = 10000


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, null deletes, everything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def apply_json_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, list):
        raise errors.new_bad_request(
            "json: cannot unmarshal object into Go value of type jsonpatch.Patch"
        )
    if len(patch) > MAX_JSON_PATCH_OPERATIONS:
        raise errors.new_request_entity_too_large(
            f"The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, "
            f"got {len(patch)}"
        )
    try:
        return jsonpatch.JsonPatch(patch).apply(target, in_place=False)
    except jsonpatch.JsonPatchTestFailed as err:
        raise errors.StatusError(
            422, "Invalid", f"the server rejected our request due to an error in our request: {err}"
        ) from err
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as err:
        raise errors.StatusError(422, "Invalid", str(err)) from err
    except (TypeError, KeyError, IndexError, ValueError) as err:
        raise errors.new_bad_request(f"invalid JSON patch: {err}") from err
