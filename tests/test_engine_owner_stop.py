"""A non-daemon thread stopped only by a method of its class that no code of the package calls
(2026-12-05): the interpreter joins every non-daemon thread before it exits and before it runs
atexit's cleanup, so a program that does not call the stop itself never exits. A stop that
code of the module, or of another module of the package, calls is taken as called (by name:
``f.close()`` counts for ``close``), as is one the language calls (``__exit__``). With it: a
target made by a function returning one of its own functions, ``@atexit.register`` as a
decorator, and a start behind a test of the command line, which runs once (process set-up).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules
from tests.builders import assert_expectations, run_cli

PACK = load_rules()

CLIENT = """\
import threading
import time


class Client:
    def __init__(self, host):
        self.host = host
        self._running = False
        self._thread = None

    def open(self):
        self._running = True
        self._thread = threading.Thread(target=self._loop{daemon})  # expect: {expect}
        self._thread.start()

    def _loop(self):
        while self._running:
            time.sleep(1)

    def stop(self):
        self._running = False
        self._thread.join()
{extra}"""

PROBES = {
    # nothing in the module calls stop(): a program that does not call it never exits
    "uncalled_stop": CLIENT.format(daemon="", expect="leak", extra=""),
    # a daemon thread does not hold exit
    "uncalled_stop_daemon": CLIENT.format(daemon=", daemon=True", expect="ok", extra=""),
    # `with Client(...)` stops it
    "stop_in_exit": CLIENT.format(
        daemon="",
        expect="ok",
        extra="""
    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.stop()
""",
    ),
    # close() calls stop(), and code of the module calls close()
    "stop_called_through_close": CLIENT.format(
        daemon="",
        expect="ok",
        extra="""
    def close(self):
        self.stop()


def fetch(host):
    client = Client(host)
    client.open()
    try:
        return client.host
    finally:
        client.close()
""",
    ),
    # close() calls stop(), and nothing calls close(): both are uncalled
    "stop_only_through_uncalled_close": CLIENT.format(
        daemon="",
        expect="leak",
        extra="""
    def close(self):
        self.stop()
""",
    ),
    # the stop handed on as a callback is called by whoever holds it
    "stop_handed_on": CLIENT.format(
        daemon="",
        expect="ok",
        extra="""

def watch(client, signals):
    signals.connect(client.stop)
""",
    ),
    # registered with atexit: run after the interpreter has waited for the thread, never
    "stop_at_exit_decorated": CLIENT.format(
        daemon="",
        expect="leak",
        extra="""

CLIENTS = []


import atexit


@atexit.register
def _close_all():
    for client in CLIENTS:
        client.stop()
""",
    ),
    # an object of a thread class of its own, stopped by the class holding it: whether that
    # class is stopped in turn is its users' business
    "thread_class_held": """\
import threading


class KeepAlive(threading.Thread):
    def __init__(self, ws):
        super().__init__()
        self.ws = ws
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.wait(5):
            self.ws.ping()

    def stop(self):
        self._stop_event.set()
        self.join()


class Client:
    def __init__(self):
        self.keepalive = None

    def on_open(self, ws):
        self.keepalive = KeepAlive(ws)  # expect: ok
        self.keepalive.start()

    def stop_client(self):
        if self.keepalive is not None:
            self.keepalive.stop()
""",
    # a method of everyday use stops it too: using the object stops it
    "stopped_by_everyday_use": CLIENT.format(
        daemon="",
        expect="ok",
        extra="""
    def send(self, text):
        self.stop()
        self.open()
""",
    ),
    # the first timer of a chain let go: its function arms the next one, with no flag to stop
    # on, and nothing can cancel it before it fires
    "chain_started_and_let_go": """\
import threading


class Sound:
    def __init__(self, path):
        self.path = path
        threading.Timer(0.1, self.check_done).start()  # expect: leak

    def check_done(self):
        print(self.path)
        threading.Timer(0.1, self.check_done).start()  # expect: leak
""",
    # a non-daemon timer chain re-armed while its object's stop flag is down, which only a
    # stop() no code calls raises
    "chain_until_uncalled_stop": """\
import threading


class Poller:
    def __init__(self):
        self._stopped = False
        self._timer = None

    def start(self):
        self._tick()

    def _tick(self):
        print("poll")
        if not self._stopped:
            self._timer = threading.Timer(5, self._tick)  # expect: leak
            self._timer.start()

    def stop(self):
        self._stopped = True
        if self._timer is not None:
            self._timer.cancel()
""",
    # ... re-armed while there is work: data, which the object's everyday use changes
    "chain_while_work_is_pending": """\
import threading


class Flusher:
    def __init__(self):
        self.pending = []

    def add(self, item):
        self.pending.append(item)
        self._tick()

    def _tick(self):
        if self.pending:
            self.pending.pop()
            timer = threading.Timer(5, self._tick)  # expect: ok
            timer.start()

    def stop(self):
        self.pending = []
""",
    # a stop flag given a type where it is first set is still a switch
    "chain_until_uncalled_stop_annotated": """\
import threading


class Poller:
    def __init__(self):
        self._stopped: bool = False

    def start(self):
        self._tick()

    def _tick(self):
        if not self._stopped:
            self._timer = threading.Timer(5, self._tick)  # expect: leak
            self._timer.start()

    def stop(self):
        self._stopped = True
""",
    # a stop named in camel case is a stop all the same
    "camel_case_stop": CLIENT.format(daemon="", expect="leak", extra="").replace(
        "def stop(self)", "def stopPumping(self)"
    ),
    # a variable named like the method is not the method
    "a_variable_named_stop": CLIENT.format(
        daemon="",
        expect="leak",
        extra="""

def limits(options):
    stop = options.limit
    return stop
""",
    ),
    # its stop called by name (`getattr(client, "stop")()`): called out of sight
    "stop_called_through_getattr": CLIENT.format(
        daemon="",
        expect="ok",
        extra="""

def finish(client):
    getattr(client, "stop")()
""",
    ),
    # cleanup registered with atexit by a call: after the interpreter waited for the thread
    "stop_in_a_function_registered_at_exit": CLIENT.format(
        daemon="",
        expect="leak",
        extra="""

CLIENTS = []


def _cleanup():
    for client in CLIENTS:
        client.stop()


import atexit

atexit.register(_cleanup)
""",
    ),
    # daemon=None takes the starting thread's flag, as no argument does: the main thread's
    "daemon_none": CLIENT.format(daemon=", daemon=None", expect="leak", extra=""),
    # daemon=<something>: it may be a daemon
    "daemon_given_by_the_caller": CLIENT.format(
        daemon=", daemon=self.daemonic", expect="ok", extra=""
    ),
    # started by a daemon thread's target: it takes that daemon flag
    "started_in_a_daemon_thread": """\
import threading
import time


class Service:
    def start(self):
        threading.Thread(target=self._boot, daemon=True).start()  # expect: ok

    def _boot(self):
        self._running = True
        self._worker = threading.Thread(target=self._loop)  # expect: ok
        self._worker.start()

    def _loop(self):
        while self._running:
            time.sleep(1)

    def stop(self):
        self._running = False
        self._worker.join()
""",
    # a thread that ends by itself needs no stop
    "ends_by_itself": """\
import threading


class Job:
    def __init__(self, items):
        self.items = items

    def start(self):
        self._thread = threading.Thread(target=self._run)  # expect: ok
        self._thread.start()

    def _run(self):
        for item in self.items:
            print(item)

    def wait(self):
        self._thread.join()
""",
    # the target is what a function of the module returns: one of its own functions
    "target_made_by_a_function": """\
import threading
import time


def forever(fns, pause):
    def fn():
        while True:
            for f in fns:
                f()
            time.sleep(pause)

    return fn


def once(fns):
    def fn():
        for f in fns:
            f()

    return fn


def start_polling(fns):
    thread = threading.Thread(target=forever(fns, 10))  # expect: leak
    thread.start()


def start_once(fns):
    thread = threading.Thread(target=once(fns))  # expect: ok
    thread.start()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_owner_stop_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])


def test_the_message_names_the_stop_and_why_exit_hangs() -> None:
    code = PROBES["stop_only_through_uncalled_close"]
    result = analyze_source(code.encode(), "client.py", PACK.rules)
    (finding,) = result.findings
    assert "stopped only by Client.stop() (and close() calling it)" in finding.message
    assert "which no code of the package calls" in finding.message
    assert "never exits" in finding.message
    assert finding.severity == "medium"


def test_a_start_behind_the_command_line_runs_once() -> None:
    code = """\
import sys
import threading
import time


def loop():
    while True:
        time.sleep(10)


def patch_thread():
    if sys.argv[1] == "scheduler":
        thread = threading.Thread(target=loop)
        thread.start()


def per_call():
    thread = threading.Thread(target=loop)
    thread.start()
"""
    result = analyze_source(code.encode(), "plugin.py", PACK.rules)
    by_line = {f.line: f for f in result.findings}
    assert by_line[13].severity == "medium"
    assert 'behind a test of the command line `sys.argv[1] == "scheduler"`' in (by_line[13].message)
    assert by_line[18].severity == "high"  # no such test: on every call


def _check(folder: Path) -> list[dict[str, object]]:
    done = run_cli(["check", "--format", "json", "--no-cache", "."], folder)
    assert done.returncode in (0, 1), done.stderr
    findings: list[dict[str, object]] = json.loads(done.stdout)["findings"]
    return findings


def test_a_stop_called_by_another_module_of_the_package(tmp_path: Path) -> None:
    """Asked of the runner: the package's other modules naming `.stop` are read for it."""
    package = tmp_path / "src" / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "client.py").write_text(CLIENT.format(daemon="", expect="ok", extra=""))
    alone = _check(tmp_path / "src")
    assert [(f["path"], f["line"]) for f in alone] == [("app/client.py", 13)]
    (package / "service.py").write_text(
        "from app.client import Client\n\n\n"
        "def serve(host):\n"
        "    client = Client(host)\n"
        "    client.open()\n"
        "    try:\n"
        "        return client.host\n"
        "    finally:\n"
        "        client.stop()\n"
    )
    assert _check(tmp_path / "src") == []
    # a module naming it only in prose calls nothing
    (package / "service.py").write_text('"""Call client.stop() when done."""\n')
    assert [f["line"] for f in _check(tmp_path / "src")] == [13]


_FILLER = "".join(
    f"\n\ndef helper_{n}(value):\n    total = value * {n}\n    return total + len(str(value))\n"
    for n in range(120)
)


def test_a_caller_in_a_part_the_slice_leaves_out_counts() -> None:
    """A module of 3 KB and more is analysed sliced: only the chunks that can start or reap
    something are parsed. A function calling the stop (`close_all()`) may be left out: the
    stop's name, named more often in the whole text than in the slice, is taken as called."""
    client = CLIENT.format(daemon="", expect="ok", extra="")
    caller = "\n\ndef close_all(clients):\n    for each in clients:\n        each.stop()\n"
    result = analyze_source((client + _FILLER + caller).encode(), "big.py", PACK.rules)
    assert len(client + _FILLER) > 3 * 1024
    assert result.findings == ()
    alone = analyze_source((client + _FILLER).encode(), "big.py", PACK.rules)
    assert [f.line for f in alone.findings] == [13]


def test_a_start_behind_the_command_line_in_a_handler_or_a_loop_is_not_once() -> None:
    code = """\
import sys
import threading
import time


def tail(path):
    while True:
        time.sleep(1)


def follow_all(paths):
    for path in paths:
        if "--follow" in sys.argv:
            threading.Thread(target=tail, args=(path,)).start()


class Handler:
    def do_GET(self):
        if "--follow" in sys.argv:
            threading.Thread(target=tail, args=(self.path,)).start()
"""
    result = analyze_source(code.encode(), "serve.py", PACK.rules)
    assert {f.line: f.severity for f in result.findings} == {14: "high", 20: "high"}


def test_a_start_behind_the_command_line_in_a_signal_handler_is_not_once() -> None:
    """A function handed on (a SIGHUP handler, a callback) runs as often as what holds it
    likes: a test of the command line in it says nothing of how often."""
    code = """\
import signal
import sys
import threading
import time


def watch():
    while True:
        time.sleep(1)


def on_hup(signum, frame):
    if "--watch" in sys.argv:
        threading.Thread(target=watch, daemon=True).start()


signal.signal(signal.SIGHUP, on_hup)
"""
    result = analyze_source(code.encode(), "hup.py", PACK.rules)
    assert {f.line: f.severity for f in result.findings} == {14: "high"}


def test_a_stop_named_by_more_modules_than_are_read_counts_as_called(tmp_path: Path) -> None:
    """The runner reads at most a few of the modules naming `.stop`: when more name it (in
    prose, say) than it reads, the one it did not read may call it."""
    package = tmp_path / "src" / "app"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "client.py").write_text(CLIENT.format(daemon="", expect="ok", extra=""))
    for n in range(9):
        (package / f"doc{n}.py").write_text('"""Call client.stop() when done."""\n')
    (package / "zz_service.py").write_text(
        "def serve(client):\n    try:\n        client.open()\n    finally:\n        client.stop()\n"
    )
    assert _check(tmp_path / "src") == []
