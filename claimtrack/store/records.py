"""What a store returns: plain dataclasses, the same from every backend.

Field names are those of the JSON the CLI prints (``to_json``); ``from_json`` reads it back, so
a backend that keeps documents (the embedded desk) and one that keeps rows (PostgreSQL) give the
same records. Ids are deterministic keys: a claim's id comes from its article's text and span.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any

from claimtrack.model import Speaker


def _known(cls: type, doc: dict[str, Any]) -> dict[str, Any]:
    names = _names(cls)
    return {k: v for k, v in doc.items() if k in names}


@cache
def _names(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _json(value: Any) -> Any:
    """A field's value as JSON: a record as its ``to_json``, a tuple as a list."""
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    return value.to_json() if hasattr(value, "to_json") else value


@dataclass(frozen=True)
class Note:
    """A note attached to a claim."""

    id: str
    text: str
    by: str
    at: str


@dataclass(frozen=True)
class Evidence:
    """A piece of evidence attached to a claim: a URL or a file, or an imported ClaimReview.

    ``kind`` is ``url``, ``file`` or ``claimreview`` (whose ``target`` is a URL); ``stance`` is
    how it bears on the claim (``supports``, ``refutes``, ``context``).
    """

    id: str
    kind: str
    target: str
    title: str | None = None
    publisher: str | None = None
    date: str | None = None
    stance: str = "context"
    rating: str | None = None
    status: str | None = None

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Evidence:
        """Read an evidence item as ``to_json`` writes it."""
        kind = doc.get("kind") or "url"
        target = doc.get("file") if kind == "file" else doc.get("url")
        stance = doc.get("stance") or "context"
        return cls(**_known(cls, doc) | {"kind": kind, "target": target or "", "stance": stance})

    def to_json(self) -> dict[str, Any]:
        """The item as JSON: the target under ``url`` or ``file``."""
        doc: dict[str, Any] = {"id": self.id, "kind": self.kind}
        doc["file" if self.kind == "file" else "url"] = self.target
        doc |= {
            "title": self.title,
            "publisher": self.publisher,
            "date": self.date,
            "stance": self.stance,
        }
        if self.kind == "claimreview":
            doc |= {"rating": self.rating, "status": self.status}
        return doc


@dataclass(frozen=True)
class Link:
    """A claim of another article that a claim repeats, with that claim's current state.

    A claim's own ``links`` hold only ``id``, ``article`` and ``score``; ``links``, ``show`` and
    ``earlier_verdicts`` fill in the linked claim's current ``status``, text and speaker.
    """

    id: str
    article: str
    score: float
    status: str | None = None
    claim: str | None = None
    speaker: str | None = None
    first_seen: str | None = None

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Link:
        """Read a link as ``to_json`` writes it."""
        return cls(**_known(cls, doc))

    def to_json(self) -> dict[str, Any]:
        """The link as JSON (as stored, without the current state, when that was not read)."""
        if self.status is None:
            return {"id": self.id, "article": self.article, "score": self.score}
        return asdict(self)


#: A claim's JSON keys in order: the contract's claim object, then the store's fields.
_CLAIM_KEYS = dict.fromkeys([
    "id", "article", "start", "end", "text", "claim", "score", "checkworthy", "type", "speaker",
    "extractor", "status", "details", "removed", "first_seen", "updated", "notes", "evidence",
    "links",
])  # fmt: skip


@dataclass(frozen=True)
class ClaimRecord:
    """A stored claim with its verdict (``status``), notes, evidence and links."""

    id: str
    article: str
    start: int
    end: int
    text: str
    claim: str
    score: float
    checkworthy: bool
    type: str
    status: str
    speaker: Speaker | None = None
    extractor: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    removed: bool = False
    first_seen: str | None = None
    updated: str | None = None
    notes: tuple[Note, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    links: tuple[Link, ...] = ()

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ClaimRecord:
        """Read a claim as ``to_json`` writes it."""
        speaker = doc.get("speaker")
        return cls(
            **_known(cls, doc)
            | {
                "speaker": Speaker(**speaker) if speaker else None,
                "details": dict(doc.get("details") or {}),
                "removed": bool(doc.get("removed")),
                "notes": tuple(Note(**_known(Note, n)) for n in doc.get("notes", [])),
                "evidence": tuple(Evidence.from_json(e) for e in doc.get("evidence", [])),
                "links": tuple(Link.from_json(link) for link in doc.get("links", [])),
            }
        )

    def to_json(self) -> dict[str, Any]:
        """The claim as JSON (the contract's claim object and the store's fields)."""
        doc = _CLAIM_KEYS | vars(self)
        doc.update(
            speaker=self.speaker.to_json() if self.speaker else None,
            details=dict(self.details),
            notes=[asdict(n) for n in self.notes],
            evidence=[e.to_json() for e in self.evidence],
            links=[link.to_json() for link in self.links],
        )
        return doc


@dataclass(frozen=True)
class Change:
    """One entry of the append-only history: who changed what, when, from which status.

    ``action`` is ``status``, ``note``, ``evidence``, ``import``, ``undo``, ``edited``,
    ``removed`` or ``contradiction …``; ``before`` and ``after`` are the status before and after
    (None when the status did not change). ``details`` holds the rest: the evidence item, the
    note's item id, what an undo undoes, an edit's texts, a contradiction's id and decision.
    """

    id: str
    at: str
    by: str
    claim: str
    article: str
    action: str
    before: str | None = None
    after: str | None = None
    note: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Change:
        """Read an entry as ``to_json`` writes it."""
        known = _known(cls, doc)
        return cls(**known | {"details": {k: v for k, v in doc.items() if k not in known}})

    def to_json(self) -> dict[str, Any]:
        """The entry as one flat JSON object (``before``/``after`` only for status changes)."""
        doc = dict(vars(self))
        del doc["details"]
        if self.after is None:
            del doc["before"], doc["after"]
        if self.note is None and self.action not in ("status", "note", "undo"):
            del doc["note"]
        return doc | self.details


@dataclass(frozen=True)
class ArticleRecord:
    """A stored article: where it came from, its counts and (when asked for) its text."""

    id: str
    source: str
    sha256: str
    title: str | None = None
    published: str | None = None
    publisher: str | None = None
    author: str | None = None
    url: str | None = None
    scanned: str | None = None
    updated: str | None = None
    first_scanned: str | None = None
    claims: int = 0
    checkworthy: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)
    contradictions: int = 0
    text: str | None = None

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ArticleRecord:
        """Read an article as ``to_json`` writes it."""
        return cls(**_known(cls, doc))

    def to_json(self) -> dict[str, Any]:
        """The article as JSON (``text`` only when it was read)."""
        doc = asdict(self)
        if self.text is None:
            del doc["text"]
        return doc


@dataclass(frozen=True)
class Side:
    """One statement of a contradiction: its span, and its text and speaker when listed."""

    start: int
    end: int
    text: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class ContradictionRecord:
    """A stored contradiction between two claims of an article, and what a person decided."""

    id: str
    claims: tuple[str, str]
    a: Side
    b: Side
    kind: str
    explanation: str
    extractor: str = ""
    decision: str | None = None
    decision_note: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    stale: bool = False
    first_seen: str | None = None
    updated: str | None = None
    article: str | None = None
    title: str | None = None
    source: str | None = None

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> ContradictionRecord:
        """Read a contradiction as ``to_json`` writes it."""
        known = _known(cls, doc) | {"claims": tuple(doc["claims"]), "stale": bool(doc.get("stale"))}
        return cls(**known | {side: Side(**_known(Side, doc[side])) for side in ("a", "b")})

    def to_json(self) -> dict[str, Any]:
        """The contradiction as JSON (sides without text and speaker when not listed)."""
        doc = asdict(self)
        doc["claims"] = list(self.claims)
        for side in ("a", "b"):
            doc[side] = {k: v for k, v in doc[side].items() if v is not None}
        return {k: v for k, v in doc.items() if v is not None or k.startswith("decision")}


@dataclass(frozen=True)
class Rescan:
    """What one rescan of an article with changed text did to its claims."""

    at: str
    sha256: str
    added: tuple[str, ...] = ()
    moved: tuple[dict[str, Any], ...] = ()
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    #: Claims whose sentence was edited: ``{"id", "before", "after", "reopened"}``, where
    #: ``reopened`` says what changed (a number, date, name or negation) when the edit put the
    #: claim back to needing review, and is None when its verdict still holds.
    edited: tuple[dict[str, Any], ...] = ()

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Rescan:
        """Read a rescan as ``to_json`` writes it."""
        lists = {f.name: tuple(doc.get(f.name, ())) for f in fields(cls) if f.default == ()}
        return cls(at=doc["at"], sha256=doc["sha256"], **lists)

    def to_json(self) -> dict[str, Any]:
        """The rescan as JSON."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class StoredArticle:
    """One article with everything kept about it: what ``db copy`` moves between backends.

    ``article`` holds the text; ``claims`` every claim, removed ones too, with its verdict,
    notes, evidence and links; ``contradictions`` every one, stale ones too, with the decision
    made about it; ``rescans`` in the order they happened.
    """

    article: ArticleRecord
    claims: tuple[ClaimRecord, ...]
    contradictions: tuple[ContradictionRecord, ...] = ()
    rescans: tuple[Rescan, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The article and all it holds as JSON (the canonical form ``db copy`` digests)."""
        return {k: _json(v) for k, v in vars(self).items()}

    def section(self) -> ArticleSection:
        """The article as the report shows it: with its live claims and its contradictions."""
        live = tuple(claim for claim in self.claims if not claim.removed)
        return ArticleSection(self.article, live, self.contradictions)


@dataclass(frozen=True)
class Match:
    """A stored claim alike to a query (``search``, ``similar``), with its score (0–100)."""

    id: str
    article: str
    norm: str
    status: str
    score: float
    clauses: tuple[str, ...] = ()
    speaker: str | None = None
    type: str | None = None
    seen: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The match as JSON."""
        return asdict(self) | {"clauses": list(self.clauses)}


@dataclass(frozen=True)
class ClaimMatch:
    """A stored claim alike to a query as people read it: the claim, its article (None if
    it was removed meanwhile) and the similarity (0–100)."""

    claim: ClaimRecord
    article: ArticleRecord | None
    similarity: float

    def to_json(self) -> dict[str, Any]:
        """The match as ``search --json`` and ``similar --json`` print it."""
        claim, article = self.claim, self.article
        return {
            "id": claim.id,
            "similarity": round(self.similarity, 1),
            "status": claim.status,
            "claim": claim.claim or claim.text,
            "text": claim.text,
            "speaker": claim.speaker.name if claim.speaker else None,
            "article": {
                "id": claim.article,
                "title": article.title if article else None,
                "source": article.source if article else None,
                "published": article.published if article else None,
            },
        }


@dataclass(frozen=True)
class Summary:
    """Counts over the whole database."""

    articles: int
    claims: int
    statuses: dict[str, int]
    types: dict[str, int]

    @classmethod
    def of(cls, articles: int, statuses: Mapping[str, int], types: Mapping[str, int]) -> Summary:
        """The counts, claims by status and by type each most first (ties by name), in the
        same order whichever desk counted them."""

        def ranked(counts: Mapping[str, int]) -> dict[str, int]:
            return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

        return cls(articles, sum(statuses.values()), ranked(statuses), ranked(types))

    def to_json(self) -> dict[str, Any]:
        """The counts as JSON."""
        return asdict(self)


@dataclass(frozen=True)
class ArticleSection:
    """One article of the report: its record (with text), live claims and contradictions."""

    article: ArticleRecord
    claims: tuple[ClaimRecord, ...]
    contradictions: tuple[ContradictionRecord, ...]

    def to_json(self) -> dict[str, Any]:
        """The section as JSON: the article without its text, then ``text`` beside it."""
        doc = {k: _json(v) for k, v in vars(self).items()}
        doc["article"].pop("text", None)
        return doc | {"text": self.article.text or ""}


@dataclass(frozen=True)
class Dashboard:
    """The report's overview: counts, disputed speakers, what awaits a verdict, latest changes."""

    summary: Summary
    speakers: tuple[tuple[str, int], ...]
    awaiting: tuple[ClaimRecord, ...]
    awaiting_total: int
    recent: tuple[Change, ...]

    def to_json(self) -> dict[str, Any]:
        """The overview as JSON."""
        return {k: _json(v) for k, v in vars(self).items()}
