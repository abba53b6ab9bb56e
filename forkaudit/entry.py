"""The ``forkaudit`` command's entry point. Ctrl-C while the command's modules are still loading
ends it as Ctrl-C does later (one line, exit code 130), not with Python's traceback."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from forkaudit.cli import main as command

        return command()
    except KeyboardInterrupt:
        print("forkaudit: interrupted", file=sys.stderr)
        return 130
