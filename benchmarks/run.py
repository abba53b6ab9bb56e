#!/usr/bin/env python3
"""Time forkaudit against its peer tools on one large real environment.

Every tool runs on the same site-packages, interleaved round by round so machine
noise hits all of them alike. For each tool the harness records wall time, the
peak memory of the whole process tree (forkaudit starts a forkserver and worker
processes) and, where its JSON output is easy to read, the findings count. It
prints a Markdown table plus PASS/FAIL against the speed targets and writes
``benchmarks/results/latest.json`` and ``latest.md``.

Stdlib only, Python 3.10+. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / ".work"
RESULTS = HERE / "results"
REQUIREMENTS = HERE / "requirements-big.txt"
SEMGREP_RULES = HERE / "semgrep-lifecycle.yml"

# Peer tools, pinned; installed into their own venv, never into the scanned one.
TOOL_PINS: dict[str, str] = {
    "ruff": "0.17.6",
    "bandit": "1.9.4",
    "semgrep": "1.185.0",
    "pylint": "4.1.4",
}
# Ruff rules about starting processes that exist in the pinned ruff (checked with
# `ruff rule CODE`). Pylint's consider-using-with (R1732) has no ruff port.
RUFF_RULES = "S602,S603,S604,S605,S606,S607,PLW1510"
BANDIT_TESTS = "B602,B603,B604,B605,B606,B607"

POLL_SECONDS = 0.05
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024

JsonDict = dict[str, Any]


# --------------------------------------------------------------------------- #
# Memory: poll /proc and sum the whole process tree
# --------------------------------------------------------------------------- #


def _read_stat(pid: int) -> tuple[int, int] | None:
    """Return (ppid, session id) of a process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces or parentheses.
    fields = raw[raw.rfind(b")") + 2 :].split()
    return int(fields[1]), int(fields[3])


def _read_rss(pid: int) -> int:
    """Resident set size in bytes (same figure as VmRSS), 0 if gone."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_bytes().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def _read_pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages split between sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def process_tree(root: int) -> list[int]:
    """The root, every descendant (by ppid chain), and anything in its session.

    The command is started as a session leader, so its session id is its pid; a
    helper that was reparented to init (a double-forked daemon) still counts.
    """
    parents: dict[int, int] = {}
    in_session: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        info = _read_stat(pid)
        if info is None:
            continue
        parents[pid] = info[0]
        if info[1] == root:
            in_session.append(pid)
    tree = {root} if root in parents else set()
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    tree.update(in_session)
    return sorted(tree)


class TreeMemoryPoller(threading.Thread):
    """Samples the summed RSS and PSS of a process tree every POLL_SECONDS."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(POLL_SECONDS)

    def sample(self) -> None:
        pids = process_tree(self.root)
        rss = sum(_read_rss(pid) for pid in pids)
        pss = sum(_read_pss(pid) for pid in pids)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, len(pids))
        self.samples += 1

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


# --------------------------------------------------------------------------- #
# Running one command
# --------------------------------------------------------------------------- #


@dataclass
class Run:
    """One timed execution of one tool."""

    round: int
    seconds: float
    exit_code: int
    ok: bool
    timed_out: bool
    peak_rss_mb: float
    peak_pss_mb: float
    peak_processes: int
    memory_samples: int
    cpu_seconds_waited: float
    """user+sys of the command and the descendants it waited for (wait4)."""
    source: str = ""
    """Fingerprint of forkaudit's source when the run started (forkaudit rows)."""


def run_measured(
    argv: Sequence[str],
    *,
    stdout: Path,
    stderr: Path,
    env: dict[str, str],
    timeout: float | None,
    ok_codes: Callable[[int], bool],
    round_no: int,
) -> Run:
    """Run a command in its own session, timing it and polling its tree's memory."""
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            start_new_session=True,
        )
        poller = TreeMemoryPoller(proc.pid)
        poller.start()
        timed_out = threading.Event()

        def kill_tree() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill_tree) if timeout else None
        if timer is not None:
            timer.start()
        try:
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            except BaseException:  # Ctrl-C: the command is in its own session
                kill_tree()
                proc.wait()
                raise
        finally:
            elapsed = time.perf_counter() - start
            if timer is not None:
                timer.cancel()
            poller.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        # Anything the command left behind in its session goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    code = proc.returncode
    return Run(
        round=round_no,
        seconds=round(elapsed, 3),
        exit_code=code,
        ok=ok_codes(code) and not timed_out.is_set(),
        timed_out=timed_out.is_set(),
        peak_rss_mb=round(poller.peak_rss / MB, 1),
        peak_pss_mb=round(poller.peak_pss / MB, 1),
        peak_processes=poller.peak_procs,
        memory_samples=poller.samples,
        cpu_seconds_waited=round(usage.ru_utime + usage.ru_stime, 2),
    )


# --------------------------------------------------------------------------- #
# The tools
# --------------------------------------------------------------------------- #


@dataclass
class Bench:
    """One row of the table: a command, how to prime it, how to read its output."""

    name: str
    argv: list[str]
    slow: bool
    baseline: str
    """The row this one's ratio is taken against."""
    ok_codes: Callable[[int], bool]
    count_findings: Callable[[Path], JsonDict]
    prime: bool = False
    """Run once, untimed, before the rounds (fills a warm cache)."""
    timeout: float | None = None
    report: Path | None = None
    """Where the tool writes its report when not to standard output."""
    env: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    prime_run: Run | None = None
    findings: JsonDict = field(default_factory=dict)
    skipped: str | None = None

    @property
    def out_path(self) -> Path:
        return WORK / "out" / f"{self.name.replace(' ', '-')}.out"

    @property
    def err_path(self) -> Path:
        return WORK / "out" / f"{self.name.replace(' ', '-')}.stderr"


def _load_json(path: Path) -> Any:
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    return json.loads(text) if text else None


def findings_forkaudit(path: Path) -> JsonDict:
    data = _load_json(path)
    by_rule = Counter(str(f.get("rule")) for f in data["findings"])
    return {
        "findings": len(data["findings"]),
        "errors": len(data.get("errors", [])),
        "by_rule": dict(sorted(by_rule.items())),
    }


def findings_ruff(path: Path) -> JsonDict:
    data = _load_json(path) or []
    codes = Counter(str(d.get("code")) for d in data)
    syntax = codes.pop("invalid-syntax", 0) + codes.pop("None", 0)
    return {
        "findings": sum(codes.values()),
        "errors": syntax,
        "by_rule": dict(sorted(codes.items())),
    }


def findings_bandit(path: Path) -> JsonDict:
    data = _load_json(path)
    by_test = Counter(str(r.get("test_id")) for r in data["results"])
    return {
        "findings": len(data["results"]),
        "errors": len(data.get("errors", [])),
        "by_rule": dict(sorted(by_test.items())),
    }


def findings_semgrep(path: Path) -> JsonDict:
    data = _load_json(path)
    by_rule = Counter(str(r["check_id"]).rsplit(".", 1)[-1] for r in data["results"])
    scanned = data.get("paths", {}).get("scanned")
    result: JsonDict = {
        "findings": len(data["results"]),
        "errors": len(data.get("errors", [])),
        "by_rule": dict(sorted(by_rule.items())),
    }
    if isinstance(scanned, list):
        result["files_scanned"] = len(scanned)
    return result


def findings_pylint(path: Path) -> JsonDict:
    data = _load_json(path) or []
    symbols = Counter(str(m.get("symbol")) for m in data)
    wanted = symbols.get("consider-using-with", 0)
    return {
        "findings": wanted,
        "errors": sum(symbols.values()) - wanted,
        "by_rule": dict(sorted(symbols.items())),
    }


def codes_in(*codes: int) -> Callable[[int], bool]:
    return lambda code: code in codes


def pylint_ok(code: int) -> bool:
    # Bit-encoded: 1 fatal, 2 error, 4 warning, 8 refactor, 16 convention,
    # 32 usage error. Messages (and fatal parse failures in single files) are
    # expected on a whole site-packages; only a usage error or a signal is not.
    return code >= 0 and not code & 32


def build_benches(
    args: argparse.Namespace, site: Path, venv: Path, forkaudit: Path, tools: Path
) -> list[Bench]:
    fa_cache = WORK / "cache" / "forkaudit"
    ruff_cache = WORK / "cache" / "ruff"
    tbin = tools / "bin"
    fa_common = [str(forkaudit), "scan", str(venv), "--format", "json", "-q"]
    ruff_common = [
        str(tbin / "ruff"),
        "check",
        "--select",
        RUFF_RULES,
        "--output-format",
        "json",
    ]
    out_dir = WORK / "out"
    benches = [
        Bench(
            name="forkaudit cold",
            argv=[*fa_common, "--no-cache", "-o", str(out_dir / "forkaudit-cold.json")],
            report=out_dir / "forkaudit-cold.json",
            slow=False,
            baseline="ruff cold",
            ok_codes=codes_in(0, 1),
            count_findings=findings_forkaudit,
            timeout=args.timeout,
        ),
        Bench(
            name="forkaudit warm",
            argv=[
                *fa_common,
                "--cache-dir",
                str(fa_cache),
                "-o",
                str(out_dir / "forkaudit-warm.json"),
            ],
            report=out_dir / "forkaudit-warm.json",
            slow=False,
            baseline="ruff warm",
            ok_codes=codes_in(0, 1),
            count_findings=findings_forkaudit,
            prime=True,
            timeout=args.timeout,
        ),
        Bench(
            name="ruff cold",
            argv=[*ruff_common, "--no-cache", str(site)],
            slow=False,
            baseline="ruff cold",
            ok_codes=codes_in(0, 1),
            count_findings=findings_ruff,
            timeout=args.timeout,
        ),
        Bench(
            name="ruff warm",
            argv=[*ruff_common, "--cache-dir", str(ruff_cache), str(site)],
            slow=False,
            baseline="ruff warm",
            ok_codes=codes_in(0, 1),
            count_findings=findings_ruff,
            prime=True,
            timeout=args.timeout,
        ),
        Bench(
            name="semgrep",
            argv=[
                str(tbin / "semgrep"),
                "scan",
                "--config",
                str(SEMGREP_RULES),
                "--metrics=off",
                "--disable-version-check",
                "--json",
                "-q",
                str(site),
            ],
            slow=False,
            baseline="ruff cold",
            ok_codes=codes_in(0, 1),
            count_findings=findings_semgrep,
            timeout=args.timeout,
            # Offline: no metrics, no version check (without it every run
            # waits ~90 s on the network), no registry rules.
            env={"SEMGREP_SEND_METRICS": "off", "SEMGREP_ENABLE_VERSION_CHECK": "0"},
        ),
        Bench(
            name="bandit",
            argv=[
                str(tbin / "bandit"),
                "-q",
                "-r",
                "-t",
                BANDIT_TESTS,
                "-f",
                "json",
                str(site),
            ],
            slow=True,
            baseline="ruff cold",
            ok_codes=codes_in(0, 1),
            count_findings=findings_bandit,
            timeout=args.timeout,
        ),
        Bench(
            name="pylint",
            argv=[
                str(tbin / "pylint"),
                "--disable=all",
                "--enable=consider-using-with",
                "--output-format=json",
                "-j",
                "2",
                "--recursive=y",
                str(site),
            ],
            slow=True,
            baseline="ruff cold",
            ok_codes=pylint_ok,
            count_findings=findings_pylint,
            timeout=args.pylint_timeout,
        ),
    ]
    wanted = set(args.tools.split(",")) if args.tools else None
    for bench in benches:
        tool = bench.name.split()[0]
        if wanted is not None and tool not in wanted and bench.name not in wanted:
            bench.skipped = "not selected (--tools)"
        elif bench.slow and args.skip_slow:
            bench.skipped = "--skip-slow"
    return benches


# --------------------------------------------------------------------------- #
# Environments
# --------------------------------------------------------------------------- #


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def check_call(argv: Sequence[str]) -> None:
    log("$ " + " ".join(argv))
    subprocess.run(list(argv), check=True)


def ensure_venv(path: Path, python: str, requirements: Path) -> None:
    """Create the scanned venv and install the pinned set into it if not done."""
    stamp = path / ".bench-installed"
    if stamp.exists() and stamp.read_text() == requirements.read_text():
        return
    if not (path / "bin" / "python").exists():
        check_call([python, "-m", "venv", str(path)])
    check_call(
        [str(path / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(requirements)]
    )
    stamp.write_text(requirements.read_text())


def ensure_tools(path: Path, python: str) -> None:
    """Create the peer tools' venv and install the pinned versions if not done."""
    pins = [f"{name}=={version}" for name, version in sorted(TOOL_PINS.items())]
    stamp = path / ".bench-installed"
    if stamp.exists() and stamp.read_text() == "\n".join(pins):
        return
    if not (path / "bin" / "python").exists():
        check_call([python, "-m", "venv", str(path)])
    check_call([str(path / "bin" / "python"), "-m", "pip", "install", "-q", *pins])
    stamp.write_text("\n".join(pins))


def site_packages(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        sys.exit(f"{venv} is not a virtualenv (no bin/python)")
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def find_forkaudit(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit)
    beside = Path(sys.executable).parent / "forkaudit"
    if beside.exists():
        return beside
    found = shutil.which("forkaudit")
    if found:
        return Path(found)
    sys.exit("forkaudit not found: pass --forkaudit PATH (e.g. the dev venv's bin/forkaudit)")


def tree_stats(site: Path) -> JsonDict:
    """Count .py files and sizes; reading every byte also warms the page cache."""
    py_files = 0
    py_bytes = 0
    all_bytes = 0
    for dirpath, _dirnames, filenames in os.walk(site):
        for name in filenames:
            full = os.path.join(dirpath, name)
            try:
                size = os.lstat(full).st_size
            except OSError:
                continue
            all_bytes += size
            if name.endswith(".py"):
                py_files += 1
                py_bytes += size
                with open(full, "rb") as fh:
                    fh.read()
    return {
        "py_files": py_files,
        "py_mb": round(py_bytes / MB, 1),
        "site_packages_mb": round(all_bytes / MB, 1),
    }


def tool_version(argv: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(argv), capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    lines = (out.stdout or out.stderr).strip().splitlines()
    first = lines[0].strip() if lines else "unknown"
    # "ruff 0.17.6" -> "0.17.6": the table already names the tool.
    name = Path(argv[0]).name
    return first.removeprefix(name + " ").removeprefix("Python ")


def forkaudit_package(forkaudit: Path) -> Path | None:
    """The folder of the forkaudit package that the executable imports."""
    python = forkaudit.parent / "python"
    if not python.exists():
        return None
    out = subprocess.run(
        [str(python), "-c", "import forkaudit, os; print(os.path.dirname(forkaudit.__file__))"],
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip()) if out.returncode == 0 else None


def compile_bytecode(forkaudit: Path, package: Path | None) -> None:
    """Byte-compile the measured forkaudit, as `pip install` does for the package it installs:
    an editable checkout run where PYTHONDONTWRITEBYTECODE is set would otherwise compile its
    source on every run, a cost no installed copy pays (ruff, a binary, pays none either)."""
    python = forkaudit.parent / "python"
    if package is None or not python.exists():
        return
    log(f"byte-compiling {package} (as pip install does)")
    subprocess.run([str(python), "-m", "compileall", "-q", str(package)], check=False)


def source_fingerprint(package: Path | None) -> str:
    """A hash of forkaudit's .py and .toml files: others may edit it mid-run."""
    if package is None:
        return ""
    digest = hashlib.sha256()
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.toml")]):
        with contextlib.suppress(OSError):
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "forkaudit", "rules"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


# --------------------------------------------------------------------------- #
# Report
# --------------------------------------------------------------------------- #


def median_s(bench: Bench) -> float | None:
    times = [r.seconds for r in bench.runs]
    return statistics.median(times) if times else None


def lower_bound(bench: Bench) -> bool:
    """True when a run was cut by its timeout: its time is only a lower bound."""
    return any(r.timed_out for r in bench.runs)


def fmt_s(bench: Bench, value: float | None) -> str:
    if value is None:
        return "-"
    return f"> {value:.1f}" if lower_bound(bench) else f"{value:.2f}"


def build_table(benches: list[Bench]) -> str:
    by_name = {b.name: b for b in benches}
    rows = [
        "| tool | runs | median s | min s | ratio | peak RSS MB | peak PSS MB | findings |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for bench in benches:
        if bench.skipped:
            rows.append(f"| {bench.name} | skipped: {bench.skipped} | | | | | | |")
            continue
        med = median_s(bench)
        fastest = min((r.seconds for r in bench.runs), default=None)
        base = by_name.get(bench.baseline)
        base_med = median_s(base) if base and not base.skipped else None
        ratio = "-"
        if med is not None and base_med:
            prefix = "> " if lower_bound(bench) else ""
            ratio = f"{prefix}{med / base_med:.2f}x {bench.baseline}"
        rss = max((r.peak_rss_mb for r in bench.runs), default=0.0)
        pss = max((r.peak_pss_mb for r in bench.runs), default=0.0)
        found = bench.findings.get("findings", "-")
        errors = bench.findings.get("errors")
        found_s = f"{found}" + (f" (+{errors} err)" if errors else "")
        bad = [r for r in bench.runs if not r.ok and not r.timed_out]
        runs = f"{len(bench.runs)}" + (f" ({len(bad)} failed)" if bad else "")
        rows.append(
            f"| {bench.name} | {runs} | {fmt_s(bench, med)} | {fmt_s(bench, fastest)} | "
            f"{ratio} | {rss:.0f} | {pss:.0f} | {found_s} |"
        )
    return "\n".join(rows)


@dataclass
class Target:
    text: str
    verdict: str
    detail: str


def check_targets(benches: list[Bench], rss_limit_mb: float) -> list[Target]:
    by_name = {b.name: b for b in benches}

    def med(name: str) -> float | None:
        bench = by_name[name]
        return None if bench.skipped else median_s(bench)

    targets: list[Target] = []

    def ratio_target(text: str, num: str, den: str, limit: float, at_most: bool) -> None:
        top, bottom = med(num), med(den)
        if top is None or bottom is None or bottom == 0:
            targets.append(Target(text, "SKIP", "not measured"))
            return
        value = top / bottom
        cut = lower_bound(by_name[num])
        if at_most:
            verdict = "PASS" if value <= limit and not cut else "FAIL"
        elif cut and value < limit:
            verdict = "UNKNOWN"  # the slow tool was cut too early to tell
        else:
            verdict = "PASS" if value >= limit else "FAIL"
        sign = "> " if cut else ""
        targets.append(Target(text, verdict, f"{sign}{value:.2f}x ({top:.2f} s / {bottom:.2f} s)"))

    ratio_target("forkaudit cold ≤ 3x ruff cold", "forkaudit cold", "ruff cold", 3.0, True)
    ratio_target("forkaudit warm ≤ ruff warm", "forkaudit warm", "ruff warm", 1.0, True)
    for peer, factor in (("semgrep", 2.0), ("bandit", 10.0), ("pylint", 10.0)):
        ratio_target(
            f"forkaudit cold ≥ {factor:g}x faster than {peer}",
            peer,
            "forkaudit cold",
            factor,
            False,
        )
    fa_runs = [r for name in ("forkaudit cold", "forkaudit warm") for r in by_name[name].runs]
    if fa_runs:
        peak = max(r.peak_rss_mb for r in fa_runs)
        pss = max(r.peak_pss_mb for r in fa_runs)
        targets.append(
            Target(
                f"forkaudit peak RSS ≤ {rss_limit_mb:g} MB",
                "PASS" if peak <= rss_limit_mb else "FAIL",
                f"{peak:.0f} MB summed RSS of the process tree (PSS {pss:.0f} MB)",
            )
        )
    else:
        targets.append(Target(f"forkaudit peak RSS ≤ {rss_limit_mb:g} MB", "SKIP", "not measured"))
    return targets


def render_markdown(meta: JsonDict, table: str, targets: list[Target]) -> str:
    stats = meta["tree"]
    lines = [
        "# forkaudit benchmark",
        "",
        f"- when: {meta['started']} - {meta['finished']} ({meta['host']['cores']} cores)",
        f"- environment: `{meta['venv']}` (Python {meta['venv_python']}), site-packages "
        f"`{meta['site_packages']}`: {stats['py_files']:,} .py files, {stats['py_mb']} MB of "
        f".py, {stats['site_packages_mb']} MB in all",
        f"- forkaudit: {meta['versions']['forkaudit']} at {meta['git']}; peers: "
        + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if k != "forkaudit"),
        f"- rounds: {meta['rounds']} (slow tools: {meta['slow_rounds']}), interleaved; "
        "time is wall clock, memory is the peak of the summed RSS (and PSS) of the "
        f"command's whole process tree, polled from /proc every {POLL_SECONDS * 1000:.0f} ms",
        "",
        table,
        "",
        *[f"**Warning:** {w}\n" for w in meta["warnings"]],
        "| target | result | measured |",
        "|---|---|---|",
    ]
    lines += [f"| {t.text} | {t.verdict} | {t.detail} |" for t in targets]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- #
# Main
# --------------------------------------------------------------------------- #


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument(
        "--venv",
        type=Path,
        help="environment to scan (default: build benchmarks/.work/venv-big from "
        "requirements-big.txt if absent)",
    )
    p.add_argument(
        "--forkaudit", help="forkaudit executable (default: beside this interpreter, else on PATH)"
    )
    p.add_argument("--python", default="python3.11", help="interpreter for the venvs built here")
    p.add_argument(
        "--tools-venv", type=Path, default=WORK / "tools", help="venv for the peer tools"
    )
    p.add_argument("--rounds", type=int, default=3, help="rounds for the fast tools")
    p.add_argument(
        "--slow-rounds", type=int, help="rounds for bandit and pylint (default: --rounds)"
    )
    p.add_argument("--skip-slow", action="store_true", help="skip bandit and pylint")
    p.add_argument(
        "--tools",
        help="only these rows, comma-separated (forkaudit,ruff,semgrep,"
        "bandit,pylint or a full row name such as 'ruff warm')",
    )
    p.add_argument("--timeout", type=float, default=3600.0, help="seconds before a run is killed")
    p.add_argument(
        "--pylint-timeout",
        type=float,
        default=900.0,
        help="seconds before a pylint run is killed; its time is then a lower bound",
    )
    p.add_argument("--rss-limit", type=float, default=500.0, help="forkaudit memory target, MB")
    p.add_argument("--results", type=Path, default=RESULTS, help="folder for latest.json/latest.md")
    args = p.parse_args(argv)
    if args.slow_rounds is None:
        args.slow_rounds = args.rounds
    if args.rounds < 1 or args.slow_rounds < 0:
        p.error("--rounds must be ≥ 1 and --slow-rounds ≥ 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = dt.datetime.now().astimezone()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "out").mkdir(exist_ok=True)

    venv: Path = args.venv or WORK / "venv-big"
    if args.venv is None:
        ensure_venv(venv, args.python, REQUIREMENTS)
    venv = venv.resolve()
    ensure_tools(args.tools_venv, args.python)
    tools = args.tools_venv.resolve()
    forkaudit = find_forkaudit(args.forkaudit)
    site = site_packages(venv)
    fa_package = forkaudit_package(forkaudit)
    compile_bytecode(forkaudit, fa_package)

    log(f"reading {site} (counts, and warms the page cache for every tool alike)")
    stats = tree_stats(site)
    log(
        f"{stats['py_files']:,} .py files, {stats['py_mb']} MB of .py, {stats['site_packages_mb']} MB"
    )

    benches = build_benches(args, site, venv, forkaudit, tools)
    base_env = dict(os.environ)
    base_env.pop("VIRTUAL_ENV", None)  # forkaudit must scan the venv it is given

    for cache in ("forkaudit", "ruff"):
        shutil.rmtree(WORK / "cache" / cache, ignore_errors=True)
    for bench in benches:
        if bench.prime and not bench.skipped:
            log(f"priming {bench.name}")
            fingerprint = (
                source_fingerprint(fa_package) if bench.name.startswith("forkaudit") else ""
            )
            bench.prime_run = run_measured(
                bench.argv,
                stdout=bench.out_path,
                stderr=bench.err_path,
                env={**base_env, **bench.env},
                timeout=bench.timeout,
                ok_codes=bench.ok_codes,
                round_no=0,
            )
            bench.prime_run.source = fingerprint
            if not bench.prime_run.ok:
                log(f"  priming failed (exit {bench.prime_run.exit_code}), see {bench.err_path}")

    active = [b for b in benches if not b.skipped]
    for round_no in range(1, args.rounds + 1):
        # Rotate the order each round so no tool always runs right after another.
        shift = (round_no - 1) % len(active)
        order = active[shift:] + active[:shift]
        for bench in order:
            if bench.slow and round_no > args.slow_rounds:
                continue
            log(f"round {round_no}/{args.rounds}: {bench.name}")
            fingerprint = (
                source_fingerprint(fa_package) if bench.name.startswith("forkaudit") else ""
            )
            run = run_measured(
                bench.argv,
                stdout=bench.out_path,
                stderr=bench.err_path,
                env={**base_env, **bench.env},
                timeout=bench.timeout,
                ok_codes=bench.ok_codes,
                round_no=round_no,
            )
            run.source = fingerprint
            bench.runs.append(run)
            state = (
                "timed out"
                if run.timed_out
                else ("ok" if run.ok else f"FAILED exit {run.exit_code}")
            )
            log(f"  {run.seconds:.2f} s, {run.peak_rss_mb:.0f} MB RSS, {state}")
            if not run.ok and not run.timed_out:
                log(f"  see {bench.err_path}")

    for bench in active:
        if not bench.runs or lower_bound(bench):
            continue
        try:
            bench.findings = bench.count_findings(bench.report or bench.out_path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            bench.findings = {"unparsed": f"{type(exc).__name__}: {exc}"}

    cold, warm = (
        next(b for b in benches if b.name == n) for n in ("forkaudit cold", "forkaudit warm")
    )
    warnings: list[str] = []
    if cold.findings and warm.findings and cold.findings != warm.findings:
        warnings.append(
            f"forkaudit warm and cold reports differ: {cold.findings} vs {warm.findings}"
        )
    fa_runs = [r for b in (cold, warm) for r in [*b.runs, *([b.prime_run] if b.prime_run else [])]]
    sources = sorted({r.source for r in fa_runs if r.source})
    if len(sources) > 1:
        warnings.append(
            f"forkaudit's source changed during the run ({len(sources)} versions: "
            f"{', '.join(sources)}): its timings mix versions, and a warm run right after a "
            "change is a cache miss (see `source` per run in latest.json)"
        )
    for warning in warnings:
        log("WARNING: " + warning)

    tbin = tools / "bin"
    versions = {
        "forkaudit": tool_version([str(forkaudit), "--version"]),
        "ruff": tool_version([str(tbin / "ruff"), "--version"]),
        "semgrep": tool_version([str(tbin / "semgrep"), "--version", "--disable-version-check"]),
        "bandit": TOOL_PINS["bandit"],
        "pylint": tool_version([str(tbin / "pylint"), "--version"]),
    }
    venv_python = tool_version([str(venv / "bin" / "python"), "--version"])
    meta: JsonDict = {
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "host": {"cores": os.cpu_count(), "platform": platform.platform()},
        "venv": str(venv),
        "venv_python": venv_python,
        "site_packages": str(site),
        "tree": stats,
        "git": git_revision(),
        "versions": versions,
        "rounds": args.rounds,
        "slow_rounds": 0 if args.skip_slow else args.slow_rounds,
        "warnings": warnings,
        "memory_method": "peak of summed /proc/PID/statm RSS (and smaps_rollup PSS) over "
        "the command's process tree (ppid chain + session), polled every "
        f"{POLL_SECONDS} s",
    }
    table = build_table(benches)
    targets = check_targets(benches, args.rss_limit)
    markdown = render_markdown(meta, table, targets)

    args.results.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": meta,
        "tools": [
            {
                "name": b.name,
                "argv": b.argv,
                "env": b.env,
                "skipped": b.skipped,
                "median_s": median_s(b),
                "min_s": min((r.seconds for r in b.runs), default=None),
                "lower_bound": lower_bound(b),
                "findings": b.findings,
                "prime": asdict(b.prime_run) if b.prime_run else None,
                "runs": [asdict(r) for r in b.runs],
            }
            for b in benches
        ],
        "targets": [asdict(t) for t in targets],
        "markdown": markdown,
    }
    (args.results / "latest.json").write_text(json.dumps(payload, indent=2) + "\n")
    (args.results / "latest.md").write_text(markdown)
    print(markdown)
    log(f"wrote {args.results / 'latest.md'} and latest.json")
    failed = [b.name for b in active if any(not r.ok and not r.timed_out for r in b.runs)]
    if failed:
        log("runs failed: " + ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
