"""pip, run as a subprocess, resolves requirements and downloads wheels; nothing is ever built.

Every resolution runs ``pip install --dry-run --ignore-installed --only-binary :all: --report``:
with ``--only-binary`` pip never considers an sdist, so it never builds one (building runs the
package's code, even only to read its metadata). A requirement with no wheel for the target makes
that resolution fail ("Could not find a version that satisfies the requirement X (from versions:
...)"): X is then *sdist only*. Its versions are asked of the index (``pip index versions``, which
reads the index pages and builds nothing) and each gets a placeholder wheel: METADATA only, no
code, no requirements, in a folder of forkaudit's own passed as ``--find-links``. pip resolves
again, now choosing X's version as it would have (the newest allowed by every requirement on
it), and the placeholders in its report are the sdist-only distributions. In hash-checking mode
(``--hash`` / ``--require-hashes``: every distribution is pinned in the file) pip resolves with
``--no-deps`` and an sdist-only line is left out instead (a placeholder cannot have its hash).

pip evaluates environment markers for the interpreter running it, even under ``--python-version``
(pypa/pip#11010, #13296): it is run with its marker environment set to the target's (the
``python_version``, ``python_full_version`` and, with ``--platform``, the platform variables), as
pex does. The wheels are downloaded by ``pip download --no-deps`` of the exact URLs the report
names, verified against the sha256 the index gave (and the file's ``--hash`` values) and kept under
the cache folder by sha256.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from forkaudit.errors import InputError
from forkaudit.wheels import record_hash, remember_sha256

__all__ = [
    "IndexOptions",
    "Resolution",
    "ResolvedItem",
    "Target",
    "download_wheels",
    "resolve",
]

# Run pip with the target's marker environment (see the module's docstring).
_PIP_MAIN = """\
import json, runpy, sys
overrides = json.loads(sys.argv.pop(1))
if overrides:
    try:
        import pip._vendor.packaging.markers as markers
    except ImportError:
        pass
    else:
        original = markers.default_environment
        def default_environment():
            env = original()
            env.update(overrides)
            return env
        markers.default_environment = default_environment
sys.argv[0] = "pip"
runpy.run_module("pip", run_name="__main__", alter_sys=True)
"""

_NO_VERSION = re.compile(
    r"Could not find a version that satisfies the requirement (?P<req>.+?)"
    r"(?: \(from [^()]*\))? \(from versions: (?P<versions>[^)]*)\)"
)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_AVAILABLE = re.compile(r"^Available versions: (.*)$", re.MULTILINE)
_UNREACHABLE = (
    "Retrying (",
    "Could not fetch URL",
    "NewConnectionError",
    "Max retries exceeded",
    "Failed to establish a new connection",
    "ConnectTimeoutError",
    "Temporary failure in name resolution",
)
MAX_SDIST_ONLY = 200
MAX_PLACEHOLDER_VERSIONS = 100


@dataclass(frozen=True)
class Target:
    """What to resolve for: a CPython ``X.Y`` and a pip platform tag ("" = this machine's)."""

    python_version: str
    platform: str = ""
    markers: Mapping[str, str] = field(default_factory=dict)  # marker variables that differ

    @property
    def running(self) -> bool:
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        return self.python_version == running and not self.platform


@dataclass(frozen=True)
class IndexOptions:
    """Where pip looks, passed through as its own options."""

    index_url: str = ""
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    trusted_hosts: tuple[str, ...] = ()
    no_index: bool = False
    pre: bool = False

    def args(self) -> list[str]:
        out: list[str] = []
        if self.index_url:
            out += ["--index-url", self.index_url]
        for url in self.extra_index_urls:
            out += ["--extra-index-url", url]
        for link in self.find_links:
            out += ["--find-links", link]
        for host in self.trusted_hosts:
            out += ["--trusted-host", host]
        if self.no_index:
            out.append("--no-index")
        if self.pre:
            out.append("--pre")
        return out


@dataclass(frozen=True)
class ResolvedItem:
    """One distribution of pip's resolution."""

    name: str  # as its METADATA spells it
    version: str
    url: str  # where pip found the wheel ("" for an sdist-only placeholder)
    sha256: str  # as the index (or pip) gave it, "" when unknown
    requested: bool  # a requirement given, not only a dependency
    requested_extras: tuple[str, ...]
    requires_dist: tuple[str, ...]
    sdist_only: bool = False


@dataclass(frozen=True)
class Resolution:
    items: tuple[ResolvedItem, ...]
    sdist_only: tuple[tuple[str, str], ...]  # (name, version or "") never built, in order
    pip_version: str = ""


# --------------------------------------------------------------------------- running pip


def _pip_prefix(target: Target) -> list[str]:
    if importlib.util.find_spec("pip") is None:
        raise InputError(
            "pip is needed to resolve requirements and download wheels, and forkaudit's "
            "environment has none: install pip into it (pipx inject forkaudit pip, or "
            "uv tool install --with pip forkaudit)"
        )
    return [sys.executable, "-c", _PIP_MAIN, json.dumps(dict(target.markers))]


def _pip_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PIP_REQUIRE_VIRTUALENV"] = "0"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_INPUT"] = "1"
    return env


def _run(
    args: Sequence[str], target: Target, cwd: str, show: bool
) -> subprocess.CompletedProcess[str]:
    """pip ``args``; its errors are captured, its output shown on forkaudit's standard error
    when ``show`` (a terminal: pip draws its own progress bars there)."""
    command = [*_pip_prefix(target), *args]
    if not show and args[0] in ("install", "download"):
        command.append("--progress-bar=off")
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            env=_pip_env(),
            stdin=subprocess.DEVNULL,
            stdout=sys.stderr if show else subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise InputError(f"cannot run pip ({exc.strerror or exc})") from None


def _target_args(target: Target, scratch: str) -> list[str]:
    if target.running:
        return []
    out = ["--python-version", target.python_version]
    if target.platform:
        out += ["--platform", target.platform]
    # pip before 23.3 takes cross-target options only with --target (nothing is written there
    # by a dry run)
    return [*out, "--target", os.path.join(scratch, "target")]


def _errors(stderr: str) -> list[str]:
    return [
        line[len("ERROR: ") :].strip() for line in stderr.splitlines() if line.startswith("ERROR: ")
    ]


def _unreachable(stderr: str) -> str:
    for line in stderr.splitlines():
        if any(mark in line for mark in _UNREACHABLE):
            return line.removeprefix("WARNING: ").strip()[:300]
    return ""


def _one_line(stderr: str, stdout: str = "") -> str:
    """The gist of a pip failure as one line."""
    text = stderr + "\n" + stdout
    if "DO NOT MATCH THE HASHES" in text:
        lines = [line.strip() for line in text.splitlines()]
        culprit = next(
            (line for line in lines if " from " in line and ("http" in line or "file:" in line)),
            "",
        )
        return (
            f"hash mismatch: {culprit or 'a downloaded file'} does not have the hash the "
            "requirements state; regenerate the hashes (pip-compile --generate-hashes) or check "
            "the index"
        )
    if "ResolutionImpossible" in text or "conflicting dependencies" in text:
        lines = text.splitlines()
        causes: list[str] = []
        for position, line in enumerate(lines):
            if "The conflict is caused by" in line:
                for cause in lines[position + 1 :]:
                    if not cause.startswith("    "):
                        break
                    causes.append(cause.strip())
        why = "; ".join(causes)[:400] or "conflicting requirements"
        return (
            f"pip cannot resolve the requirements with wheels only (sdists are never built): "
            f"{why}; loosen or fix the pins"
        )
    errors = _errors(stderr)
    if errors:
        return errors[-1][:400]
    tail = [line.strip() for line in text.splitlines() if line.strip()]
    return (tail[-1] if tail else "pip failed with no message")[:400]


# --------------------------------------------------------------------------- placeholders


def _placeholder(folder: str, name: str, version: str) -> None:
    """A wheel with METADATA only, standing for an sdist-only distribution in a resolution."""
    stem = f"{re.sub(r'[-_.]+', '_', name).lower()}-{version}"
    dist_info = f"{stem}.dist-info"
    files = {
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            "Summary: forkaudit placeholder for an sdist that is never built\n\n"
        ).encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: forkaudit\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n\n",
    }
    record = "".join(f"{path},{record_hash(data)},{len(data)}\n" for path, data in files.items())
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    with zipfile.ZipFile(os.path.join(folder, f"{stem}-py3-none-any.whl"), "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)


def _versions(name: str, target: Target, index: IndexOptions, cwd: str) -> list[str]:
    """Every version of ``name`` the indexes offer (sdists included), newest first."""
    args = ["index", "versions", name, *index.args()]
    if not target.running:
        args += ["--python-version", target.python_version]
        if target.platform:
            args += ["--platform", target.platform]
    done = _run(args, target, cwd, show=False)
    match = _AVAILABLE.search(done.stdout or "")
    if done.returncode != 0 or match is None:
        return []
    return [v.strip() for v in match.group(1).split(",") if v.strip()]


# --------------------------------------------------------------------------- resolve


def _item(raw: Mapping[str, Any], placeholders: str) -> ResolvedItem:
    metadata = raw.get("metadata") or {}
    info = raw.get("download_info") or {}
    url = str(info.get("url") or "")
    archive = info.get("archive_info") or {}
    sha256 = str((archive.get("hashes") or {}).get("sha256") or "")
    if not sha256 and str(archive.get("hash") or "").startswith("sha256="):
        sha256 = str(archive["hash"])[len("sha256=") :]
    placeholder = url.startswith("file:") and os.path.dirname(
        os.path.realpath(_file_path(url))
    ) == os.path.realpath(placeholders)
    return ResolvedItem(
        name=str(metadata.get("name") or ""),
        version=str(metadata.get("version") or ""),
        url="" if placeholder else url,
        sha256="" if placeholder else sha256.lower(),
        requested=bool(raw.get("requested")),
        requested_extras=tuple(str(e) for e in raw.get("requested_extras") or ()),
        requires_dist=tuple(str(r) for r in metadata.get("requires_dist") or ()),
        sdist_only=placeholder,
    )


def _file_path(url: str) -> str:
    return urllib.request.url2pathname(urllib.parse.urlsplit(url).path)


def _write_lines(path: str, lines: Iterable[str]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")


def resolve(
    requirements: Sequence[tuple[str, tuple[str, ...]]],
    constraints: Sequence[tuple[str, tuple[str, ...]]],
    target: Target,
    index: IndexOptions,
    cwd: str,
    hash_mode: bool = False,
    show: bool = False,
) -> Resolution:
    """pip's resolution of ``requirements`` (text, hashes) under ``constraints`` for
    ``target``, with wheels only; sdist-only distributions come back as such (see the module's
    docstring). Raises ``InputError`` when pip cannot resolve for another reason."""
    with tempfile.TemporaryDirectory(prefix="forkaudit-resolve-") as scratch:
        placeholders = os.path.join(scratch, "sdist-only")
        os.mkdir(placeholders)
        left_out: list[tuple[str, str]] = []  # hash mode: lines dropped
        stubbed: dict[str, list[str]] = {}
        report_path = os.path.join(scratch, "report.json")
        while True:
            kept = [
                (text, hashes)
                for text, hashes in requirements
                if not any(_same_name(text, name) for name, _ in left_out)
            ]
            req_file = os.path.join(scratch, "requirements.txt")
            _write_lines(req_file, (_line(text, hashes) for text, hashes in kept))
            args = [
                "install",
                "--dry-run",
                "--ignore-installed",
                "--only-binary",
                ":all:",
                "--report",
                report_path,
                *_target_args(target, scratch),
                *index.args(),
                "-r",
                req_file,
            ]
            if constraints:
                con_file = os.path.join(scratch, "constraints.txt")
                _write_lines(con_file, (_line(text, hashes) for text, hashes in constraints))
                args += ["-c", con_file]
            if stubbed:
                args += ["--find-links", placeholders]
            if hash_mode:
                args.append("--no-deps")
            if not kept:
                return Resolution(items=(), sdist_only=tuple(left_out))
            done = _run(args, target, cwd, show)
            if done.returncode == 0:
                break
            stderr = done.stderr or ""
            unreachable = _unreachable(stderr)
            match = _NO_VERSION.search(stderr)
            if match is None or unreachable:
                if unreachable:
                    raise InputError(
                        f"the package index cannot be reached ({unreachable}); check "
                        "--index-url and the network, or use --find-links/--no-index"
                    )
                raise InputError(_one_line(stderr, done.stdout or ""))
            name_match = _NAME.match(match.group("req"))
            name = str(canonicalize_name(name_match.group(1))) if name_match else ""
            if not name or name in stubbed or len(stubbed) + len(left_out) >= MAX_SDIST_ONLY:
                raise InputError(_one_line(stderr))
            if hash_mode:
                pinned = re.search(r"===?\s*([^\s,;]+)", match.group("req"))
                left_out.append((name, pinned.group(1) if pinned else ""))
                continue
            binary = {v.strip() for v in match.group("versions").split(",")} - {"none"}
            offered = [v for v in _versions(name, target, index, cwd) if v not in binary]
            if not offered:
                raise InputError(
                    f"no distribution found for {match.group('req')}: the indexes offer no "
                    "version of it for the target; check the name, the version and the index"
                )
            for version in _newest(offered)[:MAX_PLACEHOLDER_VERSIONS]:
                _placeholder(placeholders, name, version)
            stubbed[name] = offered
        try:
            with open(report_path, encoding="utf-8") as handle:
                report = json.load(handle)
        except (OSError, ValueError) as exc:
            raise InputError(
                f"pip wrote no readable report ({exc}); is pip older than 22.2?"
            ) from None
    items = tuple(_item(raw, placeholders) for raw in report.get("install") or ())
    sdist_only = [(item.name, item.version) for item in items if item.sdist_only]
    return Resolution(
        items=items,
        sdist_only=tuple(left_out + sdist_only),
        pip_version=str(report.get("pip_version") or ""),
    )


def _newest(versions: Sequence[str]) -> list[str]:
    def key(text: str) -> tuple[int, Version | str]:
        try:
            return (1, Version(text))
        except InvalidVersion:
            return (0, text)

    return sorted(dict.fromkeys(versions), key=key, reverse=True)


def _same_name(text: str, name: str) -> bool:
    match = _NAME.match(text)
    return match is not None and canonicalize_name(match.group(1)) == name


def _line(text: str, hashes: Sequence[str]) -> str:
    return " ".join([text, *(f"--hash={h}" for h in hashes)])


# --------------------------------------------------------------------------- download


def cached_wheel(folder: str, sha256: str, filename: str) -> str:
    return os.path.join(folder, sha256[:2], sha256, filename)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_wheels(
    wanted: Sequence[tuple[str, str, str, tuple[str, ...]]],
    folder: str,
    target: Target,
    index: IndexOptions,
    cwd: str,
    show: bool = False,
) -> dict[str, str]:
    """``url -> local wheel`` for each (name, url, sha256 or "", accepted hashes): a
    ``file:`` URL is read in place, anything else is taken from ``folder`` (by sha256) or
    downloaded there by ``pip download --no-deps``. Every file is checked against the sha256
    the index gave and the hashes the requirements state; a mismatch is an ``InputError``."""
    out: dict[str, str] = {}
    missing: list[tuple[str, str, str, tuple[str, ...]]] = []
    for name, url, sha256, accepted in wanted:
        if url.startswith("file:"):
            path = _file_path(url)
            if sha256:
                remember_sha256(path, sha256)
            out[url] = path
            continue
        filename = urllib.parse.unquote(os.path.basename(urllib.parse.urlsplit(url).path))
        if sha256:
            cached = cached_wheel(folder, sha256, filename)
            if os.path.isfile(cached):
                remember_sha256(cached, sha256)
                out[url] = cached
                continue
        missing.append((name, url, sha256, accepted))
    if not missing:
        return out
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tmp-", dir=folder) as scratch:
        dest = os.path.join(scratch, "download")
        req_file = os.path.join(scratch, "wheels.txt")
        _write_lines(req_file, (f"{name} @ {url}" for name, url, _, _ in missing))
        args = [
            "download",
            "--no-deps",
            "--only-binary",
            ":all:",
            "--dest",
            dest,
            *_download_target_args(target),
            *index.args(),
            "-r",
            req_file,
        ]
        done = _run(args, target, cwd, show)
        if done.returncode != 0:
            unreachable = _unreachable(done.stderr or "")
            if unreachable:
                raise InputError(
                    f"a wheel cannot be downloaded ({unreachable}); check the network and the index"
                )
            raise InputError(f"a wheel cannot be downloaded: {_one_line(done.stderr or '')}")
        for name, url, sha256, accepted in missing:
            filename = urllib.parse.unquote(os.path.basename(urllib.parse.urlsplit(url).path))
            got = os.path.join(dest, filename)
            if not os.path.isfile(got):
                raise InputError(f"pip downloaded no {filename} for {name}; try again")
            digest = _sha256(got)
            if sha256 and digest != sha256:
                raise InputError(
                    f"hash mismatch: {filename} has sha256 {digest}, the index said {sha256}; "
                    "try again, or check the index"
                )
            if accepted and f"sha256:{digest}" not in accepted:
                raise InputError(
                    f"hash mismatch: {filename} has sha256 {digest}, which the requirements do "
                    f"not list for {name}; regenerate the hashes or check the index"
                )
            final = cached_wheel(folder, digest, filename)
            os.makedirs(os.path.dirname(final), exist_ok=True)
            with contextlib.suppress(FileExistsError):
                os.replace(got, final)
            remember_sha256(final, digest)
            out[url] = final
    return out


def _download_target_args(target: Target) -> list[str]:
    if target.running:
        return []
    out = ["--python-version", target.python_version]
    return [*out, "--platform", target.platform] if target.platform else out
