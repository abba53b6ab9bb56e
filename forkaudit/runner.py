"""Run the engine over units of files: cache, bytes prefilter, then parse, all on every core.

Three stages share one pool of worker processes:

1. *survey*: read each file, run the bytes prefilter, list the classes it defines (cheap, parallel);
2. *analyse*: every file that can hold a start site; in a distribution that defines its own
   Thread/Process subclasses, the modules defining them first, whose facts their siblings need;
3. *ask*: a file whose findings hang on what the package's other modules do (the callers of a
   private function, a base class defined elsewhere) is analysed again with those modules.

Stages 2 and 3 are one stream of batches: what waits for something goes to the workers as soon as
that is known, while the rest runs.

A parser that crashes (libcst's native parser can segfault on pathological nesting) or hangs costs
one entry in ``errors[]``, never the scan. Results are sorted, so the output is identical whatever
the scheduling and the number of workers.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import hashlib
import itertools
import math
import multiprocessing
import os
import re
import select
import shutil
import signal
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from types import FrameType
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar

from forkaudit.analysis.alternation import alternation
from forkaudit.analysis.modules import module_name, names_match
from forkaudit.analysis.prefilter import (
    Prefilter,
    edits_imports,
    reaping_loops,
    sigchld_handlers,
    start_names,
)
from forkaudit.analysis.vocabulary import HELD_STOPS
from forkaudit.cache import Cache, result_from_dict, result_to_dict
from forkaudit.files import Unit, content_identity, matches_record
from forkaudit.model import FileError, FileResult, Rule, RulePack, SourceFile
from forkaudit.wheels import ARCHIVE_MARK, member_size, read_member

if TYPE_CHECKING:  # the parent only needs the engine when something must be parsed (in workers)
    from forkaudit.analysis.subclasses import SubclassInfo


def analyze(
    data: bytes, path: str, rules: Sequence[Rule], **options: Any
) -> tuple[FileResult, dict[str, SubclassInfo]]:
    """The engine, imported on first use: the parent never parses, so a warm scan never loads
    libcst (the forkserver preloads it for the workers)."""
    from forkaudit.analysis.engine import analyze as engine_analyze

    return engine_analyze(data, path, rules, **options)


Progress = Callable[[str, int, int], None]  # (phase, done, total)

# Starts with the literal, so the regex engine can jump from one "class" to the next (7x faster
# than anchoring on line starts); that only blanks precede it on its line is checked per hit.
# A base may hold a call (`class Chain(mp.get_context("fork").Process):`): one level of
# parentheses inside the list.
_CLASS = re.compile(rb"class[ \t]+(\w+)[ \t]*\(((?:[^()]|\([^()]*\))*)\)")


def _indent_at(data: bytes, start: int) -> int | None:
    """The column of ``start`` when only blanks precede it on its line (a statement starts
    there), else None (``class`` inside a string or after other text)."""
    line = data.rfind(b"\n", 0, start) + 1
    return None if data[line:start].strip(b" \t") else start - line


def _class_definitions(data: bytes) -> list[tuple[bytes, bytes]]:
    """(name, bases) of every `class Name(bases)` statement."""
    return [
        (match.group(1), match.group(2))
        for match in _CLASS.finditer(data)
        if _indent_at(data, match.start()) is not None
    ]


_OWNED = re.compile(rb"self\.(\w+)[ \t]*=[ \t]*(?:\w+\.)*Thread\(")
_ANY_CLASS = re.compile(rb"class[ \t]+(\w+)[ \t]*[(:]")
_TOP_DEF = re.compile(rb"^def[ \t]+(\w+)[ \t]*\(", re.MULTILINE)
_TOP_LEVEL = re.compile(rb"^[^ \t\r\n#]", re.MULTILINE)
_MADE = re.compile(rb"(\w+)[ \t]*=[ \t]*(?:\w+\.)*Thread\(")


def _maker_candidates(data: bytes) -> tuple[str, ...]:
    """Classes that may own a thread (``self.x = Thread(...)`` in their body, and a
    ``self.x.join(`` there to stop it) and module-level functions that may return one they make
    (``t = Thread(...)`` ... ``return t``): the analysis of their module says which do
    (``analysis/owners.py``, ``lifecycle.Analyzer.factories``); until then their names are
    start-capable names of the distribution, so that the modules calling them are read too."""
    found: list[str] = []
    for match in _TOP_DEF.finditer(data):
        end = _TOP_LEVEL.search(data, match.end())
        body = data[match.end() : end.start() if end else len(data)]
        if b"Thread(" in body and any(
            re.search(rb"\breturn[ \t(]+" + re.escape(made.group(1)) + rb"\b", body)
            for made in _MADE.finditer(body)
        ):
            found.append(match.group(1).decode("latin-1"))
    classes = [
        (match, indent)
        for match in _ANY_CLASS.finditer(data)
        if (indent := _indent_at(data, match.start())) is not None
    ]
    for hit in _OWNED.finditer(data):
        depth = hit.start() - (data.rfind(b"\n", 0, hit.start()) + 1)
        for position in range(len(classes) - 1, -1, -1):
            match, indent = classes[position]
            if match.start() > hit.start():
                continue
            if indent >= depth:
                continue  # a class nested deeper than the assignment: not its holder
            after = classes[position + 1][0].start() if position + 1 < len(classes) else len(data)
            if b"self." + hit.group(1) + b".join(" in data[match.end() : after]:
                found.append(match.group(1).decode("latin-1"))
            break
    return tuple(sorted(set(found)))


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
    # each file result with findings, as its analysis comes in: the caller may begin what it
    # reads of them while the workers go on (the import chains of their modules)
    found: Callable[[FileResult], None] | None = None


@dataclass(frozen=True)
class Survey:
    """What the bytes of one file say, before any parse."""

    error: str = ""
    passes: bool = False  # the prefilter (built-in start names) matched
    classes: tuple[tuple[str, str], ...] = ()  # (name, bases text) of every class with bases
    digest: str = ""  # sha256 of the content (for per-file cache keys)
    # Whether the group's subclass names were applied by the survey itself (it saw all the
    # group's files; no second read needed); `rescued`: the file names one of them (set by the
    # survey, or by the parent's recheck of a group too big for one batch).
    group_checked: bool = False
    rescued: bool = False
    # SIGCHLD handlers it installs, and functions it defines that reap every child in a loop:
    # one module may install what another defines (prefilter.sigchld_handlers/reaping_loops)
    handlers: tuple[str, ...] = ()
    reap_loops: tuple[str, ...] = ()
    makers: tuple[str, ...] = ()  # classes/functions that may make a thread (_maker_candidates)


@dataclass(frozen=True)
class Job:
    file: SourceFile
    names: tuple[str, ...] = ()  # start-capable class names of the same distribution
    external: dict[str, SubclassInfo] = field(default_factory=dict)
    reaper: str = ""  # a SIGCHLD handler of the same distribution reaping every child
    # private functions of the file, each with the package's other files naming it
    callers: dict[str, tuple[SourceFile, ...]] = field(default_factory=dict)


# =========================================================================== parent side


def run_units(units: Sequence[Unit], pack: RulePack, options: RunOptions) -> list[UnitResult]:
    results = [UnitResult(unit=unit, files=len(unit.files)) for unit in units]
    keys: dict[int, str] = {}
    todo: list[int] = []
    for position, (unit, result) in enumerate(zip(units, results, strict=True)):
        if options.cache is not None and unit.key and unit.key != "file":
            keys[position] = options.cache.key(unit.key)
            cached = options.cache.get(keys[position])
            if cached is None and unit.record and not unit.trusted:
                # the same files read from a wheel before (audited before install): theirs,
                # if these still hold what RECORD says
                content, expected = content_identity(unit)
                if content:
                    cached = options.cache.get(options.cache.key(content))
                    if cached is not None and not matches_record(unit, expected):
                        cached = None
                    if cached is not None:
                        options.cache.put(keys[position], cached)
            if cached is not None and _restore(result, cached):
                continue
        todo.append(position)
    if todo:
        with _Workers(pack, options) as workers:
            _run(units, results, todo, keys, pack, options, workers)
    for result in results:
        result.results.sort(key=lambda r: r.path)
        _package_edits_imports(result)
    return results


def _package_edits_imports(result: UnitResult) -> None:
    """A module is imported after the ``__init__.py`` of each package holding it: one of them
    that edits the import system (``sys.path.insert(0, _vendor)``) may make importable what
    the module imports and no site folder holds. Such a module's ``requires`` says nothing."""
    inits = {
        source.relpath: source.abspath
        for source in result.unit.files
        if source.relpath.endswith("__init__.py")
    }
    edits: dict[str, bool] = {}
    for position, file_result in enumerate(result.results):
        if not file_result.requires:
            continue
        folder = file_result.path.replace("\\", "/").rpartition("/")[0]
        while folder:
            init = f"{folder}/__init__.py"
            if init in inits and init != file_result.path:
                if init not in edits:
                    try:
                        edits[init] = edits_imports(_read(inits[init]))
                    except (OSError, _TooBig, _NotRegular):
                        edits[init] = True  # unread: it may
                if edits[init]:
                    result.results[position] = replace(file_result, requires=())
                    break
            folder = folder.rpartition("/")[0]


def _run(
    units: Sequence[Unit],
    results: list[UnitResult],
    todo: list[int],
    keys: dict[int, str],
    pack: RulePack,
    options: RunOptions,
    workers: _Workers,
) -> None:
    # Thread/Process subclasses are shared by every module of a distribution (and, for loose
    # files and `check`, by all the files given): their names are start names for all of them.
    groups: dict[str, list[int]] = {}
    for u in todo:
        groups.setdefault(units[u].distribution, []).append(u)
    # Stage 1: survey every file of every unit not in the cache. A group (distribution) small
    # enough goes to one worker whole, which also finds its subclass names and the files naming
    # them while it holds their bytes; a larger group is split and rechecked below.
    batches = _survey_batches(
        [
            [(u, f) for u in members for f in range(len(units[u].files))]
            for members in groups.values()
        ]
    )
    addresses = [address for batch in batches for address, _ in batch]
    surveys: dict[tuple[int, int], Survey] = {}
    done = 0
    for indices, answers in workers.map(
        _survey,
        [
            [
                (units[u].files[f].abspath, units[u].key == "file", group, size)
                for (u, f), (group, size) in batch
            ]
            for batch in batches
        ],
        _survey_failed,
        "read",
    ):
        for i, survey in zip(indices, answers, strict=True):
            surveys[addresses[i]] = survey
        done += len(indices)
        if options.progress:
            options.progress("reading", done, len(addresses))
    base_classes = _base_classes(pack.rules)
    group_names: dict[str, set[str]] = {}
    group_signature: dict[str, str] = {}
    group_reaper: dict[str, str] = {}
    for group, members in groups.items():
        group_surveys = [
            (units[u].files[f], surveys[(u, f)])
            for u in members
            for f in range(len(units[u].files))
        ]
        names = _subclass_names((survey for _, survey in group_surveys), base_classes)
        group_names[group] = names
        defining_files = sorted(
            f"{source.relpath}:{survey.digest}"
            for source, survey in group_surveys
            if survey.makers or any(name in names for name, _ in survey.classes)
        )
        group_reaper[group] = _group_reaper(group_surveys)
        defining_files.append(f"reaper:{group_reaper[group]}")
        group_signature[group] = hashlib.sha256("|".join(defining_files).encode()).hexdigest()
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
                    f"|{group_signature[unit.distribution]}"
                )
                cached = options.cache.get(keys[u])
                if cached is not None and _restore(results[u], cached):
                    continue
        remaining.append(u)
    # Which files need a parse: built-in prefilter hits, and (in distributions that define their own
    # Thread/Process subclasses) any file that may name one of those classes.
    # Files the built-in prefilter let go, in a group with subclass names: check those names
    # (a cheap bytes test, batched on the workers) before anything is parsed.
    recheck = [
        (u, f)
        for u in remaining
        if group_names[units[u].distribution]
        for f in range(len(units[u].files))
        if not surveys[(u, f)].passes
        and not surveys[(u, f)].error
        and not surveys[(u, f)].group_checked
    ]
    if recheck:
        items = [
            (units[u].files[f].abspath, tuple(sorted(group_names[units[u].distribution])))
            for u, f in recheck
        ]
        item_batches = [items[i : i + SURVEY_BATCH] for i in range(0, len(items), SURVEY_BATCH)]
        for positions, verdicts in workers.map(_recheck, item_batches, _recheck_failed, "read"):
            for i, passes in zip(positions, verdicts, strict=True):
                surveys[recheck[i]] = replace(surveys[recheck[i]], rescued=passes)
    defining: list[tuple[int, Job]] = []
    others: list[tuple[int, Job]] = []
    for u in remaining:
        unit = units[u]
        names = group_names[unit.distribution]
        local = tuple(sorted(names))
        for f, source in enumerate(unit.files):
            survey = surveys[(u, f)]
            if survey.error:
                results[u].results.append(_error(source, survey.error))
                continue
            if not survey.passes and not survey.rescued:
                continue
            job = Job(file=source, names=local, reaper=group_reaper[unit.distribution])
            defines = bool(survey.makers) or any(name in names for name, _ in survey.classes)
            (defining if defines else others).append((u, job))
    for u, file_result, stage in _analyse_jobs(defining, others, units, groups, workers, options):
        if stage == 2:
            if file_result.parsed:
                results[u].parsed += 1
            if file_result.asks:
                continue  # its final result comes in stage 3
        elif units[u].key == "file":
            # its result hangs on other files than its own: a loose file's entry is named
            # after its own content only, so it is not kept
            keys.pop(u, None)
        if _worth_keeping(file_result):
            results[u].results.append(file_result)
    if options.cache is not None:
        for u in remaining:
            if u in keys:
                payload = _payload(results[u])
                options.cache.put(keys[u], payload)
                if units[u].trusted:
                    # a wheel: its bytes are what its RECORD says (pip checked the archive)
                    content, _ = content_identity(units[u])
                    if content:
                        options.cache.put(options.cache.key(content), payload)


def _analyse_jobs(
    defining: list[tuple[int, Job]],
    others: list[tuple[int, Job]],
    units: Sequence[Unit],
    groups: dict[str, list[int]],
    workers: _Workers,
    options: RunOptions,
) -> Iterator[tuple[int, FileResult, int]]:
    """Stages 2 and 3 as one stream of batches for the workers, each batch handed over as soon as
    what it waits for is known (no worker idles at a stage's end while others finish theirs):
    (unit, result, 2) for each file's first analysis, and (unit, its final result, 3) for one
    that asked for the package's other modules.

    Stage 2: every candidate file through the engine. The files defining the distribution's own
    Thread/Process subclasses or factories go first; the other files of such a distribution
    wait for those definitions (they may use them), the files of other distributions go at once.
    Stage 3: a file whose high findings hang on a private function its module never calls (a
    method, a class made elsewhere, a base class of another module...) asks for the package's
    other modules; once every file of its distribution has had its first analysis, it is
    analysed again with the modules naming what it asks about (``_callers_wanted``)."""

    def distribution(u: int) -> str:
        return units[u].distribution

    definitions_left: dict[str, int] = {}
    for u, _ in defining:
        definitions_left[distribution(u)] = definitions_left.get(distribution(u), 0) + 1
    waiting: dict[str, list[tuple[int, Job]]] = {}
    first = list(defining)
    for u, job in others:
        if distribution(u) in definitions_left:
            waiting.setdefault(distribution(u), []).append((u, job))
        else:
            first.append((u, job))
    files_left: dict[str, int] = {}
    for u, _ in first + [item for items in waiting.values() for item in items]:
        files_left[distribution(u)] = files_left.get(distribution(u), 0) + 1
    definers = {id(job) for _, job in defining}
    exported: dict[str, dict[str, SubclassInfo]] = {}
    asking: dict[str, list[tuple[int, Job, FileResult]]] = {}
    # what each position of the stream holds: (unit, job, the first result of a job run again)
    stream: list[tuple[int, Job, FileResult | None]] = []
    # jobs whose wait is over, handed out in batches as the workers' queue runs low: batches
    # as big as the stages' would be (each batch costs its own hand-over)
    ready: list[tuple[int, Job, FileResult | None]] = []
    total = len(defining) + len(others)
    done = 0
    sizes: dict[str, int] = {}  # each file's bytes, looked up once (ready jobs are batched again)

    def size(job: Job) -> int:
        found = sizes.get(job.file.abspath)
        if found is None:
            found = sizes[job.file.abspath] = _job_size(job)
        return found

    target = max(
        128 * 1024, sum(size(job) for _, job in (*defining, *others)) // (workers.size * 24)
    )

    def batches(items: list[tuple[int, Job, FileResult | None]], most: int) -> list[list[Job]]:
        """Up to ``most`` batches of ``items``, big files first; the rest go back to ready."""
        jobs = [job for _, job, _ in items]
        out = []
        for n, batch in enumerate(_batches(jobs, workers.size, target, size)):
            if n < most:
                out.append([jobs[i] for i in batch])
                stream.extend(items[i] for i in batch)
            else:
                ready.extend(items[i] for i in batch)
        return out

    def more(in_flight: int) -> list[list[Job]]:
        if not ready or in_flight >= 2 * workers.size:
            return []
        taken = ready[:]
        ready.clear()
        return batches(taken, 2 * workers.size - in_flight)

    def failed(job: Job, reason: str) -> tuple[FileResult, dict[str, SubclassInfo]]:
        return _error(job.file, reason), {}

    initial = batches([(u, job, None) for u, job in first], len(first))
    for positions, answers in workers.map(_analyse_batch, initial, failed, "analyse", more):
        for position, (file_result, subclasses) in zip(positions, answers, strict=True):
            u, job, before = stream[position]
            done += 1
            if before is not None:
                # analysed again: a second analysis that failed keeps the first result
                yield u, file_result if file_result.parsed else before, 3
                continue
            group = distribution(u)
            if file_result.findings and options.found is not None:
                options.found(file_result)
            if file_result.asks:
                asking.setdefault(group, []).append((u, job, file_result))
            yield u, file_result, 2
            if subclasses:
                exported.setdefault(group, {}).update(subclasses)
            if id(job) in definers:
                definitions_left[group] -= 1
                if not definitions_left[group] and group in waiting:
                    # (a copy: what the waiting files' own results add later is no definition
                    # they wait for, and each job is pickled only when a worker takes it)
                    known = dict(exported.get(group, {}))
                    ready.extend(
                        (w, Job(j.file, j.names, known, j.reaper), None)
                        for w, j in waiting.pop(group)
                    )
            files_left[group] -= 1
            if not files_left[group] and group in asking:
                again, kept = _callers_wanted(asking.pop(group), units, groups)
                for w, result in kept:
                    yield w, result, 3
                total += len(again)
                ready.extend((w, j, result) for w, j, result in again)
        if options.progress:
            options.progress("parsing", done, total)


def _worth_keeping(result: FileResult) -> bool:
    return bool(result.findings or result.error or result.suppressed or result.unused_suppressions)


CALLER_FILES_MAX = 8  # other modules naming one private function that are parsed for its calls


def _callers_wanted(
    asking: list[tuple[int, Job, FileResult]],
    units: Sequence[Unit],
    groups: dict[str, list[int]],
) -> tuple[list[tuple[int, Job, FileResult]], list[tuple[int, FileResult]]]:
    """The files in ``asking`` to analyse again, each (unit, its job with the files of its
    distribution that name the private functions it asks about (a bytes search; at most
    ``CALLER_FILES_MAX`` each), or that define a base class it asks about (``Base:attr``) and
    reap that attribute in it (a bytes test: ``self.<attr>.wait(``, ``.join(``, ...), or that
    name an attribute as a method it asks about (``.stop``: ``client.stop()``), its first
    result); and the results of those no other file names, which keep their first."""
    out: list[tuple[int, FileResult]] = []
    again: list[tuple[int, Job, FileResult]] = []
    by_group: dict[str, list[tuple[int, Job, FileResult]]] = {}
    for item in asking:
        by_group.setdefault(units[item[0]].distribution, []).append(item)
    for group, items in by_group.items():
        asked = {name for _, _, result in items for name in result.asks}
        # (`^Name`: a class whose objects the package's other modules make, named bare too)
        names = sorted(
            name.lstrip("^") for name in asked if ":" not in name and name[0] not in ".="
        )
        bases = sorted(name for name in asked if ":" in name)
        # methods (`.stop`): the files naming an attribute so, `x.stop` (called or handed on),
        # or a string (`getattr(x, "stop")`)
        methods = sorted(name[1:] for name in asked if name.startswith("."))
        # methods whose callers say how often they run (`=start_flux`): the files naming the
        # attribute, when no other file defines a function of that name (`def start_flux`)
        counted = sorted(name[1:] for name in asked if name.startswith("="))
        # each regex starts with the words it looks for (the regex engine skips ahead to them,
        # 30x faster over a package as big as ray's than a leading `\b`), what must come
        # before them is tested at each hit (_hits)
        pattern = re.compile(rb"(" + alternation(names).encode() + rb")\b")
        attributes = re.compile(rb"(" + alternation(methods).encode() + rb")\b")
        reads = re.compile(rb"(" + alternation(counted).encode() + rb")\b")
        defines = re.compile(rb"def[ \t]+(" + alternation(counted).encode() + rb")\b")
        defined: dict[str, list[SourceFile]] = {}
        naming: dict[str, list[SourceFile]] = {}
        for member in groups.get(group, ()):
            for source in units[member].files:
                # a base class is looked for in the module its import names, read only then
                wanted = [base for base in bases if _module_of(base, source.relpath)]
                if not names and not methods and not counted and not wanted:
                    continue
                try:
                    data = _read(source.abspath)
                except (OSError, _TooBig, _NotRegular):
                    continue
                if names:
                    seen = {m.group(1).decode() for m in _hits(pattern, data, _word_starts)}
                    for name in asked:
                        if ":" not in name and name[0] not in ".=" and name.lstrip("^") in seen:
                            naming.setdefault(name, []).append(source)
                if methods:
                    for name in {m.group(1).decode() for m in _hits(attributes, data, _named)}:
                        naming.setdefault(f".{name}", []).append(source)
                if counted:
                    for name in {m.group(1).decode() for m in _hits(reads, data, _named)}:
                        naming.setdefault(f"={name}", []).append(source)
                    for found in _hits(defines, data, _word_starts):
                        defined.setdefault(found.group(1).decode(), []).append(source)
                for base in wanted:
                    if _defines_reaping(data, base):
                        naming.setdefault(base, []).append(source)
        for u, job, result in items:
            root = _root(job.file)
            others = {
                name: tuple(
                    s
                    for s in naming.get(name, ())
                    if s.relpath != job.file.relpath and _root(s) == root
                )
                for name in result.asks
            }
            shared = {
                # a method another class of the package defines too (or the module twice):
                # calls of that name may be of either, so only the calls that run it once per
                # object whichever it is say something (`self.prepare()` in an `__init__`)
                name
                for name in result.asks
                if name.startswith("=") and len(defined.get(name[1:], ())) > 1
            }
            callers = {name: found[:CALLER_FILES_MAX] for name, found in others.items() if found}
            callers.update(("*" + name, ()) for name in shared if name in callers)
            callers.update(
                # a method named by more modules than are read: one not read may call it
                ("+" + name, ())
                for name, found in others.items()
                if name[0] in ".=" and len(found) > CALLER_FILES_MAX
            )
            if callers:
                again.append((u, replace(job, callers=callers), result))
            else:
                out.append((u, result))
    return again, out


_ASCII_WORD = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _hits(
    pattern: re.Pattern[bytes], data: bytes, before: Callable[[bytes, int], bool]
) -> Iterator[re.Match[bytes]]:
    """The matches of ``pattern`` in ``data`` that ``before`` accepts by what precedes them, as
    ``finditer`` gives those of the regex with that test in front: after a match refused, the
    search goes on from the next byte, not from the match's end."""
    position = 0
    while (match := pattern.search(data, position)) is not None:
        if before(data, match.start()):
            yield match
            position = max(match.end(), match.start() + 1)
        else:
            position = match.start() + 1


def _word_starts(data: bytes, start: int) -> bool:
    """Does a word start at ``start`` (``\\b`` before a word character)?"""
    return start == 0 or data[start - 1] not in _ASCII_WORD


def _named(data: bytes, start: int) -> bool:
    """Is the name at ``start`` an attribute (``x.stop``, ``x. stop``: called or handed on) or
    in a string (``getattr(x, "stop")``)?"""
    if start and data[start - 1] in b"'\"":
        return True
    while start and data[start - 1] in b" \t":
        start -= 1
    return start > 0 and data[start - 1] == ord(".")


_BASE_REAPS = rb"(?:wait|communicate|join|shutdown|terminate|close|stop|cancel|poll|is_alive)"


def _module_of(ask: str, relpath: str) -> bool:
    """Is the file at ``relpath`` the module that the base class of ``ask`` (``pkg.base.Reader:
    attr``) is imported from (``pkg/base.py``, ``pkg/base/__init__.py``)? Paths start where
    the scan or the check does, which may sit above or below the import root: one dotted name
    ends the other (modules.names_match, as the engine matches them)."""
    module = ask.partition(":")[0].rpartition(".")[0]
    return (
        bool(module)
        and relpath.replace("\\", "/").endswith(".py")
        and names_match(module_name(relpath), module)
    )


def _defines_reaping(data: bytes, ask: str) -> bool:
    """Does a module's text define the class of ``ask`` (``pkg.base.Reader:attr``) and reap
    ``self.attr`` somewhere (``self._proc.wait(``, ``with self._pool``)? For a class handed an
    object at its construction (``pkg.bus.Bus:@1``), does it stop something it holds
    (``self._loop.stop``)? What only this can show is read by the engine; the rest is not worth
    parsing."""
    qualified, _, attr = ask.partition(":")
    base = qualified.rpartition(".")[2]
    defining = re.compile(rb"class[ \t]+" + re.escape(base.encode()) + rb"\b")
    if next(_hits(defining, data, _word_starts), None) is None:
        return False
    if attr.startswith("@"):
        # (a class handed an object at its construction: does it stop one it holds?)
        return bool(_STOPS_HELD.search(data))
    held = rb"self\." + re.escape(attr.encode())
    return bool(
        re.search(held + rb"\s*\.\s*" + _BASE_REAPS + rb"\s*\(", data)
        or re.search(rb"\bwith\s+" + held + rb"\b", data)
    )


# `self._loop.stop()`, `self._server.shutdown()`, `loop.call_soon_threadsafe(self._loop.stop)`
_STOPS_HELD = re.compile(
    rb"self\.\w+\s*\.\s*(?:" + alternation(sorted(HELD_STOPS)).encode() + rb")\b"
)


def _root(source: SourceFile) -> str:
    """The folder its relative path starts from (site-packages, or a folder `check` was given):
    modules of one package share it, and `check src plugins` keeps the two apart."""
    path = source.abspath.replace("\\", "/")
    return path[: -len(source.relpath)] if path.endswith(source.relpath) else path


GROUP_BATCH_MAX = 4000  # files of one distribution surveyed by one worker (ray has ~2,600)


def _survey_batches(
    groups: list[list[tuple[int, int]]],
) -> list[list[tuple[tuple[int, int], tuple[int, int]]]]:
    """Survey batches of ((unit, file), (group id, group size)) items, largest first so no worker
    is left with a big one at the end. A group of up to GROUP_BATCH_MAX files stays in one batch
    (small groups share one); a larger one is cut into SURVEY_BATCH pieces with group id -1."""
    batches: list[list[tuple[tuple[int, int], tuple[int, int]]]] = []
    shared: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for group, addresses in enumerate(groups):
        if len(addresses) > GROUP_BATCH_MAX:
            for i in range(0, len(addresses), SURVEY_BATCH):
                batches.append([(a, (-1, 0)) for a in addresses[i : i + SURVEY_BATCH]])
            continue
        items = [(a, (group, len(addresses))) for a in addresses]
        if len(items) >= SURVEY_BATCH:
            batches.append(items)
            continue
        if len(shared) + len(items) > SURVEY_BATCH:
            batches.append(shared)
            shared = []
        shared.extend(items)
    if shared:
        batches.append(shared)
    batches.sort(key=len, reverse=True)
    return batches


def _base_classes(rules: Sequence[Rule]) -> set[str]:
    return {q.rsplit(".", 1)[-1] for r in rules if r.kind.joinable for q in r.starts}


def _group_reaper(surveys: Sequence[tuple[SourceFile, Survey]]) -> str:
    """Why a SIGCHLD handler of the distribution reaps every child of the process, whichever
    module forked it ("" when none does): a function reaping in a loop, installed as the handler
    by its own module or by another (``signals[SIGCHLD] = utils.reap_zombies``). One installed
    by its own module first, then by path."""
    defined: dict[str, str] = {}
    for source, survey in sorted(surveys, key=lambda pair: pair[0].relpath):
        for name in survey.reap_loops:
            defined.setdefault(name, source.relpath)
    found = []
    for source, survey in surveys:
        for name in survey.handlers:
            where = source.relpath if name in survey.reap_loops else defined.get(name)
            if where is None:
                continue
            elsewhere = "" if where == source.relpath else f" ({where})"
            why = f"the SIGCHLD handler {name}(){elsewhere} reaps every exited child of the process"
            found.append((bool(elsewhere), source.relpath, f"{why} in a loop ({source.relpath})"))
    return min(found)[2] if found else ""


def _subclass_names(surveys: Iterable[Survey], base_classes: set[str]) -> set[str]:
    """Classes of one unit deriving (transitively) from Thread/Process/Timer, and those that may
    own a thread."""
    surveys = list(surveys)
    # each base's subclasses by the base's last name, walked down from the known bases
    derived: dict[str, list[str]] = {}
    for survey in surveys:
        for name, bases in survey.classes:
            for part in bases.split(","):
                derived.setdefault(part.strip().rsplit(".", 1)[-1], []).append(name)
    found: set[str] = set()
    pending = list(base_classes)
    while pending:
        for name in derived.get(pending.pop(), ()):
            if name not in found:
                found.add(name)
                pending.append(name)
    return found | {name for survey in surveys for name in survey.makers}


def _batches(
    jobs: list[Job], workers: int, target: int = 0, size_of: Callable[[Job], int] | None = None
) -> list[list[int]]:
    """Indices grouped in batches of about equal bytes (``target``, or a twelfth of each
    worker's share), big files first (better balance); ``size_of`` gives a job's bytes."""
    sizes = [(size_of or _job_size)(job) for job in jobs]
    order = sorted(range(len(jobs)), key=lambda i: (-sizes[i], jobs[i].file.relpath))
    target = target or max(128 * 1024, sum(sizes) // (workers * 12) or 1)
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


def _job_size(job: Job) -> int:
    if ARCHIVE_MARK in job.file.abspath:
        return member_size(job.file.abspath)
    try:
        return os.path.getsize(job.file.abspath)
    except OSError:
        return 0


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
    if sys.platform.startswith("linux") and _fork_server_runs():
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")


def prestart() -> None:
    """Start the fork server now, so that it imports the engine (libcst) while the caller reads
    the environment; the pool forks its workers from it later. Nothing to do where there is no
    fork server. It is stopped when the pool is done, or at exit if no pool ever needs it."""
    if sys.platform.startswith("linux"):
        _fork_server_runs()


def _survey_failed(item: tuple[str, bool, int, int], reason: str) -> Survey:
    return Survey(error=reason)


@dataclass
class _Batch:
    indices: list[int]  # positions of the items in the flattened input of ``map``
    items: list[Any]
    solo: bool = False  # a suspect: run with nothing else in flight, so a death is its own


class _Workers:
    """A process pool that survives its workers: a worker that crashes (segfault) or hangs (a
    native parse that never returns) costs one item an error, never the scan.

    Each batch runs under a *marker file*: the worker writes the position of the item it is on
    before starting it, and Python's ``faulthandler`` writes into the same file when the process
    dies of a fatal signal, or when the item outlives the time limit (``dump_traceback_later`` with
    ``exit=True``: a C thread, so it fires even when the main thread is stuck in native code).
    When the pool breaks, the parent reads the markers: the item named in a marker that holds a
    fault report is the culprit (an error entry); every other item of the lost batches runs again
    in a fresh pool. As a last resort, the parent kills the pool itself when a marker says an
    item has been running far longer than the limit (the parent-side watchdog).
    """

    def __init__(self, pack: RulePack, options: RunOptions) -> None:
        self.pack = pack
        self.options = options
        self.size = _jobs_count(options)
        self.limit = options.timeout
        self.grace = min(max(1.0, options.timeout / 4), 30.0)
        self._pool: ProcessPoolExecutor | None = None
        # (manager thread, worker processes) of each pool shut down, to join at the end.
        self._retired: list[tuple[Any, dict[int, Any]]] = []
        self._markers = tempfile.mkdtemp(prefix="forkaudit-")
        self._sequence = itertools.count()

    def __enter__(self) -> _Workers:
        _claim_helpers()
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        # A Ctrl-C now waits until every process is stopped and reaped (then it is raised).
        with _interrupts_held():
            gone = False
            try:
                if kind is not None:  # Ctrl-C or an error: do not wait for the batches in flight
                    self._kill()
                self._shutdown(wait=kind is None)
                gone = self._join_all()
            finally:
                shutil.rmtree(self._markers, ignore_errors=True)
                _release_helpers(gone)

    def _shutdown(self, wait: bool = True) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            # The executor lets go of both on shutdown: keep them to join its workers later.
            thread = getattr(pool, "_executor_manager_thread", None)
            processes = getattr(pool, "_processes", None) or {}
            self._retired.append((thread, processes))
            if not wait:  # broken, or its workers killed
                _unblock_feeder(pool)
            pool.shutdown(wait=wait, cancel_futures=True)

    def _join_all(self) -> bool:
        """Join the manager thread of every pool shut down and every worker process it started
        (one that outlives its join is killed); whether they are all gone. Shut down without
        waiting, a pool's thread is still joining its workers (killed, or terminated after a
        crash): a few milliseconds."""
        retired, self._retired = self._retired, []
        gone = True
        for thread, processes in retired:
            if thread is not None:
                thread.join(JOIN_SECONDS)
            for process in list(processes.values()):
                gone = _join_process(process) and gone
        return gone

    def _kill(self) -> None:
        """Kill every worker process of the current pool (the executor then reports it broken)."""
        if self._pool is None:
            return
        processes: dict[int, Any] = getattr(self._pool, "_processes", None) or {}
        _unblock_feeder(self._pool)
        for process in list(processes.values()):
            with contextlib.suppress(Exception):
                process.kill()
        for process in list(processes.values()):
            with contextlib.suppress(Exception):
                process.join(JOIN_SECONDS)
        # A worker killed halfway through writing its answers leaves part of a message in the
        # result pipe, and this process holds the pipe's write end too: the pool's manager thread
        # would wait for the rest for good (and the interpreter's exit on it). With that end
        # closed, it reads an end of file and calls the pool broken.
        writer: Any = getattr(getattr(self._pool, "_result_queue", None), "_writer", None)
        with contextlib.suppress(Exception):
            writer.close()

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = _context()
            # Its queues' semaphores start the resource tracker where it does not run yet.
            with _interrupts_held():
                self._pool = ProcessPoolExecutor(
                    max_workers=self.size,
                    mp_context=context,
                    initializer=_init_worker,
                    initargs=(self.pack, self.limit, self.grace),
                )
        return self._pool

    def map(
        self,
        function: Callable[[list[Any], _Tracker], list[T]],
        batches: list[list[Any]],
        failed: Callable[[Any, str], T],
        verb: str,
        more: Callable[[int], list[list[Any]]] | None = None,
    ) -> Iterator[tuple[list[int], list[T]]]:
        """Yield (positions of the items in the flattened ``batches``, answers) until every item
        has an answer: ``function``'s, or ``failed(item, reason)`` for an item whose worker died
        on it or that outlived the time limit. After each answer is taken, ``more(n)`` (``n``:
        the batches in flight) may give further batches, which go to the workers at once (no
        wait for the ones in flight) and take the positions after those given before."""
        pending: list[_Batch] = []
        position = 0

        def batched(items: list[Any]) -> _Batch:
            nonlocal position
            batch = _Batch(list(range(position, position + len(items))), list(items))
            position += len(items)
            return batch

        pending.extend(batched(items) for items in batches)
        fruitless = 0
        while pending:
            solo = next((b for b in pending if b.solo), None)
            if solo is not None:
                pending.remove(solo)
                round_batches = [solo]
            else:
                round_batches, pending = pending, []
            pool = self._executor()
            futures: dict[Future[list[T]], tuple[str, _Batch]] = {}
            remaining: set[Future[list[T]]] = set()
            broken = self._submit(pool, function, round_batches, futures, remaining, pending)
            # (a suspect runs with nothing else in flight: what comes meanwhile waits)
            alone = len(round_batches) == 1 and round_batches[0].solo
            progress = False
            while remaining:
                finished, remaining = wait(
                    remaining, timeout=self._poll(), return_when=FIRST_COMPLETED
                )
                if not finished:
                    if self._stalled():
                        self._kill()
                    continue
                for future in sorted(finished, key=lambda f: futures[f][1].indices[0]):
                    marker, batch = futures[future]
                    try:
                        answers = future.result()
                    except BrokenProcessPool:
                        broken = True
                        culprit, retry = self._salvage(marker, batch, verb)
                        if culprit is not None:
                            yield (
                                [batch.indices[culprit[0]]],
                                [failed(batch.items[culprit[0]], culprit[1])],
                            )
                            if more is not None:
                                pending.extend(
                                    batched(items) for items in more(len(remaining)) if items
                                )
                        progress = progress or culprit is not None or len(retry) > 1
                        pending.extend(b for b in retry if b.items)
                        continue
                    progress = True
                    yield batch.indices, answers
                    if more is not None:
                        fresh = [batched(items) for items in more(len(remaining)) if items]
                        if broken or alone:
                            pending.extend(fresh)
                        elif fresh:
                            broken = self._submit(
                                pool, function, fresh, futures, remaining, pending
                            )
            if broken:
                self._shutdown(wait=False)
                fruitless = 0 if progress else fruitless + 1
                if fruitless >= 3:  # workers die before taking any item: give up on the rest
                    for batch in pending:
                        yield (
                            batch.indices,
                            [
                                failed(
                                    item, f"could not {verb} it: the worker processes keep dying"
                                )
                                for item in batch.items
                            ],
                        )
                    return
            pending.sort(key=lambda b: b.indices[0])

    def _submit(
        self,
        pool: ProcessPoolExecutor,
        function: Callable[[list[Any], _Tracker], list[T]],
        batches: list[_Batch],
        futures: dict[Future[list[T]], tuple[str, _Batch]],
        remaining: set[Future[list[T]]],
        pending: list[_Batch],
    ) -> bool:
        """Hand ``batches`` to ``pool``, each under a marker of its own; whether the pool broke
        on the way (what was not handed over then goes back to ``pending``)."""
        # Submitting starts the workers: a Ctrl-C halfway through a start would leave a worker
        # this process never learns of (nor kills, nor joins).
        with _interrupts_held():
            for n, batch in enumerate(batches):
                marker = os.path.join(self._markers, str(next(self._sequence)))
                try:
                    future = pool.submit(_guarded, function, marker, batch.items)
                except BrokenProcessPool:
                    # A worker died while the round was still being handed out: what was not
                    # submitted never started, and runs again on a new pool.
                    pending.extend(batches[n:])
                    return True
                futures[future] = (marker, batch)
                remaining.add(future)
        return False

    def _poll(self) -> float:
        return max(1.0, min(self.limit, 30.0))

    def _stalled(self) -> bool:
        """A marker not rewritten for far longer than one item may take: a worker is stuck even
        though its own watchdog did not fire."""
        # Later than the worker's own watchdog can fire (see _Tracker.start).
        deadline = time.time() - (2 * (self.limit + self.grace) + 5.0)
        try:
            with os.scandir(self._markers) as entries:
                return any(e.stat().st_mtime < deadline for e in entries)
        except OSError:
            return False

    def _salvage(
        self, marker: str, batch: _Batch, verb: str
    ) -> tuple[tuple[int, str] | None, list[_Batch]]:
        """After the pool broke: (the culprit's offset in the batch and why, the batches to
        run again)."""
        try:
            with open(marker, "rb") as handle:
                text = handle.read().decode("utf-8", "replace")
            os.unlink(marker)
        except OSError:
            return None, [batch]  # never started (or already done): every item runs again
        first, _, report = text.partition("\n")
        try:
            current = int(first)
        except ValueError:
            return None, [batch]
        if not 0 <= current < len(batch.items):
            return None, [batch]
        keep = [n for n in range(len(batch.items)) if n != current]
        rest = _Batch([batch.indices[n] for n in keep], [batch.items[n] for n in keep])
        reason = _fault_reason(report, self.limit, verb)
        if reason is None:
            if not batch.solo:
                # Killed from outside: the pool going down with another worker, or the OOM
                # killer. A suspect: run it again with nothing else in flight.
                suspect = _Batch([batch.indices[current]], [batch.items[current]], solo=True)
                return None, [rest, suspect]
            reason = f"its worker process was killed while trying to {verb} it"
        return (current, reason), [rest]


def _fault_reason(report: str, limit: float, verb: str) -> str | None:
    if "Timeout (" in report:
        return f"took longer than {limit:g} s to {verb} (did not return): skipped"
    match = re.search(r"Fatal Python error: ([^\n]+)", report)
    if match:
        what = match.group(1).strip().rstrip(".")
        crashed = (
            "crashed the parser" if verb == "analyse" else f"crashed while trying to {verb} it"
        )
        return f"{crashed} ({what}); the scan went on without it"
    return None


# =========================================================================== helper processes
#
# A pool forked from the fork server has two helper processes besides its workers: the fork
# server (it imports the engine once and forks every worker) and multiprocessing's resource
# tracker (it unlinks the pool's named semaphores should this process die). Both are made to
# outlive their parent, left to notice it is gone and exit on their own, orphaned for a while.
# forkaudit stops them itself once the last pool is done (its workers joined), and reaps them at
# exit at the latest: when forkaudit exits, no process it started is left.

JOIN_SECONDS = 10.0  # bounds every wait for a process that was killed or told to stop
_LOCK = threading.Lock()
_server: bool | None = None  # the fork server runs / cannot run here (spawn instead) / neither
_users = 0  # _Workers in use in this process: the helpers stop when the last one is done
_stuck = False  # a worker outlived its kill: leave the helpers, which would wait for it
_foreign_tracker: int | None = None  # a resource tracker running before forkaudit's: not ours
_hooked = False
_stopped: list[int] = []  # helpers told to stop, not reaped yet


def _fork_server_runs() -> bool:
    """Start the fork server (preloading the engine) unless it runs. It listens on a Unix socket
    under the temporary folder; where that path is too long for one (a deep TMPDIR: "AF_UNIX
    path too long") or sockets are refused, workers are spawned instead."""
    global _server
    with _LOCK:
        if _server is None:
            from multiprocessing import forkserver, resource_tracker

            _hook_exit()
            multiprocessing.get_context("forkserver").set_forkserver_preload(
                ["forkaudit.analysis.engine"]
            )
            try:
                # Each start is held from Ctrl-C, or a process would run unrecorded (a
                # KeyboardInterrupt raised as the tracker unblocks SIGINT after its start loses
                # its pid). The tracker first, alone: it unblocks SIGINT when started.
                with _interrupts_held():
                    resource_tracker.ensure_running()
                # Started with SIGINT blocked (a process inherits the signal mask), the fork
                # server and the workers it forks cannot be cut short by a Ctrl-C meant for
                # forkaudit, which stops them itself (the server ignores SIGINT once it serves,
                # a worker once initialised): no KeyboardInterrupt traceback of theirs.
                with _interrupts_held():
                    forkserver.ensure_running()
                    _server = True
            except OSError:
                _server = False
        return _server is True


def _claim_helpers() -> None:
    global _users
    with _LOCK:
        _users += 1
        _hook_exit()


def _release_helpers(gone: bool) -> None:
    """A pool is done; ``gone``: every worker it started has been joined."""
    global _users, _stuck
    with _LOCK:
        _users -= 1
        _stuck = _stuck or not gone
        if _users == 0:
            _stop_helpers(final=False)
            _reap(block=False)  # those stopped by an earlier pool


def _hook_exit() -> None:
    """Stop and reap the helpers at exit, after multiprocessing's own exit work: its last
    semaphore finalizers write to the resource tracker (and would start another)."""
    global _hooked, _foreign_tracker
    if not _hooked:
        _hooked = True
        _foreign_tracker = _tracker_pid()
        from multiprocessing import util

        util.Finalize(None, _at_exit, exitpriority=-200)


def _at_exit() -> None:
    # Exiting anyway: a Ctrl-C must not cut this short.
    with _interrupts_held(deliver=False), _LOCK:
        if _users == 0:
            _stop_helpers(final=True)
        _reap(block=True)


def _stop_helpers(final: bool) -> None:
    """Tell the fork server and the resource tracker this process started to stop; every worker
    is joined by then. The tracker only once no semaphore of a pool is left for it to release
    (at ``final``, the exit, none is)."""
    global _server
    if _stuck:
        return
    with contextlib.suppress(Exception):
        if _server:
            _server = None
            _stop_fork_server()
    with contextlib.suppress(Exception):
        pid = _tracker_pid()
        if pid is not None and pid != _foreign_tracker and (final or not _semaphores_left()):
            _stop_tracker()


def _stop_fork_server() -> None:
    """Close its "alive" pipe (its signal to stop), as ``ForkServer._stop()`` does, and kill it
    rather than wait: it has no child left (every worker is joined), and left to itself it
    exits only after importing the engine, if it still is, and tearing it down (~40 ms)."""
    from multiprocessing import forkserver

    server: Any = getattr(forkserver, "_forkserver", None)
    if not hasattr(server, "_forkserver_alive_fd"):  # another layout: its own stop, which waits
        server._stop()
        return
    with server._lock:
        pid = server._forkserver_pid
        fd = server._forkserver_alive_fd
        address = server._forkserver_address
        if pid is None:
            return
        server._forkserver_pid = server._forkserver_alive_fd = server._forkserver_address = None
    _stopped.append(pid)
    with contextlib.suppress(OSError):
        os.close(fd)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)
    if isinstance(address, str) and not address.startswith("\0"):  # not an abstract socket
        with contextlib.suppress(OSError):
            os.unlink(address)


def _tracker() -> Any:
    from multiprocessing import resource_tracker

    return getattr(resource_tracker, "_resource_tracker", None)


def _tracker_pid() -> int | None:
    pid = getattr(_tracker(), "_pid", None)
    return pid if isinstance(pid, int) else None


def _stop_tracker() -> None:
    """Close its pipe, as ``ResourceTracker._stop()`` does: at end of file it releases what is
    still registered and exits (reaped later, not waited for here)."""
    tracker = _tracker()
    if not hasattr(tracker, "_fd"):  # another layout: its own stop, which waits
        tracker._stop()
        return
    with tracker._lock:
        pid, fd = tracker._pid, tracker._fd
        if pid is None or fd is None:
            return
        tracker._pid = tracker._fd = None
    _stopped.append(pid)
    with contextlib.suppress(OSError):
        os.close(fd)


def _semaphores_left() -> bool:
    """Whether a semaphore is still registered with the resource tracker: a pool's queues not
    yet released (held by a traceback's frames, say). Its finalizer will write to the tracker."""
    from multiprocessing import synchronize, util

    cleanup = getattr(synchronize.SemLock, "_cleanup", None)
    registry: dict[Any, Any] = getattr(util, "_finalizer_registry", {})
    return cleanup is None or any(
        getattr(f, "_callback", None) is cleanup for f in list(registry.values())
    )


def _reap(block: bool) -> None:
    """Wait for the helpers told to stop (``block``: up to JOIN_SECONDS each), or just collect
    those that are done."""
    for pid in list(_stopped):
        with contextlib.suppress(OSError):
            if block and not _exited(pid, JOIN_SECONDS):
                continue  # still held open by a process it outlived: leave it
            if os.waitpid(pid, 0 if block else os.WNOHANG)[0] == 0:
                continue
        _stopped.remove(pid)


def _exited(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` has exited, waiting up to ``seconds`` for it (a pidfd: no polling;
    where there is none, True: the caller's waitpid then waits for as long as it takes)."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])
    finally:
        os.close(fd)


def _unblock_feeder(pool: ProcessPoolExecutor) -> None:
    """Before Python 3.11 (gh-94777), the thread feeding a pool whose workers died could block
    for good writing to the call queue's pipe, which this process alone then holds open for
    reading; the pool's manager thread, and so the interpreter's exit, waited on it. Close that
    end as 3.11's executor does, so the write fails."""
    if sys.version_info < (3, 11):  # (idempotent; best before the workers die)
        reader: Any = getattr(getattr(pool, "_call_queue", None), "_reader", None)
        with contextlib.suppress(Exception):
            reader.close()


def _join_process(process: Any) -> bool:
    """Join a worker process; kill it if it outlives the join. Whether it is gone."""
    with contextlib.suppress(Exception):
        process.join(JOIN_SECONDS)
        if process.exitcode is None:
            process.kill()
            process.join(JOIN_SECONDS)
        return process.exitcode is not None
    return False


@contextlib.contextmanager
def _interrupts_held(deliver: bool = True) -> Iterator[None]:
    """Hold Ctrl-C back during the block, and SIGTERM where a Python handler unwinds it as
    Ctrl-C (the command line's): the block is not cut short (a process it starts is recorded,
    one it stops is reaped), processes it starts begin with SIGINT blocked (not SIGTERM, which
    stops them), and the first signal held is raised once the block is done (``deliver``) or
    dropped."""
    held: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    previous: dict[int, Any] = {}
    if main:
        interrupt = signal.getsignal(signal.SIGINT)
        if interrupt is not None:  # (None: a handler not installed from Python)
            previous[signal.SIGINT] = interrupt
        terminate = signal.getsignal(signal.SIGTERM)
        if callable(terminate):
            previous[signal.SIGTERM] = terminate
    for signum in previous:
        signal.signal(signum, lambda signum, frame: held.append(signum))
    mask = None
    if hasattr(signal, "pthread_sigmask"):
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        # The mask first: a SIGINT pending meanwhile still goes to the handler above.
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if held and deliver:
        signum = held[0]
        handler = previous.get(signum)
        if callable(handler):
            handler(signum, None)
        elif handler == signal.SIG_DFL:
            signal.raise_signal(signum)


# =========================================================================== worker side

_PACK: RulePack | None = None
_TIMEOUT = 60.0
_GRACE = 15.0
_PREFILTERS: dict[tuple[str, ...], Prefilter] = {}
_NAME_PREFILTERS: dict[tuple[str, ...], Prefilter] = {}


class _Timeout(Exception):
    pass


def _init_worker(pack: RulePack, timeout: float, grace: float) -> None:
    global _PACK, _TIMEOUT, _GRACE
    _PACK = pack
    _TIMEOUT = timeout
    _GRACE = grace
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    from forkaudit.analysis import constructors  # (libcst: never imported by the parent)

    constructors.install()  # a worker only parses and analyses: for its whole life
    _tune_collector()


# A worker builds a syntax tree per file: hundreds of thousands of nodes that hold no cycle and
# are freed by their reference counts once the file is done. The cyclic collector, triggered by
# those allocations, would also traverse every object the worker keeps for its life (the
# engine's modules, libcst's grammar, the rule pack) at each full collection: about a tenth of a
# scan's time. Those are moved out of its sight (gc.freeze) and it runs less often; it still
# runs, so a cycle made while analysing is still freed.
GC_THRESHOLD = (10_000, 20, 20)


def _tune_collector() -> None:
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)


class _Tracker:
    """Worker side of a marker file: which item is in progress, and the watchdog for it."""

    # The first line holds the item's position, padded to a fixed width and rewritten in place
    # (one pwrite); faulthandler writes its report after it, at the file's offset.
    WIDTH = 11

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.fd = handle.fileno()
        self.armed = -math.inf
        os.lseek(self.fd, self.WIDTH, os.SEEK_SET)

    def mark(self, position: int) -> None:
        """Record the item in progress (it also tells the parent this batch is moving)."""
        os.pwrite(self.fd, f"{position:>{self.WIDTH - 1}}\n".encode(), 0)

    def start(self, position: int) -> None:
        self.mark(position)
        # Re-arming the watchdog costs a thread hand-over (slow on a loaded machine), so it is
        # armed for twice the limit and re-armed once the limit has passed: every item still
        # gets at least the limit, and a hung one is killed within twice the limit.
        now = time.monotonic()
        if now - self.armed > _TIMEOUT + _GRACE:
            faulthandler.dump_traceback_later(2 * (_TIMEOUT + _GRACE), exit=True, file=self.handle)
            self.armed = now


def _guarded(
    function: Callable[[list[Any], _Tracker], list[T]], marker: str, items: list[Any]
) -> list[T]:
    with open(marker, "wb", buffering=0) as handle:
        faulthandler.enable(file=handle)
        try:
            answers = function(items, _Tracker(handle))
        finally:
            faulthandler.cancel_dump_traceback_later()
            faulthandler.disable()
    os.unlink(marker)
    return answers


def _prefilter(names: tuple[str, ...]) -> Prefilter:
    assert _PACK is not None
    prefilter = _PREFILTERS.get(names)
    if prefilter is None:
        prefilter = _PREFILTERS[names] = Prefilter(_PACK.rules, names)
    return prefilter


def _names_prefilter(names: tuple[str, ...]) -> Prefilter:
    prefilter = _NAME_PREFILTERS.get(names)
    if prefilter is None:
        prefilter = _NAME_PREFILTERS[names] = Prefilter((), names)
    return prefilter


def _read(path: str) -> bytes:
    """The file's bytes. Opened without blocking and checked to be a regular file, so a FIFO,
    a device or a folder swapped in under a ``.py`` name is an error, not a hang. A member of a
    wheel (``{archive}.whl!/{member}``, see ``forkaudit.wheels``) is read from the archive in
    memory; a member that cannot be read raises ``wheels.ArchiveError``, an ``OSError``."""
    if ARCHIVE_MARK in path:
        data = read_member(path, MAX_FILE_BYTES)
        if data is None:
            raise _TooBig()
        return data
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _NotRegular()
        if info.st_size > MAX_FILE_BYTES:
            raise _TooBig()
        # the size fstat gave (and a byte more) in one read, then on until a read gives
        # nothing: a read may return less than asked before the end (FUSE, NFS, a signal)
        chunks: list[bytes] = []
        size = 0
        want = info.st_size + 1
        while True:
            chunk = os.read(fd, want)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_FILE_BYTES:  # it grew while being read
                raise _TooBig()
            chunks.append(chunk)
            want = 1024 * 1024
        return b"".join(chunks)  # (one chunk: joined, it is that same bytes object)
    finally:
        os.close(fd)


class _TooBig(Exception):
    pass


class _NotRegular(Exception):
    pass


def _read_error(exc: BaseException) -> str:
    if isinstance(exc, _TooBig):
        return f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB: skipped"
    if isinstance(exc, _NotRegular):
        return "cannot read: not a regular file (a folder, FIFO or device)"
    if isinstance(exc, OSError):
        return f"cannot read: {exc.strerror or exc}"
    return f"cannot read: {type(exc).__name__}: {exc}"


def _recheck_failed(item: tuple[str, tuple[str, ...]], reason: str) -> bool:
    return True  # let the analysis stage read it again and record what goes wrong


def _recheck(items: list[tuple[str, tuple[str, ...]]], tracker: _Tracker) -> list[bool]:
    """Does each file name one of its distribution's Thread/Process subclasses?"""
    out = []
    for path, names in items:
        try:
            data = _read(path)
        except (OSError, _TooBig, _NotRegular):
            out.append(True)
            continue
        out.append(_prefilter(names).may_start(data))
    return out


def _survey(items: list[tuple[str, bool, int, int]], tracker: _Tracker) -> list[Survey]:
    """Read, prefilter and list the classes of each file; hash it when asked (per-file cache
    keys: an installed distribution's files are covered by its RECORD). For each group whose
    files are all here, find its Thread/Process subclasses and which files name one."""
    out = _survey_files([(path, digest, group >= 0) for path, digest, group, _ in items], tracker)
    members: dict[int, list[int]] = {}
    for position, (_, _, group, _) in enumerate(items):
        if group >= 0:
            members.setdefault(group, []).append(position)
    assert _PACK is not None
    base_classes = _base_classes(_PACK.rules)
    for positions in members.values():
        if len(positions) != items[positions[0]][3]:
            continue  # a batch split after a worker died: the parent rechecks this group
        names = _subclass_names([out[p][0] for p in positions], base_classes)
        # Only the subclass names: these files already failed the built-in names.
        prefilter = _names_prefilter(tuple(sorted(names))) if names else None
        for p in positions:
            survey, data = out[p]
            rescued = False
            if prefilter is not None and not survey.passes and not survey.error:
                if data is None:  # not kept (over the memory budget): read it again
                    with contextlib.suppress(OSError, _TooBig, _NotRegular):
                        data = _read(items[p][0])
                rescued = data is not None and prefilter.may_start(data)
            out[p] = (replace(survey, group_checked=True, rescued=rescued), None)
    return [survey for survey, _ in out]


SURVEY_KEEP_BYTES = 64 * 1024 * 1024  # bytes a survey batch holds for the subclass-name check


def _survey_files(
    items: list[tuple[str, bool, bool]], tracker: _Tracker | None = None
) -> list[tuple[Survey, bytes | None]]:
    """Each file's survey (from (path, hash it?, keep its bytes?)), and its bytes when asked and
    the built-in prefilter let it go (a subclass name of its distribution may still make it a
    candidate), up to SURVEY_KEEP_BYTES in all."""
    kept = 0
    # Reading and a regex cannot crash or hang a worker (reads are non-blocking, FIFOs are
    # refused): no per-file watchdog here, it would cost a timer thread per file.
    prefilter = _prefilter(())
    out: list[tuple[Survey, bytes | None]] = []
    for position, (path, want_digest, keep) in enumerate(items):
        if tracker is not None:
            tracker.mark(position)  # a long batch (a whole distribution) is not a stuck one
        try:
            data = _read(path)
        except (OSError, _TooBig, _NotRegular) as exc:
            out.append((Survey(error=_read_error(exc)), None))
            continue
        try:
            classes: tuple[tuple[str, str], ...] = ()
            if b"class" in data:
                classes = tuple(
                    (name.decode("latin-1"), bases.decode("latin-1"))
                    for name, bases in _class_definitions(data)
                    if bases.strip()
                )
            passes = prefilter.may_start(data) or b"forkaudit:" in data
            survey = Survey(
                passes=passes,
                classes=classes,
                makers=_maker_candidates(data) if passes and b"Thread(" in data else (),
                digest=hashlib.sha256(data).hexdigest() if want_digest else "",
                handlers=sigchld_handlers(data),
                reap_loops=reaping_loops(data),
            )
            held = keep and not passes and kept + len(data) <= SURVEY_KEEP_BYTES
            kept += len(data) if held else 0
            out.append((survey, data if held else None))
        except Exception as exc:  # never lose the batch to one odd file
            out.append((Survey(error=f"cannot read: {type(exc).__name__}: {exc}"), None))
    return out


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Timeout()


def _analyse_batch(
    jobs: list[Job], tracker: _Tracker
) -> list[tuple[FileResult, dict[str, SubclassInfo]]]:
    assert _PACK is not None
    out: list[tuple[FileResult, dict[str, SubclassInfo]]] = []
    use_alarm = hasattr(signal, "setitimer")
    if use_alarm:
        signal.signal(signal.SIGALRM, _on_alarm)
    for position, job in enumerate(jobs):
        tracker.start(position)
        try:
            try:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, _TIMEOUT)
                out.append(analyse_job(job, _PACK))
            finally:
                if use_alarm:
                    signal.setitimer(signal.ITIMER_REAL, 0)
        except _Timeout:
            out.append(
                (_error(job.file, f"took longer than {_TIMEOUT:g} s to analyse: skipped"), {})
            )
        except RecursionError:
            out.append((_error(job.file, "too deeply nested to analyse"), {}))
        except MemoryError:
            out.append((_error(job.file, "ran out of memory while analysing it"), {}))
        except Exception as exc:  # a bug on one odd file must not lose the batch
            out.append((_error(job.file, f"internal error: {type(exc).__name__}: {exc}"), {}))
    return out


def analyse_job(job: Job, pack: RulePack) -> tuple[FileResult, dict[str, SubclassInfo]]:
    try:
        data = _read(job.file.abspath)
    except (OSError, _TooBig, _NotRegular) as exc:
        return _error(job.file, _read_error(exc)), {}
    callers: dict[str, list[tuple[str, bytes]]] = {}
    for name, sources in job.callers.items():
        if not sources:
            callers[name] = []  # (asked of more modules than are read: see _ask_callers)
        for source in sources:
            try:
                callers.setdefault(name, []).append((source.relpath, _read(source.abspath)))
            except (OSError, _TooBig, _NotRegular):
                continue  # a caller that cannot be read says nothing
    return analyze(
        data,
        job.file.relpath,
        pack.rules,
        distribution=job.file.distribution,
        external=job.external,
        test_code=job.file.test_code,
        extra_names=job.names,
        process_reaper=job.reaper,
        callers=callers or None,
    )


__all__ = ["Job", "Progress", "RunOptions", "UnitResult", "run_units", "start_names"]
