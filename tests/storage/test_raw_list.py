"""A `raw` list returns the same JSON as a decoded one, without decoding the objects."""

from __future__ import annotations

import orjson

from kapi.storage.backends import open_backend
from kapi.storage.generic import BackendStorage, encode_object, encoded_object
from kapi.storage.interface import ListOptions


def test_encoded_object_splices_resource_version() -> None:
    stored = encode_object(
        {"data": {"a": "1"}, "metadata": {"name": "x", "resourceVersion": "3"}, "kind": "ConfigMap"}
    )
    assert stored == b'{"kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}}'
    out = orjson.loads(orjson.dumps(encoded_object(stored, 9)))
    assert out["metadata"] == {"resourceVersion": "9", "name": "x"}
    empty = orjson.loads(orjson.dumps(encoded_object(encode_object({"kind": "X"}), 4)))
    assert empty == {"kind": "X", "metadata": {"resourceVersion": "4"}}


def test_nested_metadata_before_top_level_falls_back_to_decoding() -> None:
    # Written without the stored field order (nested metadata first): still correct.
    raw = b'{"spec":{"template":{"metadata":{"labels":{}}}},"metadata":{"name":"d"}}'
    out = orjson.loads(orjson.dumps(encoded_object(raw, 5)))
    assert out["metadata"] == {"name": "d", "resourceVersion": "5"}
    assert out["spec"]["template"]["metadata"] == {"labels": {}}


async def test_raw_list_matches_decoded_list() -> None:
    backend = await open_backend("memory")
    storage = BackendStorage(backend)
    for i in range(5):
        await storage.create(
            f"/registry/configmaps/ns/c{i}",
            {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": f"c{i}"}},
        )
    decoded = await storage.get_list("/registry/configmaps/ns/", ListOptions(limit=3))
    raw = await storage.get_list("/registry/configmaps/ns/", ListOptions(limit=3, raw=True))
    assert orjson.loads(orjson.dumps(raw.items)) == decoded.items
    assert (raw.continue_token, raw.remaining_item_count) == (
        decoded.continue_token,
        decoded.remaining_item_count,
    )
    await backend.close()
