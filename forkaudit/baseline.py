"""Baseline files: the findings a project has accepted, so a gate fails only on new ones.

The file is JSON with one finding per line, sorted, so it diffs well in review::

    {"forkaudit_baseline": 1, "findings": [
    {"distribution": "acme-proxy", "fingerprint": "3f0c...", "path": "acme_proxy/proxy.py", "rule": "FA101", "snippet": "pid = os.fork()"},
    ...
    ]}

Only ``fingerprint`` is used for matching (the other fields are there for people reading the
diff). Fingerprints are made by the engine from the rule, the distribution name (not its version),
the path, the enclosing function, the whitespace-normalised source line and its occurrence number
among identical ones, so they survive line shifts and version bumps that leave that code alone.
Matching is a multiset: each baseline entry absorbs at most one finding.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence

from forkaudit.errors import InputError
from forkaudit.model import Finding

FORMAT = 1


def _entry(finding: Finding) -> dict[str, str]:
    return {
        "distribution": finding.distribution,
        "fingerprint": finding.fingerprint,
        "path": finding.path,
        "rule": finding.rule,
        "snippet": finding.snippet,
    }


def render_baseline(findings: Iterable[Finding]) -> str:
    """The baseline text for ``findings``: stable bytes for the same set, one entry per line."""
    entries = sorted(
        (_entry(f) for f in findings),
        key=lambda e: (e["distribution"], e["path"], e["rule"], e["snippet"], e["fingerprint"]),
    )
    lines = [json.dumps(e, sort_keys=True, ensure_ascii=True) for e in entries]
    body = ",\n".join(lines)
    return (
        f'{{"forkaudit_baseline": {FORMAT}, "findings": [\n'
        + (body + "\n" if body else "")
        + "]}\n"
    )


def write_baseline(path: str, findings: Iterable[Finding]) -> int:
    """Write the baseline atomically; returns the number of entries."""
    items = list(findings)
    text = render_baseline(items)
    folder = os.path.dirname(os.path.abspath(path))
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        os.makedirs(folder, exist_ok=True)
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(items)


def read_baseline(path: str) -> Counter[str]:
    """The fingerprints of a baseline file, counted (a multiset)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise InputError(
            f"baseline {path} does not exist; create it with --write-baseline {path}"
        ) from None
    except OSError as exc:
        raise InputError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InputError(f"baseline {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("forkaudit_baseline") != FORMAT:
        raise InputError(
            f"baseline {path} is not a forkaudit baseline (format {FORMAT}); "
            "write one with --write-baseline"
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise InputError(f"baseline {path}: 'findings' must be a list")
    counts: Counter[str] = Counter()
    for number, entry in enumerate(entries, 1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        if not isinstance(fingerprint, str) or not fingerprint:
            raise InputError(f"baseline {path}: entry {number} has no fingerprint")
        counts[fingerprint] += 1
    return counts


def split_new(
    findings: Sequence[Finding], baseline: Counter[str]
) -> tuple[list[Finding], list[Finding], int]:
    """``(new, baselined, unmatched baseline entries)``: each baseline entry absorbs one finding
    with its fingerprint, in the order given."""
    remaining = Counter(baseline)
    new: list[Finding] = []
    known: list[Finding] = []
    for finding in findings:
        if remaining[finding.fingerprint] > 0:
            remaining[finding.fingerprint] -= 1
            known.append(finding)
        else:
            new.append(finding)
    return new, known, sum(remaining.values())
