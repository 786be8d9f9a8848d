"""How lists of claim records are ordered and cut short, the same in every command.

Check-worthiness comes first by default: the claim most worth checking heads the list. Any other
order keeps the score as the tie-breaker, so the best of equals still comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from claimtrack.errors import UsageError
from claimtrack.store.records import ClaimRecord

T = TypeVar("T")

#: Sort key name → the value a claim is ordered by (ascending; the score descending).
SORT_KEYS: dict[str, Callable[[ClaimRecord], str]] = {
    "score": lambda c: "",
    "status": lambda c: c.status,
    "type": lambda c: c.type,
    "speaker": lambda c: ((c.speaker.name if c.speaker else None) or "\uffff").casefold(),
    "article": lambda c: c.article,
    "seen": lambda c: c.first_seen or "",
    "id": lambda c: c.id,
}


@dataclass(frozen=True)
class Shown(Generic[T]):
    """The records a list shows, and how many there were in all."""

    records: list[T]
    total: int

    @property
    def cut(self) -> bool:
        """Whether the list was cut short."""
        return len(self.records) < self.total

    def caption(self, noun: str = "claims") -> str:
        """The caption: "13 claims", or "showing 10 of 13 claims" when cut short."""
        if self.cut:
            return f"showing {len(self.records)} of {self.total} {noun}"
        return f"{self.total} {noun}"


def order(
    claims: Iterable[ClaimRecord], sort: str = "score", limit: int | None = None
) -> Shown[ClaimRecord]:
    """``claims`` in ``sort`` order (score first by default), at most ``limit`` of them."""
    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort {sort!r}; sorts: {', '.join(SORT_KEYS)}")
    key = SORT_KEYS[sort]
    ordered = sorted(claims, key=lambda c: (key(c), -c.score, c.id))
    return Shown(ordered[:limit] if limit is not None else ordered, len(ordered))
