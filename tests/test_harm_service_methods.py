"""A method (public, or private and called by no code of its module) named for starting or running its object's own service (``start_polling()``,
``message_loop(callback=None, timeout=20)``, ``run_loop()``, ``listen()``) whose every
parameter has a default starts threads that serve the object for good: callers start them once
per object, as they do with ``start()`` (a second call would run the object's endless loops
twice over, each message handled twice). Such a start is once per object, bounded, not high
"on every call" (2026-12-06, held16: telepot's ``Bot.message_loop()`` gave four false highs and
ranked telepot first, above redis's real per-failover leak). A method taking what it starts
(``start_download(url)``, ``run_job(job)``) acts per call, and stays high; so does one named
otherwise (``poll()``)."""

from __future__ import annotations

import textwrap
import threading
import time

import pytest

from tests.builders import analysed

BOT = """
import threading
import time


class Bot:
    def __init__(self, token):
        self.token = token
        self.handled = 0

    def {name}({params}):
        def collector():
            while 1:
                time.sleep(0.05)
                self.handled += 1

        worker = threading.Thread(target=collector)
        worker.daemon = True
        worker.start()
"""
ONCE = {
    "message_loop": "self, callback=None, relax=0.1, timeout=20",
    "start_polling": "self, poll_interval=0.0",
    "run_loop": "self",
    "listen": "self, backlog=5",
    "launch_workers": "self, *, count=1",
    # private, called by no code of its module: its users' (held17: reloadr)
    "_start_timer_reload": "self, interval=1",
    # camelCase (held21: PlexAPI's startAlertListener(callback=None, callbackError=None))
    "startAlertListener": "self, callback=None, callbackError=None",
    "runForever": "self",
}
PER_CALL = {
    "start_download": "self, url, callback=None",  # takes what it starts
    "run_job": "self, job",
    "poll": "self, interval=1.0",  # not named for a service
    "launch_workers": "self, *, count",  # must be told how many
    "message_loop": "self, *callbacks",  # takes any number of things to run
    "startDownload": "self, url",
}


def _severities(name: str, params: str) -> list[tuple[str, str]]:
    return _findings_of(BOT.format(name=name, params=params))


@pytest.mark.parametrize("name", sorted(ONCE))
def test_a_service_started_by_name_is_once_per_object(name: str) -> None:
    ((severity, message),) = _severities(name, ONCE[name])
    assert severity == "medium", message
    assert "once per Bot object" in message
    assert "runs by its name the object's own service" in message


@pytest.mark.parametrize("name", sorted(PER_CALL))
def test_a_start_taking_what_it_starts_stays_per_call(name: str) -> None:
    ((severity, message),) = _severities(name, PER_CALL[name])
    assert severity == "high", message


def test_a_static_method_is_no_service_of_an_object() -> None:
    code = BOT.format(name="message_loop", params="callback=None").replace(
        "    def message_loop", "    @staticmethod\n    def message_loop"
    )
    code = code.replace("self.handled += 1", "callback()")
    assert [severity for severity, _ in _findings_of(code)] == ["high"]


def test_at_run_time_a_second_call_runs_the_service_twice_over() -> None:
    namespace: dict[str, object] = {}
    exec(
        compile(textwrap.dedent(BOT.format(name="message_loop", params="self")), "bot.py", "exec"),
        namespace,
    )
    before = threading.active_count()
    bot = namespace["Bot"]("token")  # type: ignore[operator]
    bot.message_loop()  # type: ignore[attr-defined]
    time.sleep(0.3)
    once = bot.handled  # type: ignore[attr-defined]
    bot.message_loop()  # type: ignore[attr-defined]
    assert threading.active_count() - before == 2  # two loops now serve the one bot
    start = bot.handled  # type: ignore[attr-defined]
    time.sleep(0.3)
    assert bot.handled - start > once * 1.5  # and they do its work twice over


def test_a_service_the_module_calls_itself_is_what_its_callers_make_it() -> None:
    # an event hook starting it again on every settings save (the corpus's prusa uploader)
    code = BOT.format(name="start_polling", params="self") + (
        "\n    def on_settings_save(self, data):\n        self.start_polling()\n"
    )
    assert [severity for severity, _ in _findings_of(code)] == ["high"]


def test_objects_made_per_request_make_the_service_per_request() -> None:
    code = BOT.format(name="start_polling", params="self") + (
        "\n\ndef handle(request):\n    Bot(request.token).start_polling()\n"
    )
    ((severity, message),) = _findings_of(code)
    assert severity == "high", message
    assert "Bot objects are made per request" in message


def test_a_forever_name_that_only_starts_a_thread_is_still_reported() -> None:
    """``serve_forever()`` by its name serves until the process ends; one whose body starts a
    thread and returns does not (review: silenced even when called per request)."""
    ((severity, message),) = _findings_of(BOT.format(name="serve_forever", params="self"))
    assert severity == "medium", message
    per_request = BOT.format(name="serve_forever", params="self") + (
        "\n\ndef handle(request):\n    Bot(request.token).serve_forever()\n"
    )
    ((severity, message),) = _findings_of(per_request)
    assert severity == "high", message


def _findings_of(code: str) -> list[tuple[str, str]]:
    return [(f.severity, f.message) for f in analysed(code, "bot.py")]


WATCHER = """
from watchdog.observers import Observer


class Reloader:
    def __init__(self, folder, handler):
        self.folder = folder
        self.handler = handler

    def {name}(self):
        observer = Observer()
        observer.schedule(self.handler, self.folder)
        observer.start()
"""


def test_a_library_service_started_by_a_service_method_is_once_per_object() -> None:
    """A watchdog Observer serves until stopped, as a loop with no exit does (held17: reloadr's
    ``_start_watch_reload()``, one per decorated target)."""
    ((severity, message),) = _findings_of(WATCHER.format(name="_start_watch_reload"))
    assert severity == "medium", message
    assert "once per Reloader object" in message
    ((severity, message),) = _findings_of(WATCHER.format(name="rescan"))
    assert severity == "high", message
