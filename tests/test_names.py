"""Distribution names compared as pip compares them, and the warm path's imports."""

from __future__ import annotations

import subprocess
import sys

from packaging.utils import canonicalize_name as packaging_canonical

from forkaudit.names import canonicalize_name


def test_names_compare_as_packaging_compares_them() -> None:
    for name in (
        "Django",
        "zope.interface",
        "typing_extensions",
        "ruamel.yaml.clib",
        "Foo__Bar--baz..Qux",
        "backports.zoneinfo",
        "A",
        "pkg-._-name",
    ):
        assert canonicalize_name(name) == packaging_canonical(name), name


def test_loading_the_scanner_imports_neither_packaging_nor_the_email_parser() -> None:
    # a scan answered from the cache never needs them: importing them cost a warm scan about a
    # tenth of its time (packaging.utils loads packaging.tags: platform, sysconfig, subprocess)
    code = (
        "import sys, forkaudit.cli, forkaudit.scan, forkaudit.environment, forkaudit.depgraph; "
        "print(sorted(m for m in sys.modules if m.startswith(('packaging', 'email.parser'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
