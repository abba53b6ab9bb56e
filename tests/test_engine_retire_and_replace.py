"""A method that reaps what its attribute holds and then stores a new handle there (retire and
replace: ``retired = self._executor; self._executor = ThreadPoolExecutor(); if retired is not
None: retired.shutdown()``, or ``self._proc.wait()`` first) acts, with that reap, on the handle
the call before stored: each handle is reaped by the next call of its method, and the last one
waits for that call, as the loop's next pass reaps the one before in a loop (2026-12-06,
held11: redis's ``ClusterPubSub.reset()`` was "shut down only when `retired is not None`; the
other path leaks", a path on which there is nothing to shut down). The last one is still
reported: a thread left running by the last call (a poller a closed publisher's final tick
starts, the corpus's graphrag case) is a leak. A reap under another test (``if force:``) leaves
the one before on the other path.

Each probe's finding says which: the next call, or the path that leaks."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

PROBES = {
    "retired_alias_guarded": """\
from concurrent.futures import ThreadPoolExecutor


class PubSub:
    def __init__(self):
        self._executor = None
        self.reset()

    def submit(self, work):
        executor = self._executor
        if executor is None:
            return None
        return executor.submit(work)

    def reset(self):
        retired = self._executor
        self._executor = ThreadPoolExecutor(max_workers=1)
        if retired is not None:
            retired.shutdown(wait=False, cancel_futures=True)
""",
    "shut_down_first_when_held": """\
from concurrent.futures import ThreadPoolExecutor


class PubSub:
    def __init__(self):
        self._executor = None
        self.reset()

    def submit(self, work):
        return self._executor.submit(work)

    def reset(self):
        if self._executor:
            self._executor.shutdown(wait=False)
        self._executor = ThreadPoolExecutor(max_workers=1)
""",
    "waited_in_the_else_of_is_none": """\
import subprocess


class Runner:
    def __init__(self):
        self.proc = None

    def restart(self, command):
        if self.proc is None:
            pass
        else:
            self.proc.terminate()
            self.proc.wait()
        self.proc = subprocess.Popen(command)
""",
    "retired_process_waited": """\
import subprocess


class Runner:
    def __init__(self):
        self.proc = None

    def restart(self, command):
        old = self.proc
        self.proc = subprocess.Popen(command)
        if old is not None:
            old.terminate()
            old.wait()
""",
    # controls
    "shut_down_only_when_forced": """\
from concurrent.futures import ThreadPoolExecutor


class PubSub:
    def __init__(self, force):
        self.force = force
        self._executor = ThreadPoolExecutor(max_workers=1)

    def submit(self, work):
        return self._executor.submit(work)

    def reset(self):
        if self.force:
            self._executor.shutdown(wait=False)
        self._executor = ThreadPoolExecutor(max_workers=1)
""",
    "retired_in_a_loop": """\
import subprocess


class Runner:
    def __init__(self):
        self.proc = None

    def run_all(self, commands):
        for command in commands:
            if self.proc is not None:
                self.proc.wait()
            self.proc = subprocess.Popen(command)
""",
    "read_after_the_store": """\
import subprocess


class Runner:
    def __init__(self):
        self.proc = None

    def restart(self, command):
        self.proc = subprocess.Popen(command)
        old = self.proc
        if old is not None:
            old.terminate()
""",
}


SAYS = {
    "retired_alias_guarded": "each one is shut down by the next call of reset()",
    "shut_down_first_when_held": "each one is shut down by the next call of reset()",
    "waited_in_the_else_of_is_none": "each one is waited by the next call of restart()",
    "retired_process_waited": "each one is waited by the next call of restart()",
    "shut_down_only_when_forced": "shut down only when `self.force`; the other path leaks",
    "retired_in_a_loop": "each one is waited by the loop's next pass",
    "read_after_the_store": "no method of Runner waits for it",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_retire_and_replace(name: str) -> None:
    result = analyze_source(PROBES[name].encode(), f"{name}.py", load_rules().rules)
    assert result.error is None, result.error
    messages = [finding.message for finding in result.findings]
    assert len(messages) == 1, messages
    assert SAYS[name] in messages[0], messages


class _Swapping:
    """The first probe's class, run: each reset() retires the executor the one before made."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self.reset()

    def submit(self, seconds: float) -> None:
        assert self._executor is not None
        self._executor.submit(time.sleep, seconds)

    def reset(self) -> None:
        retired = self._executor
        self._executor = ThreadPoolExecutor(max_workers=1)
        if retired is not None:
            retired.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)


def test_each_reset_leaves_only_the_current_worker() -> None:
    before = threading.active_count()
    pubsub = _Swapping()
    for _ in range(5):
        pubsub.submit(0.01)
        pubsub.reset()
    pubsub.submit(0.01)
    deadline = time.monotonic() + 5
    while threading.active_count() > before + 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert threading.active_count() <= before + 1
    pubsub.close()


THROUGH_A_LOCAL = """\
import threading


class Listener(threading.Thread):
    def __init__(self, homes):
        super().__init__(daemon=True)
        self.homes = homes
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.is_set():
            self._stop_event.wait(5)

    def stop(self):
        self._stop_event.set()


class Manager:
    def __init__(self):
        self.mq = None

    def refresh_mq(self, homes):
        if self.mq is not None:
            self.mq.stop()
            self.mq = None
        {make}
"""


@pytest.mark.parametrize(
    "make",
    [
        "listener = Listener(homes)\n        listener.start()\n        self.mq = listener",
        "self.mq = Listener(homes)\n        self.mq.start()",
    ],
    ids=["through_a_local", "direct"],
)
def test_retired_through_a_local_is_told_as_directly(make: str) -> None:
    """A local passing the new one on to the attribute carries what was learned there: the
    next call stops it, one per object (held30: tuya-device-sharing-sdk's refresh_mq(), a
    false high; the reader measured 10 refreshes -> 1 thread)."""
    code = THROUGH_A_LOCAL.format(make=make)
    result = analyze_source(code.encode(), "manager.py", load_rules().rules)
    severities = [(f.severity, f.message) for f in result.findings]
    assert all(severity != "high" for severity, _ in severities), severities


def test_a_replaced_service_object_is_not_ended_by_dropping_it() -> None:
    """A library service (an SSH client's transport thread) runs until closed: replacing the
    one stored, which a local passed on, leaves the one before running (held29: lithops'
    create_client(); carrying what the attribute learned through the local must not let it
    go as a thread that ends by itself)."""
    code = """\
import paramiko


class Remote:
    def __init__(self, host):
        self.host = host
        self.ssh_client = None

    def close(self):
        if self.ssh_client:
            self.ssh_client.close()
        self.ssh_client = None

    def create_client(self, timeout=2):
        ssh_client = paramiko.SSHClient()
        ssh_client.connect(hostname=self.host, timeout=timeout)
        self.ssh_client = ssh_client
        return self.ssh_client

    def _ensure_client(self):
        if self.ssh_client is None:
            self.create_client()
        return self.ssh_client

    def _exec_command(self, cmd):
        return self.ssh_client.exec_command(cmd)

    def run_remote_command(self, cmd):
        self._ensure_client()
        try:
            stdin, stdout, stderr = self._exec_command(cmd)
        except Exception:
            self.create_client()
            stdin, stdout, stderr = self._exec_command(cmd)
        return stdout.read()
"""
    result = analyze_source(code.encode(), "remote.py", load_rules().rules)
    (finding,) = result.findings
    assert "without stopping the one before" in finding.message, finding.message
    # replaced only on a retry after a failure: nothing shows it piling up (review of the
    # corpus: a watchdog Observer or an MQTT client set up anew by a set-up method)
    assert finding.severity == "medium", finding.message
