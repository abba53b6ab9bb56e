"""Which installed distribution owns a traced site's file: RECORD ownership, read through
``forkaudit.environment`` (never changed here).

``OwnerIndex(env).locate(path)`` maps an absolute path seen at run time to the distribution
owning it and the path relative to site-packages (the ``path`` of a static finding), trying the
path as given and with symlinks resolved (a venv's ``lib64`` is often a link to ``lib``).
``attribute(trace, env)`` does it for every site of a trace; ``distribution_counts`` sums them
per distribution.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from forkaudit.environment import iter_files
from forkaudit.model import Environment
from forkaudit.runtime.traces import RuntimeCounts, RuntimeSite, RuntimeTrace, sum_counts


@dataclass(frozen=True)
class SiteOwner:
    distribution: str  # as METADATA spells it; "" for a file of site-packages no RECORD lists
    version: str
    relpath: str  # relative to site-packages, posix separators


@dataclass(frozen=True)
class AttributedSite:
    """A traced site and who owns its file. ``distribution`` is "" and ``relpath`` "" for a file
    outside the environment (the program's own code, the standard library); ``distribution``
    is "" and ``relpath`` set for an unowned file inside site-packages."""

    site: RuntimeSite
    distribution: str
    version: str
    relpath: str


def _keys(path: str) -> list[str]:
    normal = os.path.normcase(os.path.normpath(path))
    keys = [normal]
    try:
        real = os.path.normcase(os.path.realpath(path))
    except (OSError, ValueError):
        return keys
    if real != normal:
        keys.append(real)
    return keys


class OwnerIndex:
    """Absolute file path -> ``SiteOwner``, for every ``.py`` file of an environment."""

    def __init__(self, env: Environment) -> None:
        versions = {d.name: d.version for d in env.distributions}
        self._owners: dict[str, SiteOwner] = {}
        for abspath, relpath, name in iter_files(env):
            owner = SiteOwner(name, versions.get(name, ""), relpath)
            for key in _keys(abspath):
                self._owners.setdefault(key, owner)

    def locate(self, path: str) -> SiteOwner | None:
        """The owner of ``path`` (absolute), None when it is not a file of the environment."""
        if not path or not os.path.isabs(path):
            return None
        for key in _keys(path):
            owner = self._owners.get(key)
            if owner is not None:
                return owner
        return None


def attribute(trace: RuntimeTrace, env: Environment) -> tuple[AttributedSite, ...]:
    """Every site of ``trace`` with its owner in ``env``, in the trace's order."""
    index = OwnerIndex(env)
    out = []
    for site in trace.sites:
        owner = index.locate(site.path)
        if owner is None:
            out.append(AttributedSite(site, "", "", ""))
        else:
            out.append(AttributedSite(site, owner.distribution, owner.version, owner.relpath))
    return tuple(out)


def distribution_counts(sites: Iterable[AttributedSite]) -> dict[str, RuntimeCounts]:
    """Per distribution name (owned sites only): starts and unreaped summed, processes = the
    distinct traced processes that started any of its sites."""
    grouped: dict[str, list[RuntimeSite]] = {}
    for attributed in sites:
        if attributed.distribution:
            grouped.setdefault(attributed.distribution, []).append(attributed.site)
    return {name: sum_counts(group) for name, group in sorted(grouped.items())}
