"""A function named for starting or setting up a long-lived service of the program, a start word
first and the service last (``start_metrics_server(store, port=8000)``,
``init_worker_freshness_monitoring(store)``, a method ``start_out_of_band_worker(queue)``),
whose thread serves for good, is run once by whoever sets the program up: a second call would
run its endless loops twice over. What it is given configures that service; its name is no
task done per call (``start_download(url)`` is). Once per set-up (per object for a method),
bounded, unless its module shows it run over and over (2026-12-07: feast's metrics server and
freshness monitor, three false highs in held40, and marimo's out-of-band worker in held30,
ranked first above three distributions with accumulating leaks; each reader measured one thread
per call and found it called once per process)."""

from __future__ import annotations

import textwrap
import threading
import time

import pytest

from tests.builders import analysed

METRICS = """
import threading
import time

served = []


def monitor(store):
    while True:
        served.append(store)
        time.sleep(0.05)


def {name}({params}):
    worker = threading.Thread(target=monitor, args=(store,), daemon=True)
    worker.start()
"""

ONCE = {
    "start_metrics_server": "store, port=8000",
    "init_worker_freshness_monitoring": "store",
    "setup_monitor": "store, interval=30",
    "initHeartbeat": "store",  # camelCase
    "start_http_listener": "store, host='0.0.0.0'",
}
PER_CALL = {
    "start_download": "store, url",  # a task, not a service
    "run_server": "store",  # not a start word: run_job(job) is per call
    "metrics_server": "store",  # no start word at all
    "start_workers": "store, count",  # told how many: a batch per call
}


def _findings_of(code: str) -> list[tuple[str, str]]:
    return [(f.severity, f.message) for f in analysed(code)]


@pytest.mark.parametrize("name", sorted(ONCE))
def test_a_service_set_up_by_name_is_once_per_set_up(name: str) -> None:
    ((severity, message),) = _findings_of(METRICS.format(name=name, params=ONCE[name]))
    assert severity == "medium", message
    assert f"once per set-up: {name}() is named for starting the program's" in message
    assert "bounded unless it is run per request" in message


@pytest.mark.parametrize("name", sorted(PER_CALL))
def test_a_start_not_named_for_a_service_stays_per_call(name: str) -> None:
    ((severity, message),) = _findings_of(METRICS.format(name=name, params=PER_CALL[name]))
    assert severity == "high", message


KERNEL = """
import threading


class Kernel:
    def start_out_of_band_worker(self, queue):
        threading.Thread(target=self._drain, args=(queue,), daemon=True).start()

    def _drain(self, queue):
        while True:
            queue.get()()
"""


def test_a_method_setting_up_its_objects_service_is_once_per_object() -> None:
    ((severity, message),) = _findings_of(KERNEL)
    assert severity == "medium", message
    assert (
        "once per Kernel object: start_out_of_band_worker() is named for starting its " in message
    )


def test_run_over_and_over_by_its_module_it_piles_up() -> None:
    loop = METRICS.format(name="start_metrics_server", params="store") + (
        "\n\ndef serve_all(stores):\n    for store in stores:\n        start_metrics_server(store)\n"
    )
    handler = METRICS.format(name="start_metrics_server", params="store") + (
        "\n\nclass Handler:\n    def do_GET(self):\n        start_metrics_server(self.path)\n"
    )
    for code in (loop, handler):
        severities = [severity for severity, _ in _findings_of(code)]
        assert severities == ["high"], code


def test_a_method_its_module_calls_is_what_its_callers_make_it() -> None:
    code = (
        KERNEL
        + "\n    def on_message(self, queue):\n        self.start_out_of_band_worker(queue)\n"
    )
    assert [severity for severity, _ in _findings_of(code)] == ["high"]


def test_at_run_time_a_second_call_serves_twice_over() -> None:
    namespace: dict[str, object] = {}
    code = METRICS.format(name="start_metrics_server", params="store, port=8000").replace(
        "served.append(store)", "served.append(threading.get_ident())"
    )
    exec(compile(textwrap.dedent(code), "metrics.py", "exec"), namespace)
    served: list[int] = namespace["served"]  # type: ignore[assignment]
    start = namespace["start_metrics_server"]
    start("a")  # type: ignore[operator]
    start("a")  # type: ignore[operator]
    deadline = time.monotonic() + 10
    while len(set(served)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    loops = set(served)
    assert len(loops) == 2  # one more endless loop per call, both serving
    alive = {thread.ident for thread in threading.enumerate()}
    assert loops <= alive
