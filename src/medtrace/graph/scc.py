"""Strongly connected components of a directed graph of ids (Tarjan, iterative)."""

from __future__ import annotations


def strongly_connected(edges: dict[str, list[str]]) -> list[tuple[str, ...]]:
    """The components of ``edges``, each sorted, in reverse topological order: a
    component comes after every component it has edges into. Nodes only named as
    targets are components of their own."""
    return _Tarjan(edges).components()


class _Tarjan:
    """Tarjan's strongly connected components, iterative (no recursion limit)."""

    def __init__(self, edges: dict[str, list[str]]) -> None:
        self.edges = edges
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.stack: list[str] = []
        self.on_stack: set[str] = set()
        self.found: list[tuple[str, ...]] = []

    def components(self) -> list[tuple[str, ...]]:
        for root in sorted(self.edges):
            if root not in self.index:
                self._visit(root)
        return self.found

    def _enter(self, node: str) -> None:
        self.index[node] = self.low[node] = len(self.index)
        self.stack.append(node)
        self.on_stack.add(node)

    def _visit(self, root: str) -> None:
        self._enter(root)
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work[-1]
            targets = self.edges.get(node, [])
            if position < len(targets):
                work[-1] = (node, position + 1)
                target = targets[position]
                if target not in self.index:
                    self._enter(target)
                    work.append((target, 0))
                elif target in self.on_stack:
                    self.low[node] = min(self.low[node], self.index[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                self.low[parent] = min(self.low[parent], self.low[node])
            if self.low[node] == self.index[node]:
                self._close(node)

    def _close(self, node: str) -> None:
        component: list[str] = []
        while True:
            member = self.stack.pop()
            self.on_stack.discard(member)
            component.append(member)
            if member == node:
                break
        self.found.append(tuple(sorted(component)))
