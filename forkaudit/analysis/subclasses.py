"""What the analysis of one module tells the others of its distribution about its Thread/Process
subclasses. Kept apart from the engine so that the parent process, which receives these from the
workers, never imports libcst."""

from __future__ import annotations

from dataclasses import dataclass

from forkaudit.model import Rule


@dataclass
class SubclassInfo:
    """A class of this module (or of the distribution) that is a Thread/Process/Timer itself, or
    that owns one: starting it starts a thread that only its own methods stop."""

    name: str
    rule: Rule
    self_starting: bool
    daemon: bool
    reap_methods: frozenset[str]
    context_manager: bool
    loops_forever: bool
    run_known: bool = False
    loop_reason: str = ""  # how run() goes on: "loops with no exit", "loops until stop() is called"
    stop_flags: frozenset[str] = (
        frozenset()
    )  # attributes its run() loop stops on (`stop` of self.stop)
    # Flags of run()'s loop the constructor takes from a parameter and nothing else sets to go
    # on: (position after self, parameter, the truth value that ends the loop, the truth of its
    # default). A start passing that value, or leaving a default of it (`GC(wait_for_shell=
    # False)` for `while self.wait_for_shell:`), never loops.
    start_values: tuple[tuple[int, str, bool, bool | None], ...] = ()
    # the attributes run()'s loop waits on that no code of its module sets (see Site.flag_asks)
    flag_asks: tuple[str, ...] = ()
    # Not a subclass but the owner of one: it keeps the thread it starts on ``self.<owned>`` and
    # stops it only in its own methods (``reap_methods``); ``loop_reason`` says how it runs.
    owned: str = ""
    # Not a class but a factory function returning the thread it makes; what the thread runs is
    # its argument at this position (or keyword): ``default_create_thread(callback)``.
    target_position: int = -1
    target_keyword: str = ""
    module: str = ""  # the dotted module defining an owner (``pkg.sub.mod``), set when exported
    # run() fills a bounded queue of its own (``self.queue``) that the class's iterator
    # protocol takes from (``__next__``): it ends only once its consumer has taken everything
    feeds: str = ""
    # run() fills, with puts that wait for room, a queue its constructor takes as a parameter
    # (``__init__(self, q, ...)``: ``self.q = q``): (position after self, parameter); the
    # start handing it a bounded queue its own function takes from is a producer of that
    # function's (Site.feeds). (-1, "") when not so.
    fed_parameter: tuple[int, str] = (-1, "")
    # run() fills, with puts that wait for room, a bounded queue the class makes itself
    # (``self.q = Queue(4)``) and does not take from: the attribute (``q``); a start whose
    # function takes from it through the handle (``feeder.q.get()``) is that function's
    # producer (Site.feeds). "" when not so.
    fed_attribute: str = ""

    @property
    def factory(self) -> bool:
        return self.target_position >= 0 or bool(self.target_keyword)

    def defined_in(self, qualified: str) -> bool:
        """Can ``qualified`` (``pkg.sub.mod.Name``, ``.mod.Name``) name this class? A short
        class name alone says nothing: two modules of one distribution may both have a
        ``Monitor``. Matched on the dotted module: the same module seen from another root, or
        its package re-exporting it; unknown (no module) or a bare relative name: yes."""
        if not self.module:
            return True
        where = qualified.lstrip("@").rsplit(".", 1)[0].lstrip(".")
        if not where:
            return True
        return (
            self.module == where
            or self.module.endswith("." + where)  # scanned from above the package's root
            or where.endswith("." + self.module)  # scanned from inside the package
            or self.module.startswith(where + ".")  # a package re-exporting it
        )
