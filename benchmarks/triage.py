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
findings that are real (accumulate or bounded), whether the first-ranked distribution is one
whose leaks accumulate (the user's question: which dependency fills my servers?), the findings
with no verdict yet (to triage), the triaged leaks no longer reported, and the top of the
ranking with each distribution's verdicts. Exit status 1 when a finding has no verdict.

With ``--many DIR``, the scans in DIR (``ENV.json``, each held against ``triage/ENV.toml``;
``big.json`` against ``bench.toml``) are summed up, one line per environment:

    python3 benchmarks/triage.py --many /tmp/scans
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


def _load(scan: Path, triage_file: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    report = json.loads(scan.read_text())
    with triage_file.open("rb") as handle:
        return report, tomllib.load(handle)


def _verdicts(triage: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(entry["path"], entry["line"]): entry for entry in triage.get("finding", [])}


def _audited(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if "test_code" not in f.get("flags", [])]


def first_culprit(
    report: dict[str, Any], verdicts: dict[tuple[str, int], dict[str, Any]]
) -> tuple[str, int, int]:
    """(the first-ranked distribution with a finding, the place in that order of the first
    one holding a finding judged to accumulate (0: none does), how many do)."""
    findings = _audited(report)
    accumulating = {
        f["distribution"]
        for f in findings
        if verdicts.get((f["path"], f["line"]), {}).get("verdict") == "accumulates"
    }
    with_findings = {f["distribution"] for f in findings}
    ranked = [d["name"] for d in report["distributions"] if d["name"] in with_findings]
    place = next((n for n, name in enumerate(ranked, 1) if name in accumulating), 0)
    return (ranked[0] if ranked else "", place, len(accumulating))


def many(folder: Path, triages: Path) -> int:
    """One line per scan in ``folder``, held against its triage in ``triages``, and the totals."""
    totals: Counter[str] = Counter()
    scans = sorted(folder.glob("*.json"), key=lambda p: (len(p.stem), p.stem))
    if not scans:
        print(f"no scan (*.json) in {folder}", file=sys.stderr)
        return 2
    print(f"{'env':<9}{'high acc':>9}{'real':>10}  first-ranked (place of the first culprit)")
    for scan in scans:
        triage_file = triages / f"{'bench' if scan.stem == 'big' else scan.stem}.toml"
        if not triage_file.exists():
            print(f"{scan.stem:<9} no triage ({triage_file.name})")
            continue
        report, triage = _load(scan, triage_file)
        verdicts = _verdicts(triage)
        row: Counter[str] = Counter()
        for finding in _audited(report):
            verdict = verdicts.get((finding["path"], finding["line"]), {}).get("verdict", "")
            row["findings"] += 1
            row["judged"] += verdict in VERDICTS
            row["real"] += verdict in ("accumulates", "bounded")
            if finding["severity"] == "high":
                row["high"] += 1
                row["high accumulating"] += verdict == "accumulates"
        top, place, culprits = first_culprit(report, verdicts)
        row["environments"] += 1
        row["with a culprit"] += culprits > 0
        row["culprit first"] += place == 1
        totals.update(row)
        where = f"{place}" if place else "-"
        print(
            f"{scan.stem:<9}{row['high accumulating']:>4}/{row['high']:<4}"
            f"{row['real']:>5}/{row['judged']:<4}  {top} ({where})"
        )
    high, judged = totals["high"], totals["judged"]
    print(
        f"\n{totals['environments']} environments: high findings that accumulate "
        f"{totals['high accumulating']} of {high}"
        + (f" ({totals['high accumulating'] / high:.0%})" if high else "")
        + f"; real {totals['real']} of {judged}"
        + (f" ({totals['real'] / judged:.0%})" if judged else "")
        + f"; first-ranked distribution holds an accumulating leak in {totals['culprit first']} "
        f"of the {totals['with a culprit']} environments with one"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scan", type=Path, nargs="?", help="forkaudit scan --format json output")
    parser.add_argument("--triage", type=Path, default=HERE / "triage" / "bench.toml")
    parser.add_argument("--top", type=int, default=15, help="distributions of the ranking to show")
    parser.add_argument(
        "--many", type=Path, metavar="DIR", help="sum up the scans ENV.json in DIR instead"
    )
    parser.add_argument(
        "--triage-dir", type=Path, default=HERE / "triage", help="the triages --many reads"
    )
    args = parser.parse_args()
    if args.many is not None:
        return many(args.many, args.triage_dir)
    if args.scan is None:
        parser.error("give a scan, or --many DIR")
    report, triage = _load(args.scan, args.triage)
    verdicts = _verdicts(triage)
    findings = _audited(report)
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
    top, place, culprits = first_culprit(report, verdicts)
    if culprits:
        print(
            f"first-ranked distribution: {top}, "
            + ("holds an accumulating leak" if place == 1 else f"the first that does is #{place}")
        )
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
