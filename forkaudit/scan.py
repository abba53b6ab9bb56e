"""The pipeline, one direction: source -> files -> engine -> findings -> ranking -> report.

Between the engine and the ranking sit the user's filters: config ignores
(``[[tool.forkaudit.ignore-findings]]``), then the baseline (only new findings are kept).
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from forkaudit import __version__, envcache
from forkaudit.baseline import read_baseline, split_new, write_baseline
from forkaudit.cache import Cache, default_cache_dir
from forkaudit.config import IgnoreEntry
from forkaudit.environment import (
    _is_venv,
    all_warnings,
    resolve_target,
)
from forkaudit.errors import InputError
from forkaudit.files import (
    Unit,
    collect_paths,
    environment_units,
    file_units,
    is_python_source,
)
from forkaudit.importable import Importable, lowered
from forkaudit.model import (
    DependencyInfo,
    Environment,
    FileError,
    Finding,
    RankedDistribution,
    Rule,
    RulePack,
    ScanReport,
)
from forkaudit.names import canonicalize_name
from forkaudit.ranking import SCORE_FORMULA, rank
from forkaudit.runner import Progress, RunOptions, UnitResult, prestart, run_units


@dataclass
class ScanOptions:
    pack: RulePack
    include_tests: bool = False
    jobs: int = 0
    use_cache: bool = True
    cache_dir: str = ""
    timeout: float = 60.0
    progress: Progress | None = None
    project: str | None = None
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    warnings: list[str] = field(default_factory=list)
    include_distributions: frozenset[str] = frozenset()  # canonical names; empty = all
    exclude_distributions: frozenset[str] = frozenset()  # canonical names
    exclude_paths: tuple[str, ...] = ()  # fnmatch globs on the files' relative paths
    ignore_findings: tuple[IgnoreEntry, ...] = ()
    baseline: str = ""  # report (and fail on) only findings not in this baseline file
    write_baseline: str = ""  # write every finding (after ignores) to this baseline file
    runtime: str = ""  # a trace folder of `forkaudit run`/`watch` to merge (scan --runtime)


def _run_options(options: ScanOptions) -> RunOptions:
    cache = (
        Cache(options.cache_dir or default_cache_dir(), options.pack.digest)
        if options.use_cache
        else None
    )
    return RunOptions(
        jobs=options.jobs, timeout=options.timeout, cache=cache, progress=options.progress
    )


def _ignored(finding: Finding, entries: Sequence[IgnoreEntry]) -> bool:
    return any(
        entry.matches(finding.rule, finding.distribution, finding.fingerprint, finding.path)
        for entry in entries
    )


def _gather(
    unit_results: Sequence[UnitResult], options: ScanOptions, importable: Importable | None = None
) -> tuple[list[Finding], list[FileError], int, int, int, dict[str, int]]:
    findings: list[Finding] = []
    errors: list[FileError] = []
    files_total = files_parsed = suppressed = 0
    scanned: dict[str, int] = {}
    for unit in unit_results:
        files_total += unit.files
        files_parsed += unit.parsed
        if unit.unit.distribution:
            scanned[unit.unit.distribution] = scanned.get(unit.unit.distribution, 0) + unit.files
        for result in unit.results:
            suppressed += result.suppressed
            if result.error is not None:
                errors.append(result.error)
            # a module whose body imports what the environment lacks never runs there
            missing, through = (
                importable.missing_or_through(result) if importable is not None else ((), "")
            )
            for finding in result.findings:
                if result.python2 and importable is not None and importable.python3:
                    # Python 2 code, in an environment of Python 3: nothing imports it there
                    # (files checked may be a Python 2 project's, run by Python 2)
                    finding = lowered(
                        finding,
                        f"its module is Python 2 code ({result.python2}), which no Python 3 "
                        "can import",
                    )
                if missing and importable is not None:
                    finding = importable.lower(finding, missing, through)
                if options.select and finding.rule not in options.select:
                    continue
                if unit.unit.distribution and "script" in finding.flags:
                    # an installed module's script block runs only when someone runs that
                    # module as a program, never in the program importing it: reported with
                    # the distribution's test code, apart and not scored, or not at all
                    if not options.include_tests:
                        continue
                    if "test_code" not in finding.flags:
                        finding = dataclasses.replace(finding, flags=(*finding.flags, "test_code"))
                if finding.rule in options.ignore or _ignored(finding, options.ignore_findings):
                    suppressed += 1
                    continue
                findings.append(finding)
    return findings, errors, files_total, files_parsed, suppressed, scanned


def _answers(entry: dict[str, Any] | None) -> dict[str, tuple[str, str]]:
    """The answers a scan before kept (``Importable.answers``), {} when none or unreadable."""
    try:
        answers = (entry or {}).get("answers", {})
        return {str(path): (str(a[0]), str(a[1])) for path, a in answers.items()}
    except (AttributeError, TypeError, IndexError, KeyError):
        return {}


def _reader(env: Environment) -> Callable[[str], bytes | None]:
    """The bytes of a Python file of ``env`` by its path relative to its site folder (the
    folder holding its distribution's metadata, or the first site folder holding it), None when
    it cannot be read."""
    where: dict[str, str] = {}

    def read(rel: str) -> bytes | None:
        if not where:
            # made at the first read: a warm scan, its answers kept, reads nothing
            for distribution in env.distributions:
                if distribution.metadata_path:
                    folder = os.path.dirname(distribution.metadata_path)
                    for file in distribution.files:
                        where.setdefault(file, os.path.join(folder, file))
        path = where.get(rel)
        candidates = [path] if path else [os.path.join(site, rel) for site in env.site_packages]
        for candidate in candidates:
            try:
                with open(candidate, "rb") as handle:
                    return handle.read()
            except OSError:
                continue
        return None

    return read


def _rules_used(options: ScanOptions) -> tuple[Rule, ...]:
    return tuple(
        r
        for r in options.pack.rules
        if (not options.select or r.id in options.select) and r.id not in options.ignore
    )


def _excluded_path(relpath: str, patterns: Sequence[str]) -> bool:
    return any(fnmatchcase(relpath, pattern) for pattern in patterns)


def _filter_units(units: list[Unit], options: ScanOptions) -> list[Unit]:
    """Drop excluded distributions and files matching ``exclude-paths``; a unit that lost files
    gets a cache key of its own."""
    out: list[Unit] = []
    for unit in units:
        if unit.distribution:
            canon = canonicalize_name(unit.distribution)
            if options.include_distributions and canon not in options.include_distributions:
                continue
            if canon in options.exclude_distributions:
                continue
        elif options.include_distributions:
            continue  # unowned files belong to no listed distribution
        if options.exclude_paths:
            kept = tuple(
                f for f in unit.files if not _excluded_path(f.relpath, options.exclude_paths)
            )
            if not kept:
                continue
            if len(kept) != len(unit.files):
                key = unit.key
                if key and key != "file":
                    key = f"{key}|only={'|'.join(f.relpath for f in kept)}"
                unit = dataclasses.replace(unit, files=kept, key=key)
        out.append(unit)
    return out


def _apply_baseline(
    findings: list[Finding], options: ScanOptions, counts: dict[str, int]
) -> tuple[list[Finding], int]:
    if options.write_baseline:
        counts["baseline_written"] = write_baseline(options.write_baseline, findings)
    if not options.baseline:
        return findings, 0
    ordered = sorted(findings, key=lambda f: (f.distribution, f.path, f.line, f.column, f.rule))
    new, known, unmatched = split_new(ordered, read_baseline(options.baseline))
    counts["baselined"] = len(known)
    counts["baseline_unmatched"] = unmatched
    return new, len(known)


# --------------------------------------------------------------------------- targets


def project_folder(target: str | None, cwd: str, project: str | None) -> str | None:
    """The project folder a scan of ``target`` belongs to (where its pyproject.toml is read)."""
    if project is not None:
        return os.path.abspath(os.path.join(cwd, project))
    return resolve_target(target, cwd)[1]


def _git_root(start: str) -> str:
    """The nearest folder upward holding ``.git``, or "" outside a repository."""
    root = repository_root(start)
    return root if os.path.exists(os.path.join(root, ".git")) else ""


def repository_root(start: str) -> str:
    """The nearest folder upward holding ``.git``, else ``start`` itself."""
    folder = os.path.abspath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.abspath(start)
        folder = parent


def _same_path(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _project_venv(cwd: str) -> tuple[str, str] | None:
    """``(project folder, venv)``: the first ``.venv`` or ``venv`` in ``cwd``, then at the
    repository root; None when there is none."""
    for base in dict.fromkeys((cwd, repository_root(cwd))):
        for name in (".venv", "venv"):
            candidate = os.path.join(base, name)
            if os.path.isdir(candidate) and _is_venv(candidate):
                return base, candidate
    return None


def default_environment(cwd: str) -> tuple[str | None, str]:
    """What ``scan`` audits when given no path, and a line saying so.

    ``$VIRTUAL_ENV`` when it is set and is not the environment forkaudit runs from; else the
    project's ``.venv`` or ``venv`` (in ``cwd``, then at the repository root), so that forkaudit
    installed in an environment of its own, even an active one, does not audit its own dozen
    packages and say "no findings"; else the environment forkaudit runs in. ``None`` leaves the
    choice (and the errors about a bad ``$VIRTUAL_ENV``) to ``resolve_target``; a project folder
    holding ``.venv`` is returned as such."""
    virtual_env = os.environ.get("VIRTUAL_ENV", "")
    own = bool(virtual_env) and _same_path(os.path.join(cwd, virtual_env), sys.prefix)
    if virtual_env and not own:
        return None, ""
    found = _project_venv(cwd)
    if found is not None:
        base, candidate = found
        why = " (the active environment is forkaudit's own)" if own else ""
        # the project folder, not the venv: its pyproject.toml names the direct
        # dependencies, even when .venv is a link to an environment elsewhere
        return os.path.abspath(base), f"auditing {os.path.relpath(candidate, cwd)}{why}"
    return sys.prefix, (
        f"auditing the environment forkaudit runs from ({sys.prefix}): no .venv or venv here "
        "or at the repository root; pass the path of the environment to audit"
    )


def project_environment(venv: str | None, cwd: str) -> str:
    """The environment the ``deps`` gate audits: ``venv`` when given, else ``.venv`` or
    ``venv`` in the repository root, else ``$VIRTUAL_ENV``, but never the environment forkaudit
    itself runs in (under pre-commit that is the hook's own isolated environment, and pre-commit
    sets ``$VIRTUAL_ENV`` to it)."""
    if venv:
        return resolve_target(venv, cwd)[0]
    found = _project_venv(cwd)
    if found is not None:
        return found[1]
    root = repository_root(cwd)
    virtual_env = os.environ.get("VIRTUAL_ENV", "")
    if virtual_env and not _same_path(virtual_env, sys.prefix) and _is_venv(virtual_env):
        return os.path.abspath(virtual_env)
    raise InputError(
        f"no project environment found: no .venv or venv in {root} and $VIRTUAL_ENV is unset "
        "(or is forkaudit's own environment); pass --venv PATH"
    )


# --------------------------------------------------------------------------- manifests


_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_STRING = re.compile(r"\"((?:[^\"\\]|\\.)*)\"|'([^']*)'")
_KEY = re.compile(r"""^\s*([A-Za-z0-9_.-]+|"[^"]*"|'[^']*')\s*=(?!=)""")


def _requirement_name(text: str) -> str:
    from packaging.requirements import InvalidRequirement, Requirement  # (not on a warm scan)

    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return ""


def pyproject_lines(text: str) -> dict[str, int]:
    """Canonical dependency name -> first line declaring it in a pyproject.toml: the
    ``[project]`` dependencies, optional-dependencies, ``[dependency-groups]`` and Poetry's
    dependency tables."""
    out: dict[str, int] = {}
    table = ""
    in_deps = False
    for number, line in enumerate(text.splitlines(), 1):
        header = _TABLE.match(line)
        if header:
            table = header.group(1).strip()
            in_deps = False
            continue
        code = line.split("#", 1)[0]
        key = _KEY.match(code)
        if table.startswith("tool.poetry") and table.endswith("dependencies"):
            name = key.group(1).strip("\"'") if key else ""
            if name and name.lower() != "python":
                out.setdefault(canonicalize_name(name), number)
            continue
        if table == "project":
            if key:
                in_deps = key.group(1) == "dependencies"
        else:
            in_deps = table in ("project.optional-dependencies", "dependency-groups")
        if not in_deps:
            continue
        for match in _STRING.finditer(code):
            name = _requirement_name(match.group(1) or match.group(2) or "")
            if name:
                out.setdefault(name, number)
        if table == "project" and "]" in _STRING.sub("", code):
            in_deps = False
    return out


def requirements_lines(text: str) -> dict[str, int]:
    """Canonical name -> first line of a requirements file naming it."""
    out: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-")):
            continue
        name = _requirement_name(line)
        if name:
            out.setdefault(name, number)
    return out


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def manifest_anchors(
    project: str, distributions: Iterable[RankedDistribution]
) -> tuple[str, dict[str, tuple[str, int]]]:
    """``(root, anchors)`` for SARIF: each distribution -> the manifest line bringing in its
    direct dependency (the first name of its chain a manifest declares), else line 1 of the main
    manifest; paths relative to ``root`` (the repository holding the project)."""
    root = repository_root(project)
    manifests: list[tuple[str, dict[str, int]]] = []
    pyproject = os.path.join(project, "pyproject.toml")
    text = _read(pyproject)
    if text is not None:
        manifests.append((pyproject, pyproject_lines(text)))
    try:
        names = sorted(os.listdir(project))
    except OSError:
        names = []
    for name in names:
        if name.startswith("requirements") and name.endswith(".txt"):
            path = os.path.join(project, name)
            text = _read(path)
            if text is not None:
                manifests.append((path, requirements_lines(text)))
    if not manifests:
        return "", {}
    anchors: dict[str, tuple[str, int]] = {"": (_relative(manifests[0][0], root), 1)}
    for dist in distributions:
        anchor = (_relative(manifests[0][0], root), 1)
        for element in dist.chain or (dist.name,):
            key = canonicalize_name(element)
            found = next(((path, lines[key]) for path, lines in manifests if key in lines), None)
            if found is not None:
                anchor = (_relative(found[0], root), found[1])
                break
        anchors[dist.name] = anchor
    return root, anchors


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


# --------------------------------------------------------------------------- suppressions


# --------------------------------------------------------------------------- the two flows


def _audit_env(
    env: Environment,
    dependencies: Mapping[str, DependencyInfo],
    options: ScanOptions,
    cwd: str,
    started: float,
    anchoring: Callable[[tuple[RankedDistribution, ...]], tuple[str, dict[str, tuple[str, int]]]],
    **report: Any,
) -> ScanReport:
    """The rest of a scan once the distributions are known (from a venv or from wheels): their
    units through the engine, run-time evidence, the baseline, the ranking, the report.
    ``anchoring`` gives the SARIF anchors of the ranked distributions; ``report`` the fields
    that depend on where the distributions came from (target, source)."""
    units = _filter_units(environment_units(env, options.include_tests), options)
    # which modules the environment cannot import, through what they import first: read from
    # its files once, then remembered while its site folders do not change
    run_options = _run_options(options)
    cache = run_options.cache
    key = (
        cache.key(f"imports|{os.path.realpath(env.path)}|{envcache.fingerprint(env)}")
        if cache is not None and env.modules
        else ""
    )
    importable = Importable(
        env.modules,
        [rel for d in env.distributions for rel in d.files] + list(env.unowned),
        env.python_version,
        _reader(env),
        _answers(cache.get(key) if cache is not None and key else None),
    )
    # the import chains of the modules with findings are read as their results come in, while
    # the workers go on with the rest (else at the end, alone)
    unit_results = run_units(
        units, options.pack, dataclasses.replace(run_options, found=importable.read_ahead)
    )
    findings, errors, files_total, files_parsed, suppressed, scanned = _gather(
        unit_results, options, importable
    )
    if cache is not None and key and importable.asked:
        cache.put(key, {"answers": {path: list(a) for path, a in importable.answers.items()}})
    counts: dict[str, int] = {"cached_units": sum(1 for u in unit_results if u.cached)}
    not_audited = sum(1 for d in env.distributions if not d.metadata_path)
    if not_audited:
        counts["not_audited"] = not_audited
    evidence = None
    if options.runtime:
        from forkaudit.evidence import merge_runtime

        # the rules in use only: a site seen at run time is reported under a selected rule
        findings, evidence = merge_runtime(
            findings, os.path.join(cwd, options.runtime), env, _rules_used(options)
        )
        # a site seen only at run time answers to ignore-findings like any other
        kept_findings = [f for f in findings if not _ignored(f, options.ignore_findings)]
        suppressed += len(findings) - len(kept_findings)
        findings = kept_findings
    findings, baselined = _apply_baseline(findings, options, counts)
    kept = {u.distribution for u in units if u.distribution}
    # a distribution not audited (sdist only, before install) is listed with why
    distributions = [d for d in env.distributions if d.name in kept or not d.metadata_path]
    observed = None
    if evidence is not None:
        from forkaudit.evidence import distribution_sums

        observed = distribution_sums(findings)
    ranked = rank(distributions, findings, errors, scanned, dependencies, observed)
    anchor_root, anchors = anchoring(ranked)
    return ScanReport(
        forkaudit_version=__version__,
        mode="scan",
        python_version=env.python_version,
        distributions=ranked,
        findings=tuple(findings),
        errors=tuple(errors),
        rules=_rules_used(options),
        score_formula=SCORE_FORMULA,
        duration_seconds=time.perf_counter() - started,
        files_total=files_total,
        files_parsed=files_parsed,
        suppressed=suppressed,
        warnings=all_warnings(env)
        + tuple(options.warnings)
        + (evidence.warnings if evidence is not None else ()),
        counts=counts,
        baselined=baselined,
        baseline_unmatched=counts.get("baseline_unmatched", 0),
        runtime=evidence,
        anchor_root=anchor_root,
        anchors=anchors,
        **report,
    )


def scan_environment(target: str | None, cwd: str, options: ScanOptions) -> ScanReport:
    started = time.perf_counter()
    env_path, project = resolve_target(target, cwd)
    if options.project is not None:
        project = os.path.abspath(os.path.join(cwd, options.project))
        if not os.path.isfile(os.path.join(project, "pyproject.toml")):
            raise InputError(
                f"--project {project} has no pyproject.toml: pass the folder that holds it"
            )
    # A changed (or uncached) environment means files to parse: start the workers' libcst import
    # now, while the environment is read.
    env, dependencies = envcache.load(
        env_path, project, _run_options(options).cache, on_miss=prestart
    )

    def anchoring(
        ranked: tuple[RankedDistribution, ...],
    ) -> tuple[str, dict[str, tuple[str, int]]]:
        anchor_root, anchors = manifest_anchors(project, ranked) if project else ("", {})
        if not anchor_root and env.site_packages:
            anchor_root = env.site_packages[0]  # no manifest: results point into site-packages
        return anchor_root, anchors

    return _audit_env(
        env,
        dependencies,
        options,
        cwd,
        started,
        anchoring,
        target=env.path,
        source="venv" if os.path.isfile(os.path.join(env.path, "pyvenv.cfg")) else "site-packages",
    )


@dataclass(frozen=True)
class RequirementsInput:
    """What `scan -r FILE ... [WHEEL|SPEC ...]` audits before anything is installed."""

    files: tuple[str, ...] = ()  # requirements files and lock files
    targets: tuple[str, ...] = ()  # wheel files, NAME==VERSION specs (or more files)
    python_version: str = ""  # X.Y of the target; "" = the running interpreter's
    platform: str = ""  # a pip platform tag; "" = this machine
    index_url: str = ""
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    progress: bool | None = None  # pip's progress on stderr: None = when stderr is a terminal


def scan_requirements(given: RequirementsInput, cwd: str, options: ScanOptions) -> ScanReport:
    """Audit what pip would install for requirements/lock files, wheels or specs: the wheels are
    read in memory from pip's download, nothing is installed, built or imported; a requirement
    with no wheel is listed "not audited: sdist only" and the rest is still scanned."""
    from forkaudit.pip import IndexOptions
    from forkaudit.resolve import resolve_source

    started = time.perf_counter()
    index = IndexOptions(
        index_url=given.index_url,
        extra_index_urls=given.extra_index_urls,
        find_links=tuple(
            link if "://" in link else os.path.abspath(os.path.join(cwd, link))
            for link in given.find_links
        ),
        no_index=given.no_index,
    )
    resolved = resolve_source(
        given.files,
        given.targets,
        cwd=cwd,
        python_version=given.python_version,
        platform=given.platform,
        index=index,
        cache_dir=options.cache_dir,
        progress=given.progress,
        remember=options.use_cache,
    )
    root = repository_root(cwd)
    anchors = {
        name: (_relative(path, root), line) for name, (path, line) in resolved.anchors.items()
    }
    return _audit_env(
        resolved.environment,
        resolved.dependencies,
        options,
        cwd,
        started,
        lambda ranked: (root, anchors),
        target=", ".join((*given.files, *given.targets)) or resolved.environment.path,
        source=resolved.kind,
    )


def check_paths(paths: Sequence[str], cwd: str, options: ScanOptions) -> ScanReport:
    started = time.perf_counter()
    root = repository_root(cwd)
    for given in paths:
        absolute = os.path.join(cwd, given)
        if os.path.isfile(absolute) and not is_python_source(absolute):
            raise InputError(
                f"{given} is not a Python file (no .py suffix, no python shebang): "
                "pass Python files or folders to check"
            )
    files, missing = collect_paths(paths, cwd, _git_root)
    if missing:
        raise InputError(f"{missing[0]} does not exist: pass Python files or folders to check")
    if options.exclude_paths:
        files = [
            f
            for f in files
            if not _excluded_path(f.relpath, options.exclude_paths)
            and not _excluded_path(_relative(f.abspath, cwd), options.exclude_paths)
        ]
    unit_results = run_units(file_units(files), options.pack, _run_options(options))
    # Findings are fingerprinted by paths relative to the repository root (a baseline written
    # by `check src` matches `check src/pkg/mod.py` and `check .`, from any folder), and shown
    # relative to the current folder (clickable in a terminal), each under its own unit's file:
    # two files may share a relative path (outside a repository, `check a b` names each
    # folder's files from it).
    shown: dict[int, str] = {}  # id of a finding or an error -> the path it is shown under
    unused_found: list[tuple[str, int]] = []
    for unit_result in unit_results:
        named = {f.relpath: _relative(f.abspath, cwd) for f in unit_result.unit.files}
        for result in unit_result.results:
            path = named.get(result.path, result.path)
            unused_found.extend((path, line) for line in result.unused_suppressions)
            for item in (*result.findings, result.error):
                if item is not None:
                    shown[id(item)] = path
    findings, errors, files_total, files_parsed, suppressed, _ = _gather(unit_results, options)
    counts: dict[str, int] = {}
    findings, baselined = _apply_baseline(findings, options, counts)
    findings = [dataclasses.replace(f, path=shown.get(id(f), f.path)) for f in findings]
    errors = [dataclasses.replace(e, path=shown.get(id(e), e.path)) for e in errors]
    unused = tuple(sorted(unused_found))
    if unused:
        counts["unused_suppressions"] = len(unused)
    anchors = {_relative(f.abspath, cwd): (_relative(f.abspath, root), 0) for f in files}
    ranked: tuple[RankedDistribution, ...] = ()
    return ScanReport(
        forkaudit_version=__version__,
        mode="check",
        target=os.path.abspath(paths[0]) if len(paths) == 1 else cwd,
        python_version="",
        distributions=ranked,
        findings=tuple(findings),
        errors=tuple(errors),
        rules=_rules_used(options),
        score_formula=SCORE_FORMULA,
        duration_seconds=time.perf_counter() - started,
        files_total=files_total,
        files_parsed=files_parsed,
        suppressed=suppressed,
        warnings=tuple(options.warnings)
        + tuple(f"{path}:{line}: unused forkaudit suppression" for path, line in unused),
        counts=counts,
        baselined=baselined,
        baseline_unmatched=counts.get("baseline_unmatched", 0),
        source="files",
        unused_suppressions=unused,
        anchor_root=root,
        anchors=anchors,
    )
