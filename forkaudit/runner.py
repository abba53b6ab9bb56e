"""Run the engine over units of files: cache, bytes prefilter, then parse, all on every core.

Three stages share one pool of worker processes:

1. *survey*: read each file, run the bytes prefilter, list the classes it defines (cheap, parallel);
2. *define*: analyse the modules that define Thread/Process subclasses, whose facts the sibling
   modules of the same distribution need;
3. *analyse*: every other file that can hold a start site.

A parser that crashes (libcst's native parser can segfault on pathological nesting) or hangs costs
one entry in ``errors[]``, never the scan. Results are sorted, so the output is identical whatever
the scheduling and the number of workers.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, TypeVar

from forkaudit.analysis.engine import analyze
from forkaudit.analysis.lifecycle import SubclassInfo
from forkaudit.analysis.prefilter import Prefilter, start_names
from forkaudit.cache import Cache, result_from_dict, result_to_dict
from forkaudit.files import Unit
from forkaudit.model import FileError, FileResult, RulePack, SourceFile

Progress = Callable[[str, int, int], None]  # (phase, done, total)

_CLASS = re.compile(rb"^[ \t]*class[ \t]+(\w+)[ \t]*\(([^)]*)\)", re.MULTILINE)
MAX_FILE_BYTES = 20 * 1024 * 1024
SURVEY_BATCH = 256

T = TypeVar("T")


@dataclass
class UnitResult:
    unit: Unit
    files: int = 0
    parsed: int = 0
    cached: bool = False
    results: list[FileResult] = field(default_factory=list)


@dataclass
class RunOptions:
    jobs: int = 0  # 0 = every core
    timeout: float = 60.0  # seconds one file may take to analyse
    cache: Cache | None = None
    progress: Progress | None = None


@dataclass(frozen=True)
class Survey:
    """What the bytes of one file say, before any parse."""

    error: str = ""
    passes: bool = False  # the prefilter (built-in start names) matched
    classes: tuple[tuple[str, str], ...] = ()  # (name, bases text) of every class with bases
    digest: str = ""  # sha256 of the content (for per-file cache keys)


@dataclass(frozen=True)
class Job:
    file: SourceFile
    names: tuple[str, ...] = ()  # start-capable class names of the same distribution
    external: dict[str, SubclassInfo] = field(default_factory=dict)
    recheck: bool = False  # the built-in prefilter did not match: try again with ``names``


# =========================================================================== parent side


def run_units(units: Sequence[Unit], pack: RulePack, options: RunOptions) -> list[UnitResult]:
    results = [UnitResult(unit=unit, files=len(unit.files)) for unit in units]
    keys: dict[int, str] = {}
    todo: list[int] = []
    for position, (unit, result) in enumerate(zip(units, results, strict=True)):
        if options.cache is not None and unit.key and unit.key != "file":
            keys[position] = options.cache.key(unit.key)
            cached = options.cache.get(keys[position])
            if cached is not None and _restore(result, cached):
                continue
        todo.append(position)
    if todo:
        with _Workers(pack, options) as workers:
            _run(units, results, todo, keys, pack, options, workers)
    for result in results:
        result.results.sort(key=lambda r: r.path)
    return results


def _run(
    units: Sequence[Unit],
    results: list[UnitResult],
    todo: list[int],
    keys: dict[int, str],
    pack: RulePack,
    options: RunOptions,
    workers: _Workers,
) -> None:
    # Stage 1: survey every file of every unit not in the cache.
    addresses = [(u, f) for u in todo for f in range(len(units[u].files))]
    surveys: dict[tuple[int, int], Survey] = {}
    batches = [addresses[i : i + SURVEY_BATCH] for i in range(0, len(addresses), SURVEY_BATCH)]
    done = 0
    for indices, answers in workers.map(
        _survey, [[units[u].files[f].abspath for u, f in b] for b in batches]
    ):
        for i, survey in zip(indices, answers, strict=True):
            surveys[addresses[i]] = survey
        batch = indices
        done += len(batch)
        if options.progress:
            options.progress("reading", done, len(addresses))
    # Per-file units (loose files, `check`): now that the content is known, look in the cache.
    remaining = []
    for u in todo:
        unit = units[u]
        if options.cache is not None and unit.key == "file" and unit.files:
            survey = surveys[(u, 0)]
            if survey.digest:
                source = unit.files[0]
                keys[u] = options.cache.key(
                    f"file|{source.relpath}|{source.distribution}|{source.test_code}|{survey.digest}"
                )
                cached = options.cache.get(keys[u])
                if cached is not None and _restore(results[u], cached):
                    continue
        remaining.append(u)
    # Which files need a parse: built-in prefilter hits, and (in distributions that define their own
    # Thread/Process subclasses) any file that may name one of those classes.
    base_classes = {q.rsplit(".", 1)[-1] for r in pack.rules if r.start_method for q in r.starts}
    defining: list[tuple[int, Job]] = []
    others: list[tuple[int, Job]] = []
    for u in remaining:
        unit = units[u]
        names = _subclass_names((surveys[(u, f)] for f in range(len(unit.files))), base_classes)
        local = tuple(sorted(names))
        for f, source in enumerate(unit.files):
            survey = surveys[(u, f)]
            if survey.error:
                results[u].results.append(_error(source, survey.error))
                continue
            if not survey.passes and not names:
                continue
            job = Job(file=source, names=local, recheck=not survey.passes)
            defines = any(name in names for name, _ in survey.classes)
            (defining if defines else others).append((u, job))
    total = len(defining) + len(others)
    counter = [0]
    exported: dict[int, dict[str, SubclassInfo]] = {}
    for phase in (defining, others):
        if not phase:
            continue
        jobs = [(u, Job(j.file, j.names, exported.get(u, {}), j.recheck)) for u, j in phase]
        for (u, _), (file_result, subclasses) in zip(
            jobs, _analyse_all([j for _, j in jobs], workers, options, counter, total), strict=True
        ):
            if file_result.parsed:
                results[u].parsed += 1
            if file_result.findings or file_result.error or file_result.suppressed:
                results[u].results.append(file_result)
            if subclasses:
                exported.setdefault(u, {}).update(subclasses)
    if options.cache is not None:
        for u in remaining:
            if u in keys:
                options.cache.put(keys[u], _payload(results[u]))


def _subclass_names(surveys: Iterable[Survey], base_classes: set[str]) -> set[str]:
    """Classes of one unit deriving (transitively) from Thread/Process/Timer."""
    classes = [pair for survey in surveys for pair in survey.classes]
    found: set[str] = set()
    known = set(base_classes)
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name not in found and any(
                part.strip().rsplit(".", 1)[-1] in known for part in bases.split(",")
            ):
                found.add(name)
                known.add(name)
                changed = True
    return found


def _analyse_all(
    jobs: list[Job],
    workers: _Workers,
    options: RunOptions,
    counter: list[int],
    total: int,
) -> list[tuple[FileResult, dict[str, SubclassInfo]]]:
    results: list[tuple[FileResult, dict[str, SubclassInfo]] | None] = [None] * len(jobs)
    batches = _batches(jobs, workers.size)
    order = [i for batch in batches for i in batch]
    lost: list[int] = []
    for positions, answers in workers.map(
        _analyse_batch, [[jobs[i] for i in b] for b in batches], broken=lost.extend
    ):
        batch = [order[p] for p in positions]
        for i, answer in zip(batch, answers, strict=True):
            results[i] = answer
        counter[0] += len(batch)
        if options.progress:
            options.progress("parsing", counter[0], total)
    # Files whose batch died with a crashed worker: again, each alone in its own worker.
    for i in sorted(order[p] for p in lost):
        outcome = workers.alone(_analyse_batch, [jobs[i]])
        results[i] = (
            outcome[0]
            if outcome is not None
            else (
                _error(jobs[i].file, "the parser crashed on this file (its worker process died)"),
                {},
            )
        )
        counter[0] += 1
        if options.progress:
            options.progress("parsing", counter[0], total)
    return [
        r if r is not None else (_error(jobs[i].file, "not analysed"), {})
        for i, r in enumerate(results)
    ]


def _batches(jobs: list[Job], workers: int) -> list[list[int]]:
    """Indices grouped in batches of about equal bytes, big files first (better balance)."""
    sizes = []
    for job in jobs:
        try:
            sizes.append(os.path.getsize(job.file.abspath))
        except OSError:
            sizes.append(0)
    order = sorted(range(len(jobs)), key=lambda i: (-sizes[i], jobs[i].file.relpath))
    target = max(128 * 1024, sum(sizes) // (workers * 12) or 1)
    batches: list[list[int]] = []
    current: list[int] = []
    size = 0
    for i in order:
        current.append(i)
        size += sizes[i]
        if size >= target or len(current) >= 32:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def _error(source: SourceFile, reason: str) -> FileResult:
    return FileResult(
        path=source.relpath,
        findings=(),
        error=FileError(path=source.relpath, reason=reason, distribution=source.distribution),
    )


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
    result.results, result.files, result.parsed, result.cached = results, files, parsed, True
    return True


# =========================================================================== the pool


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


class _Workers:
    """A process pool that is rebuilt when a worker dies, and always shut down on exit."""

    def __init__(self, pack: RulePack, options: RunOptions) -> None:
        self.pack = pack
        self.options = options
        self.size = _jobs_count(options)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self._shutdown()

    def _shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _executor(self, size: int | None = None) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=size or self.size,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(self.pack, self.options.timeout),
            )
        return self._pool

    def map(
        self,
        function: Callable[[list[Any]], list[T]],
        batches: list[list[Any]],
        broken: Callable[[list[int]], object] | None = None,
    ) -> Iterable[tuple[list[int], list[T]]]:
        """Yield (indices of the batch's items, answers) as batches complete. With ``broken``,
        the indices of batches lost to a dead worker are reported instead of raising."""
        if not batches:
            return
        offsets = []
        position = 0
        for batch in batches:
            offsets.append(list(range(position, position + len(batch))))
            position += len(batch)
        pool = self._executor()
        futures: dict[Future[list[T]], int] = {
            pool.submit(function, batch): n for n, batch in enumerate(batches)
        }
        remaining = set(futures)
        lost = False
        while remaining:
            finished, remaining = wait(remaining, return_when="FIRST_COMPLETED")
            for future in sorted(finished, key=lambda f: futures[f]):
                n = futures[future]
                try:
                    answers = future.result()
                except BrokenProcessPool:
                    lost = True
                    if broken is None:
                        raise
                    broken(offsets[n])
                    continue
                yield offsets[n], answers
        if lost:
            self._shutdown()

    def alone(self, function: Callable[[list[Any]], list[T]], batch: list[Any]) -> list[T] | None:
        """Run one batch in a fresh single worker; None when that worker died."""
        with ProcessPoolExecutor(
            max_workers=1,
            mp_context=_context(),
            initializer=_init_worker,
            initargs=(self.pack, self.options.timeout),
        ) as pool:
            try:
                return pool.submit(function, batch).result()
            except BrokenProcessPool:
                return None


# =========================================================================== worker side

_PACK: RulePack | None = None
_TIMEOUT = 60.0
_PREFILTERS: dict[tuple[str, ...], Prefilter] = {}


class _Timeout(Exception):
    pass


def _init_worker(pack: RulePack, timeout: float) -> None:
    global _PACK, _TIMEOUT
    _PACK = pack
    _TIMEOUT = timeout
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))


def _prefilter(names: tuple[str, ...]) -> Prefilter:
    assert _PACK is not None
    prefilter = _PREFILTERS.get(names)
    if prefilter is None:
        prefilter = _PREFILTERS[names] = Prefilter(_PACK.rules, names)
    return prefilter


def _read(path: str) -> bytes:
    if os.path.getsize(path) > MAX_FILE_BYTES:
        raise _TooBig()
    with open(path, "rb") as handle:
        return handle.read()


class _TooBig(Exception):
    pass


def _survey(paths: list[str]) -> list[Survey]:
    prefilter = _prefilter(())
    out = []
    for path in paths:
        try:
            data = _read(path)
        except _TooBig:
            out.append(Survey(error=f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: skipped"))
            continue
        except OSError as exc:
            out.append(Survey(error=f"cannot read: {exc.strerror or exc}"))
            continue
        classes: tuple[tuple[str, str], ...] = ()
        if b"class" in data:
            classes = tuple(
                (name.decode("latin-1"), bases.decode("latin-1"))
                for name, bases in _CLASS.findall(data)
                if bases.strip()
            )
        out.append(
            Survey(
                passes=prefilter.may_start(data),
                classes=classes,
                digest=hashlib.sha256(data).hexdigest(),
            )
        )
    return out


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout()


def _analyse_batch(jobs: list[Job]) -> list[tuple[FileResult, dict[str, SubclassInfo]]]:
    assert _PACK is not None
    out: list[tuple[FileResult, dict[str, SubclassInfo]]] = []
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
    try:
        data = _read(job.file.abspath)
    except _TooBig:
        return _error(job.file, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: skipped"), {}
    except OSError as exc:
        return _error(job.file, f"cannot read: {exc.strerror or exc}"), {}
    if job.recheck and not (_PACK is not None and _prefilter(job.names).may_start(data)):
        return FileResult(path=job.file.relpath, findings=()), {}
    return analyze(
        data,
        job.file.relpath,
        pack.rules,
        distribution=job.file.distribution,
        external=job.external,
        test_code=job.file.test_code,
        extra_names=job.names,
    )


__all__ = ["Job", "Progress", "RunOptions", "UnitResult", "run_units", "start_names"]
