"""Output formats: each a pure function of a ScanReport.

Each format's module (and what it needs: jinja2 for HTML, rich for text) is imported only when
that format is asked for, so a JSON report does not pay for the others."""

from __future__ import annotations

from forkaudit.model import ScanReport

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "html", "github")


def render(report: ScanReport, fmt: str, *, color: bool = False) -> str:
    """``report`` rendered as ``fmt`` (text | json | sarif | html | github)."""
    if fmt == "text":
        return render_text(report, color=color)
    if fmt == "json":
        return render_json(report)
    if fmt == "sarif":
        return render_sarif(report)
    if fmt == "html":
        return render_html(report)
    if fmt == "github":
        return render_github(report)
    raise ValueError(f"unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")


def render_text(
    report: ScanReport,
    *,
    color: bool,
    top: int = 10,
    width: int = 120,
    quiet: bool = False,
    verbose: bool = False,
) -> str:
    from forkaudit.formats import text

    return text.render_text(report, color=color, top=top, width=width, quiet=quiet, verbose=verbose)


def render_plain(
    report: ScanReport,
    *,
    top: int | None = None,
    quiet: bool = False,
    verbose: bool = False,
    color: bool = False,
) -> str:
    from forkaudit.formats import text

    return text.render_plain(report, top=top, quiet=quiet, verbose=verbose, color=color)


def render_findings_lines(report: ScanReport) -> str:
    from forkaudit.formats import text

    return text.render_findings_lines(report)


def render_json(report: ScanReport) -> str:
    from forkaudit.formats import json_format

    return json_format.render_json(report)


def render_sarif(report: ScanReport) -> str:
    from forkaudit.formats import sarif

    return sarif.render_sarif(report)


def render_github(report: ScanReport) -> str:
    from forkaudit.formats import github

    return github.render_github(report)


def render_html(report: ScanReport) -> str:
    from forkaudit.formats import html

    return html.render_html(report)


__all__ = [
    "FORMATS",
    "render",
    "render_findings_lines",
    "render_github",
    "render_html",
    "render_json",
    "render_plain",
    "render_sarif",
    "render_text",
]
