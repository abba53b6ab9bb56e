"""A stop in the handler that renews a thread, before the new one is stored (``except
BrokenConnection: self.getter.exit(); self.getter = XGetter()``), acts on the one stored
before: it retires that one and says nothing of the new one. It is no "stopped only in an
``except``" of the handle stored there (2026-12-07, held23: klembord's XSelection.get() was
ranked first for a high "on every call of get()"; the reader found one getter thread per
object, each renewal stopping the last)."""

from __future__ import annotations

from tests.builders import analysed, line_of

SELECTION = """\
import threading


class Getter(threading.Thread):
    def __init__(self):
        super().__init__(daemon=True)
        self._break = False
        self.start()

    def run(self):
        while True:
            if self._break:
                break
            self.poll()

    def exit(self):
        self._break = True


class Selection:
    def __init__(self):
        self.getter = Getter()

    def get(self, targets):
        try:
            return self.getter.get(targets)
        except BrokenPipeError:
            {renew}
            self.getter = Getter()
            return self.get(targets)
"""


_RENEWED = line_of(SELECTION, "            self.getter = Getter()")


def _findings(code: str) -> list[tuple[int, str, str]]:
    return [(f.line, f.severity, f.message) for f in analysed(code, "sel.py")]


def test_a_renewal_stopping_the_last_one_keeps_one_per_object() -> None:
    found = _findings(SELECTION.format(renew="self.getter.exit()"))
    assert found, found
    assert all(severity != "high" for _, severity, _ in found), found
    renewed = [message for line, _, message in found if line == _RENEWED]
    assert renewed and "before it stores another" in renewed[0], found


def test_a_renewal_dropping_the_last_one_running_piles_up() -> None:
    found = _findings(SELECTION.format(renew="pass"))
    assert [severity for line, severity, _ in found if line == _RENEWED] == ["high"], found
