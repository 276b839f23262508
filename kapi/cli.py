"""`kapi` command line: `kapi serve` runs the API server and writes a kubeconfig for it."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

import yaml

from kapi import __version__
from kapi.server import Server, ServerConfig
from kapi.storage.interface import StorageError


def kubeconfig_for(server_url: str) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "kapi", "cluster": {"server": server_url}}],
        "users": [{"name": "kapi", "user": {}}],
        "contexts": [
            {"name": "kapi", "context": {"cluster": "kapi", "user": "kapi", "namespace": "default"}}
        ],
        "current-context": "kapi",
        "preferences": {},
    }


def write_kubeconfig(path: Path, server_url: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(yaml.safe_dump(kubeconfig_for(server_url), sort_keys=False))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kapi", description="A Kubernetes API server in Python.")
    p.add_argument("--version", action="version", version=f"kapi {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the API server")
    s.add_argument("--data-dir", type=Path, default=Path.home() / ".kapi")
    s.add_argument("--bind-address", default="127.0.0.1")
    s.add_argument("--port", type=int, default=6443, help="0 picks a free port")
    s.add_argument("--storage", choices=["sqlite", "memory", "etcd3"], default="sqlite")
    s.add_argument(
        "--etcd-servers",
        default="http://127.0.0.1:2379",
        help="comma-separated etcd client URLs (--storage etcd3)",
    )
    s.add_argument("--etcd-cafile", default=None, help="CA bundle to verify etcd's certificate")
    s.add_argument("--etcd-certfile", default=None, help="client certificate for etcd")
    s.add_argument("--etcd-keyfile", default=None, help="key of the etcd client certificate")
    s.add_argument("--kubeconfig", type=Path, default=None, help="default: DATA_DIR/kubeconfig")
    s.add_argument(
        "--sqlite-synchronous",
        choices=["FULL", "NORMAL"],
        default="FULL",
        help="FULL survives power loss; NORMAL survives a process crash only",
    )
    s.add_argument(
        "--compaction-interval",
        type=float,
        default=300.0,
        help="seconds between compactions of the storage history",
    )
    s.add_argument(
        "--compaction-min-retained",
        type=int,
        default=1000,
        help="revisions of history always kept for watches and paged lists",
    )
    s.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    data_dir: Path = args.data_dir.expanduser()
    kubeconfig: Path = (args.kubeconfig or data_dir / "kubeconfig").expanduser()
    config = ServerConfig(
        data_dir=data_dir,
        bind_address=args.bind_address,
        port=args.port,
        storage=args.storage,
        kubeconfig=kubeconfig,
        compaction_interval=args.compaction_interval,
        compaction_min_retained=args.compaction_min_retained,
        sqlite_synchronous=args.sqlite_synchronous,
        etcd_servers=[u.strip() for u in args.etcd_servers.split(",") if u.strip()],
        etcd_cafile=args.etcd_cafile,
        etcd_certfile=args.etcd_certfile,
        etcd_keyfile=args.etcd_keyfile,
    )
    server = Server(config)

    def on_ready(s: Server) -> None:
        host = config.bind_address
        if ":" in host:
            host = f"[{host}]"
        url = f"http://{host}:{s.port}"
        write_kubeconfig(kubeconfig, url)
        print(f"kapi {__version__} serving at {url}", flush=True)
        print(f"kubeconfig: {kubeconfig}", flush=True)
        print(f"  export KUBECONFIG={kubeconfig}; kubectl get ns", flush=True)

    try:
        import uvloop
    except ImportError:  # pragma: no cover
        run = asyncio.run
    else:
        run = uvloop.run
    try:
        with contextlib.suppress(KeyboardInterrupt):
            run(server.serve(on_ready))
    except (OSError, StorageError) as err:
        # Start-up failures users can fix (port taken, data dir unwritable, etcd unreachable).
        print(f"kapi: error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
