"""A statement after ``if <a test that holds here>: return`` never runs here: the function leaves
before it. So a platform test met as an early exit keeps what follows off this platform as its
body would (held34: ddapm-test-agent's named-pipe server, whose threads are Windows-only behind
``if platform.system() != "Windows": log.warning(...); return``, was ranked first for a restart
loop Linux never runs). forkaudit judges the platform it runs on: these tests are for Linux."""

from __future__ import annotations

import sys

import pytest

from tests.builders import assert_expectations

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="judged as on Linux")

CODE = """\
import os
import platform
import sys
import threading


def _loop():
    while True:
        pass


def _serve_windows_pipes():
    while True:
        threading.Thread(target=_loop, daemon=True).start()  # expect: ok


def serve_pipes():
    if platform.system() != "Windows":
        print("named pipes are Windows only")
        return
    _serve_windows_pipes()


def spawn_console():
    if os.name != "nt": raise RuntimeError("Windows only")
    while True:
        threading.Thread(target=_loop).start()  # expect: ok


def keep_polling():
    if sys.platform == "win32":
        return
    while True:
        threading.Thread(target=_loop).start()  # expect: leak


def leaves_elsewhere():
    if platform.system() != "Windows":
        if os.getpid():
            return
    while True:
        threading.Thread(target=_loop).start()  # expect: leak


def with_an_else():
    if platform.system() != "Windows":
        return
    else:
        pass
    threading.Thread(target=_loop).start()  # expect: ok


def not_a_platform_test(ready):
    if not ready:
        return
    while True:
        threading.Thread(target=_loop).start()  # expect: leak
"""


def test_what_follows_an_early_exit_that_is_taken_here_never_runs_here() -> None:
    assert_expectations("pipes", CODE)


MODULE = """\
import sys
import threading

if sys.platform != "win32":
    raise ImportError("this module is for Windows")


def _loop():
    while True:
        pass


def serve():
    while True:
        threading.Thread(target=_loop).start()  # expect: ok
"""


def test_a_module_raising_at_its_top_off_its_platform_runs_nothing_here() -> None:
    assert_expectations("winonly", MODULE)
