"""Contradictions within one article: frame, polarity, quantity and date conflicts.

Pairs of claims are compared when they share a voice: two claims inside one quotation, or two
claims whose speakers have the same name. When a speaker is unknown the pair is still compared,
but every check asks for closer wording. Pairs by different named speakers are never compared:
that is a dispute, not a self-contradiction. Four rule-based checks run on each pair, the first
that fires wins:

- ``frame``: one claim frames the matter in a way the other denies ("a zero-sum game" against
  "can in no way harm"), from the lexicon in ``data/frames.toml`` and the user's own files;
- ``polarity``: one clause of each claim says the same thing, one negated and one not;
- ``quantity``: the same measured thing, worded alike, given two different values;
- ``date``: the same event, worded alike, placed at two different times (years, months, days or
  weekdays that cannot overlap; a day or month written without a year is read against the
  article's publication date).

Precision matters more than recall: ordinary news rarely contradicts itself, so each check asks
for near-identical wording and steps back at questions, conditionals and changes of tense.

When a plugin implements ``claimtrack_score_pair`` (a local NLI model, say) and the core exposes
it as ``claimtrack.score_pair``, each rule candidate is put to it: a probability below
:data:`VETO_BELOW` drops the candidate, and near-misses of the polarity check (clauses worded
alike but not enough for the rules alone) are reported when it says at least
:data:`CONFIRM_AT`. Without a model the rules decide alone.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate, islice, pairwise

import claimtrack
from claimtrack import (
    MAX_CONTRADICTIONS,
    Article,
    Claim,
    Contradiction,
    Quote,
    Sentence,
    hookimpl,
)

from ._dates import undated_points
from ._lexicon import Frame, Lexicon, load_lexicon
from ._numbers import DatePoint, Quantity, dates, quantities
from ._regex import LazyPattern
from ._wording import (
    PRONOUNS,
    STOPWORDS,
    Clause,
    clauses,
    content_words,
    jaccard,
    negations,
    normalise,
    reported_content,
)

#: A model probability below this drops a rule candidate.
VETO_BELOW = 0.5
#: A model probability at or above this confirms a near-miss the rules alone would not report.
CONFIRM_AT = 0.8
#: Polarity: share of clause words two clauses must have in common, by voice.
POLARITY_OVERLAP = {"same": 0.8, "unknown": 0.85}
#: Polarity near-misses put to a model, if there is one.
POLARITY_NEAR = 0.5
#: Quantity and date: share of content words (numbers and dates aside) in common, by voice.
EVENT_OVERLAP = {"same": 0.7, "unknown": 0.75}
#: Quantity and date: content words the two claims must share at the least.
EVENT_MIN_SHARED = 3
#: Frames from an unknown voice: at most this many sentences apart.
FRAME_DISTANCE = 3
#: Claims compared with each one that follows it, so that a huge article costs linear time.
#: Self-contradictions sit a few paragraphs apart at most (in the dev set, five claims).
PAIR_WINDOW = 64

_REPORTING = LazyPattern(
    r"\b(?:said|says|say|told|tells|added|adds|stated|argued|insisted|replied|noted|asked)\b"
)

_CAPITALISED = LazyPattern(r"\b[A-Z][A-Za-z]+")
_OPENING = LazyPattern(r"(?:^|[.!?:“\"‘(]\s*)$")
#: Capitalised words that say when, not who or what: they never tell two events apart by name.
_CALENDAR = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
    "sept", "oct", "nov", "dec",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
})  # fmt: skip
#: Words that make a dated statement one of several occurrences ("visited again in 2014").
_RECURRING = LazyPattern(
    r"\b(?:again|also|another|second|third|fourth|fifth|too|as well|once more|anew|twice"
    r"|repeated(?:ly)?|each|every|daily|weekly|monthly|annual(?:ly)?|yearly|regularly"
    r"|previous(?:ly)?|earlier|latest)\b"
)  # matched in the normalised (lowercased) text
_PREPOSITION = LazyPattern(r"^(?:in|on|since|by|until|during|of|from)\s+", re.IGNORECASE)
_RELATIVE = LazyPattern(r"\b(?:last|next|this|yesterday|today)\b", re.IGNORECASE)
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
#: Date comparisons, coarse to fine: two claims whose dates share no value at a level clash.
_DATE_LEVELS = ("year", "month", "day", "monthname", "monthday", "weekday")

PairScorer = Callable[[Article, Claim, Claim], "float | None"]


@dataclass(frozen=True, slots=True)
class _FrameHit:
    """A claim that frames the matter: which frame, the words matched, and captured words."""

    frame: Frame
    pattern: re.Pattern[str]
    words: str
    groups: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class _Read:
    """One claim read once for every comparison it takes part in."""

    claim: Claim
    norm: str  # the reported content (without "X said"), normalised
    clauses: tuple[Clause, ...]
    clause_words: frozenset[str]  # the content words of all clauses
    words: frozenset[str]
    quantities: tuple[Quantity, ...]
    dates: tuple[DatePoint, ...]
    question: bool
    frames: tuple[_FrameHit, ...]
    negations: int
    tenses: frozenset[str]  # of all clauses, dates aside ("in May" is no modal "may")
    negated: bool  # whether any clause is negated
    names: frozenset[str]  # capitalised words inside the text: who and what it is about
    sentence: int
    quote: int | None  # start of the quotation holding the claim
    speaker: frozenset[str]  # the words of the speaker's name, normalised; empty if unknown


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A conflict one check found, before any model has its say."""

    kind: str
    explanation: str
    confident: bool  # False: report only if a model confirms


@hookimpl
def claimtrack_find_contradictions(
    article: Article, claims: Sequence[Claim]
) -> list[Contradiction]:
    """The frame, polarity, quantity and date conflicts among ``claims``."""
    # A list, not a generator: a failure (a broken user lexicon) then happens inside the call,
    # where the core isolates it, not later while the core iterates. One past the core's limit
    # is enough for it to reject the article: a hostile one with thousands of claims that
    # contradict each other is not compared pair by pair to the end.
    found = find_contradictions(article, claims, scorer=_core_scorer())
    return list(islice(found, MAX_CONTRADICTIONS + 1))


def find_contradictions(
    article: Article,
    claims: Sequence[Claim],
    scorer: PairScorer | None = None,
    lexicon: Lexicon | None = None,
) -> Iterator[Contradiction]:
    """The contradictions among ``claims``; ``scorer`` is an optional pair model (module doc)."""
    lexicon = lexicon or load_lexicon()
    if len(claims) < 2:
        return  # no pair to compare (the lexicon is still read, so a broken one is reported)
    quotes = _Quotes(article.quotes)
    # The first index of each sentence, as tuple.index would give, without its linear search.
    sentence_index = {s: i for i, s in reversed(list(enumerate(article.sentences)))}
    # Claims are read as the window reaches them: a caller that stops early reads no more.
    reads = (
        _read(article, c, lexicon, quotes, sentence_index)
        for c in sorted(claims, key=lambda c: (c.start, c.end))
    )
    window = deque(islice(reads, PAIR_WINDOW + 1))
    seen: set[tuple[str, str, str]] = set()
    while window:
        a = window.popleft()
        for b in window:
            if a.claim.start < b.claim.end and b.claim.start < a.claim.end:
                continue  # overlapping spans
            if a.sentence == b.sentence >= 0:
                continue
            voice = _voice(a, b)
            if voice == "different" or not _may_conflict(a, b, voice):
                continue
            candidate = _judge(a, b, voice)
            if candidate is None or (a.norm, b.norm, candidate.kind) in seen:
                continue  # a sentence repeated in the article is one finding, not several
            score = scorer(article, a.claim, b.claim) if scorer else None
            if score is None and not candidate.confident:
                continue
            if score is not None and score < (VETO_BELOW if candidate.confident else CONFIRM_AT):
                continue
            seen.add((a.norm, b.norm, candidate.kind))
            yield Contradiction.between(
                a.claim,
                b.claim,
                candidate.kind,
                candidate.explanation,
                score=1.0 if score is None else float(score),
            )
        window.extend(islice(reads, 1))


def _core_scorer() -> PairScorer | None:
    # The core exposes the claimtrack_score_pair hook as claimtrack.score_pair; before it does,
    # or when no plugin implements the hook, the rules decide alone.
    scorer = getattr(claimtrack, "score_pair", None)
    return scorer if callable(scorer) else None


def _may_conflict(a: _Read, b: _Read, voice: str) -> bool:
    """Whether any check of :func:`_judge` could fire: a cheap test that skips most pairs."""
    if (a.frames or b.frames) and _frame_near(a, b, voice):
        return True
    if a.negations != b.negations and a.clause_words & b.clause_words:
        return True
    if not ((a.quantities and b.quantities) or (a.dates and b.dates)):
        return False
    return len(a.words & b.words) >= EVENT_MIN_SHARED


def _read(
    article: Article,
    claim: Claim,
    lexicon: Lexicon,
    quotes: _Quotes,
    sentence_index: dict[Sentence, int],
) -> _Read:
    quote, quoted = _quotation(article, claim, quotes)
    body = quoted or reported_content(claim.text)
    sentence = article.sentence_at(claim.start)
    found_dates = _dates(body, article.metadata.published)
    found_quantities = tuple(q for q in quantities(body) if not _inside(q, found_dates))
    speaker = claim.speaker.name if claim.speaker and claim.speaker.name else None
    norm = normalise(body)
    found_clauses = tuple(clauses(body, lexicon.opposites))
    # The event checks read tense and negation with the dates blanked: "in May" is no modal
    # "may" (the one word of a date that the clauses read as a tense or a negation).
    plain = (
        clauses(_blank(body, found_dates), lexicon.opposites)
        if any("may" in p.surface.lower().split() for p in found_dates)
        else found_clauses
    )
    return _Read(
        claim=claim,
        norm=norm,
        clauses=found_clauses,
        clause_words=frozenset().union(*(c.content for c in found_clauses)),
        words=content_words(_blank(body, [*found_quantities, *found_dates])),
        quantities=found_quantities,
        dates=found_dates,
        question=body.rstrip(" ”\"’'").endswith("?"),
        frames=_frame_hits(norm, lexicon),
        negations=negations(body, lexicon.opposites),
        tenses=frozenset().union(*(c.tenses for c in plain)),
        negated=any(c.negated for c in plain),
        names=_names(body),
        sentence=sentence_index[sentence] if sentence else -1,
        quote=quote,
        speaker=frozenset(normalise(speaker).split()) if speaker else frozenset(),
    )


def _dates(body: str, published: str | None) -> tuple[DatePoint, ...]:
    """The dates of a claim: those with a year (or relative), then days and months without one."""
    found = dates(body, published)
    undated = [DatePoint(*point) for point in undated_points(body, published)]
    found += [p for p in undated if not any(_overlap(p, q) for q in found)]
    return tuple(sorted(found, key=lambda p: p.start))


def _overlap(x: Quantity | DatePoint, y: DatePoint) -> bool:
    return x.start < y.end and y.start < x.end


def _inside(quantity: Quantity, found: Sequence[DatePoint]) -> bool:
    """Whether a number is the day of a date ("13" in "January 13"), not a quantity."""
    return any(_overlap(quantity, point) for point in found)


def _names(text: str) -> frozenset[str]:
    """Capitalised words that do not open a sentence or a quotation: who and what it is about.

    Month and weekday names are left out: they say when, and the date check compares those.
    """
    return frozenset(
        word
        for m in _CAPITALISED.finditer(text)
        if not _OPENING.search(text[max(0, m.start() - 3) : m.start()])
        and (word := m.group(0).lower()) not in _CALENDAR
    )


def _blank(text: str, spans: Sequence[Quantity | DatePoint]) -> str:
    """``text`` with the numbers and dates blanked out, so that wording alone is compared."""
    ordered = sorted(spans, key=lambda s: s.start)
    if any(left.end > right.start for left, right in pairwise(ordered)):
        # Overlapping spans (rare): one at a time, right to left, so each cut sees the last.
        for span in sorted(spans, key=lambda s: s.start, reverse=True):
            text = text[: span.start] + " " + text[span.end :]
        return text
    pieces, end = [], 0
    for span in ordered:  # one pass, so a claim with many numbers is not copied once per number
        pieces += [text[end : span.start], " "]
        end = span.end
    pieces.append(text[end:])
    return "".join(pieces)


class _Quotes:
    """An article's quotations, indexed to find those overlapping a claim without a full scan."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes = quotes
        self.order = sorted(range(len(quotes)), key=lambda i: quotes[i].inner.start)
        self.starts = [quotes[i].inner.start for i in self.order]
        # The furthest end among the quotations starting so far: where a backward walk may stop.
        self.reach = list(accumulate((quotes[i].inner.end for i in self.order), max))

    def overlapping(self, start: int, end: int) -> list[Quote]:
        """The quotations whose inner words overlap ``start``–``end``, in article order."""
        found = []
        k = bisect_left(self.starts, end)
        while k > 0 and self.reach[k - 1] > start:
            k -= 1
            if self.quotes[self.order[k]].inner.end > start:
                found.append(self.order[k])
        return [self.quotes[i] for i in sorted(found)]


def _quotation(article: Article, claim: Claim, quotes: _Quotes) -> tuple[int | None, str]:
    """The quotation a claim speaks from (its start) and the quoted words, if it has one.

    A claim that is mostly a quotation, or a quotation plus its attribution ("X said: “…”"),
    speaks from that quotation; the quoted words are then what is compared.
    """
    best, best_overlap = None, 0
    for quote in quotes.overlapping(claim.start, claim.end):
        overlap = min(quote.inner.end, claim.end) - max(quote.inner.start, claim.start)
        if overlap > best_overlap:
            best, best_overlap = quote, overlap
    if best is None:
        return None, ""
    quoted = article.text[max(best.inner.start, claim.start) : min(best.inner.end, claim.end)]
    outside = claim.text.replace(quoted, " ")
    if best_overlap * 2 >= len(claim.text.strip()) or _REPORTING.search(outside):
        return best.start, quoted.strip()
    return None, ""


def _voice(a: _Read, b: _Read) -> str:
    """``same`` (one quotation, or one speaker's name), ``different`` or ``unknown``."""
    if a.quote is not None and a.quote == b.quote:
        return "same"
    if a.speaker and b.speaker:
        return "same" if a.speaker <= b.speaker or b.speaker <= a.speaker else "different"
    return "unknown"


def _judge(a: _Read, b: _Read, voice: str) -> _Candidate | None:
    if not (a.question or b.question):
        found = _frame_conflict(a, b, voice) or _frame_conflict(b, a, voice)
        found = found or _polarity_conflict(a, b, voice)
        if found:
            return found
    return _quantity_conflict(a, b, voice) or _date_conflict(a, b, voice)


# --- frame ----------------------------------------------------------------------------------


def _frame_hits(norm: str, lexicon: Lexicon) -> tuple[_FrameHit, ...]:
    hits = []
    for frame in lexicon.frames:
        for pattern in frame.claim:
            for match in pattern.finditer(norm):
                groups = tuple((k, v) for k, v in match.groupdict().items() if v)
                if _negated_before(norm, match.start()):
                    continue
                if any(v in STOPWORDS for _, v in groups):
                    continue  # "will never be": a captured verb must say what is ruled out
                hits.append(_FrameHit(frame, pattern, match.group(0), groups))
    return tuple(hits)


def _frame_conflict(a: _Read, b: _Read, voice: str) -> _Candidate | None:
    """A frame of ``a`` that ``b`` denies, if any."""
    if not _frame_near(a, b, voice):
        return None
    for hit in a.frames:
        if hit.pattern.search(b.norm):
            continue  # both claims use the frame: it is repeated, not denied
        for denial in hit.frame.denials(dict(hit.groups)):
            found = denial.search(b.norm)
            if not found or _negated_before(b.norm, found.start()):
                continue
            shared = _shared(a, b, hit.words, found.group(0))
            if len(shared) < hit.frame.min_shared:
                continue
            explanation = hit.frame.explain.format(a=hit.words, b=found.group(0))
            return _Candidate("frame", explanation, confident=True)
    return None


def _frame_near(a: _Read, b: _Read, voice: str) -> bool:
    """Whether a frame of one claim may be held against the other: one voice, or close by."""
    return voice == "same" or abs(a.sentence - b.sentence) <= FRAME_DISTANCE


def _negated_before(norm: str, at: int, window: int = 3) -> bool:
    before = norm[:at].split()[-window:]
    return any(w in ("not", "no", "never", "hardly", "nor", "neither") for w in before)


def _shared(a: _Read, b: _Read, a_matched: str, b_matched: str) -> set[str]:
    matched = content_words(a_matched) | content_words(b_matched)
    return set(a.words & b.words) - matched - PRONOUNS


# --- polarity -------------------------------------------------------------------------------


def _same_tense(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two clauses can speak of one time: "could"/"should" against a plain "is" cannot."""
    if ("modal" in a) != ("modal" in b):
        return False
    return not (a and b and not a & b)


def _polarity_conflict(a: _Read, b: _Read, voice: str) -> _Candidate | None:
    if a.negations == b.negations:
        return None  # as many negations on both sides: a repetition or a rewording, not a denial
    best: tuple[float, Clause, Clause] | None = None
    for ca in a.clauses:
        for cb in b.clauses:
            if ca.negated == cb.negated or not (ca.asserted and cb.asserted):
                continue
            if not _same_tense(ca.tenses, cb.tenses):
                continue
            shared = ca.content & cb.content
            # One shared content word is enough only when the clauses hold nothing else.
            if len(shared) < 2 and not (shared and ca.words == cb.words and len(ca.words) > 1):
                continue
            overlap = jaccard(ca.words, cb.words)
            if best is None or overlap > best[0]:
                best = (overlap, ca, cb)
    if best is None or best[0] < POLARITY_NEAR:
        return None
    overlap, ca, cb = best
    negative, positive = (ca, cb) if ca.negated else (cb, ca)
    explanation = (
        f"One claim says “{_clip(positive.wording)}” and the other denies it: "
        f"“{_clip(negative.wording)}”."
    )
    return _Candidate("polarity", explanation, confident=overlap >= POLARITY_OVERLAP[voice])


def _clip(text: str, words: int = 14) -> str:
    tokens = text.split()
    return " ".join(tokens[:words]) + (" …" if len(tokens) > words else "")


# --- quantity and date ----------------------------------------------------------------------


def _same_event(a: _Read, b: _Read, voice: str) -> bool:
    """Whether two claims are worded alike enough, numbers and dates aside, to be one fact."""
    shared = a.words & b.words
    if len(shared) < EVENT_MIN_SHARED or jaccard(a.words, b.words) < EVENT_OVERLAP[voice]:
        return False
    if not _same_tense(a.tenses, b.tenses) or a.names != b.names:
        return False
    return not (a.question or b.question) and a.negated == b.negated


def _quantity_conflict(a: _Read, b: _Read, voice: str) -> _Candidate | None:
    if not (a.quantities and b.quantities) or _dates_differ(a, b) or not _same_event(a, b, voice):
        return None
    for qa in a.quantities:
        if not qa.measures:
            continue
        same = [qb for qb in b.quantities if (qb.unit, qb.measures) == (qa.unit, qa.measures)]
        values_a = {q.value for q in a.quantities if (q.unit, q.measures) == (qa.unit, qa.measures)}
        if not same or any(_close(q.value, v) for q in same for v in values_a):
            continue
        qb = same[0]
        if not _others_agree(a.quantities, b.quantities, (qa.unit, qa.measures)):
            continue  # several figures differ at once: another poll, place or time
        ratio = max(qa.value, qb.value) / max(min(qa.value, qb.value), 1e-9)
        if (qa.hedged or qb.hedged) and ratio < 2:
            continue  # "about 13,000" and "14,000" may both hold
        thing = qa.noun if not qa.unit or qa.unit == "%" else f"{qa.unit} {qa.noun}"
        explanation = (
            f"The same measure ({thing}) is given as {qa.surface} in one claim "
            f"and {qb.surface} in the other."
        )
        return _Candidate("quantity", explanation, confident=True)
    return None


def _others_agree(qa: Sequence[Quantity], qb: Sequence[Quantity], key: tuple[str, str]) -> bool:
    """Whether every figure but the one in dispute has a match on the other side."""
    rest_a = [q for q in qa if (q.unit, q.measures) != key]
    rest_b = [q for q in qb if (q.unit, q.measures) != key]
    return all(any(_close(x.value, y.value) for y in rest_b) for x in rest_a) and all(
        any(_close(y.value, x.value) for x in rest_a) for y in rest_b
    )


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 0.005 * max(abs(x), abs(y))


def _dates_differ(a: _Read, b: _Read) -> bool:
    """Whether the claims carry dates that do not match (so they may be two events)."""
    if bool(a.dates) != bool(b.dates):
        return True
    return bool(a.dates) and _date_clash(a.dates, b.dates) is not None


def _date_clash(
    da: Sequence[DatePoint], db: Sequence[DatePoint]
) -> tuple[DatePoint, DatePoint] | None:
    """Two dates, one from each side, that cannot name the same time, if no pair can.

    The dates are compared level by level (see :data:`_DATE_LEVELS`), each read at that level
    when it tells it ("13 January 2015" tells a year, a month, a day and a month name): the two
    sides clash at the first level where both tell something and share no value.
    """
    for level in _DATE_LEVELS:
        va = {v: p for p in reversed(da) if (v := _date_at(p, level)) is not None}
        vb = {v: p for p in reversed(db) if (v := _date_at(p, level)) is not None}
        if va and vb and not va.keys() & vb.keys():
            return min(va.values(), key=_start), min(vb.values(), key=_start)
    return None


def _start(point: DatePoint) -> int:
    return point.start


def _date_at(point: DatePoint, level: str) -> object:
    """What ``point`` says at ``level`` (a year, a (year, month), a month number …), if anything."""
    granularity, value = point.granularity, point.value
    if granularity == level:
        return value
    if not isinstance(value, tuple):
        return None
    if granularity == "day":
        return {"year": value[0], "month": value[:2], "monthname": value[1],
                "monthday": value[1:]}.get(level)  # fmt: skip
    if granularity == "month":
        return {"year": value[0], "monthname": value[1]}.get(level)
    if granularity == "monthday":
        return value[0] if level == "monthname" else None
    return None


def date_label(point: DatePoint) -> str:
    """A date as a reader checks it: "2014", "March 2014", "January 13, 2015", "Monday".

    A relative expression keeps its words before the value: “last year” (2014).
    """
    value = point.value
    if point.granularity == "year":
        label = str(value)
    elif point.granularity == "month" and isinstance(value, tuple):
        label = f"{_MONTH_NAMES[value[1] - 1]} {value[0]}"
    elif point.granularity == "day" and isinstance(value, tuple):
        label = f"{_MONTH_NAMES[value[1] - 1]} {value[2]}, {value[0]}"
    elif point.granularity == "monthday" and isinstance(value, tuple):
        label = f"{_MONTH_NAMES[value[0] - 1]} {value[1]}"
    elif point.granularity == "monthname" and isinstance(value, int):
        label = _MONTH_NAMES[value - 1]
    else:
        label = str(value).capitalize()
    written = _PREPOSITION.sub("", point.surface)
    return f"“{written}” ({label})" if _RELATIVE.search(written) else label


def _date_conflict(a: _Read, b: _Read, voice: str) -> _Candidate | None:
    if not (a.dates and b.dates) or _RECURRING.search(a.norm) or _RECURRING.search(b.norm):
        return None  # "visited again in 2014": one of several visits, not the same one
    clash = _date_clash(a.dates, b.dates)
    if clash is None or not _same_event(a, b, voice):
        return None
    values_a = {q.value for q in a.quantities}
    values_b = {q.value for q in b.quantities}
    if values_a != values_b:
        return None  # different figures at different times: two events, not one
    explanation = (
        f"The same event is dated {date_label(clash[0])} in one claim "
        f"and {date_label(clash[1])} in the other."
    )
    return _Candidate("date", explanation, confident=True)
