"""A cleanup behind a flag the handle's own block sets (2026-12-06): ``close = True`` right
before ``proc = Popen(...)`` in the block that makes it, or right after it, then ``finally: if
close: proc.wait()``, reaps wherever that block ran; so does a test anding the flag with the
handle itself (``if close_connection and ssh: ssh.close()``). The flag must be set nowhere else
but to a false literal before (a walrus, a loop target or a nested function's ``nonlocal``
count as setting it); a test anding it with anything else the path does not decide
still leaves the other path. The flag may also be set before the start in a block holding it
(``must_wait = True`` then ``if capture: proc = Popen(...)``), up to a loop or the function,
and raised (set True) elsewhere too: only a lowering after the setting counts against it.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PROBES = {
    "flag_set_before_the_start": """\
import subprocess


def feed(cmd, data, proc=None):
    close = False
    if proc is None:
        close = True
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)  # expect: ok
    try:
        proc.stdin.write(data)
    finally:
        if close:
            proc.wait()
    return True
""",
    "flag_anded_with_the_handle": """\
import paramiko


def fetch(host, path, ssh=None):
    close_connection = False
    if ssh is None:
        close_connection = True
        ssh = paramiko.SSHClient()  # expect: ok
        ssh.connect(host)
    try:
        ssh.open_sftp().get(path, path)
    finally:
        if close_connection and ssh:
            ssh.close()
    return True
""",
    "flag_set_after_the_start_method": """\
import paramiko


def fetch(host, path, ssh=None):
    close_connection = False
    if ssh is None:
        ssh = paramiko.SSHClient()  # expect: ok
        ssh.connect(host)
        close_connection = True
    try:
        ssh.open_sftp().get(path, path)
    finally:
        if close_connection and ssh:
            ssh.close()
    return True
""",
    "flag_set_in_another_block": """\
import subprocess


def feed(cmd, data, verbose, proc=None):
    close = False
    if proc is None:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)  # expect: leak
    if verbose:
        close = True
    try:
        proc.stdin.write(data)
    finally:
        if close:
            proc.wait()
    return True
""",
    "flag_anded_with_something_else": """\
import subprocess


def feed(cmd, data, wait, proc=None):
    close = False
    if proc is None:
        close = True
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)  # expect: leak
    try:
        proc.stdin.write(data)
    finally:
        if close and wait:
            proc.wait()
    return True
""",
    "flag_set_before_the_if_holding_the_start": """\
import subprocess


def run(cmd, capture):
    must_wait = False
    must_wait = True
    if capture:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: ok
    else:
        proc = subprocess.Popen(cmd)  # expect: ok
    print(proc.pid)
    if must_wait:
        proc.wait()
""",
    "flag_raised_in_another_branch_too": """\
import subprocess


def run(cmd, detach):
    reap = False
    if detach:
        reap = True
    reap = True
    proc = subprocess.Popen(cmd)  # expect: ok
    print(proc.pid)
    if reap:
        proc.wait()
""",
    "flag_lowered_after_it_is_set": """\
import subprocess


def run(cmd, detach):
    reap = True
    if detach:
        reap = False
    proc = subprocess.Popen(cmd)  # expect: leak
    print(proc.pid)
    if reap:
        proc.wait()
""",
    "flag_lowered_by_a_nested_function": """\
import subprocess


def run(cmd):
    must_wait = False

    def give_up():
        nonlocal must_wait
        must_wait = False

    must_wait = True
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE)  # expect: leak
    if not proc.stdout.readline():
        give_up()
    if must_wait:
        proc.wait()
""",
    "flag_lowered_by_a_walrus": """\
import subprocess


def run(cmd, opts):
    must_wait = False
    must_wait = True
    proc = subprocess.Popen(cmd)  # expect: leak
    if opts.get("detach") and not (must_wait := False):
        print("detached", proc.pid)
    if must_wait:
        proc.wait()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
