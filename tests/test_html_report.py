"""The HTML report as a help to decide what to patch, pin or drop (issue 13, item 9), built from a
real environment on disk scanned by the real CLI: Project-URLs read from METADATA, low-only
distributions collapsed, each rule's text once, file links, and ignore entries that work when
pasted into pyproject.toml."""

from __future__ import annotations

import html as html_lib
import json
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from builders import PROXY_PY, make_dist_info, make_fake_venv, run_cli
from markupsafe import escape

from forkaudit.environment import load_environment
from forkaudit.formats.html import ignore_entry, toml_string, web_links
from forkaudit.model import Finding
from forkaudit.ranking import rank
from forkaudit.rules import load_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

POPEN_PER_CALL = 'import subprocess\n\n\ndef render(page):\n    subprocess.Popen(["true", page])\n    return page\n'
POPEN_AT_IMPORT = 'import subprocess\n\nsubprocess.Popen(["true"])\n'
THREAD_AT_IMPORT = (
    "import threading\n\n\ndef _loop():\n    while True:\n        pass\n\n\n"
    "threading.Thread(target=_loop).start()\n"
)
HOSTILE_LABEL = "<img src=x onerror=alert(1)>"
FORKY_URLS = (
    "Home-page: https://forky.example/",
    "Project-URL: Source, https://github.com/example/forky",
    "Project-URL: Issues, https://github.com/example/forky/issues",
    "Project-URL: Homepage again, https://forky.example/",  # a repeated URL is left out
    "Project-URL: Bad, javascript:alert(1)",  # never a link
    f'Project-URL: {HOSTILE_LABEL}, https://evil.example/"><script>alert(1)</script>',
)


def build_decision_project(root: Path) -> Path:
    """A project folder with a pyproject.toml and a venv-shaped ``.venv`` holding 16 findings of
    3 rules: forky (3 high FA101, with Project-URLs), popper (4 medium FA103), threadly (1 medium
    FA111, 2 low FA103), onceonly and quietish (3 low FA103 each: nothing at medium or above),
    and clean (nothing). Returns the project folder."""
    site = make_fake_venv(root / ".venv")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "0"\ndependencies = ["forky", "popper", "threadly"]\n',
        encoding="utf-8",
    )
    make_dist_info(
        site,
        "forky",
        "1.0",
        {f"forky/m{i}.py": PROXY_PY for i in range(3)},
        extra_metadata=FORKY_URLS,
    )
    make_dist_info(site, "popper", "2.0", {f"popper/p{i}.py": POPEN_PER_CALL for i in range(4)})
    make_dist_info(
        site,
        "threadly",
        "0.1",
        {
            "threadly/a.py": POPEN_AT_IMPORT,
            "threadly/b.py": POPEN_AT_IMPORT,
            "threadly/c.py": THREAD_AT_IMPORT,
        },
    )
    for name in ("onceonly", "quietish"):
        make_dist_info(
            site, name, "0.1", {f"{name}/{m}.py": POPEN_AT_IMPORT for m in ("a", "b", "c")}
        )
    make_dist_info(site, "clean", "0.1", {"clean/__init__.py": "x = 1\n"})
    return root


def scan(project: Path, fmt: str, out: Path) -> dict[str, object] | str:
    result = run_cli(["scan", "--no-cache", "--format", fmt, "-o", str(out)], cwd=project)
    assert result.returncode in (0, 1), result.stderr
    text = out.read_text(encoding="utf-8")
    return json.loads(text) if fmt == "json" else text  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_decision_project(tmp_path_factory.mktemp("decide") / "app")


@pytest.fixture(scope="module")
def report_html(project: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return scan(project, "html", tmp_path_factory.mktemp("out") / "report.html")  # type: ignore[return-value]


def _sections(html: str) -> dict[str, str]:
    """Each distribution section's opening tag, by the name in its heading."""
    return {
        html_lib.unescape(name): tag
        for tag, name in re.findall(
            r'(<details class="dist"[^>]*>)\s*<summary[^>]*>\s*<h2>(.*?)</h2>', html
        )
    }


# --------------------------------------------------------------------------- environment


def test_project_urls_are_read_from_metadata(project: Path) -> None:
    env = load_environment(str(project / ".venv"))
    forky = next(d for d in env.distributions if d.name == "forky")
    assert forky.project_urls == (
        ("Homepage", "https://forky.example/"),
        ("Source", "https://github.com/example/forky"),
        ("Issues", "https://github.com/example/forky/issues"),
        ("Bad", "javascript:alert(1)"),
        (HOSTILE_LABEL, 'https://evil.example/"><script>alert(1)</script>'),
    )
    assert next(d for d in env.distributions if d.name == "popper").project_urls == ()
    # The ranking carries them to the formats.
    ranked = rank(env.distributions, [], [], {}, {})
    assert next(r for r in ranked if r.name == "forky").project_urls == forky.project_urls


def test_project_urls_survive_the_environment_cache(tmp_path: Path) -> None:
    project = build_decision_project(tmp_path / "app")
    args = ["scan", "--cache-dir", str(tmp_path / "cache"), "--format", "html"]
    for run in ("cold", "warm"):
        out = tmp_path / f"{run}.html"
        assert run_cli([*args, "-o", str(out)], cwd=project).returncode == 1
        assert 'href="https://github.com/example/forky"' in out.read_text(encoding="utf-8"), run


def test_only_http_urls_become_links() -> None:
    assert web_links(
        (
            ("Source", "https://github.com/x/y"),
            ("Plain", "http://x.example"),
            ("", "https://nolabel.example/"),
            ("js", "javascript:alert(1)"),
            ("data", "data:text/html,<script>alert(1)</script>"),
            ("file", "file:///etc/passwd"),
            ("no host", "https:///path"),
            ("spaces", "https://x.example/a b"),
            ("UNKNOWN", "UNKNOWN"),
        )
    ) == (
        ("Source", "https://github.com/x/y"),
        ("Plain", "http://x.example"),
        ("nolabel.example", "https://nolabel.example/"),
    )


# --------------------------------------------------------------------------- the report


def test_low_only_distributions_are_collapsed(report_html: str) -> None:
    sections = _sections(report_html)
    assert set(sections) == {"forky", "popper", "threadly", "onceonly", "quietish"}
    for name in ("forky", "popper", "threadly"):  # something at medium or above
        assert " open" in sections[name], name
    for name in ("onceonly", "quietish"):  # only low findings
        assert " open" not in sections[name], name
    assert "2 distributions with nothing at medium or above (collapsed)" in report_html
    # The open ones come first, the collapsed ones after them.
    assert report_html.index(sections["threadly"]) < report_html.index(sections["onceonly"])


def test_each_rule_is_explained_once(report_html: str) -> None:
    pack = load_rules()
    seen = ("FA101", "FA103", "FA111")
    assert report_html.count('<article class="rule"') == len(seen)
    assert report_html.count("How to fix:") == len(seen)
    assert report_html.count("At run time:") == len(seen)
    for rule_id in seen:
        rule = pack.by_id(rule_id)
        assert rule is not None
        # the fix's longest stretch of prose (outside the `code` spans the template marks up)
        words = str(escape(max(rule.fix.split("`")[0::2], key=len)))
        assert len(words) > 40 and report_html.count(words) == 1, rule_id
    # Every finding links to its rule's explanation instead of repeating it.
    assert report_html.count('class="fix-link"') == 16
    # The rules that found nothing are named, not explained.
    assert "Also checked, nothing found: FA102 spawn-not-waited" in report_html


def test_header_says_what_was_parsed(report_html: str) -> None:
    assert "16 candidate files parsed of 17" in report_html
    assert "of 17 files parsed" not in report_html


def test_links_to_files_and_project_urls(report_html: str, project: Path) -> None:
    urls = re.findall(r'<div class="f-loc"><a href="([^"]+)"', report_html)
    assert len(urls) == 16
    for url in urls:
        parts = urlsplit(html_lib.unescape(url))
        assert parts.scheme == "file"
        assert Path(unquote(parts.path)).is_file(), url
    site = project / ".venv" / "lib" / "python3.12" / "site-packages"
    assert f'href="{(site / "forky" / "m0.py").as_uri()}"' in report_html
    # Project-URLs: http(s) ones as links, labels and URLs escaped, javascript: never a link.
    assert '<a href="https://github.com/example/forky" rel="noopener noreferrer">Source</a>' in (
        report_html
    )
    assert 'href="https://forky.example/"' in report_html
    assert report_html.count('href="https://forky.example/"') == 1
    assert "javascript:" not in report_html
    assert (
        'href="https://evil.example/&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in report_html
    )
    assert "&lt;img src=x onerror=alert(1)&gt;</a>" in report_html
    assert HOSTILE_LABEL not in report_html and "<script>" not in report_html


def test_report_has_no_script_and_loads_nothing(report_html: str) -> None:
    assert "<script" not in report_html.replace("&lt;script", "")
    for external in ("<link", "@import", "url(", "src="):
        assert external not in report_html.replace("src=x", "")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', report_html)
    assert csp is not None and "default-src 'none'" in csp.group(1)
    assert "script-src" not in csp.group(1)  # no script at all: default-src 'none' covers it


def test_pasted_ignore_entry_removes_exactly_that_finding(project: Path, tmp_path: Path) -> None:
    """Copy an entry from the report, paste it at the end of the project's pyproject.toml, scan
    again with the real CLI: that finding is gone (counted as suppressed), the others remain."""
    fresh = build_decision_project(tmp_path / "app")
    html = scan(fresh, "html", tmp_path / "report.html")
    assert isinstance(html, str)
    entries = [
        html_lib.unescape(e) for e in re.findall(r'<pre class="copy">(.*?)</pre>', html, re.S)
    ]
    assert len(entries) == 16
    before = scan(fresh, "json", tmp_path / "before.json")
    assert isinstance(before, dict)
    findings = before["findings"]
    assert isinstance(findings, list) and len(findings) == 16
    chosen = entries[0]
    fingerprint = re.search(r'^fingerprint = "([0-9a-f]+)"$', chosen, re.M)
    assert fingerprint is not None
    assert fingerprint.group(1) in {f["fingerprint"] for f in findings}

    pyproject = fresh / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n" + chosen + "\n", "utf-8")
    after = scan(fresh, "json", tmp_path / "after.json")
    assert isinstance(after, dict)
    left = after["findings"]
    assert isinstance(left, list)
    assert {f["fingerprint"] for f in left} == {f["fingerprint"] for f in findings} - {
        fingerprint.group(1)
    }
    # Two more pasted one after the other still parse (an array of tables), and both apply.
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "\n" + entries[1] + "\n\n" + entries[2] + "\n",
        "utf-8",
    )
    again = scan(fresh, "json", tmp_path / "again.json")
    assert isinstance(again, dict) and isinstance(again["findings"], list)
    assert len(again["findings"]) == 13


def test_ignore_entry_of_hostile_names_is_valid_toml() -> None:
    finding = Finding(
        rule="FA103",
        name="popen-not-waited",
        severity="low",
        confidence="high",
        path='evil/"quoted"\\back\x1b[31m\x7f.py',
        line=3,
        column=1,
        end_line=3,
        message="",
        snippet="",
        context_start=1,
        context=(),
        flags=(),
        distribution='evil"pkg\n[tool.forkaudit]\nfail-on = "none"',
        fingerprint="0123456789abcdef0123",
    )
    entry = ignore_entry(finding)
    assert entry.splitlines()[0] == "[[tool.forkaudit.ignore-findings]]"
    assert len(entry.splitlines()) == 3  # a name cannot add lines (or keys) to the entry
    table = tomllib.loads(entry)["tool"]["forkaudit"]["ignore-findings"]
    assert table == [
        {
            "fingerprint": "0123456789abcdef0123",
            "reason": table[0]["reason"],
        }
    ]
    assert table[0]["reason"].startswith("TODO: why FA103 in evil")
    for value in ('"', "\\", "\x00", "\x7f", "\udcff", "é ☃ 😀"):
        assert tomllib.loads(f"v = {toml_string(value)}")["v"] in (value, "\ufffd")
