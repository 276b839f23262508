from __future__ import annotations

import yaml

from kapi.endpoints.http import decode_body, encode


def test_yaml_quotes_like_upstream() -> None:
    obj = {"metadata": {"creationTimestamp": "2026-11-25T12:25:26Z", "resourceVersion": "6"}}
    out = encode(obj, "yaml").decode()
    assert 'creationTimestamp: "2026-11-25T12:25:26Z"' in out
    assert 'resourceVersion: "6"' in out
    assert yaml.safe_load(out) == obj


def test_yaml_body_round_trips() -> None:
    body = b"metadata:\n  name: y\ndata:\n  a: b\n"
    assert decode_body(body, "application/yaml") == {"metadata": {"name": "y"}, "data": {"a": "b"}}
