"""A realistic ScanReport built by hand, for testing the formats without the engine.

It contains several ranked distributions (one with no findings, one editable), findings with
flags, a test-code finding, an unowned finding, parse errors, warnings, and deliberately hostile
strings in names, paths, messages and code, as a malicious package could carry.
"""

from __future__ import annotations

from dataclasses import fields

from forkaudit.model import FileError, Finding, RankedDistribution, Rule, RuleExample, ScanReport

HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_ANSI = "\x1b[31mred\x1b[0m\x1b]0;pwned\x07"
HOSTILE_MARKUP = "[red]x[/red]"
HOSTILE_DIST = f"evil-pkg{HOSTILE_IMG}"


def make_rule(
    rule_id: str,
    name: str,
    kind: str,
    severity: str,
    starts: tuple[str, ...],
    summary: str,
    consequence: str,
    fix: str,
    examples: tuple[RuleExample, ...] = (),
) -> Rule:
    values: dict[str, object] = dict(
        id=rule_id,
        name=name,
        kind=kind,
        severity=severity,
        handle="pid" if kind == "fork" else "object",
        starts=starts,
        start_methods=("start",) if kind in ("thread", "process") else (),
        started_by_calls=(),
        reaped_by_methods=("join",) if kind in ("thread", "process") else ("wait", "communicate"),
        reaped_by_functions=("os.waitpid",) if kind == "fork" else (),
        context_manager=kind == "popen",
        awaited=False,
        wait_any=kind == "fork",
        arg_condition=None,
        summary=summary,
        consequence=consequence,
        fix=fix,
        examples=examples,
        source=f"rules/{kind}.toml",
    )
    # Tolerate the Rule dataclass growing or losing a field while the model settles.
    known = {f.name for f in fields(Rule)}
    return Rule(**{key: value for key, value in values.items() if key in known})  # type: ignore[arg-type]


RULES: tuple[Rule, ...] = (
    make_rule(
        "FA101",
        "fork-not-waited",
        "fork",
        "high",
        ("os.fork",),
        "A child forked with os.fork() whose pid is never passed to os.waitpid().",
        "The child stays a zombie until the parent exits; a long-running server that forks per "
        "request fills the process table and eventually fails with errno 11 (EAGAIN).",
        "Keep the pid and call os.waitpid(pid, 0) in the parent, or use subprocess.run().",
        (
            RuleExample(
                code="import os\n\npid = os.fork()  # leak\nif pid == 0:\n    os._exit(0)\n",
                leak=True,
                title="fork without wait",
            ),
            RuleExample(
                code="import os\n\npid = os.fork()\nif pid == 0:\n    os._exit(0)\nos.waitpid(pid, 0)\n",
                leak=False,
                title="the parent waits",
            ),
        ),
    ),
    make_rule(
        "FA103",
        "popen-not-waited",
        "popen",
        "medium",
        ("subprocess.Popen",),
        "A subprocess.Popen that is never waited, communicated with, or used as a context manager.",
        "The finished child lingers as a zombie while the Popen object lives, and CPython emits a "
        "ResourceWarning when it is collected.",
        "Use `with subprocess.Popen(...) as proc:` or call proc.wait() / proc.communicate().",
        (RuleExample(code="import subprocess\nsubprocess.Popen(['ls'])  # leak\n", leak=True),),
    ),
    make_rule(
        "FA110",
        "thread-not-joined",
        "thread",
        "low",
        ("threading.Thread",),
        "A threading.Thread that is started and never joined.",
        "Started on every call with a target that loops forever, threads accumulate until the "
        "process hits its thread limit: RuntimeError: can't start new thread.",
        "Keep a reference and join() it on shutdown, or use one long-lived worker.",
    ),
    make_rule(
        "FA199",
        f"hostile-rule{HOSTILE_IMG}",
        "spawn",
        "low",
        ("os.spawnv",),
        f"Summary with {HOSTILE_SCRIPT}",
        f"Consequence with {HOSTILE_IMG}",
        f"Fix with {HOSTILE_MARKUP} and {HOSTILE_ANSI}",
        (RuleExample(code=f"x = '{HOSTILE_SCRIPT}'  # leak\n", leak=True, title=HOSTILE_IMG),),
    ),
)


def make_finding(
    rule: Rule,
    dist: str,
    path: str,
    line: int,
    *,
    message: str = "",
    confidence: str = "high",
    flags: tuple[str, ...] = (),
    code: tuple[str, ...] | None = None,
    severity: str = "",
    column: int = 11,
) -> Finding:
    context = code or (
        "def handle(self, request):",
        "    # one child per request",
        f"    pid = {rule.starts[0]}()",
        "    if pid == 0:",
        "        self.serve(request)",
    )
    start = max(1, line - 2)
    snippet = context[line - start] if 0 <= line - start < len(context) else context[0]
    return Finding(
        rule=rule.id,
        name=rule.name,
        severity=severity or rule.severity,
        confidence=confidence,
        path=path,
        line=line,
        column=column,
        end_line=line,
        message=message or rule.summary,
        snippet=snippet.strip(),
        context_start=start,
        context=context,
        flags=flags,
        distribution=dist,
        fingerprint=f"{rule.id}:{dist}:{path}:{line}",
    )


def make_report() -> ScanReport:
    fork, popen, thread, hostile = RULES
    findings = (
        make_finding(
            fork,
            "acme-proxy",
            "acme_proxy/proxy.py",
            88,
            message="os.fork() in handle() is never waited: the child becomes a zombie",
            flags=("accumulates", "per-call"),
        ),
        make_finding(
            thread,
            "acme-proxy",
            "acme_proxy/pool.py",
            41,
            message="Thread started in submit() is never joined and its target loops forever",
            severity="high",
            confidence="medium",
            flags=("accumulates", "loops-forever"),
            code=(
                "    def submit(self, job):",
                "        t = threading.Thread(target=self._loop)",
                "        t.start()",
                "        return None",
            ),
        ),
        make_finding(
            popen,
            "webkit-utils",
            "webkit_utils/render.py",
            12,
            message="subprocess.Popen() result is discarded",
            code=(
                "def render(url):",
                "    subprocess.Popen(['chromium', '--headless', url])",
                "    return True",
            ),
        ),
        make_finding(
            thread,
            "webkit-utils",
            "webkit_utils/tests/test_render.py",
            7,
            message="Thread started and never joined (test code)",
            flags=("test_code",),
        ),
        make_finding(
            hostile,
            HOSTILE_DIST,
            f"evil/{HOSTILE_MARKUP}/{HOSTILE_IMG}.py",
            3,
            message=f"hostile {HOSTILE_ANSI} {HOSTILE_SCRIPT} {HOSTILE_MARKUP}",
            flags=(HOSTILE_IMG,),
            code=(
                "import os",
                f"# {HOSTILE_SCRIPT}",
                f"os.spawnv(os.P_NOWAIT, '{HOSTILE_IMG}', [])  # {HOSTILE_ANSI}",
                f"'{HOSTILE_MARKUP}'",
            ),
        ),
        make_finding(
            popen,
            "",
            "myapp/jobs.py",
            5,
            message="subprocess.Popen() is never waited",
            confidence="low",
        ),
    )
    distributions = (
        RankedDistribution(
            name="acme-proxy",
            version="2.3.0",
            rank=1,
            score=17.5,
            direct=False,
            chain=("your-app", "webkit-utils", "acme-proxy"),
            counts={"high": 2, "medium": 0, "low": 0},
            files_scanned=42,
            files_compiled=1,
            files_unparsed=0,
        ),
        RankedDistribution(
            name="webkit-utils",
            version="0.9.1",
            rank=2,
            score=4.0,
            direct=True,
            chain=("webkit-utils",),
            counts={"high": 0, "medium": 1, "low": 0},
            files_scanned=18,
            files_compiled=0,
            files_unparsed=1,
            test_findings=1,
        ),
        RankedDistribution(
            name=HOSTILE_DIST,
            version=f"6.6.6{HOSTILE_SCRIPT}",
            rank=3,
            score=1.0,
            direct=False,
            chain=("your-app", HOSTILE_MARKUP, HOSTILE_DIST),
            counts={"high": 0, "medium": 0, "low": 1},
            files_scanned=3,
            files_compiled=0,
            files_unparsed=1,
        ),
        RankedDistribution(
            name="requests",
            version="2.32.3",
            rank=4,
            score=0.0,
            direct=True,
            chain=("requests",),
            counts={"high": 0, "medium": 0, "low": 0},
            files_scanned=35,
            files_compiled=0,
            files_unparsed=0,
        ),
    )
    errors = (
        FileError(
            path="webkit_utils/_py2compat.py",
            reason="SyntaxError: invalid syntax (line 14)",
            distribution="webkit-utils",
        ),
        FileError(
            path=f"evil/{HOSTILE_IMG}.py",
            reason=f"UnicodeDecodeError {HOSTILE_SCRIPT}",
            distribution=HOSTILE_DIST,
        ),
    )
    return ScanReport(
        forkaudit_version="0.1.0",
        mode="scan",
        target="/home/dev/project/.venv",
        python_version="3.12",
        distributions=distributions,
        findings=findings,
        errors=errors,
        rules=RULES,
        score_formula="score = sum over findings of severity weight (high 5, medium 2, low 1) "
        "* confidence (high 1, medium 0.75, low 0.5) * 1.5 if accumulates",
        duration_seconds=1.2345,
        files_total=100,
        files_parsed=96,
        suppressed=2,
        warnings=(f"odd METADATA in {HOSTILE_DIST}", "editable install my-project excluded"),
    )
