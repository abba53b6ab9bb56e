"""A thread (or process) is only there once started: where every ``start()`` of a handle is
seen in the function (or script) that makes it, a path that never starts it leaves nothing to
join (2026-12-05). ``P = Proc(); if dump: print(P.info()) else: P.start(); P.join()`` joins
every thread it starts. A start on every path with a join on some still leaks.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PROC = """\
import sys
import threading


class Proc(threading.Thread):
    def run(self):
        while True:
            self.gather()

    def gather(self):
        pass


"""

PROBES = {
    "started_and_joined_on_one_branch": PROC
    + """\
if __name__ == "__main__":
    P = Proc()  # expect: ok
    if sys.argv[1] == "dump":
        print(P.name)
    elif sys.argv[1] == "list":
        print("list")
    else:
        P.start()
        P.join()
""",
    "started_on_every_path_joined_on_one": PROC
    + """\
def main(mode):
    p = Proc()  # expect: leak
    p.start()
    if mode == "wait":
        p.join()
""",
    "started_on_one_path_joined_on_another": PROC
    + """\
def main(mode):
    p = Proc()  # expect: leak
    if mode:
        p.start()
    if mode == 2:
        p.join()
""",
    "started_in_a_loop": PROC
    + """\
def main(modes):
    p = Proc()  # expect: leak
    for mode in modes:
        if mode:
            p.start()
            break
    if modes == [2]:
        p.join()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])
