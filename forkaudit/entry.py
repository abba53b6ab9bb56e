"""The ``forkaudit`` command's entry point. Ctrl-C while the command's modules are still loading
ends it as Ctrl-C does later (one line, exit code 130), not with Python's traceback. An interrupt
landing inside a class's creation reaches us wrapped (``RuntimeError: Error calling __set_name__``,
caused by the KeyboardInterrupt): it is still Ctrl-C."""

from __future__ import annotations

import sys


def main() -> int:
    try:
        from forkaudit.cli import main as command

        return command()
    except KeyboardInterrupt:
        print("forkaudit: interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        if not _caused_by_interrupt(error):
            raise
        print("forkaudit: interrupted", file=sys.stderr)
        return 130


def _caused_by_interrupt(error: BaseException) -> bool:
    """Whether a KeyboardInterrupt is what this exception was raised from (its cause chain)."""
    seen: set[int] = set()
    cause = error.__cause__
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__
    return False
