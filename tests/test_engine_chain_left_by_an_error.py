"""A timer chain re-armed inside a ``try`` whose handler catches what a call before the re-arm
raises, and does not re-arm, ends when that call fails (2026-12-06); so does one re-armed in
its ``else`` block or in another handler, or after it where that handler leaves the function. It is the chain's form of the
loop ``try: while True: conn.recv() except EOFError: return``, which ends when its peer goes
away: a sampler of a child's memory re-arms while ``psutil`` can still read the child, and
``NoSuchProcess`` ends it once the child is gone. A handler that re-arms too, a re-arm before
any call of the ``try``, in its ``finally`` or after it, or a handler for Ctrl-C only leaves the
chain running.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PROBES = {
    "sampler_of_a_child_ends_with_it": """\
import threading

import psutil


def watch(proc, samples):
    monitor = psutil.Process(proc.pid)
    timer = None

    def sample():
        nonlocal timer
        try:
            samples.append(monitor.memory_info().rss)
            timer = threading.Timer(1, sample)  # expect: ok
            timer.daemon = True
            timer.start()
        except psutil.NoSuchProcess:
            pass

    timer = threading.Timer(1, sample)  # expect: ok
    timer.daemon = True
    timer.start()
    proc.wait()
    timer.cancel()
""",
    "poller_ends_when_its_peer_fails": """\
import logging
import threading

log = logging.getLogger(__name__)


def poll(client):
    try:
        client.fetch()
        threading.Timer(5, poll, args=(client,)).start()  # expect: ok
    except ConnectionError:
        log.warning("peer gone, polling stops")
""",
    # (the independent review's r1_07, r1_08 and r1_15)
    "re_armed_in_the_else_block": """\
import threading


def poll(client):
    try:
        client.fetch()
    except ConnectionError:
        return
    else:
        threading.Timer(5, poll, args=(client,)).start()  # expect: ok
""",
    "handler_leaves_before_the_re_arm_after_the_try": """\
import logging
import threading

log = logging.getLogger(__name__)


def poll(client):
    try:
        client.fetch()
    except ConnectionError:
        log.warning("peer gone")
        return
    threading.Timer(5, poll, args=(client,)).start()  # expect: ok
""",
    "one_handler_retries_another_ends_it": """\
import threading

import psutil


def sample(pid, samples):
    try:
        samples.append(psutil.Process(pid).memory_info().rss)
        threading.Timer(1, sample, args=(pid, samples)).start()  # expect: ok
    except psutil.AccessDenied:
        threading.Timer(10, sample, args=(pid, samples)).start()  # expect: ok
    except psutil.NoSuchProcess:
        pass
""",
    "handler_re_arms_too": """\
import threading


def poll(client):
    try:
        client.fetch()
        threading.Timer(5, poll, args=(client,)).start()  # expect: leak
    except ConnectionError:
        threading.Timer(30, poll, args=(client,)).start()  # expect: leak
""",
    "re_armed_before_any_call": """\
import threading


def poll(client):
    try:
        threading.Timer(5, poll, args=(client,)).start()  # expect: leak
        client.fetch()
    except ConnectionError:
        pass
""",
    "re_armed_in_finally": """\
import threading


def poll(client):
    try:
        client.fetch()
    except ConnectionError:
        pass
    finally:
        threading.Timer(5, poll, args=(client,)).start()  # expect: leak
""",
    "handler_for_ctrl_c_only": """\
import threading


def poll(client):
    try:
        client.fetch()
        threading.Timer(5, poll, args=(client,)).start()  # expect: leak
    except KeyboardInterrupt:
        pass
""",
    "handler_falls_through_to_a_re_arm": """\
import threading


def poll(client):
    try:
        client.fetch()
        threading.Timer(5, poll, args=(client,)).start()  # expect: ok
        return
    except ConnectionError:
        pass
    # the chain goes on here when fetch() fails: the finding is where it has no way out
    threading.Timer(60, poll, args=(client,)).start()  # expect: leak
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
