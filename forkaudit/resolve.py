"""Audit before install: requirements files, lock files, wheels and ``NAME==VERSION`` specs ->
the distributions a scan audits, with nothing installed, built or imported.

``resolve_source`` is the one entry point. Requirements (files and specs) are resolved by pip for
the target (``forkaudit.pip``: wheels only, sdist-only distributions found and never built),
lock files are read as they pin (``forkaudit.locks``), wheels are downloaded into the cache folder
by pip and read in memory (``forkaudit.wheels``). What comes back is what ``scan_environment``
takes from a venv: an ``Environment`` whose distributions are wheels (``metadata_path`` inside
the archive: ``files.environment_units`` makes units of them, cached by the wheel's sha256, that
the runner reads from the archive) or not audited (``metadata_path`` "", a warning saying why),
the dependency chains, and where each direct requirement is written (SARIF anchors).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name

from forkaudit.cache import Cache, default_cache_dir
from forkaudit.depgraph import marker_environment, requirements_dependency_info
from forkaudit.environment import all_warnings
from forkaudit.errors import InputError
from forkaudit.locks import (
    NOT_AUDITED_SDIST,
    NOT_AUDITED_SOURCE,
    LockedPackage,
    is_lock_file,
    read_lock,
)
from forkaudit.model import DependencyInfo, Distribution, Environment
from forkaudit.pip import (
    IndexOptions,
    Resolution,
    ResolvedItem,
    Target,
    download_wheels,
    resolve,
)
from forkaudit.requirements import (
    RequirementLine,
    RequirementsSet,
    parse_requirement_files,
    requirement_from_spec,
)
from forkaudit.wheels import load_wheels

__all__ = [
    "NOT_AUDITED_SDIST",
    "NOT_AUDITED_SOURCE",
    "DirectRequirement",
    "ResolvedSource",
    "resolve_source",
]

_PYTHON_VERSION = re.compile(r"^3\.(\d{1,2})$")


@dataclass(frozen=True)
class DirectRequirement:
    """A requirement the user wrote (a direct dependency), and where."""

    name: str  # canonical name ("" when the text does not say it)
    text: str  # as written, without its options
    path: str  # the file (absolute), "" for a requirement given on the command line
    line: int  # 1-based line where it starts; 0 on the command line


@dataclass(frozen=True)
class ResolvedSource:
    """What ``scan_environment`` needs, without a venv."""

    kind: str  # "requirements" (files, locks, specs) | "wheels" (only wheel files given)
    # distributions: one per wheel (files read from the archive) and one per distribution not
    # audited (metadata_path "", files (), its first warning starting with NOT_AUDITED_SDIST or
    # NOT_AUDITED_SOURCE); path: the first input; python_version: the target's "X.Y";
    # site_packages (); warnings: about the inputs as a whole
    environment: Environment
    dependencies: dict[str, DependencyInfo]  # canonical name -> direct?, chain
    direct: tuple[DirectRequirement, ...]  # in the order written
    # distribution name (METADATA spelling) -> (file, line) of the direct requirement its chain
    # starts from; absent for distributions reached from no requirement written in a file
    anchors: dict[str, tuple[str, int]] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()  # every file read: requirements (nested too), locks, wheels
    target_platform: str = ""  # pip platform tag resolved for, "" = this machine

    @property
    def warnings(self) -> tuple[str, ...]:
        """The environment's warnings then each distribution's (``all_warnings``)."""
        return all_warnings(self.environment)

    @property
    def not_audited(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.environment.distributions if not d.metadata_path)


# --------------------------------------------------------------------------- target


def make_target(python_version: str = "", platform: str = "") -> Target:
    """The target to resolve for: ``X.Y`` (default: the running interpreter's) and a pip
    platform tag (default: this machine). Raises ``InputError`` for a malformed version."""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    version = python_version.strip() or running
    if not _PYTHON_VERSION.match(version):
        raise InputError(
            f"--python-version {python_version!r} is not a CPython 3 version; pass X.Y, e.g. 3.12"
        )
    platform = platform.strip()
    if platform and not re.fullmatch(r"[A-Za-z0-9_.]+", platform):
        raise InputError(
            f"--platform {platform!r} is not a platform tag; pass one such as "
            "manylinux2014_x86_64, win_amd64 or macosx_11_0_arm64"
        )
    markers = marker_environment(version, platform)
    here = marker_environment("")
    changed = {k: v for k, v in markers.items() if here.get(k) != v}
    return Target(python_version=version, platform=platform, markers=changed)


# --------------------------------------------------------------------------- inputs


def _split_targets(
    targets: Sequence[str], cwd: str
) -> tuple[list[str], list[str], list[RequirementLine]]:
    """Positional inputs -> (wheel files, requirements or lock files, specs). A file named
    ``*.txt`` / ``*.in`` or like a lock is read as a requirements or lock file, so that
    ``scan -r a.txt b.txt`` (pre-commit appending file names) reads both."""
    wheels: list[str] = []
    files: list[str] = []
    specs: list[RequirementLine] = []
    for given in targets:
        path = os.path.join(cwd, os.path.expanduser(given))
        if given.lower().endswith(".whl"):
            if not os.path.isfile(path):
                raise InputError(f"{path} does not exist; pass the path of a .whl file")
            wheels.append(os.path.abspath(path))
            continue
        if os.path.isfile(path) and (given.endswith((".txt", ".in")) or is_lock_file(path)):
            files.append(given)
            continue
        if os.path.exists(path) and not re.search(r"[=<>~!@\[;]", given):
            raise InputError(
                f"{given} is not a wheel, a requirement, a requirements file (.txt, .in) or a "
                "lock file: pass requirements files with -r, wheels as .whl files, requirements "
                "as NAME==VERSION"
            )
        specs.append(requirement_from_spec(given))
    return wheels, files, specs


def _applies(line: RequirementLine, markers: Mapping[str, str]) -> bool:
    requirement = line.requirement
    if requirement is None or requirement.marker is None:
        return True
    try:
        return bool(requirement.marker.evaluate({**markers, "extra": ""}))
    except Exception:  # a marker packaging cannot evaluate: let pip say
        return True


def _not_audited(name: str, version: str, why: str) -> Distribution:
    return Distribution(
        name=name,
        version=version,
        metadata_path="",
        requires=(),
        files=(),
        compiled=0,
        warnings=(why,),
    )


def _index_options(parsed: RequirementsSet, given: IndexOptions) -> IndexOptions:
    """The command line's index options win; a file's add to them (pip's own precedence)."""
    return IndexOptions(
        index_url=given.index_url or parsed.index_url,
        extra_index_urls=tuple(dict.fromkeys((*given.extra_index_urls, *parsed.extra_index_urls))),
        find_links=tuple(dict.fromkeys((*given.find_links, *parsed.find_links))),
        trusted_hosts=tuple(dict.fromkeys((*given.trusted_hosts, *parsed.trusted_hosts))),
        no_index=given.no_index or parsed.no_index,
        pre=given.pre or parsed.pre,
    )


def _show_progress(progress: bool | None) -> bool:
    if progress is not None:
        return progress
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


# --------------------------------------------------------------------------- the entry point


def resolve_source(
    requirement_files: Sequence[str] = (),
    targets: Sequence[str] = (),
    *,
    cwd: str,
    python_version: str = "",
    platform: str = "",
    index: IndexOptions | None = None,
    cache_dir: str = "",
    progress: bool | None = None,
    remember: bool = True,
) -> ResolvedSource:
    """Resolve and fetch what to audit, installing, building and importing nothing.

    ``requirement_files``: pip requirements files (``-r``), or lock files (``pylock.toml``,
    ``pylock.*.toml``, ``uv.lock``, told by name). ``targets``: wheel files (``*.whl``) and
    requirements (``NAME==VERSION``, any PEP 508 text); a ``*.txt``/``*.in`` or lock file
    there is read as if given in ``requirement_files``. ``python_version`` (``X.Y``, default the
    running interpreter's) and ``platform`` (a pip platform tag, default this machine) say what
    pip resolves for; ``index`` is passed to pip (a file's own ``-i``/``-f``/... add to it).
    Wheels are kept under ``cache_dir`` (default ``forkaudit.cache.default_cache_dir()``)
    ``/wheels``; pip's progress is shown on standard error when ``progress`` (default: when it
    is a terminal). Raises ``InputError`` (one line) for a missing or malformed file, an
    unresolvable requirement, an unreachable index or a hash mismatch."""
    if not requirement_files and not targets:
        raise InputError("nothing to audit: pass requirements files, lock files, wheels or specs")
    target = make_target(python_version, platform)
    given = index or IndexOptions()
    show = _show_progress(progress)
    wheel_folder = os.path.join(cache_dir or default_cache_dir(), "wheels")
    markers = marker_environment(target.python_version, target.platform)

    wheel_paths, named_files, specs = _split_targets(targets, cwd)
    requirement_files = [*requirement_files, *named_files]
    lock_paths = [p for p in requirement_files if is_lock_file(p)]
    req_paths = [p for p in requirement_files if not is_lock_file(p)]
    parsed = parse_requirement_files(req_paths, cwd) if req_paths else RequirementsSet()
    lines = [*parsed.lines, *specs]
    warnings: list[str] = list(parsed.warnings)
    not_audited: dict[str, Distribution] = {}
    direct: list[DirectRequirement] = []
    extras: dict[str, set[str]] = {}
    local: list[str] = list(wheel_paths)
    inputs: list[str] = [*parsed.files]

    for line in lines:
        if line.constraint or not _applies(line, markers):
            continue
        direct.append(DirectRequirement(line.name, line.text, line.path, line.line))
        if line.name:
            extras.setdefault(line.name, set()).update(
                line.requirement.extras if line.requirement else ()
            )
        if line.kind == "build":
            what = "a folder, VCS or editable requirement" if not _sdist_url(line) else ""
            why = (
                f"{NOT_AUDITED_SOURCE} ({what}): reading it would need a build, which runs its code"
                if what
                else f"{NOT_AUDITED_SDIST}: {line.text} is a source archive; building it would "
                "run its code"
            )
            if line.name:
                not_audited.setdefault(line.name, _not_audited(line.name, "", why))
            else:
                warnings.append(f"{line.where}: {why}")

    # requirements and specs: pip resolves, with wheels only
    resolved_urls: list[tuple[str, str, str, tuple[str, ...]]] = []
    wanted = [
        (line.text, line.hashes) for line in lines if not line.constraint and line.kind != "build"
    ]
    constraints = [
        (line.text, line.hashes) for line in lines if line.constraint and line.kind == "index"
    ]
    pip_index = _index_options(parsed, given)
    if wanted:
        pinned = {
            line.name: line.requirement
            for line in lines
            if not line.constraint and line.kind == "index" and _exact_pin(line)
        }
        resolution = _resolve_pinned_once(
            wanted,
            constraints,
            target,
            pip_index,
            cwd,
            hash_mode=parsed.hash_mode,
            show=show,
            pinned=set(pinned),
            cache_dir=cache_dir if remember else None,
        )
        hashes_by_name: dict[str, tuple[str, ...]] = {}
        for line in lines:
            if line.name and line.hashes:
                hashes_by_name[line.name] = line.hashes
        if parsed.hash_mode:
            # every distribution is written in the file (pip-compile --generate-hashes): the
            # chains start at those nothing else requires, as for a lock
            extras.clear()
        for item in resolution.items:
            key = str(canonicalize_name(item.name))
            if item.requested and not parsed.hash_mode:
                extras.setdefault(key, set()).update(item.requested_extras)
            if item.sdist_only:
                continue
            resolved_urls.append((item.name, item.url, item.sha256, hashes_by_name.get(key, ())))
        for name, version in resolution.sdist_only:
            key = str(canonicalize_name(name))
            not_audited.setdefault(
                key,
                _not_audited(
                    name,
                    version,
                    f"{NOT_AUDITED_SDIST}: no wheel for Python {target.python_version}"
                    f"{' on ' + target.platform if target.platform else ''}; building it would "
                    "run its code, so neither it nor what it requires is read",
                ),
            )

    # lock files: pinned, read as they are
    written: list[DirectRequirement] = []  # lock entries: each distribution's own line
    for lock_path in lock_paths:
        lock = read_lock(os.path.join(cwd, lock_path), target, markers)
        inputs.append(lock.path)
        warnings.extend(lock.warnings)
        for package in lock.packages:
            _add_locked(package, lock.path, direct, extras, not_audited, resolved_urls)
            key = str(canonicalize_name(package.name))
            written.append(DirectRequirement(key, package.name, lock.path, package.line))
    lock_index = IndexOptions(
        index_url=given.index_url,
        extra_index_urls=given.extra_index_urls,
        find_links=given.find_links,
        trusted_hosts=given.trusted_hosts,
        no_index=given.no_index,
    )

    if resolved_urls:
        fetched = download_wheels(
            resolved_urls, wheel_folder, target, pip_index if wanted else lock_index, cwd, show
        )
        local.extend(fetched[url] for _, url, _, _ in resolved_urls)
    local = list(dict.fromkeys(local))
    inputs.extend(wheel_paths)

    distributions = load_wheels(local)
    audited = {str(canonicalize_name(d.name)) for d in distributions}
    for key, dist in not_audited.items():
        if key not in audited:
            distributions.append(dist)
    distributions.sort(key=lambda d: (str(canonicalize_name(d.name)), d.metadata_path))
    for path in wheel_paths:
        for dist in distributions:
            if dist.metadata_path.startswith(path + "!/"):
                key = str(canonicalize_name(dist.name))
                extras.setdefault(key, set())
                if not any(d.path == path for d in direct):
                    direct.append(DirectRequirement(key, path, path, 0))

    first = (requirement_files or targets)[0]
    environment = Environment(
        path=os.path.abspath(os.path.join(cwd, first)),
        python_version=target.python_version,
        site_packages=(),
        distributions=tuple(distributions),
        unowned=(),
        warnings=tuple(dict.fromkeys(warnings)),
    )
    dependencies = requirements_dependency_info(environment, extras, markers)
    anchors = _anchors(environment, dependencies, [*direct, *written])
    only_wheels = bool(wheel_paths) and not requirement_files and not specs
    return ResolvedSource(
        kind="wheels" if only_wheels else "requirements",
        environment=environment,
        dependencies=dependencies,
        direct=tuple(direct),
        anchors=anchors,
        inputs=tuple(dict.fromkeys(inputs)),
        target_platform=target.platform,
    )


def _exact_pin(line: RequirementLine) -> bool:
    """``name==1.2.3`` (no wildcard, no URL): pip can pick nothing else."""
    req = line.requirement
    if req is None or req.url or not line.name:
        return False
    specs = list(req.specifier)
    return len(specs) == 1 and specs[0].operator in ("==", "===") and "*" not in specs[0].version


def _resolve_pinned_once(
    wanted: Sequence[tuple[str, tuple[str, ...]]],
    constraints: Sequence[tuple[str, tuple[str, ...]]],
    target: Target,
    index: IndexOptions,
    cwd: str,
    *,
    hash_mode: bool,
    show: bool,
    pinned: set[str],
    cache_dir: str | None,
) -> Resolution:
    """pip's resolution, remembered when it cannot change: every distribution it chose is
    pinned exactly in the files (pip-compile output, hash-pinned files), so the same files for
    the same target and indexes resolve the same way (a warm scan of a pinned file then costs
    no pip run). Anything unpinned anywhere in the result is resolved again every time.
    ``cache_dir`` None: neither read nor written (--no-cache)."""
    if cache_dir is None:
        return resolve(wanted, constraints, target, index, cwd, hash_mode=hash_mode, show=show)
    cache = Cache(cache_dir or default_cache_dir(), "pip-resolution")
    identity = json.dumps(
        [
            list(map(list, wanted)),
            list(map(list, constraints)),
            target.python_version,
            target.platform,
            sorted(target.markers.items()),
            index.args(),
            hash_mode,
        ],
        sort_keys=True,
    )
    key = cache.key(f"resolution|{identity}")
    entry = cache.get(key)
    if entry is not None:
        try:
            return Resolution(
                items=tuple(ResolvedItem(**item) for item in entry["items"]),
                sdist_only=tuple((str(n), str(v)) for n, v in entry["sdist_only"]),
                pip_version=str(entry["pip_version"]),
            )
        except (KeyError, TypeError, ValueError):
            pass
    resolution = resolve(wanted, constraints, target, index, cwd, hash_mode=hash_mode, show=show)
    closed = bool(pinned) and all(
        str(canonicalize_name(item.name)) in pinned for item in resolution.items
    )
    if closed and not resolution.sdist_only:
        payload = dataclasses.asdict(resolution)
        cache.put(key, json.loads(json.dumps(payload)))
    return resolution


def _sdist_url(line: RequirementLine) -> bool:
    text = line.text.lower()
    return not text.startswith(("-e ", "git+", "hg+", "svn+", "bzr+")) and bool(
        re.search(r"\.(zip|tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar)(#|$|\s|;)", text)
    )


def _add_locked(
    package: LockedPackage,
    lock_path: str,
    direct: list[DirectRequirement],
    extras: dict[str, set[str]],
    not_audited: dict[str, Distribution],
    urls: list[tuple[str, str, str, tuple[str, ...]]],
) -> None:
    key = str(canonicalize_name(package.name))
    if package.direct:
        direct.append(DirectRequirement(key, package.name, lock_path, package.line))
        extras.setdefault(key, set()).update(package.extras)
    if package.wheel_url:
        urls.append((package.name, package.wheel_url, package.sha256, ()))
        return
    not_audited.setdefault(key, _not_audited(package.name, package.version, package.why_not))


def _anchors(
    env: Environment,
    dependencies: Mapping[str, DependencyInfo],
    written: Sequence[DirectRequirement],
) -> dict[str, tuple[str, int]]:
    """Each distribution's line: its own where a file writes it (a requirement, a lock entry),
    else that of the first of its chain a file writes."""
    where: dict[str, tuple[str, int]] = {}
    for requirement in written:
        if requirement.name and requirement.path and requirement.line:
            where.setdefault(requirement.name, (requirement.path, requirement.line))
    out: dict[str, tuple[str, int]] = {}
    for dist in env.distributions:
        key = str(canonicalize_name(dist.name))
        info = dependencies.get(key)
        chain = info.chain if info else (dist.name,)
        found = where.get(key) or next(
            (where[c] for c in (str(canonicalize_name(e)) for e in chain) if c in where), None
        )
        if found is not None:
            out[dist.name] = found
    return out
