"""A producer filling a bounded queue that only the generator starting it takes from ends once
that generator has taken everything; a consumer that stops early (a ``break``, ``next()``
once, dropping the generator) closes the generator at its ``yield``, and the producer waits in
``put()`` for good (2026-12-06). The engine knew this of a thread running a function; it now
knows it of a child process too (``multiprocessing.Queue(maxsize=n)``: the child stays alive,
never reaped, one per abandoned generator), and of a Thread or Process subclass whose
``run()`` fills the queue its constructor is handed (gensim's ``chunkize()`` starts an
``InputQueue(q, corpus, ...)`` so) or a bounded queue of its own that the generator takes from
through the handle (``feeder.q.get()``, from the review). An unbounded queue, a generator that stops the producer in
a ``finally``, a list built from everything, or a queue the subclass makes itself are not
this."""

from __future__ import annotations

import multiprocessing
import sys
import time
from pathlib import Path

import pytest

from forkaudit.analysis.engine import analyze_source
from forkaudit.rules import load_rules

FUNCTION_TARGET = """\
import multiprocessing


def _produce(q, items):
    for item in items:
        q.put(item)
    q.put(None)


def chunks(items):
    q = multiprocessing.Queue(maxsize=4)
    worker = multiprocessing.Process(target=_produce, args=(q, items))
    worker.daemon = True
    worker.start()
    while True:
        chunk = q.get()
        if chunk is None:
            break
        yield chunk
"""

PROCESS_SUBCLASS = """\
import multiprocessing


class Feeder(multiprocessing.Process):
    def __init__(self, q, items):
        super().__init__()
        self.q = q
        self.items = items

    def run(self):
        for item in self.items:
            self.q.put(item, block=True)
        self.q.put(None, block=True)


def chunks(items):
    q = multiprocessing.Queue(maxsize=4)
    worker = Feeder(q, items)
    worker.daemon = True
    worker.start()
    while True:
        chunk = q.get(block=True)
        if chunk is None:
            break
        yield chunk
"""

THREAD_SUBCLASS = """\
import queue
import threading


class Feeder(threading.Thread):
    def __init__(self, q, items):
        super().__init__(daemon=True)
        self.q = q
        self.items = items

    def run(self):
        for item in self.items:
            self.q.put(item)
        self.q.put(None)


def chunks(items):
    q = queue.Queue(maxsize=4)
    worker = Feeder(q, items)
    worker.start()
    while True:
        chunk = q.get()
        if chunk is None:
            break
        yield chunk
"""

OWN_QUEUE_SUBCLASS = """\
import queue
import threading


class Prefetcher(threading.Thread):
    def __init__(self, items, depth=4):
        super().__init__(daemon=True)
        self.items = items
        self.q = queue.Queue(maxsize=depth)

    def run(self):
        for item in self.items:
            self.q.put(item)
        self.q.put(None)


def prefetch(items):
    feeder = Prefetcher(items)
    feeder.start()
    while True:
        item = feeder.q.get()
        if item is None:
            break
        yield item
"""

FED = {
    "own_queue_subclass": (
        OWN_QUEUE_SUBCLASS,
        ("its run() fills `feeder.q`", "the thread waits in put() for good"),
    ),
    "function_target": (
        FUNCTION_TARGET,
        ("its target fills `q`", "the child process waits in put() for good"),
    ),
    "process_subclass": (
        PROCESS_SUBCLASS,
        ("its run() fills `q`", "the child process waits in put() for good"),
    ),
    "thread_subclass": (
        THREAD_SUBCLASS,
        ("its run() fills `q`", "the thread waits in put() for good"),
    ),
}


def _findings(code: str) -> list[tuple[int, str, str]]:
    result = analyze_source(code.encode(), "feeder.py", load_rules().rules)
    assert result.error is None, result.error
    return [(f.line, f.severity, f.message) for f in result.findings]


@pytest.mark.parametrize("name", sorted(FED))
def test_a_producer_of_an_abandoned_generator_waits_for_good(name: str) -> None:
    code, says = FED[name]
    findings = _findings(code)
    assert [severity for _, severity, _ in findings] == ["high"], findings
    assert all(phrase in findings[0][2] for phrase in says), findings


CONTROLS = {
    # an unbounded queue never fills: the producer puts everything and ends
    "unbounded": FUNCTION_TARGET.replace(
        "multiprocessing.Queue(maxsize=4)", "multiprocessing.Queue()"
    ),
    # the generator stops its producer however it is closed
    "stopped_in_finally": FUNCTION_TARGET.replace(
        """    while True:
        chunk = q.get()
        if chunk is None:
            break
        yield chunk
""",
        """    try:
        while True:
            chunk = q.get()
            if chunk is None:
                break
            yield chunk
    finally:
        worker.terminate()
        worker.join()
""",
    ),
    # not a generator: the function takes everything before it returns
    "all_taken": PROCESS_SUBCLASS.replace(
        """    while True:
        chunk = q.get(block=True)
        if chunk is None:
            break
        yield chunk
""",
        """    out = []
    while True:
        chunk = q.get(block=True)
        if chunk is None:
            break
        out.append(chunk)
    return out
""",
    ),
    # the subclass fills a queue of its own, not the one the generator takes from
    "own_queue": THREAD_SUBCLASS.replace(
        "        self.q = q\n", "        self.q = queue.Queue(4)\n"
    ),
}


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_controls_are_not_producers_left_waiting(name: str) -> None:
    findings = _findings(CONTROLS[name])
    assert all(severity != "high" for _, severity, _ in findings), findings
    assert not any("put() for good" in message for _, _, message in findings), findings


def test_abandoned_generators_leave_their_children_alive(tmp_path: Path) -> None:
    """What the finding says, at run time: each generator dropped after one chunk leaves its
    child process alive in put(); one read to its end leaves none."""
    (tmp_path / "feeder_rt.py").write_text(FUNCTION_TARGET)
    sys.path.insert(0, str(tmp_path))
    try:
        import feeder_rt  # type: ignore[import-not-found]

        context = multiprocessing.get_context("fork")
        feeder_rt.multiprocessing = context  # the test's own start method, on every platform
        for _ in range(3):
            generator = feeder_rt.chunks(list(range(100)))
            next(generator)
            generator.close()
        time.sleep(0.5)
        left = multiprocessing.active_children()
        try:
            assert len(left) == 3
        finally:
            for child in left:
                child.terminate()
                child.join()
        assert list(feeder_rt.chunks(list(range(10)))) == list(range(10))
        deadline = time.monotonic() + 5
        while multiprocessing.active_children() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert multiprocessing.active_children() == []
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("feeder_rt", None)
