"""One traversal of a parsed module: parents, imports, calls, names, functions and classes.

libcst's ScopeProvider/QualifiedNameProvider cost ~10x the parse itself; the lifecycle analysis only
needs import aliases, a parent map and the uses of a few names, so one plain visitor pass collects
exactly that and everything else is answered from these indexes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast

import libcst as cst
from libcst._nodes.internal import CodegenState

from forkaudit.analysis.walk import walk_with_parents

FunctionNode = cst.FunctionDef
ScopeNode = cst.FunctionDef | cst.Module | cst.Lambda


def dotted_name(node: cst.BaseExpression | None) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    kind = type(node)  # exact types: libcst's ABC isinstance() is slow, and this runs often
    if kind is cst.Name:
        return cast(cst.Name, node).value
    if kind is cst.Attribute:
        attribute = cast(cst.Attribute, node)
        base = dotted_name(attribute.value)
        return None if base is None else f"{base}.{attribute.attr.value}"
    return None


def _import_module_name(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    module = dotted_name(node.module) if node.module is not None else ""
    return f"{dots}{module or ''}"


@dataclass
class ClassInfo:
    node: cst.ClassDef
    name: str
    bases: list[str]  # resolved qualified names of the bases ("@Local" for classes of this module)
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)


_GET_CONTEXT = frozenset(
    {
        "multiprocessing.get_context",
        "multiprocessing.context.get_context",
        "torch.multiprocessing.get_context",
        "multiprocess.get_context",
        "multiprocess.context.get_context",
    }
)


@dataclass
class ModuleIndex:
    module: cst.Module
    parent: dict[int, cst.CSTNode]
    aliases: dict[str, str]
    star_modules: list[str]
    local_defs: set[str]
    calls: list[cst.Call]
    names: dict[str, list[cst.Name]]
    functions: list[cst.FunctionDef]
    classes: dict[str, ClassInfo]
    lines: list[str]
    text: str  # the whole source the lines come from
    context_assigns: list[cst.Assign]
    line_map: list[int] | None = None  # parsed line -> original line, when only a slice was parsed
    # where reportable nodes start (line, column) and end (line), by id: built on first use
    position_table: tuple[dict[int, tuple[int, int]], dict[int, int]] | None = None
    parsed: str = ""  # the text the module was parsed from ("": not known)
    # the top-level statements whose nodes position_table holds (None: all of them)
    _placed: set[int] | None = field(default_factory=set)
    _given_back: bool | None = None  # see _given_back()
    # uses(): the nodes of each name by the innermost function holding them, built on first use
    _buckets: dict[str, dict[int, list[tuple[int, cst.Name]]]] = field(default_factory=dict)
    _nested: dict[int, list[cst.FunctionDef]] | None = None
    # parameters whose default is an imported function (`def poll(self, _waitpid=os.waitpid)`,
    # the idiom of CPython's own subprocess module): name -> {id(function): qualified name}
    param_aliases: dict[str, dict[int, str]] = field(default_factory=dict)
    # ids of the methods a class body defines under an `if` branch that does not run here
    left_out_methods: set[int] = field(default_factory=set)
    # classes defined in a function's body, by name: {name: ids of the functions defining one}
    function_classes: dict[str, set[int]] = field(default_factory=dict)

    # ------------------------------------------------------------------ navigation

    def parent_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parent.get(id(node))

    def lineage(self, info: ClassInfo) -> list[ClassInfo]:
        """The class and its ancestors defined in this module."""
        family = [info]
        for member in family:
            for base in member.bases:
                parent = self.classes.get(base[1:]) if base.startswith("@") else None
                if parent is not None and parent not in family:
                    family.append(parent)
        return family

    def family(self, info: ClassInfo) -> list[ClassInfo]:
        """The class, its local ancestors and its local descendants (not its siblings)."""
        family = {info.name: info}
        pending = [info]
        while pending:  # ancestors
            member = pending.pop()
            for base in member.bases:
                name = base[1:] if base.startswith("@") else ""
                if name in self.classes and name not in family:
                    family[name] = self.classes[name]
                    pending.append(family[name])
        descendants = {info.name}
        changed = True
        while changed:
            changed = False
            for other in self.classes.values():
                if other.name not in descendants and any(
                    b.startswith("@") and b[1:] in descendants for b in other.bases
                ):
                    descendants.add(other.name)
                    family[other.name] = other
                    changed = True
        return list(family.values())

    def method_table(self, info: ClassInfo) -> dict[str, cst.FunctionDef]:
        """What ``self.<name>`` calls on an object of the class, by name: its own methods, and
        those of its ancestors in this module that it does not override."""
        return {
            name: method
            for member in reversed(self.lineage(info))
            for name, method in member.methods.items()
        }

    def ancestors(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        out = []
        current = self.parent.get(id(node))
        while current is not None:
            out.append(current)
            current = self.parent.get(id(current))
        return out

    def scope_of(self, node: cst.CSTNode) -> ScopeNode:
        """The innermost function (or lambda, or the module) holding ``node``."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef | cst.Lambda):
                return ancestor
        return self.module

    def class_of(self, node: cst.CSTNode) -> ClassInfo | None:
        """The class whose method (directly) holds ``node``."""
        ancestors = self.ancestors(node)
        for i, ancestor in enumerate(ancestors):
            if isinstance(ancestor, cst.ClassDef):
                # Only when the path to the class goes through a method defined in its body.
                if any(isinstance(a, cst.FunctionDef) for a in ancestors[:i]):
                    return self.classes.get(ancestor.name.value)
                return None
        return None

    def method_of(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        """The outermost function directly defined in a class body that holds ``node``."""
        ancestors = self.ancestors(node)
        for i, ancestor in enumerate(ancestors):
            if isinstance(ancestor, cst.ClassDef) and i > 0:
                for a in reversed(ancestors[:i]):
                    if isinstance(a, cst.FunctionDef):
                        return a
                return None
        return None

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost statement (simple or compound) holding ``node``."""
        current: cst.CSTNode | None = node
        while current is not None:
            if isinstance(current, cst.BaseSmallStatement | cst.BaseCompoundStatement):
                return current
            current = self.parent.get(id(current))
        return node

    def line_of(self, node: cst.CSTNode) -> int:
        return self.positions(node)[0]

    def positions(self, node: cst.CSTNode) -> tuple[int, int, int]:
        """(line, column 1-based, end line) computed without the PositionProvider."""
        return _compute_position(self, node)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # ------------------------------------------------------------------ names

    def resolve(self, node: cst.BaseExpression) -> str | None:
        """Qualified name of a Name/Attribute chain through this module's imports.

        Imported names resolve to their origin (``sp.Popen`` -> ``subprocess.Popen``); names
        defined in this module resolve to ``@name``; anything else is None.
        """
        kind = type(node)  # exact types: libcst's ABC isinstance() is slow
        if kind is cst.Name:
            value = cast(cst.Name, node).value
            if value in self.local_defs:
                return f"@{value}"
            target = self.aliases.get(value)
            if target is not None:
                return target
            if value in self.function_classes and self._in_defining_function(
                cast(cst.Name, node), self.function_classes[value]
            ):
                return f"@{value}"
            if value in self.param_aliases:
                return self._param_alias(cast(cst.Name, node))
            for module in self.star_modules:
                return f"{module}.{value}*"
            return None
        if kind is cst.Attribute:
            node = cast(cst.Attribute, node)
            base: str | None
            if type(node.value) is cst.Call:
                base = self.resolve(node.value.func)
                if base is None or not base.endswith("get_context"):
                    return None
                base = base.rsplit(".", 1)[0]
            else:
                base = self.resolve(node.value)
                if base is None and isinstance(node.value, cst.Attribute):
                    # `self._ctx = multiprocessing.get_context(...)` makes `self._ctx` an alias
                    base = self.aliases.get(dotted_name(node.value) or "")
            return None if base is None else f"{base}.{node.attr.value}"
        return None

    def _in_defining_function(self, node: cst.Name, functions: set[int]) -> bool:
        """Is ``node`` inside one of ``functions`` (by id), which define a class of its name in
        their body: there, the name is that class (``class Dispatch(Thread): ...`` then
        ``c = Dispatch()`` in a decorator's wrapper)."""
        return any(
            type(ancestor) is cst.FunctionDef and id(ancestor) in functions
            for ancestor in self.ancestors(node)
        )

    def _param_alias(self, node: cst.Name) -> str | None:
        """The imported function a parameter named ``node`` stands for in the function holding
        it, when its default is one (``_waitpid=os.waitpid``; callers never pass it)."""
        by_function = self.param_aliases[node.value]
        for ancestor in self.ancestors(node):
            if type(ancestor) is cst.FunctionDef:
                found = by_function.get(id(ancestor))
                if found is not None:
                    return found
                params = ancestor.params
                if any(
                    param.name.value == node.value
                    for param in (*params.params, *params.kwonly_params)
                ):
                    return None  # a parameter of this function, with another default
        return None

    def uses(self, name: str, within: cst.CSTNode) -> list[cst.Name]:
        """Name nodes reading or writing ``name`` inside ``within`` (attribute names excluded),
        in source order."""
        out = []
        for node in self._candidates(name, within):
            parent = self.parent.get(id(node))
            if isinstance(parent, cst.Attribute) and parent.attr is node:
                continue
            if isinstance(parent, cst.Arg) and parent.keyword is node:
                continue
            if isinstance(parent, cst.FunctionDef | cst.ClassDef | cst.ImportAlias | cst.Param):
                continue
            if within is self.module or self._inside(node, within):
                out.append(node)
        return out

    def _candidates(self, name: str, within: cst.CSTNode) -> Sequence[cst.Name]:
        """The nodes named ``name`` that can be inside ``within``: when ``within`` is in a function,
        only those of that function and the functions nested in it (a generated module with
        thousands of functions using the same local name stays linear)."""
        every = self.names.get(name, ())
        if within is self.module or len(every) < 64:
            return every
        function = within if isinstance(within, cst.FunctionDef) else None
        if function is None:
            for ancestor in self.ancestors(within):
                if isinstance(ancestor, cst.FunctionDef):
                    function = ancestor
                    break
        if function is None:
            return every
        buckets = self._buckets.get(name)
        if buckets is None:
            buckets = self._buckets[name] = {}
            for position, node in enumerate(every):
                key = id(self._function_of(node))
                buckets.setdefault(key, []).append((position, node))
        found: list[tuple[int, cst.Name]] = []
        pending = [function]
        while pending:
            current = pending.pop()
            found.extend(buckets.get(id(current), ()))
            pending.extend(self._nested_functions().get(id(current), ()))
        found.sort(key=lambda pair: pair[0])
        return [node for _, node in found]

    def _function_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The innermost function holding ``node`` (the module when none)."""
        current = self.parent.get(id(node))
        while current is not None:
            if isinstance(current, cst.FunctionDef):
                return current
            current = self.parent.get(id(current))
        return self.module

    def _nested_functions(self) -> dict[int, list[cst.FunctionDef]]:
        if self._nested is None:
            self._nested = {}
            for function in self.functions:
                self._nested.setdefault(id(self._function_of(function)), []).append(function)
        return self._nested

    def _inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        current = self.parent.get(id(node))
        while current is not None:
            if current is container:
                return True
            current = self.parent.get(id(current))
        return False

    def inside(self, node: cst.CSTNode, container: cst.CSTNode) -> bool:
        return container is self.module or self._inside(node, container)


_INTERESTING = frozenset({cst.FunctionDef, cst.ClassDef, cst.Import, cst.ImportFrom, cst.Assign})


# Stand-ins imported under the real module's name where it is missing (`try: import threading`
# / `except ImportError: import dummy_threading as threading`): gone since Python 3.9, and on any
# Python with threads the real import succeeds, so the name keeps the real module.
_STAND_INS = frozenset({"dummy_threading", "dummy_thread", "_dummy_thread"})


class _Indexer:
    def __init__(self) -> None:
        self.parent: dict[int, cst.CSTNode] = {}
        self.aliases: dict[str, str] = {}
        self.star_modules: list[str] = []
        self.local_defs: set[str] = set()
        self.calls: list[cst.Call] = []
        self.names: dict[str, list[cst.Name]] = defaultdict(list)
        self.functions: list[cst.FunctionDef] = []
        self.class_nodes: list[cst.ClassDef] = []
        self.context_assigns: list[cst.Assign] = []

    def run(self, module: cst.Module) -> None:
        parents = self.parent
        name_type, call_type = cst.Name, cst.Call
        interesting = _INTERESTING
        for node, parent in walk_with_parents(module):
            if parent is not None:
                parents[id(node)] = parent
            kind = type(node)
            if kind is name_type:
                name = cast(cst.Name, node)
                self.names[name.value].append(name)
                continue
            if kind is call_type:
                self.calls.append(cast(cst.Call, node))
                continue
            if kind not in interesting:
                continue
            if isinstance(node, cst.FunctionDef):
                self.functions.append(node)
                self._define(node, parent)
            elif isinstance(node, cst.ClassDef):
                self.class_nodes.append(node)
                self._define(node, parent)
            elif isinstance(node, cst.Import):
                for alias in node.names:
                    full = dotted_name(alias.name) or ""
                    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                        if full in _STAND_INS and alias.asname.name.value in self.aliases:
                            continue  # `except ImportError: import dummy_threading as threading`
                        self.aliases[alias.asname.name.value] = full
                    else:
                        head = full.split(".", 1)[0]
                        self.aliases[head] = head
            elif isinstance(node, cst.ImportFrom):
                self._import_from(node)
            elif isinstance(node, cst.Assign):
                value = node.value
                if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute | cst.Name):
                    self.context_assigns.append(node)

    def _define(
        self, node: cst.FunctionDef | cst.ClassDef, statement_parent: cst.CSTNode | None
    ) -> None:
        # Only module-level definitions shadow imports for our purposes: at the top, or in a
        # block of the module's own (`if CONFIG: def refresh(): ...`, `try:`/`else:`), not
        # in a function or class body
        current = statement_parent
        while current is not None and not isinstance(current, cst.Module):
            if isinstance(current, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                return
            current = self.parent.get(id(current))
        self.local_defs.add(node.name.value)

    def _import_from(self, node: cst.ImportFrom) -> None:
        module = _import_module_name(node)
        if isinstance(node.names, cst.ImportStar):
            self.star_modules.append(module)
            return
        for alias in node.names:
            name = dotted_name(alias.name) or ""
            full = f"{module}{name}" if module.endswith(".") else f"{module}.{name}"
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                self.aliases[alias.asname.name.value] = full
            else:
                self.aliases[name] = full


def build_index(
    module: cst.Module, source: str, line_map: list[int] | None = None, parsed: str = ""
) -> ModuleIndex:
    indexer = _Indexer()
    indexer.run(module)
    # Imported names win over nothing; module-level defs win over imports of the same name only
    # when the module never imports that name (a local `def fork` is not os.fork).
    local_defs = {name for name in indexer.local_defs if name not in indexer.aliases}
    index = ModuleIndex(
        module=module,
        parent=indexer.parent,
        aliases=indexer.aliases,
        star_modules=indexer.star_modules,
        local_defs=local_defs,
        calls=indexer.calls,
        names=indexer.names,
        functions=indexer.functions,
        classes={},
        lines=source.split("\n"),
        text=source,
        context_assigns=indexer.context_assigns,
        line_map=line_map,
        parsed=parsed,
    )
    # `ctx = multiprocessing.get_context("spawn")` makes `ctx` an alias of multiprocessing (so
    # does torch.multiprocessing's or multiprocess's, which re-export it).
    for assign in indexer.context_assigns:
        call = assign.value
        assert isinstance(call, cst.Call)
        resolved = index.resolve(call.func)
        if resolved in _GET_CONTEXT:
            for target in assign.targets:
                if isinstance(target.target, cst.Name):
                    index.aliases[target.target.value] = "multiprocessing"
                    index.local_defs.discard(target.target.value)
                elif (
                    isinstance(target.target, cst.Attribute)
                    and dotted_name(target.target.value) == "self"
                ):
                    index.aliases[f"self.{target.target.attr.value}"] = "multiprocessing"
    for function in indexer.functions:
        for param in (*function.params.params, *function.params.kwonly_params):
            if param.default is None or type(param.default) not in (cst.Attribute, cst.Name):
                continue
            resolved = index.resolve(param.default)
            if resolved is not None and not resolved.startswith("@") and "." in resolved:
                index.param_aliases.setdefault(param.name.value, {})[id(function)] = resolved
    for class_node in indexer.class_nodes:
        holder = next(
            (a for a in index.ancestors(class_node) if type(a) in (cst.FunctionDef, cst.ClassDef)),
            None,
        )
        if type(holder) is cst.FunctionDef:
            index.function_classes.setdefault(class_node.name.value, set()).add(id(holder))
        bases = [
            index.resolve(arg.value) or (dotted_name(arg.value) or "?") for arg in class_node.bases
        ]
        info = ClassInfo(node=class_node, name=class_node.name.value, bases=bases)
        for method, runs in _class_methods(index, class_node.body.body):
            if runs:
                info.methods[method.name.value] = method
            else:
                index.left_out_methods.add(id(method))
        index.classes.setdefault(info.name, info)
    return index


def _class_methods(
    index: ModuleIndex,
    body: Sequence[cst.BaseStatement | cst.BaseSmallStatement],
    runs: bool = True,
) -> Iterator[tuple[cst.FunctionDef, bool]]:
    """The methods a class body defines, each with whether it is one here: straight in the
    body, or under an ``if`` of it (``if mswindows: def isalive(...)`` / ``else: def
    isalive(...)``), from the branch that runs on this platform when the test says which, else
    from every branch."""
    from forkaudit.analysis.platforms import value_here  # (platforms reads the index)

    for statement in body:
        if isinstance(statement, cst.FunctionDef):
            yield statement, runs
        elif isinstance(statement, cst.If):
            value = value_here(index, statement.test)
            yield from _class_methods(index, statement.body.body, runs and value is not False)
            orelse = statement.orelse
            if orelse is None:
                continue
            branch = [orelse] if isinstance(orelse, cst.If) else orelse.body.body
            yield from _class_methods(index, branch, runs and value is not True)


# --------------------------------------------------------------------------- positions


class _LineState(CodegenState):
    """Code generation that only counts lines and columns, and remembers where the nodes we may
    report start and end. libcst's PositionProvider records a CodeRange for every node of the
    module, which costs several times the parse; this records a few node types."""

    def __init__(self, module: cst.Module, text: list[str] | None = None) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.line = 1
        self.column = 0
        self.starts: dict[int, tuple[int, int]] = {}
        self.ends: dict[int, int] = {}
        self.text = text  # the code generated, when asked for

    def _advance(self, value: str) -> None:
        if self.text is not None:
            self.text.append(value)
        newlines = value.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(value) - value.rfind("\n") - 1
        else:
            self.column += len(value)

    def add_token(self, value: str) -> None:
        self._advance(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self._advance(token)

    def pop_trailing_newline(self) -> None:
        return None

    def before_codegen(self, node: cst.CSTNode) -> None:
        if type(node) in _RECORDED:
            self.starts[id(node)] = (self.line, self.column)

    def after_codegen(self, node: cst.CSTNode) -> None:
        if type(node) in _RECORDED:
            self.ends[id(node)] = self.line

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        # Compound statements print their leading comment lines before their own line.
        if start_node is None and type(node) in _RECORDED:
            self.starts[id(node)] = (self.line, self.column)
        yield


_RECORDED: frozenset[type] = frozenset(
    {
        cst.Call,
        cst.Await,
        cst.While,
        cst.For,
        cst.If,
        cst.With,
        cst.Try,
        cst.FunctionDef,
        cst.ClassDef,
    }
    | {
        t
        for t in vars(cst).values()
        if isinstance(t, type) and issubclass(t, cst.BaseSmallStatement)
    }
)


def _compute_position(index: ModuleIndex, node: cst.CSTNode) -> tuple[int, int, int]:
    if index.position_table is None:
        index.position_table = ({}, {})
    starts, ends = index.position_table
    begin = starts.get(id(node))
    if begin is None and index._placed is not None:
        _place(index, node)  # (the whole module's table where it could not be placed alone)
        starts, ends = index.position_table
        begin = starts.get(id(node))
    if begin is None:
        return (1, 1, 1)
    start, column = begin
    end = ends.get(id(node), start)
    if index.line_map is not None:
        last = len(index.line_map)
        start = index.line_map[min(start, last) - 1]
        end = index.line_map[min(end, last) - 1]
    return (start, column + 1, end)


def _place(index: ModuleIndex, node: cst.CSTNode) -> None:
    """Record where the nodes of the function holding ``node`` are (of the top-level statement
    holding it, outside any function): the code of that function alone, at its indentation (a
    few lines of a module, where generating the whole module's code took a twentieth of a scan),
    found once in the text the module was parsed from; the whole module's where it cannot be
    placed so (not found, found twice, the module's own nodes). Found once is not enough where
    libcst does not give back the very text it parsed (a module without a final newline, `except
    E :`, a form feed opening a line): the function's own text is not found, and a twin written
    as libcst writes it would be taken for it. In such a module its header line (`def
    f(self):`) must be in the text once too: a twin, or a copy in a string, has the same one."""
    assert index.position_table is not None and index._placed is not None
    starts, ends = index.position_table
    chain: list[cst.CSTNode] = []  # node and its ancestors, up to a top-level statement
    current: cst.CSTNode | None = node
    while current is not None and current is not index.module:
        chain.append(current)
        current = index.parent.get(id(current))
    # the function holding it (its blocks above give its indentation), else the top-level
    # statement (where the chain reached the module)
    where = next((i for i, n in enumerate(chain) if isinstance(n, cst.FunctionDef)), None)
    top: cst.CSTNode | None = None
    if where is not None:
        top = chain[where]
    elif chain and current is not None:
        top = chain[-1]
    if top is not None and id(top) in index._placed:
        return  # placed already: the node is not one recorded
    if top is not None and index.parsed:
        text: list[str] = []
        state = _LineState(index.module, text)
        state.indent_tokens = [
            index.module.default_indent if block.indent is None else block.indent
            for block in reversed(chain[where + 1 :] if where is not None else [])
            if isinstance(block, cst.IndentedBlock)
        ]
        top._codegen(state)
        code = "".join(text)
        at = index.parsed.find(code) if code else -1
        if (
            at >= 0
            and (at == 0 or index.parsed[at - 1] == "\n")
            and index.parsed.find(code, at + 1) < 0
            and (
                _given_back(index)
                or ((header := _header_line(code)) != "" and index.parsed.count(header) == 1)
            )
        ):
            shift = index.parsed.count("\n", 0, at)
            starts.update(
                (key, (line + shift, column)) for key, (line, column) in state.starts.items()
            )
            ends.update((key, line + shift) for key, line in state.ends.items())
            index._placed.add(id(top))
            return
    state = _LineState(index.module)
    index.module._codegen(state)
    index.position_table = (state.starts, state.ends)
    index._placed = None


def _header_line(code: str) -> str:
    """The first line of ``code`` that is not blank, a comment or a decorator (a function's
    `def` line), with its indentation and line end; "" if none."""
    for line in code.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "@")):
            return line + "\n"
    return ""


# the forms libcst does not write back as it read them: a space before an except clause's colon
# (`except E :`), a form feed opening a line; and a module without a final newline
_EXCEPT_SPACED = re.compile(r"except\b[^:]*[ \t]:")


def _given_back(index: ModuleIndex) -> bool:
    """Does libcst write the module's code back as the very text it was parsed from, as far as
    is known (of the forms it does not, the module has none)?"""
    if index._given_back is None:
        parsed = index.parsed
        index._given_back = (
            index.module.has_trailing_newline
            and "\x0c" not in parsed
            and not _EXCEPT_SPACED.search(parsed)
        )
    return index._given_back
