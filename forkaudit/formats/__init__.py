"""Output formats: each a pure function of a ScanReport."""

from __future__ import annotations

from forkaudit.formats.html import render_html
from forkaudit.formats.json_format import render_json
from forkaudit.formats.sarif import render_sarif
from forkaudit.formats.text import render_findings_lines, render_text
from forkaudit.model import ScanReport

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "html")


def render(report: ScanReport, fmt: str, *, color: bool = False) -> str:
    """``report`` rendered as ``fmt`` (text | json | sarif | html)."""
    if fmt == "text":
        return render_text(report, color=color)
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "html":
        return render_html(report)
    raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")


__all__ = [
    "FORMATS",
    "render",
    "render_findings_lines",
    "render_html",
    "render_json",
    "render_sarif",
    "render_text",
]
