"""``[tool.forkaudit]`` in pyproject.toml -> one ``Settings`` value (command-line flags override it).

Which pyproject.toml: for ``scan``/``deps``, the project folder of the environment (the folder
holding the venv, or ``--project``); for ``check``, the nearest ``pyproject.toml`` from the
current folder upward. ``--config FILE`` names one explicitly. A pyproject.toml without a
``[tool.forkaudit]`` table gives the defaults.

Every key is checked: an unknown key or a value of the wrong type is an ``InputError`` naming the
key and the file (the CLI prints it on one line and exits 2).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from forkaudit.errors import InputError
from forkaudit.model import SEVERITIES
from forkaudit.names import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

TABLE = "tool.forkaudit"
FAIL_ON_VALUES: tuple[str, ...] = (*SEVERITIES, "none")


@dataclass(frozen=True)
class IgnoreEntry:
    """One ``[[tool.forkaudit.ignore-findings]]`` entry: it matches a finding by distribution
    (and optionally rule), or by fingerprint. ``reason`` is required."""

    reason: str
    distribution: str = ""  # canonical name ("" = any)
    rule: str = ""  # upper-case rule id ("" = any)
    fingerprint: str = ""  # "" = any
    path: str = ""  # glob on the finding's path ("" = any)

    def matches(self, rule: str, distribution: str, fingerprint: str, path: str) -> bool:
        if self.fingerprint and self.fingerprint != fingerprint:
            return False
        if self.distribution and self.distribution != canonicalize_name(distribution or "-"):
            return False
        if self.rule and self.rule != rule.upper():
            return False
        return not (self.path and not fnmatchcase(path, self.path))


@dataclass(frozen=True)
class Settings:
    """Everything configurable, after config file and command line are merged."""

    source: str = ""  # the pyproject.toml it was read from ("" = defaults only)
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    fail_on: str = ""  # "" = the command's default
    include_distributions: frozenset[str] = frozenset()  # canonical names; empty = all
    exclude_distributions: frozenset[str] = frozenset()  # canonical names
    exclude_paths: tuple[str, ...] = ()  # fnmatch globs on paths relative to site-packages/root
    include_tests: bool = False
    extra_rules: tuple[str, ...] = ()  # absolute paths
    baseline: str = ""  # absolute path ("" = none)
    ignore_findings: tuple[IgnoreEntry, ...] = ()


# key -> what it must be (for error messages)
_KEYS: dict[str, str] = {
    "select": "list of rule ids",
    "ignore": "list of rule ids",
    "fail-on": "one of " + ", ".join(FAIL_ON_VALUES),
    "include-distributions": "list of distribution names",
    "exclude-distributions": "list of distribution names",
    "exclude-paths": "list of glob patterns",
    "include-tests": "true or false",
    "extra-rules": "list of paths",
    "baseline": "a path",
    "ignore-findings": "array of tables ([[tool.forkaudit.ignore-findings]])",
}
_ENTRY_KEYS: dict[str, str] = {
    "distribution": "a distribution name",
    "rule": "a rule id",
    "fingerprint": "a finding fingerprint",
    "path": "a glob pattern",
    "reason": "a non-empty string",
}


def find_pyproject_upward(start: str) -> str | None:
    """The nearest ``pyproject.toml`` in ``start`` or one of its parents."""
    folder = os.path.abspath(start)
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def load_settings(path: str | None) -> Settings:
    """Settings from the ``[tool.forkaudit]`` table of ``path`` (defaults when None or absent)."""
    if path is None:
        return Settings()
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise InputError(f"cannot read config {path}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not valid TOML: {exc}") from None
    tool = data.get("tool", {})
    table = tool.get("forkaudit") if isinstance(tool, dict) else None
    if table is None:
        return Settings(source=path)
    if not isinstance(table, dict):
        raise InputError(f"{path}: [{TABLE}] must be a table")
    return parse_table(table, path)


def _err(path: str, key: str, expected: str) -> InputError:
    return InputError(f"{path}: [{TABLE}] {key} must be {expected}")


def _str_list(table: Mapping[str, Any], key: str, path: str) -> list[str]:
    value = table.get(key, [])
    if isinstance(value, str):
        raise InputError(
            f"{path}: [{TABLE}] {key} must be a list ({_KEYS[key]}), not a string: "
            f"write {key} = [{json.dumps(value)}]"
        )
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _err(path, key, _KEYS[key])
    return [v.strip() for v in value]


def parse_table(table: Mapping[str, Any], path: str) -> Settings:
    """Validate one ``[tool.forkaudit]`` table read from ``path``."""
    for key in table:
        if key not in _KEYS:
            raise InputError(
                f"{path}: unknown key {key!r} in [{TABLE}]; known keys: {', '.join(sorted(_KEYS))}"
            )
    base = os.path.dirname(os.path.abspath(path))
    fail_on = table.get("fail-on", "")
    if fail_on != "" and (not isinstance(fail_on, str) or fail_on not in FAIL_ON_VALUES):
        raise _err(path, "fail-on", _KEYS["fail-on"])
    include_tests = table.get("include-tests", False)
    if not isinstance(include_tests, bool):
        raise _err(path, "include-tests", _KEYS["include-tests"])
    baseline = table.get("baseline", "")
    if not isinstance(baseline, str):
        raise _err(path, "baseline", _KEYS["baseline"])
    entries = table.get("ignore-findings", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise _err(path, "ignore-findings", _KEYS["ignore-findings"])
    return Settings(
        source=path,
        select=frozenset(v.upper() for v in _str_list(table, "select", path)),
        ignore=frozenset(v.upper() for v in _str_list(table, "ignore", path)),
        fail_on=fail_on,
        include_distributions=frozenset(
            canonicalize_name(v) for v in _str_list(table, "include-distributions", path)
        ),
        exclude_distributions=frozenset(
            canonicalize_name(v) for v in _str_list(table, "exclude-distributions", path)
        ),
        exclude_paths=tuple(_str_list(table, "exclude-paths", path)),
        include_tests=include_tests,
        extra_rules=tuple(
            os.path.normpath(os.path.join(base, v)) for v in _str_list(table, "extra-rules", path)
        ),
        baseline=os.path.normpath(os.path.join(base, baseline)) if baseline.strip() else "",
        ignore_findings=tuple(_entry(e, i, path) for i, e in enumerate(entries, 1)),
    )


def _entry(entry: Mapping[str, Any], number: int, path: str) -> IgnoreEntry:
    where = f"ignore-findings entry {number}"
    for key, value in entry.items():
        if key not in _ENTRY_KEYS:
            raise InputError(
                f"{path}: unknown key {key!r} in [[{TABLE}.ignore-findings]] ({where}); "
                f"known keys: {', '.join(sorted(_ENTRY_KEYS))}"
            )
        if not isinstance(value, str) or not value.strip():
            raise _err(path, f"{where}: {key}", _ENTRY_KEYS[key])
    if "reason" not in entry:
        raise InputError(f'{path}: [{TABLE}] {where} needs a reason = "..." (why it is ignored)')
    if not entry.get("distribution") and not entry.get("fingerprint"):
        raise InputError(
            f"{path}: [{TABLE}] {where} needs a distribution or a fingerprint "
            "(to ignore a rule everywhere, use ignore = [...])"
        )
    return IgnoreEntry(
        reason=str(entry["reason"]).strip(),
        distribution=canonicalize_name(entry["distribution"]) if entry.get("distribution") else "",
        rule=str(entry.get("rule", "")).strip().upper(),
        fingerprint=str(entry.get("fingerprint", "")).strip(),
        path=str(entry.get("path", "")).strip(),
    )


def check_rule_ids(settings: Settings, known: Sequence[str]) -> None:
    """Every rule id the config names must exist (after extra rules are loaded)."""
    ids = set(known)
    for key, values in (("select", settings.select), ("ignore", settings.ignore)):
        for rule_id in sorted(values):
            if rule_id not in ids:
                raise InputError(
                    f"{settings.source}: [{TABLE}] {key} names unknown rule {rule_id}; "
                    "run 'forkaudit rules' to list them"
                )
    for number, entry in enumerate(settings.ignore_findings, 1):
        if entry.rule and entry.rule not in ids:
            raise InputError(
                f"{settings.source}: [{TABLE}] ignore-findings entry {number}: rule names unknown "
                f"rule {entry.rule}; run 'forkaudit rules' to list them"
            )
