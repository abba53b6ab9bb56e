"""Command line: argument parsing and exit codes only. The work happens in scan.py and below."""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from collections.abc import Sequence
from typing import NoReturn

from forkaudit import __version__
from forkaudit.errors import InputError
from forkaudit.model import SEVERITIES, Rule, ScanReport, severity_at_least

EXIT_CODES = """\
exit codes:
  0  no finding at or above --fail-on (or --exit-zero)
  1  findings at or above --fail-on
  2  usage or input error (bad arguments, not an environment, malformed config or rule file)
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2 (no usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"forkaudit: error: {message} (see '{self.prog} --help')\n")


def _add_common(parser: argparse.ArgumentParser, *, fail_on_default: str) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json", "html"),
        default="text",
        help="output format (default: text)",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.add_argument(
        "--fail-on",
        choices=(*SEVERITIES, "none"),
        default=fail_on_default,
        help=f"exit 1 when a finding is at or above this severity (default: {fail_on_default})",
    )
    parser.add_argument(
        "--exit-zero",
        action="store_true",
        help="always exit 0 unless there is a usage or input error",
    )
    parser.add_argument(
        "--select", metavar="IDS", help="only these rules, comma-separated (e.g. FA101,FA103)"
    )
    parser.add_argument("--ignore", metavar="IDS", help="skip these rules, comma-separated")
    parser.add_argument(
        "--extra-rules",
        metavar="PATH",
        action="append",
        default=[],
        help="a folder or .toml file of extra rules (repeatable)",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: every core)",
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
        help="no progress bar and no summary lines on standard error",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="forkaudit",
        description=(
            "Find child processes and threads that are started and never reaped (os.fork with no waitpid, "
            "Popen never waited, threads never joined, pools never shut down) in the packages installed in "
            "a virtualenv, statically: nothing is imported or run."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"forkaudit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scan = commands.add_parser(
        "scan",
        help="audit a virtualenv's installed distributions and rank them",
        description=(
            "Audit every distribution installed in an environment and rank them by how suspect they are. "
            "PATH may be a virtualenv, a project folder holding .venv/venv, or a site-packages folder; "
            "default: $VIRTUAL_ENV, else ./.venv, else ./venv, else the running interpreter's environment. "
            "Without -o, the HTML report is also written to reports/forkaudit.html."
        ),
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scan.add_argument("path", nargs="?", metavar="PATH", help="the environment to audit")
    scan.add_argument(
        "--project",
        metavar="DIR",
        help="the project folder whose pyproject.toml names the direct dependencies",
    )
    scan.add_argument(
        "--include-tests",
        action="store_true",
        help="also scan the distributions' own test code (reported apart)",
    )
    scan.add_argument(
        "--top",
        type=int,
        default=10,
        metavar="N",
        help="distributions shown in the terminal table (default: 10)",
    )
    _add_common(scan, fail_on_default="high")

    check = commands.add_parser(
        "check",
        help="check your own files or folders (what the pre-commit hook runs)",
        description="Run the same engine on your own code: one 'path:line:col: RULE message' line per finding.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="Python files or folders")
    _add_common(check, fail_on_default="low")

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
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "rules":
            return _rules(args)
        if args.command == "explain":
            return _explain(args)
        return _audit(args)
    except InputError as exc:
        print(f"forkaudit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("forkaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


def _ids(value: str | None) -> frozenset[str]:
    return frozenset(part.strip().upper() for part in (value or "").split(",") if part.strip())


def _audit(args: argparse.Namespace) -> int:
    from forkaudit.rules import load_rules
    from forkaudit.scan import ScanOptions, check_paths, scan_environment

    pack = load_rules(args.extra_rules)
    known = {rule.id for rule in pack.rules}
    for rule_id in _ids(args.select) | _ids(args.ignore):
        if rule_id not in known:
            raise InputError(f"unknown rule {rule_id}: run 'forkaudit rules' to list them")
    if args.jobs < 0:
        raise InputError("--jobs must be 0 (every core) or more")
    if args.timeout <= 0:
        raise InputError("--timeout must be a positive number of seconds")
    cwd = os.getcwd()
    interactive = sys.stderr.isatty() and not args.quiet
    options = ScanOptions(
        pack=pack,
        include_tests=getattr(args, "include_tests", False),
        jobs=args.jobs,
        use_cache=not args.no_cache,
        cache_dir=args.cache_dir,
        timeout=args.timeout,
        project=getattr(args, "project", None),
        select=_ids(args.select),
        ignore=_ids(args.ignore),
    )
    from forkaudit.progress import progress_bar

    with progress_bar(enabled=interactive) as progress:
        options.progress = progress
        if args.command == "scan":
            report = scan_environment(args.path, cwd, options)
        else:
            report = check_paths(args.paths, cwd, options)
    _emit(args, report, cwd)
    if args.exit_zero or args.fail_on == "none":
        return 0
    failing = [
        f
        for f in report.findings
        if "test_code" not in f.flags and severity_at_least(f.severity, args.fail_on)
    ]
    return 1 if failing else 0


def _emit(args: argparse.Namespace, report: ScanReport, cwd: str) -> None:
    from forkaudit.formats import render, render_findings_lines, render_html, render_text

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    if args.format == "text" and args.command == "check":
        text = render_findings_lines(report)
        summary = f"{len(report.findings)} finding(s) in {report.files_total} file(s)"
        if report.errors:
            summary += f"; {len(report.errors)} file(s) could not be parsed"
        if report.suppressed:
            summary += f"; {report.suppressed} suppressed"
    elif args.format == "text":
        text = render_text(report, color=color and not args.output, top=args.top)
        summary = ""
    else:
        text = render(report, args.format)
        summary = ""
    if args.output:
        _write(args.output, text)
        if not args.quiet:
            print(f"forkaudit: {args.format} report written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        sys.stdout.flush()
    if args.command == "scan" and not args.output:
        html_path = os.path.join(cwd, "reports", "forkaudit.html")
        _write(html_path, render_html(report))
        if not args.quiet:
            print(
                f"forkaudit: HTML report written to {os.path.relpath(html_path, cwd)}",
                file=sys.stderr,
            )
    if summary and not args.quiet:
        print(f"forkaudit: {summary}", file=sys.stderr)


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
    from forkaudit.rules import load_rules

    pack = load_rules(args.extra_rules)
    rule = _find_rule(pack.rules, args.rule)
    if rule is None:
        raise InputError(f"no rule {args.rule!r}: run 'forkaudit rules' to list them")

    def wrap(text: str) -> str:
        return textwrap.fill(" ".join(text.split()), width=88)

    out = [
        f"{rule.id} {rule.name} (severity {rule.severity})",
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
