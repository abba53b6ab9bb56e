"""The ranking's one sentence per distribution: it names the strongest finding and counts only
what it says it counts."""

from __future__ import annotations

from report_factory import make_finding, make_rule

from forkaudit.ranking import why


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
