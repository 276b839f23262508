"""Assemble and run a kapi server: backend -> storage -> registry -> admission -> HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import uvicorn

from kapi.auth.admission import Chain, NamespaceLifecycle, ServiceAccountAdmission
from kapi.controllers.garbagecollector import GarbageCollector
from kapi.controllers.namespace import NamespaceController
from kapi.controllers.podtermination import PodTerminationController
from kapi.controllers.serviceaccount import ServiceAccountController
from kapi.endpoints.app import APIServer
from kapi.machinery import errors
from kapi.machinery.options import CreateOptions, GetOptions
from kapi.machinery.schema import GroupVersion
from kapi.registry.builtin import builtin_api_groups
from kapi.registry.context import RequestContext
from kapi.storage.backends import open_backend
from kapi.storage.cacher import CachedStorage
from kapi.storage.compactor import Compactor
from kapi.storage.generic import BackendStorage
from kapi.storage.interface import Backend

log = logging.getLogger("kapi")

# Upstream `pkg/controlplane/controller/systemnamespaces`.
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


@dataclass(slots=True)
class ServerConfig:
    data_dir: Path = field(default_factory=lambda: Path.home() / ".kapi")
    bind_address: str = "127.0.0.1"
    port: int = 6443
    storage: str = "sqlite"
    kubeconfig: Path | None = None
    compaction_interval: float = 300.0
    compaction_min_retained: int = 1000
    sqlite_synchronous: str = "FULL"
    etcd_servers: list[str] = field(default_factory=lambda: ["http://127.0.0.1:2379"])
    etcd_cafile: str | None = None
    etcd_certfile: str | None = None
    etcd_keyfile: str | None = None


class Server:
    """A running kapi: owns the backend, the HTTP app and the control loops."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.backend: Backend | None = None
        self.storage: CachedStorage | None = None
        self.app: APIServer | None = None
        self.port = 0
        self._tasks: list[Any] = []

    async def start(self) -> APIServer:
        cfg = self.config
        if cfg.storage == "sqlite":
            cfg.data_dir.mkdir(parents=True, exist_ok=True)
            self.backend = await open_backend(
                "sqlite", path=str(cfg.data_dir / "kapi.db"), synchronous=cfg.sqlite_synchronous
            )
        elif cfg.storage == "etcd3":
            self.backend = await open_backend(
                "etcd3",
                servers=cfg.etcd_servers,
                cafile=cfg.etcd_cafile,
                certfile=cfg.etcd_certfile,
                keyfile=cfg.etcd_keyfile,
            )
        else:
            self.backend = await open_backend(cfg.storage)
        # Writes go to the backend; reads and watches are served by the watch cache.
        self.storage = CachedStorage(BackendStorage(self.backend), self.backend)
        storage = self.storage
        groups = builtin_api_groups(storage)
        namespaces: Any = groups[GroupVersion("", "v1")]["namespaces"]
        system_ctx = RequestContext()

        async def get_namespace(name: str) -> dict[str, Any] | None:
            try:
                obj: dict[str, Any] = await namespaces.get(system_ctx, name, GetOptions())
            except errors.StatusError as err:
                if err.code == 404:
                    return None
                raise
            return obj

        admission = Chain([NamespaceLifecycle(get_namespace), ServiceAccountAdmission()])
        self.app = APIServer(
            groups,
            admission=admission,
            server_address=f"{cfg.bind_address}:{cfg.port}",
        )
        async def ensure_namespace(name: str) -> None:
            if await get_namespace(name) is None:
                with contextlib.suppress(errors.StatusError):
                    await namespaces.create(
                        system_ctx,
                        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}},
                        None,
                        CreateOptions(),
                    )

        # Concurrently: on SQLite the four creates then share one commit.
        await asyncio.gather(*(ensure_namespace(n) for n in SYSTEM_NAMESPACES))
        compactor = Compactor(
            self.backend,
            interval=cfg.compaction_interval,
            retain=cfg.compaction_min_retained,
            on_compacted=self.storage.compacted,
        )
        compactor.start()
        self._tasks.append(compactor)
        for controller in (
            NamespaceController(groups),
            PodTerminationController(groups[GroupVersion("", "v1")]["pods"]),
            ServiceAccountController(namespaces, groups[GroupVersion("", "v1")]["serviceaccounts"]),
            GarbageCollector(groups),
        ):
            controller.start()
            self._tasks.append(controller)
        return self.app

    async def stop(self) -> None:
        for t in reversed(self._tasks):
            with contextlib.suppress(Exception):
                await t.stop()
        self._tasks.clear()
        if self.storage is not None:
            await self.storage.stop()
            self.storage = None
        if self.backend is not None:
            await self.backend.close()
            self.backend = None

    async def serve(self, on_ready: Any = None) -> None:
        """Bind, start, serve until SIGINT/SIGTERM, then stop cleanly."""
        cfg = self.config
        sock = socket.socket(socket.AF_INET6 if ":" in cfg.bind_address else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((cfg.bind_address, cfg.port))
        self.port = sock.getsockname()[1]
        app = await self.start()
        app.server_address = f"{cfg.bind_address}:{self.port}"
        uv_config = uvicorn.Config(
            app,
            lifespan="off",
            log_level="warning",
            access_log=False,
            http="httptools",
            loop="none",
            timeout_keep_alive=120,
        )
        server = _UvicornServer(uv_config, app)

        async def announce() -> None:
            while not server.started:
                await asyncio.sleep(0.005)
            app.ready = True
            if on_ready is not None:
                on_ready(self)

        announcer = asyncio.create_task(announce())
        try:
            await server.serve(sockets=[sock])
        finally:
            announcer.cancel()
            await self.stop()


class _UvicornServer(uvicorn.Server):
    """uvicorn re-raises a caught SIGTERM after its graceful shutdown, so the process would die
    by the signal; kapi, like kube-apiserver, exits 0 after a clean shutdown. Shutdown first
    ends open watches, which would otherwise hold it until their timeouts."""

    def __init__(self, config: uvicorn.Config, api: APIServer) -> None:
        super().__init__(config)
        self.api = api

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self.api.begin_shutdown()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
