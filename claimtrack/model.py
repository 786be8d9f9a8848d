"""The data every stage passes on: articles, text segments, claims, contradictions and vocabularies.

All records are frozen dataclasses holding offsets into one article text. Offsets are Python
``str`` indices: ``article.text[claim.start:claim.end] == claim.text`` always holds.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.tokens import Span as DocSpan

#: The claim types, modelled on Full Fact's vocabulary (see docs/vocabularies.md).
CLAIM_TYPES: Mapping[str, str] = MappingProxyType(
    {
        "quantity": "a number, amount, rate or comparison of sizes",
        "event": "something that happened, or happens, at a time and place",
        "historical": "a fact about the more distant past",
        "prediction": "what will or may happen",
        "causal": "one thing causing or explaining another",
        "rule": "what a law, rule or official policy says",
        "position": "what a speaker or their organisation wants, believes or intends",
        "other": "a checkable statement of none of the kinds above",
    }
)

#: The default verification statuses, in workflow order (defined in docs/vocabularies.md).
DEFAULT_STATUSES: tuple[str, ...] = (
    "unverified",
    "in progress",
    "verified",
    "disputed",
    "false",
    "misleading",
    "unverifiable",
)

#: Check-worthiness decision threshold used unless a plugin or the user sets another.
DEFAULT_THRESHOLD = 0.5


def short_hash(*parts: object, length: int = 12) -> str:
    """A stable hex digest of the parts, used for article, claim and contradiction ids."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()
    return digest[:length]


def text_sha256(text: str) -> str:
    """The sha256 hex digest of the article text encoded as UTF-8 (CONTRACT.md)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` of the article text."""

    start: int
    end: int

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """Whether the two ranges share at least one character."""
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        """Whether ``other`` lies wholly inside this range."""
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Paragraph(Span):
    """A block of text separated from its neighbours by a blank line or a line break."""


@dataclass(frozen=True, slots=True)
class Sentence(Span):
    """One sentence, with the index of the paragraph that holds it."""

    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Quote(Span):
    """A quotation: ``start``/``end`` include the quote marks, ``inner`` is the quoted words only.

    A quotation may run over several sentences and, when a paragraph opens with a quote mark
    without closing the previous one (the newspaper convention), over several paragraphs.
    """

    inner: Span = field(default_factory=lambda: Span(0, 0))


@dataclass(frozen=True, slots=True)
class Metadata:
    """What is known about an article besides its text.

    ``decoded_as`` is set by the core's loader when the source was not UTF-8: the encoding it
    was read in (``cp1252``, ``UTF-16 (byte-order mark)``), which the command line names;
    ``invalid_bytes`` counts the bytes it replaced with U+FFFD in text that was mostly UTF-8.
    """

    title: str | None = None
    published: str | None = None  # YYYY-MM-DD
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    decoded_as: str | None = None
    invalid_bytes: int = 0


class _Parse:
    """Where an article keeps its parse: shared by the copies the core makes of the article
    (``dataclasses.replace``), dropped when the article is pickled to another process."""

    __slots__ = ("doc", "sentences")

    def __init__(self) -> None:
        self.doc: Doc | None = None
        self.sentences: tuple[Sentence, ...] = ()

    def __reduce__(self) -> tuple[type[_Parse], tuple[()]]:
        return (_Parse, ())


@dataclass(frozen=True, slots=True)
class Article:
    """An article's text, metadata and segmentation, shared read-only by every plugin.

    Build one with :func:`claimtrack.text.make_article` (or the loader); the core fills in
    ``paragraphs``, ``sentences`` and ``quotes`` once, and ``furniture`` after the furniture hook.
    """

    text: str
    source: str
    metadata: Metadata = field(default_factory=Metadata)
    paragraphs: tuple[Paragraph, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    quotes: tuple[Quote, ...] = ()
    furniture: tuple[Span, ...] = ()
    _sha256: str = field(init=False, repr=False, compare=False, default="")
    _parse: _Parse = field(default_factory=_Parse, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Hashed once: claim ids need it for every claim, and the text never changes.
        object.__setattr__(self, "_sha256", text_sha256(self.text))

    @property
    def sha256(self) -> str:
        """Hex sha256 of the text as UTF-8."""
        return self._sha256

    @property
    def id(self) -> str:
        """Content id: the same text always has the same id."""
        return self.sha256[:12]

    def slice(self, span: Span) -> str:
        """The text of a span."""
        return self.text[span.start : span.end]

    @property
    def doc(self) -> Doc:
        """The spaCy parse of the whole text: tokens, sentences, entities, dependency trees.

        Parsed on first use and kept: every plugin gets the same ``Doc``. Its sentences are
        ``self.sentences`` (a tree never crosses them) and its offsets index ``self.text``
        (``token.idx``, ``span.start_char``). See :mod:`claimtrack.nlp` for the pipeline used.
        A scan's parse is dropped when the scan ends (:func:`parse_zone`); asked for again
        afterwards, the article is parsed again.
        """
        kept = self._parse
        if kept.doc is None or kept.sentences != self.sentences:
            from claimtrack.nlp import parse

            kept.doc = parse(self.text, self.sentences)
            kept.sentences = self.sentences
        return kept.doc

    def parsed(self, span: Span) -> DocSpan:
        """The tokens of ``span`` in :attr:`doc` (widened to whole tokens)."""
        found = self.doc.char_span(span.start, span.end, alignment_mode="expand")
        if found is None:  # pragma: no cover - "expand" always finds the covering tokens
            raise ValueError(f"span {span.start}:{span.end} is outside the article")
        return found

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding the character at ``offset``, if any."""
        lo, hi = 0, len(self.sentences)
        while lo < hi:
            mid = (lo + hi) // 2
            sentence = self.sentences[mid]
            if sentence.end <= offset:
                lo = mid + 1
            elif sentence.start > offset:
                hi = mid
            else:
                return sentence
        return None

    def quote_at(self, offset: int) -> Quote | None:
        """The quotation whose marks enclose ``offset``, if any."""
        for quote in self.quotes:
            if quote.start <= offset < quote.end:
                return quote
            if quote.start > offset:
                break
        return None

    def is_furniture(self, span: Span) -> bool:
        """Whether most of ``span`` lies in boilerplate (bylines, captions, comment sections).

        ``furniture`` is sorted and non-overlapping (the core merges it), so this is a bisection.
        """
        covered = 0
        index = bisect_right(self.furniture, span.start, key=lambda f: f.end)
        for furniture in self.furniture[index:]:
            if furniture.start >= span.end:
                break
            covered += min(span.end, furniture.end) - max(span.start, furniture.start)
        return covered * 2 > max(1, len(span))


def parse_together(articles: Sequence[Article]) -> None:
    """Make the :attr:`~Article.doc` of every article not parsed yet, in one batch.

    Each gets the parse it would have made alone, at a fraction of the cost for short texts
    (:func:`claimtrack.nlp.parse_many`). When the batch fails, each article is parsed alone on
    first use, as before.
    """
    todo = [a for a in articles if a._parse.doc is None or a._parse.sentences != a.sentences]
    if not todo:
        return
    from claimtrack.nlp import parse_many

    for article, doc in zip(todo, parse_many([(a.text, a.sentences) for a in todo]), strict=True):
        if doc is not None:
            article._parse.doc = doc
            article._parse.sentences = article.sentences


@contextmanager
def parse_zone(articles: Sequence[Article]) -> Iterator[None]:
    """A block in which ``articles`` are parsed and read, and after which spaCy keeps nothing
    of them: the words their parse added to its vocabulary are forgotten
    (:func:`claimtrack.nlp.memory_zone`) and their parses are dropped, so that a later
    :attr:`~Article.doc` parses again rather than read a ``Doc`` whose words are gone.

    Articles parsed inside the block but not named are the caller's to drop.
    """
    from claimtrack.nlp import memory_zone

    with memory_zone([article.text for article in articles]):
        try:
            yield
        finally:
            for article in articles:
                article._parse.doc = None
                article._parse.sentences = ()


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who made a claim: ``mention`` is the words at the claim, ``name`` who they refer to."""

    name: str | None
    mention: str | None = None
    start: int | None = None
    end: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's ``speaker`` object."""
        return {"name": self.name, "mention": self.mention, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class Claim:
    """A checkable statement found in an article.

    ``text`` is exactly ``article.text[start:end]``; ``claim`` restates it stand-alone (by default
    the span's words, see :attr:`restated`). ``extractor`` is filled in by the core with the name
    of the plugin that yielded the claim. ``details`` holds plugin-specific extras
    (JSON-serialisable): kept in the store (``claimtrack show ID --json``), not printed by
    ``scan --json``.

    The bundled enrichers fill in the ``type`` and ``claim`` an extractor left at their defaults
    and keep those it set: ``claimtypes`` types only claims of type ``other``, ``standalone``
    neither rewrites nor splits a restated claim, and the parts of a split claim keep its
    ``extractor``. ``speaker`` and ``score`` are theirs: ``attribution`` sets every speaker, and
    ``checkworthiness`` rescores every claim on one scale, keeping the score the claim arrived
    with in ``details["extractor_score"]``. ``checkworthy`` is the extractor's to decide: True
    (the default) or False is kept, and None leaves the decision to the scorer, which decides at
    its threshold; a claim still undecided after enrichment (the scorer disabled) is decided by
    its own ``score`` at :data:`DEFAULT_THRESHOLD` (docs/plugins.md, "Who sets what").
    """

    id: str
    start: int
    end: int
    text: str
    claim: str
    score: float = 0.5
    checkworthy: bool | None = True
    type: str = "other"
    speaker: Speaker | None = None
    extractor: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_span(cls, article: Article, start: int, end: int, **fields: Any) -> Claim:
        """Make a claim of ``article.text[start:end]``; keyword arguments set any other field.

        Raises ``ValueError`` for a span outside the text or an unknown claim type.
        """
        if not 0 <= start < end <= len(article.text):
            raise ValueError(
                f"span {start}:{end} is outside the article (length {len(article.text)})"
            )
        text = article.text[start:end]
        claim_type = fields.get("type", "other")
        if claim_type not in CLAIM_TYPES:
            raise ValueError(
                f"unknown claim type {claim_type!r}; use one of {', '.join(CLAIM_TYPES)}"
            )
        fields.setdefault("claim", " ".join(text.split()))
        return cls(
            id=claim_id(article.sha256, start, end), start=start, end=end, text=text, **fields
        )

    @property
    def span(self) -> Span:
        """The claim's range in the article."""
        return Span(self.start, self.end)

    @property
    def restated(self) -> bool:
        """Whether ``claim`` differs from the span's own words (spacing aside): it was rewritten."""
        return self.claim != " ".join(self.text.split())

    @property
    def decided_checkworthy(self) -> bool:
        """``checkworthy``, or for an undecided claim (None) its ``score`` at the threshold."""
        if self.checkworthy is None:
            return bool(self.score >= DEFAULT_THRESHOLD)
        return bool(self.checkworthy)

    def evolve(self, **changes: Any) -> Claim:
        """A copy with some fields changed (the span and id cannot change this way)."""
        if {"start", "end", "text", "id"} & changes.keys():
            raise ValueError("a claim's span is fixed; make a new claim with Claim.from_span")
        if type(self) is not Claim or not changes.keys() <= _CLAIM_FIELDS:
            return replace(self, **changes)
        # What dataclasses.replace does, without reading the fields' definitions on every call:
        # every plugin evolves every claim, so this runs hundreds of times per article.
        new = object.__new__(Claim)
        for name in _CLAIM_FIELDS:
            object.__setattr__(new, name, changes[name] if name in changes else getattr(self, name))
        return new

    def to_json(self, status: str = "unverified") -> dict[str, Any]:
        """The contract's claim object."""
        return {
            "id": self.id,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "claim": self.claim,
            "score": round(float(self.score), 4),
            "checkworthy": self.decided_checkworthy,
            "type": self.type,
            "speaker": self.speaker.to_json() if self.speaker else None,
            "extractor": self.extractor,
            "status": status,
        }


_CLAIM_FIELDS = frozenset(f.name for f in fields(Claim))


def claim_id(article_sha256: str, start: int, end: int) -> str:
    """The stable id of a span: same article text and same span give the same id."""
    return short_hash(article_sha256, start, end)


@dataclass(frozen=True, slots=True)
class Contradiction:
    """Two claims of one article that cannot both hold, with a sentence a person can check."""

    id: str
    a: Claim
    b: Claim
    kind: str
    explanation: str
    extractor: str = ""
    score: float = 1.0

    @classmethod
    def between(
        cls, a: Claim, b: Claim, kind: str, explanation: str, **fields: Any
    ) -> Contradiction:
        """Make a contradiction of two claims; its id is stable for the pair and kind."""
        first, second = sorted((a, b), key=lambda c: (c.start, c.end))
        return cls(
            id=short_hash(first.id, second.id, kind),
            a=first,
            b=second,
            kind=kind,
            explanation=explanation,
            **fields,
        )

    def to_json(self, stored_ids: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The contract's contradiction object.

        ``stored_ids`` maps claim ids to the ids the store keeps them under (a claim of an edited
        article keeps its first id); the contradiction's id then follows its claims' ids.
        """
        ids = stored_ids or {}
        a, b = ids.get(self.a.id, self.a.id), ids.get(self.b.id, self.b.id)
        return {
            "id": self.id if (a, b) == (self.a.id, self.b.id) else short_hash(a, b, self.kind),
            "claims": [a, b],
            "a": {"start": self.a.start, "end": self.a.end},
            "b": {"start": self.b.start, "end": self.b.end},
            "kind": self.kind,
            "explanation": self.explanation,
            "extractor": self.extractor,
        }


@dataclass(frozen=True, slots=True)
class PluginFailure:
    """A plugin that failed at some stage; the scan goes on without its contribution.

    ``traceback`` is the Python traceback of the exception it raised, if any, which
    ``claimtrack --debug`` shows; it is not part of the contract's JSON.
    """

    plugin: str
    message: str
    stage: str = ""
    traceback: str = field(default="", compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The contract's error object."""
        return {"plugin": self.plugin, "message": self.message}


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan of one article produced."""

    article: Article
    claims: tuple[Claim, ...]
    contradictions: tuple[Contradiction, ...] = ()
    errors: tuple[PluginFailure, ...] = ()
