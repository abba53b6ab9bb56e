"""Remember the environment stage (distributions, ownership, dependency chains) between scans.

Reading 275 RECORD files and walking site-packages costs most of a warm scan. The cached value is
reused only while a cheap fingerprint holds: the modification times of every entry of every site
folder (pip adds, removes or rewrites a metadata folder there on every install), of `pyvenv.cfg`,
and the bytes of the project's `pyproject.toml`. Anything else is a miss and the stage runs again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from forkaudit.cache import Cache
from forkaudit.environment import dependency_info, load_environment
from forkaudit.model import DependencyInfo, Distribution, Environment


def _fingerprint(env_path: str, site_dirs: tuple[str, ...], project: str | None) -> str:
    digest = hashlib.sha256()
    for path in (os.path.join(env_path, "pyvenv.cfg"),):
        try:
            digest.update(f"{path}:{os.stat(path).st_mtime_ns}\n".encode())
        except OSError:
            digest.update(f"{path}:-\n".encode())
    for folder in site_dirs:
        try:
            digest.update(f"{folder}:{os.stat(folder).st_mtime_ns}\n".encode())
            with os.scandir(folder) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    digest.update(
                        f"{entry.name}:{entry.stat(follow_symlinks=False).st_mtime_ns}\n".encode()
                    )
        except OSError:
            digest.update(f"{folder}:-\n".encode())
    if project:
        try:
            with open(os.path.join(project, "pyproject.toml"), "rb") as handle:
                digest.update(handle.read())
        except OSError:
            digest.update(b"no pyproject")
    return digest.hexdigest()


def fingerprint(env: Environment) -> str:
    """The fingerprint of ``env``'s site folders (what an install or an uninstall changes)."""
    return _fingerprint(env.path, env.site_packages, None)


def load(
    env_path: str,
    project: str | None,
    cache: Cache | None,
    on_miss: Callable[[], None] | None = None,
) -> tuple[Environment, dict[str, DependencyInfo]]:
    """``load_environment`` + ``dependency_info``, from the cache when nothing changed.

    ``on_miss`` runs before the environment is read afresh (the caller starts its workers then:
    a changed or uncached environment means files to parse)."""
    if cache is None:
        if on_miss is not None:
            on_miss()
        env = load_environment(env_path)
        return env, dependency_info(env, project)
    key = cache.key(f"environment|{os.path.realpath(env_path)}|{project or ''}")
    entry = cache.get(key)
    if entry is not None:
        restored = _restore(entry, env_path, project)
        if restored is not None:
            return restored
    if on_miss is not None:
        on_miss()
    env = load_environment(env_path)
    dependencies = dependency_info(env, project)
    cache.put(
        key,
        {
            "fingerprint": _fingerprint(env_path, env.site_packages, project),
            "environment": asdict(env),
            "dependencies": {name: asdict(info) for name, info in dependencies.items()},
        },
    )
    return env, dependencies


def _restore(
    entry: dict[str, Any], env_path: str, project: str | None
) -> tuple[Environment, dict[str, DependencyInfo]] | None:
    try:
        data = entry["environment"]
        site = tuple(str(s) for s in data["site_packages"])
        if entry["fingerprint"] != _fingerprint(env_path, site, project):
            return None
        distributions = tuple(
            Distribution(
                name=str(d["name"]),
                version=str(d["version"]),
                metadata_path=str(d["metadata_path"]),
                requires=tuple(str(r) for r in d["requires"]),
                files=tuple(str(f) for f in d["files"]),
                compiled=int(d["compiled"]),
                editable=bool(d["editable"]),
                warnings=tuple(str(w) for w in d["warnings"]),
                # required: an entry written before the field existed is a miss, not a loss
                project_urls=tuple((str(label), str(url)) for label, url in d["project_urls"]),
            )
            for d in data["distributions"]
        )
        env = Environment(
            path=str(data["path"]),
            python_version=str(data["python_version"]),
            site_packages=site,
            distributions=distributions,
            unowned=tuple(str(u) for u in data["unowned"]),
            warnings=tuple(str(w) for w in data["warnings"]),
            modules=tuple(str(m) for m in data["modules"]),
        )
        dependencies = {
            str(name): DependencyInfo(
                direct=bool(info["direct"]), chain=tuple(str(c) for c in info["chain"])
            )
            for name, info in entry["dependencies"].items()
        }
    except (KeyError, TypeError, ValueError, AttributeError, json.JSONDecodeError):
        return None
    return env, dependencies
