"""The JSON contract (DESIGN §7): stable keys, deterministic bytes for the same report."""

from __future__ import annotations

import json
from typing import Any

from forkaudit.model import FileError, Finding, Observed, RankedDistribution, ScanReport

SEVERITY_KEYS: tuple[str, ...] = ("high", "medium", "low")


def finding_sort_key(finding: Finding) -> tuple[str, str, int, int, str, str]:
    """The order findings are written in: by distribution, path, position, rule."""
    return (
        finding.distribution,
        finding.path,
        finding.line,
        finding.column,
        finding.rule,
        finding.fingerprint,
    )


def _observed(seen: Observed) -> dict[str, int]:
    return {"starts": seen.starts, "unreaped": seen.unreaped, "processes": seen.processes}


def _distribution(dist: RankedDistribution) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": dist.name,
        "version": dist.version,
        "rank": dist.rank,
        "score": dist.score,
        "direct": dist.direct,
        "chain": list(dist.chain),
        "counts": {key: int(dist.counts.get(key, 0)) for key in SEVERITY_KEYS},
        "files": {
            "scanned": dist.files_scanned,
            "compiled": dist.files_compiled,
            "unparsed": dist.files_unparsed,
        },
        "test_findings": dist.test_findings,
        "editable": dist.editable,
        "why": dist.why,
        "project_urls": [[label, url] for label, url in dist.project_urls],
    }
    if dist.runtime is not None:
        out["runtime"] = _observed(dist.runtime)
    return out


def _finding(finding: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "distribution": finding.distribution,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "message": finding.message,
        "snippet": finding.snippet,
        "flags": sorted(finding.flags),
        "fingerprint": finding.fingerprint,
    }
    if finding.runtime is not None:
        out["runtime"] = _observed(finding.runtime)
    return out


def _error(error: FileError) -> dict[str, Any]:
    return {"path": error.path, "distribution": error.distribution, "reason": error.reason}


def report_to_dict(report: ScanReport) -> dict[str, Any]:
    """The JSON document as plain Python data (what ``render_json`` serialises)."""
    counts: dict[str, int] = {
        "files_total": report.files_total,
        "files_parsed": report.files_parsed,
        "distributions": len(report.distributions),
        "findings": len(report.findings),
        "errors": len(report.errors),
        "suppressed": report.suppressed,
    }
    # Extra counters the scan chose to add never override the documented ones.
    for key, value in report.counts.items():
        counts.setdefault(key, value)
    out = {
        "forkaudit_version": report.forkaudit_version,
        "mode": report.mode,
        "environment": {
            "path": report.target,
            "python_version": report.python_version,
            "source": report.source,
            "counts": counts,
            "duration_seconds": round(report.duration_seconds, 3),
        },
        "score_formula": report.score_formula,
        "distributions": [
            _distribution(d) for d in sorted(report.distributions, key=lambda d: (d.rank, d.name))
        ],
        "findings": [_finding(f) for f in sorted(report.findings, key=finding_sort_key)],
        "errors": [
            _error(e)
            for e in sorted(report.errors, key=lambda e: (e.distribution, e.path, e.reason))
        ],
        "warnings": list(report.warnings),
    }
    if report.runtime is not None:
        out["runtime"] = dict(report.runtime.summary)
    return out


def render_json(report: ScanReport) -> str:
    """The report as JSON: sorted keys, indent 2, ASCII only (non-ASCII and control characters
    as \\u escapes), a trailing newline; the same report always gives the same bytes."""
    return json.dumps(report_to_dict(report), indent=2, sort_keys=True, ensure_ascii=True) + "\n"
