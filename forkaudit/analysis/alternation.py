"""A regex alternation of many names, written as a trie.

Python's regex engine tries the branches of ``(?:Popen|Pool|Process|...)`` one by one at every
position where the first character fits, so a list of 40 names costs 40 tries at each ``P``
or ``s`` of the text. Sharing prefixes (``P(?:o(?:ol|pen)|rocess)``) lets one failed character
drop them all at once: the slicer's start regexes run about twice as fast.

The trie is walked in the order of the sorted names, a name before the longer names it starts
(``Thread(?:|Pool)``), so the branches are tried in the very order of the flat alternation of the
sorted names and every match is the same. A set holding a name longer than 64 characters (a
generated one) is written flat: a trie that deep would outgrow the regex compiler's nesting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

_Node = dict[str, "_Node"]
_END = ""  # the key marking that a name ends at this node (no character is empty)


def alternation(names: Iterable[str]) -> str:
    """A regex (no group of its own, to embed in ``(?:...)``) matching any of ``names``,
    tried in sorted order; it matches nothing when ``names`` is empty."""
    return _alternation(tuple(sorted(set(names))))


# The trie nests a group per character where names branch: past this length a name could
# nest deeper than the regex compiler (and the recursion below) can go; such rare sets, as any
# set holding a very long name, are written flat.
_TRIE_MAX_NAME = 64


@lru_cache(maxsize=1024)  # a distribution's name sets come back file after file
def _alternation(names: tuple[str, ...]) -> str:
    if not names:
        return "(?!)"
    if any(len(name) > _TRIE_MAX_NAME for name in names):
        return "|".join(map(re.escape, names))
    root: _Node = {}
    for name in names:
        node = root
        for char in name:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _branches(root)


def _branches(node: _Node) -> str:
    options = [""] if _END in node else []
    options.extend(re.escape(char) + _branches(node[char]) for char in sorted(node) if char)
    if len(options) == 1:
        return options[0]
    return "(?:" + "|".join(options) + ")"
