"""Who pulled what in: the dependency graph of an environment and every distribution's chain.

``Requires-Dist`` markers are evaluated for the *target* environment's Python version (the
running machine supplies the platform markers). A requirement gated by ``extra == "x"`` only
counts when some installed dependent asked for ``name[x]``.
"""

from __future__ import annotations

import os
import re
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from forkaudit.model import DependencyInfo, Environment
from forkaudit.names import canonicalize_name

if TYPE_CHECKING:
    from packaging.requirements import Requirement

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = [
    "DependencyGraph",
    "Edge",
    "Project",
    "chains",
    "dependency_info",
    "marker_environment",
    "platform_markers",
    "read_project",
    "requirements_dependency_info",
]


def _canon(name: str) -> str:
    return str(canonicalize_name(name))


def marker_environment(python_version: str, platform: str = "") -> dict[str, str]:
    """Marker variables for a target Python ``X.Y`` (full version ``X.Y.0``); the rest are the
    running machine's, or those a pip platform tag implies (``platform_markers``). An empty
    ``python_version`` keeps the running interpreter's."""
    # (packaging is imported where it is used: a scan answered from the cache needs none of it)
    from packaging.markers import default_environment

    env: dict[str, str] = {str(k): str(v) for k, v in default_environment().items()}
    if python_version:
        env["python_version"] = python_version
        env["python_full_version"] = python_version + ".0"
    env.update(platform_markers(platform))
    return env


_PLATFORM_SYSTEMS = (
    ("manylinux", "linux", "Linux", "posix"),
    ("musllinux", "linux", "Linux", "posix"),
    ("linux", "linux", "Linux", "posix"),
    ("macosx", "darwin", "Darwin", "posix"),
    ("win", "win32", "Windows", "nt"),
)
_WINDOWS_MACHINES = {"amd64": "AMD64", "32": "x86", "arm64": "ARM64"}


def platform_markers(platform: str) -> dict[str, str]:
    """The marker variables a pip ``--platform`` tag (``manylinux2014_x86_64``, ``win_amd64``,
    ``macosx_11_0_arm64``) implies: ``sys_platform``, ``platform_system``, ``os_name``,
    ``platform_machine``; {} for "" or a tag of no known system."""
    tag = platform.strip().lower()
    for prefix, sys_platform, system, os_name in _PLATFORM_SYSTEMS:
        if not tag.startswith(prefix):
            continue
        if prefix == "win":
            machine = _WINDOWS_MACHINES.get(tag.partition("_")[2], tag.partition("_")[2])
        elif prefix == "macosx":
            machine = tag.split("_")[-1]
            machine = {"universal2": "arm64", "intel": "x86_64"}.get(machine, machine)
        else:
            # manylinux2014_x86_64, manylinux_2_28_aarch64, musllinux_1_2_x86_64, linux_x86_64
            found = re.match(r"^(?:many|musl)?linux(?:\d+|_\d+_\d+)?_(.+)$", tag)
            machine = found.group(1) if found else ""
        out = {"sys_platform": sys_platform, "platform_system": system, "os_name": os_name}
        if machine:
            out["platform_machine"] = machine
        return out
    return {}


def _applies(req: Requirement, env: Mapping[str, str], extras: Iterable[str]) -> bool:
    """Does ``req`` count when its owner was installed with ``extras``?"""
    if req.marker is None:
        return True
    marker = req.marker
    try:
        return any(marker.evaluate({**env, "extra": extra}) for extra in ("", *sorted(extras)))
    except Exception:  # UndefinedComparison ('~=' on a non-version), ...: a hostile marker
        return False


@lru_cache(maxsize=8192)
def parse_requirement(text: str) -> Requirement | None:
    """A ``Requirement``, or None when the text is not one (hostile metadata may also nest
    parentheses deep enough to exhaust the recursive marker parser). Cached: the dependency
    graph parses the same texts again."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(text)
    except (InvalidRequirement, RecursionError, ValueError):
        return None


@dataclass(frozen=True)
class Edge:
    """One requirement that counts: ``target`` is a canonical name installed in the env."""

    target: str
    requirement: str  # the Requires-Dist text
    extras: tuple[str, ...]  # extras it asks of the target (canonical)


class DependencyGraph(Mapping[str, tuple[Edge, ...]]):
    """Canonical name -> the edges to the installed distributions it requires (sorted).

    ``reverse`` ("who requires this") is built on first use.
    """

    def __init__(
        self,
        edges: Mapping[str, tuple[Edge, ...]],
        names: Mapping[str, str],
        missing: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._edges = dict(edges)
        self._names = dict(names)
        self.missing: dict[str, tuple[str, ...]] = dict(missing or {})
        self._reverse: dict[str, tuple[str, ...]] | None = None

    def __getitem__(self, key: str) -> tuple[Edge, ...]:
        return self._edges[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._edges)

    def __len__(self) -> int:
        return len(self._edges)

    def display_name(self, key: str) -> str:
        """The name as the distribution's METADATA spells it."""
        return self._names.get(key, key)

    @property
    def reverse(self) -> Mapping[str, tuple[str, ...]]:
        if self._reverse is None:
            rev: dict[str, set[str]] = {key: set() for key in self._edges}
            for key, edges in self._edges.items():
                for edge in edges:
                    rev.setdefault(edge.target, set()).add(key)
            self._reverse = {key: tuple(sorted(value)) for key, value in sorted(rev.items())}
        return self._reverse

    def dependents(self, key: str) -> tuple[str, ...]:
        """Canonical names of the installed distributions that require ``key``."""
        return self.reverse.get(key, ())

    def roots(self) -> tuple[str, ...]:
        """Distributions nothing else requires, sorted."""
        return tuple(key for key in sorted(self._edges) if not self.dependents(key))

    @classmethod
    def from_environment(
        cls,
        env: Environment,
        requested_extras: Mapping[str, Iterable[str]] | None = None,
        marker_env: Mapping[str, str] | None = None,
    ) -> DependencyGraph:
        """Build the graph with markers evaluated for ``env.python_version`` (or for
        ``marker_env`` when given: a target platform too).

        ``requested_extras`` (canonical name -> extras) seeds extras asked for from outside the
        environment, e.g. by the project's own dependency list.
        """
        if marker_env is None:
            marker_env = marker_environment(env.python_version)
        names: dict[str, str] = {}
        parsed: dict[str, list[Requirement]] = {}
        for dist in env.distributions:
            key = _canon(dist.name)
            if key in names:
                continue
            names[key] = dist.name
            reqs: list[Requirement] = []
            for text in dist.requires:
                requirement = parse_requirement(text)
                if requirement is not None:
                    reqs.append(requirement)
            parsed[key] = reqs
        requested: dict[str, set[str]] = {key: set() for key in names}
        for key, extras in (requested_extras or {}).items():
            if key in requested:
                requested[key].update(_canon(e) for e in extras)

        # extras requested can enable more edges, which can request more extras: fixed point
        while True:
            changed = False
            edges: dict[str, list[Edge]] = {key: [] for key in names}
            missing: dict[str, list[str]] = {}
            for key in sorted(names):
                for req in parsed[key]:
                    if not _applies(req, marker_env, requested[key]):
                        continue
                    target = _canon(req.name)
                    extras = {_canon(e) for e in req.extras}
                    if target in requested and not extras <= requested[target]:
                        requested[target] |= extras
                        changed = True
                    if target == key:
                        continue
                    if target not in names:
                        missing.setdefault(key, []).append(str(req))
                        continue
                    edges[key].append(Edge(target, str(req), tuple(sorted(extras))))
            if not changed:
                break

        final: dict[str, tuple[Edge, ...]] = {}
        for key in sorted(edges):
            by_target: dict[str, Edge] = {}
            for edge in edges[key]:
                by_target.setdefault(edge.target, edge)
            final[key] = tuple(by_target[t] for t in sorted(by_target))
        return cls(final, names, {k: tuple(v) for k, v in sorted(missing.items())})


# --------------------------------------------------------------------------- project


@dataclass(frozen=True)
class Project:
    """What the project's ``pyproject.toml`` says about its dependencies."""

    name: str  # "" when the pyproject has no name
    dependencies: tuple[Requirement, ...]


def _load_toml(path: str) -> dict[str, Any] | None:
    """The parsed file; None when it is missing or not TOML (config.py reports a malformed
    pyproject.toml as an input error before the dependency stage runs)."""
    try:
        with open(path, "rb") as handle:
            data: dict[str, Any] = tomllib.loads(handle.read().decode("utf-8"))
            return data
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return None


def read_project(project_dir: str, python_version: str = "") -> Project | None:
    """The project's declared dependencies (``[project].dependencies``, its
    optional-dependencies, ``[dependency-groups]``, Poetry's dependency tables), with markers
    evaluated for ``python_version``; None when there is no readable pyproject.toml."""
    data = _load_toml(os.path.join(project_dir, "pyproject.toml"))
    if data is None:
        return None
    marker_env = marker_environment(python_version)
    texts: list[tuple[str, str]] = []  # (requirement text, extra/group it belongs to)

    project = data.get("project")
    name = ""
    if isinstance(project, dict):
        if isinstance(project.get("name"), str):
            name = project["name"]
        deps = project.get("dependencies")
        if isinstance(deps, list):
            texts.extend((d, "") for d in deps if isinstance(d, str))
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group, deps in optional.items():
                if isinstance(deps, list):
                    texts.extend((d, str(group)) for d in deps if isinstance(d, str))
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for deps in groups.values():
            if isinstance(deps, list):
                texts.extend((d, "") for d in deps if isinstance(d, str))
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    if isinstance(poetry, dict):
        if not name and isinstance(poetry.get("name"), str):
            name = poetry["name"]
        tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
        poetry_groups = poetry.get("group")
        if isinstance(poetry_groups, dict):
            tables.extend(
                g.get("dependencies") for g in poetry_groups.values() if isinstance(g, dict)
            )
        for table in tables:
            if isinstance(table, dict):
                texts.extend((str(dep), "") for dep in table if str(dep).lower() != "python")

    reqs: list[Requirement] = []
    for text, extra in texts:
        req = parse_requirement(text)
        if req is not None and _applies(req, marker_env, (extra,) if extra else ()):
            reqs.append(req)
    return Project(name=name, dependencies=tuple(reqs))


# --------------------------------------------------------------------------- chains


def dependency_info(env: Environment, project_dir: str | None) -> dict[str, DependencyInfo]:
    """How every distribution of ``env`` got there, keyed by canonical name.

    Direct dependencies are those the project's pyproject.toml declares (when ``project_dir``
    has one and at least one of them is installed), else the distributions nothing requires.
    Chains are shortest paths (ties broken by name) from a direct dependency, prefixed by the
    project's name when the direct ones come from its pyproject. The project's own (editable)
    install is first-party: ``direct=True``, chain ``(project,)``. Distributions no direct one
    reaches get ``direct=False`` and the chain ``(name,)``.
    """
    project = read_project(project_dir, env.python_version) if project_dir else None
    requested: dict[str, set[str]] = {}
    declared: list[str] = []
    if project is not None:
        for req in project.dependencies:
            key = _canon(req.name)
            requested.setdefault(key, set()).update(req.extras)
            if key not in declared:
                declared.append(key)
    graph = DependencyGraph.from_environment(env, requested)

    project_key = _canon(project.name) if project and project.name else ""
    prefix: tuple[str, ...] = ()
    direct = sorted(k for k in declared if k in graph and k != project_key)
    if project_key in graph:
        # the project is installed (editable): what it requires is direct too
        direct = sorted({*direct, *(e.target for e in graph[project_key])} - {project_key})
    if direct and project is not None:
        prefix = (
            graph.display_name(project_key)
            if project_key in graph
            else project.name or os.path.basename(os.path.normpath(project_dir or "")),
        )
    else:
        direct = [k for k in graph.roots() if k != project_key]

    direct_set = set(direct) | ({project_key} if project_key in graph else set())
    own = {project_key: (graph.display_name(project_key),)} if project_key in graph else {}
    return chains(graph, direct, direct_set, prefix, own)


def chains(
    graph: DependencyGraph,
    direct: Sequence[str],
    direct_set: Iterable[str],
    prefix: tuple[str, ...] = (),
    fixed: Mapping[str, tuple[str, ...]] | None = None,
) -> dict[str, DependencyInfo]:
    """Shortest chains (ties broken by name) from the ``direct`` distributions (canonical names,
    in order), each prefixed by ``prefix``; ``fixed`` chains are taken as given. Distributions
    no direct one reaches get ``direct=False`` and the chain ``(name,)``."""
    found: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for key in direct:
        found[key] = (*prefix, graph.display_name(key))
        queue.append(key)
    found.update(fixed or {})
    while queue:
        key = queue.popleft()
        for edge in graph[key]:  # sorted by target
            if edge.target not in found:
                found[edge.target] = (*found[key], graph.display_name(edge.target))
                queue.append(edge.target)
    is_direct = set(direct_set)
    info: dict[str, DependencyInfo] = {}
    for key in sorted(graph):
        if key in found:
            info[key] = DependencyInfo(direct=key in is_direct, chain=found[key])
        else:
            info[key] = DependencyInfo(direct=False, chain=(graph.display_name(key),))
    return info


def requirements_dependency_info(
    env: Environment,
    direct: Mapping[str, Iterable[str]],
    marker_env: Mapping[str, str] | None = None,
) -> dict[str, DependencyInfo]:
    """How every distribution of ``env`` got there when ``direct`` (canonical name -> the
    extras asked for) are the requirements a file states: chains start at them, the edges come
    from the distributions' own ``Requires-Dist`` (markers evaluated by ``marker_env``, default
    the target Python of ``env``). Without any direct one present, the roots are direct."""
    graph = DependencyGraph.from_environment(env, direct, marker_env)
    roots = sorted(key for key in direct if key in graph)
    if not roots:
        roots = list(graph.roots())
    return chains(graph, roots, roots)
