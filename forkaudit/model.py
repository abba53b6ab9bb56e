"""Plain data passed from stage to stage: source -> files -> engine -> findings -> ranking -> formats.

Every type here is a frozen dataclass with no behaviour beyond small derived properties, so each
stage can be tested (and faked) on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from forkaudit.kinds import Kind

SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")


def severity_at_least(severity: str, threshold: str) -> bool:
    """True when ``severity`` is at or above ``threshold`` (high > medium > low)."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class RuleExample:
    """A rule's executable example. In a leak example every line that must be flagged ends with
    the comment ``# leak``; a good example (``leak = false``) must produce no finding of the rule."""

    code: str
    leak: bool
    title: str = ""


@dataclass(frozen=True)
class ArgCondition:
    """The start only counts when positional argument ``index`` (or keyword ``keyword``)
    resolves to one of ``values`` (qualified names such as ``os.P_NOWAIT``)."""

    index: int
    keyword: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    kind: Kind
    severity: str  # the most this rule reports: the harm model may say less, never more
    handle: str  # "pid" (an int reaped by os.wait*) | "object" (reaped through its methods)
    starts: tuple[str, ...]
    # The methods whose call makes the handle live: () when the call itself starts the child;
    # ("start",) for Thread/Process; ("submit", "map") for an executor, which starts no worker before.
    start_methods: tuple[str, ...]
    reaped_by_methods: tuple[str, ...]
    # Calls that, given the handle as an argument, start it without taking it over
    # (``loop.run_in_executor(executor, fn)``): matched on the callee's last name.
    started_by_calls: tuple[str, ...]
    reaped_by_functions: tuple[str, ...]  # qualified functions that reap when given the handle
    context_manager: bool
    awaited: bool  # asyncio: the start call is awaited, the reap methods are awaited
    wait_any: bool  # module-level os.wait()/waitpid(-1)/SIGCHLD reapers cover it
    arg_condition: ArgCondition | None
    summary: str
    consequence: str
    fix: str
    examples: tuple[RuleExample, ...]
    source: str  # the TOML file it came from
    # let go by everything, it is shut down when CPython collects it (at once, by reference
    # counting): an executor's workers end, a Manager's server process is joined. Nothing is
    # left, and a dropped one is not reported
    finalized_when_collected: bool = False
    # the methods saying it still runs (``is_active()``): a ``while`` going on while one says so,
    # left no other way, ends once it has ended, as a join does
    alive_methods: tuple[str, ...] = ()


@dataclass(frozen=True)
class RulePack:
    rules: tuple[Rule, ...]
    digest: str  # hash of every rule file's bytes: part of the cache key

    def by_id(self, rule_id: str) -> Rule | None:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None


# --------------------------------------------------------------------------- environment


@dataclass(frozen=True)
class Distribution:
    name: str  # as METADATA spells it
    version: str
    metadata_path: str  # absolute path of the .dist-info / .egg-info folder
    requires: tuple[str, ...]  # raw Requires-Dist strings
    files: tuple[str, ...]  # .py files it owns, relative to site-packages (posix separators)
    compiled: int  # .so/.pyd modules it owns
    editable: bool = False
    warnings: tuple[str, ...] = ()
    # METADATA's Project-URL entries (label, url), and Home-page as ("Homepage", url)
    project_urls: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Environment:
    path: str  # the venv (or site-packages) folder given
    python_version: str  # "3.12" of the *target* environment, "" when unknown
    site_packages: tuple[str, ...]
    distributions: tuple[Distribution, ...]
    unowned: tuple[str, ...]  # .py files listed by no RECORD, relative to their site-packages
    warnings: tuple[str, ...] = ()
    # the top-level names its site folders make importable (packages, modules, extension
    # modules), and a namespace package's parts as `namespace.part`, sorted; () when that
    # cannot be told (see environment.importable_names)
    modules: tuple[str, ...] = ()


@dataclass(frozen=True)
class DependencyInfo:
    """How a distribution got into the environment."""

    direct: bool
    chain: tuple[str, ...]  # from a direct dependency (or the project) down to it


# --------------------------------------------------------------------------- files


@dataclass(frozen=True)
class SourceFile:
    """One file to analyse."""

    abspath: str
    relpath: str  # relative to site-packages or to the scanned root, posix separators
    distribution: str  # "" for unowned / first-party files
    test_code: bool = False


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Observed:
    """What a trace (``forkaudit run``) saw at a start site or in a distribution (DESIGN §7
    ``"runtime"``): starts summed over the traced processes; unreaped = children still zombies or
    never waited at the last sample plus threads started there still alive; processes = how many
    traced processes started it."""

    starts: int
    unreaped: int
    processes: int


@dataclass(frozen=True)
class ObservedSeries:
    """One observed site over time, summed over the traced processes, for the report's chart."""

    label: str  # "distribution: path:line"
    kind: str
    times: tuple[float, ...]  # seconds since the trace started
    live: tuple[int, ...]  # threads and children started there and still running
    zombies: tuple[int, ...]
    starts: tuple[int, ...]  # cumulative


@dataclass(frozen=True)
class RuntimeEvidence:
    """What was traced, for the report: ``summary`` is the JSON top-level ``runtime`` object."""

    summary: dict[str, object]
    series: tuple[ObservedSeries, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    severity: str
    confidence: str
    path: str
    line: int
    column: int  # 1-based, as editors count
    end_line: int
    message: str
    snippet: str  # the source line of the start call
    context_start: int  # line number of context[0]
    context: tuple[str, ...]  # a few source lines around the start
    flags: tuple[str, ...]  # accumulates, in-loop, per-call, loops-forever, daemon, test_code, ...
    distribution: str = ""
    fingerprint: str = ""
    runtime: Observed | None = None  # seen at run time (scan --runtime)


@dataclass(frozen=True)
class FileError:
    path: str
    reason: str
    distribution: str = ""


@dataclass(frozen=True)
class FileResult:
    """What the engine says about one file."""

    path: str
    findings: tuple[Finding, ...]
    error: FileError | None = None
    parsed: bool = False
    suppressed: int = 0
    # the lines of suppression comments that matched nothing
    unused_suppressions: tuple[int, ...] = ()
    # private functions whose callers in the package's other modules would say how often a
    # high finding's start runs (the runner looks them up and analyses the file again)
    asks: tuple[str, ...] = ()
    # the top-level modules its body imports outside any try/if (analysis.requires): where one
    # is missing, the module cannot be imported and nothing in it runs (told for findings only)
    requires: tuple[str, ...] = ()
    # the Python 2 form that keeps the module from compiling as Python 3 ("`print x` at line 4"):
    # importing it raises SyntaxError on any Python 3, so nothing in it runs (its other
    # statements are still analysed, and their findings told as unable to run)
    python2: str = ""


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class RankedDistribution:
    name: str
    version: str
    rank: int
    score: float
    direct: bool
    chain: tuple[str, ...]
    counts: dict[str, int]  # findings by severity
    files_scanned: int
    files_compiled: int
    files_unparsed: int
    test_findings: int = 0
    editable: bool = False
    why: str = ""  # one sentence: why it ranks where it does
    project_urls: tuple[tuple[str, str], ...] = ()  # (label, url) from METADATA
    runtime: Observed | None = None  # its observed sites summed (scan --runtime)


@dataclass(frozen=True)
class ScanReport:
    """Everything the formats need; formats never look further upstream than this."""

    forkaudit_version: str
    mode: str  # "scan" | "check"
    target: str
    python_version: str
    distributions: tuple[RankedDistribution, ...]
    findings: tuple[Finding, ...]
    errors: tuple[FileError, ...]
    rules: tuple[Rule, ...]
    score_formula: str
    duration_seconds: float
    files_total: int
    files_parsed: int
    suppressed: int = 0
    warnings: tuple[str, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)
    baselined: int = 0  # findings left out because the baseline holds them
    baseline_unmatched: int = 0  # baseline entries that matched no current finding
    # what was audited (DESIGN §7 environment.source): "venv", "site-packages", "requirements",
    # "wheels"; "files" for `check`
    source: str = ""
    runtime: RuntimeEvidence | None = None  # scan --runtime: what was traced
    unused_suppressions: tuple[tuple[str, int], ...] = ()  # (path, line) of a no-op ignore comment
    # Where to anchor results in the user's repository (SARIF): ``anchor_root`` is the folder
    # URIs are relative to; ``anchors`` maps a distribution name (scan) or a finding path (check)
    # to (path relative to anchor_root, line); line 0 = the finding's own line.
    anchor_root: str = ""
    anchors: dict[str, tuple[str, int]] = field(default_factory=dict)
