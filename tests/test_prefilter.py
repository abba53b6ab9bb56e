"""The bytes prefilter: which files can hold a start site and must reach the parser."""

from __future__ import annotations

import pytest

from forkaudit.analysis.engine import analyze
from forkaudit.analysis.prefilter import Prefilter
from forkaudit.rules import load_rules

PACK = load_rules()
FILTER = Prefilter(PACK.rules)

CANDIDATES = {
    "direct import": "import subprocess\n\ndef f():\n    subprocess.Popen(['x'])\n",
    "from import": "from subprocess import Popen\n\ndef f():\n    Popen(['x'])\n",
    "aliased module": "import subprocess as sp\n\ndef f():\n    sp.Popen(['x'])\n",
    "aliased name": "from subprocess import Popen as P\n",
    "context": "import multiprocessing as mp\n\ndef f():\n    mp.get_context('spawn').Process(target=g).start()\n",
    "thread subclass": "import threading\n\nclass W(threading.Thread):\n    pass\n",
    "fork": "import os\n\ndef f():\n    os.fork()\n",
    "import inside a function": "def f():\n    import subprocess\n    subprocess.Popen(['x'])\n",
    "continued import line": "from os \\\n    import fork\n\ndef f():\n    fork()\n",
    "crlf continued import": "from os \\\r\n    import fork\r\n\r\ndef f():\r\n    fork()\r\n",
    "module on the line after a continued import": (
        "import os, sys, \\\n    subprocess\n\ndef f():\n    subprocess.Popen(['x'])\n"
    ),
    "several modules on one line": "import sys, subprocess\n\ndef f():\n    subprocess.Popen(['x'])\n",
    "import_module": "sp = importlib.import_module('subprocess')\n\ndef f():\n    sp.Popen(['x'])\n",
    "subclass of two bases": "import threading\n\nclass W(Base, threading.Thread):\n    pass\n",
    "call on a continued line": (
        "import subprocess\n\ndef f():\n    return run(\n        subprocess.Popen(['x']))\n"
    ),
    "call after code on its line": "import os\n\ndef f():\n    x = 1; os.fork()\n",
    # the name is bound where the engine may follow it to the start
    "name assigned from its module": (
        "import threading\nTimer = threading.Timer\n\ndef f():\n    Timer(1, g).start()\n"
    ),
    "star import": "from threading import *\n\ndef f():\n    Thread(target=g).start()\n",
    "imported in parentheses": (
        "from threading import (\n    Lock,\n    Thread,\n)\n\ndef f():\n    Thread(target=g).start()\n"
    ),
    "fallback import": (
        "try:\n    from subprocess32 import Popen\nexcept ImportError:\n"
        "    from subprocess import Popen\n\ndef f():\n    Popen(['x'])\n"
    ),
    "a comment with a parenthesis in an import list": (
        "from subprocess import (\n    PIPE,  # pipes (stdout)\n    Popen,\n)\n\n"
        "def f():\n    Popen(['x'])\n"
    ),
    "two imports on one line": (
        "from shlex import quote; from subprocess import Popen\n\ndef f():\n    Popen(['x'])\n"
    ),
    "attribute call split across lines, after a comment": (
        "import subprocess\n\ndef f(cmd):\n    return (subprocess.  # c\n        Popen(cmd))\n"
    ),
    "attribute call split across lines": (
        "import subprocess\n\ndef f(cmd):\n    return (subprocess.\n        Popen(cmd))\n"
    ),
    "old Mac line endings": "#!/usr/bin/env python\rimport os\rdef f():\r    os.fork()\r",
    "context of a module": (
        "import multiprocessing\nctx = multiprocessing.get_context()\n\n"
        "def f():\n    ctx.Process(target=g).start()\n"
    ),
}
NOT_CANDIDATES = {
    "no start name": "def f():\n    return open('x')\n",
    "name without call syntax": "# a Popen object is what we return\nx = 1\n",
    "part of a longer word": "def f():\n    return MyPopen(1)\n",
    # `Popen(` here is this package's own class: the engine resolves it to `.compat.Popen`,
    # never to subprocess.Popen, since nothing in the file names the subprocess module.
    "start name, its module never named": "from .compat import Popen\n\ndef f():\n    Popen(['x'])\n",
    # the module is named in prose only: no import the engine could resolve `Popen` through
    "module named in a comment": (
        "# wraps subprocess\nfrom .compat import Popen\n\ndef f():\n    Popen(['x'])\n"
    ),
    "module named in a string": (
        "from .compat import Popen\n\ndef f():\n    Popen(['x'])\n    log('subprocess started')\n"
    ),
    "Pool of another library": "from redis import ConnectionPool, Pool\n\ndef f():\n    Pool(1)\n",
    # text, not code: a comment's line, a doctest in a docstring
    "call on a comment line": (
        "import subprocess\n\ndef f():\n    # subprocess.Popen(['x']) would leak\n    return 1\n"
    ),
    "call in a doctest": (
        'import subprocess\n\ndef f():\n    """Run it.\n\n    >>> subprocess.Popen([\'x\'])\n'
        '    ... Popen([\'y\'])\n    """\n'
    ),
    # imported in a list, passed as a value: nothing is started there
    "imported beside other names": "from threading import Thread, Lock\n\nLOCK = Lock()\n",
    "passed as a value": (
        "import threading\n\ndef f(t):\n    return isinstance(t, (threading.Thread, int))\n"
    ),
    # a function or class of that name is defined, not called
    "function of that name defined": "import subprocess\n\ndef Popen(cmd):\n    return cmd\n",
    "class of that name defined": "import threading\n\nclass Timer(object):\n    pass\n",
    # the name can only come from another module than the start's
    "name imported from another module": (
        "import threading\nfrom kafka.util import Timer\n\ndef f():\n    Timer(5).wait()\n"
    ),
    "name of another module": (
        "import multiprocessing\nimport psutil\n\ndef f():\n    return psutil.Process(1)\n"
    ),
    "named in a docstring only": 'import os\n\ndef f():\n    """Safe across fork() in a child."""\n',
    # an import list never closed (commented out): read at once, not by backtracking
    "an unclosed import list": (
        "import subprocess\n# from foo import (\n" + "#   a\n" * 40 + "x = Popen\n"
    ),
}


@pytest.mark.parametrize("code", list(CANDIDATES.values()), ids=list(CANDIDATES))
def test_candidates_pass(code: str) -> None:
    assert FILTER.may_start(code.encode())


@pytest.mark.parametrize("code", list(NOT_CANDIDATES.values()), ids=list(NOT_CANDIDATES))
def test_non_candidates_are_dropped_and_hold_no_finding(code: str) -> None:
    assert not FILTER.may_start(code.encode())
    # what the prefilter drops, the engine would not have reported anyway
    result, _ = analyze(code.encode(), "m.py", PACK.rules)
    assert result.findings == ()


def test_distribution_names_need_no_module() -> None:
    code = b"from .workers import Watcher\n\ndef f():\n    Watcher().start()\n"
    assert not FILTER.may_start(code)
    assert Prefilter(PACK.rules, ["Watcher"]).may_start(code)
    # a subclass named like a built-in start still counts as the distribution's own
    assert Prefilter((), ["Thread"]).may_start(b"from .base import Thread\nThread().start()\n")


def test_every_rule_example_that_leaks_passes() -> None:
    for rule in PACK.rules:
        for example in rule.examples:
            if example.leak:
                assert FILTER.may_start(example.code.encode()), (rule.id, example.code)


def test_every_engine_case_with_a_leak_passes() -> None:
    """Every module of the engine's behaviour cases that holds a leak reaches the parser."""
    from test_engine_lifecycle import CASES, MARK, MORE_CASES

    for name, code in {**CASES, **MORE_CASES}.items():
        if any(MARK.search(line) for line in code.splitlines()):
            assert FILTER.may_start(code.encode()), name
