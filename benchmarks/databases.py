"""Synthetic databases of realistic claims, grown through the Store API, and their latency."""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.corpus import PLAIN_SPLIT, source_articles
from claimtrack.model import CLAIM_TYPES, Claim, Metadata, ScanResult, claim_id
from claimtrack.store import Filters, Store, open_store
from claimtrack.store.matching import normalise
from claimtrack.text import make_article

#: Claims per synthetic article of distinct claims (``distinct``).
PER_ARTICLE = 16
#: The shortest sentence (in words) ``distinct`` takes as a claim.
MIN_WORDS = 6


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


def distinct_claims(folder: Path) -> Iterator[str]:
    """Endless claims, each with its own normalised form, from the sentences of the ``.txt``
    articles of ``folder``.

    First every sentence of at least ``MIN_WORDS`` words as it is (plain split), then splices:
    the first half of one sentence with the second half of another (sentence ``i`` with
    ``i + 101·k``, round ``k``). The splices keep the corpus's words and their frequencies, so a
    desk larger than the corpus has a vocabulary no larger than the corpus's: its rare words are
    held by more claims than a real desk's of that size would be (a pessimistic desk).
    """
    texts = []
    for path in source_articles(folder):
        for part in PLAIN_SPLIT.split(path.read_text(encoding="utf-8", errors="replace")):
            sentence = " ".join(part.split())
            if len(sentence.split()) >= MIN_WORDS:
                texts.append(sentence)
    seen: set[str] = set()

    def fresh(found: Iterable[str]) -> Iterator[str]:
        for text in found:
            form = normalise(text)
            if form and form not in seen:
                seen.add(form)
                yield text

    yield from fresh(texts)
    halves = [text.split() for text in texts]

    def splice(i: int, round_: int) -> str:
        left, right = halves[i], halves[(i + 101 * round_) % len(halves)]
        return " ".join(left[: len(left) // 2] + right[len(right) // 2 :])

    for round_ in itertools.count(1):
        yield from fresh(splice(i, round_) for i in range(len(halves)))


def distinct(folder: Path) -> Iterator[ScanResult]:
    """Endless articles of ``PER_ARTICLE`` distinct claims each (``distinct_claims``), a claim a
    paragraph, with types spread over the claim types by the claim's hash."""
    claims = distinct_claims(folder)
    types = sorted(CLAIM_TYPES)
    for number in itertools.count(1):
        texts = list(itertools.islice(claims, PER_ARTICLE))
        text = "\n\n".join(texts) + "\n"
        article = make_article(text, f"/bench/distinct/{number:06d}.txt")
        found, at = [], 0
        for claim in texts:
            start = text.index(claim, at)
            at = start + len(claim)
            digest = hashlib.sha256(claim.encode()).digest()
            found.append(
                Claim.from_span(
                    article,
                    start,
                    at,
                    score=0.5 + digest[0] / 512,
                    checkworthy=True,
                    type=types[digest[1] % len(types)],
                )
            )
        yield ScanResult(article=article, claims=tuple(found))


class Grower:
    """Grows one database to a number of stored claims, in large transactions."""

    def __init__(self, path: Path | str, source: Iterator[ScanResult], batch: int = 256) -> None:
        self.store = open_store(path)
        self.source = source
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

        self.original = scans.link_repeats
        scans.link_repeats = lambda *args, **kwargs: []  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        from claimtrack.store import scans

        scans.link_repeats = self.original  # type: ignore[assignment]


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
