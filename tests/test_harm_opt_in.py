"""A start behind a parameter that is off by default runs only where a call turns it on
(``def __init__(self, config, enable_expiration=False)``, the thread started under ``if
enable_expiration:``). When no call in the package does (none in its own module, by keyword or
in the parameter's place; none in the modules making the class or calling the function), the
package never starts it: only a user who turns the option on does. It is no accumulating leak
of the dependency's own, at most medium, and the message says which option it waits for
(held13: kafka-python's Metrics starts an endless expiry thread per object only with
``enable_expiration=True``, which neither producer, consumer nor admin client passes; it was a
high, "Metrics objects end with close(), so they are made and ended per use")."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import app_package, check_findings

METRICS = """\
import threading
import time


class Metrics:
    def __init__(self, config=None, reporters=None, enable_expiration=False):
        self._sensors = {}
        self._reporters = reporters or []
        if enable_expiration:

            def expire_loop():
                while True:
                    time.sleep(30)
                    self._sensors.clear()

            threading.Thread(target=expire_loop, daemon=True).start()

    def close(self):
        for reporter in self._reporters:
            reporter.close()
"""

# the package's own makers, none turning the option on
PRODUCER = """\
from app.metrics import Metrics


class Producer:
    def __init__(self, config):
        self._metrics = Metrics(config, [])

    def close(self):
        self._metrics.close()
"""

CONNECT = """\
import socket
import threading


def _ping_forever(sock):
    while True:
        sock.send(b"ping")


def connect(host, keepalive=False):
    sock = socket.create_connection((host, 80))
    if keepalive:
        threading.Thread(target=_ping_forever, args=(sock,), daemon=True).start()
    return sock
"""


def _finding(root: Path, file: str) -> dict[str, object]:
    found = [f for f in check_findings(root, "app") if str(f["path"]).endswith(file)]
    assert len(found) == 1, found
    return found[0]


def test_an_option_no_call_turns_on_is_the_users_choice(tmp_path: Path) -> None:
    found = _finding(
        app_package(tmp_path, {"metrics.py": METRICS, "producer.py": PRODUCER}), "metrics.py"
    )
    assert found["severity"] == "medium"
    assert "only where `enable_expiration` is turned on" in str(found["message"])


@pytest.mark.parametrize(
    "maker",
    [
        "Metrics(config, [], enable_expiration=True)",
        "Metrics(config, [], config.expire)",  # in its place: whatever the config says
        "Metrics(*config.args)",
    ],
)
def test_a_module_of_the_package_turning_it_on_makes_it_the_packages(
    tmp_path: Path, maker: str
) -> None:
    producer = PRODUCER.replace("Metrics(config, [])", maker)
    found = _finding(
        app_package(tmp_path, {"metrics.py": METRICS, "producer.py": producer}), "metrics.py"
    )
    assert found["severity"] == "high", found
    assert "turned on" not in str(found["message"])


def test_a_class_handed_on_may_be_made_with_it_on(tmp_path: Path) -> None:
    registry = "from app.metrics import Metrics\n\nFACTORIES = {'metrics': Metrics}\n"
    found = _finding(
        app_package(tmp_path, {"metrics.py": METRICS, "registry.py": registry}), "metrics.py"
    )
    assert found["severity"] == "high", found


def test_its_own_module_turning_it_on(tmp_path: Path) -> None:
    own = METRICS + "\n\ndef expiring():\n    return Metrics(enable_expiration=True)\n"
    found = _finding(
        app_package(tmp_path, {"metrics.py": own, "producer.py": PRODUCER}), "metrics.py"
    )
    assert found["severity"] == "high", found


def test_on_by_default_it_is_the_packages(tmp_path: Path) -> None:
    on = METRICS.replace("enable_expiration=False", "enable_expiration=True")
    found = _finding(
        app_package(tmp_path, {"metrics.py": on, "producer.py": PRODUCER}), "metrics.py"
    )
    assert found["severity"] == "high", found


def test_a_function_whose_option_no_call_turns_on(tmp_path: Path) -> None:
    user = "from app.net import connect\n\n\ndef fetch(host):\n    return connect(host).recv(10)\n"
    found = _finding(app_package(tmp_path, {"net.py": CONNECT, "client.py": user}), "net.py")
    assert found["severity"] == "medium", found
    assert "only where `keepalive` is turned on" in str(found["message"])
    turned_on = user.replace("connect(host)", "connect(host, keepalive=True)")
    found = _finding(
        app_package(tmp_path / "on", {"net.py": CONNECT, "client.py": turned_on}), "net.py"
    )
    assert found["severity"] == "high", found
