"""Cheaper constructors for libcst's nodes, in forkaudit's own worker processes.

A parse builds about one node per two or three bytes of source (half of them whitespace nodes),
each through the ``__init__`` that ``dataclasses`` writes for a frozen class: one
``object.__setattr__(self, name, value)`` per field (a lookup of the slot through the class's
MRO each time), then ``__post_init__`` (the validation ``engine.parse`` turns off). The
replacement sets the same fields, with the same defaults, through the slots' own descriptors,
and calls nothing else: a node costs half as much to build, and a parse about a tenth less.

Every node a worker builds is then unvalidated, the engine's own too: it builds none from text
it has not checked first (``harm._module_constant`` reads its literal with ``ast`` before
making a node of it), and ``test_speedups`` compares every engine case with and without.

Only a class whose ``__init__`` is the one ``dataclasses`` generated, with fields that are all
plain ``__init__`` parameters stored in slots, is given one; any other keeps its own. A worker
installs them for its whole life (``install``): it only parses and analyses. A process that
may build nodes for other ends (tests, a library user) can use ``installed()``, which puts the
originals back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import libcst as cst

_MISSING = object()  # the default of a parameter whose field has a default factory
_installed: list[tuple[type, Callable[..., None], Any]] = []


def _node_classes() -> list[type]:
    found: list[type] = []
    pending: list[type] = [cst.CSTNode]
    while pending:
        subclasses: list[type] = pending.pop().__subclasses__()
        for sub in subclasses:
            if sub not in found:
                found.append(sub)
                pending.append(sub)
    return found


def _slot(cls: type, name: str) -> Any:
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def _constructor(cls: type) -> Callable[..., None] | None:
    """A faster ``__init__`` for ``cls``, or None when it is not a plain frozen dataclass."""
    init = cls.__dict__.get("__init__")
    code = getattr(init, "__code__", None)
    params = getattr(cls, "__dataclass_params__", None)
    if code is None or code.co_filename != "<string>" or not getattr(params, "frozen", False):
        return None
    names: dict[str, Any] = {"_MISSING": _MISSING}
    signature: list[str] = []
    body: list[str] = []
    for i, field in enumerate(dataclasses.fields(cls)):
        slot = _slot(cls, field.name)
        if not field.init or getattr(field, "kw_only", False) or not hasattr(slot, "__set__"):
            return None
        if type(slot).__name__ != "member_descriptor":
            return None  # a property or another descriptor: not a plain slot
        names[f"_set{i}"] = slot.__set__
        if field.default is not dataclasses.MISSING:
            names[f"_default{i}"] = field.default
            signature.append(f"{field.name}=_default{i}")
            body.append(f"_set{i}(self, {field.name})")
        elif field.default_factory is not dataclasses.MISSING:
            names[f"_factory{i}"] = field.default_factory
            signature.append(f"{field.name}=_MISSING")
            body.append(
                f"_set{i}(self, _factory{i}() if {field.name} is _MISSING else {field.name})"
            )
        else:
            if any("=" in earlier for earlier in signature):
                return None  # (dataclasses would have refused it too)
            signature.append(field.name)
            body.append(f"_set{i}(self, {field.name})")
    source = f"def __init__(self, {', '.join(signature)}):\n    " + "\n    ".join(body or ["pass"])
    scope: dict[str, Any] = {}
    exec(compile(source, f"<forkaudit fast {cls.__name__}.__init__>", "exec"), names, scope)
    made: Callable[..., None] = scope["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    return made


def install() -> int:
    """Give every plain node class its faster constructor, for the life of the process; how
    many classes have one."""
    if not _installed:
        for cls in _node_classes():
            fast = _constructor(cls)
            if fast is not None:
                _installed.append((cls, fast, cls.__dict__["__init__"]))
                type.__setattr__(cls, "__init__", fast)
    return len(_installed)


def uninstall() -> None:
    while _installed:
        cls, _, original = _installed.pop()
        type.__setattr__(cls, "__init__", original)


@contextmanager
def installed() -> Iterator[int]:
    """The faster constructors while the block runs (the originals back after it)."""
    ours = not _installed  # already there (a worker): leave them
    count = install()
    try:
        yield count
    finally:
        if ours:
            uninstall()
