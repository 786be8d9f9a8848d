"""Watching feeds: scan each new item once, and find the claims that repeat checked ones.

One round reads every feed, scans the items the store has not seen (their pages fetched with
the loader's URL limits), stores them as ``scan`` does, and yields a :class:`Repeat` for each
stored claim that repeats a claim the desk has already given a verdict, and a :class:`Problem`
for each feed or page that failed. A failed feed or page is not remembered, so the next round
tries it again; an item is remembered once its article is stored and its repeats are yielded.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from claimtrack.errors import ArticleError, UsageError
from claimtrack.feeds import FeedItem, read_feed
from claimtrack.model import ScanResult
from claimtrack.pipeline import checkworthy_only, scan_source
from claimtrack.plugins import PluginHost

if TYPE_CHECKING:
    from claimtrack.store import Evidence, Link, Store

#: Seconds in a unit of ``--every``.
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")


@dataclass(frozen=True)
class Earlier:
    """A claim the desk has checked, as an alert shows it."""

    id: str
    article: str
    claim: str
    verdict: str
    notes: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Repeat:
    """A claim of a new feed item that repeats a checked claim (``score``: how alike, 0–100)."""

    item: FeedItem
    article: str
    claim_id: str
    claim: str
    score: float
    earlier: Earlier

    def to_json(self) -> dict[str, Any]:
        """The ``watch --json`` line for this repeat."""
        return {
            "schema": "claimtrack.repeat/1",
            "feed": self.item.feed,
            "item": {"key": self.item.key, "link": self.item.link, "title": self.item.title},
            "article": self.article,
            "claim": {"id": self.claim_id, "text": self.claim},
            "score": round(self.score, 1),
            "earlier": {
                "id": self.earlier.id,
                "article": self.earlier.article,
                "claim": self.earlier.claim,
                "verdict": self.earlier.verdict,
                "notes": list(self.earlier.notes),
                "evidence": [item.to_json() for item in self.earlier.evidence],
            },
        }


@dataclass(frozen=True)
class Problem:
    """A feed or item page that could not be read this round (tried again the next)."""

    message: str


def parse_every(text: str) -> float:
    """Seconds in a ``--every`` value such as ``90s``, ``15m``, ``1h`` or ``1d``."""
    match = _DURATION.match(text.strip().lower())
    if not match or float(match[1]) <= 0:
        raise UsageError(f"--every {text!r}: give a duration such as 30s, 15m, 1h or 1d")
    return float(match[1]) * _UNITS[match[2]]


def watch_round(
    store: Store, host: PluginHost, feeds: Sequence[str], checkers: Collection[str] | None = None
) -> Iterator[Repeat | Problem]:
    """Read every feed once, scan and store its new items, and yield repeats and problems."""
    for feed in feeds:
        try:
            items = read_feed(feed)
        except ArticleError as exc:
            yield Problem(str(exc))
            continue
        unseen = set(store.unseen_feed_items(item.key for item in items))
        yield from _scan_items(store, host, [i for i in items if i.key in unseen], checkers)


def _scan_items(
    store: Store, host: PluginHost, items: list[FeedItem], checkers: Collection[str] | None
) -> Iterator[Repeat | Problem]:
    scanned: list[tuple[FeedItem, ScanResult]] = []
    for item in items:
        try:
            scanned.append((item, checkworthy_only(scan_source(host, item.link))))
        except ArticleError as exc:
            yield Problem(str(exc))
    if not scanned:
        return
    records = store.save_scans([result for _, result in scanned], checkers)
    yield from _repeats(store, [item for item, _ in scanned], records)
    stored = zip(scanned, records, strict=True)
    store.remember_feed_items(items[0].feed, {i.key: r["article"]["id"] for (i, _), r in stored})


def _repeats(
    store: Store, items: list[FeedItem], records: list[dict[str, Any]]
) -> Iterator[Repeat]:
    """The stored claims of ``records`` that repeat a claim with a verdict."""
    claims = {
        c["id"]: (item, r, c) for item, r in zip(items, records, strict=True) for c in r["claims"]
    }
    checked: dict[str, Earlier | None] = {}
    for claim_id, links in store.earlier_verdicts(claims).items():
        item, record, claim = claims[claim_id]
        for link in links:
            if link.id not in checked:
                checked[link.id] = _earlier(store, link)
            earlier = checked[link.id]
            if earlier is not None:
                yield Repeat(
                    item=item,
                    article=record["article"]["id"],
                    claim_id=claim_id,
                    claim=claim.get("claim") or claim["text"],
                    score=float(link.score),
                    earlier=earlier,
                )


def _earlier(store: Store, link: Link) -> Earlier | None:
    """The linked claim with its notes and evidence, if the desk has given it a verdict."""
    status = next((s for s in store.config.statuses if s.name == link.status), None)
    if status is None or not status.reviewed:
        return None
    doc = store.claim(link.id)
    return Earlier(
        id=link.id,
        article=link.article,
        claim=link.claim or doc.text,
        verdict=status.name,
        notes=tuple(note.text for note in doc.notes),
        evidence=doc.evidence,
    )
