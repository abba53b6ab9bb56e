"""A timer chain whose link keeps its own cancel on the object (``timer = Timer(10,
self._save); timer.start(); self._cancel_save = timer.cancel``, pymysensors' persistence,
held20) is stopped by a method calling that cancel, but for a stop landing while a link runs:
as the RepeatedTimer recipe kept on the object is. Entered once per object, or by a public
method (how a periodic task is begun), that race is all that is left; entered on every pass
of a loop, each pass starts one more chain. A kept cancel nothing calls stops nothing: a
runaway chain."""

from __future__ import annotations

from tests.builders import analysed

GATEWAY = """\
import threading


class Gateway:
    def __init__(self):
        self._cancel_save = None
{entry}

    def _schedule_save(self):
        self.save()
        timer = threading.Timer(10.0, self._schedule_save)
        timer.start()
        self._cancel_save = timer.cancel

{stop}
    def save(self):
        pass
"""

ONCE = "        self._schedule_save()\n"
PER_CALL = "\n    def start_saving(self):\n        self._schedule_save()\n"
STOP = (
    "    def stop(self):\n"
    "        if self._cancel_save is not None:\n"
    "            self._cancel_save()\n"
    "            self._cancel_save = None\n\n"
)


def test_entered_once_and_cancelled_by_stop_leaves_only_the_race() -> None:
    assert analysed(GATEWAY.format(entry=ONCE, stop=STOP), "gateway.py") == []


def test_entered_by_a_public_method_is_a_start_beside_its_stop() -> None:
    """A public method beginning the chain is called as often as its callers say, which the
    module does not show: a periodic task is begun to run until stopped, so nothing to report
    without repetition seen (the innocent suspect of DESIGN §1: one live link at a time)."""
    assert analysed(GATEWAY.format(entry=PER_CALL, stop=STOP), "gateway.py") == []


def test_entered_in_a_loop_each_pass_starts_another_chain() -> None:
    """Begun on every pass of a loop, each pass starts one more chain and overwrites the kept
    cancel: the older chains can no longer be stopped."""
    looped = "\n    def serve(self):\n        while True:\n            self._schedule_save()\n"
    (finding,) = analysed(GATEWAY.format(entry=looped, stop=STOP), "gateway.py")
    assert "keeps its cancel in `self._cancel_save`" in finding.message, finding.message
    assert finding.severity == "high", finding


def test_a_kept_cancel_nothing_calls_is_a_runaway_chain() -> None:
    (finding,) = analysed(GATEWAY.format(entry=ONCE, stop=""), "gateway.py")
    assert "runaway timer chain" in finding.message, finding.message


def test_a_cancel_in_del_only_is_no_stop() -> None:
    """`__del__` never runs while the chain's timer holds the object (the review's probe)."""
    stop = (
        "    def __del__(self):\n"
        "        if self._cancel_save is not None:\n"
        "            self._cancel_save()\n\n"
    )
    (finding,) = analysed(GATEWAY.format(entry=ONCE, stop=stop), "gateway.py")
    assert "runaway timer chain" in finding.message, finding.message
