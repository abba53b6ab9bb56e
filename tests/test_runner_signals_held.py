"""While the runner starts or stops its processes (``_interrupts_held``), Ctrl-C and the
command line's SIGTERM (which unwinds as Ctrl-C does) wait until the block is done: a worker
started halfway is never left unknown, one stopped is reaped. SIGTERM's default action is left
alone, and the processes started keep SIGTERM unblocked, which is how they are stopped."""

from __future__ import annotations

import os
import signal

import pytest

from forkaudit.runner import _interrupts_held


class Unwound(Exception):
    pass


def _raise(signum: int, frame: object) -> None:
    raise Unwound(signum)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_in_the_block_is_raised_once_it_is_done(signum: int) -> None:
    before = signal.signal(signum, _raise)
    done = []
    try:
        with pytest.raises(Unwound), _interrupts_held():
            os.kill(os.getpid(), signum)
            done.append("the block went on")
            if hasattr(signal, "pthread_sigmask"):
                assert signal.SIGTERM not in signal.pthread_sigmask(signal.SIG_BLOCK, set())
        assert done == ["the block went on"]
        assert signal.getsignal(signum) is _raise
    finally:
        signal.signal(signum, before)


def test_dropped_when_not_delivered() -> None:
    before = signal.signal(signal.SIGTERM, _raise)
    try:
        with _interrupts_held(deliver=False):
            os.kill(os.getpid(), signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) is _raise
    finally:
        signal.signal(signal.SIGTERM, before)


def test_sigterm_at_its_default_is_not_taken_over() -> None:
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    with _interrupts_held():
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
