"""Routes and discovery follow the verb protocols a storage implements (upstream
`endpoints/apiserver_test.go` SimpleRESTStorage style)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kapi.endpoints.app import APIServer
from kapi.endpoints.installer import install
from kapi.machinery.options import GetOptions, ListOptions
from kapi.machinery.schema import GroupVersion
from kapi.registry.context import RequestContext

GV = GroupVersion("example.com", "v1")


class GetOnly:
    """Getter + Lister (+ the descriptive protocols), nothing else."""

    def new(self) -> dict[str, Any]:
        return {"apiVersion": "example.com/v1", "kind": "Widget"}

    def new_list(self) -> dict[str, Any]:
        return {"apiVersion": "example.com/v1", "kind": "WidgetList"}

    def namespace_scoped(self) -> bool:
        return True

    def singular_name(self) -> str:
        return "widget"

    async def get(self, ctx: RequestContext, name: str, options: GetOptions) -> dict[str, Any]:
        return {**self.new(), "metadata": {"name": name, "namespace": ctx.namespace}}

    async def list(self, ctx: RequestContext, options: ListOptions) -> dict[str, Any]:
        return {**self.new_list(), "metadata": {"resourceVersion": "7"}, "items": []}

    def convert_to_table(self, ctx: RequestContext, obj: dict[str, Any], include: str) -> Any:
        return {
            "kind": "Table",
            "apiVersion": "meta.k8s.io/v1",
            "metadata": {},
            "columnDefinitions": [{"name": "Custom"}],
            "rows": [],
        }


def test_verbs_come_from_protocols() -> None:
    agv = install(GV, {"widgets": GetOnly()})
    assert agv.resources["widgets"].verbs == ["get", "list"]


def test_lister_without_table_convertor_is_refused() -> None:
    class NoTable(GetOnly):
        convert_to_table = None  # type: ignore[assignment]

    with pytest.raises(TypeError):
        install(GV, {"widgets": NoTable()})


@pytest.fixture
def client() -> httpx.AsyncClient:
    app = APIServer({GV: {"widgets": GetOnly()}})
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kapi")


async def test_no_delete_route_without_graceful_deleter(client: httpx.AsyncClient) -> None:
    r = await client.delete("/apis/example.com/v1/namespaces/ns/widgets/w")
    assert r.status_code == 405
    assert r.json()["reason"] == "MethodNotAllowed"
    disc = (await client.get("/apis/example.com/v1")).json()
    assert disc["resources"][0]["verbs"] == ["get", "list"]


async def test_table_convertor_shapes_table_output(client: httpx.AsyncClient) -> None:
    r = await client.get(
        "/apis/example.com/v1/namespaces/ns/widgets",
        headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"},
    )
    assert r.json()["columnDefinitions"] == [{"name": "Custom"}]


async def test_unknown_paths(client: httpx.AsyncClient) -> None:
    r = await client.get("/apis/example.com/v1/gadgets")
    assert r.status_code == 404 and r.json()["message"] == (
        "the server could not find the requested resource"
    )
    r = await client.get("/apis/nope.example.com/v1/x")
    assert r.status_code == 404 and r.text == "404 page not found\n"
    assert r.headers["content-type"].startswith("text/plain")


async def test_aggregated_discovery_content_type_and_etag(client: httpx.AsyncClient) -> None:
    accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"
    r = await client.get("/apis", headers={"Accept": accept})
    assert r.headers["content-type"] == (
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    )
    group = r.json()["items"][0]
    assert group["metadata"]["name"] == "example.com"
    assert group["versions"][0]["resources"][0]["verbs"] == ["get", "list"]
    again = await client.get(
        "/apis", headers={"Accept": accept, "If-None-Match": r.headers["etag"]}
    )
    assert again.status_code == 304
    legacy = await client.get("/apis", headers={"Accept": "application/json"})
    assert legacy.json()["kind"] == "APIGroupList"
