"""A fast read-only traversal of a libcst tree.

``CSTNode.visit`` and ``CSTNode.children`` rebuild every node they pass (libcst's traversal is
built for transformers), which costs more than the parse itself. The engine only reads, so this
walks the dataclass fields directly and skips the fields that only hold whitespace and punctuation.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import libcst as cst

_SKIP = frozenset(
    {
        "lpar",
        "rpar",
        "leading_lines",
        "lines_after_decorators",
        "header",
        "footer",
        "comma",
        "semicolon",
        "dot",
        "colon",
        "equal",
        "newline",
        "trailing_whitespace",
        "lbracket",
        "rbracket",
        "lbrace",
        "rbrace",
        "whitespace_before",
        "whitespace_after",
        "operator",
        "asynchronous",
        "walrus",
        "arrow",
        "star_tok",
    }
)
_FIELDS: dict[type, tuple[str, ...]] = {}


def _fields(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(kind)
            if f.name not in _SKIP
            and not f.name.startswith("whitespace")
            and not f.name.endswith("_whitespace")
        )
        _FIELDS[kind] = names
    return names


_IS_NODE: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    # libcst nodes use ABCMeta: isinstance() goes through __instancecheck__ and dominates a walk.
    known = _IS_NODE.get(kind)
    if known is None:
        known = _IS_NODE[kind] = issubclass(kind, cst.CSTNode)
    return known


# Each node's children, computed once: the engine walks the same function bodies many times (one
# pass per question it asks). Keyed by id() (a CSTNode's own __hash__ is a Python call) with the
# node kept in the entry, so an id cannot be reused while its entry lives. ``forget()`` empties it
# between files; past _KIDS_LIMIT entries it starts over.
_KIDS: dict[int, tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]] = {}
_KIDS_LIMIT = 2_000_000


# Every node under a function (or any root), as walk() yields them, computed once: the engine asks
# many questions of one function, each a pass over its nodes. Same keying as _KIDS.
_WALKED: dict[tuple[int, bool], tuple[cst.CSTNode, tuple[cst.CSTNode, ...]]] = {}
_WALKED_LIMIT = 2_000_000  # nodes held in all (a module's worth many times over)
_walked_size = 0


def forget() -> None:
    """Drop the children and walks remembered for the trees seen so far (call between files)."""
    global _walked_size
    _KIDS.clear()
    _WALKED.clear()
    _walked_size = 0


def walked(root: cst.CSTNode, *, skip_nested: bool = False) -> tuple[cst.CSTNode, ...]:
    """``tuple(walk(root, skip_nested=...))``, remembered until ``forget()``."""
    global _walked_size
    key = (id(root), skip_nested)
    entry = _WALKED.get(key)
    if entry is not None:
        return entry[1]
    nodes = tuple(walk(root, skip_nested=skip_nested))
    if _walked_size + len(nodes) > _WALKED_LIMIT:
        _WALKED.clear()
        _walked_size = 0
    _WALKED[key] = (root, nodes)
    _walked_size += len(nodes)
    return nodes


def _kids(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    entry = _KIDS.get(id(node))
    if entry is not None:
        return entry[1]
    kids: list[cst.CSTNode] = []
    is_node = _IS_NODE
    for name in _FIELDS.get(type(node)) or _fields(type(node)):
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            for item in value:
                flag = is_node.get(type(item))
                if flag is None:
                    flag = _is_node(type(item))
                if flag:
                    kids.append(item)
        else:
            flag = is_node.get(kind)
            if flag is None:
                flag = _is_node(kind)
            if flag:
                kids.append(value)
    result = tuple(kids)
    if len(_KIDS) >= _KIDS_LIMIT:
        _KIDS.clear()
    _KIDS[id(node)] = (node, result)
    return result


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """The node's children that can hold code (not whitespace or punctuation), in field order."""
    return iter(_kids(node))


def walk(root: cst.CSTNode, *, skip_nested: bool = False) -> Iterator[cst.CSTNode]:
    """Every node under ``root`` (root included), depth first. With ``skip_nested``, the bodies of
    functions, classes and lambdas nested inside ``root`` are not entered."""
    stack = [root]
    pop = stack.pop
    extend = stack.extend
    kids_of = _KIDS.get
    nested = _NESTED
    while stack:
        node = pop()
        yield node
        if skip_nested and node is not root and type(node) in nested:
            continue
        entry = kids_of(id(node))
        kids = entry[1] if entry is not None else _kids(node)
        if kids:
            extend(reversed(kids))


# libcst's concrete node classes are final: a type test, not an ABC isinstance() per node
_NESTED = frozenset({cst.FunctionDef, cst.ClassDef, cst.Lambda})


def walk_with_parents(root: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, cst.CSTNode | None]]:
    """(node, parent) for every node under ``root``, depth first, lexical order."""
    stack: list[tuple[cst.CSTNode, cst.CSTNode | None]] = [(root, None)]
    fields = _FIELDS
    is_node = _IS_NODE
    while stack:
        node, parent = stack.pop()
        yield node, parent
        kind = type(node)
        names = fields.get(kind) or _fields(kind)
        kids: list[tuple[cst.CSTNode, cst.CSTNode | None]] = []
        for name in names:
            value = getattr(node, name)
            vkind = type(value)
            if vkind is tuple or vkind is list:
                for item in value:
                    ikind = type(item)
                    flag = is_node.get(ikind)
                    if flag is None:
                        flag = _is_node(ikind)
                    if flag:
                        kids.append((item, node))
            else:
                flag = is_node.get(vkind)
                if flag is None:
                    flag = _is_node(vkind)
                if flag:
                    kids.append((value, node))
        kids.reverse()
        stack.extend(kids)
