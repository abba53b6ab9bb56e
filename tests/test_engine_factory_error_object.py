"""A factory returning either a child or an error object of a plain type (``Popen |
SpawnError``, ``Popen | str``): on the branch where the caller finds the value is of that type
(``if isinstance(proc, SpawnError): return``), the name holds no child, and leaving there
leaves none (2026-12-07: held46 litellm's PgBouncer restart, a false alarm). A type a child can
be of (a Popen subclass, a class imported from elsewhere) says nothing.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import re

import pytest

from forkaudit.analysis.slicing import slice_source
from tests.builders import assert_expectations

SPAWN = """\
import subprocess
{imports}

{error_class}


def spawn(argv):
    try:
        return subprocess.Popen(argv)  # expect: ok
    except OSError as error:
        return {make_error}


def run(argv, log):
    proc = spawn(argv)  # expect: {expect}
    if isinstance(proc, {tested}):
        log.error("could not start %s: %s", argv, proc)
        return None
    return proc.wait()
{padding}"""

CLASS = """\
class SpawnError:
    def __init__(self, reason):
        self.reason = reason
"""

SUBCLASS = """\
class LoggedPopen(subprocess.Popen):
    pass
"""

PADDING = "".join(
    f"\n\ndef helper_{i}(value):\n    return [value * {i} for _ in range(3)]\n" for i in range(60)
)


def case(expect: str, tested: str = "SpawnError", padding: str = "", **parts: str) -> str:
    fields = {"imports": "", "error_class": CLASS, "make_error": "SpawnError(str(error))"}
    fields.update(parts)
    return SPAWN.format(expect=expect, tested=tested, padding=padding, **fields)


PROBES = {
    "error_object_of_a_local_class": case("ok"),
    "error_object_of_a_local_exception": case(
        "ok", error_class="class SpawnError(RuntimeError):\n    pass\n"
    ),
    "error_string": case("ok", tested="str", make_error="str(error)", error_class=""),
    "error_of_a_tuple_of_plain_types": case("ok", tested="(SpawnError, str)"),
    # a subclass of Popen: the value tested may be the child
    "popen_subclass_tested": case("leak", tested="LoggedPopen", error_class=SUBCLASS),
    # imported: what it is is not known here
    "imported_type_tested": case(
        "leak", tested="SpawnError", imports="from errors import SpawnError", error_class=""
    ),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str) -> None:
    assert_expectations(name, PROBES[name])


def test_the_type_tested_is_kept_in_a_slice() -> None:
    """In a module big enough to be sliced, the class the kept code tests a value against is
    kept (its methods left out), so the slice says what the whole file says."""
    code = case("ok", padding=PADDING)
    sliced = slice_source(code, re.compile(r"Popen\("))
    assert sliced is not None
    assert "class SpawnError" in sliced.text
    assert_expectations("sliced", code)
