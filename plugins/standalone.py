"""Stand-alone claims: split sentences holding several checkable parts, and restate each part.

Splitting cuts a claim at clause boundaries only where both sides are clauses of their own, so
that no part is a fragment:

- ``; `` between two clauses that each have a finite verb;
- `` where `` after a named place, when a clause follows ("… visited Moscow where a meeting …
  took place");
- `` and ``, ``, but ``, ``, while ``, ``, whereas `` when a subject and a finite verb follow
  within a few words and the clause before has its own finite verb (so "X said that A and B were
  …" is left whole: the verb after "that" is missing);
- `` and said``/`` and added`` (one speaker, two statements).

Each part keeps the sentence's extractor, type, score and check-worthiness, and records the
sentence span in ``details["split_from"]`` so that sentence-level tools can map it back. It keeps
the sentence's speaker too, unless it holds an attribution of its own ("…, but officials said
B"): then it takes that one's speaker, as the attribution plugin found it for this article.

The stand-alone ``claim`` text drops the attribution frame ("X said that", ", she added."),
quotation marks and a joining conjunction; a ``where`` clause gets its place back ("… took place
in Moscow"); a leading wire dateline is dropped. Relative dates are resolved against the
article's publication date and kept visible: "last year [2014]". ``text``/``start``/``end`` stay
the exact span. See docs/extraction.md.

A claim whose ``claim`` text was already restated (``Claim.restated``: its extractor, say a
language model, wrote it) is left as it is: neither split nor rewritten.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import date
from functools import cached_property
from itertools import accumulate, islice

from claimtrack import Article, Claim, Span, Speaker, hookimpl
from claimtrack_plugins._dates import parse_iso, resolve_dates
from claimtrack_plugins._regex import CaselessPattern, LazyPattern, RunPattern, lowered

_REPORTING = (
    r"(?:said|says|told|tells|added|adds|stated|states|noted|notes|argued|argues|explained"
    r"|insisted|insists|warned|warns|claimed|claims|stressed|stresses|announced|announces"
    r"|confirmed|confirms|wrote|writes|continued|recalled|maintained|contended|asserted)"
)
# Finite verbs: auxiliaries, regular past tense and the irregular past forms news uses most.
_FINITE = LazyPattern(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|shall|did"
    r"|does|do|am|(?-i:[a-z]{3,}ed)|took|made|met|won|lost|gave|held|began|became|came|went|got|left"
    r"|led|ran|saw|sold|bought|built|brought|paid|spent|rose|fell|grew|told|said|says|thought"
    r"|knew|found|kept|sent|set|won't|can't|isn't|aren't|wasn't|weren't|hasn't|haven't|didn't"
    r"|doesn't|wants|plans|needs|seeks|holds|shows|remains|leads|trails|maintains|considers"
    r"|believes|supports|opposes)\b",
    re.IGNORECASE,
)
_SUBJECT_START = LazyPattern(
    r"(?:the|a|an|this|these|those|his|her|its|their|our|my|your|he|she|it|they|we|i|you"
    r"|some|many|most|all|both|each|no|several|[A-Z][\w’'.-]*|\d[\d,.%]*)\b"
)
_SUBJECT_WORDS = 6
_MIN_WORDS = 4
# Words after which the clause continues as a complement: the verb must come after them.
_OPENER = CaselessPattern(
    rf"\b(?:that|whether|if|because|when|who|which|while|although|since|{_REPORTING})\b|[:“\"]"
)
# Spaces are read from the first of a run, or from a comma before it: a start later in the run
# would end where that one does, and trying each made a long run of spaces quadratic.
_BOUNDARY = LazyPattern(
    r"(?P<semi>;\s+)"
    r"|(?P<where>(?:,|(?<!\s))\s++(?=where\s))"
    r"|(?P<andsaid>(?:,|(?<!\s))\s++and\s++(?=" + _REPORTING + r"\b))"
    r"|(?P<conj>(?:(?:,|(?<!\s))\s++and|,\s+but|,\s+while|,\s+whereas)\s+)"
)
# A place can start at any capital, also inside a word ("eBay"): tried at the first capital of a
# word only, as a later one ends where it does (a word of capitals was quadratic).
_PLACE = RunPattern(r"((?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'.-]*)$", r"[A-Z][\w’'.-]*+")
_PLACE_WORDS = 4
_SPACES = LazyPattern(r"\s+")
_NON_SPACE = LazyPattern(r"\S+")

_WORD = r"[\w’'.-]+"
_LEAD_FRAME = LazyPattern(
    rf"^(?:(?:When|After being|Asked)\s[^,]{{3,140}},\s*)?"
    rf"(?:{_WORD}\s+){{0,8}}?{_REPORTING}(?:\s+(?:reporters|journalists|{_WORD}\s+{_WORD}"
    rf"(?:\s+{_WORD})?))??(?:\s+(?:on|last|this)\s+\w+)?(?:\s+that\b|\s*:|\s*,)?\s*"
)
# Spaces before "according" are read from the first of a run: a later start ends where it does.
_ACCORDING = LazyPattern(
    r"^According to [^,]{2,80},\s*|,?(?:(?<!\s)\s++)?according to [^,.]{2,80}(?=[.,]?$)"
)
# Up to eight words after the verb ("said the minister on Monday") are written as words joined by
# spaces, not as ``(?:word\s*){1,8}``: the same strings, but that form can split one word in
# exponentially many ways, and a sentence whose tail is not a frame took 0.2 s to reject. The
# quotation marks and spaces before them are read whole, and a run of marks from its first (a
# later start would end where it does; a run of 8,000 took 5 s).
_TRAIL_FRAME = LazyPattern(
    rf"(?:,\s*+[”\"'’]*+|(?<![”\"’])[”\"’]++\s*+,?)\s*+(?:(?:{_WORD}\s+){{0,8}}?{_REPORTING}"
    rf"|{_REPORTING}\s+{_WORD}(?:\s+{_WORD}){{0,7}}?\s*)(?:\s+[^,.;“”\"]{{0,80}})?[.!]?[”\"’]*\s*$"
)
_LEAD_CONJ = LazyPattern(r"^(?:and|but|while|whereas|where)\s+", re.IGNORECASE)
_DOUBLE_QUOTES = LazyPattern(r"[“”\"]|''")
_SINGLE_QUOTED = LazyPattern(r"‘([^‘’]{1,200}?)’(?![A-Za-z])")


@hookimpl
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> list[Claim]:
    """Split multi-claim sentences and write each claim's stand-alone text."""
    published = parse_iso(article.metadata.published)
    furniture = _Furniture(article.furniture)
    out: list[Claim] = []
    for claim in claims:
        if claim.restated:
            out.append(claim)  # its extractor wrote the stand-alone text: keep it, and whole
            continue
        parts = split_points(article.text, claim.start, claim.end)
        if len(parts) == 1:
            out.append(_restated(article, furniture, claim, claim.span, None, published))
            continue
        speakers = _part_speakers(article, claim, [span for _, span in parts])
        for (kind, span), speaker in zip(parts, speakers, strict=True):
            part = Claim.from_span(
                article, span.start, span.end, speaker=speaker, type=claim.type,
                score=claim.score, checkworthy=claim.checkworthy, extractor=claim.extractor,
                details={**claim.details, "split_from": [claim.start, claim.end]},
            )
            out.append(_restated(article, furniture, part, span, kind, published))
    return out


def _part_speakers(article: Article, claim: Claim, spans: list[Span]) -> list[Speaker | None]:
    """Each part's speaker: that of an attribution frame within the part, else the sentence's.

    The frames are public data on the claim, ``details["attributions"]`` (docs/plugins.md),
    as the attribution plugin records them: "X said A, but officials said B" gives the part
    "officials said B" the frame it holds. A part whose frame governs too little of it
    ("He said:") keeps the sentence's speaker.
    """
    frames = claim.details.get("attributions") or []
    speakers: list[Speaker | None] = []
    for span in spans:
        own = [
            frame
            for frame in frames
            if span.start <= frame["cue"][0] < span.end
            and len(
                article.text[
                    max(span.start, frame["content"][0]) : min(span.end, frame["content"][1])
                ].split()
            )
            >= _MIN_WORDS
        ]
        if not own:
            speakers.append(claim.speaker)
            continue
        frame = own[0]
        speakers.append(
            Speaker(frame["name"], frame["mention"], frame["start"], frame["end"])
        )
    return speakers


def split_points(text: str, start: int, end: int) -> list[tuple[str | None, Span]]:
    """The parts of ``text[start:end]``: (the boundary kind that opens it, its span)."""
    piece = _Piece(text[start:end])
    parts: list[tuple[str | None, Span]] = []
    part_start, part_kind = 0, None
    for match in _BOUNDARY.finditer(piece.text):
        kind = match.lastgroup
        if kind and _separate(kind, piece, part_start, match.start(), match.end()):
            parts.append((part_kind, Span(start + part_start, start + match.start())))
            part_start, part_kind = match.end(), kind
    parts.append((part_kind, Span(start + part_start, end)))
    return [(kind, _trim(text, span)) for kind, span in parts]


class _Piece:
    """A sentence read once: its semicolons, finite verbs and openers, found by offset.

    Every boundary asks about the clause before it and the one after; reading those from these
    lists, not by searching slices, keeps a sentence of any length linear. Boundaries fall
    between words, so a match inside a slice is a match of the whole text inside that range.
    The lists are made when a boundary first asks: most sentences have none worth asking about.
    """

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def semicolons(self) -> list[int]:
        """Offsets of the semicolons."""
        return [m.start() for m in re.finditer(";", self.text)]

    @cached_property
    def finite_starts(self) -> list[int]:
        """Start offsets of the finite verbs."""
        return [m.start() for m in self._finite]

    @cached_property
    def finite_ends(self) -> list[int]:
        """End offsets of the finite verbs."""
        return [m.end() for m in self._finite]

    @cached_property
    def _finite(self) -> list[re.Match[str]]:
        return list(_FINITE.finditer(self.text))

    @cached_property
    def opener_ends(self) -> list[int]:
        """End offsets of the words after which a clause continues as a complement."""
        return [m.end() for m in _OPENER.finditer(self.text, lowered(self.text))]

    def clause_end(self, offset: int) -> int:
        """The next semicolon from ``offset``, or the end: the most a split there could make."""
        index = bisect_left(self.semicolons, offset)
        return self.semicolons[index] if index < len(self.semicolons) else len(self.text)

    def has_finite(self, start: int, end: int) -> bool:
        """Whether a finite verb lies within ``start``–``end``."""
        index = bisect_left(self.finite_starts, start)
        return index < len(self.finite_starts) and self.finite_ends[index] <= end

    def has_own_verb(self, start: int, end: int) -> bool:
        """Whether the clause ``start``–``end`` has a finite verb after its last opener."""
        index = bisect_right(self.opener_ends, end) - 1
        opener_end = self.opener_ends[index] if index >= 0 else start
        return self.has_finite(max(start, opener_end), end)

    def words(self, start: int, end: int, most: int) -> list[str]:
        """The first ``most`` whitespace-separated words of ``start``–``end``."""
        return [m.group(0) for m in islice(_NON_SPACE.finditer(self.text, start, end), most)]


def _separate(kind: str, piece: _Piece, left: int, cut: int, right: int) -> bool:
    """Whether the boundary ``cut``–``right`` splits the part opened at ``left`` in two."""
    right_end = piece.clause_end(right)
    if len(piece.words(left, cut, _MIN_WORDS)) < _MIN_WORDS:
        return False
    if len(piece.words(right, right_end, _MIN_WORDS)) < _MIN_WORDS:
        return False
    if kind == "andsaid":
        return piece.has_finite(left, cut)
    if kind == "where":
        return _place_before(piece.text, cut) is not None and piece.has_finite(right, right_end)
    if not piece.has_own_verb(left, cut):
        return False
    if kind == "semi":
        return piece.has_finite(right, right_end)
    subject = _SUBJECT_START.match(piece.text, right, right_end)
    if not subject:
        return False
    words = piece.words(right, right_end, _SUBJECT_WORDS)
    for index, word in enumerate(words[1:], start=1):
        if _FINITE.fullmatch(word.strip(",.;:”’\"")):
            # A comma or a second "and" before the verb means a list or an aside, not a subject.
            before_verb = words[:index]
            return not any(w.endswith(",") or w == "and" for w in before_verb)
    return False


def _place_before(text: str, end: int) -> str | None:
    """The named place that ``text[:end]`` ends with (spaces and commas aside), if any.

    A place is at most four words, so only the last few words are searched: the text before
    them cannot change the match, and searching all of it would make long articles quadratic.
    """
    while end > 0 and text[end - 1] in " ,":
        end -= 1
    start, size = end, 64
    while start > 0:
        start = max(0, end - size)
        runs = [m.end() for m in _SPACES.finditer(text, start, end)]
        if len(runs) > _PLACE_WORDS:  # one more than a place has, and a trailing newline
            start = runs[-_PLACE_WORDS - 1]
            break
        size *= 4
    found = _PLACE.search(text, start, end)
    return found.group(1) if found else None


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start] in " \t\r\n,;":
        start += 1
    while end > start and text[end - 1] in " \t\r\n,;":
        end -= 1
    return Span(start, end)


def _restated(
    article: Article,
    furniture: _Furniture,
    claim: Claim,
    span: Span,
    kind: str | None,
    published: date | None,
) -> Claim:
    body = _without_furniture(article, furniture, span)
    place = None
    if kind == "where":
        place = _place_before(article.text, span.start)
    statement = standalone_text(body, place)
    dates: list[dict[str, str]] = []
    if published is not None:
        statement, dates = resolve_dates(statement, published)
    if dates:
        return claim.evolve(claim=statement, details={**claim.details, "dates": dates})
    return claim.evolve(claim=statement)


class _Furniture:
    """An article's furniture spans, indexed to find those overlapping a claim without a scan."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = spans
        self.order = sorted(range(len(spans)), key=lambda i: spans[i].start)
        self.starts = [spans[i].start for i in self.order]
        # The furthest end among the spans starting so far: where a backward walk may stop.
        self.reach = list(accumulate((spans[i].end for i in self.order), max))

    def overlapping(self, start: int, end: int) -> list[Span]:
        """The spans overlapping ``start``–``end``, in the article's order."""
        found = []
        k = bisect_left(self.starts, end)
        while k > 0 and self.reach[k - 1] > start:
            k -= 1
            if self.spans[self.order[k]].end > start:
                found.append(self.order[k])
        return [self.spans[i] for i in sorted(found)]


def _without_furniture(article: Article, furniture: _Furniture, span: Span) -> str:
    """The span's text, less any furniture at its start (a wire dateline)."""
    start = span.start
    # Only furniture overlapping the span can move its start.
    for piece in furniture.overlapping(span.start, span.end):
        if piece.start <= start < piece.end < span.end:
            start = piece.end
    return article.text[start : span.end]


def standalone_text(text: str, place: str | None = None) -> str:
    """``text`` restated without conjunction, attribution frame or quote marks.

    ``place`` is the named place a ``where`` clause refers to; it is appended ("in Moscow").
    Dates are left as written.
    """
    body = _LEAD_CONJ.sub("", " ".join(text.split()))
    body = _strip_frames(body)
    body = _SINGLE_QUOTED.sub(r"\1", _DOUBLE_QUOTES.sub("", body)).strip(" ,;:")
    body = body.rstrip(" .!,;:")
    if not body:
        return " ".join(text.split())
    if place:
        body += f" in {place}"
    closing = "?" if text.rstrip().rstrip("”\"’").endswith("?") else "."
    return body[0].upper() + body[1:] + closing


def _strip_frames(body: str) -> str:
    """Drop "X said (that)", "According to X," and a trailing ", X said." when enough remains."""
    for pattern in (_ACCORDING, _TRAIL_FRAME, _LEAD_FRAME):
        candidate = pattern.sub("", body, count=1).strip(" ,")
        if candidate != body and _is_statement(candidate):
            body = candidate
    return body


def _is_statement(text: str) -> bool:
    return len(text.split()) >= _MIN_WORDS - 1
