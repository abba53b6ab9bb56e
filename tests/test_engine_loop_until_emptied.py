"""A thread looping while a container of its object holds something (``while
self._open_sockets:``) ends once the last item is taken out: ``del self._open_sockets[sock]``,
``.pop(sock)``, ``.remove(x)`` lower that test as ``clear()`` does. A start whose own way out
takes its item out again (in a ``finally``) ends the thread it started (held35: airflow's
in-process supervisor serves its socket while it is open and closes it on the way out; it was a
high, "waits on self._open_sockets, which nothing sets to stop it").

The class holding the loop had a nested class before its first method, which the slicer took
for the class body's indentation: the class's own methods went unplanned, the state its loop
waits on unseen, and the base class's method emptying it was cut from the slice: the sliced
analysis disagreed with the whole-file one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import app_package, check_findings, run_cli

SUPERVISOR = """\
import contextlib
import socket
import threading


class Watched:
    def __init__(self):
        self._open_sockets = {}

    def _service(self, timeout):
        pass

    def _on_socket_closed(self, sock):
        with contextlib.suppress(KeyError):
            del self._open_sockets[sock]
{filler}

class Supervisor(Watched):
    class _Client:
        def request(self, *args):
            return args

    def _handle_socket_comms(self):
        while self._open_sockets:
            self._service(1.0)

    @contextlib.contextmanager
    def serve_socket(self):
        thread = threading.Thread(target=self._handle_socket_comms, daemon=True)
        requests, child = socket.socketpair()
        self._open_sockets[requests] = "requests"
        try:
            thread.start()
            yield child
        finally:
            requests.close()
            self._on_socket_closed(requests)
"""

FILLER = "".join(
    f"\n    def describe_{n}(self, value):\n        text = str(value) * {n}\n"
    "        return text.strip().upper() + ' described once more, for the length of it'\n"
    for n in range(40)
)


def _findings(root: Path, code: str) -> list[dict[str, object]]:
    return [
        f
        for f in check_findings(app_package(root, {"supervisor.py": code}), "app")
        if str(f["path"]).endswith("supervisor.py")
    ]


@pytest.mark.parametrize("filler", ["", FILLER], ids=["whole", "sliced"])
def test_a_loop_until_emptied_ends_when_its_starter_takes_its_item_out(
    tmp_path: Path, filler: str
) -> None:
    assert _findings(tmp_path, SUPERVISOR.replace("{filler}", filler)) == []


@pytest.mark.parametrize(
    "removal", ["self._open_sockets.pop(sock, None)", "self._open_sockets.clear()"]
)
def test_other_ways_of_taking_it_out(tmp_path: Path, removal: str) -> None:
    code = SUPERVISOR.replace("{filler}", "").replace("del self._open_sockets[sock]", removal)
    assert _findings(tmp_path, code) == []


def test_nothing_taking_it_out_leaves_the_thread_looping(tmp_path: Path) -> None:
    code = SUPERVISOR.replace("{filler}", "").replace(
        "            del self._open_sockets[sock]\n", "            print(sock)\n"
    )
    found = _findings(tmp_path, code)
    assert len(found) == 1 and found[0]["severity"] == "high", found


def test_sliced_and_whole_agree(tmp_path: Path) -> None:
    code = SUPERVISOR.replace("{filler}", FILLER).replace(
        "            del self._open_sockets[sock]\n", "            print(sock)\n"
    )
    root = app_package(tmp_path, {"supervisor.py": code})
    outputs = []
    for whole in ("1", ""):
        result = run_cli(
            ["check", "app", "--format", "json", "--no-cache"],
            cwd=root,
            env={"FORKAUDIT_WHOLE_FILES": whole, "XDG_CACHE_HOME": str(root / "cache")},
        )
        assert result.returncode == 1, result.stdout + result.stderr
        outputs.append(
            [
                (f["line"], f["severity"], f["message"])
                for f in json.loads(result.stdout)["findings"]
            ]
        )
    assert outputs[0] == outputs[1]


def test_a_nested_class_of_three_methods_first_does_not_hide_the_class_methods(
    tmp_path: Path,
) -> None:
    """Before: the nested class's methods taken for the class's, the last one's span ran over
    every method of the class, and cutting it cut them all (the start among them)."""
    nested = """    class _Client:
        def request(self, *args):
            return args

        def close(self):
            return None

        def describe(self):
            return "client"
"""
    code = SUPERVISOR.replace("{filler}", FILLER).replace(
        "    class _Client:\n        def request(self, *args):\n            return args\n", nested
    )
    assert "def describe(self)" in code
    code = code.replace("            del self._open_sockets[sock]\n", "            print(sock)\n")
    found = _findings(tmp_path, code)
    assert len(found) == 1 and found[0]["severity"] == "high", found
