"""Shared fixtures: real venvs built from hand-made wheels (see tests/builders.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from builders import (
    TargetVenv,
    build_target_venv,
    create_venv,
    find_target_python,
    pip_install,
    site_packages_of,
)


@pytest.fixture(scope="session")
def target_python() -> tuple[str, str]:
    """``(interpreter, "X.Y")`` used for target venvs: CPython 3.12 when available, else
    another CPython that is not the one running the tests, else the running one."""
    return find_target_python()


@pytest.fixture(scope="session")
def target_venv(
    tmp_path_factory: pytest.TempPathFactory, target_python: tuple[str, str]
) -> TargetVenv:
    """The ``shop`` project with a real venv (see ``TargetVenv``). Shared: do not modify it."""
    return build_target_venv(tmp_path_factory.mktemp("shop-venv"), target_python[0])


@dataclass(frozen=True)
class BuiltVenv:
    venv: Path
    project: Path
    site_packages: Path


VenvFactory = Callable[..., BuiltVenv]


@pytest.fixture(scope="session")
def venv_factory(
    tmp_path_factory: pytest.TempPathFactory, target_python: tuple[str, str]
) -> VenvFactory:
    """``venv_factory(wheels_dir, install=[...], dependencies=None, name="proj")`` builds a
    project folder ``name`` (with a pyproject.toml listing ``dependencies`` when given) holding a
    real ``.venv`` into which ``install`` is pip-installed from ``wheels_dir`` (no index)."""

    def build(
        wheels_dir: Path,
        install: Sequence[str],
        dependencies: Sequence[str] | None = None,
        name: str = "proj",
    ) -> BuiltVenv:
        project = tmp_path_factory.mktemp(name)
        if dependencies is not None:
            deps = ", ".join(f'"{d}"' for d in dependencies)
            (project / "pyproject.toml").write_text(
                f'[project]\nname = "{name}"\nversion = "0.1.0"\ndependencies = [{deps}]\n',
                encoding="utf-8",
            )
        venv = create_venv(project / ".venv", target_python[0])
        if install:
            pip_install(venv, install, wheels_dir)
        return BuiltVenv(venv=venv, project=project, site_packages=site_packages_of(venv))

    return build
