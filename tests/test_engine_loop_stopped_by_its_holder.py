"""An event loop a thread runs (``Thread(target=self._loop.run_forever)``) ends when ``stop()``
is called on it, by whoever holds it. A class that hands its loop at construction to an object
it keeps (``self._bus = Bus(config, self._loop)``), whose class in another module of the package
keeps what it is given (``self._loop = loop``) and stops it in a method (``dispose()``:
``self._loop.stop()``) that the class calls on that object (``self._bus.dispose()``), stops its
loop through that object, as through a method of its own: no leak (held31: amqp-client-python's
EventbusWrapperRabbitMQ, whose dispose() runs the bus's dispose(), which stops the loop; 10
wrappers made and disposed left no thread). The other module is read on a second analysis,
asked for as ``<class>:@<place>``. Nothing stops the loop when the class never calls that
method, or the method stops something else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import app_package, check_findings, run_cli

BUS = """\
class Bus:
    def __init__(self, config, loop, confirms=True):
        self._config = config
        self._loop = loop

    async def publish(self, body):
        return body

    async def dispose(self, stop_event_loop=True):
        await self._close()
        if stop_event_loop:
            self._loop.stop()

    async def _close(self):
        return None
"""

WRAPPER = """\
import asyncio
from threading import Thread

from app.bus import Bus


class Wrapper:
    def __init__(self, config, loop=None):
        self._loop = loop or asyncio.new_event_loop()
        self._bus = Bus(config, self._loop)
        self._thread = Thread(target=self._loop.run_forever)
        self._thread.start()

    def publish(self, body):
        return asyncio.run_coroutine_threadsafe(self._bus.publish(body), self._loop)
{filler}
    def dispose(self):
        asyncio.run_coroutine_threadsafe(self._bus.dispose(True), self._loop)
"""

# methods enough to make the module one the engine slices (over 3 KB)
FILLER = "".join(
    f"\n    def describe_{n}(self, value):\n        text = str(value) * {n}\n"
    "        return text.strip().upper() + ' described once more, for the length of it'\n"
    for n in range(40)
)


def _package(root: Path, bus: str, wrapper: str) -> Path:
    return app_package(root, {"bus.py": bus, "wrapper.py": wrapper})


def _wrapper_findings(root: Path) -> list[str]:
    return [
        f"{f['severity']} {f['message']}"
        for f in check_findings(root, "app")
        if str(f["path"]).endswith("wrapper.py")
    ]


@pytest.mark.parametrize("filler", ["", FILLER], ids=["whole", "sliced"])
def test_a_loop_its_holder_stops_through_the_object_it_was_handed_to(
    tmp_path: Path, filler: str
) -> None:
    root = _package(tmp_path, BUS, WRAPPER.format(filler=filler))
    assert _wrapper_findings(root) == []


@pytest.mark.parametrize(
    "bus",
    [
        BUS.replace("self._loop = loop", "self.event_loop = loop").replace(
            "self._loop.stop()", "self.event_loop.call_soon_threadsafe(self.event_loop.stop)"
        ),
    ],
    ids=["kept-under-another-name"],
)
def test_kept_and_stopped_under_another_name(tmp_path: Path, bus: str) -> None:
    assert _wrapper_findings(_package(tmp_path, bus, WRAPPER.format(filler=""))) == []


def test_handed_by_keyword(tmp_path: Path) -> None:
    wrapper = WRAPPER.format(filler="").replace(
        "Bus(config, self._loop)", "Bus(config, loop=self._loop)"
    )
    assert _wrapper_findings(_package(tmp_path, BUS, wrapper)) == []


@pytest.mark.parametrize(
    ("bus", "wrapper"),
    [
        # the bus's dispose() stops nothing
        (BUS.replace("self._loop.stop()", "return None"), WRAPPER),
        # the wrapper never disposes of its bus
        (BUS, WRAPPER.replace("self._bus.dispose(True)", "self._bus.publish(None)")),
        # the bus stops the loop it was given, but the wrapper hands it another one
        (BUS, WRAPPER.replace("Bus(config, self._loop)", "Bus(config, asyncio.new_event_loop())")),
    ],
    ids=["bus-stops-nothing", "never-disposed", "another-loop"],
)
def test_nothing_stops_the_loop(tmp_path: Path, bus: str, wrapper: str) -> None:
    found = _wrapper_findings(_package(tmp_path, bus, wrapper.format(filler="")))
    assert len(found) == 1 and found[0].startswith("high"), found
    assert "runs forever" in found[0]


def test_sliced_and_whole_agree(tmp_path: Path) -> None:
    root = _package(tmp_path, BUS, WRAPPER.format(filler=FILLER))
    whole = run_cli(
        ["check", "app", "--format", "json", "--no-cache"],
        cwd=root,
        env={"FORKAUDIT_WHOLE_FILES": "1", "XDG_CACHE_HOME": str(root / "cache")},
    )
    assert whole.returncode == 0, whole.stdout + whole.stderr
