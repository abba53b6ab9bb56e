"""Build real packaging artefacts by hand for tests: wheels, dist-info trees, venvs.

No build backend is involved: a wheel is a zip written here, with a RECORD of sha256 hashes,
so building a dozen takes milliseconds. Everything is importable by other test modules.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forkaudit.analysis.engine import analyze_source
from forkaudit.model import Finding
from forkaudit.rules import load_rules

FileContent = str | bytes


def analysed(code: str, path: str = "m.py") -> list[Finding]:
    """What the engine finds in ``code`` (dedented), which must parse."""
    result = analyze_source(textwrap.dedent(code).encode(), path, load_rules().rules)
    assert result.error is None, result.error
    return list(result.findings)


def escape_name(name: str) -> str:
    """A distribution name as wheel and dist-info file names spell it (PEP 427/491)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _as_bytes(content: FileContent) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def metadata_text(
    name: str,
    version: str,
    requires: Iterable[str] = (),
    extra_metadata: Iterable[str] = (),
) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {req}" for req in requires]
    lines += list(extra_metadata)
    return "\n".join(lines) + "\n\n"


def make_wheel(
    dest_dir: str | os.PathLike[str],
    name: str,
    version: str,
    files: Mapping[str, FileContent],
    requires: Sequence[str] = (),
    extra_metadata: Sequence[str] = (),
    dist_info_files: Mapping[str, FileContent] | None = None,
) -> Path:
    """Write ``{escaped name}-{version}-py3-none-any.whl`` into ``dest_dir`` and return its path.

    ``files`` maps archive paths (``pkg/mod.py``; ``{dist}.data/...`` works too) to contents;
    ``extra_metadata`` are extra METADATA header lines (``"Provides-Extra: x"``);
    ``dist_info_files`` adds files to the dist-info folder (``entry_points.txt``, ...).
    """
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    stem = f"{escape_name(name)}-{version}"
    dist_info = f"{stem}.dist-info"
    entries: dict[str, bytes] = {path: _as_bytes(content) for path, content in files.items()}
    for fname, content in (dist_info_files or {}).items():
        entries[f"{dist_info}/{fname}"] = _as_bytes(content)
    entries[f"{dist_info}/METADATA"] = metadata_text(
        name, version, requires, extra_metadata
    ).encode("utf-8")
    entries[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: forkaudit-tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n\n"
    )
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for path in sorted(entries):
        writer.writerow([path, _record_hash(entries[path]), str(len(entries[path]))])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    entries[f"{dist_info}/RECORD"] = record.getvalue().encode("utf-8")

    wheel = dest / f"{stem}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(entries):
            archive.writestr(path, entries[path])
    return wheel


def make_dist_info(
    site_packages: str | os.PathLike[str],
    name: str,
    version: str,
    files: Mapping[str, FileContent],
    requires: Sequence[str] = (),
    extra_metadata: Sequence[str] = (),
    record: str | bytes | None = "auto",
    dist_info_files: Mapping[str, FileContent] | None = None,
    folder: str | None = None,
) -> Path:
    """Install a distribution by hand into ``site_packages`` (no pip): write ``files`` and a
    ``.dist-info`` folder. ``record="auto"`` writes a correct RECORD, None writes none, any other
    text/bytes is written verbatim. Returns the dist-info path."""
    site = Path(site_packages)
    site.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_as_bytes(content))
    dist_info = site / (folder or f"{escape_name(name)}-{version}.dist-info")
    dist_info.mkdir(parents=True, exist_ok=True)
    (dist_info / "METADATA").write_text(
        metadata_text(name, version, requires, extra_metadata), encoding="utf-8"
    )
    for fname, content in (dist_info_files or {}).items():
        (dist_info / fname).write_bytes(_as_bytes(content))
    if record == "auto":
        rows = io.StringIO()
        writer = csv.writer(rows, lineterminator="\n")
        for rel in sorted(files):
            writer.writerow([rel, _record_hash(_as_bytes(files[rel])), len(_as_bytes(files[rel]))])
        writer.writerow([f"{dist_info.name}/METADATA", "", ""])
        writer.writerow([f"{dist_info.name}/RECORD", "", ""])
        (dist_info / "RECORD").write_text(rows.getvalue(), encoding="utf-8")
    elif record is not None:
        (dist_info / "RECORD").write_bytes(_as_bytes(record))
    return dist_info


def make_fake_venv(root: str | os.PathLike[str], python_version: str = "3.12") -> Path:
    """A venv-shaped folder (pyvenv.cfg + lib/pythonX.Y/site-packages) without an interpreter.
    Returns its site-packages path."""
    venv = Path(root)
    site = venv / "lib" / f"python{python_version}" / "site-packages"
    site.mkdir(parents=True, exist_ok=True)
    (venv / "pyvenv.cfg").write_text(
        f"home = /nonexistent/bin\ninclude-system-site-packages = false\n"
        f"version = {python_version}.1\n",
        encoding="utf-8",
    )
    return site


# --------------------------------------------------------------------------- real venvs


def _pyenv_versions() -> list[Path]:
    roots = [os.environ.get("PYENV_ROOT", ""), str(Path.home() / ".pyenv")]
    for root in roots:
        if root and (Path(root) / "versions").is_dir():
            return sorted((Path(root) / "versions").iterdir())
    return []


def find_target_python(preferred: str = "3.12") -> tuple[str, str]:
    """``(interpreter path, "X.Y")`` for building target venvs: CPython ``preferred`` if pyenv
    has it, else another CPython 3.8+ that is not the running one, else the running one."""
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    candidates: list[tuple[str, Path]] = []
    for version_dir in _pyenv_versions():
        match = re.match(r"^(3)\.(\d+)\.\d+$", version_dir.name)
        python = version_dir / "bin" / "python3"
        if match and python.exists() and int(match.group(2)) >= 8:
            candidates.append((f"3.{match.group(2)}", python))
    for version, python in candidates:
        if version == preferred:
            return str(python), version
    for version in (f"3.{minor}" for minor in (12, 13, 10, 9, 8)):
        if version == running:
            continue
        for found, python in candidates:
            if found == version:
                return str(python), version
        exe = shutil.which(f"python{version}")
        if exe:
            return exe, version
    return sys.executable, running


def create_venv(path: str | os.PathLike[str], python: str | None = None) -> Path:
    """A real venv at ``path`` made by ``python -m venv`` (with pip)."""
    interpreter = python or find_target_python()[0]
    subprocess.run(
        [interpreter, "-m", "venv", str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(path)


def venv_python(venv: str | os.PathLike[str]) -> Path:
    venv = Path(venv)
    unix = venv / "bin" / "python"
    return unix if unix.exists() else venv / "Scripts" / "python.exe"


def pip_install(
    venv: str | os.PathLike[str],
    requirements: Sequence[str],
    find_links: str | os.PathLike[str],
    index: bool = False,
    compile_bytecode: bool = False,
) -> None:
    """``pip install --no-index --find-links`` into the venv (no network, no byte-compile); with
    ``index``, PyPI too (for real packages next to the wheels built in the test); with
    ``compile_bytecode``, .pyc files as a user's install has them (a server that must start fast)."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.pop("PIP_REQUIRE_VIRTUALENV", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    proc = subprocess.run(
        [
            str(venv_python(venv)),
            "-m",
            "pip",
            "install",
            *(() if index else ("--no-index",)),
            "--find-links",
            str(find_links),
            *(() if compile_bytecode else ("--no-compile",)),
            "--quiet",
            *requirements,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"pip install failed:\n{proc.stdout}\n{proc.stderr}")


def site_packages_of(venv: str | os.PathLike[str]) -> Path:
    venv = Path(venv)
    for lib in ("lib", "lib64"):
        for candidate in sorted((venv / lib).glob("python3.*/site-packages")):
            return candidate
    return venv / "Lib" / "site-packages"


def line_of(source: str, needle: str) -> int:
    """1-based number of the only line of ``source`` containing ``needle``."""
    lines = [i for i, line in enumerate(source.splitlines(), 1) if needle in line]
    if len(lines) != 1:
        raise ValueError(f"{needle!r} found on lines {lines}, expected exactly one")
    return lines[0]


@dataclass(frozen=True)
class ExpectedLeak:
    """A start site the engine must flag in a fixture venv."""

    distribution: str  # as METADATA spells it ("" for first-party project code)
    path: str  # relative to site-packages (or to the project folder for first-party code)
    line: int
    kind: str  # model.Rule.kind: fork | popen | thread | ...
    test_code: bool = False


# --------------------------------------------------------------------------- the shop venv

PROXY_INIT = '''"""acme-proxy: importing this package writes a canary file (forkaudit must never import)."""

with open({canary!r}, "w") as _canary:
    _canary.write("acme_proxy was imported\\n")

from acme_proxy.proxy import handle  # noqa: E402

__all__ = ["handle"]
'''

PROXY_PY = '''"""A tiny pre-forking proxy: forks a child per connection and never waits for it."""

import os


def handle(conn_id):
    pid = os.fork()
    if pid == 0:
        os._exit(serve(conn_id))
    log("spawned child %d for %s" % (pid, conn_id))
    return conn_id


def serve(conn_id):
    return 0


def log(message):
    pass
'''

WEB_SERVER_PY = '''"""acme-web: renders pages by shelling out, polls in a thread started per request."""

import subprocess
import threading


def render(page):
    proc = subprocess.Popen(["true", page])
    return page.upper()


def on_request(request):
    threading.Thread(target=_poll, args=(request,)).start()
    return request


def _poll(request):
    while True:
        request.tick()
'''

WEB_DEMO_PY = '''"""acme-web's demo: `python -m acme_web.demo` renders one page; importers never run it."""

import subprocess

if __name__ == "__main__":
    demo = subprocess.Popen(["true", "demo"])
    print("rendering in", demo.pid)
'''

WEB_TEST_PY = """import subprocess


def test_render_spawns():
    subprocess.Popen(["true"])
"""

APP_PY = '''"""acme-app: glue, no process handling of its own."""

from acme_web.server import on_request, render


def serve(request):
    on_request(request)
    return render(request.path)
'''

CLEAN_RUNNER_PY = '''"""clean-lib: every child and thread it starts is reaped."""

import os
import subprocess
import threading


def run(cmd):
    with subprocess.Popen(cmd) as proc:
        return proc.wait()


def run_and_wait(cmd):
    p = subprocess.Popen(cmd)
    p.wait()
    return p.returncode


def in_thread(fn):
    t = threading.Thread(target=fn)
    t.start()
    t.join()


def forked(fn):
    pid = os.fork()
    if pid == 0:
        try:
            fn()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
'''

METRICS_PY = '''"""acme-metrics: the innocent suspect. It reports from a self-re-arming Timer started once
per process and keeps a few service threads and executors per exporter object: plenty to look
at, nothing that piles up per request."""

import threading
from concurrent.futures import ThreadPoolExecutor

_reporter = None


def start_reporting(interval=10.0):
    global _reporter
    if _reporter is None:
        _reporter = Reporter(interval)
        _reporter.schedule()
    return _reporter


class Reporter:
    def __init__(self, interval):
        self.interval = interval

    def schedule(self):
        timer = threading.Timer(self.interval, self._report)
        timer.daemon = True
        timer.start()

    def _report(self):
        flush()
        self.schedule()


def _drain(queue):
    while True:
        send(queue.get())


for _name in ("http", "db", "cache"):
    threading.Thread(target=_drain, args=(_name,), daemon=True).start()


class Exporter:
    def __init__(self):
        self._http = ThreadPoolExecutor(2)
        self._grpc = ThreadPoolExecutor(2)
        self._files = ThreadPoolExecutor(2)
        self._logs = ThreadPoolExecutor(2)

    def export(self, batch):
        self._http.submit(send, batch)
        self._grpc.submit(send, batch)
        self._files.submit(send, batch)
        self._logs.submit(send, batch)


def flush():
    pass


def send(item):
    pass
'''

SHOP_JOBS_PY = '''"""shop (first-party): runs a report job per request and forgets it."""

import subprocess


def run_report(name):
    subprocess.Popen(["report", name])
'''


@dataclass(frozen=True)
class TargetVenv:
    """A real venv of CPython ``python_version`` inside the project folder ``project``.

    Project ``shop`` (pyproject deps ``acme-app``, ``clean-lib``; installed editable-style)
    -> acme-app -> acme-web[metrics] -> acme-proxy; acme-web also requires
    ``acme-extra; python_version >= "3.8"`` (reached), ``legacy-shim; python_version < "3.8"``,
    ``acme-compat; python_version < "3.12"`` and ``acme-debug; extra == "debug"`` (all three
    installed anyway, none reached on 3.12), ``acme-metrics; extra == "metrics"`` (reached).
    """

    venv: Path
    project: Path
    site_packages: Path
    python_version: str  # "X.Y" of the venv's interpreter
    python: Path  # the venv's interpreter: never run it in forkaudit tests
    wheels: Path  # folder of the wheels it was installed from
    canary: Path  # written if anything imports acme_proxy
    leaks: tuple[ExpectedLeak, ...]  # third-party, non-test start sites never reaped
    test_leaks: tuple[ExpectedLeak, ...]  # leaks in distribution test code
    project_leaks: tuple[ExpectedLeak, ...]  # first-party leaks, path relative to project
    clean_files: tuple[str, ...]  # site-packages relpaths that must produce no finding
    versions: Mapping[str, str]  # distribution name (METADATA spelling) -> version
    chains: Mapping[str, tuple[str, ...]]  # expected chains on a 3.12 target
    unreached: tuple[str, ...]  # installed but reached by no requirement on a 3.12 target


def build_target_venv(root: Path, python: str | None = None) -> TargetVenv:
    """Build the ``shop`` project and its venv under ``root`` (takes a few seconds)."""
    wheels = root / "wheels"
    project = root / "shop"
    canary = root / "acme_proxy_imported.canary"
    (project / "src" / "shop").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "shop"\nversion = "0.1.0"\n'
        'dependencies = ["acme-app>=1.0", "clean-lib"]\n',
        encoding="utf-8",
    )
    (project / "src" / "shop" / "__init__.py").write_text("", encoding="utf-8")
    (project / "src" / "shop" / "jobs.py").write_text(SHOP_JOBS_PY, encoding="utf-8")

    so_name = "clean_lib/_speedups.cpython-312-x86_64-linux-gnu.so"
    versions = {
        "shop": "0.1.0",
        "acme-app": "1.0.0",
        "acme-web": "2.1.0",
        "acme-proxy": "2.3.0",
        "acme-extra": "1.0.0",
        "acme-metrics": "1.0.0",
        "acme-debug": "1.0.0",
        "acme-compat": "1.0.0",
        "legacy-shim": "1.0.0",
        "clean-lib": "1.4.0",
    }
    make_wheel(
        wheels,
        "shop",
        versions["shop"],
        {"__editable__.shop-0.1.0.pth": f"{project / 'src'}\n"},
        requires=["acme-app>=1.0", "clean-lib"],
    )
    make_wheel(
        wheels,
        "acme-app",
        versions["acme-app"],
        {"acme_app/__init__.py": "", "acme_app/app.py": APP_PY},
        requires=["acme-web[metrics]>=2.0"],
    )
    make_wheel(
        wheels,
        "acme-web",
        versions["acme-web"],
        {
            "acme_web/__init__.py": "",
            "acme_web/server.py": WEB_SERVER_PY,
            "acme_web/demo.py": WEB_DEMO_PY,
            "acme_web/tests/__init__.py": "",
            "acme_web/tests/test_x.py": WEB_TEST_PY,
        },
        requires=[
            "acme-proxy>=2.3",
            'acme-extra; python_version >= "3.8"',
            'legacy-shim; python_version < "3.8"',
            'acme-compat; python_version < "3.12"',
            'acme-metrics; extra == "metrics"',
            'acme-debug; extra == "debug"',
        ],
        extra_metadata=["Provides-Extra: metrics", "Provides-Extra: debug"],
    )
    make_wheel(
        wheels,
        "acme-proxy",
        versions["acme-proxy"],
        {
            "acme_proxy/__init__.py": PROXY_INIT.format(canary=str(canary)),
            "acme_proxy/proxy.py": PROXY_PY,
        },
        dist_info_files={"entry_points.txt": "[console_scripts]\nacme-proxy = acme_proxy:handle\n"},
    )
    make_wheel(wheels, "acme-extra", versions["acme-extra"], {"acme_extra/__init__.py": "X = 1\n"})
    make_wheel(wheels, "acme-metrics", versions["acme-metrics"], {"acme_metrics.py": METRICS_PY})
    make_wheel(wheels, "acme-debug", versions["acme-debug"], {"acme_debug.py": "D = 0\n"})
    make_wheel(wheels, "acme-compat", versions["acme-compat"], {"acme_compat.py": "C = 0\n"})
    make_wheel(wheels, "legacy-shim", versions["legacy-shim"], {"legacy_shim.py": "S = 0\n"})
    make_wheel(
        wheels,
        "clean-lib",
        versions["clean-lib"],
        {
            "clean_lib/__init__.py": "from clean_lib.runner import run\n",
            "clean_lib/runner.py": CLEAN_RUNNER_PY,
            so_name: b"\x7fELF not really a shared object\n",
        },
    )

    venv = create_venv(project / ".venv", python)
    pip_install(venv, ["shop", "acme-debug", "acme-compat", "legacy-shim"], wheels)
    site = site_packages_of(venv)
    python_version = site.parent.name.removeprefix("python")

    leaks = (
        ExpectedLeak("acme-proxy", "acme_proxy/proxy.py", line_of(PROXY_PY, "os.fork()"), "fork"),
        ExpectedLeak(
            "acme-web",
            "acme_web/server.py",
            line_of(WEB_SERVER_PY, "subprocess.Popen("),
            "popen",
        ),
        ExpectedLeak(
            "acme-web",
            "acme_web/server.py",
            line_of(WEB_SERVER_PY, "threading.Thread("),
            "thread",
        ),
        *(
            ExpectedLeak(
                "acme-metrics",
                "acme_metrics.py",
                line_of(METRICS_PY, f"self.{name} = ThreadPoolExecutor("),
                "pool",
            )
            for name in ("_http", "_grpc", "_files", "_logs")
        ),
    )
    test_leaks = (
        ExpectedLeak(
            "acme-web",
            "acme_web/tests/test_x.py",
            line_of(WEB_TEST_PY, "subprocess.Popen("),
            "popen",
            test_code=True,
        ),
        # a module's script block: run only as a program, never by its importers
        ExpectedLeak(
            "acme-web",
            "acme_web/demo.py",
            line_of(WEB_DEMO_PY, "subprocess.Popen("),
            "popen",
            test_code=True,
        ),
    )
    project_leaks = (
        ExpectedLeak("", "src/shop/jobs.py", line_of(SHOP_JOBS_PY, "subprocess.Popen("), "popen"),
    )
    chains = {
        "shop": ("shop",),
        "acme-app": ("shop", "acme-app"),
        "clean-lib": ("shop", "clean-lib"),
        "acme-web": ("shop", "acme-app", "acme-web"),
        "acme-proxy": ("shop", "acme-app", "acme-web", "acme-proxy"),
        "acme-extra": ("shop", "acme-app", "acme-web", "acme-extra"),
        "acme-metrics": ("shop", "acme-app", "acme-web", "acme-metrics"),
    }
    return TargetVenv(
        venv=venv,
        project=project,
        site_packages=site,
        python_version=python_version,
        python=venv_python(venv),
        wheels=wheels,
        canary=canary,
        leaks=leaks,
        test_leaks=test_leaks,
        project_leaks=project_leaks,
        clean_files=("clean_lib/__init__.py", "clean_lib/runner.py", "acme_app/app.py"),
        versions=versions,
        chains=chains,
        unreached=("acme-compat", "acme-debug", "legacy-shim"),
    )


# --------------------------------------------------------------------------- the CLI

FORKAUDIT = shutil.which("forkaudit") or ""  # the installed script, else `python -m forkaudit`


def run_cli(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run forkaudit as a user does (no VIRTUAL_ENV inherited from the test run), plus ``env``."""
    command = [FORKAUDIT, *args] if FORKAUDIT else [sys.executable, "-m", "forkaudit", *args]
    environ = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    environ.update(env or {})
    with subprocess.Popen(
        command, cwd=cwd, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def app_package(root: Path, files: Mapping[str, str]) -> Path:
    """A package ``app`` under ``root`` holding ``files`` (name -> text) beside an empty
    ``__init__.py``; ``root``, to check it from."""
    app = root / "app"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    for name, text in files.items():
        (app / name).write_text(text)
    return root


class BreaksWhileSubmitting(ProcessPoolExecutor):
    """The first pool reports itself broken on its ``breaks_at``-th submit, as a pool whose
    worker died while the round was still being handed out does."""

    instances = 0
    breaks_at = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        type(self).instances += 1
        self._first = type(self).instances == 1
        self._submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self._submitted += 1
        if self._first and self._submitted == self.breaks_at:
            raise BrokenProcessPool("a child process terminated abruptly")
        return super().submit(fn, *args, **kwargs)


def check_findings(root: Path, folder: str, cache: bool = False) -> list[dict[str, object]]:
    """The findings of ``forkaudit check <folder> --format json`` run in ``root`` (a package
    laid out there), with a cache of its own under ``root`` when ``cache``."""
    result = run_cli(
        ["check", folder, "--format", "json"] + ([] if cache else ["--no-cache"]),
        cwd=root,
        env={"XDG_CACHE_HOME": str(root / "cache")},
    )
    assert result.returncode in (0, 1), result.stderr
    return list(json.loads(result.stdout)["findings"])


EXPECT_MARK = re.compile(r"#\s*expect:\s*(leak|ok)")


def import_in(venv: Path, path: str) -> subprocess.CompletedProcess[bytes]:
    """Import the module of the relative file ``path`` with the venv's own interpreter."""
    module = path[:-3].removesuffix("/__init__").replace("/", ".")
    return subprocess.run(
        [str(venv / "bin" / "python"), "-c", f"import {module}"], capture_output=True, check=False
    )


def assert_expectations(name: str, code: str) -> None:
    """Analyse ``code`` and check every line marked ``# expect: leak`` has a finding and every
    one marked ``# expect: ok`` has none."""
    from forkaudit.analysis.engine import analyze_source
    from forkaudit.rules import load_rules

    result = analyze_source(code.encode(), f"{name}.py", load_rules().rules)
    assert result.error is None, result.error
    found = {f.line for f in result.findings}
    for number, line in enumerate(code.splitlines(), start=1):
        match = EXPECT_MARK.search(line)
        if match:
            want = match.group(1) == "leak"
            assert (number in found) is want, (
                name,
                number,
                line.strip()[:100],
                [(f.line, f.severity, f.message[:160]) for f in result.findings],
            )
