"""`[]byte` fields in JSON (secret `data`, configmap `binaryData`): base64, read the way Go's
encoding/json reads them (line breaks ignored) and written back in canonical form."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from kapi.machinery import errors
from kapi.registry.core.shape import mapping

_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def decode_bytes(value: Any, kind: str) -> bytes:
    """The bytes a base64 value encodes; 400 with upstream's decoder message when it is not
    base64."""
    prefix = f'{kind} in version "v1" cannot be handled as a {kind}: '
    if not isinstance(value, str):
        raise errors.new_bad_request(prefix + "illegal base64 data at input byte 0")
    compact = value.replace("\r", "").replace("\n", "")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as err:
        bad = next((i for i, ch in enumerate(compact) if ch not in _ALPHABET), len(compact))
        raise errors.new_bad_request(f"{prefix}illegal base64 data at input byte {bad}") from err


def canonicalize_bytes_map(obj: dict[str, Any], key: str, kind: str) -> None:
    """Re-encode every value of `obj[key]` as Go would write it back."""
    values = mapping(obj.get(key))
    for k, v in values.items():
        values[k] = base64.b64encode(decode_bytes(v, kind)).decode()
