"""Synthetic databases of realistic claims, grown through the Store API, and their latency."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimtrack.model import Claim, Metadata, ScanResult, claim_id
from claimtrack.store import Filters, Store, open_store
from claimtrack.text import make_article


def variants(results: list[ScanResult]) -> Iterator[ScanResult]:
    """Endless distinct articles made from real scan results (check-worthy claims only).

    Copy ``k`` of an article gets a closing line and its own source, so it has its own text
    hash and claim ids; claim spans, texts, types and scores are those the plugins produced.
    Contradictions are left out: they point at claims that need not be stored.
    """
    copy = 0
    while True:
        copy += 1
        for result in results:
            article = result.article
            text = article.text.rstrip() + f"\n\nArchive copy {copy}.\n"
            moved = replace(
                article, text=text, source=f"/bench/copy{copy}/{Path(article.source).name}"
            )
            sha = moved.sha256
            claims = tuple(
                replace(c, id=claim_id(sha, c.start, c.end)) for c in result.claims if c.checkworthy
            )
            if claims:
                yield replace(result, article=moved, claims=claims, contradictions=(), errors=())


class Grower:
    """Grows one database to a number of stored claims, in large transactions."""

    def __init__(self, path: Path | str, results: list[ScanResult], batch: int = 256) -> None:
        self.store = open_store(path)
        self.source = variants(results)
        self.batch = batch
        self.claims = 0
        self.ids: list[str] = []
        self.seconds = 0.0

    def grow_to(self, claims: int) -> None:
        """Add articles until the database holds at least ``claims`` claims."""
        started = time.perf_counter()
        with _without_repeat_links():
            while self.claims < claims:
                pending: list[ScanResult] = []
                count = 0
                while self.claims + count < claims and len(pending) < self.batch:
                    result = next(self.source)
                    pending.append(result)
                    count += len(result.claims)
                records = self.store.save_scans(pending)
                self.claims += count
                self.ids = [c["id"] for r in records[-20:] for c in r["claims"]]
        self.seconds += time.perf_counter() - started


class _without_repeat_links:
    """Skip linking repeated claims across articles while building fixtures.

    Its cost is measured on its own (``in_process``: ``scan_linking_s``); over 100k synthetic
    repeats of the same few hundred articles it would give every claim links to its copies, and
    every article back-links to write, that no real desk would have.
    """

    def __enter__(self) -> None:
        from claimtrack.store import scans

        self.original = scans._link_repeats
        scans._link_repeats = lambda *args, **kwargs: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        from claimtrack.store import scans

        scans._link_repeats = self.original  # type: ignore[assignment]


def repeat_of(store: Store, article_id: str, copy: int) -> ScanResult:
    """A new article repeating a stored one: same text and claims, its own source and ids."""
    record = store.article(article_id)
    text = (record.text or "").rstrip() + f"\n\nRepeated {copy}.\n"
    article = make_article(text, f"/bench/repeat{copy}/{article_id}", Metadata(title=record.title))
    claims = tuple(
        Claim.from_span(
            article,
            doc.start,
            doc.end,
            score=doc.score,
            checkworthy=doc.checkworthy,
            type=doc.type,
            claim=doc.claim or doc.text,
        )
        for doc in store.claims(Filters(article=article_id))
    )
    return ScanResult(article=article, claims=claims)


def in_process(store: Store, claim: str, times: int = 5) -> dict[str, Any]:
    """Median seconds of the Store calls behind verify, show, search, similar and the report,
    and of storing an article whose claims repeat stored ones (linked to them)."""

    def median(call: Any) -> float:
        runs = []
        for _ in range(times):
            started = time.perf_counter()
            call()
            runs.append(time.perf_counter() - started)
        return sorted(runs)[len(runs) // 2]

    doc = store.claim(claim)
    copies = iter(range(1, times + 1))
    return {
        "mark_s": median(lambda: store.mark([claim], "in progress", by="bench")),
        "claim_s": median(lambda: store.claim(claim)),
        "history_s": median(lambda: store.history(claim)),
        "summary_s": median(store.summary),
        "dashboard_s": median(lambda: store.dashboard(10)),
        "search_s": median(lambda: store.search(doc.text)),
        "similar_s": median(lambda: store.similar(claim)),
        "scan_linking_s": median(
            lambda: store.save_scans([repeat_of(store, doc.article, next(copies))])
        ),
    }
