"""A module that is Python 2 code cannot be imported by any Python 3: the import raises
SyntaxError and none of its code runs (2026-12-07, held17: pywatch's ``__init__`` holds ``print
"..."`` statements, so its ``watcher`` module, Python 3 itself, was ranked fourth for a thread it
can never start; pushy is Python 2 throughout). The engine still analyses the statements that
parse (a file Python 2 in a few places), and in an environment of Python 3 its findings are
lowered as not importable, the Python 2 form and its line told (files checked may be a Python 2
project's, and keep theirs); so are those of a module whose package ``__init__``, or a
module it opens by importing, is Python 2. Only forms no Python 3 compiles count (a print or
exec statement, a tuple parameter, tabs mixed with spaces, ``raise E, "x"``, backquotes,
``0777``; not ``except E, e:``, which Python 3.14 reads as two exception types): a file CPython parses
is never one, whatever libcst makes of it. Checked against the target interpreter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.analysis.python2 import python2_code
from forkaudit.importable import NOT_IMPORTABLE
from forkaudit.rules import load_rules
from tests.builders import import_in, make_wheel, run_cli
from tests.conftest import BuiltVenv, VenvFactory
from tests.test_not_importable import LEAK as THREAD_LEAK

# a thread started on every call and never joined, its target looping for good: high
LEAK = "\n\nimport threading\n" + THREAD_LEAK

FILES = {
    # Python 2 in the module itself: a print statement (its function still analysed)
    "oldpkg/__init__.py": "",
    "oldpkg/printer.py": LEAK + '\n\ndef usage():\n    print "usage: pump HOST"\n',
    # ... a tuple parameter (an `except E, e:` clause alone is Python 3.14's too, PEP 758)
    "oldpkg/clauses.py": LEAK + "\n\ndef area((width, height)):\n    return width * height\n",
    # a Python 3 module in a package whose __init__ is Python 2
    "py2init/__init__.py": 'VERSION = "1"\nprint "py2init %s" % VERSION\n',
    "py2init/watcher.py": LEAK,
    # a Python 3 module opening with the import of a Python 2 module of its package
    "chain2/__init__.py": "",
    "chain2/legacy.py": "def hello():\n    exec 'x = 1'\n",
    "chain2/server.py": "from chain2 import legacy\n" + LEAK,
    # Python 3 throughout, `print` as a name and a function: kept
    "newpkg/__init__.py": "print_ = print\nprint('ready')\n",
    "newpkg/server.py": LEAK,
}
LOWERED = {
    "oldpkg/printer.py": '`print "usage: pump HOST"` at line 17',
    "oldpkg/clauses.py": "`def area((width, height)):` at line 16",
    "py2init/watcher.py": '`print "py2init %s" % VERSION` at line 2',
    "chain2/server.py": "`exec 'x = 1'` at line 2",
}
KEPT = ("newpkg/server.py",)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, venv_factory: VenvFactory) -> BuiltVenv:
    wheels = tmp_path_factory.mktemp("wheels")
    make_wheel(wheels, "olds", "1.0", FILES)
    return venv_factory(wheels, install=["olds"], name="olds")


def test_findings_in_python2_modules_are_lowered_as_not_importable(
    built: BuiltVenv, tmp_path: Path
) -> None:
    result = run_cli(
        ["scan", str(built.venv), "--format", "json", "--no-cache"],
        cwd=tmp_path,
        env={"XDG_CACHE_HOME": str(tmp_path / "cache")},
    )
    assert result.returncode in (0, 1), result.stderr
    found = {str(f["path"]): f for f in json.loads(result.stdout)["findings"]}
    assert set(found) == set(LOWERED) | set(KEPT), sorted(found)
    for path, form in LOWERED.items():
        finding = found[path]
        assert finding["severity"] == "low", finding
        assert NOT_IMPORTABLE in finding["flags"], finding
        assert form in str(finding["message"]), finding["message"]
        assert "no Python 3 can import" in str(finding["message"]), finding["message"]
    for path in KEPT:
        assert found[path]["severity"] == "high", found[path]


def test_at_run_time_exactly_the_lowered_modules_fail_to_import(built: BuiltVenv) -> None:
    for path in [*LOWERED, *KEPT]:
        imported = import_in(built.venv, path)
        if path in LOWERED:
            assert b"SyntaxError" in imported.stderr, (path, imported.stderr)
        else:
            assert imported.returncode == 0, (path, imported.stderr)


def test_check_keeps_a_python2_files_findings(tmp_path: Path) -> None:
    """Files checked may be a Python 2 project's, run by a Python 2: analysed as they are."""
    (tmp_path / "old.py").write_text(FILES["oldpkg/printer.py"])
    result = run_cli(["check", str(tmp_path / "old.py"), "--format", "json"], cwd=tmp_path)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["severity"] == "high" and NOT_IMPORTABLE not in finding["flags"], finding


@pytest.mark.parametrize(
    ("code", "form"),
    [
        (b'print "x"\n', '`print "x"` at line 1'),
        (b"def f():\n    exec code in ns\n", "`exec code in ns` at line 2"),
        # after a colon (slicediff, held17: pywatch)
        (b"def f(v):\n    if v: print 'changed'\n", "`if v: print 'changed'` at line 2"),
        (b"def f(a, (b, c)):\n    return a\n", "`def f(a, (b, c)):` at line 1"),
        # tabs and spaces mixed, as Python 2 let them be
        (b"if x:\n        y = 1\n\tz = 2\n", "`z = 2` at line 3"),
        # a coding cookie CPython reads
        (b"# -*- coding: latin-1 -*-\nname = '\xe9'\nprint name\n", "`print name` at line 3"),
        # Python 3.14 reads it as two exception types (PEP 758)
        (b"try:\n    pass\nexcept E, e:\n    pass\n", ""),
        # Python 3: a print function, `print` as a name, a `>>` expression
        (b"print('x')\n", ""),
        (b"print = log\n", ""),
        (b"def f():\n    print >>sys.stderr, 'x'\n", ""),
        # a Python 3 file with an error of its own is no Python 2 code
        (b"def f(:\n    print('x')\n", ""),
    ],
)
def test_python2_code_is_told_by_cpythons_own_parser(code: bytes, form: str) -> None:
    assert python2_code(code) == form


def test_the_whole_text_is_looked_at_though_the_slice_leaves_the_python2_part_out() -> None:
    """close() starts nothing: the slice analysed leaves it out and parses, and the module is
    still Python 2."""
    # (a file this long is sliced: a short one is parsed whole)
    padding = '"""' + "A module.\n" * 400 + '"""\n'
    code = padding + FILES["oldpkg/clauses.py"]
    result = analyze_source(code.encode(), "c.py", load_rules().rules)
    assert result.error is None
    assert result.python2 == "`def area((width, height)):` at line 417"


# The cheap look before CPython's parser is asked: each Python 2 form found by the word it starts
# with, what comes before it on its line checked after. Held against the one regex it replaced
# (tried at every byte: ten times slower over an environment's files), on lines of each form,
# of forms that only look like one, and at the start and end of a file.
_ONE_REGEX = (
    r"(?:^[ \t]*|:[ \t]*)(?:print[ \t]+[^\s(=.,)\]]|exec[ \t]+[\"'\w])"
    r"|^[ \t]*def[ \t]+\w+[ \t]*\([^)\n]*\([^)\n]*,|^ *\t"
)
_LOOKS = [
    'print "x"\n',
    '    print >>sys.stderr, "x"\n',
    "if x: print y\n",
    "if x:print y\n",
    'exec "code" in ns\n',
    "else:  exec code\n",
    "def area((w, h)):\n",
    "    def f(a=g(b, c)):\n",
    "\tx = 1\n",
    "if x:\n  \ty = 1\n",
    "x = 1\n\ty = 2",
]
_LOOKS_NOT = [
    "print(x)\n",
    "print = 3\n",
    "x print y\n",
    "myprint y\n",
    "reprint y\n",
    "foo.print y\n",
    "exec(code)\n",
    "x = exec 'a'\n",
    "def f(a, b):\n",
    "x = def f((a, b)):\n",
    "x = 1  \t# a tab after code\n",
    "s = 'a:'; z\n",
]


@pytest.mark.parametrize("line", _LOOKS + _LOOKS_NOT)
@pytest.mark.parametrize("where", ["alone", "after", "before"])
def test_the_cheap_look_is_the_one_regex(line: str, where: str) -> None:
    import re

    from forkaudit.analysis import python2

    text = {"alone": line, "after": "import os\nx = 1\n" + line, "before": line + "y = 2\n"}[where]
    expected = bool(re.compile(_ONE_REGEX, re.MULTILINE).search(text))
    assert expected == (line in _LOOKS) or where != "alone"
    assert python2._looks_python2(text) == expected
    data = text.encode()
    assert python2._looks_python2(data) == expected


def test_a_long_line_of_near_misses_is_read_once() -> None:
    """What comes before a match is read back over blanks only, not to the line's start: the
    answer on a long line of `x print y` (none of them at a line's start) is the regex's."""
    import re

    from forkaudit.analysis import python2

    line = "x = '" + "a print b  exec c " * 20_000 + "'\n"
    for text in (line, line + "if x: print y\n", line + "  \tz = 1\n"):
        expected = bool(re.compile(_ONE_REGEX, re.MULTILINE).search(text))
        assert python2._looks_python2(text) == expected
        data = text.encode()
        assert python2._looks_python2(data) == expected
