"""Findings -> scored, ordered distributions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from forkaudit.model import DependencyInfo, Distribution, FileError, Finding, RankedDistribution

SEVERITY_WEIGHT = {"high": 10.0, "medium": 4.0, "low": 1.0}
CONFIDENCE_WEIGHT = {"high": 1.0, "medium": 0.6, "low": 0.3}
ACCUMULATION_FACTOR = 2.0

SCORE_FORMULA = (
    "score = sum over findings of severity weight (high 10, medium 4, low 1) "
    "x confidence (high 1.0, medium 0.6, low 0.3) "
    "x 2 when the finding accumulates (in a loop or per call); "
    "test-code findings are not counted. Rank 1 is the most suspect; ties break by high, then medium "
    "findings, then name."
)


def finding_score(finding: Finding) -> float:
    factor = ACCUMULATION_FACTOR if "accumulates" in finding.flags else 1.0
    return SEVERITY_WEIGHT[finding.severity] * CONFIDENCE_WEIGHT[finding.confidence] * factor


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def rank(
    distributions: Sequence[Distribution],
    findings: Iterable[Finding],
    errors: Iterable[FileError],
    scanned: Mapping[str, int],
    dependencies: Mapping[str, DependencyInfo],
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
        score = round(sum(finding_score(f) for f in counted), 2)
        info = dependencies.get(
            canonical(dist.name), DependencyInfo(direct=False, chain=(dist.name,))
        )
        rows.append((dist, score, counts, len(own) - len(counted), info))
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
        )
        for position, (dist, score, counts, test_findings, info) in enumerate(rows, start=1)
    )
