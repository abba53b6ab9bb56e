"""Findings -> scored, ordered distributions, each with a sentence saying why it is where it is.

A distribution ranks by its strongest finding, not by how many it has: one leak that piles up per
request outranks fifty threads started once per process (DESIGN §5). The others only break ties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from forkaudit.model import (
    DependencyInfo,
    Distribution,
    FileError,
    Finding,
    Observed,
    RankedDistribution,
)

SEVERITY_WEIGHT = {"high": 100.0, "medium": 10.0, "low": 1.0}
CONFIDENCE_WEIGHT = {"high": 1.0, "medium": 0.6, "low": 0.3}
EVIDENCE_FACTOR = 2.0  # repetition seen in the code (a loop, a request handler), not assumed
OBSERVED_FACTOR = 10.0  # accumulation seen at run time (scan --runtime): beats any static guess
# what CPython reaps by itself later (a dropped Popen at the next Popen(), a pool its collector
# finalises) cannot pile up past that reaping: it weighs less than a lasting leak of its severity
TRANSIENT_FACTOR = 0.5
REST_FACTOR = 0.01
SEEN_REPEATING = ("in-loop", "per-request")

SCORE_FORMULA = (
    "score = the weight of the distribution's strongest finding + 1% of the weights of the others; "
    "a finding's weight = severity (high 100, medium 10, low 1) x confidence (high 1.0, "
    "medium 0.6, low 0.3) x 2 for a high finding the code shows repeating (in a loop, in a "
    "request handler), x 0.5 for one CPython reaps by itself later (transient), x 10 for one "
    "seen piling up at run time (--runtime); test-code findings "
    "are not counted. Rank 1 is the most suspect; ties break by "
    "high, then medium findings, then name."
)


def finding_score(finding: Finding) -> float:
    seen = finding.severity == "high" and any(flag in finding.flags for flag in SEEN_REPEATING)
    factor = EVIDENCE_FACTOR if seen else 1.0
    if "transient" in finding.flags:
        factor *= TRANSIENT_FACTOR
    if "observed" in finding.flags and "accumulates" in finding.flags:
        factor = OBSERVED_FACTOR
    return SEVERITY_WEIGHT[finding.severity] * CONFIDENCE_WEIGHT[finding.confidence] * factor


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def why(findings: Sequence[Finding]) -> str:
    """One plain sentence: why a distribution with these (counted) findings ranks where it does."""
    if not findings:
        return "no finding"
    ordered = sorted(findings, key=lambda f: (-finding_score(f), f.path, f.line))
    top = ordered[0]
    where = f"{top.path}:{top.line}"
    high = sum(1 for f in findings if f.severity == "high")
    if top.runtime is not None and "accumulates" in top.flags and "observed" in top.flags:
        seen = top.runtime
        return (
            f"seen piling up at run time: {top.rule} at {where}: started {seen.starts:,} times, "
            f"{seen.unreaped:,} unreaped in {seen.processes} traced process(es)"
        )
    if top.severity == "high":
        more = f" ({high} high findings in all)" if high > 1 else ""
        return f"can pile up under load: {top.rule} at {where}{more}: {_gist(top)}"
    bounded = len(findings)
    noun = "finding" if bounded == 1 else "findings"
    if top.severity == "medium":
        return (
            f"nothing seen to pile up; {bounded} bounded {noun}, the strongest {top.rule} at "
            f"{where}: {_gist(top)}"
        )
    return f"only cosmetic {noun} ({bounded}), the strongest {top.rule} at {where}: {_gist(top)}"


def _gist(finding: Finding) -> str:
    """The part of a finding's message that says how often it happens (its last clause)."""
    last = finding.message.rsplit("; ", 1)[-1]
    return last if len(last) <= 160 else last[:159] + "…"


def rank(
    distributions: Sequence[Distribution],
    findings: Iterable[Finding],
    errors: Iterable[FileError],
    scanned: Mapping[str, int],
    dependencies: Mapping[str, DependencyInfo],
    observed: Mapping[str, Observed] | None = None,
) -> tuple[RankedDistribution, ...]:
    """One RankedDistribution per distribution, rank 1 the most suspect."""
    by_dist: dict[str, list[Finding]] = {}
    for finding in findings:
        by_dist.setdefault(finding.distribution, []).append(finding)
    unparsed: dict[str, int] = {}
    for error in errors:
        unparsed[error.distribution] = unparsed.get(error.distribution, 0) + 1
    rows = []
    for dist in distributions:
        own = by_dist.get(dist.name, [])
        counted = [f for f in own if "test_code" not in f.flags]
        counts = {
            severity: sum(1 for f in counted if f.severity == severity)
            for severity in SEVERITY_WEIGHT
        }
        weights = sorted((finding_score(f) for f in counted), reverse=True)
        score = round(weights[0] + REST_FACTOR * sum(weights[1:]), 2) if weights else 0.0
        info = dependencies.get(
            canonical(dist.name), DependencyInfo(direct=False, chain=(dist.name,))
        )
        reason = why(counted)
        if not dist.metadata_path and dist.warnings:
            reason = dist.warnings[0]  # "not audited: sdist only ..." (audit before install)
        rows.append((dist, score, counts, len(own) - len(counted), info, reason))
    rows.sort(key=lambda r: (-r[1], -r[2]["high"], -r[2]["medium"], canonical(r[0].name)))
    return tuple(
        RankedDistribution(
            name=dist.name,
            version=dist.version,
            rank=position,
            score=score,
            direct=info.direct,
            chain=info.chain,
            counts=counts,
            files_scanned=scanned.get(dist.name, 0),
            files_compiled=dist.compiled,
            files_unparsed=unparsed.get(dist.name, 0),
            test_findings=test_findings,
            editable=dist.editable,
            why=reason,
            project_urls=dist.project_urls,
            runtime=(observed or {}).get(dist.name),
        )
        for position, (dist, score, counts, test_findings, info, reason) in enumerate(rows, start=1)
    )
