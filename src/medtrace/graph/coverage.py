"""Trace matrices, coverage and orphans: what the trace graph says about completeness.

A *route* is a chain of steps; a step follows one link type either forward
(``verifies>``: the link an item holds) or backward (``verifies<``: the
derived reverse). A trace matrix lists every item of a source kind with the
items of a target kind that its route reaches, and for each target the chain
of ids that led there.

Without a given route, :func:`find_routes` searches the schema: breadth first
over the kinds, through the link types each kind may hold, in both
directions. Every route of the shortest length is followed and their targets
are merged. Record-keeping links (reviews, changes, problem reports,
attestations, classification records) are left out of that search because
they connect nearly any two kinds; an explicit route may still use them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medtrace.graph.trace import TraceGraph
from medtrace.model import ANY_KIND, Item, Schema

# Link types that record administration rather than trace the design.
UNROUTED_LINKS = frozenset(
    {
        "affects",
        "changes",
        "classifies",
        "considers",
        "credits",
        "documented-in",
        "resolves",
        "reviews",
        "supersedes",
    }
)
# Kinds that stand alone without being a gap: they are roots of their own.
SOLITARY_KINDS = frozenset(
    {"plan", "software-system", "safety-classification", "documentation-level", "release"}
)
_FORWARD, _BACKWARD = ">", "<"


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One link type, followed forward (to what items point at) or backward."""

    role: str
    forward: bool

    @classmethod
    def parse(cls, text: str) -> Step:
        """Read ``verifies<`` (backward) or ``part-of>`` (forward); ValueError otherwise."""
        text = text.strip()
        role, direction = text[:-1].strip(), text[-1:]
        if direction not in (_FORWARD, _BACKWARD) or not role or any(c in role for c in "<> "):
            raise ValueError(
                f"malformed path step {text!r}: write a link type and < (backward) "
                "or > (forward), e.g. verifies<"
            )
        return cls(role=role, forward=direction == _FORWARD)

    def __str__(self) -> str:
        return self.role + (_FORWARD if self.forward else _BACKWARD)


Route = tuple[Step, ...]


def route_text(route: Route) -> str:
    """``derived-from<,verifies<``: the form ``--path`` takes."""
    return ",".join(map(str, route))


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemRef:
    """What a report shows of an item."""

    id: str
    kind: str
    title: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceLink:
    """A target reached from a row's source; ``chain`` runs from the source to the target."""

    target: ItemRef
    chain: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceRow:
    source: ItemRef
    links: tuple[TraceLink, ...]  # by target id

    @property
    def covered(self) -> bool:
        return bool(self.links)


@dataclass(frozen=True, slots=True, kw_only=True)
class TraceMatrix:
    """Every item of ``source_kind`` (by id) with the items of ``target_kinds`` it reaches."""

    source_kind: str
    target_kinds: tuple[str, ...]
    routes: tuple[Route, ...]
    rows: tuple[TraceRow, ...]
    targets: tuple[ItemRef, ...]  # every item of the target kinds, by id: the columns
    via: tuple[ItemRef, ...]  # items passed between a source and a target, by id

    @property
    def covered(self) -> int:
        """How many rows reach at least one target."""
        return sum(1 for row in self.rows if row.links)

    @property
    def pairs(self) -> int:
        """How many (source, target) pairs the matrix holds."""
        return sum(len(row.links) for row in self.rows)


@dataclass(frozen=True, slots=True, kw_only=True)
class Coverage:
    """How many items of ``kind`` reach at least one item of ``target_kinds``."""

    label: str
    kind: str
    target_kinds: tuple[str, ...]
    routes: tuple[Route, ...]
    covered: int
    total: int
    uncovered: tuple[str, ...]  # ids, sorted

    @property
    def percent(self) -> float | None:
        """Covered share in percent; ``None`` when there is no item of ``kind``."""
        return 100.0 * self.covered / self.total if self.total else None


@dataclass(frozen=True, slots=True, kw_only=True)
class CoverageSpec:
    label: str
    kind: str
    target_kinds: tuple[str, ...]
    route: Route


def _spec(label: str, kind: str, targets: tuple[str, ...], step: str) -> CoverageSpec:
    return CoverageSpec(label=label, kind=kind, target_kinds=targets, route=(Step.parse(step),))


# The lines an auditor asks for first, in the order of the lifecycle.
REPORT = (
    _spec(
        "System requirements refined by software requirements",
        "system-requirement",
        ("software-requirement",),
        "derived-from<",
    ),
    _spec(
        "Software requirements verified by test cases",
        "software-requirement",
        ("test-case",),
        "verifies<",
    ),
    _spec(
        "Software requirements implemented by software items or units",
        "software-requirement",
        ("software-item", "software-unit"),
        "implements<",
    ),
    _spec(
        "Risk controls implemented by requirements",
        "risk-control",
        ("software-requirement", "system-requirement"),
        "implements-risk-control<",
    ),
    _spec("Risk controls verified by test cases", "risk-control", ("test-case",), "verifies<"),
    _spec(
        "Hazardous situations mitigated by risk controls",
        "hazardous-situation",
        ("risk-control",),
        "mitigates<",
    ),
    _spec(
        "Software units with a detailed design", "software-unit", ("detailed-design",), "design-of<"
    ),
)


# A kind reached in the search of routes, and the step that reached it.
_State = tuple[str, Step | None]


def find_routes(schema: Schema, source_kind: str, target_kind: str) -> tuple[Route, ...]:
    """The shortest routes between two different kinds through the schema, sorted.

    A route never turns straight back over the link type it just followed
    (``verifies<,verifies>`` would trace to what the same tests also verify).
    Empty when the kinds are the same or no trace link connects them.
    """
    if source_kind == target_kind:
        return ()
    edges = _kind_edges(schema)
    start: _State = (source_kind, None)
    depth = {start: 0}
    before: defaultdict[_State, list[_State]] = defaultdict(list)
    frontier, ends = [start], list[_State]()
    while frontier and not ends:
        following: list[_State] = []
        for state in frontier:
            kind, last = state
            for step, reached in edges.get(kind, ()):
                if last is not None and last.role == step.role and last.forward != step.forward:
                    continue
                new = (reached, step)
                if new not in depth:
                    depth[new] = depth[state] + 1
                    following.append(new)
                    if reached == target_kind:
                        ends.append(new)
                if depth[new] == depth[state] + 1:
                    before[new].append(state)
        frontier = following
    routes = {route for end in ends for route in _routes_to(end, start, before)}
    return tuple(sorted(routes, key=route_text))


def _kind_edges(schema: Schema) -> dict[str, list[tuple[Step, str]]]:
    """For each kind, the steps that leave it and the kind each lands on."""
    edges: defaultdict[str, set[tuple[Step, str]]] = defaultdict(set)
    for kind, spec in schema.kinds.items():
        for role in spec.links:
            link_type = schema.links.get(role)
            if link_type is None or role in UNROUTED_LINKS or ANY_KIND in link_type.targets:
                continue
            for target in link_type.targets & schema.kinds.keys():
                edges[kind].add((Step(role=role, forward=True), target))
                edges[target].add((Step(role=role, forward=False), kind))
    return {
        kind: sorted(found, key=lambda edge: (str(edge[0]), edge[1]))
        for kind, found in edges.items()
    }


def _routes_to(state: _State, start: _State, before: dict[_State, list[_State]]) -> Iterable[Route]:
    if state == start:
        yield ()
        return
    step = state[1]
    assert step is not None  # only the start has no step
    for previous in before[state]:
        for route in _routes_to(previous, start, before):
            yield (*route, step)


def trace_matrix(
    graph: TraceGraph,
    source_kind: str,
    target_kind: str,
    path: Sequence[Step] | None = None,
) -> TraceMatrix:
    """Rows of ``source_kind`` with what they reach of ``target_kind``.

    ``path`` is followed exactly when given; otherwise the shortest routes of
    :func:`find_routes` are followed and their targets merged.
    """
    routes = (
        (tuple(path),) if path is not None else find_routes(graph.schema, source_kind, target_kind)
    )
    return _matrix(graph, source_kind, (target_kind,), routes)


def _matrix(
    graph: TraceGraph, source_kind: str, target_kinds: tuple[str, ...], routes: tuple[Route, ...]
) -> TraceMatrix:
    refs: dict[str, ItemRef] = {}

    def ref(item: Item) -> ItemRef:
        found = refs.get(item.id)
        if found is None:
            found = refs[item.id] = ItemRef(id=item.id, kind=item.kind, title=item.title)
        return found

    wanted = frozenset(target_kinds)
    rows: list[TraceRow] = []
    via: set[str] = set()
    for source in graph.of_kind(source_kind):
        chains = _reach(graph, source.id, routes, wanted)
        links = []
        for target_id in sorted(chains):
            chain = chains[target_id]
            via.update(chain[1:-1])
            target = graph.get(target_id)
            assert target is not None  # only existing items are reached
            links.append(TraceLink(target=ref(target), chain=chain))
        rows.append(TraceRow(source=ref(source), links=tuple(links)))
    targets = sorted((ref(item) for kind in wanted for item in graph.of_kind(kind)), key=_by_id)
    between = (graph.get(item_id) for item_id in sorted(via))
    return TraceMatrix(
        source_kind=source_kind,
        target_kinds=target_kinds,
        routes=routes,
        rows=tuple(rows),
        targets=tuple(targets),
        via=tuple(ref(item) for item in between if item is not None),
    )


def _by_id(ref: ItemRef) -> str:
    return ref.id


def _reach(
    graph: TraceGraph, start: str, routes: tuple[Route, ...], wanted: frozenset[str]
) -> dict[str, tuple[str, ...]]:
    """Target id -> the smallest chain of ids from ``start`` to it, over all routes."""
    best: dict[str, tuple[str, ...]] = {}
    for route in routes:
        layer: dict[str, tuple[str, ...]] = {start: (start,)}
        for step in route:
            following: dict[str, tuple[str, ...]] = {}
            for node, chain in layer.items():
                if step.forward:
                    found = graph.targets(node, step.role)
                else:
                    found = graph.sources(node, step.role)
                for item in found:
                    candidate = (*chain, item.id)
                    known = following.get(item.id)
                    if known is None or candidate < known:
                        following[item.id] = candidate
            layer = following
        for node, chain in layer.items():
            reached = graph.get(node)
            known = best.get(node)
            if reached is not None and reached.kind in wanted and (known is None or chain < known):
                best[node] = chain
    return best


def coverage_of(matrix: TraceMatrix, label: str | None = None) -> Coverage:
    """The coverage line a trace matrix amounts to."""
    targets = " or ".join(matrix.target_kinds)
    return Coverage(
        label=label or f"{matrix.source_kind} reaching {targets}",
        kind=matrix.source_kind,
        target_kinds=matrix.target_kinds,
        routes=matrix.routes,
        covered=matrix.covered,
        total=len(matrix.rows),
        uncovered=tuple(row.source.id for row in matrix.rows if not row.links),
    )


def coverage(
    graph: TraceGraph, kind: str, target_kind: str, path: Sequence[Step] | None = None
) -> Coverage:
    """How many items of ``kind`` reach at least one ``target_kind`` (see :func:`trace_matrix`)."""
    return coverage_of(trace_matrix(graph, kind, target_kind, path))


def coverage_report(
    graph: TraceGraph, specs: Sequence[CoverageSpec] = REPORT
) -> tuple[Coverage, ...]:
    """The default coverage lines (:data:`REPORT`), in order."""
    return tuple(
        coverage_of(_matrix(graph, spec.kind, spec.target_kinds, (spec.route,)), spec.label)
        for spec in specs
    )


def orphans(graph: TraceGraph) -> tuple[Item, ...]:
    """Items, by id, that link to no existing item and that no item links to.

    Links to missing ids do not count (they are dangling-link findings of their
    own). Kinds in :data:`SOLITARY_KINDS` are never orphans.
    """
    return tuple(
        item
        for item in graph
        if item.kind not in SOLITARY_KINDS
        and not graph.incoming(item.id)
        and not graph.targets(item.id)
    )
