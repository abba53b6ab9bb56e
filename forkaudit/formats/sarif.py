"""SARIF 2.1.0 for code scanning (GitHub and others): a pure function of a ScanReport.

- one ``reportingDescriptor`` per rule id, with short/full description and help (the rule's
  summary, consequence and fix);
- a result's ``level`` from the finding's severity: high -> error, medium -> warning, low -> note;
- results are anchored to a file of the user's repository: for ``scan``, the line of the manifest
  (``pyproject.toml`` / ``requirements*.txt``) declaring the direct dependency through which the
  distribution came in (else line 1 of the manifest); the site-packages path, line, column and
  dependency chain are in the message and in ``properties``; for ``check``, the file and line
  themselves. URIs are relative to ``%SRCROOT%`` (the repository root, in ``originalUriBaseIds``);
- ``partialFingerprints["forkaudit/v1"]`` is the finding's fingerprint (the one baselines use).
"""

from __future__ import annotations

import json
import pathlib
from typing import Any
from urllib.parse import quote

from forkaudit.formats._sanitize import chain_text
from forkaudit.formats.json_format import finding_sort_key
from forkaudit.model import Finding, RankedDistribution, Rule, ScanReport

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS: dict[str, str] = {"high": "error", "medium": "warning", "low": "note"}
BASE_ID = "%SRCROOT%"
FINGERPRINT_KEY = "forkaudit/v1"
INFORMATION_URI = "https://pypi.org/project/forkaudit/"


def _first_sentence(text: str) -> str:
    flat = " ".join(text.split())
    head, dot, _ = flat.partition(". ")
    return head + "." if dot else flat


def _rule(rule: Rule) -> dict[str, Any]:
    summary = " ".join(rule.summary.split())
    consequence = " ".join(rule.consequence.split())
    fix = " ".join(rule.fix.split())
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": _first_sentence(summary) or rule.name},
        "fullDescription": {"text": f"{summary} {consequence}".strip() or rule.name},
        "help": {
            "text": f"Why it hurts: {consequence}\nHow to fix: {fix}",
            "markdown": f"**Why it hurts.** {consequence}\n\n**How to fix.** {fix}",
        },
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "warning")},
        "properties": {"severity": rule.severity, "kind": rule.kind, "tags": ["reliability"]},
    }


def _uri(path: str) -> str:
    return quote(path.replace("\\", "/"), safe="/")


def _location(uri: str, line: int, column: int = 0) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(1, line)}
    if column > 0:
        region["startColumn"] = column
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(uri), "uriBaseId": BASE_ID},
            "region": region,
        }
    }


def _result(
    finding: Finding,
    report: ScanReport,
    rule_index: dict[str, int],
    dists: dict[str, RankedDistribution],
) -> dict[str, Any]:
    dist = dists.get(finding.distribution)
    chain = list(dist.chain) if dist else []
    where = f"{finding.path}:{finding.line}:{finding.column}"
    properties: dict[str, Any] = {
        "severity": finding.severity,
        "confidence": finding.confidence,
        "flags": sorted(finding.flags),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "snippet": finding.snippet,
    }
    if finding.runtime is not None:
        properties["runtime"] = {
            "starts": finding.runtime.starts,
            "unreaped": finding.runtime.unreaped,
            "processes": finding.runtime.processes,
        }
    if report.mode == "scan":
        version = dist.version if dist else ""
        text = f"{finding.rule} {finding.name}: {finding.message}"
        if finding.distribution:
            text += f". In {finding.distribution} {version} at site-packages/{where}".rstrip()
        else:
            text += f". At site-packages/{where} (a file no distribution owns)"
        if len(chain) > 1:
            text += f"; you depend on it through {chain_text(chain)}"
        properties.update(
            distribution=finding.distribution,
            version=version,
            chain=chain,
            sitePackagesPath=finding.path,
        )
        anchor = report.anchors.get(finding.distribution)
    else:
        text = f"{finding.rule} {finding.name}: {finding.message}"
        anchor = report.anchors.get(finding.path)
    if anchor is not None and anchor[1] > 0:
        location = _location(anchor[0], anchor[1])
    elif anchor is not None:
        location = _location(anchor[0], finding.line, finding.column)
    else:
        location = _location(finding.path, finding.line, finding.column)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": properties,
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    return result


def report_to_sarif(report: ScanReport) -> dict[str, Any]:
    """The SARIF log as plain Python data."""
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    rule_index = {r.id: i for i, r in enumerate(rules)}
    dists = {d.name: d for d in report.distributions}
    findings = sorted(report.findings, key=finding_sort_key)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "forkaudit",
                "version": report.forkaudit_version,
                "semanticVersion": report.forkaudit_version,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(r) for r in rules],
            }
        },
        "results": [_result(f, report, rule_index, dists) for f in findings],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "mode": report.mode,
            "target": report.target,
            "pythonVersion": report.python_version,
            "suppressed": report.suppressed,
            "baselined": report.baselined,
        },
    }
    if report.runtime is not None:
        run["properties"]["runtime"] = dict(report.runtime.summary)
    if report.anchor_root:
        run["originalUriBaseIds"] = {
            BASE_ID: {"uri": pathlib.Path(report.anchor_root).resolve().as_uri() + "/"}
        }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: ScanReport) -> str:
    """SARIF 2.1.0 JSON: sorted keys, indent 2, a trailing newline; deterministic."""
    return json.dumps(report_to_sarif(report), indent=2, sort_keys=True, ensure_ascii=True) + "\n"
