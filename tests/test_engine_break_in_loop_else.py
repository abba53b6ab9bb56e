"""A ``break`` in a loop's ``else:`` clause leaves the loop around it: the ``else`` runs after
the inner loop ended without a ``break`` of its own, so ``while 1: for step in steps: ...
else: break`` ends the ``while`` once every step ran (2026-12-07, held28: litecli's completion
refresher thread was taken to loop forever and ranked first, a false high). A ``break`` in the
inner loop's body leaves only the inner loop, as before."""

from __future__ import annotations

from tests.builders import analysed

REFRESHER = """\
import threading


class Refresher:
    def __init__(self):
        self._thread = None
        self._restart = threading.Event()
        self.steps = []

    def refresh(self):
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while 1:
            for step in self.steps:
                step()
                if self._restart.is_set():
                    self._restart.clear()
                    break
            else:
                {else_}
            continue
"""


def _messages(else_: str) -> list[str]:
    return [f.message for f in analysed(REFRESHER.format(else_=else_), "refresher.py")]


def test_a_break_in_the_inner_loops_else_ends_the_thread() -> None:
    assert not any("no exit" in m for m in _messages("break")), _messages("break")


def test_without_it_the_loop_still_has_no_exit() -> None:
    """The inner loop's own ``break`` only restarts the pass: with ``else: pass`` the thread
    runs forever, started per call."""
    messages = _messages("pass")
    assert any("no exit" in m for m in messages), messages


def test_the_principle_at_run_time() -> None:
    """The thread of the reported shape really ends once its steps ran."""
    namespace: dict[str, object] = {}
    exec(REFRESHER.format(else_="break"), namespace)
    refresher = namespace["Refresher"]()  # type: ignore[operator]
    done: list[int] = []
    refresher.steps = [lambda: done.append(1), lambda: done.append(2)]
    refresher.refresh()
    refresher._thread.join(5)
    assert not refresher._thread.is_alive()
    assert done == [1, 2]
