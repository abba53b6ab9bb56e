"""The logging module keeps one logger per name for the life of the process
(``logging.getLogger(name)``). A block behind ``if not has_handler(logger):`` (or ``not
logger.handlers``, ``not logger.hasHandlers()``) that adds a handler to that logger makes its
own test false: it runs once per logger name, however often the function runs. A
``QueueListener`` started there is a once-per-process service (Quart's ``create_logger``,
ranked first on the ninth held-out environment with a false high). Only when the logger's
name is fixed (a literal, ``__name__``, an object's attribute: not ``f"jobs.{job_id}"``), the
handler is added on every way through the block and the function never takes it off again
(the second review of 2026-12-06).

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

CASES = {
    "a listener started behind a test of the logger's handlers": """\
import logging
import queue
from logging.handlers import QueueHandler, QueueListener


def _has_handler(logger):
    return any(h.level <= logger.getEffectiveLevel() for h in logger.handlers)


def _queue_handler(*handlers):
    q = queue.Queue()
    listener = QueueListener(q, *handlers)  # expect: ok
    listener.start()
    return QueueHandler(q)


def create_logger(app, handler):
    logger = logging.getLogger(app.name)
    if not _has_handler(logger):
        logger.addHandler(_queue_handler(handler))
    return logger


def attach(handler):
    log = logging.getLogger(__name__)
    if not log.handlers:
        q = queue.Queue()
        listener = QueueListener(q, handler)  # expect: ok
        listener.start()
        log.addHandler(QueueHandler(q))
    return log


def attach_to(log, handler):
    if not log.handlers:
        q = queue.Queue()
        listener = QueueListener(q, handler)  # expect: leak
        listener.start()
        log.addHandler(QueueHandler(q))
    return log


def per_job(job_id, handler):
    log = logging.getLogger(f"jobs.{job_id}")
    if not log.handlers:
        q = queue.Queue()
        listener = QueueListener(q, handler)  # expect: leak
        listener.start()
        log.addHandler(QueueHandler(q))
    return log


def scoped(handler):
    log = logging.getLogger("scoped")
    if not log.handlers:
        q = queue.Queue()
        listener = QueueListener(q, handler)  # expect: leak
        listener.start()
        qh = QueueHandler(q)
        log.addHandler(qh)
    try:
        log.info("work")
    finally:
        log.removeHandler(qh)


def maybe(handler, attach):
    log = logging.getLogger("maybe")
    if not log.handlers:
        q = queue.Queue()
        listener = QueueListener(q, handler)  # expect: leak
        listener.start()
        if attach:
            log.addHandler(QueueHandler(q))
    return log


def listen(name, handler):
    log = logging.getLogger(name)
    if not log.hasHandlers():
        q = queue.Queue()
        listener = QueueListener(q, handler)  # expect: leak
        listener.start()
    return log
""",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_logger_guard(name: str) -> None:
    assert_expectations(name, CASES[name])
