"""Parsing only the chunks that matter must never change a result: sliced and whole-file analysis
give the same findings on large modules built from every engine case and rule example."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import NamedTuple

import pytest
from test_engine_close_stops_websocket_app import CLIENT
from test_engine_lifecycle import CASES, MORE_CASES

from forkaudit.analysis.engine import analyze, parse, start_pattern
from forkaudit.analysis.prefilter import Prefilter, start_modules, start_names
from forkaudit.analysis.slicing import MIN_SLICE_BYTES, _Slicing, compact, slice_source
from forkaudit.rules import load_rules

PACK = load_rules()
FILLER = '''

def filler_{n}(values):
    """Unrelated code that slicing should drop: {n}."""
    total = 0
    for value in values:
        if value % 3 == {m}:
            total += value * {n}
    return total


class Unrelated{n}:
    def a(self):
        return {n}

    def b(self):
        return self.a() + 1

    def c(self):
        return [self.b() for _ in range(3)]
'''


def big_module(code: str) -> str:
    parts = [textwrap.dedent(code)]
    n = 0
    while sum(len(p) for p in parts) < MIN_SLICE_BYTES * 3:
        parts.append(FILLER.format(n=n, m=n % 3))
        n += 1
    return "".join(parts)


SOURCES = {name: big_module(code) for name, code in CASES.items()}
SOURCES.update(
    {
        f"{rule.id}-{i}": big_module(example.code)
        for rule in PACK.rules
        for i, example in enumerate(rule.examples)
    }
)


# a WebSocketApp's callback closing the app it is handed: a method the slice must keep
# (sites._closed_by_its_callback), named by no `self.x()` call
SOURCES["websocket callback closes"] = big_module(
    CLIENT.format(on_error_close="ws.close()", on_message_close="ws.close()")
)


@pytest.mark.parametrize("source", list(SOURCES.values()), ids=list(SOURCES))
def test_sliced_equals_whole(source: str) -> None:
    def key(slicing: bool) -> list[tuple[int, str, str, str, str, tuple[str, ...]]]:
        result, _ = analyze(source.encode(), "m.py", PACK.rules, slicing=slicing)
        assert result.error is None
        return [
            (f.line, f.rule, f.message, f.severity, f.confidence, f.flags) for f in result.findings
        ]

    assert key(True) == key(False)


def test_slicing_drops_unrelated_code() -> None:
    source = SOURCES["attr never reaped"]
    sliced = slice_source(source, start_pattern(PACK.rules))
    assert sliced is not None
    assert len(sliced.text) < len(source) / 3
    assert "filler_3" not in sliced.text
    # every kept line maps back to the same text in the original
    original = source.splitlines()
    for text, line in zip(sliced.text.splitlines(), sliced.line_map, strict=True):
        assert text == original[line - 1] or text.strip() == "pass"


def test_cut_inside_a_string_falls_back_to_the_whole_file() -> None:
    code = big_module(
        "import subprocess\n"
        'DOC = """\n'
        "def fake():\n"
        "    pass\n"
        '"""\n'
        "def run():\n"
        '    subprocess.Popen(["x"])\n'
    )
    result, _ = analyze(code.encode(), "m.py", PACK.rules)
    assert result.error is None
    assert [(f.line, f.rule) for f in result.findings] == [(7, "FA103")]


def test_a_huge_module_level_table_is_not_parsed() -> None:
    """Data tables and generated constants before the first def are cut into statements and left
    out: a leak below a 10,000-deep literal (which would crash libcst's parser) is still found."""
    code = (
        "import os\nTABLE = "
        + "(" * 10000
        + "1"
        + ")" * 10000
        + "\n\ndef handle(conn):\n    pid = os.fork()\n    return conn\n"
    )
    result, _ = analyze(code.encode(), "m.py", PACK.rules)
    assert result.error is None
    assert [(f.line, f.rule) for f in result.findings] == [(5, "FA101")]


# ---------------------------------------------------------------------------------------------
# Classes sliced method by method: every case is a module padded with filler (slicing is on), its
# classes hold many unrelated methods (a class plan is made), and the findings must be both the
# whole-file findings and the ones a reader expects: the lines marked `# leak: FAxxx`.

NAMES = tuple(sorted(start_names(PACK.rules)))
REAPERS = tuple(sorted({method for rule in PACK.rules for method in rule.reaped_by_methods}))
MODULES = tuple(sorted(start_modules(PACK.rules)))
_UNRELATED = re.compile(r"^( +)# (\d+) unrelated methods: (\w+)$", re.MULTILINE)
_LEAK = re.compile(r"#\s*leak:\s*(FA\d+)\s*$")


def unrelated_methods(indent: str, count: int, prefix: str) -> str:
    return "".join(
        f"\n{indent}def {prefix}_{i}(self, values):\n"
        f'{indent}    """Unrelated method {i}: slicing drops it."""\n'
        f"{indent}    total = 0\n"
        f"{indent}    for value in values:\n"
        f"{indent}        total += value * {i}\n"
        f"{indent}    return total\n"
        for i in range(count)
    )


def module(code: str) -> str:
    """``code`` dedented, each ``# N unrelated methods: prefix`` line replaced by N methods, then
    padded with filler until slicing is on."""
    code = _UNRELATED.sub(
        lambda m: unrelated_methods(m.group(1), int(m.group(2)), m.group(3)),
        textwrap.dedent(code),
    )
    return big_module(code)


Key = list[tuple[int, str, str, str, str, tuple[str, ...]]]


def findings(source: str, *, slicing: bool) -> Key:
    result, _ = analyze(source.encode(), "m.py", PACK.rules, slicing=slicing)
    assert result.error is None, result.error
    return [(f.line, f.rule, f.message, f.severity, f.confidence, f.flags) for f in result.findings]


def sliced_text(source: str) -> str:
    """The sliced source as the engine makes it; it must parse (no fallback to the whole file)."""
    sliced = slice_source(source, start_pattern(PACK.rules), NAMES, REAPERS, MODULES)
    assert sliced is not None
    parse(sliced.text)
    assert "def filler_0(" not in sliced.text
    return sliced.text


def marked(source: str) -> list[tuple[int, str]]:
    return [
        (number, match.group(1))
        for number, line in enumerate(source.splitlines(), start=1)
        if (match := _LEAK.search(line)) is not None
    ]


class Case(NamedTuple):
    code: str
    kept: tuple[str, ...] = ()  # text the sliced source must hold
    dropped: tuple[str, ...] = ("def helper_5(",)  # text it must not hold


def check_case(case: Case) -> Key:
    source = module(case.code)
    sliced = findings(source, slicing=True)
    whole = findings(source, slicing=False)
    assert sliced == whole
    assert [(line, rule) for line, rule, *_ in sliced] == marked(source), sliced
    text = sliced_text(source)
    for kept in case.kept:
        assert kept in text, kept
    for dropped in case.dropped:
        assert dropped not in text, dropped
    return sliced


# 1. Thread and process subclasses: __init__, run, the reapers and their callers on self stay.
_WORKER = """
    import threading

    class Worker(threading.Thread):
        def __init__(self, queue):
            super().__init__()
            self.queue = queue

        # 6 unrelated methods: helper

        def run(self):
            while True:
                self.helper_0(self.queue.get())

        def _reap(self):
            self.join(timeout=5)

        # 6 unrelated methods: other

        def halt(self):
            self.queue.put(None)
            self._reap()

        def stop(self):
            self.halt()

        # 4 unrelated methods: more

        def finish(self):
            self.stop()


    def main(queue):
        w = Worker(queue)USE
        w.start()
        USE2
"""
_CHAIN = ("def __init__", "def run", "def _reap", "def halt", "def stop", "def finish")
SUBCLASS_CASES = {
    "thread subclass stopped through a chain of helpers": Case(
        _WORKER.replace("USE2", "w.finish()").replace("USE", ""),
        _CHAIN,
        ("def helper_5(", "def other_2(", "def more_1("),
    ),
    "thread subclass never stopped": Case(
        _WORKER.replace("USE2", "return w.helper_1([])").replace("USE", "  # leak: FA111"),
        _CHAIN,
    ),
    "process subclass stopped through a chain of helpers": Case(
        _WORKER.replace("threading.Thread", "multiprocessing.Process")
        .replace("import threading", "import multiprocessing")
        .replace("USE2", "w.finish()")
        .replace("USE", ""),
        _CHAIN,
    ),
    "process subclass never joined": Case(
        _WORKER.replace("threading.Thread", "multiprocessing.Process")
        .replace("import threading", "import multiprocessing")
        .replace("USE2", "return None")
        .replace("USE", "  # leak: FA112"),
        _CHAIN,
    ),
    "daemon = True as class-level code after the methods": Case(
        """
        import threading

        class Ticker(threading.Thread):
            def run(self):
                while True:
                    tick()

            # 14 unrelated methods: helper

            daemon = True


        def handle():
            Ticker().start()  # leak: FA111
        """,
        ("    daemon = True",),
    ),
    "thread subclass looping forever in run": Case(
        """
        import threading

        class Poller(threading.Thread):
            def __init__(self, queue):
                super().__init__(daemon=True)
                self.queue = queue

            # 14 unrelated methods: helper

            def run(self):
                while True:
                    self.queue.get()


        def watch(queue):
            Poller(queue).start()  # leak: FA111
        """,
        ("def run",),
    ),
}


@pytest.mark.parametrize("case", list(SUBCLASS_CASES.values()), ids=list(SUBCLASS_CASES))
def test_sliced_thread_subclass(case: Case) -> None:
    check_case(case)


def test_class_level_daemon_after_the_methods_survives_slicing() -> None:
    case = SUBCLASS_CASES["daemon = True as class-level code after the methods"]
    (daemon,) = check_case(case)
    assert {"daemon", "loops-forever", "per-request"} <= set(daemon[5])  # handle(): a handler
    (plain,) = check_case(Case(case.code.replace("daemon = True", "name = 'ticker'")))
    assert "daemon" not in plain[5]


def test_forever_run_loop_is_seen_in_a_sliced_subclass() -> None:
    ((_, _, message, severity, _, flags),) = check_case(
        SUBCLASS_CASES["thread subclass looping forever in run"]
    )
    assert severity == "high"
    assert {"loops-forever", "daemon", "per-call", "accumulates"} <= set(flags)
    assert "Poller.run" in message


# 2. Handle attributes: the methods reading an attribute that can hold a handle stay.
_RUNNER = """
    import os
    import pty
    import subprocess

    class Runner:
        def __init__(self):
            self._procs = []

        # 8 unrelated methods: helper

        def launch(self, cmd):
START

        # 8 unrelated methods: other

        def wait_all(self):
REAP
"""


def runner(start: str, reap: str) -> str:
    return _RUNNER.replace("START", textwrap.indent(start, " " * 12)).replace(
        "REAP", textwrap.indent(reap, " " * 12)
    )


_POPEN = "self._proc = subprocess.Popen(cmd)"
_ALIAS = "p = subprocess.Popen(cmd)\nq = p\nself._child = q"
_LONG_ALIAS = "p = subprocess.Popen(cmd)\nq = p\nr = q\ns = r\nself._child = s"
_APPEND = "p = subprocess.Popen(cmd)\nself._procs.append(p)"
_TUPLE = "self.pid, self.fd = pty.fork()\nif self.pid == 0:\n    os.execv(cmd[0], cmd)"
_MULTILINE = "self._proc = (\n    subprocess.Popen(cmd)\n)"
_BLACK = "self._proc = subprocess.Popen(\n    cmd,\n    stdout=subprocess.PIPE,\n)"
_FAMILY = """
    import subprocess

    class Base:
        def __init__(self):
            self._proc = None

        # 14 unrelated methods: helper

        def stop(self):
            if self._proc is not None:
                REAP


    class Child(Base):
        # 14 unrelated methods: other

        def launch(self, cmd):
            self._proc = subprocess.Popen(cmd)USE
"""
HANDLE_CASES = {
    "attribute waited in another method": Case(
        runner(_POPEN, "self._proc.wait()"), ("def wait_all", "self._proc.wait()")
    ),
    "attribute never waited": Case(runner(_POPEN + "  # leak: FA103", "return None")),
    "through a local alias": Case(runner(_ALIAS, "self._child.wait()"), ("def wait_all",)),
    "through a local alias, never waited": Case(
        runner(_ALIAS.replace("(cmd)", "(cmd)  # leak: FA103"), "return None")
    ),
    "through a chain of four local aliases": Case(
        runner(_LONG_ALIAS, "self._child.wait()"), ("def wait_all",)
    ),
    "appended to a container, waited in a loop": Case(
        runner(_APPEND, "for p in self._procs:\n    p.wait()"), ("def wait_all", "p.wait()")
    ),
    "appended to a container, never waited": Case(
        runner(_APPEND.replace("(cmd)", "(cmd)  # leak: FA103"), "return len(self._procs)")
    ),
    "pty.fork tuple target, waited with waitpid": Case(
        runner(_TUPLE, "os.waitpid(self.pid, 0)"), ("def wait_all",)
    ),
    "pty.fork tuple target, never waited": Case(
        runner(_TUPLE.replace("fork()", "fork()  # leak: FA101"), "return self.fd")
    ),
    "multi-line assignment, waited": Case(
        runner(_MULTILINE, "self._proc.wait()"), ("def wait_all", "self._proc.wait()")
    ),
    "multi-line assignment, never waited": Case(
        runner(_MULTILINE.replace("(cmd)", "(cmd)  # leak: FA103"), "return None")
    ),
    "black-formatted call, communicated": Case(
        runner(_BLACK, "self._proc.communicate()"), ("def wait_all",)
    ),
    "stored by a subclass, reaped by the base's stop()": Case(
        _FAMILY.replace("REAP", "self._proc.wait()").replace("USE", ""),
        ("def stop", "self._proc.wait()", "def launch"),
        ("def helper_5(", "def other_5("),
    ),
    "stored by a subclass, the base's stop() never reaps": Case(
        _FAMILY.replace("REAP", "self._proc = None").replace("USE", "  # leak: FA103"),
        ("def launch",),
        ("def helper_5(", "def other_5("),
    ),
}


@pytest.mark.parametrize("case", list(HANDLE_CASES.values()), ids=list(HANDLE_CASES))
def test_sliced_handle_attribute(case: Case) -> None:
    check_case(case)


# 3. Epydoc fields (`@see:`) in a class docstring are not decorators.
_EPYDOC_BODY = """
            # 12 unrelated methods: helper

            def launch(self, cmd):
                self._proc = subprocess.Popen(cmd)

            def stop(self):
                self._proc.wait()
"""

EPYDOC_CASES = {
    "fields, then the closing quotes on their own line": Case(
        '''
        import subprocess

        class Runner:
            """Runs a command.

            @see: L{other}
            @type cmd: list
            @ivar _proc: the child
            """
            def unrelated(self):
                return 1
        '''
        + _EPYDOC_BODY,
        ("def stop",),
        ("def helper_5(", "def unrelated(", "@see: L{other}"),
    ),
    "a field continued on deeper lines": Case(
        '''
        import subprocess

        class Runner:
            """Runs a command.

            @param cmd: the command,
                continued here
            @type cmd: list
            """

            def unrelated(self):
                return 1
        '''
        + _EPYDOC_BODY,
        ("def stop",),
        ("def helper_5(", "def unrelated(", "@param cmd"),
    ),
    "the closing quotes on the last field, a dropped method right below": Case(
        '''
        import subprocess

        class Runner:
            """Runs a command.

            @see: L{other}
            @type cmd: list"""
            def unrelated(self):
                return 1
        '''
        + _EPYDOC_BODY,
        ("def stop",),
        ("def helper_5(", "def unrelated(", "@see: L{other}"),
    ),
    "fields at column 0 in the module docstring": Case(
        '''
        """Module doc.

        @author: someone
        @license: MIT
        """
        import subprocess

        class Runner:
        '''
        + _EPYDOC_BODY,
        ("def stop",),
        ("@author: someone",),
    ),
}


@pytest.mark.parametrize("case", list(EPYDOC_CASES.values()), ids=list(EPYDOC_CASES))
def test_sliced_epydoc_docstring(case: Case) -> None:
    check_case(case)


def test_epydoc_leak_is_still_found() -> None:
    case = EPYDOC_CASES["fields, then the closing quotes on their own line"]
    code = case.code.replace("self._proc.wait()", "return None").replace(
        "Popen(cmd)", "Popen(cmd)  # leak: FA103"
    )
    check_case(case._replace(code=code, kept=("def launch",)))


# 4. A module helper that always exits, far from the fork whose parent calls it.
_FILLER_FUNCTIONS = "".join(FILLER.format(n=100 + n, m=n % 3) for n in range(6))
_END = """
def end(msg):
    print(msg)
    sys.exit(1)
"""
_DAEMONIZE = """
def daemonize():
    pid = os.fork()MARK
    if pid:
        end("parent done")
    os.setsid()
"""
EXIT_CASES = {
    "helper defined far above": Case(
        "import os\nimport sys\n\n" + _END + _FILLER_FUNCTIONS + _DAEMONIZE.replace("MARK", ""),
        ("def end(", "sys.exit(1)"),
        ("def filler_103(",),
    ),
    "helper defined far below": Case(
        "import os\nimport sys\n\n" + _DAEMONIZE.replace("MARK", "") + _FILLER_FUNCTIONS + _END,
        ("def end(",),
        ("def filler_103(",),
    ),
    "helper that does not exit: a leak": Case(
        "import os\nimport sys\n\n"
        + _END.replace("sys.exit(1)", "return 1")
        + _FILLER_FUNCTIONS
        + _DAEMONIZE.replace("MARK", "  # leak: FA101"),
        (),
        ("def filler_103(",),
    ),
    "helper exiting through another helper": Case(
        "import os\nimport sys\n\n\ndef die():\n    raise SystemExit(2)\n"
        + _FILLER_FUNCTIONS
        + _END.replace("sys.exit(1)", "die()")
        + _FILLER_FUNCTIONS.replace("filler_1", "filler_2")
        + _DAEMONIZE.replace("MARK", ""),
        ("def end(", "def die("),
        ("def filler_103(",),
    ),
}


@pytest.mark.parametrize("case", list(EXIT_CASES.values()), ids=list(EXIT_CASES))
def test_sliced_exiting_helper(case: Case) -> None:
    check_case(case)


# 5. Multi-line decorators, async methods and black-formatted signatures.
_DECORATED = '''
    import asyncio
    import functools
    import subprocess


    def decorator(**kwargs):
        return lambda fn: fn


    class Service:
        def __init__(self):
            self._proc = None

        # 6 unrelated methods: helper

        @decorator(
            arg=1,
            other="x",
        )
        def unrelated_decorated(self, values):
            return [v * 2 for v in values]

        @decorator(
            arg=2,
        )
        @functools.wraps(
            print
        )
        def launch(
            self,
            cmd: list[str],
            *,
            env: dict[str, str] | None = None,
        ) -> None:
            self._proc = subprocess.Popen(cmd, env=env)LEAK1

        # 6 unrelated methods: other

        @decorator(
            arg=3,
        )
        async def unrelated_async(self, values):
            await asyncio.sleep(0)
            return sorted(values)

        async def stop(
            self,
            timeout: float = 1.0,
        ) -> None:
            """Stop the child.

            @type timeout: float
            """
            await asyncio.sleep(timeout)
            if self._proc is not None:
                REAP1

        @property
        def pid(self) -> int:
            return self._proc.pid

        # 4 unrelated methods: more

        async def spawn_async(
            self,
            cmd: list[str],
        ) -> None:
            self._aproc = await asyncio.create_subprocess_exec(*cmd)LEAK2

        @decorator(
            arg=4,
        )
        async def reap_async(self) -> None:
            REAP2
'''
_KEPT_DECORATED = (
    "arg=2,",
    "@functools.wraps(",
    "    ) -> None:\n        self._proc = subprocess.Popen(cmd, env=env)",
    "async def stop(",
    "def pid(",
    "async def spawn_async(",
    "arg=4,",
    "async def reap_async(",
)
_DROPPED_DECORATED = (
    "def helper_5(",
    "def other_5(",
    "arg=1,",
    "def unrelated_decorated(",
    "arg=3,",
    "def unrelated_async(",
)
DECORATED_CASES = {
    "reaped": Case(
        _DECORATED.replace("REAP1", "self._proc.wait()")
        .replace("REAP2", "await self._aproc.wait()")
        .replace("LEAK1", "")
        .replace("LEAK2", ""),
        _KEPT_DECORATED,
        _DROPPED_DECORATED,
    ),
    "never reaped": Case(
        _DECORATED.replace("REAP1", "self._proc.pid")
        .replace("REAP2", "return None")
        .replace("LEAK1", "  # leak: FA103")
        .replace("LEAK2", "  # leak: FA105"),
        _KEPT_DECORATED[:-2],  # reap_async reads no handle attribute any more
        _DROPPED_DECORATED,
    ),
}


@pytest.mark.parametrize("case", list(DECORATED_CASES.values()), ids=list(DECORATED_CASES))
def test_sliced_decorated_and_async_methods(case: Case) -> None:
    check_case(case)


# 6. Module-level code after a class's last method lands in the class chunk: it must stay.
_CONFIG = """
    import multiprocessing
    import subprocess
    import threading

    class Config:
        def __init__(self):
            self.values = {}

        # 14 unrelated methods: helper

        def get(self, key):
            return self.values[key]

"""
TRAILING_CASES = {
    "a start alias imported after a class": Case(
        _CONFIG
        + """
    from subprocess import Popen as P


    def notify(msg):
        P(["notify-send", msg])  # leak: FA103
""",
        ("from subprocess import Popen as P",),
    ),
    "a start alias imported after a class, waited": Case(
        _CONFIG
        + """
    from subprocess import Popen as P


    def notify(msg):
        P(["notify-send", msg]).wait()
""",
        ("from subprocess import Popen as P",),
    ),
    "a module pool after a class, shut down": Case(
        _CONFIG
        + """
    _pool = multiprocessing.Pool(4)


    def submit(job):
        return _pool.apply_async(job)


    def shutdown():
        _pool.close()
        _pool.join()
""",
        ("_pool = multiprocessing.Pool(4)", "def submit(", "def shutdown("),
    ),
    "a module Popen after a class, never waited": Case(
        _CONFIG + '    _server = subprocess.Popen(["server"])  # leak: FA103\n',
        ("_server = subprocess.Popen",),
    ),
    "a module Popen after a class, waited": Case(
        _CONFIG
        + """
    _server = subprocess.Popen(["server"])


    def stop():
        _server.wait()
""",
        ("_server = subprocess.Popen", "def stop("),
    ),
    "a thread started after its own subclass": Case(
        """
        import threading

        class Worker(threading.Thread):
            def __init__(self):
                super().__init__()

            # 14 unrelated methods: helper

            def run(self):
                while True:
                    self.helper_1([1])

        _worker = Worker()  # leak: FA111
        _worker.start()
        """,
        ("_worker = Worker()", "_worker.start()"),
    ),
}


@pytest.mark.parametrize("case", list(TRAILING_CASES.values()), ids=list(TRAILING_CASES))
def test_sliced_module_code_after_a_class(case: Case) -> None:
    check_case(case)


SMALL = {name: textwrap.dedent(code) for name, code in CASES.items()}


@pytest.mark.parametrize("source", list(SMALL.values()), ids=list(SMALL))
def test_compacted_equals_whole(source: str) -> None:
    """A module too small to slice is parsed without its blank and comment-only lines: the
    findings (lines, columns, end lines) are those of the whole file."""
    commented = "\n".join(
        f"{line}\n# a comment line\n\n" if i % 2 and not line.rstrip().endswith("\\") else line
        for i, line in enumerate(source.splitlines())
    )

    def key(slicing: bool) -> list[tuple[int, int, int, str, str, str, str]]:
        result, _ = analyze(commented.encode(), "m.py", PACK.rules, slicing=slicing)
        return [
            (f.line, f.column, f.end_line, f.rule, f.message, f.severity, f.confidence)
            for f in result.findings
        ]

    assert key(True) == key(False)


def test_a_start_name_in_prose_or_passed_as_a_value_is_not_kept() -> None:
    source = big_module(
        """
        import subprocess
        import threading


        def describe():
            return "returns a subprocess.Popen, or None (see Popen)"


        def factory_class():
            return dict(kind=threading.Thread, other=subprocess.Popen)


        class Worker(
            threading.Thread,
        ):
            def run(self):
                while True:
                    pass


        def spawn():
            Worker().start()  # leak
        """
    )
    sliced = slice_source(source, start_pattern(PACK.rules), ("Popen", "Thread"))
    assert sliced is not None
    assert "def describe" not in sliced.text
    assert "def factory_class" not in sliced.text
    assert "class Worker" in sliced.text and "def spawn" in sliced.text
    result, _ = analyze(source.encode(), "m.py", PACK.rules)
    whole, _ = analyze(source.encode(), "m.py", PACK.rules, slicing=False)
    assert [(f.line, f.rule) for f in result.findings] == [(f.line, f.rule) for f in whole.findings]
    assert [f.rule for f in result.findings] == ["FA111"]


# Counterexamples found in review: each once gave sliced != whole.
REVIEW_CASES = {
    "comment between the opening bracket and the start": Case(
        """
        import subprocess

        class Runner:
            def start(self, cmd):
                self._proc = (  # started here
                    # the helper
                    subprocess.Popen(cmd)
                )

            # 12 unrelated methods: helper

            def finish(self):
                self._proc.wait()
        """,
        kept=("def finish",),
    ),
    "a module-level string holding code": Case(
        '''
        import subprocess

        LAUNCHER = """
        import subprocess
        def main():
            subprocess.Popen(['server'])
        """

        HELPER = """
        def helper():
            return 1
        """
        ''',
        dropped=(),
    ),
    "a script filling a module-level list": Case(
        """
        import subprocess

        procs = []
        for name in ("a", "b"):
            procs.append(subprocess.Popen([name]))
        for p in procs:
            p.wait()
        """,
        kept=("p.wait()",),
        dropped=(),
    ),
    "a thread subclass reaping through an inherited helper": Case(
        """
        import threading

        class BaseWorker(threading.Thread):
            def finish(self):
                self.join()

        class W(BaseWorker):
            def run(self):
                while True:
                    pass

            # 12 unrelated methods: helper

            def quit(self):
                self.finish()

        def go():
            w = W()
            w.start()
            w.quit()
        """,
        kept=("def quit",),
    ),
    "an aliased import with no space after the comma": Case(
        """
        from subprocess import PIPE,Popen as P

        def go(cmd):
            P(cmd)  # leak: FA103
        """,
        dropped=(),
    ),
    "a Timer whose interval is a call, its target a forever loop": Case(
        """
        import threading

        def tick():
            while True:
                pass

        def schedule(delay):
            threading.Timer(delay.total_seconds(), tick).start()  # leak: FA111
        """,
        kept=("def tick",),
        dropped=(),
    ),
    "a Thread whose target is positional, over lines": Case(
        """
        import threading

        def loop():
            while True:
                pass

        def go():
            threading.Thread(  # leak: FA111
                None,
                loop,
            ).start()
        """,
        kept=("def loop",),
        dropped=(),
    ),
    "an exit helper through an aliased sys.exit": Case(
        """
        import os
        from sys import exit as bye

        def end(message):
            print(message)
            bye(1)

        def daemonize():
            pid = os.fork()
            if pid:
                end("parent done")
        """,
        kept=("def end",),
        dropped=(),
    ),
    "a module imported inside a helper": Case(
        """
        def _sp():
            import subprocess as sp
            return sp

        def run():
            p = sp.Popen(["x"])  # leak: FA103
        """,
        kept=("def _sp",),
        dropped=(),
    ),
    "a start name shadowed by a local class": Case(
        """
        from subprocess import *

        class Popen:
            pass

        def f():
            Popen(["x"])
        """,
        kept=("class Popen",),
        dropped=(),
    ),
    "lone triple quotes in comments and one-line strings": Case(
        '''
        import threading

        def helper():
            return 1  # strip """ from docs

        def loop():
            while True:
                pass

        def other():
            return "\'\'\'"  # see """ above

        def go():
            threading.Thread(target=loop).start()  # leak: FA111
        ''',
        kept=("def loop",),
        dropped=("def helper",),
    ),
    "a classmethod factory called through the class": Case(
        """
        import subprocess

        class W:
            @classmethod
            def _spawn(cls):
                return subprocess.Popen(["x"])

            # 12 unrelated methods: helper

            def go(self):
                p = W._spawn()  # leak: FA103
        """,
        kept=("def go",),
    ),
    "cleanup registered with atexit joins a class-level list": Case(
        """
        import atexit
        import multiprocessing

        class Pipelines:
            _running = []
            _registered = False

            # 12 unrelated methods: helper

            @classmethod
            def launch(cls, step):
                p = multiprocessing.Process(target=step)
                p.start()
                cls._running.append(p)
                if not cls._registered:
                    cls._registered = True
                    atexit.register(cls._wait_for_all)

            @classmethod
            def _wait_for_all(cls):
                for p in cls._running:
                    p.join()
        """,
        kept=("def _wait_for_all",),
    ),
    # (held10: radical.utils' print_stacktraces, installed for SIGQUIT in DebugHelper.__init__)
    "a function installed as a signal handler by a method of a class": Case(
        """
        import os
        import signal

        def dump_stacks(signum=None, frame=None):
            os.popen("ps -ef").read()  # leak: FA104

        class Helper:
            # 12 unrelated methods: helper

            def __init__(self):
                signal.signal(signal.SIGQUIT, dump_stacks)
        """,
        kept=("signal.signal(signal.SIGQUIT, dump_stacks)",),
    ),
    # (held11: timeout-decorator's _Timeout.__call__ polls `while not self.ready:`)
    "a property a kept method's loop waits on": Case(
        """
        import multiprocessing
        import time

        def _target(queue):
            queue.put(1)

        class Timeout:
            # 12 unrelated methods: helper

            def __call__(self):
                self.queue = multiprocessing.Queue(1)
                self.process = multiprocessing.Process(target=_target, args=(self.queue,))  # leak: FA112
                self.process.start()
                while not self.ready:
                    time.sleep(0.01)
                return self.queue.get()

            @property
            def ready(self):
                return self.queue.full() and not self.queue.empty()
        """,
        kept=("def ready",),
    ),
    # (held12: sopel's `command = {"start": command_start, ...}[action]; command(opts)`)
    "a function called through a dispatch table": Case(
        """
        import os

        def command_start(opts):
            if opts.daemonize:
                child_pid = os.fork()  # leak: FA101
                if child_pid != 0:
                    return

        def command_stop(opts):
            pass

        def main(argv=None):
            opts = parse(argv)
            command = {
                "start": command_start,
                "stop": command_stop,
            }[opts.action]
            return command(opts)
        """,
        kept=("def main",),
    ),
    "a module-level pool started by a method of a class": Case(
        """
        from concurrent.futures import ThreadPoolExecutor

        _POOL = ThreadPoolExecutor(max_workers=8)  # leak: FA115

        class Policy:
            # 12 unrelated methods: helper

            def resolve(self, host):
                return _POOL.submit(lookup, host).result()
        """,
        kept=("def resolve",),
    ),
}


@pytest.mark.parametrize("case", list(REVIEW_CASES.values()), ids=list(REVIEW_CASES))
def test_review_counterexamples(case: Case) -> None:
    check_case(case)


def test_a_start_call_continued_with_a_backslash_is_found() -> None:
    """`subprocess.Popen \\` then `(...)` on the next line: a start for the prefilter, the slicer
    and the engine (reported on the line where the call begins)."""
    source = big_module(
        "import subprocess\n\n\ndef f():\n    subprocess.Popen \\\n        (['x'])\n"
    )
    assert Prefilter(PACK.rules).may_start(source.encode())
    assert findings(source, slicing=True) == findings(source, slicing=False)
    assert [(line, rule) for line, rule, *_ in findings(source, slicing=True)] == [(5, "FA103")]


# Each pass of the slicer on its own (slice_source runs them in this order).


def _state(code: str) -> _Slicing:
    from forkaudit.analysis.slicing import _Starts, _Strings, cut_chunks

    source = textwrap.dedent(code)
    strings = _Strings(source)
    chunks = cut_chunks(source, strings)
    assert chunks is not None
    return _Slicing(source, strings, chunks, _Starts(start_pattern(PACK.rules), NAMES))


def _kept(state: _Slicing) -> list[str]:
    return [c.name or c.text.strip().split("\n")[0] for c in state.chunks if c.keep]


def test_pass_cut_chunks_never_cuts_inside_a_string() -> None:
    from forkaudit.analysis.slicing import _Strings, cut_chunks

    source = 'import os\nDOC = """\ndef not_code():\n    pass\n"""\ndef real():\n    pass\nclass K:\n    pass\n'
    chunks = cut_chunks(source, _Strings(source))
    assert chunks is not None
    assert [c.name for c in chunks if c.name] == ["real", "K"]


def test_pass_keep_anchors_keeps_starts_reapers_and_imports() -> None:
    from forkaudit.analysis.slicing import keep_anchors, widen_starts

    state = _state(
        """
        import subprocess
        def spawn():
            return subprocess.Popen(["x"])
        def reaper():
            os.waitpid(-1, os.WNOHANG)
        def unrelated():
            return 1
        """
    )
    widen_starts(state)
    keep_anchors(state, MODULES)
    assert "spawn" in _kept(state) and "reaper" in _kept(state)
    assert "unrelated" not in _kept(state)


def test_pass_keep_related_keeps_targets_and_exit_helpers() -> None:
    from forkaudit.analysis.slicing import keep_anchors, keep_related, widen_starts

    state = _state(
        """
        import os, threading
        def start():
            threading.Thread(target=loop).start()
            pid = os.fork()
            if pid:
                leave()
        def loop():
            while True:
                pass
        def leave():
            os.abort()
        def unrelated():
            return 1
        """
    )
    steps: tuple[Callable[[_Slicing], object], ...] = (
        widen_starts,
        lambda s: keep_anchors(s, MODULES),
        keep_related,
    )
    for step in steps:
        step(state)
    assert {"start", "loop", "leave"} <= set(_kept(state))
    assert "unrelated" not in _kept(state)


def test_pass_keep_callers_and_callees() -> None:
    from forkaudit.analysis.slicing import keep_anchors, keep_callees, keep_callers, widen_starts

    state = _state(
        """
        import subprocess
        def spawn(cmd):
            p = subprocess.Popen(cmd)
            finish(p)
        def finish(p):
            p.wait()
        def handler(request):
            for cmd in request.cmds:
                spawn(cmd)
        def unrelated():
            return 1
        """
    )
    steps: tuple[Callable[[_Slicing], object], ...] = (
        widen_starts,
        lambda s: keep_anchors(s, MODULES),
        keep_callers,
        keep_callees,
    )
    for step in steps:
        step(state)
    assert {"spawn", "finish", "handler"} <= set(_kept(state))
    assert "unrelated" not in _kept(state)


def test_docstring_bodies_are_left_out_but_f_strings_are_not() -> None:
    """The lines inside a triple-quoted string say nothing to the analysis and cost the parser:
    only its first and last lines stay (the syntax is the same); an f-string's braces hold code,
    so it stays whole."""
    source = module(
        '''
        import subprocess

        def run(cmd):
            """Run it.

            >>> run(["ls"])
            def not_code():
            """
            proc = subprocess.Popen(cmd)  # leak: FA103
            note = f"""{
                cmd
            }"""
            return note
        '''
    )
    text = compact(source).text
    assert '"""Run it.' in text and ">>> run" not in text and "def not_code" not in text
    assert "\n        cmd\n" in text
    assert findings(source, slicing=True) == findings(source, slicing=False)


def test_callers_are_kept_as_far_up_as_the_analysis_weighs_them() -> None:
    """How often a start runs is weighed from its callers, four calls up at most: the function
    holding the fourth call is parsed (a start there is taken as 'per call'), the one above it
    is not; a name in an annotation or a docstring calls nothing."""
    source = module(
        '''
        import subprocess

        def level_0(cmd):
            subprocess.Popen(cmd)  # leak: FA103

        def level_1(cmd):
            level_0(cmd)

        def level_2(cmd):
            level_1(cmd)

        def level_3(cmd):
            level_2(cmd)

        def level_4(cmd):
            level_3(cmd)

        def level_5(cmd):
            level_4(cmd)

        def mentions(cmd: "level_0") -> None:
            """Calls level_0(cmd) in its example only."""
        '''
    )
    text = sliced_text(source)
    assert "def level_4(" in text
    assert "def level_5(" not in text and "def mentions(" not in text
    assert findings(source, slicing=True) == findings(source, slicing=False)


# 9. A module function registered to reap the handle later (weakref.finalize, atexit.register)
# is kept with the code that registers it, wherever it is defined.


def test_sliced_registered_cleanup_function() -> None:
    from test_engine_lifecycle import _REGISTERED

    check_case(
        Case(
            textwrap.dedent(_REGISTERED).replace("# FILLER", _FILLER_FUNCTIONS),
            ("def _cleanup(",),
            ("def filler_103(",),
        )
    )


# 10. A handle attribute read through getattr(self, "name", default), and a loop flag cleared by
# a chained assignment, in a class whose other methods are dropped.
def _getattr_case() -> str:
    from test_engine_lifecycle import _PLAYER

    code = _PLAYER.format(m1="", m2="", attr="_process", chain="self._process = self._stdout")
    return code.replace(
        "\n        def _kill(", "\n        # 6 unrelated methods: helper\n\n        def _kill("
    )


def test_sliced_getattr_reads_and_chained_flag_assignments() -> None:
    check_case(Case(_getattr_case(), ("def _kill(", 'getattr(self, "_process"')))


def test_sliced_endless_helper_called_in_a_try() -> None:
    from test_engine_lifecycle import _SERVE_UNTIL_ERROR

    code = _SERVE_UNTIL_ERROR.format(mark="", tail="").replace(
        "\n    def top(", "\n    # FILLER\n\n    def top("
    )
    check_case(
        Case(
            textwrap.dedent(code).replace("# FILLER", _FILLER_FUNCTIONS),
            ("def capture(",),
            ("def filler_103(",),
        )
    )


def test_a_handle_passed_on_through_parameters_keeps_every_function_it_reaches() -> None:
    """A pool made in the main block is handed to run_checks(), which hands its parameter on to
    run_services(), which uses it: the analysis follows it that deep, so the slice keeps every
    function on the way (the parameters of a function given a handle are handles in it)."""
    check_case(
        Case(
            """
            import multiprocessing.pool

            def helper_5(env):
                return env

            def run_services(env, workers):
                return workers.map(str, env)

            def run_checks(env, workers):
                if not run_services(env, workers):
                    return
                print(env)

            if __name__ == "__main__":
                pool = multiprocessing.pool.Pool(processes=10)  # leak: FA113
                run_checks([1], pool)
            """,
            kept=("def run_services(", "def run_checks("),
        )
    )


def test_a_flag_another_class_sets_is_seen_when_that_class_is_sliced_away() -> None:
    """`self.ps.keep_going = False` in another class's method stops the loop; the slice may
    drop that class, so the flag's setting is read from the whole text (af-t pwnagotchi)."""
    source = module(
        MORE_CASES[
            "a flag another class sets on the object it holds stops its loop (af-t pwnagotchi)"
        ]
    )
    assert findings(source, slicing=True) == findings(source, slicing=False) == []


def test_a_base_class_entry_of_a_subclass_construction_starting_a_thread_is_kept() -> None:
    """A subclass's ``__init__`` starts a chain of timers; the with-block's entry is its base
    class's ``__enter__``, which connects and may fail with the chain running
    (lifecycle._stranded_by_a_failed_construction): the slice keeps that ``__enter__`` too
    (2026-12-06, held16: riemann-client's ``Client.__enter__`` and its
    ``AutoFlushingQueuedClient``, reported only when the whole file was parsed)."""
    source = module(
        """
        import threading


        class Client(object):
            def __init__(self, transport):
                self.transport = transport

            def __enter__(self):
                self.transport.connect()
                return self

            def __exit__(self, exc_type, exc_value, traceback):
                self.transport.disconnect()

            # 12 unrelated methods: helper


        class AutoFlushingClient(Client):
            def __init__(self, transport, delay=0.5):
                super().__init__(transport)
                self.delay = delay
                self.timer = None
                self.start_timer()

            def flush(self):
                self.transport.send()
                self.start_timer()

            def start_timer(self):
                if self.timer:
                    self.timer.cancel()
                self.timer = threading.Timer(self.delay, self.flush)
                self.timer.daemon = True
                self.timer.start()

            def stop_timer(self):
                self.timer.cancel()
        """
    )
    assert findings(source, slicing=True) == findings(source, slicing=False)
    assert "def __enter__" in sliced_text(source)


@pytest.mark.parametrize("registry", ["REGISTRY = {}", "REGISTRY: dict = {}", "REGISTRY = dict()"])
def test_a_module_registry_filled_with_handles_keeps_what_takes_them_out(registry: str) -> None:
    """A module-level container (a dict display too) that a kept function stores handles in
    (``REGISTRY[id_] = thread``): every chunk naming it stays, the one taking an element out
    and cancelling it among them (held20: AppMetrics' ``remove()`` was cut, and the sliced
    analysis reported a high that the whole file does not)."""
    source = module(
        f"""
        import threading
        import uuid

        {registry}

        # 6 unrelated methods: helper


        def register(callback, interval):
            thread = Ticker(interval, callback)
            id_ = str(uuid.uuid4())
            REGISTRY[id_] = thread
            thread.start()
            return id_


        def remove(id_):
            thread = REGISTRY.pop(id_, None)
            if thread is not None:
                thread.cancel()
            return thread


        class Ticker(threading.Thread):
            def __init__(self, interval, callback):
                super().__init__(daemon=True)
                self.interval = interval
                self.callback = callback
                self._event = threading.Event()

            def run(self):
                while not self._event.wait(self.interval):
                    self.callback()

            def cancel(self):
                self._event.set()
        """
    )
    assert findings(source, slicing=True) == findings(source, slicing=False)
    assert "def remove(" in sliced_text(source)


def test_a_static_method_of_another_class_holding_a_start_keeps_its_callers() -> None:
    """``RadioManager.open(0)`` in a method of another class calls a static method holding
    a start: the analysis follows it to weigh how often the start runs, so the slice keeps
    that caller in a class kept for a start of its own (held19: cflib's ``scan_interface()``
    was cut, and the sliced analysis said "once per object" where the whole file says "on
    every call of scan_interface()")."""
    source = module(
        """
        import threading


        class Shared(threading.Thread):
            def __init__(self, devid):
                super().__init__(daemon=True)
                self.devid = devid
                self.start()

            def run(self):
                while True:
                    self.poll()

            def poll(self):
                pass


        class Manager:
            _radios = []

            @staticmethod
            def open(devid):
                shared = Shared(devid)
                Manager._radios.append(shared)
                return shared


        class Driver:
            def __init__(self):
                self._radio = None
                self._io = threading.Thread(target=print, daemon=True)
                self._io.start()

            def connect(self, devid):
                if self._radio is None:
                    self._radio = Manager.open(devid)

            # 12 unrelated methods: helper

            def scan(self):
                radio = Manager.open(0)
                return radio.devid

            def close(self):
                self._radio = None
        """
    )
    assert findings(source, slicing=True) == findings(source, slicing=False)
    assert "def scan(" in sliced_text(source)


def test_a_nested_class_first_is_not_the_class_body() -> None:
    """The class body's methods are those at its shallowest indentation: a nested class coming
    first (``class _Client:`` and its methods) does not make its methods the class's, whose
    own would then all fall in the span of its last one and be kept or cut together."""
    methods = "".join(
        f"\n    def unrelated_{n}(self, value):\n        return str(value) * {n}\n"
        for n in range(60)
    )
    source = (
        "import threading\n\n\nclass Server:\n    class _Client:\n"
        "        def request(self, *args):\n            return args\n"
        + methods
        + "\n    def serve(self):\n        threading.Thread(target=self.loop).start()\n"
        "\n    def loop(self):\n        while True:\n            pass\n"
    )
    sliced = slice_source(source, start_pattern(PACK.rules), ("Thread",))
    assert sliced is not None
    parse(sliced.text)
    assert "def serve(self)" in sliced.text and "def loop(self)" in sliced.text
    assert "def unrelated_7(" not in sliced.text


def test_a_module_handle_bound_below_a_def_keeps_its_users() -> None:
    """Module-level code after a function's body shares its chunk (``if FAST: _pool =
    ThreadPoolExecutor()`` below a def): the name it binds is a module-wide handle all the
    same, and the methods using it (``_pool.submit``) are kept."""
    methods = "".join(
        f"\n    def unrelated_{n}(self, value):\n        return str(value) * {n}\n"
        for n in range(60)
    )
    source = (
        "import os\n\n\ndef _close(fd):\n    os.close(fd)\n\n\n_pool = None\nif os.cpu_count():\n"
        "    from concurrent.futures import ThreadPoolExecutor\n\n"
        "    _pool = ThreadPoolExecutor(max_workers=4)\n\n\nclass Client:"
        + methods
        + "\n    def parse(self, data):\n        _pool.submit(len, data)\n"
    )
    sliced = slice_source(source, start_pattern(PACK.rules), ("ThreadPoolExecutor",))
    assert sliced is not None
    parse(sliced.text)
    assert "def parse(self, data)" in sliced.text
    assert "def unrelated_7(" not in sliced.text


def test_the_del_of_a_class_holding_a_start_is_kept() -> None:
    """A class that is no thread but starts one keeps its ``__del__`` in the slice: whether the
    object's collection would stop the thread decides what pinning the object with atexit costs
    (held35: jsii's node process, reported whole and not sliced)."""
    methods = "".join(
        f"\n    def unrelated_{n}(self, value):\n        return str(value) * {n}\n"
        for n in range(60)
    )
    source = (
        textwrap.dedent(
            """
        import atexit
        import threading


        def sink(stream):
            for line in stream:
                print(line)


        class NodeProcess:
            def __init__(self, stream):
                self.stream = stream

            def __del__(self):
                self.stop()
        """
        )
        + methods
        + textwrap.indent(
            textwrap.dedent(
                """
            def start(self):
                self.sink_thread = threading.Thread(target=sink, args=(self.stream,))
                self.sink_thread.start()
                atexit.register(self.stop)

            def stop(self):
                atexit.unregister(self.stop)
                self.sink_thread.join()
            """
            ),
            "    ",
        )
        + "\n\ndef provide(stream):\n    process = NodeProcess(stream)\n    process.start()\n    return process\n"
    )
    whole = findings(source, slicing=False)
    assert whole, "the fixture must give a finding"
    assert findings(source, slicing=True) == whole


def test_a_method_called_through_a_module_object_keeps_its_callers() -> None:
    """`config.load(models)` calls the method of a kept class from a module-level object: its
    callers weigh how often the start the method reaches runs (a per-call `_lifespan()` beside
    `initialize()`, which sets the module up once), as the callers of a function do. The
    slice keeps them, so its count is the whole file's."""
    check_case(
        Case(
            """
            import subprocess

            def run_server():
                subprocess.Popen(["server"])  # leak: FA103

            class Config:
                # 12 unrelated methods: helper
                def load(self, models):
                    for model in models:
                        if model.local:
                            run_server()

            config = Config()

            def _lifespan(app):
                config.load(app.models)

            def initialize(models):
                config.load(models)
            """,
            kept=("def _lifespan(",),
        )
    )


def test_a_handle_from_an_annotated_factory_call_keeps_the_method_given_it() -> None:
    """`process: Final = self._spawn()` binds the handle the factory method returns as a plain
    assignment does: the method it is handed to (`self._wait_ready(process)`, which only polls
    it, and whose answer sends `start()` out with it unwaited) decides what happens to it, so
    the slice keeps it."""
    check_case(
        Case(
            """
            import subprocess
            import threading
            import time
            from typing import Final

            class Server:
                # 12 unrelated methods: helper
                def __init__(self, argv):
                    self.argv = argv
                    self._process = None
                    self._stopping = threading.Event()

                def _spawn(self):
                    if self._stopping.is_set():
                        return None
                    process: Final = subprocess.Popen(self.argv)
                    self._process = process
                    return process

                def _wait_ready(self, process):
                    deadline = time.monotonic() + 5
                    while time.monotonic() < deadline:
                        if process.poll() is not None:
                            return "exited"
                        time.sleep(0.1)
                    return "not listening"

                def start(self):
                    process: Final = self._spawn()  # leak: FA103
                    if process is None:
                        return "stopped"
                    not_ready: Final = self._wait_ready(process)
                    if not_ready is not None:
                        self.stop()
                        return not_ready
                    self._watch(process)
                    return None

                def _watch(self, process):
                    threading.Thread(target=self._supervise, args=(process,), daemon=True).start()

                def _supervise(self, process):
                    process.wait()

                def stop(self):
                    self._stopping.set()
                    if self._process is not None:
                        self._process.terminate()
            """,
            kept=("def _wait_ready(",),
        )
    )
