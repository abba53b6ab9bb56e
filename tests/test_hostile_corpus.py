"""Issue 6: a hostile environment, built once per session, scanned end to end through the CLI.

Everything is generated here (nothing downloaded): source that does not parse, odd bytes, a file
that crashes libcst's native parser, symlink loops and escapes, broken metadata, a package whose
import writes a canary, and names, paths and code carrying HTML and ANSI injections. The scan must
finish, put every file it could not read in ``errors[]`` with the reason, keep every finding of
the readable files, execute nothing, and render the hostile strings inertly.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from builders import make_dist_info, make_fake_venv, run_cli

SCRIPT = "</script><script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ANSI = "\x1b[31mRED\x1b[0m\x1b]0;pwned\x07"

# A leak: `pid` is bound and never waited. MARK is replaced to make every line unique.
LEAK = "def handle_{tag}(conn):\n    pid = os.fork()  # leak {tag}\n    return conn\n"


def leak(tag: str) -> str:
    return LEAK.format(tag=tag)


@dataclass
class Hostile:
    root: Path
    venv: Path
    site: Path
    canary: Path
    outside: Path
    leaks: set[tuple[str, str]] = field(default_factory=set)  # (path, "leak TAG") expected
    errors: dict[str, str] = field(default_factory=dict)  # path -> regex the reason must match
    clean: set[str] = field(default_factory=set)  # paths that must be neither finding nor error
    never: set[str] = field(default_factory=set)  # tags that must not be reported (outside)


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def build_hostile(root: Path) -> Hostile:
    venv = root / "venv"
    site = make_fake_venv(venv, "3.12")
    canary = root / "CANARY"
    outside = root / "outside"
    h = Hostile(root=root, venv=venv, site=site, canary=canary, outside=outside)
    write_canary = f"open({str(canary)!r}, 'w').write('imported')\n"

    def expect(path: str, *tags: str) -> None:
        for tag in tags:
            h.leaks.add((path, f"leak {tag}"))

    # -- a package whose import writes a canary; its leaks must be found without importing it
    files: dict[str, str | bytes] = {
        "canary_pkg/__init__.py": write_canary + "import os\n" + leak("init"),
        "canary_pkg/mod.py": "import os\n" + write_canary + leak("canary"),
    }
    expect("canary_pkg/__init__.py", "init")
    expect("canary_pkg/mod.py", "canary")
    make_dist_info(site, "canary-pkg", "1.0", files)
    _write(site / "sitecustomize.py", write_canary)
    _write(site / "usercustomize.py", write_canary)
    _write(site / "evil.pth", f"import os; {write_canary.strip()}\n")

    # -- source that does not parse, next to files that do (same distribution)
    # inside a function that forks, so slicing cannot leave the killer out of the parse
    deep = "def boom():\n    os.fork()\n    x = " + "(" * 10000 + "1" + ")" * 10000 + "\n"
    files = {
        # a Python 2 print statement: that line is left out, the rest of f() analysed
        "parse_bad/py2.py": (
            "import os\n\ndef handle_py2(conn):\n    print 'forking'\n"
            "    pid = os.fork()  # leak py2\n    return conn\n"
        ),
        "parse_bad/syntax.py": "import os\n\ndef f(:\n    os.fork()\n",
        "parse_bad/deep.py": "import os\n" + deep + leak("deep"),
        "parse_bad/deep_list.py": "import os\ndef boom():\n    os.fork()\n    x = "
        + "[" * 3000
        + "]" * 3000
        + "\n"
        + leak("dl"),
        "parse_bad/newer.py": (
            "import os\ntype Alias = list[int]\n\n\ndef first[T](xs: list[T]) -> T:\n"
            "    return xs[0]\n\n\n" + leak("pep695") + "\n\ndef g(x):\n"
            '    return f"{\'a\' if x else "b"}"\n\n\n' + leak("pep701")
        ),
        "parse_bad/ok.py": "import os\n" + leak("parse_ok"),
    }
    make_dist_info(site, "parse-bad", "1.0", files)
    h.errors["parse_bad/py2.py"] = r"syntax error.*left out the statement at line 4"
    expect("parse_bad/py2.py", "py2")
    h.errors["parse_bad/syntax.py"] = r"syntax error"
    h.errors["parse_bad/deep.py"] = r"crashed the parser|too deeply nested"
    expect("parse_bad/newer.py", "pep695", "pep701")
    expect("parse_bad/ok.py", "parse_ok")

    # -- bytes
    big = ["import os\n"]
    for n in range(40000):
        big.append(f"def f{n}(a, b):\n    return a + b * {n}\n\n")
    big.append(leak("big"))
    files = {
        "bytes_odd/undecodable.py": b"import os\n# \xff\xfe\xfa\n" + leak("x").encode(),
        "bytes_odd/unknown_cookie.py": b"# -*- coding: klingon -*-\nimport os\n"
        + leak("x").encode(),
        "bytes_odd/wrong_cookie.py": b"# -*- coding: ascii -*-\nimport os\n# caf\xc3\xa9\n"
        + leak("x").encode(),
        "bytes_odd/latin_cookie.py": b"# -*- coding: latin-1 -*-\nimport os\n# caf\xe9\n"
        + leak("latin").encode(),
        "bytes_odd/nul.py": b"import os\n\x00\n" + leak("x").encode(),
        "bytes_odd/bom.py": b"\xef\xbb\xbfimport os\n" + leak("bom").encode(),
        "bytes_odd/crlf.py": ("import os\n# crlf\n" + leak("crlf")).replace("\n", "\r\n").encode(),
        "bytes_odd/cr.py": ("import os\n# cr\n" + leak("cr")).replace("\n", "\r").encode(),
        "bytes_odd/empty.py": b"",
        "bytes_odd/big.py": "".join(big),
        # A 3 MB line in a function (sliced away), and a 70 kB one at module level (parsed).
        "bytes_odd/longline.py": "import os\n\n\ndef data():\n    return ["
        + ", ".join(str(n) for n in range(400000))
        + "]\n\n\n"
        + leak("longline"),
        "bytes_odd/longheader.py": "import os\nDATA = ["
        + ", ".join(str(n) for n in range(10000))
        + "]\n"
        + leak("longheader"),
    }
    make_dist_info(site, "bytes-odd", "1.0", files)
    h.errors["bytes_odd/undecodable.py"] = r"cannot decode as utf-8"
    h.errors["bytes_odd/unknown_cookie.py"] = r"coding.*klingon"
    h.errors["bytes_odd/wrong_cookie.py"] = r"cannot decode as ascii"
    h.errors["bytes_odd/nul.py"] = r"NUL"
    for tag, path in [
        ("latin", "latin_cookie"),
        ("bom", "bom"),
        ("crlf", "crlf"),
        ("cr", "cr"),
        ("big", "big"),
        ("longline", "longline"),
        ("longheader", "longheader"),
    ]:
        expect(f"bytes_odd/{path}.py", tag)
    h.clean.add("bytes_odd/empty.py")

    # -- filesystem
    outside.mkdir()
    _write(outside / "outside_leak.py", "import os\n" + leak("outside"))
    h.never.add("leak outside")
    files = {"fs_odd/ok.py": "import os\n" + leak("fs_ok")}
    record = (
        "fs_odd/ok.py,,\nfs_odd/missing.py,,\nfs_odd/adir.py,,\nfs_odd/fifo.py,,\n"
        "fs_odd/loop_a.py,,\nfs_odd/loop_b.py,,\nfs_odd/self.py,,\nfs_odd/outside.py,,\n"
        "fs_odd/outdir/outside_leak.py,,\nfs_odd/up/fs_odd/ok.py,,\n"
        "../../../outside/outside_leak.py,,\n/etc/passwd.py,,\n"
    )
    make_dist_info(site, "fs-odd", "1.0", files, record=record)
    fs = site / "fs_odd"
    (fs / "adir.py").mkdir()
    os.mkfifo(fs / "fifo.py")
    os.symlink("loop_b.py", fs / "loop_a.py")
    os.symlink("loop_a.py", fs / "loop_b.py")
    os.symlink("self.py", fs / "self.py")
    os.symlink(outside / "outside_leak.py", fs / "outside.py")
    os.symlink(outside, fs / "outdir")
    os.symlink("..", fs / "up")  # a folder loop
    expect("fs_odd/ok.py", "fs_ok")

    # -- metadata
    make_dist_info(site, "no-record", "1.0", {"no_record/m.py": "import os\n" + leak("norec")})
    (site / "no_record-1.0.dist-info" / "RECORD").unlink()
    expect("no_record/m.py", "norec")
    make_dist_info(
        site,
        "garbled-record",
        "1.0",
        {"garbled_record/m.py": "import os\n" + leak("garbled")},
        record=b'\x00\xff"garbage,\n\x00\x00',
    )
    expect("garbled_record/m.py", "garbled")
    make_dist_info(
        site,
        "bad-version",
        "1.0",
        {"bad_version/m.py": "import os\n" + leak("badver")},
        requires=[
            "???not a requirement",
            'canary-pkg; python_version ~= "abc"',
            "canary-pkg; " + "(" * 2000 + 'python_version > "3"' + ")" * 2000,
            f"evil{SCRIPT}",
        ],
    )
    meta = site / "bad_version-1.0.dist-info" / "METADATA"
    meta.write_text(meta.read_text().replace("Version: 1.0", "Version: not a version!!"))
    expect("bad_version/m.py", "badver")
    make_dist_info(site, "dupe-pkg", "1.0", {"dupe_pkg/a.py": "import os\n" + leak("dupe1")})
    make_dist_info(
        site,
        "Dupe_Pkg",
        "2.0",
        {"dupe_pkg/b.py": "import os\n" + leak("dupe2")},
        folder="Dupe_Pkg-2.0.dist-info",
    )
    expect("dupe_pkg/a.py", "dupe1")
    expect("dupe_pkg/b.py", "dupe2")
    _write(site / "egg_pkg" / "__init__.py", "import os\n" + leak("egg"))
    _write(
        site / "egg_pkg-1.0-py3.12.egg-info" / "PKG-INFO",
        "Metadata-Version: 1.1\nName: egg-pkg\nVersion: 1.0\n",
    )
    _write(
        site / "egg_pkg-1.0-py3.12.egg-info" / "installed-files.txt",
        "../egg_pkg/__init__.py\n",
    )
    _write(site / "broken_egg-0.1.egg-info", b"\x00\xffnot an egg")
    expect("egg_pkg/__init__.py", "egg")
    _write(venv / "src" / "pth_added.py", "import os\n" + leak("pth"))
    _write(site / "extra.pth", "# a comment\n../../../src\n/nonexistent\n")
    expect("pth_added.py", "pth")
    make_dist_info(
        site,
        "editable-proj",
        "0.1",
        {"__editable__.editable_proj-0.1.pth": str(root / "project" / "src") + "\n"},
        dist_info_files={"direct_url.json": '{"url": "file:///x", "dir_info": {"editable": true}}'},
    )
    make_dist_info(
        site,
        "bad-direct-url",
        "0.1",
        {"bad_direct_url/m.py": "import os\n" + leak("bdu")},
        dist_info_files={"direct_url.json": "{not json"},
    )
    expect("bad_direct_url/m.py", "bdu")
    # A metadata folder that is only a name; and a METADATA that is binary noise.
    (site / "empty_meta-1.0.dist-info").mkdir()
    make_dist_info(site, "noise", "1.0", {"noise/m.py": "import os\n" + leak("noise")})
    (site / "noise-1.0.dist-info" / "METADATA").write_bytes(b"\x00\xff\xfe" * 100)
    expect("noise/m.py", "noise")

    # -- injection: in the distribution name, version, file names, code, errors and warnings
    evil_file = f"evil_pkg/{IMG}{ANSI}.py"
    files = {
        "evil_pkg/__init__.py": "import os\n"
        + f"# {SCRIPT} {IMG} {ANSI}\n"
        + leak("evil").replace("return conn", f"return {SCRIPT!r} + {IMG!r} + {ANSI!r}")
        + f"\ndef g():\n    os.fork()  # {SCRIPT}{IMG}{ANSI}\n",
        evil_file: "import os\n" + leak("evilname"),
        f"evil_pkg/bad{SCRIPT.replace('/', '_')}.py": f"import os\n{SCRIPT}\n{IMG}\n{ANSI}\n"
        "os.fork()\n",
    }
    make_dist_info(
        site,
        f"evil-pkg{SCRIPT.replace('/', '_')}{IMG.replace(' ', '')}",
        "1.0",
        files,
        requires=[f"x{ANSI}", f"y{SCRIPT}"],
        folder="evil_pkg-1.0.dist-info",
    )
    (site / "evil_pkg-1.0.dist-info" / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: evil-pkg{SCRIPT}{ANSI}\nVersion: 1.0{IMG}{ANSI}\n"
        f"Requires-Dist: x{ANSI}\nRequires-Dist: y{SCRIPT}\n\n",
        encoding="utf-8",
    )
    expect("evil_pkg/__init__.py", "evil")
    expect(evil_file, "evilname")
    h.errors[f"evil_pkg/bad{SCRIPT.replace('/', '_')}.py"] = "syntax error"
    return h


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    return build_hostile(tmp_path_factory.mktemp("hostile"))


@dataclass
class Scans:
    json: dict[str, Any]
    json_warm: dict[str, Any]
    text: str
    text_stderr: str
    html: str
    html_path: Path
    check: dict[str, Any]
    returncodes: dict[str, int]
    work: Path  # the current folder of the runs
    checked: Path  # the folder `check` was given


def _stable(data: dict[str, Any]) -> dict[str, Any]:
    copy: dict[str, Any] = json.loads(json.dumps(data))
    copy["environment"].pop("duration_seconds", None)
    copy["environment"]["counts"].pop("cached_units", None)
    return copy


@pytest.fixture(scope="session")
def scans(hostile: Hostile, tmp_path_factory: pytest.TempPathFactory) -> Scans:
    work = tmp_path_factory.mktemp("hostile-run")
    cache = work / "cache"
    common = ["--cache-dir", str(cache), "--timeout", "20", "-j", "2"]
    cold = run_cli(["scan", str(hostile.venv), "--format", "json", *common], cwd=work)
    warm = run_cli(["scan", str(hostile.venv), "--format", "json", *common], cwd=work)
    text = run_cli(["scan", str(hostile.venv), "--top", "100", *common], cwd=work)
    html_path = work / "report.html"
    html = run_cli(
        ["scan", str(hostile.venv), "--format", "html", "-o", str(html_path), *common], cwd=work
    )
    check = run_cli(
        ["check", str(hostile.site / "canary_pkg"), "--format", "json", "--no-cache"], cwd=work
    )
    for result in (cold, warm, text, html, check):
        assert "Traceback" not in result.stderr, result.stderr
    return Scans(
        json=json.loads(cold.stdout),
        json_warm=json.loads(warm.stdout),
        text=text.stdout,
        text_stderr=text.stderr,
        html=html_path.read_text(encoding="utf-8"),
        html_path=html_path,
        check=json.loads(check.stdout),
        returncodes={
            "cold": cold.returncode,
            "warm": warm.returncode,
            "text": text.returncode,
            "html": html.returncode,
            "check": check.returncode,
        },
        work=work,
        checked=hostile.site / "canary_pkg",
    )


def _found(data: dict[str, Any]) -> set[tuple[str, str]]:
    out = set()
    for finding in data["findings"]:
        match = re.search(r"leak \w+", finding["snippet"])
        out.add((finding["path"], match.group(0) if match else finding["snippet"]))
    return out


# --------------------------------------------------------------------------- the scan survives


def test_scan_finishes_with_normal_exit_codes(scans: Scans) -> None:
    assert scans.returncodes == {"cold": 1, "warm": 1, "text": 1, "html": 1, "check": 1}


def test_every_finding_in_readable_files_is_reported(scans: Scans, hostile: Hostile) -> None:
    found = _found(scans.json)
    missing = hostile.leaks - found
    assert not missing, sorted(missing)


def test_every_unreadable_file_is_an_error_with_its_reason(scans: Scans, hostile: Hostile) -> None:
    errors = {e["path"]: e["reason"] for e in scans.json["errors"]}
    for path, pattern in hostile.errors.items():
        assert path in errors, (path, sorted(errors))
        assert re.search(pattern, errors[path]), (path, errors[path])
    # The crasher costs exactly one entry: nothing else of its distribution is lost.
    assert sum(1 for e in scans.json["errors"] if e["path"] == "parse_bad/deep.py") == 1
    assert set(errors) <= set(hostile.errors) | {"parse_bad/deep_list.py"}, sorted(errors)


def test_files_that_parse_are_not_errors(scans: Scans, hostile: Hostile) -> None:
    paths = {e["path"] for e in scans.json["errors"]} | {f["path"] for f in scans.json["findings"]}
    assert not paths & hostile.clean


def test_nothing_is_followed_out_of_the_environment(scans: Scans, hostile: Hostile) -> None:
    for data in (scans.json, scans.check):
        snippets = " ".join(f["snippet"] for f in data["findings"])
        for tag in hostile.never:
            assert tag not in snippets
        for item in [*data["findings"], *data["errors"]]:
            path = item["path"]
            if data is scans.check:  # relative to the current folder: inside the folder checked
                path = os.path.relpath(os.path.join(scans.work, path), scans.checked)
            assert not path.startswith(("/", "..")), item
            assert "outdir" not in item["path"] and "/up/" not in item["path"], item


def test_nothing_was_imported_or_executed(scans: Scans, hostile: Hostile) -> None:
    assert not hostile.canary.exists()
    found = {(os.path.basename(path), tag) for path, tag in _found(scans.check)}
    assert ("__init__.py", "leak init") in found
    assert ("mod.py", "leak canary") in found


def test_broken_metadata_gives_warnings_and_is_still_scanned(scans: Scans) -> None:
    warnings = "\n".join(scans.json["warnings"])
    for expected in [
        "RECORD is missing",
        "RECORD is garbled",
        "invalid version",
        "invalid requirement",
        "two metadata folders",
        "listed in RECORD are not on disk",
        "direct_url.json is not valid JSON",
    ]:
        assert expected in warnings, expected
    dists = {d["name"]: d for d in scans.json["distributions"]}
    assert dists["editable-proj"]["editable"] is True
    assert dists["bad-version"]["counts"]["high"] >= 1


def test_cache_gives_the_same_report(scans: Scans) -> None:
    assert _stable(scans.json_warm) == _stable(scans.json)


def test_line_separators_python_does_not_split_at(tmp_path: Path) -> None:
    from forkaudit.analysis.engine import analyze_source
    from forkaudit.rules import load_rules

    source = "import os\n# a\x0c b \u2028 c \x1c d\n" + leak("sep")
    result = analyze_source(source.encode(), "sep.py", load_rules([]).rules)
    assert [(f.line, f.snippet) for f in result.findings] == [(4, "pid = os.fork()  # leak sep")]


# --------------------------------------------------------------------------- injection


def test_terminal_text_is_neutralised(scans: Scans) -> None:
    for output in (scans.text, scans.text_stderr):
        assert "\x1b" not in output and "\x07" not in output
    assert "\\x1b[31mRED" in scans.text  # shown, as inert text
    assert "evil_pkg/" in scans.text


def test_json_keeps_the_exact_strings(scans: Scans) -> None:
    names = {d["name"] for d in scans.json["distributions"]}
    assert f"evil-pkg{SCRIPT}{ANSI}" in names
    assert any(f["path"] == f"evil_pkg/{IMG}{ANSI}.py" for f in scans.json["findings"])


def test_html_source_has_no_live_markup(scans: Scans) -> None:
    html = scans.html
    assert html.count("<script") == 0
    assert "<img" not in html
    assert "\x1b" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not os.path.exists("/usr/bin/chromium"):
        pytest.skip("/usr/bin/chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    from test_html_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_html_is_inert_in_chromium(chromium: Any, scans: Scans) -> None:
    page = chromium.new_page()
    seen: dict[str, list[str]] = {"dialogs": [], "errors": [], "requests": []}

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    url = scans.html_path.as_uri()
    page.goto(url)
    page.wait_for_load_state("load")
    try:
        body = page.inner_text("body")
        assert SCRIPT in body and IMG in body
        assert "\\x1b[31mRED" in body
        assert page.locator("script").count() == 0
        assert page.locator("img").count() == 0
        assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0
        assert seen == {"dialogs": [], "errors": [], "requests": [url]}
    finally:
        page.close()
