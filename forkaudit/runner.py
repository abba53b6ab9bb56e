"""Run the engine over units of files: cache, bytes prefilter, then parse on all cores.

Parsing happens in worker processes: a parser that crashes (libcst's native parser can segfault
on pathological nesting) or hangs costs one entry in ``errors[]``, never the scan. Results are
sorted, so the output is identical whatever the scheduling.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from forkaudit.analysis.engine import analyze
from forkaudit.analysis.lifecycle import SubclassInfo
from forkaudit.analysis.prefilter import Prefilter
from forkaudit.cache import Cache, result_from_dict, result_to_dict
from forkaudit.files import Unit
from forkaudit.model import FileError, FileResult, RulePack, SourceFile

Progress = Callable[[str, int, int], None]  # (phase, done, total)

_CLASS = re.compile(rb"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class UnitResult:
    unit: Unit
    files: int = 0
    parsed: int = 0
    cached: bool = False
    results: list[FileResult] = field(default_factory=list)


@dataclass(frozen=True)
class Job:
    data: bytes
    file: SourceFile
    external: dict[str, SubclassInfo]
    names: tuple[str, ...] = ()  # start-capable class names of the same distribution


@dataclass
class RunOptions:
    jobs: int = 0  # 0 = every core
    timeout: float = 60.0  # seconds one file may take to analyse
    cache: Cache | None = None
    progress: Progress | None = None


def run_units(units: Sequence[Unit], pack: RulePack, options: RunOptions) -> list[UnitResult]:
    out: list[UnitResult] = []
    pending: list[tuple[UnitResult, str]] = []
    jobs: list[tuple[UnitResult, Job]] = []
    base = Prefilter(pack.rules)
    start_classes = {
        q.rsplit(".", 1)[-1].encode() for r in pack.rules if r.start_method for q in r.starts
    }
    for number, unit in enumerate(units, start=1):
        if options.progress:
            options.progress("reading", number, len(units))
        result = UnitResult(unit=unit, files=len(unit.files))
        out.append(result)
        contents: list[tuple[SourceFile, bytes]] = []
        for source in unit.files:
            data = _read(source, result)
            if data is not None:
                contents.append((source, data))
        key = ""
        if options.cache is not None and unit.key:
            identity = unit.key
            if unit.key == "file" and contents:
                import hashlib

                source, data = contents[0]
                identity = f"file|{source.relpath}|{source.distribution}|{source.test_code}|{hashlib.sha256(data).hexdigest()}"
            if unit.key != "file" or contents:
                key = options.cache.key(identity)
                cached = options.cache.get(key)
                if cached is not None and _restore(result, cached):
                    continue
        # Classes of this distribution that are threads/processes themselves: their names are
        # start names for every module of the distribution.
        names = _subclass_names(contents, start_classes)
        prefilter = Prefilter(pack.rules, names) if names else base
        for source, data in contents:
            if prefilter.may_start(data):
                jobs.append(
                    (result, Job(data=data, file=source, external={}, names=tuple(sorted(names))))
                )
        pending.append((result, key))
    _execute(jobs, pack, options)
    if options.cache is not None:
        for result, key in pending:
            if key:
                options.cache.put(key, _payload(result))
    for result in out:
        result.results.sort(key=lambda r: r.path)
    return out


def _read(source: SourceFile, result: UnitResult) -> bytes | None:
    try:
        size = os.path.getsize(source.abspath)
        if size > MAX_FILE_BYTES:
            result.results.append(
                _error(source, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: skipped")
            )
            return None
        with open(source.abspath, "rb") as handle:
            return handle.read()
    except OSError as exc:
        result.results.append(_error(source, f"cannot read: {exc.strerror or exc}"))
        return None


def _error(source: SourceFile, reason: str) -> FileResult:
    return FileResult(
        path=source.relpath,
        findings=(),
        error=FileError(path=source.relpath, reason=reason, distribution=source.distribution),
    )


def _subclass_names(
    contents: list[tuple[SourceFile, bytes]], start_classes: set[bytes]
) -> set[str]:
    """Names of classes (in any module of the unit) deriving from Thread/Process, to a fixpoint."""
    classes: list[tuple[bytes, bytes]] = []
    for _, data in contents:
        if b"class" in data:
            classes.extend(_CLASS.findall(data))
    found: set[bytes] = set()
    known = set(start_classes)
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name in found:
                continue
            if any(part.strip().rsplit(b".", 1)[-1] in known for part in bases.split(b",")):
                found.add(name)
                known.add(name)
                changed = True
    return {n.decode("ascii", "replace") for n in found}


def _payload(result: UnitResult) -> dict[str, Any]:
    return {
        "files": result.files,
        "parsed": result.parsed,
        "results": [result_to_dict(r) for r in result.results],
    }


def _restore(result: UnitResult, cached: dict[str, Any]) -> bool:
    try:
        results = [result_from_dict(item) for item in cached["results"]]
        files = int(cached["files"])
        parsed = int(cached["parsed"])
    except (KeyError, TypeError, ValueError):
        return False
    result.results = results
    result.files = files
    result.parsed = parsed
    result.cached = True
    return True


# --------------------------------------------------------------------------- execution


def _execute(jobs: list[tuple[UnitResult, Job]], pack: RulePack, options: RunOptions) -> None:
    if not jobs:
        return
    # Two phases, so a subclass defined in one module is known when another module uses it:
    # first the modules that define thread/process subclasses, then the rest.
    by_unit: dict[int, dict[str, SubclassInfo]] = {}
    defining = [(r, j) for r, j in jobs if _defines_subclass(j.data)]
    others = [(r, j) for r, j in jobs if not _defines_subclass(j.data)]
    total = len(jobs)
    done = [0]
    for phase in (defining, others):
        if not phase:
            continue
        prepared = [(r, Job(j.data, j.file, by_unit.get(id(r), {}), j.names)) for r, j in phase]
        for (result, _), (file_result, exported) in zip(
            prepared, _map(prepared, pack, options, done, total), strict=True
        ):
            if file_result.findings or file_result.error or file_result.suppressed:
                result.results.append(file_result)
            if file_result.parsed:
                result.parsed += 1
            if exported:
                by_unit.setdefault(id(result), {}).update(exported)


def _defines_subclass(data: bytes) -> bool:
    return any(
        re.search(rb"\b(?:Thread|Timer|Process)\b", bases) for _, bases in _CLASS.findall(data)
    )


def _jobs_count(options: RunOptions) -> int:
    if options.jobs > 0:
        return options.jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _context() -> Any:
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["forkaudit.analysis.engine"])
        return context
    return multiprocessing.get_context("spawn")


def _map(
    prepared: list[tuple[UnitResult, Job]],
    pack: RulePack,
    options: RunOptions,
    done: list[int],
    total: int,
) -> list[tuple[FileResult, dict[str, SubclassInfo]]]:
    """Analyse every job in worker processes; a crashed worker costs only its own files."""
    results: list[tuple[FileResult, dict[str, SubclassInfo]] | None] = [None] * len(prepared)
    workers = min(_jobs_count(options), max(1, len(prepared)))
    batches = _batches(prepared, workers)
    suspects = _run_batches(batches, prepared, pack, options, workers, results, done, total)
    # Files whose batch died with a crashed worker: again, one per worker process.
    for position in suspects:
        single = [[position]]
        again = _run_batches_single(single, prepared, pack, options, results)
        if again:
            job = prepared[position][1]
            results[position] = (
                _error(job.file, "the parser crashed on this file (worker process died)"),
                {},
            )
        done[0] += 1
        if options.progress:
            options.progress("parsing", done[0], total)
    return [
        r if r is not None else (_error(prepared[i][1].file, "not analysed"), {})
        for i, r in enumerate(results)
    ]


def _batches(prepared: list[tuple[UnitResult, Job]], workers: int) -> list[list[int]]:
    """Indices grouped in batches of about equal bytes, big files first (better balance)."""
    order = sorted(range(len(prepared)), key=lambda i: -len(prepared[i][1].data))
    target = max(256 * 1024, sum(len(prepared[i][1].data) for i in order) // (workers * 8) or 1)
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i in order:
        current.append(i)
        size += len(prepared[i][1].data)
        if size >= target or len(current) >= 64:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _run_batches(
    batches: list[list[int]],
    prepared: list[tuple[UnitResult, Job]],
    pack: RulePack,
    options: RunOptions,
    workers: int,
    results: list[tuple[FileResult, dict[str, SubclassInfo]] | None],
    done: list[int],
    total: int,
) -> list[int]:
    suspects: list[int] = []
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(pack, options.timeout),
    ) as pool:
        futures: dict[Future[list[tuple[FileResult, dict[str, SubclassInfo]]]], list[int]] = {
            pool.submit(_work, [prepared[i][1] for i in batch]): batch for batch in batches
        }
        remaining = set(futures)
        while remaining:
            finished, remaining = wait(remaining, timeout=None, return_when="FIRST_COMPLETED")
            for future in finished:
                batch = futures[future]
                try:
                    batch_results = future.result()
                except BrokenProcessPool:
                    suspects.extend(batch)
                    continue
                for i, item in zip(batch, batch_results, strict=True):
                    results[i] = item
                done[0] += len(batch)
                if options.progress:
                    options.progress("parsing", done[0], total)
    return sorted(suspects)


def _run_batches_single(
    batches: list[list[int]],
    prepared: list[tuple[UnitResult, Job]],
    pack: RulePack,
    options: RunOptions,
    results: list[tuple[FileResult, dict[str, SubclassInfo]] | None],
) -> bool:
    """Run one file alone in a fresh worker; True when that worker crashed."""
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(pack, options.timeout),
    ) as pool:
        for batch in batches:
            future = pool.submit(_work, [prepared[i][1] for i in batch])
            try:
                for i, item in zip(batch, future.result(), strict=True):
                    results[i] = item
            except BrokenProcessPool:
                return True
    return False


# --------------------------------------------------------------------------- worker side

_PACK: RulePack | None = None
_TIMEOUT = 60.0


class _Timeout(Exception):
    pass


def _init_worker(pack: RulePack, timeout: float) -> None:
    global _PACK, _TIMEOUT
    _PACK = pack
    _TIMEOUT = timeout
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout()


def _work(jobs: list[Job]) -> list[tuple[FileResult, dict[str, SubclassInfo]]]:
    assert _PACK is not None
    out = []
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
    for job in jobs:
        try:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, _TIMEOUT)
            out.append(analyse_job(job, _PACK))
        except _Timeout:
            out.append(
                (_error(job.file, f"took longer than {_TIMEOUT:g} s to analyse: skipped"), {})
            )
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
    return out


def analyse_job(job: Job, pack: RulePack) -> tuple[FileResult, dict[str, SubclassInfo]]:
    return analyze(
        job.data,
        job.file.relpath,
        pack.rules,
        distribution=job.file.distribution,
        external=job.external,
        test_code=job.file.test_code,
        extra_names=job.names,
    )
