"""The child processes of the running test, read from /proc (Linux): what the run-time tests of
the engine's rules count after starting and letting go children."""

from __future__ import annotations

import os


def children(zombies_only: bool = False) -> int:
    """How many processes have this one as their parent (only the ended, unreaped ones with
    ``zombies_only``)."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and (fields[0] == "Z" or not zombies_only):
            count += 1
    return count
