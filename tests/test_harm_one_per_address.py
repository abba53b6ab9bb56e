"""A thread whose function binds a listening TCP socket to a given address before it loops
accepting on it is one per address: while it listens, another started the same way fails at
``bind()`` (EADDRINUSE: SO_REUSEADDR lets a port be bound again once its last listener is gone,
not two sockets listen on it at once; SO_REUSEPORT does) and ends there. Started on every call, at
most one stays per address: bounded, not piling up (held6: scapy's ``AnsweringMachineTCP.
sniff_bg()`` starts its accept loop per call, on the object's port; it was a high, "on every call
of sniff_bg(): piles up if that runs per request"). A port chosen by the system (``0``), a socket
also given SO_REUSEPORT, or a loop that does not serve the bound socket piles up as before. The
principle is measured on the running interpreter by the last test."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.builders import app_package, check_findings, run_cli

SERVER = """\
import socket
import threading


class Answerer:
    def __init__(self, port=8080):
        self.port = port

    def serve(self):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen()
        while True:
            client, address = listener.accept()
            client.sendall(b"hello")
            client.close()

    def serve_in_background(self):
        self.thread = threading.Thread(target=self.serve)
        self.thread.start()
{filler}"""

FUNCTION = """\
import socket
import threading


def _serve(host, port):
    listener = socket.socket()
    listener.bind((host, port))
    listener.listen(5)
    while True:
        conn, _ = listener.accept()
        conn.close()


def serve_in_background(host, port):
    threading.Thread(target=_serve, args=(host, port), daemon=True).start()
"""

# methods enough to make the module one the engine slices (over 3 KB)
FILLER = "".join(
    f"\n    def describe_{n}(self, value):\n        text = str(value) * {n}\n"
    "        return text.strip().upper() + ' described once more, for the length of it'\n"
    for n in range(40)
)


def _findings(root: Path, files: dict[str, str]) -> list[dict[str, object]]:
    found = check_findings(app_package(root, files), "app")
    return [f for f in found if str(f["path"]).endswith("server.py")]


@pytest.mark.parametrize("filler", ["", FILLER], ids=["whole", "sliced"])
def test_a_listener_on_the_objects_port_is_one_per_address(tmp_path: Path, filler: str) -> None:
    found = _findings(tmp_path, {"server.py": SERVER.format(filler=filler)})
    assert len(found) == 1, found
    assert found[0]["severity"] == "medium", found
    message = str(found[0]["message"])
    assert "one per address" in message, message
    assert 'listener.bind(("127.0.0.1", self.port))' in message, message


def test_a_function_listening_on_the_address_it_is_given(tmp_path: Path) -> None:
    found = _findings(tmp_path, {"server.py": FUNCTION})
    assert len(found) == 1, found
    assert "one per address" in str(found[0]["message"]), found
    assert found[0]["severity"] != "high", found


@pytest.mark.parametrize(
    "change",
    [
        # a port the system chooses: every start binds a new one
        ('("127.0.0.1", self.port)', '("127.0.0.1", 0)'),
        # SO_REUSEPORT: several sockets may listen on one port
        ("socket.SO_REUSEADDR", "socket.SO_REUSEPORT"),
        # bound and let go before the loop: the loop does not hold the port
        ("        while True:\n", "        listener.close()\n        while True:\n"),
    ],
    ids=["system-port", "reuseport", "closed-first"],
)
def test_what_does_not_hold_the_address_piles_up_as_before(
    tmp_path: Path, change: tuple[str, str]
) -> None:
    assert change[0] in SERVER
    server = SERVER.format(filler="").replace(*change)
    found = _findings(tmp_path, {"server.py": server})
    assert len(found) == 1, found
    assert found[0]["severity"] == "high", found
    assert "one per address" not in str(found[0]["message"])


def test_a_loop_serving_another_socket_piles_up_as_before(tmp_path: Path) -> None:
    other = SERVER.format(filler="").replace(
        "client, address = listener.accept()", "client, address = self.upstream.accept()"
    )
    found = _findings(tmp_path, {"server.py": other})
    assert len(found) == 1 and found[0]["severity"] == "high", found


def test_sliced_and_whole_agree(tmp_path: Path) -> None:
    root = app_package(tmp_path, {"server.py": SERVER.format(filler=FILLER)})
    whole = run_cli(
        ["check", "app", "--format", "json", "--no-cache"],
        cwd=root,
        env={"FORKAUDIT_WHOLE_FILES": "1", "XDG_CACHE_HOME": str(root / "cache")},
    )
    sliced = run_cli(
        ["check", "app", "--format", "json", "--no-cache"],
        cwd=root,
        env={"XDG_CACHE_HOME": str(root / "cache")},
    )
    assert whole.returncode == sliced.returncode == 1, whole.stderr + sliced.stderr

    def seen(out: str) -> list[tuple[object, ...]]:
        return [(f["line"], f["severity"], f["message"]) for f in json.loads(out)["findings"]]

    assert seen(whole.stdout) == seen(sliced.stdout)


def test_the_second_listener_fails_at_bind_and_its_thread_ends() -> None:
    """The principle, on the running interpreter: the second of two such threads on one port
    ends at bind (SO_REUSEADDR set on both), the first goes on listening."""
    errors: list[BaseException] = []
    ready = threading.Event()
    port: list[int] = []

    def serve(wanted: int) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", wanted))
        except OSError as error:
            errors.append(error)
            listener.close()
            return
        listener.listen()
        port.append(listener.getsockname()[1])
        ready.set()
        listener.settimeout(0.2)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:  # (a test's loop ends: the library's does not)
            try:
                listener.accept()[0].close()
            except TimeoutError:
                continue
        listener.close()

    first = threading.Thread(target=serve, args=(0,), daemon=True)
    first.start()
    assert ready.wait(5)
    second = threading.Thread(target=serve, args=(port[0],), daemon=True)
    second.start()
    second.join(5)
    assert not second.is_alive()
    assert first.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], OSError)
    first.join(5)
