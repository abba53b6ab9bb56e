"""The child processes of the running test, read from /proc (Linux): what the run-time tests of
the engine's rules count after starting and letting go children."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator


def processes() -> Iterator[tuple[int, str, int]]:
    """Each process /proc shows: (pid, state, parent pid); one gone while read is left out."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        yield int(entry), fields[0], int(fields[1])


def children(zombies_only: bool = False) -> int:
    """How many processes have this one as their parent (only the ended, unreaped ones with
    ``zombies_only``)."""
    me = os.getpid()
    return sum(
        1 for _, state, parent in processes() if parent == me and (state == "Z" or not zombies_only)
    )


def threads_settle(count: int, tries: int) -> int:
    """This process's thread count once it is ``count``, or after ``tries`` looks 50 ms
    apart."""
    for _ in range(tries):
        if threading.active_count() == count:
            break
        time.sleep(0.05)
    return threading.active_count()
