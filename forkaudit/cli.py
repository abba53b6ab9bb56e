"""Command line: argument parsing and exit codes only. The work happens in scan.py and below."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import textwrap
import threading
from collections.abc import Sequence
from typing import NoReturn

from forkaudit import __version__
from forkaudit.errors import InputError
from forkaudit.model import SEVERITIES, Rule, ScanReport, severity_at_least

EXIT_CODES = """\
exit codes:
  0  no finding at or above --fail-on (or --exit-zero, or --write-baseline); with a baseline,
     only findings not in it count
  1  findings at or above --fail-on (new ones, when there is a baseline)
  2  usage or input error (bad arguments, not an environment, malformed config, rule or
     baseline file)
  130, 143  interrupted (Ctrl-C) or terminated (SIGTERM): the worker processes are stopped

configuration: [tool.forkaudit] in pyproject.toml (scan/deps: the project of the environment;
check: the nearest pyproject.toml upward); command-line flags override it.
"""


FORMAT_CHOICES: tuple[str, ...] = ("text", "json", "sarif", "html", "github")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"forkaudit: error: {message} (see '{self.prog} --help')\n")


def _add_common(parser: argparse.ArgumentParser, *, fail_on_default: str) -> None:
    parser.add_argument(
        "--format",
        choices=FORMAT_CHOICES,
        default="text",
        help=(
            "output format (default: text; on a terminal a table, piped one line per finding; "
            "github: workflow annotations for CI logs)"
        ),
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.add_argument(
        "--fail-on",
        choices=(*SEVERITIES, "none"),
        default=None,
        help=(
            "exit 1 when a finding is at or above this severity "
            f"(default: config fail-on, else {fail_on_default})"
        ),
    )
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="always exit 0 unless there is a usage or input error",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="read [tool.forkaudit] from this pyproject.toml instead of the discovered one",
    )
    parser.add_argument(
        "--baseline",
        metavar="FILE",
        help="report and fail only on findings not in this baseline (overrides config baseline)",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="ignore the baseline named in the config"
    )
    parser.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write every current finding to FILE as the new baseline (then exit 0)",
    )
    parser.add_argument(
        "--select",
        metavar="IDS",
        help="only these rules, comma-separated (e.g. FA101,FA103); overrides config select",
    )
    parser.add_argument(
        "--ignore", metavar="IDS", help="skip these rules, comma-separated; overrides config ignore"
    )
    parser.add_argument(
        "--extra-rules",
        metavar="PATH",
        action="append",
        default=[],
        help="a folder or .toml file of extra rules (repeatable; added to config extra-rules)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default 0: one per core)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="do not read or write the result cache"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        default="",
        help="result cache folder (default: $XDG_CACHE_HOME/forkaudit)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="longest time one file may take to analyse (default: 60)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bar, no summary lines on standard error, no score formula",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="name every file that could not be parsed, with the reason",
    )


def _add_scan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="the project folder whose pyproject.toml names the direct dependencies",
    )
    parser.add_argument(
        "--include-tests",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also scan the distributions' own test and benchmark code and their modules' "
        "script blocks (if __name__ == '__main__'), reported apart (default: config, else no)",
    )
    parser.add_argument(
        "--top",
        type=int,
        default=None,
        metavar="N",
        help=(
            "distributions and findings shown in the text report (default: 10 on a terminal, "
            "all when piped or written to a file)"
        ),
    )
    parser.add_argument(
        "--runtime",
        metavar="DIR",
        help=(
            "merge the run-time trace of `forkaudit run` (or `watch`) in DIR: what was seen "
            "settles the static guesses, sites seen only at run time are reported"
        ),
    )
    parser.add_argument(
        "--html",
        metavar="FILE",
        help="also write the HTML report to FILE (whatever --format says)",
    )
    parser.add_argument(
        "--no-html",
        action="store_true",
        help="do not write the HTML report (scan writes reports/forkaudit.html by default with "
        "the terminal table only)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="forkaudit",
        description=(
            "Find child processes and threads that are started and never reaped (os.fork with no waitpid, "
            "Popen never waited, threads never joined, pools never shut down) in the packages installed in "
            "a virtualenv, statically: nothing is imported or run. 'forkaudit run' confirms a suspect at run "
            "time by tracing your own server, and 'scan --runtime' merges what it saw."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-V", "--version", action="version", version=f"forkaudit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scan = commands.add_parser(
        "scan",
        help="audit a virtualenv's installed distributions and rank them",
        description=(
            "Audit every distribution installed in an environment and rank them by how suspect they are. "
            "PATH may be a virtualenv, a project folder holding .venv/venv, or a site-packages folder; "
            "default: $VIRTUAL_ENV, else ./.venv or ./venv (here or at the repository root), else the "
            "running interpreter's environment; when the active environment is the one forkaudit "
            "runs from, the project's .venv/venv is audited instead, and stderr says which. "
            "With the terminal table (text format on a terminal, no -q), the HTML report is "
            "also written to reports/forkaudit.html; --html FILE / --no-html make it explicit."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scan.add_argument(
        "path",
        nargs="*",
        metavar="PATH",
        help=(
            "the environment to audit; or, audited before install: wheel files, NAME==VERSION "
            "specs, requirements or lock files"
        ),
    )
    scan.add_argument("--venv", metavar="PATH", help="the environment to audit (same as PATH)")
    before = scan.add_argument_group(
        "before install",
        "audit what pip would install, with nothing installed, built or imported: pip resolves "
        "(wheels only) and downloads into the cache, the wheels are read in memory; a requirement "
        "with no wheel is listed 'not audited: sdist only'",
    )
    before.add_argument(
        "-r",
        "--requirement",
        metavar="FILE",
        action="append",
        default=[],
        help="a requirements file (pip's syntax), pylock.toml or uv.lock (repeatable)",
    )
    before.add_argument(
        "--python-version",
        metavar="X.Y",
        default="",
        help="resolve for this Python (default: the running interpreter's)",
    )
    before.add_argument(
        "--platform", metavar="TAG", default="", help="resolve for this pip platform tag"
    )
    before.add_argument("--index-url", metavar="URL", default="", help="passed to pip")
    before.add_argument(
        "--extra-index-url", metavar="URL", action="append", default=[], help="passed to pip"
    )
    before.add_argument(
        "--find-links", metavar="PATH|URL", action="append", default=[], help="passed to pip"
    )
    before.add_argument("--no-index", action="store_true", help="passed to pip")
    _add_scan_options(scan)
    _add_common(scan, fail_on_default="high")

    deps = commands.add_parser(
        "deps",
        help="the dependency gate (what the forkaudit-deps pre-commit hook runs)",
        description=(
            "Audit the project's environment like 'scan', for a pre-commit hook or CI: the "
            "environment is --venv PATH, else .venv or venv in the current folder or the "
            "repository root, else $VIRTUAL_ENV, never the environment forkaudit itself runs in "
            "(pre-commit's isolated hook environment). No HTML report is written unless "
            "--format html -o FILE. With a baseline (--baseline or config), only new findings fail."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    deps.add_argument("--venv", metavar="PATH", help="the project's environment")
    _add_scan_options(deps)
    _add_common(deps, fail_on_default="high")

    check = commands.add_parser(
        "check",
        help="check your own files or folders (what the pre-commit hook runs)",
        description=(
            "Run the same engine on your own code: one 'path:line:col: RULE [severity] message' "
            "line per finding, paths relative to the current folder. Baseline fingerprints use "
            "paths relative to the repository root, so a baseline matches however files are named."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "paths", nargs="*", metavar="PATH", help="Python files or folders (default: .)"
    )
    _add_common(check, fail_on_default="low")

    # listed for the top-level help only: main() hands `run` and `watch` to runtime.command,
    # which parses their command lines and prints their own --help
    commands.add_parser(
        "run",
        help="run a command (your server) with run-time tracing of its children and threads",
    )
    commands.add_parser(
        "watch",
        help="sample a running process's threads and zombie children from /proc",
    )
    rules = commands.add_parser(
        "rules",
        help="list the rules",
        description="List every rule: id, severity, name and summary.",
    )
    rules.add_argument(
        "--extra-rules",
        metavar="PATH",
        action="append",
        default=[],
        help="a folder or .toml file of extra rules",
    )
    explain = commands.add_parser(
        "explain",
        help="explain one rule, with its examples",
        description="What a rule flags, why it hurts, how to fix it, and its examples.",
    )
    explain.add_argument("rule", metavar="RULE", help="a rule id such as FA101, or its name")
    explain.add_argument(
        "--extra-rules",
        metavar="PATH",
        action="append",
        default=[],
        help="a folder or .toml file of extra rules",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] in ("run", "watch"):
        # their own command line (everything after `run --` is the traced command's)
        from forkaudit.runtime.command import main as runtime_main

        return runtime_main(arguments)
    parser = build_parser()
    args, extra = parser.parse_known_args(arguments)
    if extra:
        # say which command's --help lists the options (argparse names the top level)
        commands = next(
            a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
        ).choices
        (commands.get(args.command) or parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        parser.print_help()
        return 2
    unwinding = _terminate_as_interrupt()
    try:
        if args.command == "rules":
            return _rules(args)
        if args.command == "explain":
            return _explain(args)
        return _audit(args)
    except InputError as exc:
        print(f"forkaudit: error: {exc}", file=sys.stderr)
        return 2
    except _Terminated:
        print("forkaudit: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("forkaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    finally:
        if unwinding:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


class _Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job's timeout, a service manager stopping it), unwound as Ctrl-C is: the
    worker pool and the fork server are killed and reaped on the way out, not left running."""


def _on_terminate(signum: int, frame: object) -> None:
    raise _Terminated()


def _terminate_as_interrupt() -> bool:
    """Make SIGTERM unwind the audit as Ctrl-C does, where it has its default action on the
    main thread (not an embedding program's handler). Whether it did."""
    if threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return False
    signal.signal(signal.SIGTERM, _on_terminate)
    return True


def _ids(value: str | None) -> frozenset[str]:
    return frozenset(part.strip().upper() for part in (value or "").split(",") if part.strip())


def _config_path(args: argparse.Namespace, cwd: str, target: str | None) -> str | None:
    from forkaudit.config import find_pyproject_upward
    from forkaudit.scan import project_folder

    if args.config:
        path = os.path.abspath(os.path.join(cwd, args.config))
        if not os.path.isfile(path):
            raise InputError(f"--config {path} does not exist; pass a pyproject.toml")
        return path
    if args.command == "check":
        return find_pyproject_upward(cwd)
    project = project_folder(target, cwd, args.project)
    candidate = os.path.join(project, "pyproject.toml") if project else ""
    return candidate if candidate and os.path.isfile(candidate) else None


def _audit(args: argparse.Namespace) -> int:
    from forkaudit.config import check_rule_ids, load_settings
    from forkaudit.rules import load_rules
    from forkaudit.scan import (
        RequirementsInput,
        ScanOptions,
        check_paths,
        default_environment,
        project_environment,
        repository_root,
        scan_environment,
        scan_requirements,
    )

    cwd = os.getcwd()
    target: str | None = None
    note = ""  # which environment, when scan chose it
    project: str | None = getattr(args, "project", None)
    before_install: RequirementsInput | None = None
    if args.command == "scan":
        if args.requirement or any(_installable(p, cwd) for p in args.path):
            if args.venv:
                raise InputError(
                    "--venv audits an environment: leave it out with -r, wheels or specs"
                )
            before_install = RequirementsInput(
                files=tuple(args.requirement),
                targets=tuple(args.path),
                python_version=args.python_version,
                platform=args.platform,
                index_url=args.index_url,
                extra_index_urls=tuple(args.extra_index_url),
                find_links=tuple(args.find_links),
                no_index=args.no_index,
                progress=False if args.quiet else None,
            )
        elif len(args.path) > 1:
            raise InputError(
                "give one environment to audit (PATH), or wheels, NAME==VERSION specs and -r files"
            )
        elif args.venv and args.path:
            raise InputError("give the environment either as PATH or as --venv, not both")
        target = args.venv or (args.path[0] if args.path else None)
        if target is None and before_install is None:
            target, note = default_environment(cwd)
    elif args.command == "deps":
        target = project_environment(args.venv, cwd)
        if project is None:
            root = repository_root(cwd)
            if os.path.isfile(os.path.join(root, "pyproject.toml")):
                project = root
    if before_install is not None and not args.config:
        from forkaudit.config import find_pyproject_upward

        settings = load_settings(find_pyproject_upward(cwd))  # the project under review
    else:
        settings = load_settings(_config_path(args, cwd, target))

    pack = load_rules([*settings.extra_rules, *args.extra_rules])
    known = {rule.id for rule in pack.rules}
    check_rule_ids(settings, sorted(known))
    for rule_id in _ids(args.select) | _ids(args.ignore):
        if rule_id not in known:
            raise InputError(f"unknown rule {rule_id}: run 'forkaudit rules' to list them")
    if args.jobs < 0:
        raise InputError("--jobs must be 0 (every core) or more")
    if args.timeout <= 0:
        raise InputError("--timeout must be a positive number of seconds")
    include_tests = getattr(args, "include_tests", None)
    baseline = "" if args.no_baseline else settings.baseline
    if args.baseline:
        baseline = os.path.abspath(os.path.join(cwd, args.baseline))
    interactive = sys.stderr.isatty() and not args.quiet
    options = ScanOptions(
        pack=pack,
        include_tests=settings.include_tests if include_tests is None else include_tests,
        jobs=args.jobs,
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir,
        timeout=args.timeout,
        project=project,
        select=_ids(args.select) if args.select is not None else settings.select,
        ignore=_ids(args.ignore) if args.ignore is not None else settings.ignore,
        include_distributions=settings.include_distributions,
        exclude_distributions=settings.exclude_distributions,
        exclude_paths=settings.exclude_paths,
        ignore_findings=settings.ignore_findings,
        baseline="" if args.write_baseline else baseline,
        write_baseline=(
            os.path.abspath(os.path.join(cwd, args.write_baseline)) if args.write_baseline else ""
        ),
        runtime=getattr(args, "runtime", None) or "",
    )
    from forkaudit.progress import progress_bar

    if note and not args.quiet:
        print(f"forkaudit: {note}", file=sys.stderr)

    with progress_bar(enabled=interactive) as progress:
        options.progress = progress
        if args.command == "check":
            report = check_paths(args.paths or ["."], cwd, options)
        else:
            report = (
                scan_requirements(before_install, cwd, options)
                if before_install is not None
                else scan_environment(target, cwd, options)
            )
    _emit(args, report, cwd)
    if args.write_baseline:
        if not args.quiet:
            print(
                f"forkaudit: baseline of {report.counts.get('baseline_written', 0)} finding(s) "
                f"written to {args.write_baseline}",
                file=sys.stderr,
            )
        return 0
    fail_on = args.fail_on or settings.fail_on or ("low" if args.command == "check" else "high")
    if args.exit_zero or fail_on == "none":
        return 0
    failing = [
        f
        for f in report.findings
        if "test_code" not in f.flags and severity_at_least(f.severity, fail_on)
    ]
    if failing and args.command == "deps" and not args.quiet:
        print(
            f"forkaudit: {len(failing)} finding(s) at or above {fail_on} fail the gate. To accept "
            "them: write a baseline (forkaudit deps --write-baseline forkaudit-baseline.json, "
            'then baseline = "forkaudit-baseline.json" in [tool.forkaudit]), or add an '
            "[[tool.forkaudit.ignore-findings]] entry with a distribution (or fingerprint) and "
            "a reason; --fail-on raises the bar",
            file=sys.stderr,
        )
    return 1 if failing else 0


def _installable(given: str, cwd: str) -> bool:
    """Is a positional argument of `scan` something to audit before install (a wheel, a
    requirements or lock file, a NAME==VERSION spec) rather than an environment?"""
    path = os.path.join(cwd, os.path.expanduser(given))
    if os.path.isdir(path):
        return False
    if os.path.isfile(path):
        # a wheel, a requirements or lock file; any other file is a mistaken environment
        from forkaudit.locks import is_lock_file

        return given.endswith((".whl", ".txt", ".in")) or is_lock_file(path)
    # not on disk: a spec such as `acme==1.2` or `acme`, unless it reads as a path
    return not (os.sep in given or "/" in given or given.startswith((".", "~")))


def _color(tty: bool) -> bool:
    """Colour on a terminal; FORCE_COLOR forces it (CI logs), NO_COLOR wins over both."""
    if os.environ.get("NO_COLOR"):
        return False
    return tty or bool(os.environ.get("FORCE_COLOR"))


def _emit(args: argparse.Namespace, report: ScanReport, cwd: str) -> None:
    from forkaudit.formats import (
        render,
        render_findings_lines,
        render_html,
        render_plain,
        render_text,
    )

    tty = sys.stdout.isatty() and not args.output
    notes: list[str] = []
    if args.format == "text" and args.command == "check":
        text = render_findings_lines(report) + "".join(
            f"{path}:{line}: unused forkaudit suppression\n"
            for path, line in report.unused_suppressions
        )
        text += "".join(f"{error.path}: parse error: {error.reason}\n" for error in report.errors)
        new = "new finding(s)" if report.baselined else "finding(s)"
        summary = f"{len(report.findings)} {new} in {report.files_total} file(s)"
        if report.baselined:
            summary += f", {report.baselined} in the baseline"
        if report.errors:
            summary += f"; {len(report.errors)} file(s) could not be parsed"
        if report.suppressed:
            summary += f"; {report.suppressed} suppressed"
        if report.unused_suppressions:
            summary += f"; {len(report.unused_suppressions)} unused suppression(s)"
    elif args.format == "text":
        if tty:
            top = 10 if args.top is None else args.top
            text = render_text(
                report, color=_color(tty), top=top, quiet=args.quiet, verbose=args.verbose
            )
        else:
            text = render_plain(
                report,
                top=args.top,
                quiet=args.quiet,
                verbose=args.verbose,
                color=_color(False) and not args.output,
            )
        summary = (
            f"{len(report.findings)} new finding(s), {report.baselined} in the baseline"
            if report.baselined
            else ""
        )
    else:
        text = render(report, args.format)
        summary = ""
    unmatched = report.counts.get("baseline_unmatched", 0)
    if unmatched:
        notes.append(
            f"warning: {unmatched} baseline entr{'y' if unmatched == 1 else 'ies'} matched no "
            "finding (fixed since, or written for other files); refresh the baseline with "
            "--write-baseline FILE"
        )
    if args.output:
        _write(args.output, text)
        if not args.quiet:
            print(f"forkaudit: {args.format} report written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        sys.stdout.flush()
    html_path = _html_path(args, cwd)
    if html_path:
        _write(html_path, render_html(report))
        if not args.quiet:
            shown = os.path.relpath(html_path, cwd) if html_path.startswith(cwd) else html_path
            print(f"forkaudit: HTML report written to {shown}", file=sys.stderr)
    if summary and not args.quiet:
        print(f"forkaudit: {summary}", file=sys.stderr)
    for note in notes:
        print(f"forkaudit: {note}", file=sys.stderr)


def _html_path(args: argparse.Namespace, cwd: str) -> str:
    """Where the HTML report goes: --html FILE; by default only beside the terminal table of
    a scan (text on a terminal, not -q), never with --no-html."""
    given: str | None = getattr(args, "html", None)
    if given:
        return os.path.abspath(os.path.join(cwd, given))
    if getattr(args, "no_html", False) or args.command != "scan":
        return ""
    if args.format != "text" or args.output or args.quiet or not sys.stdout.isatty():
        return ""
    return os.path.join(cwd, "reports", "forkaudit.html")


def _write(path: str, text: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(
            f"cannot write {path}: {exc.strerror or exc}; choose another path with -o"
        ) from None


def _rules(args: argparse.Namespace) -> int:
    from forkaudit.rules import load_rules

    pack = load_rules(args.extra_rules)
    width = max(len(rule.name) for rule in pack.rules)
    for rule in pack.rules:
        print(f"{rule.id}  {rule.severity:<6}  {rule.name:<{width}}  {rule.summary}")
    return 0


def _find_rule(rules: Sequence[Rule], key: str) -> Rule | None:
    for rule in rules:
        if key.upper() == rule.id.upper() or key.lower() == rule.name.lower():
            return rule
    return None


def _explain(args: argparse.Namespace) -> int:
    from forkaudit.kinds import HARM_MODEL
    from forkaudit.rules import load_rules

    pack = load_rules(args.extra_rules)
    rule = _find_rule(pack.rules, args.rule)
    if rule is None:
        raise InputError(f"no rule {args.rule!r}: run 'forkaudit rules' to list them")

    def wrap(text: str) -> str:
        return textwrap.fill(" ".join(text.split()), width=88)

    out = [
        f"{rule.id} {rule.name} (severity up to {rule.severity})",
        "",
        "What it does",
        wrap(rule.summary),
        f"Starts: {', '.join(rule.starts)}",
        "",
        "Why it hurts",
        wrap(rule.consequence),
        "",
        "How to fix",
        wrap(rule.fix),
        "",
        "How bad (severity)",
        wrap(HARM_MODEL),
        wrap(
            f"For this rule, an unreaped start leaves {rule.kind.left_behind}. Findings are at "
            f"most {rule.severity}."
        ),
    ]
    for example in rule.examples:
        label = "Leaks" if example.leak else "Fine"
        out += [
            "",
            f"Example ({label}){': ' + example.title if example.title else ''}",
            textwrap.indent(textwrap.dedent(example.code).strip("\n"), "    "),
        ]
    print("\n".join(out))
    return 0
