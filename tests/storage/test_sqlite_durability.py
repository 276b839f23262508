"""The sqlite backend keeps every acknowledged write across kill -9, and a reopened file
resumes the revision counter and the compaction point."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kapi.storage.backends import open_backend
from kapi.storage.interface import CompactedError, EventType, prefix_end

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "/registry/pods/"

# The child: 64 concurrent writers creating keys as fast as they can; a line is printed only
# after the create's future resolved, i.e. once the write was acknowledged.
CHILD = """
import asyncio, sys
from kapi.storage.backends import open_backend

async def main(path):
    backend = await open_backend("sqlite", path=path)
    out = sys.stdout

    async def writer(w):
        i = 0
        while True:
            key = f"/registry/pods/default/w{w}-{i}"
            ok, kv = await backend.create(key, b'{"metadata":{}}')
            assert ok
            out.write(f"{key} {kv.mod_revision}\\n")
            out.flush()
            i += 1

    out.write("READY\\n")
    out.flush()
    await asyncio.gather(*(writer(w) for w in range(64)))

asyncio.run(main(sys.argv[1]))
"""


def _run_child_and_kill(db: Path, acks_before_kill: int) -> dict[str, int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)], stdout=subprocess.PIPE, env=env, cwd=ROOT
    )
    assert proc.stdout is not None
    lines: list[bytes] = []
    deadline = time.monotonic() + 60
    try:
        while len(lines) < acks_before_kill + 1 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        assert lines and lines[0] == b"READY\n", "child did not start"
        assert len(lines) > acks_before_kill, "child stopped writing"
        proc.send_signal(signal.SIGKILL)  # mid-burst: 64 writers are in flight
        lines.extend(proc.stdout.read().splitlines(keepends=True))
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    acked: dict[str, int] = {}
    for line in lines[1:]:
        if not line.endswith(b"\n"):
            continue  # cut off by the kill: not a complete acknowledgement
        k, r = line.decode().split()
        acked[k] = int(r)
    return acked


async def test_acknowledged_creates_survive_sigkill(tmp_path: Path) -> None:
    db = tmp_path / "kapi.db"
    acked = await asyncio.to_thread(_run_child_and_kill, db, 3000)
    assert len(acked) >= 3000

    backend = await open_backend("sqlite", path=str(db))
    try:
        for k, r in acked.items():
            kv, _ = await backend.get(k)
            assert kv is not None, f"acknowledged create of {k} lost"
            assert kv.mod_revision == kv.create_revision == r
        current = await backend.current_revision()
        assert current >= max(acked.values())
        # Gap-free: the log holds exactly one create for each revision 2..current (1 is the
        # empty store), including writes that committed but were not acknowledged in time.
        res = await backend.range(PREFIX, prefix_end(PREFIX))
        assert sorted(kv.mod_revision for kv in res.kvs) == list(range(2, current + 1))
        ok, kv = await backend.create(PREFIX + "default/after", b"{}")
        assert ok and kv is not None and kv.mod_revision == current + 1
    finally:
        await backend.close()


async def test_reopen_restores_revision_and_compaction(tmp_path: Path) -> None:
    path = str(tmp_path / "kapi.db")
    b = await open_backend("sqlite", path=path)
    ok, a = await b.create(PREFIX + "a", b"1")
    assert ok and a is not None
    ok, a2 = await b.update(PREFIX + "a", b"2", expected_mod_revision=a.mod_revision)
    assert ok and a2 is not None
    ok, c = await b.create(PREFIX + "c", b"c")
    assert ok and c is not None
    ok, gone = await b.delete(PREFIX + "c", expected_mod_revision=c.mod_revision)
    assert ok and gone is not None
    top = gone.mod_revision
    await b.compact(top)  # the newest row (a tombstone) is compacted away
    await b.close()

    b = await open_backend("sqlite", path=path)
    try:
        assert await b.current_revision() == top
        assert await b.compact_revision() == top
        with pytest.raises(CompactedError):
            await b.get(PREFIX + "a", revision=a.mod_revision)
        kv, served = await b.get(PREFIX + "a")
        assert kv == a2 and served == top
        assert (await b.get(PREFIX + "c"))[0] is None
        w = b.watch(PREFIX, prefix_end(PREFIX), start_revision=top + 1)
        ok, d = await b.create(PREFIX + "d", b"d")
        assert ok and d is not None and d.mod_revision == top + 1
        batch = await asyncio.wait_for(anext(aiter(w)), 5)
        assert [(e.type, e.kv.mod_revision) for e in batch.events] == [(EventType.PUT, top + 1)]
        await w.cancel()
    finally:
        await b.close()
