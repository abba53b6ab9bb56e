"""A new user's first hour (issue 13): each trap seen when trying forkaudit as a newcomer, driven
through the installed command on real files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.builders import make_dist_info, make_fake_venv, run_cli

REAPED = """\
import subprocess
def run(cmd):
    proc = subprocess.Popen(cmd)
    proc.wait()
    return proc.returncode
"""
# the same file patched in place: the wait is gone (one line shorter, same RECORD)
PATCHED = REAPED.replace("    proc.wait()\n", "")


def _findings(result_stdout: str) -> list[tuple[str, int]]:
    return [(f["path"], f["line"]) for f in json.loads(result_stdout)["findings"]]


def test_a_file_patched_in_place_is_rescanned_not_served_from_the_cache(tmp_path: Path) -> None:
    """The cache is keyed by what is read: RECORD does not change when a file is edited in
    place inside site-packages (a local patch, a RECORD without hashes, a rebuilt image)."""
    site = make_fake_venv(tmp_path / "venv")
    make_dist_info(site, "patchme", "1.0", {"patchme/__init__.py": REAPED}, record=None)
    cache = tmp_path / "cache"
    args = ["scan", str(tmp_path / "venv"), "--format", "json", "--cache-dir", str(cache), "-q"]
    for _ in range(2):  # cold, then from the cache
        result = run_cli(args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert _findings(result.stdout) == []
    module = site / "patchme" / "__init__.py"
    before = module.stat().st_mtime_ns
    module.write_text(PATCHED, encoding="utf-8")
    os.utime(module, ns=(before + 1_000_000_000, before + 1_000_000_000))
    for _ in range(2):  # the edit is seen, and then served from the cache again
        result = run_cli(args + ["--fail-on", "none"], cwd=tmp_path)
        assert _findings(result.stdout) == [("patchme/__init__.py", 3)], result.stdout
