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
from dataclasses import asdict
from typing import Any

from forkaudit import __version__
from forkaudit.model import FileError, FileResult, Finding

FORMAT = 1


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "forkaudit")


class Cache:
    def __init__(self, root: str, rules_digest: str) -> None:
        self.root = os.path.join(root, f"v{FORMAT}")
        self.salt = f"{__version__}|{rules_digest}|{FORMAT}"

    def key(self, identity: str) -> str:
        return hashlib.sha256(f"{self.salt}|{identity}".encode()).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.root, key[:2], f"{key}.json")

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            with open(self._path(key), "rb") as handle:
                data = json.loads(handle.read())
        except (OSError, ValueError):
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


def result_from_dict(data: dict[str, Any]) -> FileResult:
    """Rebuild a FileResult; raises (KeyError, TypeError, ValueError) on a malformed entry."""
    findings = tuple(
        Finding(**{**f, "context": tuple(f["context"]), "flags": tuple(f["flags"])})
        for f in data["findings"]
    )
    error = FileError(**data["error"]) if data.get("error") else None
    return FileResult(
        path=str(data["path"]),
        findings=findings,
        error=error,
        parsed=bool(data["parsed"]),
        suppressed=int(data.get("suppressed", 0)),
    )
