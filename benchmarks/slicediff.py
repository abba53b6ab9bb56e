#!/usr/bin/env python3
"""Sliced versus whole-file analysis: the same findings on every candidate file, or the files
that differ.

The engine parses only the parts of a candidate module that can matter (``slicing.py``); its only
promise is "the same result as the whole file". This runs forkaudit twice on the same target, once
as usual and once with ``FORKAUDIT_WHOLE_FILES=1`` (every candidate file parsed whole), and
compares every finding (path, line, column, rule, severity, confidence, message, flags) and error.
One difference is expected and listed apart: a file of which only part parses as Python 3 (an old
`print x` in one function) is reported "partly parsed" when read whole, but not when its slice
leaves that function out (nothing in it mattered).

    python3 benchmarks/slicediff.py scan /tmp/venv-big          # a whole environment
    python3 benchmarks/slicediff.py check /tmp/corpus           # files or folders, as `check`

Exit status 0 when both agree, 1 when some file differs (each is listed), 2 when forkaudit failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

KEYS = ("line", "column", "end_line", "rule", "severity", "confidence", "message", "flags")


def run(forkaudit: str, mode: str, targets: list[str], whole: bool) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    if whole:
        env["FORKAUDIT_WHOLE_FILES"] = "1"
    with tempfile.TemporaryDirectory(prefix="slicediff-") as tmp:
        out = Path(tmp) / "out.json"
        command = [
            forkaudit,
            mode,
            *targets,
            "--format",
            "json",
            "--no-cache",
            "-q",
            "-o",
            str(out),
        ]
        if mode == "scan":
            command.append("--include-tests")
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1) or not out.exists():
            sys.stderr.write(done.stderr[-3000:])
            sys.exit(2)
        data: dict[str, Any] = json.loads(out.read_text())
        return data


def by_file(report: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    files: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for finding in report["findings"]:
        files[finding["path"]].append(tuple(json.dumps(finding.get(k)) for k in KEYS))
    for error in report.get("errors", []):
        files[error["path"]].append(("error", error["reason"]))
    return {path: sorted(items) for path, items in files.items()}


def _only_partly_parsed(sliced: list[tuple[Any, ...]], whole: list[tuple[Any, ...]]) -> bool:
    """Do the two differ only by a "partly parsed" error of the whole file?"""
    extra = set(whole) - set(sliced)
    return (
        not set(sliced) - set(whole)
        and bool(extra)
        and all(item[0] == "error" and "partly parsed" in str(item[1]) for item in extra)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=("scan", "check"))
    parser.add_argument("targets", nargs="+")
    parser.add_argument("--forkaudit", default=shutil.which("forkaudit") or "forkaudit")
    args = parser.parse_args()
    sliced = by_file(run(args.forkaudit, args.mode, args.targets, whole=False))
    whole = by_file(run(args.forkaudit, args.mode, args.targets, whole=True))
    differing = sorted(p for p in set(sliced) | set(whole) if sliced.get(p) != whole.get(p))
    partly = [p for p in differing if _only_partly_parsed(sliced.get(p, []), whole.get(p, []))]
    for path in partly:
        print(f"partly parsed only when whole (expected): {path}")
    differing = [p for p in differing if p not in partly]
    for path in differing:
        print(f"differs: {path}")
        for item in sorted(set(sliced.get(path, [])) - set(whole.get(path, []))):
            print(f"  sliced only: {item}")
        for item in sorted(set(whole.get(path, [])) - set(sliced.get(path, []))):
            print(f"  whole only:  {item}")
    findings = sum(len(v) for v in sliced.values())
    print(
        f"{len(differing)} differing files ({findings} findings and errors sliced, "
        f"{sum(len(v) for v in whole.values())} whole, {len(set(sliced) | set(whole))} files)"
    )
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
