"""Open the HTML report in a real browser (Debian chromium, headless, offline) and check it: the
hand-made report of report_factory, and a report the real CLI writes for a scanned environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import run_cli
from report_factory import HOSTILE_DIST, HOSTILE_IMG, HOSTILE_SCRIPT, make_report
from test_html_report import build_decision_project

from forkaudit.formats import render_html
from forkaudit.rules import load_rules

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed (apt-get install chromium)"
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Runs before the report's own content; devtools scripts are not subject to the page's CSP.
CSP_LISTENER = (
    "window.__csp = []; document.addEventListener('securitypolicyviolation', "
    "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def _open(browser: Any, path: Path) -> dict[str, Any]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.add_init_script(CSP_LISTENER)
    seen: dict[str, Any] = {"console": [], "errors": [], "dialogs": [], "requests": []}
    page.on(
        "console",
        lambda m: seen["console"].append(m.text) if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    seen["page"] = page
    seen["url"] = path.as_uri()
    return seen


@pytest.fixture
def opened(browser: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    path = tmp_path / "report.html"
    path.write_text(render_html(make_report()), encoding="utf-8")
    seen = _open(browser, path)
    yield seen
    seen["page"].close()


def test_report_loads_cleanly_offline(opened: dict[str, Any]) -> None:
    page = opened["page"]
    assert opened["console"] == []
    assert opened["errors"] == []
    assert opened["requests"] == [opened["url"]]
    assert page.title().startswith("forkaudit report")
    page.screenshot(path="/tmp/report.png")


def test_ranking_table_in_rank_order(opened: dict[str, Any]) -> None:
    page = opened["page"]
    ranks = page.locator("#ranking tbody tr td:nth-child(1)").all_inner_texts()
    names = page.locator("#ranking tbody tr td:nth-child(2)").all_inner_texts()
    assert ranks == ["1", "2", "3", "4"]
    assert [n.strip() for n in names] == ["acme-proxy", "webkit-utils", HOSTILE_DIST, "requests"]
    # The ranking links to each distribution's section, which holds its findings.
    page.click("#ranking a:text('acme-proxy')")
    assert page.evaluate("location.hash") == "#dist-1"
    assert page.locator("#dist-1 h2").inner_text() == "acme-proxy"
    assert page.locator("#dist-1 .finding").count() == 2
    # The finding's own line is marked in its code.
    assert page.locator("#dist-1 tr.hit td.ln").all_inner_texts() == ["41", "88"]


def test_hostile_strings_are_inert_text(opened: dict[str, Any]) -> None:
    page = opened["page"]
    body = page.inner_text("body")
    assert HOSTILE_SCRIPT in body
    assert HOSTILE_IMG in body
    assert page.locator("img").count() == 0
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("script").count() == 0
    page.wait_for_timeout(200)
    assert opened["dialogs"] == []
    assert opened["errors"] == []
    assert opened["requests"] == [opened["url"]]


def test_test_code_findings_are_apart(opened: dict[str, Any]) -> None:
    page = opened["page"]
    details = page.locator("details.tests")
    assert details.count() == 1
    assert "test code" in details.locator("> summary").inner_text()
    assert "test_render.py" not in details.inner_text()  # collapsed until asked for
    details.locator("> summary").click()
    assert "webkit_utils/tests/test_render.py:7:11" in details.inner_text()


def test_factory_report_has_no_csp_violation(opened: dict[str, Any]) -> None:
    page = opened["page"]
    assert page.evaluate("window.__csp") == []
    # The inline style attributes (the ranking's sort positions) are allowed by style-src.
    assert page.locator("#ranking tbody tr[style]").count() == 4


# --------------------------------------------------------------------------- a scanned environment


@pytest.fixture(scope="module")
def decision_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report ``forkaudit scan`` writes for build_decision_project: 16 findings of 3 rules in
    5 distributions (2 with only low findings), forky carrying Project-URLs."""
    project = build_decision_project(tmp_path_factory.mktemp("decide-browser") / "app")
    out = project / "report.html"
    result = run_cli(["scan", "--no-cache", "--format", "html", "-o", str(out)], cwd=project)
    assert result.returncode == 1, result.stderr
    return out


@pytest.fixture
def decision(browser: Any, decision_report: Path) -> Iterator[dict[str, Any]]:
    seen = _open(browser, decision_report)
    yield seen
    seen["page"].close()


def _section(page: Any, name: str) -> Any:
    return page.locator("details.dist").filter(has=page.locator(f"h2:text-is('{name}')"))


def _shown_ranking(page: Any) -> list[str]:
    """The ranking's distribution names as a person sees them: shown rows, top to bottom."""
    rows = page.evaluate(
        """() => Array.from(document.querySelectorAll('#ranking tbody td.name'))
            .filter(td => td.getClientRects().length > 0)
            .map(td => [td.getBoundingClientRect().top, td.querySelector('a, span') ?
                 td.firstChild.textContent.trim() : td.textContent.trim()])"""
    )
    return [name for _, name in sorted(rows, key=lambda row: row[0])]


def test_scanned_report_is_clean_under_its_csp(decision: dict[str, Any]) -> None:
    page = decision["page"]
    page.click("label[for=sort-name]")
    page.click("label[for=show-medium]")
    _section(page, "onceonly").locator("> summary").click()
    page.locator("details.ignore > summary").first.click()
    page.wait_for_timeout(100)
    assert page.evaluate("window.__csp") == []
    assert decision["console"] == []
    assert decision["errors"] == []
    assert decision["requests"] == [decision["url"]]
    # The listener does see a violation when there is one: an image from the network is refused.
    page.evaluate(
        "() => { const i = document.createElement('img');"
        " i.src = 'https://example.invalid/x.png'; document.body.append(i); }"
    )
    page.wait_for_function("window.__csp.length > 0", timeout=5000)
    assert page.evaluate("window.__csp")[0].startswith("img-src https://example.invalid")


def test_scanned_report_is_short(decision: dict[str, Any], decision_report: Path) -> None:
    """16 findings of 3 rules: 19,282 px and 67,890 bytes when every finding repeated its rule's
    text and every rule was listed with its examples; about 6,000 px and 57,000 bytes now."""
    page = decision["page"]
    height = page.evaluate("document.body.scrollHeight")
    size = decision_report.stat().st_size
    print(f"report: {height} px, {size} bytes")
    assert height < 8000
    assert size < 62_000


def test_fix_text_appears_once_per_rule(decision: dict[str, Any]) -> None:
    page = decision["page"]
    pack = load_rules()
    assert [
        " ".join(t.split()) for t in page.locator("#rules article.rule h3").all_inner_texts()
    ] == [
        "FA101 fork-not-waited high",
        "FA103 popen-not-waited high",
        "FA111 thread-not-joined high",
    ]
    text = page.evaluate("document.body.textContent")  # collapsed parts included
    for rule_id in ("FA101", "FA103", "FA111"):
        rule = pack.by_id(rule_id)
        assert rule is not None
        for prose in (rule.fix, rule.consequence):
            words = max(prose.split("`")[0::2], key=len)
            assert len(words) > 30 and text.count(words) == 1, (rule_id, words)
    # A finding links to its rule's explanation, which the link brings into view.
    first = page.locator("#findings .finding").first
    assert "How to fix:" not in first.inner_text()
    first.locator("a.fix-link").click()
    assert page.evaluate("location.hash") == "#rule-1"
    assert page.locator("#rule-1").is_visible()


def test_low_only_distribution_is_collapsed(decision: dict[str, Any]) -> None:
    page = decision["page"]
    for name in ("forky", "popper", "threadly"):
        section = _section(page, name)
        assert section.evaluate("d => d.open") is True, name
        assert section.locator(".finding").first.is_visible(), name
    for name in ("onceonly", "quietish"):
        section = _section(page, name)
        assert section.evaluate("d => d.open") is False, name
        assert section.locator("> summary").is_visible()
        assert "3 low" in section.locator("> summary").inner_text()
        assert not section.locator(".finding").first.is_visible(), name
    assert "2 distributions with nothing at medium or above" in page.inner_text("#findings")
    quiet = _section(page, "quietish")
    quiet.locator("> summary").click()
    assert quiet.locator(".finding").count() == 3
    assert quiet.locator(".finding").first.is_visible()


def test_ranking_filters_and_sorts_by_clicking(decision: dict[str, Any]) -> None:
    page = decision["page"]
    # threadly's thread that never ends outranks popper's dropped Popens, which CPython reaps
    everything = ["forky", "threadly", "popper", "onceonly", "quietish", "clean"]
    assert _shown_ranking(page) == everything
    page.click("label[for=show-medium]")
    assert _shown_ranking(page) == ["forky", "threadly", "popper"]
    page.click("label[for=show-high]")
    assert _shown_ranking(page) == ["forky"]
    page.click("label[for=show-found]")
    assert _shown_ranking(page) == everything[:-1]
    page.click("label[for=show-all]")
    assert _shown_ranking(page) == everything
    page.click("label[for=show-direct]")  # a checkbox: the project's own dependencies
    assert _shown_ranking(page) == ["forky", "threadly", "popper"]
    page.click("label[for=show-direct]")
    page.click("label[for=sort-name]")
    assert _shown_ranking(page) == sorted(everything)
    page.click("label[for=sort-findings]")  # most findings first, then by rank
    assert _shown_ranking(page) == ["popper", "forky", "threadly", "onceonly", "quietish", "clean"]
    page.click("label[for=show-medium]")  # filters and sorts combine
    assert _shown_ranking(page) == ["popper", "forky", "threadly"]
    page.click("label[for=sort-rank]")
    assert _shown_ranking(page) == ["forky", "threadly", "popper"]
    # The header row stays on top, in column order.
    header = page.locator("#ranking thead th").first.bounding_box()
    cell = page.locator("#ranking tbody td").first.bounding_box()
    assert header is not None and cell is not None and header["y"] < cell["y"]


def test_links_to_project_urls_and_files(decision: dict[str, Any]) -> None:
    page = decision["page"]
    forky = _section(page, "forky")
    links = forky.locator(".links a")
    assert links.all_inner_texts() == [
        "Homepage",
        "Source",
        "Issues",
        "<img src=x onerror=alert(1)>",
    ]
    assert links.nth(1).get_attribute("href") == "https://github.com/example/forky"
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    location = forky.locator(".f-loc a").first
    href = location.get_attribute("href")
    assert href is not None and href.startswith("file:///") and href.endswith("/forky/m0.py")
    assert Path(href[len("file://") :]).is_file()
    assert location.inner_text() == "forky/m0.py:7:11"


def test_ignore_entry_is_copyable(decision: dict[str, Any]) -> None:
    page = decision["page"]
    finding = page.locator("#findings .finding").first
    fingerprint = finding.locator(".fp code").inner_text()
    entry = finding.locator("details.ignore pre.copy")
    assert not entry.is_visible()
    finding.locator("details.ignore > summary").click()
    assert entry.is_visible()
    assert entry.inner_text().splitlines() == [
        "[[tool.forkaudit.ignore-findings]]",
        f'fingerprint = "{fingerprint}"',
        'reason = "TODO: why FA101 in forky at forky/m0.py:7 is acceptable"',
    ]
    # One click selects all of it (user-select: all), ready to copy.
    entry.click()
    assert page.evaluate("window.getSelection().toString()") == entry.inner_text()
