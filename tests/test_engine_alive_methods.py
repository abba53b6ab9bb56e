"""A rule's ``alive-methods`` say the handle still runs (paramiko's ``Transport.is_active()``):
a ``while`` loop going on while one says so, and left no other way, ends once the handle has
ended, as a join does (2026-12-07, held18: pytest-sftpserver's request handler keeps its thread
``while transport.is_active(): sleep(0.01)`` until the client hangs up, and the transport's
thread ends with the connection; it was a high "never stopped", ranked first). A loop with
another way out, or a single look, waits for nothing."""

from __future__ import annotations

import pytest

from tests.builders import analysed

HANDLER = """\
import time
import paramiko


def handle(sock, key, server, deadline):
    transport = paramiko.Transport(sock)
    transport.add_server_key(key)
    transport.start_server(server=server)
{wait}
"""

WAITS = "    while transport.is_active():\n        time.sleep(0.01)\n"
LEFT = {
    # a deadline leaves the loop with the transport running
    "break": (
        "    while transport.is_active():\n"
        "        if time.time() > deadline:\n            break\n"
        "        time.sleep(0.01)\n"
    ),
    # one look waits for nothing
    "one_look": "    if transport.is_active():\n        time.sleep(1)\n",
}


def test_a_loop_while_it_is_active_waits_for_its_end() -> None:
    assert analysed(HANDLER.format(wait=WAITS), "handler.py") == []


@pytest.mark.parametrize("name", sorted(LEFT))
def test_a_loop_left_another_way_or_one_look_waits_for_nothing(name: str) -> None:
    (finding,) = analysed(HANDLER.format(wait=LEFT[name]), "handler.py")
    assert finding.rule == "FA128", finding
