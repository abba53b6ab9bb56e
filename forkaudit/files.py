"""The files stage: which files to analyse, grouped in units that are cached as a whole.

A *unit* is one installed distribution (cached by name + version + RECORD digest + the size and
modification time of every file it reads), one wheel read in memory (cached by the archive's
sha256 and the files it owns) or one loose file (cached by content digest). Only the
environment's metadata is read here; file bytes are read by the runner, and only when the unit is
not in the cache. A distribution without metadata (``metadata_path`` "": not audited, e.g. an
sdist never built) is a unit without files, so it still has a row in the ranking.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from forkaudit.environment import _normalise_record_path, is_test_path
from forkaudit.errors import InputError
from forkaudit.model import Distribution, Environment, SourceFile
from forkaudit.wheels import (
    archive_sha256,
    member_of,
    member_path,
    read_member,
    record_hash,
    wheel_layout,
)

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "node_modules",
        ".venv",
        "venv",
        ".eggs",
        "build",
        "dist",
        "site-packages",
    }
)


@dataclass(frozen=True)
class Unit:
    key: str  # what the cache entry is named after ("" = do not cache)
    label: str  # distribution name, or the file's path
    distribution: str
    files: tuple[SourceFile, ...]
    # Where its RECORD is (a path, or an archive member for a wheel): on a cache miss the runner
    # looks the result up under a key of what the files hold (``content_identity``), shared by a
    # wheel read in memory and the venv it is installed into. A wheel (``trusted``: pip checked
    # the archive) writes it; a venv unit reads it once its files are checked against RECORD's
    # hashes, since a file patched in place no longer holds what RECORD says.
    record: str = ""
    trusted: bool = False
    include_tests: bool = False


_POSIX = os.sep == "/"


def environment_units(env: Environment, include_tests: bool) -> list[Unit]:
    units: list[Unit] = []
    for dist in env.distributions:
        if not dist.metadata_path:
            units.append(Unit(key="", label=dist.name, distribution=dist.name, files=()))
            continue
        if member_of(dist.metadata_path) is not None:
            units.append(_wheel_unit(dist, include_tests))
            continue
        base = os.path.dirname(dist.metadata_path)
        files = []
        for rel in dist.files:
            test = is_test_path(rel)
            if test and not include_tests:
                continue
            files.append(
                SourceFile(
                    abspath=f"{base}/{rel}" if _POSIX else os.path.join(base, *rel.split("/")),
                    relpath=rel,
                    distribution=dist.name,
                    test_code=test,
                )
            )
        if dist.editable:
            # a live source tree: its content can change under the same RECORD; never cached
            units.append(Unit(key="", label=dist.name, distribution=dist.name, files=tuple(files)))
            continue
        digest = hashlib.sha256()
        for name in ("RECORD", "installed-files.txt", "METADATA", "PKG-INFO"):
            try:
                with open(os.path.join(dist.metadata_path, name), "rb") as handle:
                    digest.update(name.encode() + b"\0" + handle.read())
            except OSError:
                continue
        digest.update("\0".join(dist.files).encode())
        # What is actually read: a file patched in place (a local fix under test, a RECORD
        # without hashes, a rebuilt image) changes its size or modification time, not RECORD.
        for source in files:
            try:
                info = os.stat(source.abspath)
            except OSError:
                digest.update(b"\0-")
            else:
                digest.update(b"\0%d:%d" % (info.st_size, info.st_mtime_ns))
        key = f"dist|{dist.name}|{dist.version}|{digest.hexdigest()}|tests={include_tests}"
        units.append(
            Unit(
                key=key,
                label=dist.name,
                distribution=dist.name,
                files=tuple(files),
                record=os.path.join(dist.metadata_path, "RECORD"),
                include_tests=include_tests,
            )
        )
    loose = []
    for rel in env.unowned:
        test = is_test_path(rel)
        if test and not include_tests:
            continue
        for site in env.site_packages:
            candidate = os.path.join(site, *rel.split("/"))
            if os.path.isfile(candidate):
                loose.append(
                    SourceFile(abspath=candidate, relpath=rel, distribution="", test_code=test)
                )
                break
    units.extend(file_units(loose))
    return units


def _wheel_unit(dist: Distribution, include_tests: bool) -> Unit:
    """A wheel read in memory: its files are archive members (``wheels.member_path``), and it
    is cached by the archive's sha256 (the same bytes give the same findings wherever the wheel
    lies) and the files it owns."""
    where = member_of(dist.metadata_path)
    assert where is not None
    archive = where[0]
    try:
        installed = wheel_layout(archive).installed
    except InputError:  # damaged since it was read: each file's read says so
        installed = {}
    files = []
    for rel in dist.files:
        test = is_test_path(rel)
        if test and not include_tests:
            continue
        member = installed.get(rel, rel)
        files.append(
            SourceFile(
                abspath=member_path(archive, member),
                relpath=rel,
                distribution=dist.name,
                test_code=test,
            )
        )
    owned = hashlib.sha256("\0".join(dist.files).encode()).hexdigest()
    try:
        sha256 = archive_sha256(archive)
    except OSError:
        return Unit(key="", label=dist.name, distribution=dist.name, files=tuple(files))
    key = f"wheel|{sha256}|{dist.name}|{dist.version}|{owned}|tests={include_tests}"
    return Unit(
        key=key,
        label=dist.name,
        distribution=dist.name,
        files=tuple(files),
        record=member_path(archive, f"{where[1]}/RECORD"),
        trusted=True,
        include_tests=include_tests,
    )


def _record_text(record: str) -> str:
    try:
        if member_of(record) is not None:
            data = read_member(record, 1 << 26)
            return data.decode("utf-8", "replace") if data else ""
        with open(record, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def content_identity(unit: Unit) -> tuple[str, tuple[str, ...]]:
    """``(key, expected)``: a cache key of what the unit's files hold (its name and version,
    each file's RECORD sha256), and those hashes in the order of ``unit.files``; ("", ()) when
    a file has no sha256 in RECORD. For a wheel, a member's hash is found by its name in the
    archive (``.data/purelib/...`` too)."""
    if not unit.record or not unit.files:
        return "", ()
    hashes = record_hashes(_record_text(unit.record))
    expected = tuple(
        hashes.get(member_of(s.abspath)[1] if unit.trusted else s.relpath, "")  # type: ignore[index]
        for s in unit.files
    )
    if not all(expected):
        return "", ()
    digest = hashlib.sha256()
    for rel, value in sorted(zip((f.relpath for f in unit.files), expected, strict=True)):
        digest.update(f"{rel}\0{value}\n".encode())
    name = unit.distribution
    return f"content|{name}|{digest.hexdigest()}|tests={unit.include_tests}", expected


def record_hashes(text: str) -> dict[str, str]:
    """RECORD's ``path -> "sha256=..."``, paths normalised as the environment reader does for
    a distribution's files (other algorithms, and paths outside the site folder, left out)."""
    out: dict[str, str] = {}
    for row in csv.reader(text.splitlines()):
        if len(row) >= 2 and row[1].startswith("sha256="):
            path = _normalise_record_path(row[0])
            if path is not None:
                out[path] = row[1]
    return out


def matches_record(unit: Unit, expected: Sequence[str]) -> bool:
    """Does every file of ``unit`` still hold what its RECORD says (``expected`` sha256s)?"""
    if not expected or len(expected) != len(unit.files):
        return False
    for source, value in zip(unit.files, expected, strict=True):
        try:
            with open(source.abspath, "rb") as handle:
                data = handle.read()
        except OSError:
            return False
        if value != record_hash(data):
            return False
    return True


def file_units(files: Iterable[SourceFile]) -> list[Unit]:
    return [
        Unit(key="file", label=f.relpath, distribution=f.distribution, files=(f,)) for f in files
    ]


def collect_paths(
    paths: Sequence[str], cwd: str, repository: Callable[[str], str] | None = None
) -> tuple[list[SourceFile], list[str]]:
    """First-party files for `forkaudit check`: the .py files given, and those under folders given.

    A file's ``relpath`` is relative to ``repository(folder)`` (the root of the repository holding
    the path given; "" outside one) when that is given and the file is under it, so that fingerprints do not depend on how the files were named on the command line;
    else relative to the folder given (or ``cwd`` for a file). Returns the files and the paths that
    do not exist (the CLI turns those into a usage error).
    """
    files: list[SourceFile] = []
    missing: list[str] = []
    seen: set[str] = set()

    def named(full: str, fallback: str, top: str) -> str:
        if top:
            rel = os.path.relpath(full, top)
            if rel != os.pardir and not rel.startswith(os.pardir + os.sep):
                return _posix(rel)
        return _posix(fallback)

    for given in paths:
        absolute = os.path.abspath(os.path.join(cwd, given))
        top = ""
        if repository is not None:
            top = repository(absolute if os.path.isdir(absolute) else os.path.dirname(absolute))
        if os.path.isfile(absolute):
            rel = os.path.relpath(absolute, cwd) if not given.startswith("..") else given
            _add(
                files,
                seen,
                absolute,
                named(absolute, rel if not os.path.isabs(given) else absolute, top),
            )
        elif os.path.isdir(absolute):
            for folder, dirs, names in os.walk(absolute, followlinks=False):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d not in SKIP_DIRS and not d.endswith((".egg-info", ".dist-info"))
                )
                for name in sorted(names):
                    if name.endswith((".py", ".pyi")) and not name.endswith(".pyi"):
                        full = os.path.join(folder, name)
                        if os.path.islink(full) and not os.path.realpath(full).startswith(
                            os.path.realpath(absolute) + os.sep
                        ):
                            continue
                        _add(files, seen, full, named(full, os.path.relpath(full, absolute), top))
        else:
            missing.append(given)
    return files, missing


def _add(files: list[SourceFile], seen: set[str], absolute: str, rel: str) -> None:
    real = os.path.realpath(absolute)
    if real in seen:
        return
    seen.add(real)
    files.append(SourceFile(abspath=absolute, relpath=rel, distribution=""))


def is_python_source(path: str) -> bool:
    """A ``.py`` file, or a script whose first line is a Python shebang (what pre-commit's
    ``types: [python]`` passes too)."""
    if path.endswith(".py"):
        return True
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def _posix(path: str) -> str:
    return path.replace(os.sep, "/")
