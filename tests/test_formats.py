"""The output formats as pure functions of a hand-built ScanReport."""

from __future__ import annotations

import dataclasses
import json

import pytest
from report_factory import HOSTILE_ANSI, HOSTILE_IMG, HOSTILE_MARKUP, HOSTILE_SCRIPT, make_report

from forkaudit.formats import render, render_findings_lines, render_html, render_json, render_text
from forkaudit.model import ScanReport

# --------------------------------------------------------------------------- json


def test_json_has_the_documented_keys() -> None:
    doc = json.loads(render_json(make_report()))
    assert set(doc) == {
        "forkaudit_version",
        "mode",
        "environment",
        "score_formula",
        "distributions",
        "findings",
        "errors",
        "warnings",
    }
    env = doc["environment"]
    assert env["path"] == "/home/dev/project/.venv"
    assert env["python_version"] == "3.12"
    assert env["duration_seconds"] == pytest.approx(1.234, abs=1e-3)
    assert env["counts"] == {
        "files_total": 100,
        "files_parsed": 96,
        "distributions": 4,
        "findings": 6,
        "errors": 2,
        "suppressed": 2,
    }
    dist = doc["distributions"][0]
    assert set(dist) == {
        "name",
        "version",
        "rank",
        "score",
        "direct",
        "chain",
        "counts",
        "files",
        "test_findings",
        "editable",
        "why",
        "project_urls",
    }
    assert dist["name"] == "acme-proxy"
    assert dist["chain"] == ["your-app", "webkit-utils", "acme-proxy"]
    assert dist["counts"] == {"high": 2, "medium": 0, "low": 0}
    assert dist["files"] == {"scanned": 42, "compiled": 1, "unparsed": 0}
    assert [d["rank"] for d in doc["distributions"]] == [1, 2, 3, 4]
    finding = doc["findings"][0]
    assert set(finding) == {
        "rule",
        "name",
        "severity",
        "confidence",
        "distribution",
        "path",
        "line",
        "column",
        "end_line",
        "message",
        "snippet",
        "flags",
        "fingerprint",
    }
    assert {f["severity"] for f in doc["findings"]} <= {"high", "medium", "low"}
    assert set(doc["errors"][0]) == {"path", "distribution", "reason"}
    assert len(doc["warnings"]) == 2


def test_json_is_deterministic_and_round_trips() -> None:
    report = make_report()
    first = render_json(report)
    assert first == render_json(make_report())
    assert first.endswith("}\n")
    assert first.isascii()
    # Input order does not change the bytes.
    shuffled = dataclasses.replace(
        report,
        findings=tuple(reversed(report.findings)),
        errors=tuple(reversed(report.errors)),
        distributions=tuple(reversed(report.distributions)),
    )
    assert render_json(shuffled) == first
    doc = json.loads(first)
    assert json.dumps(doc, indent=2, sort_keys=True) + "\n" == first
    hostile = next(f for f in doc["findings"] if f["rule"] == "FA199")
    assert HOSTILE_ANSI in hostile["message"]  # data is kept exact; JSON escapes it
    assert "\x1b" not in first


def test_json_extra_counts_never_override_the_contract() -> None:
    report = dataclasses.replace(make_report(), counts={"findings": 999, "high": 2})
    counts = json.loads(render_json(report))["environment"]["counts"]
    assert counts["findings"] == 6
    assert counts["high"] == 2


# --------------------------------------------------------------------------- text


def test_text_shows_ranking_and_findings() -> None:
    out = render_text(make_report(), color=False)
    assert "/home/dev/project/.venv" in out
    assert "Python 3.12" in out
    assert "4 distributions" in out
    assert "96 candidate files parsed of 100" in out
    assert out.index("acme-proxy") < out.index("webkit-utils")
    assert "your-app → webkit-utils →" in out
    assert "acme_proxy/proxy.py:88:11  FA101 [high/high]" in out
    assert "2 files could not be parsed" in out
    assert "score = sum over findings" in out
    assert "\x1b" not in out  # no colour asked, no escape codes


def test_text_top_limits_the_findings() -> None:
    out = render_text(make_report(), color=False, top=1)
    assert "Top findings (1 of 6)" in out
    assert "acme_proxy/proxy.py:88:11" in out
    assert "webkit_utils/render.py" not in out


def test_text_neutralises_ansi_escapes_in_untrusted_strings() -> None:
    for color in (False, True):
        out = render_text(make_report(), color=color, width=400)
        assert "\x1b]0;pwned" not in out
        assert "\x1b[31mred" not in out
        assert "\x07" not in out
        assert "\\x1b[31mred\\x1b[0m\\x1b]0;pwned\\x07" in out


def test_text_color_output_uses_escape_codes_only_for_our_styles() -> None:
    out = render_text(make_report(), color=True)
    assert "\x1b[" in out


def test_text_shows_rich_markup_literally() -> None:
    for color in (False, True):
        out = render_text(make_report(), color=color, width=400)
        assert f"evil/{HOSTILE_MARKUP}/{HOSTILE_IMG}.py:3:11" in out
        assert f"your-app → {HOSTILE_MARKUP} →" in out


def test_text_neutralises_bidi_and_control_characters() -> None:
    report = make_report()
    tricky = dataclasses.replace(report.findings[0], path="a\u202eb\x00c\x9b31m.py")
    out = render_text(dataclasses.replace(report, findings=(tricky,)), color=False)
    assert "a\\u202eb\\x00c\\x9b31m.py:88:11" in out
    assert "\u202e" not in out


def test_text_with_nothing_found() -> None:
    report = dataclasses.replace(make_report(), findings=(), errors=(), warnings=())
    report = dataclasses.replace(
        report,
        distributions=tuple(
            dataclasses.replace(d, counts={"high": 0, "medium": 0, "low": 0})
            for d in report.distributions
        ),
    )
    out = render_text(report, color=False)
    assert "No findings in 4 distributions." in out
    assert "0 files could not be parsed" in out


def test_findings_lines_are_flake8_style_and_sorted() -> None:
    lines = render_findings_lines(make_report()).splitlines()
    assert len(lines) == 6
    assert lines[0] == (
        "acme_proxy/pool.py:41:11: FA110 [high] "
        "Thread started in submit() is never joined and its target loops forever"
    )
    assert lines[1].startswith("acme_proxy/proxy.py:88:11: FA101 ")
    hostile = next(line for line in lines if "FA199" in line)
    assert "\x1b" not in hostile and "\\x1b[31m" in hostile
    assert HOSTILE_MARKUP in hostile
    assert render_findings_lines(dataclasses.replace(make_report(), findings=())) == ""


# --------------------------------------------------------------------------- html


@pytest.fixture(scope="module")
def html() -> str:
    return render_html(make_report())


def test_html_is_self_contained(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    for external in ("http://", "https://", "//cdn", "<link", "@import", "url("):
        assert external not in html
    assert "<script" not in html.replace("&lt;script", "")
    assert "Content-Security-Policy" in html


def test_html_escapes_hostile_strings(html: str) -> None:
    assert HOSTILE_SCRIPT not in html
    assert HOSTILE_IMG not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "\x1b" not in html


def test_html_content(html: str) -> None:
    for text in (
        "/home/dev/project/.venv",
        "Python 3.12",
        "acme-proxy",
        "webkit-utils",
        "first-party / unowned",
        "The child stays a zombie until the parent exits",  # consequence
        "Keep the pid and call os.waitpid(pid, 0)",  # fix
        "SyntaxError: invalid syntax (line 14)",  # unparsed file
        "sum over findings of severity weight",  # score formula
        "in test code",
        "accumulates",
        "<code>with subprocess.Popen(...) as proc:</code>",  # backticks in rule text
    ):
        assert text in html, text
    assert 'href="#dist-1"' in html and 'id="dist-1"' in html
    assert html.index('id="dist-1"') < html.index('id="dist-2"')


def test_check_mode_without_distributions() -> None:
    report = dataclasses.replace(make_report(), mode="check", distributions=())
    html = render_html(report)
    assert 'id="ranking"' not in html
    assert "first-party / unowned" in html
    text = render_text(report, color=False)
    assert "distributions" not in text.splitlines()[0]


# --------------------------------------------------------------------------- dispatch


def test_render_dispatches() -> None:
    report: ScanReport = make_report()
    assert render(report, "json") == render_json(report)
    assert render(report, "html") == render_html(report)
    assert render(report, "text") == render_text(report, color=False)
    with pytest.raises(ValueError, match="unknown format"):
        render(report, "xml")
