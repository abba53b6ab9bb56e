"""Lock files read as they pin: PEP 751 ``pylock.toml`` and uv's ``uv.lock``.

A lock names exact versions and their files, so nothing is resolved: the packages that apply to
the target are taken (pylock: each package's ``marker``; uv.lock, a universal lock: a walk from
the project along the dependency edges whose markers hold for the target, with the ``dev`` group
as ``uv sync`` takes it), and for each the wheel that best fits the target's tags
(``packaging.tags``, in pip's order of preference). A package with no such wheel (an sdist, a VCS
checkout or a folder) is not audited: building it would run its code.
"""

from __future__ import annotations

import os
import re
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.markers import InvalidMarker, Marker
from packaging.tags import Tag, compatible_tags, cpython_tags, sys_tags
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from forkaudit.errors import InputError
from forkaudit.pip import Target

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "NOT_AUDITED_SDIST",
    "NOT_AUDITED_SOURCE",
    "LockFile",
    "LockedPackage",
    "is_lock_file",
    "read_lock",
    "target_tags",
]

_PYLOCK = re.compile(r"^pylock\.([^.]+\.)?toml$")
# the first words of a not-audited distribution's first warning (the ranking shows it)
NOT_AUDITED_SDIST = "not audited: sdist only"
NOT_AUDITED_SOURCE = "not audited: source only"


def is_lock_file(path: str) -> bool:
    """``pylock.toml``, ``pylock.NAME.toml`` (PEP 751) or ``uv.lock``, by name."""
    name = os.path.basename(path)
    return name == "uv.lock" or bool(_PYLOCK.match(name))


@dataclass(frozen=True)
class LockedPackage:
    name: str
    version: str
    line: int  # where its entry starts in the lock (1-based), 0 when unknown
    wheel_url: str = ""  # the wheel for the target ("file:" URL for a local one); "" = none
    sha256: str = ""
    direct: bool = False  # a dependency of the locked project itself (uv.lock)
    extras: tuple[str, ...] = ()
    why_not: str = ""  # why it is not audited, when there is no wheel


@dataclass(frozen=True)
class LockFile:
    path: str
    packages: tuple[LockedPackage, ...]
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------- tags


def target_tags(target: Target) -> list[Tag]:
    """The wheel tags the target accepts, most preferred first (pip's order)."""
    if target.running:
        return list(sys_tags())
    minor = int(target.python_version.split(".")[1])
    version = (3, minor)
    platforms = [target.platform] if target.platform else None
    return [
        *cpython_tags(version, platforms=platforms),
        *compatible_tags(version, f"cp3{minor}", platforms),
    ]


def _best_wheel(
    wheels: Sequence[tuple[str, str, str]], priority: Mapping[Tag, int]
) -> tuple[str, str] | None:
    """(url, sha256) of the wheel whose best tag the target prefers most, from
    (filename, url, sha256) entries."""
    best: tuple[int, str, str] | None = None
    for filename, url, sha256 in wheels:
        try:
            tags = parse_wheel_filename(filename)[3]
        except InvalidWheelFilename:
            continue
        rank = min((priority[tag] for tag in tags if tag in priority), default=None)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, url, sha256)
    return None if best is None else (best[1], best[2])


# --------------------------------------------------------------------------- reading


def _load(path: str) -> tuple[dict[str, Any], str]:
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{path} does not exist; pass a lock file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    try:
        return tomllib.loads(text), text
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise InputError(f"{path} is not valid TOML ({exc}); fix or regenerate the lock") from None


def _entry_lines(text: str, header: str) -> dict[tuple[str, str], int]:
    """(canonical name, version) -> the line of each ``[[header]]`` entry's ``name``, and
    (name, "") -> the first one."""
    out: dict[tuple[str, str], int] = {}
    name = ""
    name_line = 0
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == f"[[{header}]]"
            name = ""
            continue
        if not inside:
            continue
        key, sep, value = stripped.partition("=")
        if not sep:
            continue
        key, value = key.strip(), value.strip().strip("\"'")
        if key == "name" and not name:
            name, name_line = str(canonicalize_name(value)), number
            out.setdefault((name, ""), number)
        elif key == "version" and name:
            out.setdefault((name, value), name_line)
    return out


def _file_url(base: str, entry: Mapping[str, Any]) -> str:
    url = entry.get("url")
    if isinstance(url, str) and url:
        return url
    path = entry.get("path")
    if isinstance(path, str) and path:
        return "file:" + urllib.request.pathname2url(os.path.abspath(os.path.join(base, path)))
    return ""


def _filename(entry: Mapping[str, Any], url: str) -> str:
    name = entry.get("name") or entry.get("filename")
    if isinstance(name, str) and name:
        return name
    return urllib.parse.unquote(os.path.basename(urllib.parse.urlsplit(url).path))


def _sha256(entry: Mapping[str, Any]) -> str:
    hashes = entry.get("hashes")
    if isinstance(hashes, dict) and isinstance(hashes.get("sha256"), str):
        return str(hashes["sha256"]).lower()
    value = entry.get("hash")
    if isinstance(value, str) and value.startswith("sha256:"):
        return value[len("sha256:") :].lower()
    return ""


def _marker_holds(text: object, markers: Mapping[str, str], lock: Mapping[str, Any]) -> bool:
    if not isinstance(text, str) or not text.strip():
        return True
    try:
        marker = Marker(text)
    except InvalidMarker:
        return True
    environment: dict[str, Any] = {**markers, "extra": ""}
    try:  # packaging >= 25 knows PEP 751's extras / dependency_groups
        groups = lock.get("default-groups")
        environment["extras"] = frozenset()
        environment["dependency_groups"] = (
            frozenset(g for g in groups if isinstance(g, str))
            if isinstance(groups, list)
            else frozenset()
        )
        return bool(marker.evaluate(environment, context="lock_file"))  # type: ignore[call-arg, unused-ignore]
    except TypeError:
        pass
    except Exception:
        return True
    try:
        return bool(marker.evaluate({**markers, "extra": ""}))
    except Exception:
        return True


def _why_not(package: Mapping[str, Any]) -> str:
    if isinstance(package.get("sdist"), dict):
        return f"{NOT_AUDITED_SDIST}: no wheel for the target in the lock; building it would run its code"
    for kind in ("vcs", "directory", "editable", "virtual", "git", "path"):
        if kind in package or kind in (package.get("source") or {}):
            return (
                f"{NOT_AUDITED_SOURCE} ({kind}): reading it would need a build, which runs its code"
            )
    return f"{NOT_AUDITED_SDIST}: no wheel for the target in the lock"


def read_lock(path: str, target: Target, markers: Mapping[str, str]) -> LockFile:
    """The packages of the lock at ``path`` that apply to ``target``."""
    path = os.path.abspath(path)
    data, text = _load(path)
    priority = {tag: i for i, tag in enumerate(target_tags(target))}
    if os.path.basename(path) == "uv.lock":
        return _read_uv(path, data, text, priority, markers)
    return _read_pylock(path, data, text, priority, markers)


def _read_pylock(
    path: str,
    data: Mapping[str, Any],
    text: str,
    priority: Mapping[Tag, int],
    markers: Mapping[str, str],
) -> LockFile:
    version = str(data.get("lock-version", ""))
    if not version.startswith("1."):
        raise InputError(
            f"{path}: lock-version {version or '(none)'} is not a PEP 751 lock this forkaudit "
            "reads (1.x); regenerate it"
        )
    packages = data.get("packages")
    if not isinstance(packages, list):
        raise InputError(f"{path} has no [[packages]]; regenerate the lock")
    lines = _entry_lines(text, "packages")
    base = os.path.dirname(path)
    out: list[LockedPackage] = []
    warnings: list[str] = []
    for package in packages:
        if not isinstance(package, dict) or not isinstance(package.get("name"), str):
            warnings.append(f"{path}: a [[packages]] entry without a name ignored")
            continue
        if not _marker_holds(package.get("marker"), markers, data):
            continue
        name = package["name"]
        version_text = str(package.get("version") or "")
        key = str(canonicalize_name(name))
        line = lines.get((key, version_text)) or lines.get((key, ""), 0)
        wheels = [
            (_filename(w, _file_url(base, w)), _file_url(base, w), _sha256(w))
            for w in package.get("wheels") or ()
            if isinstance(w, dict)
        ]
        chosen = _best_wheel([w for w in wheels if w[1]], priority)
        out.append(
            LockedPackage(
                name=name,
                version=version_text,
                line=line,
                wheel_url=chosen[0] if chosen else "",
                sha256=chosen[1] if chosen else "",
                why_not="" if chosen else _why_not(package),
            )
        )
    return LockFile(path=path, packages=tuple(out), warnings=tuple(warnings))


# --------------------------------------------------------------------------- uv.lock


@dataclass
class _UvPackage:
    name: str
    version: str
    data: Mapping[str, Any]
    line: int
    root: bool = False
    extras: set[str] = field(default_factory=set)


def _uv_edges(
    package: Mapping[str, Any], extras: Iterable[str], groups: Iterable[str]
) -> list[Mapping[str, Any]]:
    edges: list[Mapping[str, Any]] = [
        e for e in package.get("dependencies") or () if isinstance(e, dict)
    ]
    optional = package.get("optional-dependencies") or {}
    for extra in extras:
        edges.extend(e for e in optional.get(extra) or () if isinstance(e, dict))
    dev = package.get("dev-dependencies") or {}
    for group in groups:
        edges.extend(e for e in dev.get(group) or () if isinstance(e, dict))
    return edges


def _read_uv(
    path: str,
    data: Mapping[str, Any],
    text: str,
    priority: Mapping[Tag, int],
    markers: Mapping[str, str],
) -> LockFile:
    raw = data.get("package")
    if not isinstance(data.get("version"), int) or not isinstance(raw, list):
        raise InputError(f"{path} is not a uv.lock this forkaudit reads; regenerate it")
    lines = _entry_lines(text, "package")
    by_name: dict[str, list[_UvPackage]] = {}
    order: list[_UvPackage] = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        key = str(canonicalize_name(entry["name"]))
        version = str(entry.get("version") or "")
        source = entry.get("source") or {}
        package = _UvPackage(
            name=entry["name"],
            version=version,
            data=entry,
            line=lines.get((key, version)) or lines.get((key, ""), 0),
            root=isinstance(source, dict) and ("editable" in source or "virtual" in source),
        )
        by_name.setdefault(key, []).append(package)
        order.append(package)

    def pick(edge: Mapping[str, Any]) -> _UvPackage | None:
        candidates = by_name.get(str(canonicalize_name(str(edge.get("name", "")))), [])
        if "version" in edge:
            candidates = [c for c in candidates if c.version == str(edge["version"])] or candidates
        if len(candidates) > 1:
            fitting = [
                c
                for c in candidates
                if any(
                    _marker_holds(m, markers, {}) for m in c.data.get("resolution-markers") or ()
                )
            ]
            candidates = fitting or candidates
        return candidates[0] if candidates else None

    roots = [p for p in order if p.root] or order
    reached: dict[int, _UvPackage] = {}
    direct: set[int] = set()
    queue: list[tuple[_UvPackage, set[str], bool]] = [(p, set(), True) for p in roots]
    while queue:
        package, extras, is_root = queue.pop(0)
        seen = reached.get(id(package))
        if seen is not None and extras <= seen.extras:
            continue
        reached[id(package)] = package
        package.extras |= extras
        groups = ("dev",) if is_root and package.root else ()
        for edge in _uv_edges(package.data, extras, groups):
            if not _marker_holds(edge.get("marker"), markers, {}):
                continue
            child = pick(edge)
            if child is None:
                continue
            if package.root:
                direct.add(id(child))
            child_extras = {str(e) for e in edge.get("extra") or ()}
            queue.append((child, child_extras, False))

    base = os.path.dirname(path)
    out: list[LockedPackage] = []
    for package in order:
        if id(package) not in reached or package.root:
            continue
        wheels = [
            (_filename(w, _file_url(base, w)), _file_url(base, w), _sha256(w))
            for w in package.data.get("wheels") or ()
            if isinstance(w, dict)
        ]
        chosen = _best_wheel([w for w in wheels if w[1]], priority)
        out.append(
            LockedPackage(
                name=package.name,
                version=package.version,
                line=package.line,
                wheel_url=chosen[0] if chosen else "",
                sha256=chosen[1] if chosen else "",
                direct=id(package) in direct,
                extras=tuple(sorted(package.extras)),
                why_not="" if chosen else _why_not(package.data),
            )
        )
    return LockFile(path=path, packages=tuple(out))
