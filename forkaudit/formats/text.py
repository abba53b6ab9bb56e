"""Terminal output: the ranked table and top findings (``scan``), flake8-style lines (``check``).

Every untrusted string goes through ``neutralise`` and into a rich ``Text`` object, never into
console markup, so neither escape sequences nor ``[red]`` in a path can change what is printed.
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from forkaudit.formats._sanitize import chain_text, neutralise
from forkaudit.model import CONFIDENCES, SEVERITIES, Finding, RankedDistribution, ScanReport

SEVERITY_STYLE: dict[str, str] = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def _index(values: tuple[str, ...], value: str) -> int:
    return values.index(value) if value in values else len(values)


def top_findings_order(report: ScanReport) -> list[Finding]:
    """Findings, most worrying first: severity, confidence, accumulation, then the distribution's
    rank; test-code findings come after everything that runs in the app."""
    ranks = {d.name: d.rank for d in report.distributions}
    unranked = len(ranks) + 1

    def key(f: Finding) -> tuple[int, int, int, int, int, str, int, int, str]:
        return (
            "test_code" in f.flags,
            _index(SEVERITIES, f.severity),
            _index(CONFIDENCES, f.confidence),
            "accumulates" not in f.flags,
            ranks.get(f.distribution, unranked),
            f.path,
            f.line,
            f.column,
            f.rule,
        )

    return sorted(report.findings, key=key)


def _chain_cell(dist: RankedDistribution) -> Text:
    if len(dist.chain) > 1:
        return Text(chain_text(dist.chain))
    return Text("direct" if dist.direct else chain_text(dist.chain) or "—", style="dim")


def _score(score: float) -> str:
    return f"{score:.1f}"


def _header(report: ScanReport) -> Text:
    what = "check" if report.mode == "check" else "scan"
    python = neutralise(report.python_version) or "unknown"
    parts: list[tuple[str, str] | str] = [
        ("forkaudit ", "bold"),
        f"{neutralise(report.forkaudit_version)}  {what} of ",
        (neutralise(report.target), "bold"),
        f"  ·  Python {python}",
    ]
    if report.mode != "check":
        parts.append(f"  ·  {len(report.distributions)} distributions")
    parts.append(
        f"  ·  {report.files_parsed}/{report.files_total} files parsed"
        f"  ·  {report.duration_seconds:.2f}s"
    )
    return Text.assemble(*parts)


def _ranking_table(dists: list[RankedDistribution]) -> Table:
    table = Table(
        title="Distributions ranked by suspicion", title_justify="left", header_style="bold"
    )
    table.add_column("#", justify="right")
    table.add_column("distribution")
    table.add_column("version")
    table.add_column("score", justify="right")
    table.add_column("high", justify="right", style=SEVERITY_STYLE["high"])
    table.add_column("med", justify="right", style=SEVERITY_STYLE["medium"])
    table.add_column("low", justify="right", style=SEVERITY_STYLE["low"])
    table.add_column("chain")
    for dist in dists:
        table.add_row(
            Text(str(dist.rank)),
            Text(neutralise(dist.name), style="bold"),
            Text(neutralise(dist.version)),
            Text(_score(dist.score)),
            Text(str(dist.counts.get("high", 0))),
            Text(str(dist.counts.get("medium", 0))),
            Text(str(dist.counts.get("low", 0))),
            _chain_cell(dist),
        )
    return table


def _finding_line(finding: Finding) -> Text:
    style = SEVERITY_STYLE.get(finding.severity, "")
    line = Text.assemble(
        (f"{neutralise(finding.path)}:{finding.line}:{finding.column}", "bold"),
        "  ",
        (neutralise(finding.rule), style),
        " [",
        (neutralise(finding.severity), style),
        f"/{neutralise(finding.confidence)}] ",
        neutralise(finding.message),
    )
    extra = [neutralise(flag) for flag in finding.flags]
    if finding.distribution:
        extra.insert(0, neutralise(finding.distribution))
    if extra:
        line.append(f"  ({', '.join(extra)})", style="dim")
    return line


def render_text(report: ScanReport, *, color: bool, top: int = 10, width: int = 120) -> str:
    """The human summary: header, ranked table (distributions with findings, at most ``top``),
    the ``top`` most worrying findings, error/warning counts and the score formula."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        width=width,
        highlight=False,
        emoji=False,
        markup=False,
        soft_wrap=False,
    )
    console.print(_header(report))

    if report.mode != "check":
        ranked = sorted(report.distributions, key=lambda d: (d.rank, d.name))
        suspect = [d for d in ranked if sum(d.counts.get(s, 0) for s in SEVERITIES) > 0]
        console.print()
        if suspect:
            console.print(_ranking_table(suspect[:top]))
            hidden = len(suspect) - min(len(suspect), top)
            quiet = len(ranked) - len(suspect)
            notes = []
            if hidden:
                notes.append(f"{hidden} more with findings")
            if quiet:
                notes.append(f"{quiet} with no findings")
            if notes:
                console.print(Text(f"… and {', '.join(notes)}", style="dim"))
            console.print()
            for dist in suspect[:top]:
                console.print(
                    Text.assemble(
                        (f"{dist.rank}. {neutralise(dist.name)}", "bold"),
                        f": {neutralise(dist.why)}",
                    )
                )
        else:
            console.print(Text(f"No findings in {len(ranked)} distributions.", style="green"))

    findings = top_findings_order(report)
    if findings:
        console.print()
        console.print(
            Text(f"Top findings ({min(top, len(findings))} of {len(findings)})", style="bold")
        )
        for finding in findings[:top]:
            console.print(_finding_line(finding))

    console.print()
    tail = Text(
        f"{len(report.errors)} files could not be parsed",
        style="yellow" if report.errors else "dim",
    )
    if report.suppressed:
        tail.append(f"  ·  {report.suppressed} findings suppressed", style="dim")
    console.print(tail)
    for warning in report.warnings:
        console.print(Text(f"warning: {neutralise(warning)}", style="yellow"))
    if report.score_formula:
        console.print(Text(neutralise(report.score_formula), style="dim"))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def render_findings_lines(report: ScanReport) -> str:
    """One plain line per finding, ``path:line:col: FA103 message``, sorted by path and position."""
    ordered = sorted(report.findings, key=lambda f: (f.path, f.line, f.column, f.rule))
    return "".join(
        f"{neutralise(f.path)}:{f.line}:{f.column}: {neutralise(f.rule)} {neutralise(f.message)}\n"
        for f in ordered
    )
