"""Dotted module names from paths, and matching them: pure text, no parser, so that the runner
(which never imports libcst) and the engine name modules the same way."""

from __future__ import annotations

__all__ = ["absolute", "absolute_name", "module_name", "names_match"]


def module_name(path: str) -> str:
    """``pkg/sub/mod.py`` -> ``pkg.sub.mod`` (``pkg/__init__.py`` -> ``pkg``)."""
    parts = [part for part in path.replace("\\", "/").split("/") if part and part != "."]
    if parts and parts[-1].endswith((".py", ".pyw")):
        parts[-1] = parts[-1].rsplit(".", 1)[0]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def names_match(name: str | None, wanted: str) -> bool:
    """Is ``name`` the function, class or module ``wanted`` (``pkg.utils._f``)? Paths are relative to the folder
    scanned or to the repository, which may sit inside the import root (`check app` names
    app/utils.py utils.py, imported as app.utils) or hold it (src/app/utils.py in a git
    repository, imported as app.utils): one dotted name ends the other."""
    if not name:
        return False
    return name == wanted or wanted.endswith(f".{name}") or name.endswith(f".{wanted}")


def absolute_name(name: str, path: str) -> str:
    """A name resolved in the module at ``path`` (``.base.Reader``), made absolute."""
    return absolute(name, path) or name


def absolute(name: str | None, path: str) -> str | None:
    """A name resolved through a relative import (``..jobs.utils._f``) made absolute from the
    package of the module at ``path``."""
    if not name or not name.startswith("."):
        return name
    dots = len(name) - len(name.lstrip("."))
    package = module_name(path).split(".")
    if not path.replace("\\", "/").endswith("__init__.py"):
        package = package[:-1]  # a module's package is its parent
    if dots > 1:
        package = package[: len(package) - (dots - 1)]
    rest = name[dots:]
    return ".".join([*package, rest]) if rest else ".".join(package)
