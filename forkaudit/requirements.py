"""pip requirements files, read the way pip reads them, with each requirement's file and line.

Only what forkaudit needs is interpreted: the requirements (PEP 508 lines, wheel URLs and paths,
and those that would need a build: sdist URLs, VCS, local folders, ``-e``), nested ``-r`` and
``-c`` files, per-requirement ``--hash``, and the index options passed on to pip (``-i``,
``--extra-index-url``, ``--no-index``, ``-f``, ``--pre``, ``--trusted-host``,
``--require-hashes``). Resolution itself is pip's (``forkaudit.resolve``): this module never
decides a version. Syntax as pip's ``req_file``: ``\\`` joins lines, ``#`` after a blank (or at a
line's start) comments, ``${VAR}`` expands from the environment, relative ``-r``/``-c``/``-f``
paths are relative to the file naming them.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from forkaudit.errors import InputError

__all__ = [
    "RequirementLine",
    "RequirementsSet",
    "parse_requirement_files",
    "requirement_from_spec",
]

_COMMENT = re.compile(r"(^|\s+)#.*$")
_ENV_VAR = re.compile(r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})")
_SCHEMES = ("http://", "https://", "file://", "ftp://")
_VCS = ("git+", "hg+", "svn+", "bzr+")
_ARCHIVES = (".zip", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar")

# options of a line of their own: name -> takes a value
_FILE_OPTIONS = {
    "-i": True,
    "--index-url": True,
    "--extra-index-url": True,
    "--no-index": False,
    "-f": True,
    "--find-links": True,
    "-r": True,
    "--requirement": True,
    "-c": True,
    "--constraint": True,
    "-e": True,
    "--editable": True,
    "--pre": False,
    "--prefer-binary": False,
    "--only-binary": True,
    "--no-binary": True,
    "--require-hashes": False,
    "--trusted-host": True,
    "--use-feature": True,
}
# options after a requirement on its line
_LINE_OPTIONS = {"--hash": True, "--global-option": True, "--config-settings": True, "-C": True}


@dataclass(frozen=True)
class RequirementLine:
    """One requirement as a file (or the command line) states it."""

    path: str  # absolute path of the file, "" for a requirement given on the command line
    line: int  # 1-based line where it starts (0 on the command line)
    text: str  # the requirement (PEP 508, or a URL / path), without its options
    name: str  # canonical name, "" when the text does not say it (a bare URL or path)
    requirement: Requirement | None  # the PEP 508 form, None for a bare URL or path
    hashes: tuple[str, ...] = ()  # "sha256:HEX" as given by --hash
    constraint: bool = False  # from a -c file: limits versions, requests nothing
    # "index": resolved by pip from the indexes; "wheel": a wheel URL or file (pip takes it as
    # is); "build": would need a build to be read (sdist URL or file, VCS, folder, -e): never
    # passed to pip
    kind: str = "index"

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.path else self.text


@dataclass(frozen=True)
class RequirementsSet:
    """Everything read from the files, nested ones included, in order."""

    lines: tuple[RequirementLine, ...] = ()
    files: tuple[str, ...] = ()  # every file read, absolute
    index_url: str = ""
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    trusted_hosts: tuple[str, ...] = ()
    no_index: bool = False
    pre: bool = False
    require_hashes: bool = False
    warnings: tuple[str, ...] = ()

    @property
    def hash_mode(self) -> bool:
        """pip's hash-checking mode: every requirement pinned with ``==`` and hashed."""
        return self.require_hashes or any(line.hashes for line in self.lines)


@dataclass
class _State:
    lines: list[RequirementLine] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    index_url: str = ""
    extra_index_urls: list[str] = field(default_factory=list)
    find_links: list[str] = field(default_factory=list)
    trusted_hosts: list[str] = field(default_factory=list)
    no_index: bool = False
    pre: bool = False
    require_hashes: bool = False
    warnings: list[str] = field(default_factory=list)


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """pip's ``join_lines`` + ``ignore_comments``: (first line number, content)."""
    pending: list[str] = []
    first = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.endswith("\\") or _COMMENT.match(raw):
            if _COMMENT.match(raw):
                raw = " " + raw
            if pending:
                pending.append(raw)
                yield first, "".join(pending)
                pending = []
            else:
                yield number, raw
        else:
            if not pending:
                first = number
            pending.append(raw.strip("\\"))
    if pending:
        yield first, "".join(pending)


def _expand(line: str, environ: Mapping[str, str]) -> str:
    for match in _ENV_VAR.finditer(line):
        value = environ.get(match.group("name"))
        if value is not None:
            line = line.replace(match.group("var"), value)
    return line


def _split_args(line: str) -> tuple[str, str]:
    """pip's ``break_args_options``: the requirement, then its options."""
    tokens = line.split(" ")
    args: list[str] = []
    for position, token in enumerate(tokens):
        if token.startswith("-"):
            return " ".join(args), " ".join(tokens[position:])
        args.append(token)
    return " ".join(args), ""


def _options(text: str, known: Mapping[str, bool], where: str) -> list[tuple[str, str]]:
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError as exc:
        raise InputError(f"{where}: cannot read the options ({exc}); fix the line") from None
    out: list[tuple[str, str]] = []
    position = 0
    while position < len(tokens):
        token = tokens[position]
        name, eq, value = token.partition("=")
        if not eq and token[:2] in known and len(token) > 2 and not token.startswith("--"):
            name, value, eq = token[:2], token[2:], "="  # -ihttps://... / -rfile.txt
        if name not in known:
            raise InputError(
                f"{where}: pip has no requirements-file option {name!r}; fix or remove it"
            )
        if known[name] and not eq:
            position += 1
            if position >= len(tokens):
                raise InputError(f"{where}: {name} needs a value")
            value = tokens[position]
        out.append((name, value))
        position += 1
    return out


def _is_url(text: str) -> bool:
    return text.lower().startswith(_SCHEMES) or text.lower().startswith(_VCS)


def _url_path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def _egg_name(url: str) -> str:
    fragment = urllib.parse.urlsplit(url).fragment
    for part in fragment.split("&"):
        key, _, value = part.partition("=")
        if key == "egg" and value:
            return str(canonicalize_name(value.split("[", 1)[0]))
    return ""


def _wheel_name(location: str) -> str:
    try:
        return str(parse_wheel_filename(os.path.basename(location))[0])
    except InvalidWheelFilename:
        return ""


def classify(
    text: str, where: str, path: str, line: int, hashes: Sequence[str] = ()
) -> RequirementLine:
    """One requirement's text -> a ``RequirementLine`` (see its ``kind``)."""
    stripped = text.strip()
    head = stripped.split(";", 1)[0].strip()
    looks_like_location = (
        _is_url(stripped)
        or stripped.startswith((".", "/", "~"))
        or (os.sep in head and "@" not in head)
        or head.lower().endswith((".whl", *_ARCHIVES))
    ) and not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@", stripped)
    if not looks_like_location:
        try:
            requirement = Requirement(stripped)
        except InvalidRequirement as exc:
            raise InputError(f"{where}: not a valid requirement ({exc}); fix the line") from None
        kind = "index"
        if requirement.url:
            lowered = requirement.url.lower()
            kind = (
                "wheel"
                if _url_path(lowered).endswith(".whl") and not lowered.startswith(_VCS)
                else "build"
            )
        return RequirementLine(
            path=path,
            line=line,
            text=stripped,
            name=str(canonicalize_name(requirement.name)),
            requirement=requirement,
            hashes=tuple(hashes),
            kind=kind,
        )
    location = re.split(r";\s", stripped, maxsplit=1)[0].strip()
    target = _url_path(location) if _is_url(location) else location
    wheel = target.lower().endswith(".whl") and not location.lower().startswith(_VCS)
    name = _wheel_name(target) if wheel else _egg_name(location)
    return RequirementLine(
        path=path,
        line=line,
        text=stripped,
        name=name,
        requirement=None,
        hashes=tuple(hashes),
        kind="wheel" if wheel else "build",
    )


def requirement_from_spec(spec: str) -> RequirementLine:
    """A requirement given on the command line (``NAME==VERSION``, any PEP 508 text)."""
    return classify(spec, spec, "", 0)


def _relative(value: str, folder: str) -> str:
    """A ``-f`` / ``-r`` value relative to the file naming it, as pip takes it."""
    if _is_url(value) or os.path.isabs(value):
        return value
    candidate = os.path.join(folder, value)
    return candidate if os.path.exists(candidate) else value


def _read_file(
    path: str,
    state: _State,
    constraint: bool,
    stack: tuple[str, ...],
    environ: Mapping[str, str],
) -> None:
    real = os.path.realpath(path)
    if real in stack:
        return  # pip would loop; reading it once is enough
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise InputError(f"{path} does not exist; pass a requirements file") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; pass a requirements file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    if path not in state.files:
        state.files.append(path)
    folder = os.path.dirname(path)
    for number, raw in _logical_lines(text):
        content = _expand(_COMMENT.sub("", raw).strip(), environ)
        if not content:
            continue
        where = f"{path}:{number}"
        args, rest = _split_args(content)
        if args:
            options = _options(rest, _LINE_OPTIONS, where) if rest else []
            hashes = [v for k, v in options if k == "--hash"]
            for value in hashes:
                if ":" not in value:
                    raise InputError(f"{where}: --hash={value} is not ALGORITHM:HEX; fix it")
            entry = classify(args, where, path, number, hashes)
            state.lines.append(dataclasses.replace(entry, constraint=constraint))
            continue
        for name, value in _options(rest, _FILE_OPTIONS, where):
            if name in ("-r", "--requirement", "-c", "--constraint"):
                if _is_url(value):
                    raise InputError(
                        f"{where}: {name} {value}: requirements files on the network are not "
                        "read; download it and name the local copy"
                    )
                nested = os.path.abspath(os.path.join(folder, value))
                nested_constraint = constraint or name in ("-c", "--constraint")
                _read_file(nested, state, nested_constraint, (*stack, real), environ)
            elif name in ("-e", "--editable"):
                entry = classify(value, where, path, number)
                state.lines.append(
                    RequirementLine(
                        path=path,
                        line=number,
                        text=f"-e {value}",
                        name=entry.name,
                        requirement=None,
                        constraint=constraint,
                        kind="build",
                    )
                )
            elif name in ("-i", "--index-url"):
                state.index_url = value
            elif name == "--extra-index-url":
                state.extra_index_urls.append(value)
            elif name == "--no-index":
                state.no_index = True
            elif name in ("-f", "--find-links"):
                state.find_links.append(_relative(value, folder))
            elif name == "--pre":
                state.pre = True
            elif name == "--require-hashes":
                state.require_hashes = True
            elif name == "--trusted-host":
                state.trusted_hosts.append(value)
            elif name == "--no-binary" and value != ":none:":
                state.warnings.append(
                    f"{where}: --no-binary {value} ignored: forkaudit reads wheels only and "
                    "never builds"
                )


def parse_requirement_files(
    paths: Sequence[str], cwd: str, environ: Mapping[str, str] | None = None
) -> RequirementsSet:
    """Read ``paths`` (relative to ``cwd``) and the files they name. Raises ``InputError`` with
    ``path:line`` for what pip would refuse."""
    state = _State()
    for given in paths:
        path = os.path.abspath(os.path.join(cwd, os.path.expanduser(given)))
        _read_file(path, state, False, (), os.environ if environ is None else environ)
    return RequirementsSet(
        lines=tuple(state.lines),
        files=tuple(state.files),
        index_url=state.index_url,
        extra_index_urls=tuple(dict.fromkeys(state.extra_index_urls)),
        find_links=tuple(dict.fromkeys(state.find_links)),
        trusted_hosts=tuple(dict.fromkeys(state.trusted_hosts)),
        no_index=state.no_index,
        pre=state.pre,
        require_hashes=state.require_hashes,
        warnings=tuple(state.warnings),
    )
