"""Wheels read in memory: a ``.whl`` archive -> a ``Distribution``, without extracting anything.

A wheel is attributed with its own RECORD and METADATA, read by the same parsers as an installed
``.dist-info`` (``environment._parse_record``, ``environment._read_headers``), and its files get
the paths an installation would give them: ``pkg/mod.py`` at the archive's root and
``{name}-{version}.data/purelib/pkg/mod.py`` (or ``platlib``) both become ``pkg/mod.py``, so the
findings, their paths and fingerprints are those of a venv where the wheel is installed. Scripts,
headers and data files land outside site-packages on installation and are not scanned, as in a
venv.

A file inside an archive is named ``{archive}!/{member}`` (``ARCHIVE_MARK``): a wheel's
``Distribution.metadata_path`` is ``{archive}!/{name}-{version}.dist-info``, so the files of its
``Distribution.files`` resolve against ``os.path.dirname(metadata_path)`` like an installed
distribution's; ``member_of`` turns such a path back into the archive and the member's name, and
``read_member`` reads its bytes (the runner's workers do, only for the files they analyse).
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from forkaudit.depgraph import parse_requirement
from forkaudit.environment import _parse_record, _read_headers
from forkaudit.errors import InputError
from forkaudit.model import Distribution
from forkaudit.names import canonicalize_name

__all__ = [
    "ARCHIVE_MARK",
    "ArchiveError",
    "WheelLayout",
    "archive_sha256",
    "load_wheels",
    "member_of",
    "member_path",
    "read_member",
    "read_wheel",
    "remember_sha256",
    "wheel_layout",
]

ARCHIVE_MARK = ".whl!/"  # between an archive's path (ending in .whl) and a member's name
_COMPILED_SUFFIXES = (".so", ".pyd")
_SITE_SCHEMES = ("purelib", "platlib")
MAX_METADATA_BYTES = 16 * 1024 * 1024


class ArchiveError(OSError):
    """A member that cannot be read from its archive (missing, corrupt, not a zip)."""


def record_hash(data: bytes) -> str:
    """``sha256=...`` as RECORD writes a file's hash (urlsafe base64, no padding)."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def member_path(archive: str, member: str) -> str:
    """The path naming ``member`` inside the wheel ``archive`` (whose name ends in ``.whl``)."""
    return f"{archive}!/{member}"


def member_of(path: str) -> tuple[str, str] | None:
    """``(archive, member)`` for a path made by ``member_path``, None for a plain file path."""
    at = path.find(ARCHIVE_MARK)
    if at < 0:
        return None
    return path[: at + 4], path[at + len(ARCHIVE_MARK) :]


# --------------------------------------------------------------------------- digests


_DIGESTS: dict[str, tuple[int, int, str]] = {}


def _stat_key(path: str) -> tuple[int, int]:
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


def remember_sha256(path: str, digest: str) -> None:
    """Record the sha256 of ``path`` as computed (or verified) by the caller, for as long as the
    file's size and modification time stay the same."""
    try:
        size, mtime = _stat_key(path)
    except OSError:
        return
    _DIGESTS[os.path.abspath(path)] = (size, mtime, digest)


def archive_sha256(path: str) -> str:
    """The sha256 (hex) of the file at ``path``: remembered, else computed (and remembered)."""
    path = os.path.abspath(path)
    size, mtime = _stat_key(path)
    known = _DIGESTS.get(path)
    if known is not None and known[:2] == (size, mtime):
        return known[2]
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    _DIGESTS[path] = (size, mtime, digest.hexdigest())
    return digest.hexdigest()


# --------------------------------------------------------------------------- reading members


_OPEN: OrderedDict[str, zipfile.ZipFile] = OrderedDict()
_OPEN_MAX = 8


def _archive(path: str) -> zipfile.ZipFile:
    archive = _OPEN.pop(path, None)
    if archive is None:
        archive = zipfile.ZipFile(path)
        while len(_OPEN) >= _OPEN_MAX:
            _OPEN.popitem(last=False)[1].close()
    _OPEN[path] = archive
    return archive


def read_member(path: str, limit: int) -> bytes | None:
    """The bytes of the archive member named by ``path`` (see ``member_path``); None when it is
    larger than ``limit`` bytes. Raises ``ArchiveError`` (an ``OSError``) when it cannot be read.
    Archives stay open between calls (a worker reads many members of one wheel)."""
    where = member_of(path)
    if where is None:
        raise ArchiveError(f"{path} names no archive member")
    archive, member = where
    try:
        handle = _archive(archive)
        info = handle.getinfo(member)
        if info.file_size > limit:
            return None
        with handle.open(info) as stream:
            data = stream.read(limit + 1)  # the header's size may lie
        return None if len(data) > limit else data
    except KeyError:
        raise ArchiveError(f"not in {os.path.basename(archive)}") from None
    except OSError as exc:
        _OPEN.pop(archive, None)
        raise ArchiveError(f"{os.path.basename(archive)}: {exc.strerror or exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        _OPEN.pop(archive, None)
        raise ArchiveError(f"{os.path.basename(archive)} is damaged: {exc}") from None


_SIZES: OrderedDict[str, dict[str, int]] = OrderedDict()


def member_size(path: str) -> int:
    """The uncompressed size of an archive member (0 when unknown). Each archive's table of
    contents is read once (the parent sizes every job of a wheel) and not kept open."""
    where = member_of(path)
    if where is None:
        return 0
    archive, member = where
    sizes = _SIZES.get(archive)
    if sizes is None:
        try:
            with zipfile.ZipFile(archive) as handle:
                sizes = {info.filename: info.file_size for info in handle.infolist()}
        except (OSError, zipfile.BadZipFile, ValueError):
            sizes = {}
        _SIZES[archive] = sizes
        while len(_SIZES) > 64:
            _SIZES.popitem(last=False)
    return sizes.get(member, 0)


# --------------------------------------------------------------------------- layout


@dataclass(frozen=True)
class WheelLayout:
    """What an installation of the wheel would put in site-packages."""

    path: str  # the archive
    dist_info: str  # its .dist-info folder, as named in the archive
    installed: dict[str, str]  # installed path (posix, relative to site-packages) -> member


def _dist_info_folder(names: Sequence[str], filename: str) -> str:
    folders = sorted(
        {n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info")}
    )
    if not folders:
        raise InputError(f"{filename} is not a wheel: it has no .dist-info folder")
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename  # (only for wheels)

    try:
        name, version, _, _ = parse_wheel_filename(filename)
    except InvalidWheelFilename:
        return folders[0]
    for folder in folders:
        stem = folder[: -len(".dist-info")]
        folder_name, _, folder_version = stem.partition("-")
        if canonicalize_name(folder_name) == name and folder_version == str(version):
            return folder
    for folder in folders:  # a version spelled differently (1.0 vs 1.0.0)
        if canonicalize_name(folder[: -len(".dist-info")].partition("-")[0]) == name:
            return folder
    return folders[0]


def _installed_path(member: str, dist_info: str, data_dir: str) -> str | None:
    """Where ``member`` lands, relative to site-packages; None outside it (metadata, scripts,
    headers, data) or for a name that would escape it."""
    if member.endswith("/"):
        return None
    first, _, rest = member.partition("/")
    if first == dist_info:
        return None
    if first == data_dir:
        scheme, _, below = rest.partition("/")
        if scheme not in _SITE_SCHEMES or not below:
            return None
        member = below
    norm = posixpath.normpath(member)
    if norm.startswith(("../", "/")) or norm in (".", "..") or "\\" in member:
        return None
    return norm


def wheel_layout(path: str) -> WheelLayout:
    """Read the archive's table of contents. Raises ``InputError`` when it is not a wheel."""
    filename = os.path.basename(path)
    try:
        with zipfile.ZipFile(path) as handle:
            names = handle.namelist()
    except FileNotFoundError:
        raise InputError(f"{path} does not exist; pass the path of a .whl file") from None
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise InputError(f"{path} is not a wheel (not a readable zip archive: {exc})") from None
    dist_info = _dist_info_folder(names, filename)
    data_dir = dist_info[: -len(".dist-info")] + ".data"
    installed: dict[str, str] = {}
    for member in names:
        target = _installed_path(member, dist_info, data_dir)
        if target is not None:
            installed.setdefault(target, member)
    return WheelLayout(path=os.path.abspath(path), dist_info=dist_info, installed=installed)


# --------------------------------------------------------------------------- distributions


@dataclass(frozen=True)
class _Read:
    layout: WheelLayout
    name: str
    version: str
    requires: tuple[str, ...]
    record: list[str] | None  # installed paths RECORD lists; None = no usable RECORD
    project_urls: tuple[tuple[str, str], ...]
    warnings: list[str]


def _text(handle: zipfile.ZipFile, member: str) -> str | None:
    try:
        info = handle.getinfo(member)
        if info.file_size > MAX_METADATA_BYTES:
            return None
        data = handle.read(info)
    except (KeyError, OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _read(path: str) -> _Read:
    layout = wheel_layout(path)
    filename = os.path.basename(path)
    warnings: list[str] = []
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename  # (only for wheels)

    try:
        file_name, file_version, _, _ = parse_wheel_filename(filename)
        fallback = (str(file_name), str(file_version))
    except InvalidWheelFilename:
        stem = layout.dist_info[: -len(".dist-info")]
        fallback = (stem.partition("-")[0], stem.partition("-")[2])
    data_dir = layout.dist_info[: -len(".dist-info")] + ".data"
    with zipfile.ZipFile(path) as handle:
        metadata = _text(handle, f"{layout.dist_info}/METADATA")
        record_text = _text(handle, f"{layout.dist_info}/RECORD")
    name, version = fallback
    requires: tuple[str, ...] = ()
    project_urls: tuple[tuple[str, str], ...] = ()
    if metadata is None:
        warnings.append("METADATA is missing; name and version taken from the wheel's name")
    else:
        headers = _read_headers(metadata)
        name = headers.name or name
        version = headers.version or version
        requires = tuple(headers.requires)
        project_urls = headers.project_urls
        if not headers.name:
            warnings.append("METADATA has no Name; using the wheel's name")
    for text in requires:
        if parse_requirement(text) is None:
            warnings.append(f"invalid requirement {text[:200]!r} ignored")
    record: list[str] | None = None
    if record_text is None:
        warnings.append("RECORD is missing; guessing its files from its name")
    else:
        parsed = _parse_record(record_text, warnings)
        if parsed is not None:
            record = []
            for member in parsed:
                target = _installed_path(member, layout.dist_info, data_dir)
                if target is not None:
                    record.append(target)
    return _Read(layout, name, version, requires, record, project_urls, warnings)


def read_wheel(path: str) -> Distribution:
    """One wheel as a ``Distribution`` (see ``load_wheels`` for several at once)."""
    return load_wheels([path])[0]


def load_wheels(paths: Iterable[str]) -> list[Distribution]:
    """Wheels as the distributions a venv holding all of them installed would have.

    Ownership follows ``load_environment``: distributions sorted by canonical name, the first
    whose RECORD lists a file owns it; a wheel without a usable RECORD then claims the unowned
    files of its top-level names. ``Distribution.files`` are installed paths relative to
    ``os.path.dirname(metadata_path)`` (``{archive}!``)."""
    reads = sorted(
        (_read(path) for path in paths),
        key=lambda r: (canonicalize_name(r.name) if r.name else r.name, r.layout.path),
    )
    owner: dict[str, int] = {}
    owned: list[list[str]] = [[] for _ in reads]
    missing = [0 for _ in reads]

    def claim(i: int, rel: str) -> bool:
        layout = reads[i].layout
        if rel not in layout.installed:
            return False
        if rel not in owner:
            owner[rel] = i
            owned[i].append(rel)
        return True

    for i, read in enumerate(reads):
        for rel in read.record or ():
            if (
                rel.endswith((".py", *_COMPILED_SUFFIXES))
                and not claim(i, rel)
                and rel.endswith(".py")
            ):
                missing[i] += 1
    for i, read in enumerate(reads):
        if read.record is None:
            tops = {canonicalize_name(read.name).replace("-", "_")}
            for rel in sorted(read.layout.installed):
                first, sep, _ = rel.partition("/")
                if rel.endswith((".py", *_COMPILED_SUFFIXES)) and (
                    (sep and first in tops) or (not sep and first.split(".", 1)[0] in tops)
                ):
                    claim(i, rel)

    out: list[Distribution] = []
    for i, read in enumerate(reads):
        warnings = list(read.warnings)
        if missing[i]:
            warnings.append(f"{missing[i]} .py file(s) listed in RECORD are not in the wheel")
        unlisted = sum(
            1
            for rel in read.layout.installed
            if rel.endswith(".py") and rel not in owner and read.record is not None
        )
        if unlisted:
            warnings.append(
                f"{unlisted} .py file(s) in the wheel are not listed in RECORD: not scanned"
            )
        out.append(
            Distribution(
                name=read.name,
                version=read.version,
                metadata_path=member_path(read.layout.path, read.layout.dist_info),
                requires=read.requires,
                files=tuple(sorted(p for p in owned[i] if p.endswith(".py"))),
                compiled=sum(1 for p in owned[i] if p.endswith(_COMPILED_SUFFIXES)),
                warnings=tuple(warnings),
                project_urls=read.project_urls,
            )
        )
    return out
