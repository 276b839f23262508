"""The time source of the watch cache (bookmark ticks, freshness timeouts, compaction polls).

Injected so that tests can move time forward without sleeping; production uses the event
loop's monotonic clock.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Clock(Protocol):
    def now(self) -> float:
        """Monotonic seconds."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class LoopClock:
    """The running event loop's clock."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def wait_until_done(fut: asyncio.Future[T], timeout: float, clock: Clock) -> bool:
    """Wait for `fut` at most `timeout` seconds of `clock` time; True if it finished. The
    future itself is never cancelled (other waiters may share it)."""
    if fut.done():
        return True
    if timeout <= 0:
        return False
    sleeper: asyncio.Future[Any] = asyncio.ensure_future(clock.sleep(timeout))
    waited: set[asyncio.Future[Any]] = {fut, sleeper}
    try:
        await asyncio.wait(waited, return_when=asyncio.FIRST_COMPLETED)
    finally:
        sleeper.cancel()
    return fut.done()
