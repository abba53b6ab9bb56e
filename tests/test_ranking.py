"""The ranking's one sentence per distribution: it names the strongest finding and counts only
what it says it counts."""

from __future__ import annotations

from report_factory import make_finding, make_rule

from forkaudit.model import Distribution
from forkaudit.ranking import rank, why


def test_the_sentence_counts_high_findings_not_findings_of_the_top_rule() -> None:
    thread = make_rule(
        "FA111", "thread-not-joined", "thread", "high", ("threading.Thread",), "s", "c", "f"
    )
    pool = make_rule(
        "FA115", "executor-not-shut-down", "executor", "high", ("x.Executor",), "s", "c", "f"
    )
    findings = [
        make_finding(pool, "acme", "acme/a.py", 3, message="x; on every call of get()"),
        make_finding(thread, "acme", "acme/b.py", 5, message="y; once per Client object"),
        make_finding(thread, "acme", "acme/c.py", 7, message="z; once", severity="medium"),
    ]
    sentence = why(findings)
    assert sentence.startswith("can pile up under load: FA115 at acme/a.py:3 ")
    assert "(2 high findings in all)" in sentence
    assert sentence.endswith("on every call of get()")
    assert (
        why(findings[:1]) == "can pile up under load: FA115 at acme/a.py:3: on every call of get()"
    )
    assert why(findings[2:]).startswith("nothing seen to pile up; 1 bounded finding, the strongest")
    assert why([]) == "no finding"


def test_a_lasting_leak_outranks_many_transient_ones_of_its_severity() -> None:
    """A dropped Popen's zombie is reaped by CPython at the next Popen(): seven such per call
    (an image viewer) rank below one pool whose workers stay with each object made, both medium."""
    popen = make_rule(
        "FA103", "popen-not-waited", "popen", "high", ("subprocess.Popen",), "s", "c", "f"
    )
    pool = make_rule(
        "FA115", "executor-not-shut-down", "executor", "high", ("x.Executor",), "s", "c", "f"
    )
    viewer = [
        make_finding(
            popen,
            "viewer",
            "viewer/show.py",
            line,
            severity="medium",
            flags=("per-call", "transient"),
        )
        for line in range(10, 17)
    ]
    lasting = make_finding(
        pool, "client", "client/repo.py", 3, severity="medium", flags=("per-object",)
    )
    ranked = rank(
        [
            Distribution(name, "1", f"/sp/{name}-1.dist-info", (), (), 0)
            for name in ("viewer", "client")
        ],
        [*viewer, lasting],
        [],
        {},
        {},
    )
    assert [r.name for r in ranked] == ["client", "viewer"], [(r.name, r.score) for r in ranked]
    assert ranked[0].score == 10.0 and ranked[1].score == 5.3
