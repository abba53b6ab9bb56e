"""Content-addressed result cache: one JSON file per unit (a distribution or a loose file).

Keys mix the unit's identity (distribution name + version + RECORD digest, or a file's content
digest) with the rule pack digest and forkaudit's version, so any change to either misses. Writes
are atomic (temp file + rename); an unreadable or corrupt entry is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, fields
from typing import Any, TypeVar

from forkaudit import __version__
from forkaudit.model import CONFIDENCES, SEVERITIES, FileError, FileResult, Finding

FORMAT = 3  # 2: universal newlines in decode_source; 3: unused suppression lines


_CODE_DIGEST: list[str] = []


def code_digest() -> str:
    """A digest of forkaudit's own source: results computed by other code (a development
    install between two commits, a patched engine) are never served from the cache."""
    if not _CODE_DIGEST:
        digest = hashlib.sha256()
        package = os.path.dirname(os.path.abspath(__file__))
        for root, dirs, names in os.walk(package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    path = os.path.join(root, name)
                    digest.update(os.path.relpath(path, package).encode() + b"\0")
                    with open(path, "rb") as handle:
                        digest.update(handle.read())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


T = TypeVar("T")


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "forkaudit")


class Cache:
    def __init__(self, root: str, rules_digest: str) -> None:
        self.root = os.path.join(root, f"v{FORMAT}")
        self.salt = f"{__version__}|{code_digest()}|{rules_digest}|{FORMAT}"

    def key(self, identity: str) -> str:
        return hashlib.sha256(f"{self.salt}|{identity}".encode()).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.root, key[:2], f"{key}.json")

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            with open(self._path(key), "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError, RecursionError):  # missing, truncated, garbage, [[[[...
            return None
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return data

    def put(self, key: str, payload: dict[str, Any]) -> None:
        path = self._path(key)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({**payload, "key": key}, handle, separators=(",", ":"))
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return  # a read-only or full cache dir must never fail a scan


def result_to_dict(result: FileResult) -> dict[str, Any]:
    return asdict(result)


def _checked(value: Any, cls: type[T]) -> T:
    """``value`` rebuilt as dataclass ``cls`` with every field of the type it declares."""
    if not isinstance(value, dict):
        raise TypeError(f"{cls.__name__}: not an object")
    out: dict[str, Any] = {}
    for item in fields(cls):  # type: ignore[arg-type]
        raw = value[item.name]
        kind = str(item.type)
        if kind.startswith("tuple"):
            if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
                raise TypeError(f"{cls.__name__}.{item.name}: not a list of strings")
            raw = tuple(raw)
        elif kind == "int" and (not isinstance(raw, int) or isinstance(raw, bool)):
            raise TypeError(f"{cls.__name__}.{item.name}: not an integer")
        elif kind == "str" and not isinstance(raw, str):
            raise TypeError(f"{cls.__name__}.{item.name}: not a string")
        out[item.name] = raw
    return cls(**out)


def result_from_dict(data: dict[str, Any]) -> FileResult:
    """Rebuild a FileResult; raises (KeyError, TypeError, ValueError) on a malformed entry, so a
    tampered or corrupt cache entry is a miss, never a crash further down."""
    if not isinstance(data, dict) or not isinstance(data["findings"], list):
        raise TypeError("not a file result")
    findings = tuple(_checked(f, Finding) for f in data["findings"])
    if any(f.severity not in SEVERITIES or f.confidence not in CONFIDENCES for f in findings):
        raise ValueError("unknown severity or confidence")
    error = _checked(data["error"], FileError) if data.get("error") else None
    if not isinstance(data["path"], str):
        raise TypeError("path: not a string")
    return FileResult(
        path=str(data["path"]),
        findings=findings,
        error=error,
        parsed=bool(data["parsed"]),
        suppressed=int(data.get("suppressed", 0)),
        unused_suppressions=tuple(int(line) for line in data.get("unused_suppressions", ())),
        requires=tuple(str(name) for name in data["requires"]),
        python2=str(data.get("python2", "")),
    )
