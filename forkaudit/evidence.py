"""Run-time evidence merged into the static findings (``forkaudit scan --runtime DIR``).

A trace (``forkaudit run``) says, per creating site (file, line), how many children or threads
were started there and how many were still unreaped at the last sample. Here each traced site is
matched to the static finding at the same place, and what was seen settles what the harm model
(DESIGN §5) could only estimate:

- **seen piling up** (more than one unreaped per traced process, two for threads, at least
  three): the finding is high, flagged ``observed`` and ``accumulates``, whatever the static
  guess (a thread re-arming itself is still alive for an instant after it starts the next);
- **seen once per process** (no more starts than traced processes): never high;
- a site seen leaving something unreaped that matches no finding (code the engine did not flag,
  or the program's own code) becomes a ``runtime-only`` finding of the rule for its kind.

A traced site matches a finding of the same distribution and path when its line falls within
the start call's lines; a thread is seen when ``start()`` runs (an executor's workers when
``submit()`` runs), so a thread site matches the nearest thread or pool finding at most
``THREAD_WINDOW`` lines above it. Traces from ``watch`` carry
command lines, not file and line: they are summarised, never matched.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from forkaudit.model import (
    Environment,
    Finding,
    Observed,
    ObservedSeries,
    Rule,
    RuntimeEvidence,
    severity_at_least,
)
from forkaudit.runtime import AttributedSite, RuntimeSite, attribute, load_trace, sum_counts

THREAD_WINDOW = 20  # lines between a thread's creation and its start()
PILE_UP_MIN = 3
SERIES_SHOWN = 12

# the rule a runtime-only site of each traced kind is reported under
_RULE_OF_KIND: dict[str, str] = {
    "fork": "FA101",
    "spawn": "FA102",
    "popen": "FA103",
    "thread": "FA111",
    "process": "FA112",
    "pool": "FA113",
    "raw-thread": "FA114",
}
_THREAD_KINDS = frozenset({"thread", "raw-thread"})


def piles_up(seen: Observed, threads: bool = False) -> bool:
    """More left unreaped than one per traced process (and at least a few): accumulation. For
    threads, more than two: one that re-arms itself (a timer chain) is still alive for an
    instant after it started its successor, so a sample may catch both."""
    return seen.unreaped >= PILE_UP_MIN and seen.unreaped > (2 if threads else 1) * seen.processes


def once_per_process(seen: Observed) -> bool:
    return seen.starts <= max(seen.processes, 1)


def _counts(site: RuntimeSite) -> Observed:
    return Observed(site.starts, site.unreaped, site.processes)


def _summed(sites: Sequence[RuntimeSite]) -> Observed:
    """The sites one finding matched (its line seen from several call stacks), summed: starts
    and unreaped added, processes the distinct traced processes among them (two sites each
    started once in three workers of their own are six starts in six processes: once per
    process, not a pile-up; the most of either site, three, made it one)."""
    counts = sum_counts(sites)
    return Observed(counts.starts, counts.unreaped, counts.processes)


def _add(a: Observed | None, b: Observed) -> Observed:
    if a is None:
        return b
    return Observed(a.starts + b.starts, a.unreaped + b.unreaped, max(a.processes, b.processes))


def _seen_text(seen: Observed) -> str:
    where = "process" if seen.processes == 1 else "processes"
    return (
        f"seen at run time: started {seen.starts:,} time{'' if seen.starts == 1 else 's'} in "
        f"{seen.processes} traced {where}, "
        f"{seen.unreaped:,} unreaped at the last sample"
    )


def _kind_matches(finding: Finding, rules: dict[str, Rule], kind: str) -> bool:
    rule = rules.get(finding.rule)
    if rule is None:
        return False
    ours = str(rule.kind)
    if kind in _THREAD_KINDS:
        # an executor's or a thread pool's workers are threads started by its submit()/map()
        return ours in _THREAD_KINDS or ours == "pool"
    if kind == "popen":
        return ours in ("popen", "os-popen", "asyncio-subprocess")
    if kind == "process":
        return ours in ("process", "pool", "manager")
    return ours == kind


def _match(
    attributed: AttributedSite, candidates: Sequence[Finding], rules: dict[str, Rule]
) -> Finding | None:
    site = attributed.site
    best: Finding | None = None
    for finding in candidates:
        if not _kind_matches(finding, rules, site.kind):
            continue
        end = max(finding.end_line, finding.line)
        if site.kind in _THREAD_KINDS:
            near = finding.line <= site.line <= end + THREAD_WINDOW
        else:
            near = finding.line <= site.line <= end
        if near and (best is None or finding.line > best.line):
            best = finding
    return best


def _settle(finding: Finding, seen: Observed, threads: bool = False) -> Finding:
    """The finding with what was seen: its severity, flags and message."""
    flags = [flag for flag in finding.flags if flag != "accumulates"]
    severity = finding.severity
    if piles_up(seen, threads):
        severity = "high"
        flags.append("accumulates")
        verdict = "it piles up"
    elif once_per_process(seen):
        if severity_at_least(severity, "high"):
            severity = "medium"
        verdict = "once per process: bounded"
    else:
        if "accumulates" in finding.flags:
            flags.append("accumulates")
        verdict = "not seen piling up"
    flags.append("observed")
    message = f"{finding.message}; {_seen_text(seen)}: {verdict}"
    return dataclasses.replace(
        finding, severity=severity, flags=tuple(flags), message=message, runtime=seen
    )


def _snippet(path: str, line: int) -> str:
    try:
        with open(path, "rb") as handle:
            for number, text in enumerate(handle, start=1):
                if number == line:
                    return text.decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return ""


def _runtime_only(attributed: AttributedSite, rule: Rule) -> Finding:
    site = attributed.site
    seen = _counts(site)
    path = attributed.relpath or site.path
    accumulates = piles_up(seen, site.kind in _THREAD_KINDS)
    snippet = _snippet(site.path, site.line)
    where = f" in {site.function}()" if site.function else ""
    left = (
        f"{site.zombies:,} zombies"
        if site.zombies and site.kind not in _THREAD_KINDS
        else f"{site.unreaped:,} unreaped"
    )
    message = (
        f"{site.kind} started here{where}, flagged by no static rule; {_seen_text(seen)} "
        f"({left}): {'it piles up' if accumulates else 'not seen piling up'}"
    )
    key = f"{rule.id}|{attributed.distribution}|{path}|{site.function}|runtime-only|{site.line}"
    flags = ("runtime-only", "observed") + (("accumulates",) if accumulates else ())
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity="high" if accumulates else "medium",
        confidence="high",
        path=path,
        line=site.line,
        column=1,
        end_line=site.line,
        message=message,
        snippet=snippet,
        context_start=site.line,
        context=(snippet,) if snippet else (),
        flags=flags,
        distribution=attributed.distribution,
        fingerprint=hashlib.sha256(key.encode()).hexdigest()[:20],
        runtime=seen,
    )


def _series(label: str, site: RuntimeSite) -> ObservedSeries:
    """The site's per-process series summed on the union of their sample times (each process
    holds its last value between its samples): a sweep over each sample's change from the one
    before it in its process, so the cost grows with the samples, not with their square."""
    changes: list[tuple[float, int, int, int]] = []
    for series in site.series:
        before = (0, 0, 0)
        for position, moment in enumerate(series.times):
            now = (
                series.live_threads[position] + series.live_children[position],
                series.zombies[position],
                series.starts[position],
            )
            changes.append((moment, now[0] - before[0], now[1] - before[1], now[2] - before[2]))
            before = now
    changes.sort(key=lambda change: change[0])
    times: list[float] = []
    live: list[int] = []
    zombies: list[int] = []
    starts: list[int] = []
    at_live = at_zombies = at_starts = 0
    for position, (moment, d_live, d_zombies, d_starts) in enumerate(changes):
        at_live += d_live
        at_zombies += d_zombies
        at_starts += d_starts
        if position + 1 == len(changes) or changes[position + 1][0] != moment:
            times.append(moment)
            live.append(at_live)
            zombies.append(at_zombies)
            starts.append(at_starts)
    return ObservedSeries(
        label=label,
        kind=site.kind,
        times=tuple(round(t, 3) for t in times),
        live=tuple(live),
        zombies=tuple(zombies),
        starts=tuple(starts),
    )


def merge_runtime(
    findings: Sequence[Finding],
    trace_dir: str,
    env: Environment,
    rules: Sequence[Rule],
) -> tuple[list[Finding], RuntimeEvidence]:
    """``findings`` settled by the trace in ``trace_dir``, plus its runtime-only findings, and
    the evidence for the report. Raises ``InputError`` when ``trace_dir`` holds no trace."""
    trace = load_trace(trace_dir)
    by_id = {rule.id: rule for rule in rules}
    by_place: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        by_place.setdefault((finding.distribution, finding.path), []).append(finding)
    seen_at: dict[str, list[RuntimeSite]] = {}  # fingerprint -> the sites it matched
    extra: list[Finding] = []
    shown: list[tuple[int, str, RuntimeSite]] = []
    if trace.attribution == "stack":
        for attributed in attribute(trace, env):
            site = attributed.site
            if site.line <= 0:
                continue
            path = attributed.relpath or site.path
            candidates = by_place.get((attributed.distribution, path), [])
            match = _match(attributed, candidates, by_id)
            if match is not None:
                seen_at.setdefault(match.fingerprint, []).append(site)
            elif site.unreaped > 0 and (
                piles_up(_counts(site), site.kind in _THREAD_KINDS) or site.zombies > 0
            ):
                rule = by_id.get(_RULE_OF_KIND.get(site.kind, ""))
                if rule is not None:
                    extra.append(_runtime_only(attributed, rule))
            else:
                continue
            owner = attributed.distribution or "your code"
            shown.append((site.unreaped, f"{owner}: {path}:{site.line}", site))
    merged = [
        _settle(
            f,
            _summed(seen_at[f.fingerprint]),
            all(site.kind in _THREAD_KINDS for site in seen_at[f.fingerprint]),
        )
        if f.fingerprint in seen_at
        else f
        for f in findings
    ]
    merged.extend(extra)
    shown.sort(key=lambda item: (-item[0], item[1]))
    evidence = RuntimeEvidence(
        summary=trace.summary_json(),
        series=tuple(_series(label, site) for _, label, site in shown[:SERIES_SHOWN]),
        warnings=trace.warnings,
    )
    return merged, evidence


def distribution_sums(findings: Sequence[Finding]) -> dict[str, Observed]:
    """Per distribution: its observed findings' counts summed (processes: the most of any)."""
    sums: dict[str, Observed] = {}
    for finding in findings:
        if finding.runtime is not None and finding.distribution:
            sums[finding.distribution] = _add(sums.get(finding.distribution), finding.runtime)
    return sums
