"""Load and validate the rule pack (``rules/*.toml``) into :class:`Rule` values.

Rules are data: a new API to watch is a TOML edit. Every error names the file, the rule and the
field, and is raised as :class:`InputError` (exit 2 at the CLI).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from forkaudit.errors import InputError
from forkaudit.kinds import Kind
from forkaudit.model import SEVERITIES, ArgCondition, Rule, RuleExample, RulePack

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

KINDS = tuple(kind.value for kind in Kind)
HANDLES = ("pid", "object")

_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "name": str,
    "kind": str,
    "severity": str,
    "handle": str,
    "starts": list,
    "start-method": (str, list),
    "reaped-by-methods": list,
    "alive-methods": list,
    "started-by-calls": list,
    "reaped-by-functions": list,
    "context-manager": bool,
    "awaited": bool,
    "wait-any": bool,
    "finalized-when-collected": bool,
    "arg-condition": dict,
    "summary": str,
    "consequence": str,
    "fix": str,
    "example": list,
}
_REQUIRED = ("id", "name", "kind", "severity", "handle", "starts", "summary", "consequence", "fix")


def builtin_rules_dir() -> Path:
    """The built-in pack: ``forkaudit/_rules`` in an installed wheel, ``rules/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if candidate.is_dir() and any(candidate.glob("*.toml")):
            return candidate
    raise InputError(
        f"forkaudit's built-in rule pack is missing (looked in {here / '_rules'}): reinstall forkaudit"
    )


def rule_files(folders: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        path = Path(folder)
        if path.is_file() and path.suffix == ".toml":
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(path.glob("*.toml")))
        else:
            raise InputError(f"rule folder {path} does not exist: fix the path in extra-rules")
    return files


def load_rules(extra: Iterable[str | Path] = ()) -> RulePack:
    """Load the built-in pack plus any extra rule folders or files."""
    files = rule_files([builtin_rules_dir(), *extra])
    digest = hashlib.sha256()
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in files:
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        for rule in parse_rule_file(path, data):
            if rule.id in seen:
                raise InputError(
                    f"{path}: rule {rule.id} is already defined in {seen[rule.id]}: give it another id"
                )
            seen[rule.id] = path
            rules.append(rule)
    return RulePack(rules=tuple(sorted(rules, key=lambda r: r.id)), digest=digest.hexdigest())


def parse_rule_file(path: Path, data: bytes) -> list[Rule]:
    try:
        doc = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: not valid TOML ({exc}): fix the rule file") from None
    unknown = set(doc) - {"rule"}
    if unknown:
        raise InputError(
            f"{path}: unknown top-level key {sorted(unknown)[0]!r}: rules go in [[rule]] tables"
        )
    raw_rules = doc.get("rule", [])
    if not isinstance(raw_rules, list):
        raise InputError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    return [_parse_rule(path, index, raw) for index, raw in enumerate(raw_rules)]


def _parse_rule(path: Path, index: int, raw: Any) -> Rule:
    label = f"rule #{index + 1}"
    if not isinstance(raw, dict):
        raise InputError(f"{path}: {label} is not a table")
    if isinstance(raw.get("id"), str):
        label = f"rule {raw['id']}"

    def fail(field: str, problem: str) -> InputError:
        return InputError(f"{path}: {label}, field '{field}': {problem}")

    for key, value in raw.items():
        expected = _FIELDS.get(key)
        if expected is None:
            raise fail(key, f"unknown field (known: {', '.join(sorted(_FIELDS))})")
        if not isinstance(value, expected):
            name = (
                expected.__name__
                if isinstance(expected, type)
                else "/".join(t.__name__ for t in expected)
            )
            raise fail(key, f"expected {name}, got {type(value).__name__}")
    for key in _REQUIRED:
        if key not in raw:
            raise fail(key, "missing")

    def strings(key: str) -> tuple[str, ...]:
        values = raw.get(key, [])
        if not all(isinstance(v, str) and v for v in values):
            raise fail(key, "expected a list of non-empty strings")
        return tuple(values)

    def choice(key: str, options: tuple[str, ...], default: str = "") -> str:
        value = raw.get(key, default)
        if value not in options and not (value == "" and default == ""):
            raise fail(key, f"{value!r} is not one of {', '.join(options)}")
        return str(value)

    rule_id = raw["id"]
    if not rule_id or not rule_id[0].isalpha() or not rule_id.replace("-", "").isalnum():
        raise fail("id", f"{rule_id!r} is not a valid rule id (letters and digits, e.g. FA201)")
    starts = strings("starts")
    method = raw.get("start-method", [])
    start_methods = (method,) if isinstance(method, str) else tuple(method)
    if not all(isinstance(v, str) for v in start_methods):
        raise fail("start-method", "expected a method name or a list of them")
    start_methods = tuple(v for v in start_methods if v)
    if not starts and raw["kind"] != "raw-thread":
        raise fail("starts", "at least one qualified name is required")
    condition = None
    if "arg-condition" in raw:
        cond = raw["arg-condition"]
        if not isinstance(cond.get("index"), int) or not isinstance(cond.get("values"), list):
            raise fail("arg-condition", "expected { index = N, keyword = 'name', values = [...] }")
        condition = ArgCondition(
            index=cond["index"],
            keyword=str(cond.get("keyword", "")),
            values=tuple(str(v) for v in cond["values"]),
        )
    examples = []
    for number, example in enumerate(raw.get("example", []), start=1):
        if not isinstance(example, dict) or not isinstance(example.get("code"), str):
            raise fail("example", f"example {number} needs a 'code' string")
        if not isinstance(example.get("leak"), bool):
            raise fail("example", f"example {number} needs 'leak = true|false'")
        extra = set(example) - {"code", "leak", "title"}
        if extra:
            raise fail("example", f"example {number} has unknown key {sorted(extra)[0]!r}")
        examples.append(
            RuleExample(
                code=example["code"], leak=example["leak"], title=str(example.get("title", ""))
            )
        )
    return Rule(
        id=rule_id,
        name=raw["name"],
        kind=Kind(choice("kind", KINDS)),
        severity=choice("severity", SEVERITIES),
        handle=choice("handle", HANDLES),
        starts=starts,
        start_methods=start_methods,
        reaped_by_methods=strings("reaped-by-methods"),
        started_by_calls=strings("started-by-calls"),
        reaped_by_functions=strings("reaped-by-functions"),
        context_manager=bool(raw.get("context-manager", False)),
        awaited=bool(raw.get("awaited", False)),
        wait_any=bool(raw.get("wait-any", False)),
        arg_condition=condition,
        summary=raw["summary"].strip(),
        consequence=raw["consequence"].strip(),
        fix=raw["fix"].strip(),
        examples=tuple(examples),
        source=str(path),
        finalized_when_collected=bool(raw.get("finalized-when-collected", False)),
        alive_methods=strings("alive-methods"),
    )
