"""The trace folder: its file names, making it ready for a session, ``run.json``.

A trace folder holds one session of ``forkaudit run`` or ``forkaudit watch``: ``run.json``
(written by ``run``: the command, when it started and ended, its exit code) and one
``trace-PID-TOKEN.json`` per traced process (written by the hook in that process, or by
``watch``). Starting a session removes the files of the previous one (only those names).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any

from forkaudit.errors import InputError
from forkaudit.runtime.inject._forkaudit_trace_hook import write_atomic

DEFAULT_TRACE_DIR = os.path.join("reports", "forkaudit-trace")
RUN_FILE = "run.json"
RUN_FORMAT = 1
TRACE_FILE = re.compile(r"^trace-(\d+)-([0-9A-Za-z_-]+)\.json$")
_TEMP_FILE = re.compile(r"^\.(trace-\d+-[0-9A-Za-z_-]+|run)\.json\.\d+\.tmp$")


def prepare_trace_dir(path: str) -> str:
    """Create ``path`` if needed, check it is writable, remove the previous session's files.
    Returns the absolute path; raises ``InputError`` when it cannot be used."""
    directory = os.path.abspath(path)
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the trace folder {path}: {exc.strerror or exc}") from None
    if not os.path.isdir(directory):
        raise InputError(f"the trace folder {path} is not a folder")
    probe = os.path.join(directory, f".forkaudit-probe-{os.getpid()}")
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise InputError(
            f"the trace folder {path} is not writable: {exc.strerror or exc}"
        ) from None
    try:
        names = os.listdir(directory)
    except OSError as exc:
        raise InputError(f"cannot read the trace folder {path}: {exc.strerror}") from None
    for name in names:
        if name == RUN_FILE or TRACE_FILE.match(name) or _TEMP_FILE.match(name):
            try:
                os.unlink(os.path.join(directory, name))
            except OSError as exc:
                raise InputError(
                    f"cannot remove the previous trace file {name} in {path}: {exc.strerror}"
                ) from None
    return directory


def write_run_file(directory: str, fields: Mapping[str, Any]) -> None:
    """(Re)write ``run.json`` atomically; a failure is ignored (the traces still load)."""
    document = {"forkaudit_run": RUN_FORMAT, **fields}
    write_atomic(os.path.join(directory, RUN_FILE), json.dumps(document, indent=1) + "\n")
