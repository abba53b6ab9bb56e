#!/usr/bin/env python3
"""Hold a scan of the benchmark environment against the triage of its findings.

``benchmarks/triage/bench.toml`` holds a verdict for every finding forkaudit has reported on the
benchmark environment (``requirements-big.txt``), from reading the code: ``accumulates`` (can pile
up under load), ``bounded`` (never reaped, but cannot pile up), ``false-alarm`` (reaped, or not a
start). ``[[missed]]`` lists accumulating leaks it did not report. This reads a scan's JSON and
says how its findings fare:

    forkaudit scan /tmp/venv-big --format json -o /tmp/bench.json --no-cache
    python3 benchmarks/triage.py /tmp/bench.json

It prints the verdicts by severity, the share of high findings that accumulate, the share of all
findings that are real (accumulate or bounded), the findings with no verdict yet (to triage), the
triaged leaks no longer reported, and the top of the ranking with each distribution's verdicts.
Exit status 1 when a finding has no verdict.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
VERDICTS = ("accumulates", "bounded", "false-alarm")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scan", type=Path, help="forkaudit scan --format json output")
    parser.add_argument("--triage", type=Path, default=HERE / "triage" / "bench.toml")
    parser.add_argument("--top", type=int, default=15, help="distributions of the ranking to show")
    args = parser.parse_args()
    report = json.loads(args.scan.read_text())
    with args.triage.open("rb") as handle:
        triage = tomllib.load(handle)
    verdicts: dict[tuple[str, int], dict[str, Any]] = {
        (entry["path"], entry["line"]): entry for entry in triage.get("finding", [])
    }
    findings = [f for f in report["findings"] if "test_code" not in f.get("flags", [])]
    table: dict[str, Counter[str]] = defaultdict(Counter)
    untriaged = []
    per_dist: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        entry = verdicts.get((finding["path"], finding["line"]))
        verdict = entry["verdict"] if entry else "untriaged"
        table[finding["severity"]][verdict] += 1
        per_dist[finding["distribution"]][verdict] += 1
        if entry is None:
            untriaged.append(finding)
    print(f"{'severity':<10}" + "".join(f"{v:>14}" for v in (*VERDICTS, "untriaged")))
    for severity in ("high", "medium", "low"):
        row = table[severity]
        print(f"{severity:<10}" + "".join(f"{row[v]:>14}" for v in (*VERDICTS, "untriaged")))
    high = sum(table["high"].values())
    high_ok = table["high"]["accumulates"]
    judged = sum(table[s][v] for s in table for v in VERDICTS)
    real = sum(table[s][v] for s in table for v in ("accumulates", "bounded"))
    share = f"{high_ok / high:.0%}" if high else "- (no high finding)"
    print(f"\nhigh findings that accumulate: {high_ok} of {high} ({share})")
    print(f"findings that are real: {real} of {judged} ({real / judged:.0%})" if judged else "")
    reported = {(f["path"], f["line"]) for f in findings}
    gone = [
        entry
        for key, entry in verdicts.items()
        if key not in reported and entry["verdict"] != "false-alarm"
    ]
    missed = triage.get("missed", [])
    missed_found = [m for m in missed if (m["path"], m["line"]) in reported]
    print(
        f"triaged leaks no longer reported: {len(gone)} "
        f"({sum(e['verdict'] == 'accumulates' for e in gone)} accumulating); "
        f"missed accumulating leaks now found: {len(missed_found)} of {len(missed)}"
    )
    for entry in gone:
        if entry["verdict"] == "accumulates":
            print(f"  lost {entry['path']}:{entry['line']}: {entry['reason'][:140]}")
    if untriaged:
        print(f"\n{len(untriaged)} findings have no verdict yet:")
        for finding in untriaged:
            print(
                f"  {finding['distribution']} {finding['path']}:{finding['line']} {finding['rule']} "
                f"{finding['severity']}: {finding['message'][:160]}"
            )
    print("\nranking:")
    for dist in report["distributions"][: args.top]:
        counts = per_dist.get(dist["name"], Counter())
        seen = ", ".join(f"{counts[v]} {v}" for v in (*VERDICTS, "untriaged") if counts[v])
        print(f"  {dist['rank']:>3} {dist['name']:<24} {dist['score']:>7}  {seen}")
    return 1 if untriaged else 0


if __name__ == "__main__":
    sys.exit(main())
