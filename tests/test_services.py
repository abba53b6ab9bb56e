"""Library services (rules/services.toml) on a real environment: paho-mqtt from PyPI and two
hand-made distributions using it, one starting a client's network thread per message and never
stopping it, one starting a single client for the process. The first is the culprit."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.builders import create_venv, line_of, make_wheel, pip_install, run_cli

ALERTS = """\
import paho.mqtt.client as mqtt


def alert(topic, text):
    client = mqtt.Client()
    client.connect("broker.internal", 1883)
    client.loop_start()
    client.publish(topic, text)
    return client.is_connected()
"""

TELEMETRY = """\
import paho.mqtt.client as mqtt

_client = None


def client():
    global _client
    if _client is None:
        _client = mqtt.Client()
        _client.connect("broker.internal", 1883)
        _client.loop_start()
    return _client


def close():
    _client.disconnect()
    _client.loop_stop()
"""


@pytest.fixture(scope="module")
def mqtt_project(tmp_path_factory: pytest.TempPathFactory, target_python: tuple[str, str]) -> Path:
    root = tmp_path_factory.mktemp("mqtt")
    wheels = root / "wheels"
    make_wheel(wheels, "alerts", "1.0", {"alerts.py": ALERTS}, requires=["paho-mqtt"])
    make_wheel(wheels, "telemetry", "1.0", {"telemetry.py": TELEMETRY}, requires=["paho-mqtt"])
    project = root / "app"
    project.mkdir()
    venv = create_venv(project / ".venv", target_python[0])
    try:
        pip_install(venv, ["alerts", "telemetry"], wheels, index=True)
    except (RuntimeError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot install paho-mqtt from PyPI: {str(exc).strip().splitlines()[-1:]}")
    return project


def test_a_library_service_started_per_call_is_the_culprit(mqtt_project: Path) -> None:
    result = run_cli(["scan", ".venv", "--format", "json", "--no-cache"], cwd=mqtt_project)
    assert result.returncode == 1, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    ours = [f for f in data["findings"] if f["distribution"] in ("alerts", "telemetry")]
    assert [(f["distribution"], f["rule"], f["line"], f["severity"]) for f in ours] == [
        ("alerts", "FA124", line_of(ALERTS, "mqtt.Client()"), "high")
    ], ours
    assert "on every call of alert()" in ours[0]["message"]
    assert data["distributions"][0]["name"] == "alerts"
    # paho-mqtt itself is read too, and its own threads are not the culprit
    assert all(d["name"] != "paho-mqtt" or d["rank"] > 1 for d in data["distributions"])
