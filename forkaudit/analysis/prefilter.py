"""Decide from bytes alone whether a file can hold a start site, before any parse.

Most files of an environment never name a process or thread API; libcst parses at ~1 MB/s, so only
files whose bytes show call syntax of a start name (``Popen(``, ``fork(``, ``Thread(``...), an
aliased import of one, or a start-capable class or factory of the same distribution reach the parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from forkaudit.model import Rule


def start_names(rules: Sequence[Rule]) -> set[str]:
    names = set()
    for rule in rules:
        for qualified in rule.starts:
            names.add(qualified.rsplit(".", 1)[-1])
    return names


_WORD = [chr(c).isalnum() or chr(c) == "_" or c >= 128 for c in range(256)]


class Prefilter:
    def __init__(self, rules: Sequence[Rule], extra_names: Iterable[str] = ()) -> None:
        names = sorted(start_names(rules) | set(extra_names))
        alternation = b"|".join(re.escape(n.encode()) for n in names)
        # A built-in name only starts something where its module is imported: the engine resolves
        # `Popen(` to `subprocess.Popen` through an import (or a `get_context()`) that spells
        # `subprocess`. A file never naming the module of any name it calls cannot hold a start.
        # The names of the distribution's own classes and factories have no such condition.
        roots: dict[bytes, set[bytes]] = {}
        for rule in rules:
            for qualified in rule.starts:
                short = qualified.rsplit(".", 1)[-1].encode()
                roots.setdefault(short, set()).add(qualified.split(".", 1)[0].encode())
        self.roots = {
            name: tuple(sorted(modules))
            for name, modules in roots.items()
            if name.decode() not in set(extra_names)
        }
        # Call syntax `Popen(`, an aliased import `Popen as P`, a base class `(Thread)`; no leading
        # \b, which keeps the regex engine from skipping ahead by first character (2x slower):
        # the word boundary is checked on the few hits instead.
        self.fast = re.compile(rb"(?:" + alternation + rb")(?=\s*\(|\s+as\s|\s*[,)])")
        # Substring tests are several times faster than the regex and rule most files out:
        # keep only the names that no shorter name is a part of.
        encoded = [n.encode() for n in names]
        self.anchors = tuple(n for n in encoded if not any(o != n and o in n for o in encoded))

    def may_start(self, data: bytes) -> bool:
        if not any(anchor in data for anchor in self.anchors):
            return False
        imported: dict[bytes, bool] = {}
        for match in self.fast.finditer(data):
            position = match.start()
            if position and _WORD[data[position - 1]]:
                continue
            modules = self.roots.get(match.group(0))
            if modules is None:
                return True
            for module in modules:
                found = imported.get(module)
                if found is None:
                    found = imported[module] = module in data
                if found:
                    return True
        return False
