"""GitHub Actions workflow commands (``--format github``): one annotation per finding, as ruff
prints them, so a CI log shows each finding on the line it concerns.

``::error file=src/app.py,line=12,col=9,title=FA101 fork-not-reaped::message``: high -> error,
medium -> warning, low -> notice. Files are relative to the repository root (where a workflow's
checkout is): for ``check``, the file itself; for ``scan``, the manifest line declaring the direct
dependency the distribution came through (the site-packages path is in the message), or no file
when the distribution is in no manifest.
"""

from __future__ import annotations

from forkaudit.formats._sanitize import chain_text
from forkaudit.formats.json_format import finding_sort_key
from forkaudit.model import Finding, ScanReport

COMMANDS: dict[str, str] = {"high": "error", "medium": "warning", "low": "notice"}


def _data(text: str) -> str:
    """A command's message: newlines and ``%`` escaped as the runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A property value: also ``:`` and ``,``, which end a property."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _annotation(report: ScanReport, finding: Finding) -> str:
    properties: list[tuple[str, str]] = []
    message = f"[{finding.severity}] {' '.join(finding.message.split())}"
    if report.mode == "check":
        anchor = report.anchors.get(finding.path)
        path = anchor[0] if anchor is not None else finding.path
        properties += [("file", path), ("line", str(finding.line)), ("col", str(finding.column))]
        properties.append(("endLine", str(max(finding.end_line, finding.line))))
    else:
        where = f"{finding.distribution or 'site-packages'}: {finding.path}:{finding.line}"
        ranked = {d.name: d for d in report.distributions}.get(finding.distribution)
        chain = ranked.chain if ranked is not None else ()
        message = f"{where}: {message}"
        if len(chain) > 1:
            message += f" (you depend on it through {chain_text(chain)})"
        anchor = report.anchors.get(finding.distribution)
        if anchor is not None:
            properties += [("file", anchor[0]), ("line", str(max(anchor[1], 1)))]
    properties.append(("title", f"{finding.rule} {finding.name}"))
    head = ",".join(f"{key}={_property(value)}" for key, value in properties)
    command = COMMANDS.get(finding.severity, "warning")
    return f"::{command} {head}::{_data(message)}\n"


def render_github(report: ScanReport) -> str:
    """One workflow command per finding, in the JSON report's order."""
    return "".join(
        _annotation(report, finding) for finding in sorted(report.findings, key=finding_sort_key)
    )
