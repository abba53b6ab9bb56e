"""What ``forkaudit run`` costs a real server: requests per second of gunicorn (sync workers)
serving a trivial WSGI app, with and without tracing, side by side in one run.

Rounds alternate (plain, traced, plain, traced, ...) so that a machine getting busier or
quieter weighs on both alike; each round starts the server afresh, warms it up, then counts the
responses that client processes get in a fixed time, and the CPU time the server's process tree
(``run`` included when traced) used meanwhile. Printed: the median of each side, the best round
of each side, the median of each round's traced/plain ratio (the target: traced at most 5 %
slower), and the server CPU per request, which other load on the machine disturbs least.

    python benchmarks/runtime_overhead.py                 # gunicorn from PyPI in a temp venv
    python benchmarks/runtime_overhead.py --rounds 7 --seconds 8 --venv /tmp/bench-venv

``--venv`` keeps the venv (made with ``--python``, by default a CPython 3.12 from pyenv if
there is one, else this interpreter) for the next run. Linux only (``forkaudit run`` is).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

APP = """\
def app(environ, start_response):
    body = b"hello, world\\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""

CLIENT = """\
import http.client, sys, time
port, until = int(sys.argv[1]), float(sys.argv[2])
done = 0
while time.time() < until:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/")
        response = connection.getresponse()
        if response.status == 200 and response.read():
            done += 1
    except OSError:
        pass
    finally:
        connection.close()
print(done)
"""


def _pyenv_python(version: str) -> str | None:
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    if not root.is_dir():
        return None
    found = sorted(
        (p for p in root.iterdir() if p.name.startswith(version + ".")),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.name.split(".")],
    )
    for candidate in reversed(found):
        if (candidate / "bin" / "python3").exists():
            return str(candidate / "bin" / "python3")
    return None


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    with subprocess.Popen(command, env=env) as proc:
        proc.communicate(timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}")


def _make_venv(venv: Path, python: str) -> Path:
    gunicorn = venv / "bin" / "gunicorn"
    if gunicorn.exists():
        return gunicorn
    _run([python, "-m", "venv", str(venv)])
    env = {k: v for k, v in os.environ.items() if k != "PIP_REQUIRE_VIRTUALENV"}
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "gunicorn"], env=env)
    return gunicorn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by ``pid`` and its descendants."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children", "rb") as handle:
                    pending.extend(int(p) for p in handle.read().split())
        except (OSError, IndexError, ValueError):
            continue
    return total


def _load(port: int, seconds: float, clients: int) -> int:
    """Responses the client processes received in ``seconds``."""
    until = time.time() + seconds
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CLIENT, str(port), repr(until)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(clients)
    ]
    total = 0
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 60)
        total += int(out.strip() or 0)
    return total


def _round(
    gunicorn: Path, workdir: Path, traced: bool, args: argparse.Namespace
) -> tuple[float, float, int]:
    """(requests per second, server CPU microseconds per request, traced processes)."""
    port = _free_port()
    server = [str(gunicorn), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"]
    server += ["--log-level", "warning", "app:app"]
    trace = workdir / "trace"
    command = server
    if traced:
        command = [sys.executable, "-m", "forkaudit.runtime", "run", "--trace", str(trace)]
        command += ["--interval", str(args.interval), "--", *server]
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["HOME"] = str(workdir)  # gunicorn's control socket, if it has one
    with subprocess.Popen(command, cwd=workdir, env=env, stderr=subprocess.PIPE) as proc:
        try:
            deadline = time.monotonic() + 60
            while not _answers(port):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.05)
            _load(port, args.warmup, args.clients)
            cpu = _tree_cpu(proc.pid)
            done = _load(port, args.seconds, args.clients)
            cpu = _tree_cpu(proc.pid) - cpu
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=120)
    processes = len(list(trace.glob("trace-*.json"))) if traced else 0
    if traced:
        shutil.rmtree(trace, ignore_errors=True)
    return done / args.seconds, cpu * 1e6 / max(done, 1), processes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each side (default 5)")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per round")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds first")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--clients", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--interval", type=float, default=1.0, help="forkaudit run --interval")
    parser.add_argument("--python", default=None, help="the venv's interpreter")
    parser.add_argument("--venv", type=Path, default=None, help="keep the venv here")
    args = parser.parse_args()
    if not sys.platform.startswith("linux"):
        print("runtime_overhead: forkaudit run needs Linux", file=sys.stderr)
        return 2
    python = args.python or _pyenv_python("3.12") or sys.executable
    with tempfile.TemporaryDirectory(prefix="forkaudit-overhead-") as tmp:
        workdir = Path(tmp)
        (workdir / "app.py").write_text(APP, encoding="utf-8")
        gunicorn = _make_venv(args.venv or workdir / "venv", python)
        version = subprocess.run(
            [str(gunicorn.parent / "python"), "-c", "import sys, gunicorn; "
             "print(sys.version.split()[0], gunicorn.__version__)"],
            capture_output=True, text=True, check=True,
        ).stdout.split()  # fmt: skip
        print(
            f"gunicorn {version[1]} on CPython {version[0]}, {args.workers} sync workers, "
            f"{args.clients} client processes, {args.seconds:g} s per round, "
            f"run --interval {args.interval:g}, {os.cpu_count()} cores"
        )
        plain: list[float] = []
        traced: list[float] = []
        plain_cpu: list[float] = []
        traced_cpu: list[float] = []
        for number in range(1, args.rounds + 1):
            for is_traced, results, cpus in ((False, plain, plain_cpu), (True, traced, traced_cpu)):
                rate, cpu, processes = _round(gunicorn, workdir, is_traced, args)
                results.append(rate)
                cpus.append(cpu)
                label = f"traced ({processes} processes)" if is_traced else "plain"
                print(
                    f"round {number}: {label:<22} {rate:8.0f} requests/s "
                    f"{cpu:7.1f} server CPU us/request",
                    flush=True,
                )
    plain_median, traced_median = statistics.median(plain), statistics.median(traced)
    pairs = statistics.median(t / p for p, t in zip(plain, traced, strict=True))
    best = max(traced) / max(plain)
    print(
        f"median: plain {plain_median:.0f} requests/s, traced {traced_median:.0f} requests/s, "
        f"traced/plain {traced_median / plain_median:.3f}"
    )
    print(f"best: plain {max(plain):.0f}, traced {max(traced):.0f}, traced/plain {best:.3f}")
    print(
        f"median of the rounds' traced/plain: {pairs:.3f} ({(1 - pairs) * 100:+.1f} % slower; "
        "target <= 5 %)"
    )
    cpu_ratio = statistics.median(traced_cpu) / statistics.median(plain_cpu)
    print(
        f"server CPU per request (the figure a busy machine disturbs least): plain "
        f"{statistics.median(plain_cpu):.1f} us, traced {statistics.median(traced_cpu):.1f} us, "
        f"traced/plain {cpu_ratio:.3f} ({(cpu_ratio - 1) * 100:+.1f} % more CPU)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
