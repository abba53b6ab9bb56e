"""The pipeline, one direction: source -> files -> engine -> findings -> ranking -> report."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from forkaudit import __version__
from forkaudit.cache import Cache, default_cache_dir
from forkaudit.environment import all_warnings, dependency_info, load_environment, resolve_target
from forkaudit.errors import InputError
from forkaudit.files import collect_paths, environment_units, file_units
from forkaudit.model import FileError, Finding, RankedDistribution, RulePack, ScanReport
from forkaudit.ranking import SCORE_FORMULA, rank
from forkaudit.runner import Progress, RunOptions, UnitResult, run_units


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


def _run_options(options: ScanOptions) -> RunOptions:
    cache = (
        Cache(options.cache_dir or default_cache_dir(), options.pack.digest)
        if options.use_cache
        else None
    )
    return RunOptions(
        jobs=options.jobs, timeout=options.timeout, cache=cache, progress=options.progress
    )


def _gather(
    unit_results: Sequence[UnitResult], options: ScanOptions
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
            for finding in result.findings:
                if options.select and finding.rule not in options.select:
                    continue
                if finding.rule in options.ignore:
                    suppressed += 1
                    continue
                findings.append(finding)
    return findings, errors, files_total, files_parsed, suppressed, scanned


def _rules_used(options: ScanOptions) -> tuple[object, ...]:
    return tuple(
        r
        for r in options.pack.rules
        if (not options.select or r.id in options.select) and r.id not in options.ignore
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
    env = load_environment(env_path)
    dependencies = dependency_info(env, project)
    units = environment_units(env, options.include_tests)
    unit_results = run_units(units, options.pack, _run_options(options))
    findings, errors, files_total, files_parsed, suppressed, scanned = _gather(
        unit_results, options
    )
    ranked = rank(env.distributions, findings, errors, scanned, dependencies)
    return ScanReport(
        forkaudit_version=__version__,
        mode="scan",
        target=env.path,
        python_version=env.python_version,
        distributions=ranked,
        findings=tuple(findings),
        errors=tuple(errors),
        rules=_rules_used(options),  # type: ignore[arg-type]
        score_formula=SCORE_FORMULA,
        duration_seconds=time.perf_counter() - started,
        files_total=files_total,
        files_parsed=files_parsed,
        suppressed=suppressed,
        warnings=all_warnings(env) + tuple(options.warnings),
        counts={"cached_units": sum(1 for u in unit_results if u.cached)},
    )


def check_paths(paths: Sequence[str], cwd: str, options: ScanOptions) -> ScanReport:
    started = time.perf_counter()
    files, missing = collect_paths(paths, cwd)
    if missing:
        raise InputError(f"{missing[0]} does not exist: pass Python files or folders to check")
    unit_results = run_units(file_units(files), options.pack, _run_options(options))
    findings, errors, files_total, files_parsed, suppressed, _ = _gather(unit_results, options)
    ranked: tuple[RankedDistribution, ...] = ()
    return ScanReport(
        forkaudit_version=__version__,
        mode="check",
        target=os.path.abspath(paths[0]) if len(paths) == 1 else cwd,
        python_version="",
        distributions=ranked,
        findings=tuple(findings),
        errors=tuple(errors),
        rules=_rules_used(options),  # type: ignore[arg-type]
        score_formula=SCORE_FORMULA,
        duration_seconds=time.perf_counter() - started,
        files_total=files_total,
        files_parsed=files_parsed,
        suppressed=suppressed,
        warnings=tuple(options.warnings),
        counts={},
    )
