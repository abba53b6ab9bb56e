"""The slicer's text scanners written for speed give what the plain regex (or loop) they stand
for gives: the same matches on random strings of the pieces that matter and on shapes written
out. (The slices of every candidate file of the benchmark and held-out environments and of
the corpus were compared byte for byte when they were written: 3,661 slices, none differ.)"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable

from forkaudit.analysis import slicing
from forkaudit.analysis.vocabulary import THREAD_TARGET_KEYWORDS


def _strings_by_every_token(text: str) -> list[tuple[int, int]]:
    """The triple-quoted strings as the slicer found them before: every comment and one-line
    string tokenized from the top of the text."""
    spans: list[tuple[int, int]] = []
    if '"""' not in text and "'''" not in text:
        return spans
    position = 0
    while True:
        token = slicing._STRING_TOKEN.search(text, position)
        if token is None:
            return spans
        quote = token.group(0)
        if quote not in ('"""', "'''"):
            position = token.end()
            continue
        start = token.start()
        end = text.find(quote, start + 3)
        while end > 0 and text[end - 1] == "\\":
            end = text.find(quote, end + 1)
        if end < 0:
            spans.append((start, len(text)))
            return spans
        spans.append((start, end + 3))
        position = end + 3


def _random_texts(pieces: list[str], count: int, longest: int, seed: int) -> list[str]:
    chooser = random.Random(seed)
    return [
        "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, longest)))
        for _ in range(count)
    ]


def test_triple_quoted_strings_are_found_as_by_every_token() -> None:
    pieces = ['"""', "'''", '"', "'", "#", "\n", "x", " ", "\\", "f", "# '''", '"a"']
    texts = [
        *_random_texts(pieces, 20000, 16, 1),
        'x = 1  # """ not a string\ny = """doc\n"""\n',
        "s = '\"\"\"'\nt = '''a'''\n",
        'a = """one""" + """two"""  # \'\'\'\n',
        'def f():\n    """doc"""\n    return "\'\'\'"\n',
        '"""never closed\n',
        "r = '''a\\'''b'''\n",
    ]
    for text in texts:
        found = slicing._Strings(text)
        assert list(zip(found.starts, found.ends, strict=True)) == _strings_by_every_token(text), (
            repr(text)
        )


def test_submissions_are_where_the_submitted_regex_matches() -> None:
    pieces = ["ex", "_", "1", ".", ")", "(", " ", "\t", "submit", "run_in_executor", "é", "\n"]
    texts = [
        *_random_texts(pieces, 20000, 12, 2),
        "pool.submit(task)",
        "self._pool.submit(self._beat)",
        "make().submit(f)",
        "1x.submit(f)",
        "loop.run_in_executor(None, f)",
        "xrun_in_executor (ex, f)",
        "run_in_executor.submit(f)",
        "ex.submitter(f)",
        "étrange.submit(f)",
    ]
    for text in texts:
        expected = [(m.start(), m.end()) for m in slicing._SUBMITTED.finditer(text)]
        assert sorted(slicing._submissions(text)) == expected, repr(text)


def test_matches_from_literals_are_those_of_finditer() -> None:
    pieces = ["target", "function", "=", " ", "self.", "x", "_", "\n", "targ", "et", "1"]
    texts = [
        *_random_texts(pieces, 20000, 10, 3),
        "Thread(target=self._run)",
        "Timer(1, function=tick)",
        "target=target=x",
        "target=function=x",
        "function = self.target = y",
    ]
    for text in texts:
        expected = [(m.span(), m.group(1)) for m in slicing._TARGET.finditer(text)]
        got = [
            (m.span(), m.group(1))
            for m in slicing._from_literals(slicing._TARGET, text, THREAD_TARGET_KEYWORDS)
        ]
        assert got == expected, repr(text)


def test_register_calls_are_the_word_starts_of_the_register_regex() -> None:
    pieces = [*slicing._REGISTERS, "(", " ", "un", "x", ".", "\t", "_"]
    for text in [*_random_texts(pieces, 20000, 8, 4), "atexit.unregister(f) register(g)"]:
        everywhere = [
            m.span()
            for m in slicing._REGISTER_CALL.finditer(text)
            if m.start() == 0 or not (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")
        ]
        assert [m.span() for m in slicing._register_calls(text)] == everywhere, repr(text)


def test_call_arguments_count_brackets_as_the_loop_did() -> None:
    def by_loop(text: str, start: int, limit: int) -> str:
        depth = 1
        end = min(len(text), start + limit)
        for position in range(start, end):
            if text[position] in "([{":
                depth += 1
            elif text[position] in ")]}":
                depth -= 1
                if not depth:
                    return text[start:position]
        return text[start:end]

    pieces = ["(", ")", "[", "]", "{", "}", "a", ",", " ", "'('"]
    for text in _random_texts(pieces, 20_000, 14, 5):
        for limit in (3, 2000):
            assert slicing._call_arguments(text, 0, limit) == by_loop(text, 0, limit), repr(text)


def test_class_calls_name_the_class_and_the_method() -> None:
    pattern = slicing._class_calls(("Radio", "RadioManager"))
    body = "RadioManager.open(0)\nx.Radio.close()\nRadio.tune (1)\nRadios.x()"
    assert [m.groups() for m in pattern.finditer(body)] == [
        ("RadioManager", "open"),
        ("Radio", "tune"),
    ]
    assert isinstance(pattern, re.Pattern)


def _finds_as_finditer(
    pattern: re.Pattern[str], texts: list[str], found: Callable[[str], Iterable[re.Match[str]]]
) -> None:
    for text in texts:
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in found(text)] == expected, repr(text)


def test_aliases_are_found_where_the_alias_regex_matches() -> None:
    pieces = [" as ", "\tas\t", " as", "as ", "x", "Popen", ",", "\n", " ", "has", "import"]
    _finds_as_finditer(
        slicing._AS_ALIAS,
        [*_random_texts(pieces, 20_000, 10, 6), "from subprocess import Popen as P"],
        lambda text: slicing._from_literals(slicing._AS_ALIAS, text, (" as", "\tas")),
    )


def test_boundaries_are_found_at_line_starts_as_by_the_multiline_regex() -> None:
    pieces = ["\n", "def", "class", "async", "@", " ", "\t", "x", "(", "#", ".", "\r\n", "a"]
    sample = "def f():\n    pass\n@deco\nclass C(B):\n    def m(self): ...\nasync def g(): ...\n"
    _finds_as_finditer(
        slicing._BOUNDARY,
        [*_random_texts(pieces, 20_000, 12, 7), sample],
        lambda text: slicing._at_line_starts(slicing._BOUNDARY, text, slicing._BOUNDARY_WORDS),
    )


def test_thread_calls_are_found_from_their_words() -> None:
    pieces = ["Thread", "Timer", "Process", "start_new", "_thread", "(", " ", "Pool", "x"]
    _finds_as_finditer(
        slicing._THREAD_CALL,
        [*_random_texts(pieces, 20_000, 8, 8), "_thread.start_new_thread(f, ())"],
        lambda text: slicing._from_literals(slicing._THREAD_CALL, text, slicing._THREAD_CALL_WORDS),
    )


def test_served_targets_and_serving_loops_are_found_from_their_words() -> None:
    pieces = ["target", "while", " ", "=", "self.", "x", ".y", "(", "not ", "_", "\n"]
    for text in _random_texts(pieces, 20_000, 10, 9):
        for pattern, word in ((slicing._SERVED_TARGET, "target"), (slicing._SERVES, "while")):
            expected = pattern.search(text)
            got = next(slicing._from_literals(pattern, text, (word,)), None)
            assert (got and got.span()) == (expected and expected.span()), repr(text)


def test_outside_reaps_are_read_line_by_line_as_by_the_whole_text() -> None:
    """flow._outside_reaps reads only the lines holding `.<attr>.`: the same matches (spans and
    groups) as the regex over the whole module text."""
    from forkaudit.analysis import flow

    pieces = ["par", ".proc", ".join(", ".poll(", "self", "[i]", "\n", " ", "x.", "(", ".", "_"]
    texts = [
        *_random_texts(pieces, 20_000, 12, 10),
        "for w in self.workers:\n    w.proc.join()\nx.y[0].proc.poll()  # .proc.\n",
    ]
    for text in texts:
        expected = [(m.span(), m.groups()) for m in flow._outside_reap("proc").finditer(text)]
        got = [(m.span(), m.groups()) for m in flow._outside_reaps(text, "proc")]
        assert got == expected, repr(text)


def test_name_counts_are_those_of_the_word_regexes() -> None:
    """facts.name_counts counts what `\\bname\\b`, `\\bsuper\\(\\)\\.name\\b` and
    `\\bdef\\s+name\\b` find, without trying a regex at every character."""
    from forkaudit.analysis.facts import name_counts

    pieces = ["run", "def", " ", "\n", "super().", "x", "_", "(", "é", "\t", "\x1c", "1", "."]
    for text in [*_random_texts(pieces, 30_000, 10, 11), "def run(self):\n    super().run()\n"]:
        expected = (
            len(re.findall(r"\brun\b", text)),
            len(re.findall(r"\bsuper\(\)\.run\b", text)),
            len(re.findall(r"\bdef\s+run\b", text)),
        )
        assert name_counts(text, "run") == expected, repr(text)
