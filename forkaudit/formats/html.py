"""The HTML report: one self-contained file (inline CSS, no script, no external URL).

Everything from the scan is untrusted: the template runs with autoescape on, every value goes in as
data (never as markup), and a Content-Security-Policy forbids scripts and network loads outright,
so even a missed escape could not run code or phone home.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from forkaudit.formats._sanitize import chain_text, neutralise
from forkaudit.formats.json_format import finding_sort_key
from forkaudit.model import SEVERITIES, FileError, Finding, RankedDistribution, Rule, ScanReport

UNOWNED_TITLE = "first-party / unowned"


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


@dataclass
class SectionView:
    anchor: str
    title: str
    dist: RankedDistribution | None
    findings: list[FindingView] = field(default_factory=list)
    test_findings: list[FindingView] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)


@dataclass(frozen=True)
class RankRow:
    dist: RankedDistribution
    chain: str
    anchor: str  # "" when the distribution has no section (nothing found, nothing unparsed)
    total: int


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


def _sections(
    report: ScanReport, ranked: list[RankedDistribution], rule_anchor: dict[str, str]
) -> list[SectionView]:
    sections: dict[str, SectionView] = {}
    for dist in ranked:
        sections[dist.name] = SectionView(anchor="", title=dist.name, dist=dist)

    def section_for(name: str) -> SectionView:
        if name not in sections:
            sections[name] = SectionView(anchor="", title=name or UNOWNED_TITLE, dist=None)
        return sections[name]

    for finding in sorted(report.findings, key=finding_sort_key):
        rule = next((r for r in report.rules if r.id == finding.rule), None)
        view = FindingView(
            finding=finding,
            rule=rule,
            rule_anchor=rule_anchor.get(finding.rule, ""),
            lines=_code_lines(finding),
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


def _view(report: ScanReport) -> dict[str, object]:
    rules = sorted(report.rules, key=lambda r: r.id)
    rule_anchor = {rule.id: f"rule-{number}" for number, rule in enumerate(rules, start=1)}
    ranked = sorted(report.distributions, key=lambda d: (d.rank, d.name))
    sections = _sections(report, ranked, rule_anchor)
    anchors = {s.dist.name: s.anchor for s in sections if s.dist is not None}
    rows = [
        RankRow(
            dist=d,
            chain=chain_text(d.chain),
            anchor=anchors.get(d.name, ""),
            total=sum(d.counts.get(s, 0) for s in SEVERITIES),
        )
        for d in ranked
    ]
    app_findings = [f for f in report.findings if "test_code" not in f.flags]
    totals = {s: sum(1 for f in app_findings if f.severity == s) for s in SEVERITIES}
    return {
        "report": report,
        "rows": rows,
        "sections": sections,
        "rules": rules,
        "rule_anchor": rule_anchor,
        "totals": totals,
        "test_total": len(report.findings) - len(app_findings),
        "errors": sorted(report.errors, key=lambda e: (e.distribution, e.path, e.reason)),
        "unowned_title": UNOWNED_TITLE,
    }


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
    return env


def render_html(report: ScanReport) -> str:
    """The whole report as one HTML document (a str; write it as UTF-8)."""
    return _environment().get_template("report.html.j2").render(**_view(report))
