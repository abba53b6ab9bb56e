"""Make untrusted strings (package code, names, paths, messages) safe to show.

Scanned packages are hostile input: a path or a line of code may carry ANSI escape sequences that
repaint a terminal, other control characters, or bidirectional overrides that make code read
differently from what it is ("Trojan Source"). ``neutralise`` turns every such character into a
visible ``\\x1b`` / ``\\u202e`` escape: an escape sequence loses its ESC (or 8-bit CSI) byte and is
left as inert printable text, so what is shown is what is there.
"""

from __future__ import annotations

import re

# C0 controls except tab, DEL, C1 controls (includes the 8-bit CSI), bidi marks, embeddings,
# overrides and isolates, and the Unicode line/paragraph separators.
_CONTROL = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def neutralise(value: object) -> str:
    """``value`` as one line of text with control characters shown as escapes; tabs as spaces."""
    return _CONTROL.sub(_visible, str(value)).replace("\t", "    ")


def chain_text(chain: tuple[str, ...] | list[str]) -> str:
    """A dependency chain as ``a → b → c`` (neutralised)."""
    return " → ".join(neutralise(name) for name in chain)
