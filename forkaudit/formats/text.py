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
    parts.append(f"  ·  {parsed_text(report)}  ·  {report.duration_seconds:.2f}s")
    return Text.assemble(*parts)


def runtime_text(report: ScanReport) -> str:
    """One line on the merged trace ("" without one)."""
    if report.runtime is None:
        return ""
    summary = report.runtime.summary
    command = " ".join(str(part) for part in summary.get("command", []) or [])  # type: ignore[attr-defined]
    how = (
        " (attributed by command line only)" if summary.get("attribution") == "command-line" else ""
    )
    return (
        f"run-time evidence: {neutralise(command) or 'a trace'} traced for "
        f"{summary.get('duration', 0)} s in {summary.get('processes', 0)} process(es){how}"
    )


def parsed_text(report: ScanReport) -> str:
    """What was read, without sounding like failures: most files never need a parse (nothing in
    them can start a child), so the count parsed is of the candidates."""
    return f"{report.files_parsed:,} candidate files parsed of {report.files_total:,}"


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


ANSI: dict[str, str] = {"high": "\x1b[1;31m", "medium": "\x1b[33m", "low": "\x1b[36m"}


def _ranked(
    report: ScanReport,
) -> tuple[list[RankedDistribution], list[RankedDistribution]]:
    """Every distribution by rank, and those of them with findings."""
    ranked = sorted(report.distributions, key=lambda d: (d.rank, d.name))
    return ranked, [d for d in ranked if sum(d.counts.get(s, 0) for s in SEVERITIES) > 0]


def _plain_finding(finding: Finding, color: bool = False) -> str:
    """One finding on one line, whatever its length: path:line:col, rule, severity/confidence,
    distribution, message, flags (``forkaudit scan | grep FA103`` gets all of it)."""
    where = f" {neutralise(finding.distribution)}:" if finding.distribution else ""
    flags = f" ({', '.join(neutralise(flag) for flag in finding.flags)})" if finding.flags else ""
    tag = f"{neutralise(finding.rule)} [{neutralise(finding.severity)}/{neutralise(finding.confidence)}]"
    if color:
        tag = f"{ANSI.get(finding.severity, '')}{tag}\x1b[0m"
    return (
        f"{neutralise(finding.path)}:{finding.line}:{finding.column}: {tag}{where} "
        f"{' '.join(neutralise(finding.message).split())}{flags}\n"
    )


def render_plain(
    report: ScanReport,
    *,
    top: int | None = None,
    quiet: bool = False,
    verbose: bool = False,
    color: bool = False,
) -> str:
    """The summary for a pipe or a file: no table, no wrapping, one line per distribution and
    one per finding (all of them unless ``top`` says otherwise), so grep and cut work; with
    ``color`` (FORCE_COLOR in a CI log) the rule and severity of each finding are coloured."""
    out = [_header(report).plain.replace("  ·  ", " · ") + "\n"]
    if report.runtime is not None:
        out.append(runtime_text(report) + "\n")
    ranked, suspect = _ranked(report)
    if report.mode != "check":
        shown = suspect if top is None else suspect[:top]
        for dist in shown:
            counts = ", ".join(f"{s} {dist.counts.get(s, 0)}" for s in SEVERITIES)
            chain = f" via {chain_text(dist.chain)}" if len(dist.chain) > 1 else ""
            out.append(
                f"#{dist.rank} {neutralise(dist.name)} {neutralise(dist.version)} "
                f"score {_score(dist.score)} ({counts}){chain}: {neutralise(dist.why)}\n"
            )
        if not suspect:
            out.append(f"No findings in {len(ranked)} distributions.\n")
        elif len(shown) < len(suspect):
            out.append(f"... and {len(suspect) - len(shown)} more with findings (--top N)\n")
    findings = top_findings_order(report)
    shown_findings = findings if top is None else findings[:top]
    out += [_plain_finding(finding, color) for finding in shown_findings]
    if len(shown_findings) < len(findings):
        out.append(
            f"... and {len(findings) - len(shown_findings)} more findings "
            "(--top N, or --format json for all)\n"
        )
    if not quiet:
        out += _tail_lines(report, verbose)
    return "".join(out)


def _tail_lines(report: ScanReport, verbose: bool) -> list[str]:
    lines = [f"{len(report.errors)} files could not be parsed"]
    if report.suppressed:
        lines[0] += f" · {report.suppressed} findings suppressed"
    if verbose:
        lines += [f"  {neutralise(e.path)}: {neutralise(e.reason)}" for e in report.errors]
    elif report.errors:
        lines[0] += " (-v names them)"
    lines += [f"warning: {neutralise(warning)}" for warning in report.warnings]
    if report.score_formula:
        lines.append(neutralise(report.score_formula))
    return [line + "\n" for line in lines]


def render_text(
    report: ScanReport,
    *,
    color: bool,
    top: int = 10,
    width: int = 120,
    quiet: bool = False,
    verbose: bool = False,
) -> str:
    """The human summary: header, ranked table (distributions with findings, at most ``top``),
    the ``top`` most worrying findings, error/warning counts and the score formula (not under
    ``quiet``)."""
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
    console.print(_header(report), soft_wrap=True)
    if report.runtime is not None:
        console.print(Text(runtime_text(report), style="bold"), soft_wrap=True)

    if report.mode != "check":
        ranked, suspect = _ranked(report)
        console.print()
        if suspect:
            console.print(_ranking_table(suspect[:top]))
            hidden = len(suspect) - min(len(suspect), top)
            clean = len(ranked) - len(suspect)
            notes = []
            if hidden:
                notes.append(f"{hidden} more with findings")
            if clean:
                notes.append(f"{clean} with no findings")
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
        title = Text(f"Top findings ({min(top, len(findings))} of {len(findings)})", style="bold")
        if top < len(findings):
            title.append("  --top N for more, --format json for all", style="dim")
        console.print(title)
        for finding in findings[:top]:
            console.print(_finding_line(finding))

    if not quiet:
        console.print()
        for number, line in enumerate(_tail_lines(report, verbose)):
            style = "dim"
            if (number == 0 and report.errors) or line.startswith("warning:"):
                style = "yellow"
            console.print(Text(line.rstrip("\n"), style=style))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def render_findings_lines(report: ScanReport) -> str:
    """One plain line per finding, ``path:line:col: FA103 [high] message``, sorted by path and
    position."""
    ordered = sorted(report.findings, key=lambda f: (f.path, f.line, f.column, f.rule))
    return "".join(
        f"{neutralise(f.path)}:{f.line}:{f.column}: {neutralise(f.rule)} "
        f"[{neutralise(f.severity)}] {' '.join(neutralise(f.message).split())}\n"
        for f in ordered
    )
