"""The environment stage: a venv (or site-packages folder) on disk -> an ``Environment`` value.

Everything here reads files; nothing runs the target interpreter, imports its code or executes
the ``import`` lines of its ``.pth`` files. Discovery is deterministic (sorted walks, first one
wins) and odd metadata produces warnings, never exceptions.

Paths in ``Distribution.files`` are relative to the folder holding the distribution's metadata
folder (``os.path.dirname(dist.metadata_path)``); ``Environment.unowned`` paths are relative to
the site folder they were found in (the first of ``Environment.site_packages`` holding them).
``iter_files`` resolves both back to absolute paths.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import posixpath
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from forkaudit.depgraph import (
    DependencyGraph,
    dependency_info,
    marker_environment,
    parse_requirement,
)
from forkaudit.errors import InputError
from forkaudit.model import Distribution, Environment
from forkaudit.names import canonicalize_name

__all__ = [
    "DependencyGraph",
    "all_warnings",
    "dependency_info",
    "is_test_path",
    "iter_files",
    "load_environment",
    "marker_environment",
    "resolve_target",
]

_SITE_NAMES = ("site-packages", "dist-packages")
_LIB_PYTHON = re.compile(r"^python(\d+)\.(\d+)t?$")
_VERSION_PREFIX = re.compile(r"^\s*(\d+)\.(\d+)")
_COMPILED_SUFFIXES = (".so", ".pyd")
# a distribution's own developer code, never what a program using it runs: tests, benchmarks
_TEST_DIRS = frozenset({"tests", "test", "testing", "_tests", "benchmarks", "_benchmarks"})
_METADATA_SUFFIXES = (".dist-info", ".egg-info")


# --------------------------------------------------------------------------- test paths


def is_test_path(relpath: str) -> bool:
    """True for a distribution's test code: a folder named ``tests``/``test``/``testing``/
    ``_tests`` (or ``benchmarks``: developer code too; a singular ``benchmark`` package may be
    public API, as ``torch.utils.benchmark`` is) anywhere in the path, or a
    file ``test_*.py``, ``_test_*.py``, ``*_test.py``, ``conftest.py``."""
    if "test" not in relpath and "bench" not in relpath:  # every name below holds one
        return False
    parts = [p for p in relpath.replace("\\", "/").split("/") if p]
    if not parts:
        return False
    *folders, filename = parts
    if any(folder in _TEST_DIRS for folder in folders):
        return True
    return (
        filename == "conftest.py"
        or (filename.startswith(("test_", "_test_")) and filename.endswith(".py"))
        or filename.endswith("_test.py")
    )


# --------------------------------------------------------------------------- layout


def _pyvenv_values(root: str) -> dict[str, str] | None:
    """The ``key = value`` lines of ``root/pyvenv.cfg`` (keys lowercased, values stripped);
    None when there is no such file to read."""
    try:
        with open(os.path.join(root, "pyvenv.cfg"), encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return None
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values


def _pyvenv_version(root: str) -> str:
    """``X.Y`` from ``root/pyvenv.cfg`` (``version`` or ``version_info``), "" when absent."""
    values = _pyvenv_values(root) or {}
    for key in ("version_info", "version"):
        match = _VERSION_PREFIX.match(values.get(key, ""))
        if match:
            return f"{match.group(1)}.{match.group(2)}"
    return ""


def _layout_site_dirs(root: str) -> list[tuple[str, str]]:
    """(site folder, "X.Y" or "") for every ``lib*/pythonX.Y/site-packages`` and
    ``Lib/site-packages`` folder under ``root``, in a fixed order."""
    found: list[tuple[str, str]] = []
    for lib in ("lib", "lib64"):
        libdir = os.path.join(root, lib)
        try:
            names = sorted(os.listdir(libdir))
        except OSError:
            continue
        for name in names:
            match = _LIB_PYTHON.match(name)
            if not match:
                continue
            for site in _SITE_NAMES:
                path = os.path.join(libdir, name, site)
                if os.path.isdir(path):
                    found.append((path, f"{match.group(1)}.{match.group(2)}"))
        # Debian's version-less layout
        path = os.path.join(libdir, "python3", "dist-packages")
        if os.path.isdir(path):
            found.append((path, ""))
    path = os.path.join(root, "Lib", "site-packages")
    if os.path.isdir(path):
        found.append((path, ""))
    return found


def _is_venv(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "pyvenv.cfg")) or bool(_layout_site_dirs(path))


def _is_site_packages(path: str) -> bool:
    if os.path.basename(os.path.normpath(path)) in _SITE_NAMES:
        return True
    try:
        return any(name.endswith(_METADATA_SUFFIXES) for name in os.listdir(path))
    except OSError:
        return False


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")) if version else ()


def _project_of(venv: str) -> str | None:
    parent = os.path.dirname(os.path.normpath(venv))
    if parent and os.path.isfile(os.path.join(parent, "pyproject.toml")):
        return parent
    return None


# --------------------------------------------------------------------------- resolve_target


def resolve_target(path: str | None, cwd: str) -> tuple[str, str | None]:
    """Where to look: ``(environment path, project folder or None)``.

    With ``path`` None: ``$VIRTUAL_ENV``, else ``cwd/.venv``, else ``cwd/venv``, else the running
    interpreter's ``sys.prefix``. A given path may be a venv, a project folder holding ``.venv`` or
    ``venv``, or a site-packages folder. Raises ``InputError`` when it is none of those.
    """
    if path is None:
        virtual_env = os.environ.get("VIRTUAL_ENV", "")
        if virtual_env:
            env = os.path.abspath(os.path.join(cwd, virtual_env))
            if not _is_venv(env):
                raise InputError(
                    f"$VIRTUAL_ENV points to {env}, which is not a virtualenv; "
                    "deactivate it or pass the environment path explicitly"
                )
            return env, _project_of(env)
        for name in (".venv", "venv"):
            candidate = os.path.join(cwd, name)
            if os.path.isdir(candidate) and _is_venv(candidate):
                return os.path.abspath(candidate), os.path.abspath(cwd)
        return sys.prefix, _project_of(sys.prefix)

    target = os.path.abspath(os.path.join(cwd, os.path.expanduser(path)))
    if not os.path.exists(target):
        raise InputError(f"{target} does not exist; pass the path of a virtualenv to scan")
    if not os.path.isdir(target):
        raise InputError(
            f"{target} is a file, not an environment; pass the virtualenv folder "
            "(the one holding pyvenv.cfg)"
        )
    if _is_venv(target):
        return target, _project_of(target)
    for name in (".venv", "venv"):
        candidate = os.path.join(target, name)
        if os.path.isdir(candidate) and _is_venv(candidate):
            return candidate, target
    if _is_site_packages(target):
        return target, _site_packages_project(target)
    raise InputError(
        f"{target} is not a Python environment (no pyvenv.cfg, lib/pythonX.Y/site-packages, "
        ".venv or *.dist-info found); pass a virtualenv, a project folder holding .venv, "
        "or a site-packages folder"
    )


def _site_packages_project(site: str) -> str | None:
    """The project of the venv enclosing ``lib/pythonX.Y/site-packages``, if any."""
    parts = os.path.normpath(site).split(os.sep)
    if len(parts) >= 4 and _LIB_PYTHON.match(parts[-2]) and parts[-3] in ("lib", "lib64"):
        venv = os.sep.join(parts[:-3]) or os.sep
        if _is_venv(venv):
            return _project_of(venv)
    return None


# --------------------------------------------------------------------------- file walk


@dataclass
class _Root:
    """One walked site folder: its path and the relevant files under it (posix relpaths)."""

    path: str
    files: list[str] = field(default_factory=list)


def _inside(real: str, root_real: str) -> bool:
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


def _walk(root: str, env_real: str, skip_real: set[str], warnings: list[str]) -> list[str]:
    """Sorted posix relpaths of ``.py``/``.so``/``.pyd`` files under ``root``.

    Never descends into symlinked folders (so no loops, no escapes), ``__pycache__``, metadata
    folders, or folders that are other site roots; symlinked files pointing out of the
    environment are skipped.
    """
    out: list[str] = []
    unlisted: list[str] = []
    # Symlinked folders are never entered, so a folder's real path is its parent's plus its name:
    # no realpath() (an lstat per path component) per folder. Folders are read in the order the
    # file system gives (sorting every listing cost 0.4 s on 8,000 folders); the result and the
    # warnings are sorted once at the end.
    stack: list[tuple[str, str, str]] = [(root, "", os.path.realpath(root))]
    while stack:
        folder, prefix, folder_real = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            unlisted.append(f"cannot list {folder}: {exc.strerror or exc}")
            continue
        subdirs: list[tuple[str, str, str]] = []
        for entry in entries:
            rel = prefix + entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name == "__pycache__" or entry.name.endswith(_METADATA_SUFFIXES):
                        continue
                    real_dir = os.path.join(folder_real, entry.name)
                    if real_dir in skip_real:
                        continue
                    subdirs.append((entry.path, rel + "/", real_dir))
                    continue
                if not entry.name.endswith((".py", *_COMPILED_SUFFIXES)):
                    continue
                if entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    if not _inside(real, env_real) or not os.path.isfile(real):
                        continue
                elif not entry.is_file(follow_symlinks=False):
                    continue
            except OSError:
                continue
            out.append(rel)
        stack.extend(subdirs)
    out.sort()
    warnings.extend(sorted(unlisted))
    return out


# --------------------------------------------------------------------------- metadata


@dataclass
class _Meta:
    """A metadata folder as read, before ownership is settled."""

    path: str  # absolute path of the .dist-info/.egg-info
    base: str  # the folder holding it
    name: str
    version: str
    requires: list[str]
    record: list[str] | None  # normalised paths relative to base; None = missing/garbled
    editable: bool
    top_level: list[str]
    warnings: list[str]
    extra_records: list[list[str]] = field(default_factory=list)  # from discarded duplicates
    project_urls: tuple[tuple[str, str], ...] = ()  # (label, url): Home-page, Project-URL


def _read_text(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _normalise_record_path(raw: str) -> str | None:
    """A RECORD path as a normalised posix path inside the site folder, or None."""
    text = raw.strip().replace("\\", "/")
    if not text or text.startswith("/") or (text[1:2] == ":" and text[:1].isalpha()):
        return None
    if not (text.startswith(".") or "/." in text or "//" in text or text.endswith("/")):
        return text  # already normal (nearly every line): normpath would return it unchanged
    norm = posixpath.normpath(text)
    if norm == "." or norm == ".." or norm.startswith("../"):
        return None
    return norm


def _parse_record(text: str, warnings: list[str]) -> list[str] | None:
    if "\x00" in text:
        warnings.append("RECORD is garbled (binary data); guessing its files from its name")
        return None
    paths: list[str] = []
    rows = 0
    try:
        for row in csv.reader(io.StringIO(text)):
            if not row or not "".join(row).strip():
                continue
            rows += 1
            norm = _normalise_record_path(row[0])
            if norm is not None:
                paths.append(norm)
    except csv.Error as exc:
        warnings.append(f"RECORD is garbled ({exc}); guessing its files from its name")
        return None
    if rows == 0:
        warnings.append("RECORD is empty; guessing its files from its name")
        return None
    return paths


def _folder_name_version(folder: str) -> tuple[str, str]:
    stem = folder
    for suffix in _METADATA_SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
    name, _, rest = stem.partition("-")
    version = rest.split("-", 1)[0] if rest else ""
    return name, version


# The headers end at the first empty line. A line of blanks is not one: it continues the header
# before it (setuptools writes a multi-line License's blank lines as 8 spaces).
_BLANK_LINE = re.compile(r"\r?\n\r?\n")


@dataclass(frozen=True)
class _Headers:
    name: str
    version: str
    requires: list[str]
    project_urls: tuple[tuple[str, str], ...]


def _read_headers(text: str) -> _Headers:
    """The headers of METADATA / PKG-INFO text that forkaudit uses."""
    # Only the headers: the body (often the whole README) is not parsed for headers anyway.
    # (imported here: a scan answered from the cache reads no metadata)
    import email.parser

    message = email.parser.HeaderParser().parsestr(_BLANK_LINE.split(text, 1)[0])
    requires = [str(r).strip() for r in message.get_all("Requires-Dist") or [] if str(r).strip()]
    return _Headers(
        name=(message.get("Name") or "").strip(),
        version=(message.get("Version") or "").strip(),
        requires=requires,
        project_urls=_project_urls(
            message.get_all("Home-page") or [], message.get_all("Project-URL") or []
        ),
    )


def _project_urls(
    home_pages: Sequence[object], project_urls: Sequence[object]
) -> tuple[tuple[str, str], ...]:
    """(label, url) pairs: ``Home-page: URL`` as ("Homepage", URL), then each
    ``Project-URL: Label, URL`` in order; blank values and repeated URLs are left out. Nothing is
    checked here: the formats decide which URLs they show as links."""
    pairs = [("Homepage", str(value).strip()) for value in home_pages]
    for value in project_urls:
        label, sep, url = str(value).partition(",")
        pairs.append((label.strip(), url.strip()) if sep else ("", label.strip()))
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for label, url in pairs:
        if url and url not in seen:
            seen.add(url)
            out.append((label or url, url))
    return tuple(out)


def _parse_headers(text: str) -> tuple[str, str, list[str], bool]:
    """(Name, Version, Requires-Dist, had Name) from METADATA / PKG-INFO text."""
    headers = _read_headers(text)
    return headers.name, headers.version, headers.requires, bool(headers.name)


def _requires_txt(text: str) -> list[str]:
    """``requires.txt`` of an egg-info -> Requires-Dist strings with extras as markers."""
    out: list[str] = []
    extra = ""
    marker = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line[1:-1].strip().partition(":")
            extra, marker = extra.strip(), marker.strip()
            continue
        conditions = []
        req, sep, own_marker = line.partition(";")
        if sep and own_marker.strip():
            conditions.append(f"({own_marker.strip()})")
        if marker:
            conditions.append(f"({marker})")
        if extra:
            conditions.append(f'extra == "{extra}"')
        out.append(req.strip() + ("; " + " and ".join(conditions) if conditions else ""))
    return out


def _is_editable_direct_url(path: str, warnings: list[str]) -> bool:
    text = _read_text(path)
    if text is None:
        return False
    try:
        data = json.loads(text)
    except ValueError:
        warnings.append("direct_url.json is not valid JSON")
        return False
    if not isinstance(data, dict):
        return False
    dir_info = data.get("dir_info")
    return isinstance(dir_info, dict) and dir_info.get("editable") is True


def _read_meta(base: str, folder: str) -> _Meta:
    path = os.path.join(base, folder)
    warnings: list[str] = []
    folder_name, folder_version = _folder_name_version(folder)
    dist_info = folder.endswith(".dist-info")
    is_dir = os.path.isdir(path)

    if dist_info:
        headers = _read_text(os.path.join(path, "METADATA"))
        missing = "METADATA"
    else:
        headers = _read_text(os.path.join(path, "PKG-INFO")) if is_dir else _read_text(path)
        missing = "PKG-INFO"
    requires: list[str] = []
    project_urls: tuple[tuple[str, str], ...] = ()
    if headers is None:
        warnings.append(f"{missing} is missing; name and version taken from the folder name")
        name, version = folder_name, folder_version
    else:
        read = _read_headers(headers)
        name, version, requires = read.name, read.version, read.requires
        project_urls = read.project_urls
        if not name:
            warnings.append(f"{missing} has no Name; using the folder name")
            name = folder_name
        if not version:
            version = folder_version
    if not dist_info and is_dir:
        req_text = _read_text(os.path.join(path, "requires.txt"))
        if req_text is not None:
            requires = requires + _requires_txt(req_text)

    if not version:
        warnings.append("no version found")
    else:
        from packaging.version import InvalidVersion, Version

        try:
            Version(version)
        except InvalidVersion:
            warnings.append(f"invalid version {version!r} (not PEP 440)")
    marker_env = marker_environment("")
    for req in requires:
        parsed = parse_requirement(req)
        if parsed is None:
            warnings.append(f"invalid requirement {req[:200]!r} ignored")
            continue
        if parsed.marker is not None:
            try:
                parsed.marker.evaluate({**marker_env, "extra": ""})
            except Exception:
                warnings.append(f"requirement {req[:200]!r} has a marker that cannot be evaluated")

    record: list[str] | None = None
    if dist_info:
        text = _read_text(os.path.join(path, "RECORD"))
        if text is None:
            warnings.append("RECORD is missing; guessing its files from its name")
        else:
            record = _parse_record(text, warnings)
    elif is_dir:
        text = _read_text(os.path.join(path, "installed-files.txt"))
        if text is None:
            warnings.append("installed-files.txt is missing; guessing its files from its name")
        else:
            record = []
            for line in text.splitlines():
                if line.strip():
                    norm = _normalise_record_path(posixpath.join(folder, line.strip()))
                    if norm is not None:
                        record.append(norm)
    else:
        warnings.append("single-file egg-info lists no files; guessing them from its name")

    editable = False
    if dist_info:
        editable = _is_editable_direct_url(os.path.join(path, "direct_url.json"), warnings)
    if (
        record is not None
        and any("__editable__" in p for p in record)
        and any(posixpath.basename(p).startswith("__editable__") for p in record)
    ):
        editable = True

    top_level: list[str] = []
    if is_dir:
        text = _read_text(os.path.join(path, "top_level.txt"))
        if text is not None:
            top_level = [line.strip() for line in text.splitlines() if line.strip()]

    return _Meta(
        path=path,
        base=base,
        name=name,
        version=version,
        requires=requires,
        record=record,
        editable=editable,
        top_level=top_level,
        warnings=warnings,
        project_urls=project_urls,
    )


# --------------------------------------------------------------------------- load_environment


def _listing(folder: str) -> list[str]:
    """The names in ``folder``, sorted; [] when it cannot be read."""
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _pth_lines(site: str, warnings: list[str]) -> Iterator[str]:
    """The lines of ``site/*.pth`` that say something (not blank, not a comment), stripped of
    trailing blanks: folder paths, and ``import`` lines (hooks Python runs at start-up)."""
    for name in _listing(site):
        if not name.endswith(".pth"):
            continue
        text = _read_text(os.path.join(site, name))
        if text is None:
            warnings.append(f"cannot read {os.path.join(site, name)}")
            continue
        for raw in text.lstrip("\ufeff").splitlines():
            line = raw.rstrip()
            if line.strip() and not line.startswith("#"):
                yield line


def _pth_dirs(site: str, env_real: str, warnings: list[str]) -> list[str]:
    """Folders named by plain path lines of ``site/*.pth`` that exist inside the environment."""
    out: list[str] = []
    for line in _pth_lines(site, warnings):
        if line.startswith(("import ", "import\t")):
            continue  # executable line: never run, never followed
        candidate = os.path.normpath(os.path.join(site, line))
        if os.path.isdir(candidate) and _inside(os.path.realpath(candidate), env_real):
            out.append(candidate)
    return out


def _site_layout(env_path: str, warnings: list[str]) -> tuple[str, list[str], str]:
    """(python version "X.Y" or "", main site folders, containment root) for ``env_path``."""
    cfg_version = _pyvenv_version(env_path)
    layout = _layout_site_dirs(env_path)
    if not layout and not os.path.isfile(os.path.join(env_path, "pyvenv.cfg")):
        if _is_site_packages(env_path):
            version = ""
            parent = os.path.basename(os.path.dirname(os.path.normpath(env_path)))
            match = _LIB_PYTHON.match(parent)
            if match:
                version = f"{match.group(1)}.{match.group(2)}"
            else:
                grand = os.path.dirname(os.path.dirname(os.path.dirname(env_path)))
                version = _pyvenv_version(grand)
            if not version:
                warnings.append("the target Python version is unknown (no pyvenv.cfg)")
            return version, [env_path], env_path
        raise InputError(
            f"{env_path} is not a Python environment (no pyvenv.cfg or site-packages); "
            "pass a virtualenv or a site-packages folder"
        )

    version = cfg_version
    versions = sorted({v for _, v in layout if v}, key=_version_key)
    if version:
        kept = [(p, v) for p, v in layout if v in ("", version)]
        if not kept and layout:
            warnings.append(
                f"pyvenv.cfg says Python {version} but the site folders are for "
                f"{', '.join(versions)}; scanning them anyway"
            )
            kept = layout
        layout = kept
    elif versions:
        version = versions[-1]
        if len(versions) > 1:
            warnings.append(
                f"site folders for several Pythons ({', '.join(versions)}); using {version}"
            )
            layout = [(p, v) for p, v in layout if v in ("", version)]
    if not version:
        warnings.append("the target Python version is unknown (no pyvenv.cfg version)")
    if not layout:
        warnings.append(f"{env_path} has no site-packages folder")
    return version, [p for p, _ in layout], env_path


def _prefix(folder: str) -> str:
    """``folder`` normalised, ending in one separator: with a normal relative path appended,
    what ``os.path.normpath(os.path.join(folder, rel))`` gives, without a normpath per file."""
    return os.path.normpath(folder).rstrip(os.sep) + os.sep


def _joined(prefix: str, rel: str) -> str:
    return prefix + (rel if os.sep == "/" else rel.replace("/", os.sep))


def load_environment(env_path: str) -> Environment:
    """Read the distributions installed in a venv (or a site-packages folder) from its files."""
    env_path = os.path.abspath(env_path)
    if not os.path.isdir(env_path):
        raise InputError(f"{env_path} is not a folder; pass the path of a virtualenv")
    warnings: list[str] = []
    version, main_sites, root = _site_layout(env_path, warnings)
    env_real = os.path.realpath(root)

    # site folders: main ones, then .pth-added ones inside the environment; dedupe by realpath
    sites: list[str] = []
    seen_real: set[str] = set()

    def add_site(path: str) -> None:
        real = os.path.realpath(path)
        if real not in seen_real:
            seen_real.add(real)
            sites.append(path)

    for site in main_sites:
        add_site(site)
    for site in list(sites):
        for extra in _pth_dirs(site, env_real, warnings):
            add_site(extra)

    # walk roots: a site folder nested in an earlier one is covered by that one's walk
    site_reals = [os.path.realpath(s) for s in sites]
    roots: list[_Root] = []
    root_reals: list[str] = []
    for site, real in zip(sites, site_reals, strict=True):
        if any(_inside(real, earlier) for earlier in root_reals):
            continue
        roots.append(_Root(site))
        root_reals.append(real)
    for walk_root, real in zip(roots, root_reals, strict=True):
        skip = {r for r in root_reals if r != real}
        walk_root.files = _walk(walk_root.path, env_real, skip, warnings)

    # index: normalised absolute path -> (walk root index, relpath in that root)
    index: dict[str, tuple[int, str]] = {}
    for i, walk_root in enumerate(roots):
        prefix = _prefix(walk_root.path)
        for rel in walk_root.files:  # (built from folder entries: already normal)
            index.setdefault(_joined(prefix, rel), (i, rel))

    # metadata folders, in site order then sorted; first one of a name wins
    metas: list[_Meta] = []
    by_key: dict[str, _Meta] = {}
    for site in sites:
        try:
            names = sorted(os.listdir(site))
        except OSError:
            continue
        for folder in names:
            if not folder.endswith(_METADATA_SUFFIXES):
                continue
            full = os.path.join(site, folder)
            if folder.endswith(".dist-info") and not os.path.isdir(full):
                continue
            meta = _read_meta(site, folder)
            key = canonicalize_name(meta.name) if meta.name else folder
            kept = by_key.get(key)
            if kept is not None:
                warnings.append(
                    f"{meta.name}: two metadata folders ({os.path.basename(kept.path)} and "
                    f"{folder}); keeping {os.path.basename(kept.path)}, version {kept.version}"
                )
                if meta.record is not None and os.path.normpath(meta.base) == os.path.normpath(
                    kept.base
                ):
                    kept.extra_records.append(meta.record)
                continue
            by_key[key] = meta
            metas.append(meta)
    metas.sort(key=lambda m: (canonicalize_name(m.name) if m.name else m.name, m.path))

    # ownership: first distribution (sorted) whose RECORD lists a file owns it
    owner: dict[str, int] = {}
    owned: list[list[str]] = [[] for _ in metas]
    missing: list[int] = [0 for _ in metas]

    prefixes: dict[str, str] = {}

    def claim(i: int, base: str, rel: str) -> bool:
        # (RECORD paths are normal already: _normalise_record_path)
        prefix = prefixes.get(base)
        if prefix is None:
            prefix = prefixes[base] = _prefix(base)
        abspath = _joined(prefix, rel)
        if abspath not in index:
            return False
        if abspath not in owner:
            owner[abspath] = i
            owned[i].append(rel)
        return True

    for i, meta in enumerate(metas):
        for record in ([meta.record] if meta.record is not None else []) + meta.extra_records:
            for rel in record:
                if (
                    rel.endswith((".py", *_COMPILED_SUFFIXES))
                    and not claim(i, meta.base, rel)
                    and rel.endswith(".py")
                ):
                    missing[i] += 1
    for i, meta in enumerate(metas):
        if meta.record is None:
            _guess_files(meta, index, owner, functools.partial(claim, i, meta.base))

    distributions: list[Distribution] = []
    for i, meta in enumerate(metas):
        dist_warnings = list(meta.warnings)
        if missing[i]:
            dist_warnings.append(f"{missing[i]} .py file(s) listed in RECORD are not on disk")
        files = sorted(p for p in owned[i] if p.endswith(".py"))
        compiled = sum(1 for p in owned[i] if p.endswith(_COMPILED_SUFFIXES))
        distributions.append(
            Distribution(
                name=meta.name,
                version=meta.version,
                metadata_path=meta.path,
                requires=tuple(meta.requires),
                files=tuple(files),
                compiled=compiled,
                editable=meta.editable,
                warnings=tuple(dist_warnings),
                project_urls=meta.project_urls,
            )
        )

    unowned_set: set[str] = set()
    unowned: list[str] = []
    for abspath, (_root_i, rel) in sorted(index.items(), key=lambda kv: kv[1]):
        if abspath in owner or not rel.endswith(".py") or rel in unowned_set:
            continue
        unowned_set.add(rel)
        unowned.append(rel)

    return Environment(
        path=env_path,
        python_version=version,
        site_packages=tuple(r.path for r in roots)
        + tuple(site for site in sites if site not in {r.path for r in roots}),
        distributions=tuple(distributions),
        unowned=tuple(sorted(unowned)),
        warnings=tuple(warnings),
        modules=importable_names(env_path, version, sites),
    )


# .pth import lines that make no name importable besides folders already listed: a namespace
# package's (`-nspkg.pth`), setuptools' distutils shim, virtualenv's own, and hooks that run
# only when an environment variable asks (coverage, coloredlogs, manhole)
_HARMLESS_HOOK = re.compile(
    r"sys\._getframe\(1\)\.f_locals\['sitedir'\]|has_mfs|SETUPTOOLS_USE_DISTUTILS"
    r"|^import _virtualenv\b|os\.environ\.get\(|os\.getenv\(|in os\.environ"
)
# a .pth line importing a module of the site folder that installs an import hook (setuptools'
# editable finder, the `editables` redirector), and the top-level names that module maps
_HOOK_MODULE = re.compile(r"^import ([A-Za-z_][\w]*)\b")
_MAPPING = re.compile(r"^MAPPING\b[^=\n]*=\s*(\{[^}]*\})", re.MULTILINE)
_MAPPING_KEY = re.compile(r"['\"]([\w.]+)['\"]\s*:")
_MAPPED = re.compile(r"\bmap_module\(\s*['\"]([\w.]+)['\"]")


# the files a part of a namespace package can be imported from (a `.pyi` stub or data cannot)
_MODULE_SUFFIXES = (".py", ".pyc", ".so", ".pyd")


def importable_names(env_path: str, version: str, sites: Sequence[str]) -> tuple[str, ...]:
    """The top-level names a venv's interpreter finds in its site folders (``sites``: the main
    ones and those its .pth files add), sorted: each package folder, module and extension
    module there, the folders any .pth path line adds (inside the venv or not), and the names
    an editable install's finder maps; and for a namespace package (folders without
    ``__init__.py``), each of its parts as ``namespace.part``. () when that is not the whole of
    what it can import:
    not a venv (a bare site-packages folder shares its interpreter with other folders), a venv
    that sees the system site-packages, a Python 2 or unknown target, or a .pth import hook
    whose names cannot be read."""
    values = _pyvenv_values(env_path)
    if values is None:
        return ()
    system = values.get("include-system-site-packages", "").lower()
    if system == "true" or not version.startswith("3."):
        return ()
    names: set[str] = set()
    folders = list(sites)
    for site in sites:
        for line in _pth_lines(site, []):
            line = line.strip()
            if line.startswith(("import ", "import\t")):
                if _HARMLESS_HOOK.search(line):
                    continue  # a namespace package's, distutils', virtualenv's, an env-gated one
                hook = _HOOK_MODULE.match(line)
                mapped = _read_text(os.path.join(site, hook.group(1) + ".py")) if hook else None
                table = _MAPPING.search(mapped or "")
                found = (
                    _MAPPING_KEY.findall(table.group(1)) if table else _MAPPED.findall(mapped or "")
                )
                if not found:
                    return ()  # an import hook whose names cannot be read (it may add any)
                # (`google.cloud.foo`: its namespace's part too, see below)
                names.update(".".join(key.split(".")[:depth]) for key in found for depth in (1, 2))
                continue
            candidate = os.path.normpath(os.path.join(site, line))
            if os.path.isdir(candidate):
                folders.append(candidate)
            elif os.path.exists(candidate):
                return ()  # a zip or egg file on the path: its names are not listed
    # A folder without __init__.py is a portion of a namespace package (PEP 420: `google/`,
    # which protobuf and google-auth share): `import google.api_core` finds only what one of
    # its portions holds. Its parts are named `google.api_core`, unless a regular package or a
    # module of that name (found first) shadows the namespace.
    regular: set[str] = set()
    parts: set[str] = set()
    for folder in folders:
        for entry in _listing(folder):
            if entry.endswith((".dist-info", ".egg-info", ".pth")) or entry == "__pycache__":
                continue
            name = entry.split(".", 1)[0]
            names.add(name)
            path = os.path.join(folder, entry)
            if "." in entry or os.path.isfile(os.path.join(path, "__init__.py")):
                regular.add(name)
            elif os.path.isdir(path):
                parts.update(
                    f"{name}.{child.split('.', 1)[0]}"
                    for child in _listing(path)
                    if child != "__pycache__"
                    and (
                        child.endswith(_MODULE_SUFFIXES)
                        or ("." not in child and os.path.isdir(os.path.join(path, child)))
                    )
                )
    names.update(part for part in parts if part.split(".", 1)[0] not in regular)
    return tuple(sorted(names))


def _guess_files(
    meta: _Meta,
    index: dict[str, tuple[int, str]],
    owner: dict[str, int],
    claim: Callable[[str], bool],
) -> None:
    """Without a usable RECORD: claim the unowned files of the distribution's top-level names
    (``top_level.txt``, else the name with ``-`` as ``_``) found next to its metadata."""
    tops = set(meta.top_level) or {canonicalize_name(meta.name).replace("-", "_")}
    base = os.path.normpath(meta.base)
    for abspath in sorted(index):
        if abspath in owner:
            continue
        rel = os.path.relpath(abspath, base).replace(os.sep, "/")
        if rel.startswith("../"):
            continue
        first, sep, _ = rel.partition("/")
        if (sep and first in tops) or (not sep and first.split(".", 1)[0] in tops):
            claim(rel)


# --------------------------------------------------------------------------- helpers


def iter_files(env: Environment) -> Iterator[tuple[str, str, str]]:
    """``(abspath, relpath, distribution name)`` for every owned ``.py`` file, then every
    unowned one (distribution ""), in a deterministic order."""
    for dist in env.distributions:
        base = os.path.dirname(dist.metadata_path)
        for rel in dist.files:
            yield os.path.join(base, *rel.split("/")), rel, dist.name
    for rel in env.unowned:
        for site in env.site_packages:
            candidate = os.path.join(site, *rel.split("/"))
            if os.path.isfile(candidate):
                yield candidate, rel, ""
                break


def all_warnings(env: Environment) -> tuple[str, ...]:
    """The environment's warnings followed by each distribution's, prefixed by its name."""
    out = list(env.warnings)
    for dist in env.distributions:
        out.extend(f"{dist.name} {dist.version}: {w}" for w in dist.warnings)
    return tuple(out)
