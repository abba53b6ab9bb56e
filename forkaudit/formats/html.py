"""The HTML report: one self-contained file (inline CSS, no script, nothing loaded from elsewhere).

Everything from the scan is untrusted: the template runs with autoescape on, every value goes in as
data (never as markup), and a Content-Security-Policy forbids scripts and network loads outright,
so even a missed escape could not run code or phone home. The only URLs in it are links a person
may follow: ``file://`` links to the findings' files and a distribution's http(s) Project-URLs.

It is laid out to decide what to patch, pin or drop: distributions with nothing at medium or above
are collapsed, each rule's consequence and fix are written once (findings link to them), and the
ranking is sorted and filtered with radio buttons and CSS alone (``:checked``, grid ``order``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from forkaudit.formats._sanitize import chain_text, neutralise
from forkaudit.formats.json_format import finding_sort_key
from forkaudit.model import (
    SEVERITIES,
    FileError,
    Finding,
    ObservedSeries,
    RankedDistribution,
    Rule,
    ScanReport,
    severity_at_least,
)

UNOWNED_TITLE = "first-party / unowned"
IGNORE_TABLE = "[[tool.forkaudit.ignore-findings]]"


@dataclass(frozen=True)
class CodeLine:
    number: int
    text: str
    marked: bool


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    rule: Rule | None
    rule_anchor: str
    lines: tuple[CodeLine, ...]
    file_url: str  # file:// URL of the finding's file, "" when it is not known
    ignore_entry: str  # the TOML to paste into pyproject.toml, "" without a fingerprint


@dataclass
class SectionView:
    anchor: str
    title: str
    dist: RankedDistribution | None
    findings: list[FindingView] = field(default_factory=list)
    test_findings: list[FindingView] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    links: tuple[tuple[str, str], ...] = ()  # (label, http(s) URL)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for v in self.findings if v.finding.severity == s) for s in SEVERITIES}

    @property
    def matters(self) -> bool:
        """Something at medium or above outside test code: shown open."""
        return any(
            v.finding.severity in SEVERITIES and severity_at_least(v.finding.severity, "medium")
            for v in self.findings
        )


@dataclass(frozen=True)
class RankRow:
    dist: RankedDistribution
    chain: str
    anchor: str  # "" when the distribution has no section (nothing found, nothing unparsed)
    total: int
    top: str  # the highest severity counted ("none" without findings): the filters' class
    by_findings: int  # its position when sorted by number of findings (most first), then rank
    by_name: int  # its position when sorted by name


def _code_lines(finding: Finding) -> tuple[CodeLine, ...]:
    last = max(finding.end_line, finding.line)
    return tuple(
        CodeLine(
            number=finding.context_start + offset,
            text=neutralise(text),
            marked=finding.line <= finding.context_start + offset <= last,
        )
        for offset, text in enumerate(finding.context)
    )


def web_links(urls: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The (label, url) pairs whose URL is a plain http(s) URL: only those become links."""
    out = []
    for label, url in urls:
        if any(ch.isspace() or not ch.isprintable() for ch in url):
            continue
        try:
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            out.append((neutralise(label) or neutralise(parts.netloc), url))
    return tuple(out)


def _site_bases(report: ScanReport) -> list[str]:
    """The folders a scan's finding paths may be relative to, most likely first."""
    target = report.target
    bases = []
    if report.python_version:
        for lib in ("lib", "lib64"):
            for site in ("site-packages", "dist-packages"):
                bases.append(os.path.join(target, lib, f"python{report.python_version}", site))
    bases.append(os.path.join(target, "Lib", "site-packages"))
    if os.path.basename(report.anchor_root) in ("site-packages", "dist-packages"):
        bases.append(report.anchor_root)
    bases.append(target)
    return bases


def _as_uri(path: str) -> str:
    try:
        if PureWindowsPath(path).drive:
            return PureWindowsPath(path).as_uri()
        return PurePosixPath(path).as_uri()
    except ValueError:
        return ""


def file_url(report: ScanReport, finding: Finding) -> str:
    """A ``file://`` URL of the finding's file: its path under the folder it is relative to (for
    ``check``, the repository root the report anchors it in; for ``scan``, the first of the
    target's site folders holding it). When the target is on this machine and no folder holds
    the file (code on a ``.pth`` path), "": no link rather than a wrong one."""
    path = finding.path
    if not path or "\x00" in path:
        return ""
    if os.path.isabs(path):
        return _as_uri(os.path.normpath(path))
    parts = path.split("/")
    if report.mode == "check":
        anchored = report.anchors.get(path)
        if anchored and report.anchor_root:
            return _as_uri(os.path.normpath(os.path.join(report.anchor_root, anchored[0])))
        return _as_uri(os.path.normpath(os.path.join(report.target, *parts)))
    bases = _site_bases(report)
    for base in bases:
        candidate = os.path.normpath(os.path.join(base, *parts))
        if os.path.isfile(candidate):
            return _as_uri(candidate)
    if os.path.isdir(report.target):
        return ""
    return _as_uri(os.path.normpath(os.path.join(bases[0], *parts)))


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string (quotes, backslashes and control characters escaped)."""
    out = []
    for ch in value:
        code = ord(ch)
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate (undecodable bytes) is not TOML
            out.append("\\ufffd")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def ignore_entry(finding: Finding) -> str:
    """The ``[[tool.forkaudit.ignore-findings]]`` entry ignoring exactly this finding (by its
    fingerprint), with a reason to fill in: config.py requires one."""
    if not finding.fingerprint:
        return ""
    where = f"{finding.path}:{finding.line}"
    owner = f" in {finding.distribution}" if finding.distribution else ""
    reason = neutralise(f"TODO: why {finding.rule}{owner} at {where} is acceptable")
    return "\n".join(
        (
            IGNORE_TABLE,
            f"fingerprint = {toml_string(finding.fingerprint)}",
            f"reason = {toml_string(reason)}",
        )
    )


def _severity_key(finding: Finding) -> int:
    return SEVERITIES.index(finding.severity) if finding.severity in SEVERITIES else len(SEVERITIES)


def _sections(
    report: ScanReport, ranked: list[RankedDistribution], rule_anchor: dict[str, str]
) -> list[SectionView]:
    sections: dict[str, SectionView] = {}
    for dist in ranked:
        sections[dist.name] = SectionView(
            anchor="", title=dist.name, dist=dist, links=web_links(dist.project_urls)
        )

    def section_for(name: str) -> SectionView:
        if name not in sections:
            sections[name] = SectionView(anchor="", title=name or UNOWNED_TITLE, dist=None)
        return sections[name]

    rules = {rule.id: rule for rule in report.rules}
    # The worst first within a distribution: what to look at before deciding.
    for finding in sorted(report.findings, key=lambda f: (_severity_key(f), finding_sort_key(f))):
        view = FindingView(
            finding=finding,
            rule=rules.get(finding.rule),
            rule_anchor=rule_anchor.get(finding.rule, ""),
            lines=_code_lines(finding),
            file_url=file_url(report, finding),
            ignore_entry=ignore_entry(finding),
        )
        target = section_for(finding.distribution)
        (target.test_findings if "test_code" in finding.flags else target.findings).append(view)
    for error in sorted(report.errors, key=lambda e: (e.path, e.reason)):
        section_for(error.distribution).errors.append(error)

    # Ranked first (by rank), then unranked owners by name, then first-party / unowned last.
    order = [d.name for d in ranked]
    order += sorted(name for name in sections if name not in order and name)
    if "" in sections:
        order.append("")
    kept = [
        sections[name]
        for name in order
        if sections[name].findings or sections[name].test_findings or sections[name].errors
    ]
    for number, section in enumerate(kept, start=1):
        section.anchor = f"dist-{number}"
    return kept


def _rows(ranked: list[RankedDistribution], anchors: dict[str, str]) -> list[RankRow]:
    def counted(d: RankedDistribution) -> tuple[int, ...]:
        return tuple(d.counts.get(s, 0) for s in SEVERITIES)

    by_findings = {
        d.name: n
        for n, d in enumerate(sorted(ranked, key=lambda d: (-sum(counted(d)), d.rank)), start=1)
    }
    by_name = {
        d.name: n
        for n, d in enumerate(sorted(ranked, key=lambda d: (d.name.lower(), d.rank)), start=1)
    }
    return [
        RankRow(
            dist=d,
            chain=chain_text(d.chain),
            anchor=anchors.get(d.name, ""),
            total=sum(counted(d)),
            top=next((s for s in SEVERITIES if d.counts.get(s, 0)), "none"),
            by_findings=by_findings[d.name],
            by_name=by_name[d.name],
        )
        for d in ranked
    ]


def _view(report: ScanReport) -> dict[str, object]:
    seen = {f.rule for f in report.findings}
    rules = sorted((r for r in report.rules if r.id in seen), key=lambda r: r.id)
    rule_anchor = {rule.id: f"rule-{number}" for number, rule in enumerate(rules, start=1)}
    ranked = sorted(report.distributions, key=lambda d: (d.rank, d.name))
    sections = _sections(report, ranked, rule_anchor)
    anchors = {s.dist.name: s.anchor for s in sections if s.dist is not None}
    app_findings = [f for f in report.findings if "test_code" not in f.flags]
    totals = {s: sum(1 for f in app_findings if f.severity == s) for s in SEVERITIES}
    return {
        "report": report,
        "rows": _rows(ranked, anchors),
        "loud": [s for s in sections if s.matters],
        "quiet": [s for s in sections if not s.matters],
        "rules": rules,
        "unseen_rules": sorted((r for r in report.rules if r.id not in seen), key=lambda r: r.id),
        "rule_anchor": rule_anchor,
        "totals": totals,
        "test_total": len(report.findings) - len(app_findings),
        "errors": sorted(report.errors, key=lambda e: (e.distribution, e.path, e.reason)),
        "unowned_title": UNOWNED_TITLE,
        "runtime": report.runtime,
        "charts": [
            (series, runtime_chart(series))
            for series in (report.runtime.series if report.runtime is not None else ())
        ],
    }


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 520, 140, 28


def _points(times: tuple[float, ...], values: tuple[int, ...], span: float, top: int) -> str:
    """A step line: each value holds until the next sample."""
    inner_w = CHART_WIDTH - 2 * CHART_PAD
    inner_h = CHART_HEIGHT - 2 * CHART_PAD
    points: list[str] = []
    previous: float | None = None
    for moment, value in zip(times, values, strict=True):
        x = CHART_PAD + inner_w * (moment / span if span else 0.0)
        y = CHART_HEIGHT - CHART_PAD - inner_h * (value / top)
        if previous is not None:
            points.append(f"{x:.1f},{previous:.1f}")
        points.append(f"{x:.1f},{y:.1f}")
        previous = y
    return " ".join(points)


def runtime_chart(series: ObservedSeries) -> Markup:
    """Live threads/children and zombies of one observed site over the trace, as inline SVG
    (no script; numbers only go into it, every text is escaped)."""
    span = max(series.times, default=0.0)
    top = max([*series.live, *series.zombies, 1])
    parts = [
        Markup(
            '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            'aria-label="{label}">'
        ).format(w=CHART_WIDTH, h=CHART_HEIGHT, label=f"{neutralise(series.label)} over time"),
        Markup(
            '<line x1="{p}" y1="{b}" x2="{r}" y2="{b}" stroke="#888"/>'
            '<line x1="{p}" y1="{p}" x2="{p}" y2="{b}" stroke="#888"/>'
            '<text x="4" y="{t}" font-size="11">{top}</text>'
            '<text x="4" y="{b}" font-size="11">0</text>'
            '<text x="{r}" y="{s}" font-size="11" text-anchor="end">{span:.0f} s</text>'
        ).format(
            p=CHART_PAD,
            b=CHART_HEIGHT - CHART_PAD,
            r=CHART_WIDTH - CHART_PAD,
            t=CHART_PAD + 4,
            s=CHART_HEIGHT - 8,
            top=top,
            span=span,
        ),
    ]
    for values, color, name in (
        (series.live, "#1f6feb", "still running"),
        (series.zombies, "#d1242f", "zombies"),
    ):
        if any(values):
            parts.append(
                Markup(
                    '<polyline fill="none" stroke="{c}" stroke-width="2" points="{pts}">'
                    "<title>{name}</title></polyline>"
                ).format(c=color, pts=_points(series.times, values, span, top), name=name)
            )
    parts.append(
        Markup(
            '<text x="{x}" y="14" font-size="11" fill="#1f6feb">— still running</text>'
            '<text x="{x2}" y="14" font-size="11" fill="#d1242f">— zombies</text></svg>'
        ).format(x=CHART_PAD + 8, x2=CHART_PAD + 118)
    )
    return Markup("").join(parts)


def _code_block(code: str) -> str:
    """A multi-line example: each line neutralised, trailing blank lines dropped (escaped later)."""
    return "\n".join(neutralise(line) for line in code.rstrip().splitlines())


def _prose(text: str) -> Markup:
    """Rule text with `backtick` spans shown as code: every piece is escaped, only the <code>
    tags are ours."""
    pieces = neutralise(text).split("`")
    if len(pieces) % 2 == 0:  # an unmatched backtick: show the text as it is
        return Markup(escape(neutralise(text)))
    return Markup("").join(
        Markup("<code>{}</code>").format(piece) if odd else escape(piece)
        for odd, piece in ((n % 2 == 1, p) for n, p in enumerate(pieces))
    )


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("forkaudit", "formats/templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["clean"] = neutralise
    env.filters["score"] = lambda value: f"{float(value):.1f}"
    env.filters["code_block"] = _code_block
    env.filters["prose"] = _prose
    env.filters["thousands"] = lambda value: f"{int(value):,}"
    return env


def render_html(report: ScanReport) -> str:
    """The whole report as one HTML document (a str; write it as UTF-8)."""
    return _environment().get_template("report.html.j2").render(**_view(report))
