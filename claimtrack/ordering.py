"""How lists of claim records are ordered and cut short, the same in every command.

Check-worthiness comes first by default: the claim most worth checking heads the list. Any other
order keeps the score as the tie-breaker, so the best of equals still comes first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from claimtrack.errors import UsageError

Record = Mapping[str, Any]

#: Sort key name → the value a record is ordered by (ascending; the score descending).
SORT_KEYS: dict[str, Callable[[Record], Any]] = {
    "score": lambda r: 0,
    "status": lambda r: r.get("status") or "",
    "type": lambda r: r.get("type") or "",
    "speaker": lambda r: ((r.get("speaker") or {}).get("name") or "\uffff").casefold(),
    "article": lambda r: r.get("article") or "",
    "seen": lambda r: r.get("first_seen") or "",
    "id": lambda r: r.get("id") or "",
}


@dataclass(frozen=True)
class Shown:
    """The records a list shows, and how many there were in all."""

    records: list[dict[str, Any]]
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
    records: Iterable[dict[str, Any]], sort: str = "score", limit: int | None = None
) -> Shown:
    """``records`` in ``sort`` order (score first by default), at most ``limit`` of them."""
    if sort not in SORT_KEYS:
        raise UsageError(f"unknown sort {sort!r}; sorts: {', '.join(SORT_KEYS)}")
    key = SORT_KEYS[sort]
    ordered = sorted(records, key=lambda r: (key(r), -float(r.get("score") or 0), r.get("id")))
    return Shown(ordered[:limit] if limit is not None else ordered, len(ordered))
