"""What a rule sees: the trace graph, effective classes, and the classes it applies at."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from medtrace.graph import TraceGraph
from medtrace.graph.fingerprint import Fingerprints
from medtrace.graph.verification import RequirementStatus, ResultIndex, status_of
from medtrace.model import ALL_CLASSES, Item, ProjectConfig, SafetyClass
from medtrace.model.components import ComponentList
from medtrace.model.results import ResultRun
from medtrace.model.review import LinkBase, Review
from medtrace.standard.classes import Classes

if TYPE_CHECKING:
    from medtrace.graph.advisory_match import AdvisoryIndex
    from medtrace.graph.signatures import SignatureIndex
    from medtrace.model.signature import Register, SigningPolicy

ED2_DRAFT = "iec62304:ed2-draft"
_PROJECT = "\x00project"  # the key of the project's own level among the items' classes


class Signing:
    """The register and the policy signatures are verified against, and the verdicts, made
    once for all the rules (every rule's context shares this one object)."""

    __slots__ = ("_index", "policy", "register")

    def __init__(self, register: Register, policy: SigningPolicy) -> None:
        self.register, self.policy = register, policy
        self._index: SignatureIndex | None = None

    def index(self, fingerprints: Fingerprints) -> SignatureIndex:
        if self._index is None:
            from medtrace.graph.signatures import SignatureIndex  # cryptography, when needed

            self._index = SignatureIndex(self.register, self.policy, fingerprints)
        return self._index


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleContext:
    """Everything a rule may read. ``applies_at`` is set per rule by the engine.

    Under the Edition 2 draft an item's class is read as its rigor level:
    Level I as Class A, Level II (the default, and always for software that
    implements a risk control) as the union of B and C, which is C.
    """

    graph: TraceGraph
    config: ProjectConfig
    classes: Classes
    applies_at: frozenset[SafetyClass] = ALL_CLASSES
    reviews: tuple[Review, ...] = ()  # from medtrace-reviews.yaml
    # (item, id it depends on) -> when the link was made, from git history (7.4.1)
    link_bases: Mapping[tuple[str, str], LinkBase] = field(default_factory=dict)
    runs: tuple[ResultRun, ...] = ()  # imported test runs (verification/runs/)
    results: ResultIndex = field(default_factory=ResultIndex.empty)  # latest result per test
    # The components of the [soup] sources, None when the project names none.
    components: tuple[ComponentList, ...] | None = None
    advisories: AdvisoryIndex | None = None  # the OSV records of [soup] advisories
    # The items' fingerprints (with their code), for evidence bound to content; the
    # engine passes them, otherwise they are made from the graph (without code).
    given_fingerprints: Fingerprints | None = None
    # The register of signers and the signing policy (None: no signature is verified).
    signing: Signing | None = None

    # Whether the project is in a git repository with a commit (None: not known here).
    versioned: bool | None = None
    # The committer date (ISO 8601) of each commit a change request names, as written,
    # where git knows it (8.2.1, 6.2.4).
    commit_dates: Mapping[str, str] = field(default_factory=dict)
    # Each item's verification status, computed once for all the rules that ask (shared by
    # the copies ``for_classes`` makes: a status does not depend on the classes).
    _statuses: dict[str, RequirementStatus] = field(default_factory=dict, repr=False)
    # The items of each kind at each set of classes, and each item's class, worked out once
    # for all the rules that ask (shared by the copies as well).
    _items: dict[tuple[str, frozenset[SafetyClass]], tuple[Item, ...]] = field(
        default_factory=dict, repr=False
    )
    _class: dict[str, SafetyClass] = field(default_factory=dict, repr=False)

    def status(self, item: Item) -> RequirementStatus:
        """How ``item`` stands on its tests and their latest results (:func:`status_of`)."""
        found = self._statuses.get(item.id)
        if found is None:
            found = self._statuses[item.id] = status_of(self.graph, item, self.results)
        return found

    @property
    def signatures(self) -> SignatureIndex | None:
        """Every signature record verified (once), or None when no signing is given."""
        return self.signing.index(self.fingerprints) if self.signing is not None else None

    @property
    def has_results(self) -> bool:
        """Whether any test has a result: an imported run, or a test record. Without one,
        no test can have failed or be stale, and no status needs computing."""
        return bool(self.runs) or bool(self.graph.of_kind("test-record"))

    @property
    def fingerprints(self) -> Fingerprints:
        if self.given_fingerprints is None:
            ignore = self.config.non_normative
            object.__setattr__(self, "given_fingerprints", Fingerprints(self.graph, ignore))
        assert self.given_fingerprints is not None
        return self.given_fingerprints

    def for_classes(self, classes: frozenset[SafetyClass]) -> RuleContext:
        return replace(self, applies_at=classes)

    @property
    def edition2(self) -> bool:
        return self.config.standard == ED2_DRAFT

    def class_of(self, item: Item) -> SafetyClass:
        known = self._class.get(item.id)
        if known is not None:
            return known
        found = self.classes.of(self.graph, item)
        if self.edition2 and (found is not SafetyClass.A or self._implements_control(item)):
            found = SafetyClass.C
        self._class[item.id] = found
        return found

    @property
    def project_class(self) -> SafetyClass:
        """The project's class; under the Edition 2 draft its rigor level read as a class:
        Level II (C) unless the system is Level I and no software implements a risk control."""
        if not self.edition2:
            return self.classes.project
        found = self._class.get(_PROJECT)
        if found is None:
            level_one = self.classes.project is SafetyClass.A and not self.controls_in_software
            found = self._class[_PROJECT] = SafetyClass.A if level_one else SafetyClass.C
        return found

    @property
    def controls_in_software(self) -> bool:
        """Whether any software item implements a risk control (Level II under Edition 2)."""
        return any(
            self._implements_control(item)
            for kind in ("software-system", "software-item", "software-unit")
            for item in self.graph.of_kind(kind)
        )

    def applies(self, item: Item) -> bool:
        """Does the current rule's clause apply at ``item``'s class?"""
        return self.class_of(item) in self.applies_at

    @property
    def applies_to_project(self) -> bool:
        """Does the current rule's clause apply at the project's class?"""
        return self.project_class in self.applies_at

    def items(self, kind: str) -> Iterator[Item]:
        """Items of ``kind`` at a class the current rule applies to, by id."""
        key = (kind, self.applies_at)
        found = self._items.get(key)
        if found is None:
            found = self._items[key] = tuple(i for i in self.graph.of_kind(kind) if self.applies(i))
        return iter(found)

    @property
    def releases(self) -> tuple[Item, ...]:
        """The release records (the software was released once there is one)."""
        return self.graph.of_kind("release")

    def _implements_control(self, item: Item) -> bool:
        if self.graph.targets(item.id, "implements-risk-control"):
            return True
        return any(
            self.graph.targets(requirement.id, "implements-risk-control")
            for requirement in self.graph.targets(item.id, "implements")
        )
