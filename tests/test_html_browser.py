"""Open the HTML report in a real browser (Debian chromium, headless, offline) and check it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from report_factory import HOSTILE_DIST, HOSTILE_IMG, HOSTILE_SCRIPT, make_report

from forkaudit.formats import render_html

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


@pytest.fixture
def opened(browser: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    path = tmp_path / "report.html"
    path.write_text(render_html(make_report()), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
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
    yield seen
    page.close()


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
    assert "test code" in details.locator("summary").inner_text()
    assert "test_render.py" not in details.inner_text()  # collapsed until asked for
    details.locator("summary").click()
    assert "webkit_utils/tests/test_render.py:7:11" in details.inner_text()
