# Shared by the sample programs: collect what a sample prints, and wait until it has gone quiet.
import asyncio
import time

LINES: list = []
_last = [time.monotonic()]


def say(line: str) -> None:
    LINES.append(line)
    _last[0] = time.monotonic()


async def until_quiet(first: float = 1.5, quiet: float = 1.0, limit: float = 30.0) -> None:
    """Waits at least `first` seconds, then until nothing was said for `quiet` seconds."""
    start = time.monotonic()
    await asyncio.sleep(first)
    while time.monotonic() - _last[0] < quiet and time.monotonic() - start < limit:
        await asyncio.sleep(0.1)


def report() -> None:
    for line in LINES:
        print(line, flush=True)
    print("DONE", flush=True)
