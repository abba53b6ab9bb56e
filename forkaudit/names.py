"""Distribution names compared as PyPI compares them (PEP 503), without importing ``packaging``:
its ``utils`` module loads ``packaging.tags`` (platform, sysconfig, subprocess, logging), most of
what a warm scan, answered from the cache, would spend importing."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[-_.]+")


def canonicalize_name(name: str) -> str:
    """``Foo.Bar_baz`` -> ``foo-bar-baz``: runs of ``-``, ``_`` and ``.`` become one ``-``, in
    lower case (``packaging.utils.canonicalize_name``, as pip and PyPI normalise)."""
    return _SEPARATORS.sub("-", name).lower()
