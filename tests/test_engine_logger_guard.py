"""The logging module keeps one logger per name for the life of the process
(``logging.getLogger(name)``). A block behind ``if not has_handler(logger):`` (or ``not
logger.handlers``, ``not logger.hasHandlers()``) that adds a handler to that logger makes its
own test false: it runs once per logger name, however often the function runs. A
``QueueListener`` started there is a once-per-process service (Quart's ``create_logger``,
ranked first on the ninth held-out environment with a false high).

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


def create_logger(name, handler):
    logger = logging.getLogger(name)
    if not _has_handler(logger):
        logger.addHandler(_queue_handler(handler))
    return logger


def attach(name, handler):
    log = logging.getLogger(name)
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
