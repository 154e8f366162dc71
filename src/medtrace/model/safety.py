"""Software safety classes (IEC 62304 4.3) and the Edition 2 draft's process rigor levels."""

from __future__ import annotations

import enum
import functools


@functools.total_ordering
class SafetyClass(enum.Enum):
    """Software safety class, ordered ``A < B < C``. Unclassified software is treated as C."""

    A = "A"
    B = "B"
    C = "C"

    @property
    def rank(self) -> int:
        return "ABC".index(self.value)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SafetyClass):
            return NotImplemented
        return self.rank < other.rank

    @property
    def rigor(self) -> RigorLevel:
        """The Edition 2 draft's level for this class: A is Level I, B and C are Level II."""
        return RigorLevel.I if self is SafetyClass.A else RigorLevel.II

    @classmethod
    def parse(cls, value: object) -> SafetyClass | None:
        """The class named by a field value, or ``None`` for anything else."""
        try:
            return cls(value)
        except ValueError:
            return None


ALL_CLASSES = frozenset(SafetyClass)


class RigorLevel(enum.Enum):
    """Process rigor level of the IEC 62304 Edition 2 draft (not published; may change)."""

    I = "I"  # noqa: E741 - the draft's name
    II = "II"
