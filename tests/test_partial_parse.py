"""A file that is Python 2 in places is analysed as fully as it can be: the Python 2 forms with a
Python 3 spelling of the same meaning are read in that spelling, a simple statement that has none
is left out alone (not its whole function), and only what still does not parse goes with its
function. The error entry says what was done."""

from __future__ import annotations

import textwrap

from forkaudit.analysis.engine import analyze_source
from forkaudit.model import FileResult
from forkaudit.rules import load_rules

RULES = load_rules().rules


def _result(code: str) -> FileResult:
    return analyze_source(textwrap.dedent(code).lstrip().encode(), "old.py", RULES)


def test_python2_clauses_and_tokens_are_read_in_their_python3_spelling() -> None:
    code = """
        import os
        def handle(conn):
            try:
                os.chmod(conn.path, 0755)
            except OSError, e:
                raise IOError, "cannot chmod %s" % `e`
            if conn.size <> 10L:
                pid = os.fork()
            return conn
    """
    result = _result(code)
    assert {f.line for f in result.findings} == {8}
    assert result.error is not None
    reason = result.error.reason
    assert "read 4 Python 2 lines as Python 3 (lines 4, 5, 6, 7)" in reason
    assert "left out" not in reason


def test_a_print_statement_is_left_out_alone_even_over_several_lines() -> None:
    code = '''
        import os, threading
        def serve(sock):
            while True:
                print "serving", \\
                      sock
                conn = sock.accept()
                threading.Thread(target=conn.run).start()
                pid = os.fork()
        def usage():
            raise SystemExit, """usage:
        serve PORT"""
    '''
    result = _result(code)
    assert 8 in {f.line for f in result.findings}
    assert result.error is not None
    assert "left out the statement at line 4" in result.error.reason
    assert "serve()" not in result.error.reason


def test_a_block_header_in_python2_still_drops_its_function_only() -> None:
    code = """
        import os
        def old():
            exec "x = 1" in globals()
            for k, v in d.iteritems(): print k, v
        def handle(conn):
            pid = os.fork()
            return conn
    """
    result = _result(code)
    assert {f.line for f in result.findings} == {6}
    assert result.error is not None
    assert "partly parsed" in result.error.reason


def test_strings_and_comments_are_not_respelled() -> None:
    code = """
        import os
        def handle(conn):
            log("mode 0755, size 10L, a <> b")  # 0644 `x`
            print "go"
            pid = os.fork()
            return conn
    """
    result = _result(code)
    assert {f.line for f in result.findings} == {5}
    assert result.error is not None
    assert "read" not in result.error.reason.split(";")[1]
