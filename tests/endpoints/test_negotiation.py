from __future__ import annotations

import pytest

from kapi.endpoints.negotiation import negotiate
from kapi.machinery.errors import StatusError

TABLE = frozenset({"Table"})


def test_kubectl_get_accept_picks_table() -> None:
    accept = (
        "application/json;as=Table;v=v1;g=meta.k8s.io,"
        "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
    )
    n = negotiate(accept, allow_conversions=TABLE)
    assert (n.format, n.convert, n.version) == ("json", "Table", "v1")


def test_unknown_conversion_falls_back_to_next_entry() -> None:
    n = negotiate(
        "application/json;as=Foo;v=v1;g=meta.k8s.io, application/yaml", allow_conversions=TABLE
    )
    assert (n.format, n.convert) == ("yaml", "")


def test_protobuf_is_answered_in_json() -> None:
    assert negotiate("application/vnd.kubernetes.protobuf").format == "json"


def test_nothing_acceptable_is_406() -> None:
    with pytest.raises(StatusError) as exc:
        negotiate("text/html", allow_conversions=TABLE)
    assert exc.value.code == 406
    assert exc.value.status()["message"] == (
        "only the following media types are accepted: application/json, application/yaml, "
        "application/vnd.kubernetes.protobuf"
    )
