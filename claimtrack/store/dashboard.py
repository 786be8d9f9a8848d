"""Counts for listings and the report: totals, disputed speakers, what awaits a verdict.

Everything here reads the catalog and the match index; articles are opened only for the claims
the dashboard lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any

from claimtrack.config import Config
from claimtrack.store.documents import catalog, catalog_of, docs_of, history, stored_article
from claimtrack.store.engine import Session
from claimtrack.store.matching import MatchIndex
from claimtrack.store.records import (
    ArticleSection,
    Change,
    ClaimRecord,
    Dashboard,
    Summary,
)


def summary(entries: Sequence[dict[str, Any]]) -> Summary:
    """Counts by status and type over catalog entries, each most first."""
    statuses: Counter[str] = Counter()
    types: Counter[str] = Counter()
    for entry in entries:
        statuses.update(entry.get("statuses", {}))
        types.update(entry.get("types", {}))
    return Summary.of(len(entries), statuses, types)


def dashboard(session: Session, config: Config, limit: int) -> Dashboard:
    """The report's overview, from the catalog, the match index and the history.

    Counts by status and type; the speakers with most claims rated below the top of the scale;
    the ``limit`` oldest claims still awaiting a verdict, an article's most check-worthy first,
    and how many there are; the latest changes.
    """
    pending, faulted = review_statuses(config)
    entries = catalog(session)
    counts = summary(entries)
    speakers = MatchIndex(session).speakers(faulted)
    recent = history(session, newest_first=True, limit=limit)
    return Dashboard(
        summary=counts,
        speakers=tuple(speakers.most_common(limit)),
        awaiting=tuple(_oldest_pending(session, entries, pending, limit)),
        awaiting_total=sum(counts.statuses.get(status, 0) for status in pending),
        recent=tuple(Change.from_json(e) for e in recent),
    )


def review_statuses(config: Config) -> tuple[list[str], list[str]]:
    """The statuses awaiting a verdict, and those rating a claim below the top of the scale
    (the dashboard's disputed speakers), on both backends."""
    pending = [s.name for s in config.statuses if not s.reviewed]
    faulted = [
        s.name for s in config.statuses if s.rating is not None and s.rating < config.best_rating
    ]
    return pending, faulted


def latest_articles(
    session: Session, limit: int, article: str | None
) -> tuple[list[ArticleSection], int]:
    """The ``limit`` most recently updated articles (or the one given) and how many there are."""
    entries = catalog_of(session, article)
    latest = sorted(entries, key=lambda e: e.get("updated") or "", reverse=True)[:limit]
    sections = [stored_article(e, docs_of(session, e["id"])).section() for e in latest]
    return sections, len(entries)


def _oldest_pending(
    session: Session, entries: Sequence[dict[str, Any]], pending: Collection[str], limit: int
) -> list[ClaimRecord]:
    """The ``limit`` live claims with a status in ``pending`` first seen earliest, the most
    check-worthy first among claims seen at once (an article's claims are seen together).

    A claim is first seen no earlier than its article was first scanned, so articles are read
    oldest first, only those the catalog counts pending claims in, until no later one can hold
    an earlier claim: the report stays fast however many articles wait.
    """
    waiting: list[tuple[str, float, str, dict[str, Any]]] = []
    for entry in sorted(entries, key=lambda e: e.get("first_scanned") or ""):
        first = entry.get("first_scanned") or ""
        if len(waiting) >= limit and (not waiting or first > waiting[-1][0]):
            break
        if not any(entry.get("statuses", {}).get(status) for status in pending):
            continue
        for doc in docs_of(session, entry["id"]).claims:
            if doc["status"] in pending and not doc.get("removed"):
                seen = doc.get("first_seen") or ""
                waiting.append((seen, -float(doc["score"]), doc["id"], doc))
        waiting.sort(key=lambda item: item[:3])
        del waiting[limit:]
    return [ClaimRecord.from_json(doc) for *_, doc in waiting]
