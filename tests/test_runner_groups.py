"""A distribution's own Thread/Process subclasses make every module that names one a candidate:
found by the worker that surveys the whole distribution, or (a distribution too big for one
worker's batch) by a second read. Both ways give the same findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from forkaudit import runner
from forkaudit.files import collect_paths, file_units
from forkaudit.rules import load_rules

WATCH = """\
import threading


class Watcher(threading.Thread):
    def run(self):
        while True:
            poll()


class Patient(Watcher):
    pass
"""
# Names only the subclass: the built-in prefilter alone would let this file go.
USE = """\
from .watch import Patient


def on_event():
    Patient().start()
"""
PLAIN = "def f():\n    return 1\n"


def _findings(
    tmp_path: Path, group_max: int, monkeypatch: pytest.MonkeyPatch, watch: str = WATCH
) -> list[str]:
    package = tmp_path / "pkg"
    package.mkdir(exist_ok=True)
    (package / "watch.py").write_text(watch)
    (package / "use.py").write_text(USE)
    for i in range(6):
        (package / f"plain{i}.py").write_text(PLAIN)
    monkeypatch.setattr(runner, "GROUP_BATCH_MAX", group_max)
    monkeypatch.setattr(runner, "SURVEY_BATCH", 3)
    files, missing = collect_paths(["pkg"], str(tmp_path))
    assert not missing
    results = runner.run_units(file_units(files), load_rules(), runner.RunOptions(jobs=2))
    return sorted(
        f"{f.path}:{f.line}:{f.rule}"
        for unit in results
        for result in unit.results
        for f in result.findings
    )


def test_subclass_user_found_when_one_worker_surveys_the_distribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _findings(tmp_path, 4000, monkeypatch) == ["use.py:5:FA111"]


def test_subclass_user_found_when_the_distribution_is_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _findings(tmp_path, 2, monkeypatch) == ["use.py:5:FA111"]


@pytest.mark.parametrize("group_max", [4000, 2])
def test_a_subclass_of_a_base_made_by_a_call_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group_max: int
) -> None:
    # `mp.get_context("fork").Process`: a base list holding a call is still read
    watch = WATCH.replace("import threading", "import multiprocessing as mp").replace(
        "threading.Thread", 'mp.get_context("fork").Process'
    )
    assert _findings(tmp_path, group_max, monkeypatch, watch) == ["use.py:5:FA112"]


def test_survey_batches_keep_small_groups_whole() -> None:
    groups = [[(0, f) for f in range(5)], [(1, 0), (1, 1)], [(2, f) for f in range(3)]]
    batches = runner._survey_batches(groups)
    # every item once
    assert sorted(a for b in batches for a, _ in b) == sorted(a for g in groups for a in g)
    for batch in batches:
        for _, (group, size) in batch:
            assert size == len(groups[group])
            # the whole group is in this batch
            assert sum(1 for _, (g, _) in batch if g == group) == size


def test_parent_never_imports_the_parser(tmp_path: Path) -> None:
    """The workers parse; the parent only reads their answers (subclass facts included), so it
    never pays for importing libcst."""
    import subprocess
    import sys

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "watch.py").write_text(WATCH)
    (package / "use.py").write_text(USE)
    code = (
        "import sys\n"
        "from forkaudit.cli import main\n"
        "try:\n"
        "    main(['check', 'pkg', '--no-cache', '-q'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('libcst' in sys.modules, 'forkaudit.analysis.lifecycle' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "False False", result.stdout + result.stderr
    assert "use.py:5:" in result.stdout  # the subclass was shared, so the analysis did run


def test_survey_reads_again_what_it_could_not_keep(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over its memory budget the survey keeps no bytes: the subclass-name check reads the files
    again, and finds the same ones."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "watch.py").write_text(WATCH)
    (package / "use.py").write_text(USE)
    (package / "plain.py").write_text(PLAIN)
    monkeypatch.setattr(runner, "_PACK", load_rules())
    items = [(str(package / n), False, 0, 3) for n in ("watch.py", "use.py", "plain.py")]
    for budget in (runner.SURVEY_KEEP_BYTES, 0):
        monkeypatch.setattr(runner, "SURVEY_KEEP_BYTES", budget)
        surveys = runner._survey(items, None)  # type: ignore[arg-type]
        assert [(s.passes, s.rescued, s.group_checked) for s in surveys] == [
            (True, False, True),
            (False, True, True),
            (False, False, True),
        ]


OWNER = """\
import threading


class Monitor:
    def __init__(self, loop):
        self._stop = threading.Event()
        self._watchdog = threading.Thread(target=self._watch, args=(loop,), daemon=True)

    def _watch(self, loop):
        while not self._stop.wait(1.0):
            loop.check()

    def start(self):
        self._watchdog.start()

    def stop(self):
        self._stop.set()
        self._watchdog.join()
"""
# Same short name, another module: a plain class.
NAMESAKE = """\
class Monitor:
    def __init__(self, loop):
        self.loop = loop

    def start(self):
        self.loop.count = 0
"""
USE_OWNER = """\
from .owner import Monitor


def on_request(loop):
    Monitor(loop).start()


def on_request_stopped(loop):
    monitor = Monitor(loop)
    monitor.start()
    try:
        loop.serve()
    finally:
        monitor.stop()
"""
USE_NAMESAKE = """\
from pkg.namesake import Monitor


def on_request(loop):
    Monitor(loop).start()
"""


def test_a_class_owning_a_thread_is_a_start_in_the_modules_making_it(tmp_path: Path) -> None:
    """Another module of the distribution making the owner per request holds a thread per
    request; a class of the same short name in another module is not that owner."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "owner.py").write_text(OWNER)
    (package / "namesake.py").write_text(NAMESAKE)
    (package / "use_owner.py").write_text(USE_OWNER)
    (package / "use_namesake.py").write_text(USE_NAMESAKE)
    (package / "use_owner_absolute.py").write_text(
        USE_OWNER.replace("from .owner", "from pkg.owner")
    )
    files, missing = collect_paths(["pkg"], str(tmp_path))
    assert not missing
    results = runner.run_units(file_units(files), load_rules(), runner.RunOptions(jobs=2))
    findings = [f for unit in results for result in unit.results for f in result.findings]
    assert [(f.path, f.line, f.rule, f.severity) for f in findings] == [
        ("use_owner.py", 5, "FA111", "high"),
        ("use_owner_absolute.py", 5, "FA111", "high"),
    ]
    assert "Monitor keeps a thread on ._watchdog" in findings[0].message


FACTORY = """\
import threading


def default_create_thread(callback):
    thread = threading.Thread(None, callback)
    thread.daemon = True
    thread.start()
    return thread
"""
# Over the slicing threshold, naming no thread API itself: the loop the factory's thread runs
# (a method only named as the call's argument) must stay in the slice.
LISTENER = (
    """\
from pkg import utils


class HeartbeatListener:
    def __init__(self):
        self.running = False
        self.heartbeat_thread = None

    def on_connected(self, headers):
        self.running = True
        if self.heartbeat_thread is None:
            self.heartbeat_thread = utils.default_create_thread(self.__heartbeat_loop)

    def on_disconnected(self):
        self.heartbeat_thread = None

"""
    + "".join(
        f"    def on_message_{n}(self, headers, body):\n        return headers.get('id-{n}')\n\n"
        for n in range(80)
    )
    + """\
    def __heartbeat_loop(self):
        while self.running:
            self.send_heartbeat()


def connect(conn):
    conn.set_listener("heartbeat", HeartbeatListener())
"""
)


def test_a_factory_returning_a_thread_is_a_start_in_the_modules_calling_it(
    tmp_path: Path,
) -> None:
    """`utils.default_create_thread(self.__loop)` in another module holds the thread the factory
    starts, running the argument: a loop nothing stops. Its guard `if self.heartbeat_thread is
    None:` is reopened by on_disconnected(), which drops the handle and leaves the loop
    running: every reconnect starts one more (high)."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "utils.py").write_text(FACTORY)
    (package / "listener.py").write_text(LISTENER)
    assert len(LISTENER) > 3 * 1024
    files, missing = collect_paths(["pkg"], str(tmp_path))
    assert not missing
    results = runner.run_units(file_units(files), load_rules(), runner.RunOptions(jobs=2))
    findings = [f for unit in results for result in unit.results for f in result.findings]
    assert [(f.path, f.line, f.rule, f.severity) for f in findings] == [
        ("listener.py", 12, "FA111", "high")
    ]
    assert "__heartbeat_loop() waits on self.running, which nothing sets" in findings[0].message


def test_a_worker_keeps_its_long_lived_objects_out_of_the_collectors_sight() -> None:
    """The objects a worker holds for its life (modules, grammar, rule pack) are frozen, and the
    collector runs less often than by default; it still runs (a cycle made later is freed)."""
    import subprocess
    import sys

    script = (
        "import gc, weakref\n"
        "from forkaudit import runner\n"
        "from forkaudit.rules import load_rules\n"
        "assert gc.get_freeze_count() == 0\n"
        "runner._init_worker(load_rules(), 60.0, 15.0)\n"
        "assert gc.get_freeze_count() > 10000, gc.get_freeze_count()\n"
        "assert gc.get_threshold() == runner.GC_THRESHOLD\n"
        "assert gc.isenabled()\n"
        "class Node: pass\n"
        "a = Node(); a.me = a\n"
        "gone = weakref.ref(a)\n"
        "del a\n"
        "gc.collect()\n"
        "assert gone() is None\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
