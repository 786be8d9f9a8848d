"""One scan: load → segment → analyse → furniture → extract → enrich → relate, each plugin
isolated. The analysis is the article's spaCy parse (``Article.doc``), made once per scanned
article before the plugins run, so that no plugin's time limit pays for it; a scan of many
sources parses them in batches (:func:`scan_many`).

The parse and the plugins' work on it happen inside a memory zone
(:func:`claimtrack.model.parse_zone`): once an article (or a batch) is scanned, spaCy forgets
the words it met and the parse is dropped, so a long scan's memory does not grow with its
corpus. A :class:`ScanResult` holds plain data only; its ``article.doc`` parses again if asked.
"""

from __future__ import annotations

import math
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

import orjson

from claimtrack.errors import ArticleError
from claimtrack.model import (
    CLAIM_TYPES,
    Article,
    Claim,
    Contradiction,
    Metadata,
    ScanResult,
    Sentence,
    Span,
    Speaker,
    parse_together,
    parse_zone,
)
from claimtrack.plugins import PluginHost, time_limits
from claimtrack.text import make_article

# Limits on one article, far above any real one (docs/robustness.md): they bound a scan's time
# and memory whatever the input. Measured on 933 PolNeAR and news articles and the CheckThat!
# 2019 debate transcripts: the longest text is 135,574 characters (a debate; the longest news
# article 33,672), the most sentences 2,166, the most claims 2,058 (news: 340), the longest
# sentence 979 characters.
#: Most characters of article text (after decoding and HTML extraction); longer is rejected.
MAX_ARTICLE_CHARS = 500_000
#: Longest sentence handed to plugins, in characters. A longer "sentence" (a run without full
#: stops, hostile input) is cut into pieces of at most this length at a space, so that every
#: character is still scanned while plugins whose cost grows with a sentence's length stay fast.
MAX_SENTENCE_CHARS = 2_000
#: Most sentences in one article, counted after long sentences are cut; more is rejected.
MAX_SENTENCES = 20_000
#: Most claims in one article, counted after the extractors and after each enricher (which may
#: split claims); more is rejected. The enrichers' and relaters' work grows with the claims.
MAX_CLAIMS = 5_000
#: Most contradictions in one article (real articles have at most a handful); more is rejected
#: rather than printed or stored.
MAX_CONTRADICTIONS = 1_000

#: Characters of text (about 10,000 tokens) that :func:`scan_many` loads ahead and parses in
#: one batch: the parse's memory grows with the tokens it holds, and beyond this size batching
#: saves little more.
PARSE_BATCH_CHARS = 10_000

#: One scanned source: ("ok", ScanResult) or ("unreadable", message).
Outcome = tuple[str, Any]

_HOST: ContextVar[PluginHost | None] = ContextVar("claimtrack_host", default=None)


def score_pair(article: Article, a: Claim, b: Claim) -> float | None:
    """Ask ``claimtrack_score_pair`` implementations of the running scan to score a pair.

    Returns None outside a scan, when no plugin implements the hook, or when all pass.
    """
    host = _HOST.get()
    if host is None:
        return None
    score = host.first_result("claimtrack_score_pair", article=article, a=a, b=b)
    if score is None:
        return None
    if not isinstance(score, (int, float)) or not 0 <= score <= 1:
        host.record("score_pair", f"claimtrack_score_pair returned {score!r}, not a probability")
        return None
    return float(score)


def load_article(host: PluginHost, source: str, given: Metadata | None = None) -> Article:
    """Load and segment ``source`` through the loader hook; raise ``ArticleError`` if unreadable.

    Each field set in ``given`` (``scan --title``, ``--date``...) replaces what the loader found.
    """
    article = host.first_result("claimtrack_load_article", propagate=(ArticleError,), source=source)
    if not isinstance(article, Article):
        raise ArticleError(f"{source}: no loader could read it")
    _check_length(article)  # before segmenting: a 10 MB text would take seconds to split
    metadata = article.metadata
    if given is not None:
        known = {f.name: getattr(given, f.name) for f in fields(given)}
        metadata = replace(metadata, **{name: value for name, value in known.items() if value})
    return make_article(article.text, article.source, metadata)


def scan_source(host: PluginHost, source: str, given: Metadata | None = None) -> ScanResult:
    """Load ``source`` (its metadata completed by ``given``, see :func:`load_article`), scan it."""
    with time_limits():
        return scan_article(host, load_article(host, source, given))


def scan_many(
    host: PluginHost, sources: Iterable[str], given: Metadata | None = None
) -> Iterator[Outcome]:
    """Scan ``sources`` in order in this process, each as :func:`scan_source` would.

    Articles are loaded ahead and parsed together, about ``PARSE_BATCH_CHARS`` characters at a
    time (:func:`claimtrack.model.parse_together`: short texts cost a fraction of a parse each
    alone). A source that cannot be read, or is over a limit, is an ``("unreadable", message)``
    outcome and the others go on.
    """
    batch: list[Article | str] = []  # an article, or why its source is unreadable
    size = 0
    for source in sources:
        try:
            with time_limits():
                article = within_limits(load_article(host, source, given))
        except ArticleError as exc:
            batch.append(str(exc))
            continue
        batch.append(article)
        size += len(article.text)
        if size >= PARSE_BATCH_CHARS:
            yield from _scan_batch(host, batch)
            batch, size = [], 0
    yield from _scan_batch(host, batch)


def _scan_batch(host: PluginHost, batch: list[Article | str]) -> Iterator[Outcome]:
    """Scan a batch in one memory zone; its outcomes are handed out once the zone is closed
    (a generator paused inside the zone would keep it open for whatever its consumer parses)."""
    articles = [item for item in batch if isinstance(item, Article)]
    outcomes: list[Outcome] = []
    with parse_zone(articles):
        parse_together(articles)
        for item in batch:
            if isinstance(item, str):
                outcomes.append(("unreadable", item))
                continue
            try:
                outcomes.append(("ok", scan_article(host, item)))
            except ArticleError as exc:
                outcomes.append(("unreadable", str(exc)))
    yield from outcomes


def scan_article(host: PluginHost, article: Article) -> ScanResult:
    """Run every plugin stage on a segmented article and return what they found.

    The parse and every plugin's work happen in a memory zone (:func:`parse_zone`): the
    result holds no spaCy object, and its article's parse is dropped (``result.article.doc``
    parses the text again). Raise ``ArticleError`` if the article is over a limit
    (:func:`within_limits`).
    """
    article = within_limits(article)
    host.take_failures()
    token = _HOST.set(host)
    try:
        with parse_zone([article]):
            article.doc  # noqa: B018 - the analysis stage: one parse, before any plugin's limit
            with time_limits():
                article = replace(article, furniture=_furniture(host, article))
                claims = _extract(host, article)
                claims = _enrich(host, article, claims)
                contradictions = _relate(host, article, claims)
    finally:
        _HOST.reset(token)
    return ScanResult(
        article=article,
        claims=tuple(sorted(claims, key=lambda c: (c.start, c.end))),
        contradictions=tuple(contradictions),
        errors=tuple(host.take_failures()),
    )


def checkworthy_only(result: ScanResult) -> ScanResult:
    """``result`` with only the claims a desk stores: check-worthy ones, and any claim a
    contradiction points at."""
    needed = {c.a.id for c in result.contradictions} | {c.b.id for c in result.contradictions}
    return replace(
        result, claims=tuple(c for c in result.claims if c.checkworthy or c.id in needed)
    )


def within_limits(article: Article) -> Article:
    """``article`` with long sentences cut (:func:`bound_sentences`); raise ``ArticleError`` if
    its text is longer than ``MAX_ARTICLE_CHARS`` or it has more than ``MAX_SENTENCES``.

    ``scan_article`` calls it first; later it rejects an article whose scan yields more than
    ``MAX_CLAIMS`` claims or ``MAX_CONTRADICTIONS`` contradictions.
    """
    _check_length(article)
    article = bound_sentences(article)
    if len(article.sentences) > MAX_SENTENCES:
        raise ArticleError(
            f"{article.source}: {len(article.sentences):,} sentences; "
            f"the limit is {MAX_SENTENCES:,} per article"
        )
    return article


def _check_length(article: Article) -> None:
    if len(article.text) > MAX_ARTICLE_CHARS:
        raise ArticleError(
            f"{article.source}: article text is {len(article.text):,} characters; "
            f"the limit is {MAX_ARTICLE_CHARS:,}"
        )


def _check_claims(article: Article, count: int, after: str) -> None:
    if count > MAX_CLAIMS:
        raise ArticleError(
            f"{article.source}: {count:,} claims{after}; the limit is {MAX_CLAIMS:,} per article"
        )


def bound_sentences(article: Article) -> Article:
    """``article`` with every sentence longer than ``MAX_SENTENCE_CHARS`` cut into pieces.

    A piece ends at the last whitespace in the second half of its window (at the limit itself
    when there is none) and is trimmed like a sentence; pieces keep their paragraph index.
    """
    if all(s.end - s.start <= MAX_SENTENCE_CHARS for s in article.sentences):
        return article
    text, pieces = article.text, []
    for sentence in article.sentences:
        start = sentence.start
        while sentence.end - start > MAX_SENTENCE_CHARS:
            cut = start + MAX_SENTENCE_CHARS
            floor = start + MAX_SENTENCE_CHARS // 2
            space = cut
            while space > floor and not text[space].isspace():
                space -= 1
            if space > floor:
                cut = space
            end = cut
            while text[end - 1].isspace():
                end -= 1
            pieces.append(Sentence(start, end, sentence.paragraph))
            start = cut
            while start < sentence.end and text[start].isspace():
                start += 1
        if start < sentence.end:
            pieces.append(Sentence(start, sentence.end, sentence.paragraph))
    return replace(article, sentences=tuple(pieces))


def _furniture(host: PluginHost, article: Article) -> tuple[Span, ...]:
    spans: list[Span] = []
    for name, result in host.call_each("claimtrack_find_furniture", "furniture", article=article):
        for item in _iterable(host, name, result, "claimtrack_find_furniture"):
            if isinstance(item, Span) and 0 <= item.start < item.end <= len(article.text):
                spans.append(Span(item.start, item.end))
            else:
                host.record(
                    name, f"claimtrack_find_furniture returned an invalid span: {item!r:.80}"
                )
    return merge_spans(spans)


def merge_spans(spans: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted, non-overlapping spans covering the same characters."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        if merged and span.start <= merged[-1].end:
            if span.end > merged[-1].end:
                merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return tuple(merged)


def _extract(host: PluginHost, article: Article) -> list[Claim]:
    by_span: dict[tuple[int, int], Claim] = {}
    for name, result in host.call_each("claimtrack_extract_claims", "extract", article=article):
        for item in _iterable(host, name, result, "claimtrack_extract_claims"):
            claim = _valid_claim(host, name, article, item, "claimtrack_extract_claims")
            if claim is None or article.is_furniture(claim.span):
                continue
            if not claim.extractor:
                claim = Claim.evolve(claim, extractor=name)
            (claim,) = _json_details(host, name, "claimtrack_extract_claims", [claim])
            by_span.setdefault((claim.start, claim.end), claim)
    _check_claims(article, len(by_span), "")
    return list(by_span.values())


def _enrich(host: PluginHost, article: Article, claims: list[Claim]) -> list[Claim]:
    """Run the enrichers in turn, each on the previous one's output."""
    hook = "claimtrack_enrich_claims"
    for name, function, argnames in host.implementations(hook):
        claims = _enriched(host, name, function, argnames, article, claims)
        # Checked whatever the enricher returned: it may have changed the claims it was given.
        claims = _json_details(host, name, hook, claims)
    # A claim whose extractor left the decision to a scorer that did not run is decided here.
    return [
        c if c.checkworthy is not None else Claim.evolve(c, checkworthy=c.decided_checkworthy)
        for c in claims
        if not article.is_furniture(c.span)
    ]


def _relate(host: PluginHost, article: Article, claims: list[Claim]) -> list[Contradiction]:
    known = {c.id for c in claims}
    found: dict[str, Contradiction] = {}
    for name, result in host.call_each(
        "claimtrack_find_contradictions", "relate", article=article, claims=tuple(claims)
    ):
        for item in _iterable(host, name, result, "claimtrack_find_contradictions"):
            if not isinstance(item, Contradiction) or not {item.a.id, item.b.id} <= known:
                host.record(
                    name,
                    f"claimtrack_find_contradictions returned {item!r:.80}, not a "
                    "Contradiction between two claims of this scan",
                )
                continue
            found.setdefault(item.id, item if item.extractor else replace(item, extractor=name))
            if len(found) > MAX_CONTRADICTIONS:
                raise ArticleError(
                    f"{article.source}: {name} found more than {MAX_CONTRADICTIONS:,} "
                    "contradictions, the limit per article"
                )
    return sorted(found.values(), key=lambda c: (c.a.start, c.b.start))


def _iterable(host: PluginHost, name: str, result: Any, hook: str) -> Iterable[Any]:
    if result is None:
        return ()
    if not _listlike(result):
        host.record(name, f"{hook} returned {type(result).__name__}, not a list")
        return ()
    return result


def _listlike(result: Any) -> bool:
    return isinstance(result, Iterable) and not isinstance(result, (str, bytes, dict))


def _enriched(
    host: PluginHost,
    name: str,
    function: Any,
    argnames: list[str],
    article: Article,
    claims: list[Claim],
) -> list[Claim]:
    """One enricher's claims, or ``claims`` as they were if its output is faulty."""
    hook = "claimtrack_enrich_claims"
    ok, result = host.call_one(
        hook, name, function, argnames, "enrich", (), {"article": article, "claims": tuple(claims)}
    )
    if not ok or result is None:
        return claims
    items = list(_iterable(host, name, result, hook))
    enriched = [claim for item in items if (claim := _valid_claim(host, name, article, item, hook))]
    if len(enriched) != len(items) or not _listlike(result):
        return claims  # a faulty enricher's output is dropped whole: the claims stay as they were
    _check_claims(article, len(enriched), f" after {name}")
    return [c if c.extractor else Claim.evolve(c, extractor=name) for c in enriched]


def _json_details(host: PluginHost, name: str, hook: str, claims: list[Claim]) -> list[Claim]:
    """The claims with only the details JSON can hold (the store keeps them as JSON): a plugin
    that put anything else there, such as a spaCy token that would also outlive its parse, is
    recorded as failing, and those entries are dropped."""
    checked = []
    for claim in claims:
        if _is_json(claim.details):
            checked.append(claim)
            continue
        kept = {k: v for k, v in claim.details.items() if isinstance(k, str) and _is_json(v)}
        dropped = ", ".join(sorted(repr(k) for k in claim.details.keys() - kept.keys()))
        host.record(name, f"{hook}: details {dropped} of a claim are not JSON data, dropped")
        checked.append(Claim.evolve(claim, details=kept))
    return checked


def _is_json(value: Any) -> bool:
    try:
        orjson.dumps(value)
    except TypeError:
        return False
    return True


def _valid_claim(
    host: PluginHost, name: str, article: Article, item: Any, hook: str
) -> Claim | None:
    """``item`` if it is a well-formed claim of this article; otherwise record why and drop it."""
    problem = claim_problem(article, item)
    if problem:
        host.record(name, f"{hook}: {problem}")
        return None
    return item if isinstance(item, Claim) else None


def claim_problem(article: Article, item: Any) -> str | None:
    """Why ``item`` is not a valid claim of ``article``, or None if it is."""
    if not isinstance(item, Claim):
        return f"returned {type(item).__name__}, not a Claim"
    if not (isinstance(item.start, int) and isinstance(item.end, int)) or not (
        0 <= item.start < item.end <= len(article.text)
    ):
        return f"span {item.start}:{item.end} is outside the article"
    if article.text[item.start : item.end] != item.text:
        return f"claim text does not match the article at {item.start}:{item.end}"
    if item.type not in CLAIM_TYPES:
        return f"unknown claim type {item.type!r}"
    if (
        not isinstance(item.score, (int, float))
        or math.isnan(item.score)
        or not 0 <= item.score <= 1
    ):
        return f"score {item.score!r} is not in [0, 1]"
    if not isinstance(item.claim, str):
        return "claim text is not a string"
    if not isinstance(item.details, Mapping):
        return f"details are {type(item.details).__name__}, not a mapping"
    if item.speaker is not None and not _plain_speaker(item.speaker, len(article.text)):
        return f"speaker {item.speaker!r:.80} is not names and offsets into the article"
    return None


def _plain_speaker(speaker: Any, length: int) -> bool:
    """Whether ``speaker`` is a :class:`Speaker` of strings (or None) and, if it has them,
    offsets within an article of ``length`` characters."""
    if not isinstance(speaker, Speaker):
        return False
    if not all(v is None or isinstance(v, str) for v in (speaker.name, speaker.mention)):
        return False
    if speaker.start is None and speaker.end is None:
        return True
    start, end = speaker.start, speaker.end
    if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool):
        return False
    return 0 <= start <= end <= length


# -- many sources: in this process or in a pool of worker processes ---------------------------

#: Sources a worker scans per task: large enough to amortise the process round trip.
CHUNK = 8
#: Chunks in flight per worker: keeps workers busy while bounding results held in memory.
WINDOW_PER_JOB = 4
#: Bytes of input that make one more worker process worth starting: for less, starting it and
#: sending results back costs more than it saves.
BYTES_PER_WORKER = 64 * 1024


_worker_host: PluginHost | None = None


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


def scan_sources(
    host: PluginHost,
    paths: Sequence[str],
    given: Metadata | None = None,
    jobs: int = 1,
    disable: Sequence[str] = (),
    plugins_dir: Path | None = None,
) -> Iterator[Outcome]:
    """Scan every source, in order: in this process, or in up to ``jobs`` worker processes.

    Workers are started only for enough input to pay for them (``BYTES_PER_WORKER`` each);
    standard input (``-``) is always read here. Forked workers start with ``host``'s plugins
    and the spaCy pipeline, loaded here first; spawned ones load them with ``disable`` and
    ``plugins_dir``, and the pipeline on first use.
    """
    workers = 1 if "-" in paths else _workers(jobs, paths)
    if workers <= 1:
        yield from scan_many(host, paths, given)
        return
    import multiprocessing

    if multiprocessing.get_start_method() == "fork":
        # Forked workers share the parent's spaCy pipeline (0.7 s of CPU each to load it).
        from claimtrack.nlp import load_model

        load_model()
    global _worker_host
    _worker_host = host
    chunks = [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]
    try:
        with multiprocessing.Pool(workers, _init_worker, (list(disable), plugins_dir)) as pool:
            window: deque[Any] = deque()
            for chunk in chunks:
                window.append(pool.apply_async(_scan_chunk, (chunk, given)))
                if len(window) >= workers * WINDOW_PER_JOB:
                    yield from window.popleft().get()
            while window:
                yield from window.popleft().get()
    finally:
        _worker_host = None


def _workers(jobs: int, paths: Sequence[str]) -> int:
    """How many processes to scan ``paths`` with: at most ``jobs``, one per ``BYTES_PER_WORKER``.

    A URL counts as a worker's worth of input.
    """
    if jobs <= 1 or len(paths) <= 1:
        return 1
    size = 0
    for path in paths:
        try:
            size += os.path.getsize(path)
        except (OSError, ValueError):  # a URL, or a file the scan will report as unreadable
            size += BYTES_PER_WORKER
        if size >= jobs * BYTES_PER_WORKER:
            break
    return max(1, min(jobs, len(paths), size // max(1, BYTES_PER_WORKER)))


def _init_worker(disable: list[str], plugins_dir: Path | None) -> None:
    """Load the plugins once per worker, unless forked with them; the parent reported failures."""
    import signal

    from claimtrack.plugins import load_plugins

    global _worker_host
    # Ctrl-C goes to the whole process group: the parent stops the pool, workers stay quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker_host is None:
        _worker_host = load_plugins(disable=disable, plugins_dir=plugins_dir)
    _worker_host.take_failures()


def _scan_chunk(paths: list[str], given: Metadata | None) -> list[Outcome]:
    assert _worker_host is not None
    return list(scan_many(_worker_host, paths, given))
