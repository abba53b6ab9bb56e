#!/usr/bin/env python3
"""forkaudit's own corpus of real-world sites: check it, lay its files out, score a command on it.

The corpus is metadata only (``benchmarks/corpus/*.toml``): for each case a public repository, a
commit (or the commits before and after a fix), a path, and every labelled start site in that
file with ``leak = true|false``, the harm (``accumulates`` or ``bounded``) of a leak, and why.
The third-party files themselves are never stored in this repository: ``layout`` writes them with
``git show COMMIT:PATH`` from snapshots fetched beside it (one bare git directory per repository,
``owner+name/`` itself or one level down, as the search tool's ``fetch`` leaves them).

    python3 benchmarks/corpus.py check                        # validate the TOML, print counts
    python3 benchmarks/corpus.py layout /tmp/corpus --mirrors /work/.mirror
    python3 benchmarks/corpus.py score /tmp/corpus -- forkaudit check --format json

``layout --imports`` also writes the modules of the file's own package that it imports, and
``score --with-imports`` runs each version with them (what a scan of the installed package reads
beside the file): the measure of how much a case's misses owe to the file being read alone.

``score`` runs the command once per version of each case (``before.py`` with the context modules
of that version, then ``after.py`` with its own), from the laid-out folder, and reads
``findings[]`` (``path`` relative to that folder, ``line``, ``severity``): a version is one
program, and what the engine shares between the modules of a program (Thread subclasses, a
SIGCHLD reaper) must not leak between cases. A finding matches a site when its line lies in
the site's call expression; in an exhaustive case, a finding matching no site is a false alarm.
It prints recall and precision per kind and overall, the harm agreement (a leak that accumulates
should be ``high``, a bounded one should not), and every miss and false alarm.
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
KINDS = (
    "fork",
    "spawn",
    "popen",
    "os_popen",
    "asyncio_subprocess",
    "thread",
    "timer",
    "mp_process",
    "pool",
    "executor",
    "raw_thread",
    "manager",
)
SOURCES = ("fix", "correct", "leak")
FILES = ("before", "after", "file")
HARMS = ("accumulates", "bounded")
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}


# --------------------------------------------------------------------------- loading


BROKEN: list[str] = []  # files that are not valid TOML, with why


def load(folder: Path = CORPUS, only: str = "") -> list[dict[str, Any]]:
    """Every case of every ``*.toml`` under ``folder`` (or only the file named ``only``), each
    with ``_source`` (its file)."""
    cases: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.toml")):
        if only and path.name != only:
            continue
        try:
            with path.open("rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            BROKEN.append(f"{path.name}: not valid TOML: {exc}")
            continue
        for case in data.get("case", []):
            case["_source"] = path.name
            cases.append(case)
    return cases


def problems(cases: list[dict[str, Any]]) -> list[str]:
    """What is wrong with the metadata (empty when nothing)."""
    out: list[str] = list(BROKEN)
    seen: set[str] = set()
    for case in cases:
        where = f"{case.get('_source')}: case {case.get('id', '?')}"
        cid = case.get("id")
        if not isinstance(cid, str) or not cid:
            out.append(f"{where}: no id")
            continue
        if cid in seen:
            out.append(f"{where}: duplicate id")
        seen.add(cid)
        for key in ("repo", "path", "url", "source", "notes"):
            if not isinstance(case.get(key), str) or not case[key]:
                out.append(f"{where}: missing {key}")
        if case.get("source") not in SOURCES:
            out.append(f"{where}: source must be one of {SOURCES}")
        if not isinstance(case.get("exhaustive"), bool):
            out.append(f"{where}: exhaustive must be true or false")
        context = case.get("context", [])
        if not isinstance(context, list) or not all(isinstance(c, str) and c for c in context):
            out.append(f"{where}: context must be a list of paths in the repository")
        commits = {name: case.get(name) for name in ("before", "after", "commit")}
        for name, value in commits.items():
            if value is not None and (not isinstance(value, str) or len(value) != 40):
                out.append(f"{where}: {name} must be a 40-hex commit")
        sites = case.get("site", [])
        if not sites:
            out.append(f"{where}: no site")
        for site in sites:
            sw = f"{where} site {site.get('file')}:{site.get('line')}"
            file = site.get("file")
            if file not in FILES:
                out.append(f"{sw}: file must be one of {FILES}")
            elif file == "file" and not commits["commit"]:
                out.append(f"{sw}: file sites need the case's commit")
            elif file in ("before", "after") and not commits[file]:
                out.append(f"{sw}: {file} sites need the case's {file} commit")
            if not isinstance(site.get("line"), int) or site["line"] < 1:
                out.append(f"{sw}: line must be a positive integer")
            if site.get("kind") not in KINDS:
                out.append(f"{sw}: kind must be one of {KINDS}")
            if not isinstance(site.get("leak"), bool):
                out.append(f"{sw}: leak must be true or false")
            if site.get("leak") and site.get("harm") not in HARMS:
                out.append(f"{sw}: a leak needs harm = one of {HARMS}")
            for key in ("call", "why"):
                if not isinstance(site.get(key), str) or not site[key]:
                    out.append(f"{sw}: missing {key}")
            callers = site.get("callers", [])
            if not isinstance(callers, list) or not all(
                isinstance(c, int) and c > 0 for c in callers
            ):
                out.append(f"{sw}: callers must be a list of line numbers")
    return out


def summary(cases: list[dict[str, Any]]) -> str:
    sites = [s for c in cases for s in c.get("site", [])]
    repos = {c["repo"] for c in cases}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for site in sites:
        by_kind[site["kind"]][0 if site["leak"] else 1] += 1
    lines = [
        f"{len(cases)} cases, {len(sites)} sites ({sum(s['leak'] for s in sites)} leaks), "
        f"{len(repos)} repositories"
    ]
    for kind in KINDS:
        if kind in by_kind:
            leaks, clean = by_kind[kind]
            lines.append(f"  {kind:<20} {leaks:>4} leaks {clean:>4} reaped")
    return "\n".join(lines)


# --------------------------------------------------------------------------- layout


def git_dir(mirrors: Path, repo: str) -> Path | None:
    root = mirrors / repo.replace("/", "+")
    if not root.is_dir():
        return None
    for candidate in [root, *sorted(p for p in root.iterdir() if p.is_dir())]:
        for gdir in (candidate, candidate / ".git"):
            if (gdir / "HEAD").is_file() and (gdir / "objects").is_dir():
                return gdir
    return None


def call_spans(source: bytes) -> dict[int, tuple[int, list[str]]]:
    """First line of every call -> (its last line, the dotted names called there)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    spans: dict[int, tuple[int, list[str]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            end = node.end_lineno or node.lineno
            last, names = spans.get(node.lineno, (node.lineno, []))
            names.append(ast.unparse(node.func))
            spans[node.lineno] = (max(last, end), names)
    return spans


def _tree(gdir: Path, commit: str) -> set[str]:
    listed = subprocess.run(
        ["git", "--git-dir", str(gdir), "ls-tree", "-r", "--name-only", commit],
        capture_output=True,
        text=True,
    )
    return set(listed.stdout.splitlines()) if listed.returncode == 0 else set()


def imported_modules(source: bytes, path: str, files: set[str], limit: int = 12) -> list[str]:
    """The modules of the file's own package that it imports (``from .util import X``,
    ``from pkg.util import X``, ``from . import util``, ``import pkg.util``), as paths in the
    repository: what a scan of the installed package reads beside it. The first ``limit``."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    parts = path.split("/")[:-1]  # the file's package, as folders
    # the folder holding the top-level package (``src/``, the root...), for absolute imports
    roots = ["/".join(parts[:i]) for i in range(len(parts))]

    def module(folders: list[str]) -> str | None:
        stem = "/".join(folders)
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if candidate in files and candidate != path:
                return candidate
        return None

    found: list[str] = []

    def add(folders: list[str]) -> None:
        hit = module([f for f in folders if f])
        if hit is not None and hit not in found:
            found.append(hit)

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            if node.level:
                if node.level - 1 > len(parts):
                    continue
                base = parts[: len(parts) - (node.level - 1)]
                dotted = node.module.split(".") if node.module else []
                add(base + dotted)
                for name in names:
                    add(base + dotted + [name])  # a submodule imported by name
            elif node.module:
                folders = _package_of(node.module, roots, files)
                if folders is not None:
                    add(folders)
                    for name in names:
                        add([*folders, name])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                folders = _package_of(alias.name, roots, files)
                if folders is not None:
                    add(folders)
    return found[:limit]


def _package_of(dotted: str, roots: list[str], files: set[str]) -> list[str] | None:
    """``pkg.sub`` as folders under the first root holding a package or module ``pkg``."""
    first, *rest = dotted.split(".")
    for root in roots:
        top = f"{root}/{first}" if root else first
        if f"{top}.py" in files or any(f.startswith(f"{top}/") for f in files):
            return [top, *rest]
    return None


def layout(cases: list[dict[str, Any]], dest: Path, mirrors: Path, imports: bool = False) -> int:
    missing: set[str] = set()
    written = 0
    warnings: list[str] = []
    for case in cases:
        gdir = git_dir(mirrors, case["repo"])
        if gdir is None:
            missing.add(case["repo"])
            continue
        folder = dest / case["id"]
        folder.mkdir(parents=True, exist_ok=True)
        for file in sorted({s["file"] for s in case["site"]}):
            commit = case["commit"] if file == "file" else case[file]
            shown = subprocess.run(
                ["git", "--git-dir", str(gdir), "show", f"{commit}:{case['path']}"],
                capture_output=True,
            )
            if shown.returncode != 0:
                warnings.append(
                    f"{case['id']}/{file}: git show {commit[:10]}:{case['path']} failed: "
                    f"{shown.stderr.decode(errors='replace').strip()[:200]}"
                )
                continue
            (folder / f"{file}.py").write_bytes(shown.stdout)
            if case.get("context"):
                # the file at its own path beside its context modules, as a checkout or an
                # installed package holds it: its relative imports and its base classes in
                # those modules resolve (``score`` checks this tree, and reads the findings on
                # this copy as the findings on ``{file}.py``)
                target = folder / "context" / file / case["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(shown.stdout)
            for extra in case.get("context", []):
                # a module of the same package the labelled file uses (a Thread subclass defined
                # there, say): a scan of the installed package sees it too. Not scored.
                seen = subprocess.run(
                    ["git", "--git-dir", str(gdir), "show", f"{commit}:{extra}"],
                    capture_output=True,
                )
                if seen.returncode != 0:
                    warnings.append(f"{case['id']}: context {extra} not found at {commit[:10]}")
                    continue
                # at its own path under the folder: module names (pkg.sub.mod) stay as installed
                target = folder / "context" / file / extra
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(seen.stdout)
            if imports:
                # the package modules the file imports, apart: ``score --with-imports`` adds them
                for extra in imported_modules(shown.stdout, case["path"], _tree(gdir, commit)):
                    seen = subprocess.run(
                        ["git", "--git-dir", str(gdir), "show", f"{commit}:{extra}"],
                        capture_output=True,
                    )
                    if seen.returncode == 0:
                        target = folder / "imports" / file / extra
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(seen.stdout)
            spans = call_spans(shown.stdout)
            for site in (s for s in case["site"] if s["file"] == file):
                if not spans:
                    break  # not Python 3 syntax: the line cannot be checked here
                found = spans.get(site["line"])
                short = site["call"].rsplit(".", 1)[-1]
                if found is None or not any(short in name for name in found[1]):
                    warnings.append(
                        f"{case['id']}/{file}.py:{site['line']}: no call of {site['call']} starts there"
                    )
        (folder / "case.json").write_text(json.dumps(_public(case), indent=1, sort_keys=True))
        written += 1
    print(f"{written} cases written to {dest}")
    for warning in warnings:
        print(f"warning: {warning}")
    if missing:
        print(f"{len(missing)} repositories not fetched under {mirrors}:")
        for repo in sorted(missing):
            print(f"  {repo}")
    return 1 if warnings or missing else 0


def _public(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.items() if not k.startswith("_")}


# --------------------------------------------------------------------------- scoring


def load_findings(text: str) -> list[dict[str, Any]]:
    data = json.loads(text)
    findings = data["findings"] if isinstance(data, dict) else data
    return list(findings)


def _run_versions(
    command: list[str], dest: Path, imports: bool = False
) -> list[subprocess.CompletedProcess[str]]:
    """The command on each version of each case apart (``before.py`` with its own context
    modules, then ``after.py`` with its own...), from ``dest``: a version is one program, and
    what the engine shares between the modules of one program (Thread subclasses, a SIGCHLD
    reaper) must not leak from one case, or one version, into another."""
    jobs: list[list[str]] = []
    for folder in sorted(p for p in dest.iterdir() if (p / "case.json").is_file()):
        path = json.loads((folder / "case.json").read_text())["path"]
        for module in sorted(folder.glob("*.py")):
            context = folder / "context" / module.stem
            paths = [str(module.relative_to(dest))]
            if (context / path).is_file():
                paths = [str(context.relative_to(dest))]  # the file is laid out in its package
            elif context.is_dir():
                paths.append(str(context.relative_to(dest)))
            imported = folder / "imports" / module.stem
            if imports and imported.is_dir():
                paths.append(str(imported.relative_to(dest)))
            jobs.append([*command, *paths])
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(
            pool.map(
                lambda job: subprocess.run(job, capture_output=True, text=True, cwd=dest), jobs
            )
        )


def score(root: Path, findings: list[dict[str, Any]], min_severity: str, quiet: bool) -> None:
    floor = SEVERITY_RANK[min_severity]
    cases = [json.loads(p.read_text()) for p in sorted(root.glob("*/case.json"))]
    paths = {case["id"]: Path(case["path"]).parts for case in cases}
    by_file: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for finding in findings:
        if SEVERITY_RANK.get(str(finding.get("severity", "low")), 1) < floor:
            continue
        parts = Path(str(finding["path"])).parts
        if "context" in parts[:-1]:
            # ``CASE/context/VERSION/<the case's path>``: the file laid out in its package
            at = parts.index("context")
            if at >= 1 and parts[at + 2 :] == paths.get(parts[at - 1]):
                by_file[(parts[at - 1], f"{parts[at + 1]}.py")].append(finding)
            continue  # a context module: not scored
        if len(parts) >= 2:
            by_file[(parts[-2], parts[-1])].append(finding)
    stats: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    harm: dict[tuple[str, str], int] = defaultdict(int)  # (label harm, reported severity)
    notes: list[str] = []
    for case in cases:
        cid = case["id"]
        for file in sorted({s["file"] for s in case["site"]}):
            path = root / cid / f"{file}.py"
            if not path.exists():
                continue
            spans = call_spans(path.read_bytes())
            found = by_file.get((cid, f"{file}.py"), [])
            matched: set[int] = set()
            for site in (s for s in case["site"] if s["file"] == file):
                low = site["line"]
                high = spans.get(low, (low, []))[0]
                # a handle a function returns is reported where that factory is called
                callers = set(site.get("callers", []))
                hits = [
                    f for f in found if low <= int(f["line"]) <= high or int(f["line"]) in callers
                ]
                matched.update(id(f) for f in hits)
                kind = site["kind"]
                where = f"{cid}/{file}.py:{low} {site['call']}"
                if site["leak"]:
                    stats[kind]["leaks"] += 1
                    if hits:
                        stats[kind]["tp"] += 1
                        severity = max(
                            (str(f.get("severity", "low")) for f in hits),
                            key=lambda s: SEVERITY_RANK.get(s, 1),
                        )
                        harm[(site["harm"], severity)] += 1
                        if (site["harm"] == "accumulates") != (severity == "high"):
                            notes.append(
                                f"harm         {where}: {site['harm']}, reported {severity}"
                            )
                    else:
                        notes.append(f"missed leak  {where} ({site['harm']}): {site['why']}")
                elif hits:
                    stats[kind]["fp"] += 1
                    notes.append(f"false alarm  {where}: {site['why']}")
            if case.get("exhaustive"):
                for finding in found:
                    if id(finding) not in matched:
                        stats["unlabelled"]["fp"] += 1
                        notes.append(f"unlabelled   {cid}/{file}.py:{finding['line']}")
    tp = sum(s["tp"] for s in stats.values())
    fp = sum(s["fp"] for s in stats.values())
    leaks = sum(s["leaks"] for s in stats.values())
    print(f"{'kind':<20}{'leaks':>6}{'found':>7}{'false':>7}{'recall':>8}{'precision':>11}")
    for kind in sorted(stats):
        s = stats[kind]
        recall = f"{s['tp'] / s['leaks']:.2f}" if s["leaks"] else "-"
        precision = f"{s['tp'] / (s['tp'] + s['fp']):.2f}" if s["tp"] + s["fp"] else "-"
        print(f"{kind:<20}{s['leaks']:>6}{s['tp']:>7}{s['fp']:>7}{recall:>8}{precision:>11}")
    print()
    print("harm of the leaks found: label -> reported severity")
    for label in HARMS:
        row = "  ".join(f"{sev} {harm[(label, sev)]:>3}" for sev in ("high", "medium", "low"))
        print(f"  {label:<12} {row}")
    agree = harm[("accumulates", "high")] + sum(harm[("bounded", s)] for s in ("medium", "low"))
    total_harm = sum(harm.values())
    if not quiet and notes:
        print()
        print("\n".join(notes))
    recall = tp / leaks if leaks else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * recall * precision / (recall + precision) if recall + precision else 0.0
    agreement = agree / total_harm if total_harm else 0.0
    print(
        f"recall {recall:.3f} precision {precision:.3f} f1 {f1:.3f} harm {agreement:.3f} "
        f"(found {tp} of {leaks} leaks, {fp} false alarms, {len(cases)} cases)"
    )


# --------------------------------------------------------------------------- main


def main() -> int:
    argv = sys.argv[1:]
    command: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, command = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder of *.toml case files")
    parser.add_argument("--only", default="", help="only this case file (processes.toml, ...)")
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("check", help="validate the case files and print counts")
    lay = sub.add_parser("layout", help="write each case's files from fetched snapshots")
    lay.add_argument("dest", type=Path)
    lay.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    lay.add_argument(
        "--imports",
        action="store_true",
        help="also lay out the package modules each file imports (for score --with-imports)",
    )
    sco = sub.add_parser("score", help="score a command (after --) or a findings file")
    sco.add_argument("dest", type=Path)
    sco.add_argument("--findings", type=Path)
    sco.add_argument("--min-severity", choices=list(SEVERITY_RANK), default="low")
    sco.add_argument("--quiet", action="store_true")
    sco.add_argument(
        "--with-imports",
        action="store_true",
        help="run each version with the package modules it imports (laid out with --imports)",
    )
    args = parser.parse_args(argv)
    cases = load(args.corpus, args.only)
    if args.action == "check":
        found = problems(cases)
        for problem in found:
            print(problem)
        print(summary(cases))
        return 1 if found else 0
    if args.action == "layout":
        found = problems(cases)
        if found:
            print("\n".join(found))
            return 2
        return layout(cases, args.dest, args.mirrors, args.imports)
    if args.findings is not None:
        text = args.findings.read_text()
    elif command:
        findings: list[dict[str, Any]] = []
        for run in _run_versions(command, args.dest, args.with_imports):
            if run.returncode not in (0, 1):
                sys.stderr.write(run.stderr[-4000:])
                print(f"corpus.py: the command exited {run.returncode}: {' '.join(run.args)}")
                return 2
            findings.extend(load_findings(run.stdout))
        score(args.dest.resolve(), findings, args.min_severity, args.quiet)
        return 0
    else:
        parser.error("give --findings FILE or -- COMMAND")
    score(args.dest.resolve(), load_findings(text), args.min_severity, args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
