"""A thread that holds an address: one per address, however often it is started.

A listening TCP socket owns its address while it is open: another socket binding it fails with
EADDRINUSE (SO_REUSEADDR only lets a port be bound again once its last listener is gone, with
connections still in TIME_WAIT; SO_REUSEPORT is what lets several sockets listen on one port). So
a thread whose function binds a socket to the address it is given, listens on it and then loops
accepting on that same socket holds that address for as long as it loops: started again, the new
thread fails at ``bind()`` and ends there. However often the start runs, one such thread stays per
address, which is bounded; the address a caller gives does not change per request, and one the
system picks (port ``0``) is new each time, so that one piles up as any endless thread does.
"""

from __future__ import annotations

import libcst as cst

from forkaudit.analysis.index import ModuleIndex, dotted_name
from forkaudit.analysis.syntax import short
from forkaudit.analysis.walk import walk


def held_address(index: ModuleIndex, loop: cst.CSTNode) -> str:
    """The code of the address that the function holding the endless ``loop`` binds a socket
    to, before the loop, listening on it, when the loop accepts on that socket (and nothing
    in the function asks for SO_REUSEPORT, or closes it before the loop); "" otherwise."""
    function = index.scope_of(loop)
    if not isinstance(function, cst.FunctionDef) or "SO_REUSEPORT" in index.code(function):
        return ""
    accepted = {
        dotted_name(node.func.value)
        for node in walk(loop)
        if isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "accept"
    }
    bound: dict[str, cst.BaseExpression] = {}
    listening: set[str] = set()
    for node in walk(function):
        if node is loop:
            break
        if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
            continue
        owner = dotted_name(node.func.value)
        if owner is None or owner not in accepted:
            continue
        method = node.func.attr.value
        if method == "bind" and len(node.args) == 1 and node.args[0].keyword is None:
            bound[owner] = node.args[0].value
        elif method == "listen" and owner in bound:
            listening.add(owner)
        elif method in ("close", "detach", "shutdown"):
            bound.pop(owner, None)  # let go before the loop: the loop holds nothing
            listening.discard(owner)
    for owner in sorted(listening):
        address = bound[owner]
        if _system_port(address):
            continue
        return f"{owner}.bind({short(index.code(address), 40)})"
    return ""


def _system_port(address: cst.BaseExpression) -> bool:
    """``("", 0)``: a port the system picks, a new one for every socket bound so."""
    if not isinstance(address, cst.Tuple) or len(address.elements) < 2:
        return False
    port = address.elements[1].value
    return isinstance(port, cst.Integer) and port.evaluated_value == 0


__all__ = ["held_address"]
