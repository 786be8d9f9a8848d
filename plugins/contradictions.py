"""Contradictions within one article: frame, polarity, quantity and date conflicts, and claims
that disagree.

Pairs of claims are compared by voice: two claims inside one quotation, or two claims whose
speakers have the same name, share a voice; when a speaker is unknown the voice is unknown, and
every check asks for closer wording. Five rule-based checks run on each pair, the first that
fires wins. Four find a source contradicting itself, and never compare claims by different
named speakers (that is a dispute, not a self-contradiction):

- ``frame``: one claim frames the matter in a way the other denies ("a zero-sum game" against
  "can in no way harm"), from the lexicon in ``data/frames.toml`` and the user's own files;
- ``polarity``: one clause of each claim says the same thing, one negated and one not;
- ``quantity``: one event (read from the parse, :mod:`._facts`) given two different figures;
- ``date``: one event placed at two different times (years, months, days or weekdays that
  cannot overlap; a day or month written without a year is read against the article's
  publication date).

The fifth, ``disagreement``, is the quantity and date check for claims of different or unknown
voices: two sources that give one project two costs, or one opening two years, are flagged too,
as claims that disagree rather than as a self-contradiction.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import accumulate, islice

import claimtrack
from claimtrack import (
    MAX_CONTRADICTIONS,
    Article,
    Claim,
    Contradiction,
    Quote,
    Sentence,
    Span,
    hookimpl,
)

from ._facts import Event, Figure, events
from ._lexicon import Frame, Lexicon, load_lexicon
from ._numbers import DatePoint
from ._recorded import recorded_frames
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
)

#: A model probability below this drops a rule candidate.
VETO_BELOW = 0.5
#: A model probability at or above this confirms a near-miss the rules alone would not report.
CONFIRM_AT = 0.8
#: Polarity: share of clause words two clauses must have in common, by voice.
POLARITY_OVERLAP = {"same": 0.8, "unknown": 0.85}
#: Polarity near-misses put to a model, if there is one.
POLARITY_NEAR = 0.5
#: Frames from an unknown voice: at most this many sentences apart.
FRAME_DISTANCE = 3
#: Claims compared with each one that follows it, so that a huge article costs linear time.
#: Self-contradictions sit a few paragraphs apart at most (in the dev set, five claims).
PAIR_WINDOW = 64

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
    events: tuple[Event, ...]  # the events the claim dates or measures (``_facts``)
    verbs: frozenset[str]  # their verbs' lemmas
    recurring: bool  # the claim marks one of several occurrences ("again", "another")
    question: bool
    frames: tuple[_FrameHit, ...]
    negations: int
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
    behind: deque[_Read] = deque(maxlen=PAIR_WINDOW)  # the claims compared before, for series
    seen: set[tuple[str, str, str]] = set()
    while window:
        a = window.popleft()
        around = (*behind, *window)
        for b in window:
            if a.claim.start < b.claim.end and b.claim.start < a.claim.end:
                continue  # overlapping spans
            if a.sentence == b.sentence >= 0:
                continue
            voice = _voice(a, b)
            if not _may_conflict(a, b, voice):
                continue
            candidate = _judge(a, b, voice, around)
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
        behind.append(a)
        window.extend(islice(reads, 1))


def _core_scorer() -> PairScorer | None:
    # The core exposes the claimtrack_score_pair hook as claimtrack.score_pair; before it does,
    # or when no plugin implements the hook, the rules decide alone.
    scorer = getattr(claimtrack, "score_pair", None)
    return scorer if callable(scorer) else None


def _may_conflict(a: _Read, b: _Read, voice: str) -> bool:
    """Whether any check of :func:`_judge` could fire: a cheap test that skips most pairs."""
    if voice != "different":
        if (a.frames or b.frames) and _frame_near(a, b, voice):
            return True
        if a.negations != b.negations and a.clause_words & b.clause_words:
            return True
    return bool(a.verbs & b.verbs)


def _read(
    article: Article,
    claim: Claim,
    lexicon: Lexicon,
    quotes: _Quotes,
    sentence_index: dict[Sentence, int],
) -> _Read:
    quote, quoted = _quotation(article, claim, quotes)
    where = quoted or _reported(article, claim)
    body = article.text[where.start : where.end]
    cues = [cue - where.start for cue, _ in _frames(claim) if where.start <= cue < where.end]
    sentence = article.sentence_at(claim.start)
    speaker = claim.speaker.name if claim.speaker and claim.speaker.name else None
    norm = normalise(body)
    found_clauses = tuple(clauses(body, lexicon.opposites, cues))
    found_events = events(article, claim)
    return _Read(
        claim=claim,
        norm=norm,
        clauses=found_clauses,
        clause_words=frozenset().union(*(c.content for c in found_clauses)),
        words=content_words(body),
        events=found_events,
        verbs=frozenset(e.verb for e in found_events),
        recurring=bool(_RECURRING.search(normalise(claim.text))),
        question=body.rstrip(" ”\"’'").endswith("?"),
        frames=_frame_hits(norm, lexicon),
        negations=negations(body, lexicon.opposites),
        sentence=sentence_index[sentence] if sentence else -1,
        quote=quote,
        speaker=frozenset(normalise(speaker).split()) if speaker else frozenset(),
    )


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


def _quotation(article: Article, claim: Claim, quotes: _Quotes) -> tuple[int | None, Span | None]:
    """The quotation a claim speaks from (its start) and where its quoted words are, if it has
    one.

    A claim that is mostly a quotation, or a quotation plus its attribution ("X said: “…”"),
    speaks from that quotation; the quoted words are then what is compared.
    """
    best, best_overlap = None, 0
    for quote in quotes.overlapping(claim.start, claim.end):
        overlap = min(quote.inner.end, claim.end) - max(quote.inner.start, claim.start)
        if overlap > best_overlap:
            best, best_overlap = quote, overlap
    if best is None:
        return None, None
    quoted = _stripped(
        article, Span(max(best.inner.start, claim.start), min(best.inner.end, claim.end)), ""
    )
    framed = any(
        not best.inner.start <= cue < best.inner.end for cue, _ in _frames(claim)
    )  # "X said: “…”": the frame is outside the quotation
    if best_overlap * 2 >= len(claim.text.strip()) or framed:
        return best.start, quoted
    return None, None


def _frames(claim: Claim) -> list[tuple[int, tuple[int, int]]]:
    """The attribution frames recorded on a claim (:mod:`claimtrack_plugins._recorded`): each
    cue's start and its content's offsets. A quoted speaker's own frame (``quoted``) is not the
    article's attribution and is left out."""
    return [
        (frame.cue.start, (frame.content.start, frame.content.end))
        for frame in recorded_frames(claim)
        if not frame.quoted
    ]


def _reported(article: Article, claim: Claim) -> Span:
    """Where a claim says what it says without its attribution: the part of it its main frame's
    content covers ("X said that A" → "A"), else all of it."""
    best = (0, claim.span)
    for _, (start, end) in _frames(claim):
        lo, hi = max(start, claim.start), min(end, claim.end)
        if hi - lo > best[0]:
            best = (hi - lo, Span(lo, hi))
    return _stripped(article, best[1], ",.“”\"‘’'") or claim.span


def _stripped(article: Article, span: Span, marks: str) -> Span | None:
    """``span`` without the spaces and ``marks`` at its ends; None if nothing is left."""
    text = article.text[span.start : span.end]
    chars = " \t\r\n" + marks
    start = span.start + len(text) - len(text.lstrip(chars))
    end = span.end - (len(text) - len(text.rstrip(chars)))
    return Span(start, end) if start < end else None


def _voice(a: _Read, b: _Read) -> str:
    """``same`` (one quotation, or one speaker's name), ``different`` or ``unknown``."""
    if a.quote is not None and a.quote == b.quote:
        return "same"
    if a.speaker and b.speaker:
        return "same" if a.speaker <= b.speaker or b.speaker <= a.speaker else "different"
    return "unknown"


def _judge(a: _Read, b: _Read, voice: str, around: Iterable[_Read]) -> _Candidate | None:
    """The conflict between ``a`` and ``b``, if any; ``around`` are the claims near ``a``."""
    if a.question or b.question:
        return None
    if voice != "different":
        found = _frame_conflict(a, b, voice) or _frame_conflict(b, a, voice)
        found = found or _polarity_conflict(a, b, voice)
        if found:
            return found
    return _event_conflict(a, b, voice, around)


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


def _event_conflict(a: _Read, b: _Read, voice: str, around: Iterable[_Read]) -> _Candidate | None:
    """One event the two claims measure or date differently, if any (:mod:`._facts`).

    From one voice it is a ``quantity`` or ``date`` self-contradiction; from two voices, or from
    voices the attribution could not tell, a ``disagreement``. An event that the claims around
    give a third value is a series (a live blog's updates, a figure per month), not a conflict.
    """
    pronouns = voice == "same"
    for ea in a.events:
        for eb in b.events:
            if not ea.same_event(eb, pronouns):
                continue
            figures = _figure_clash(ea, eb)
            if figures:
                values = partial(_values, key=figures[0].key)
                if _series(ea, pronouns, [a, *around], values):
                    continue
                return _figure_candidate(ea, *figures, voice)
            if a.recurring or b.recurring:
                continue  # "visited again in 2014": one of several visits, not the same one
            points = _event_date_clash(ea, eb)
            if points and not _series(ea, pronouns, [a, *around], _when):
                return _date_candidate(ea, *points, voice)
    return None


def _series(
    event: Event,
    pronouns: bool,
    reads: Iterable[_Read],
    value: Callable[[Event], frozenset[object]],
) -> bool:
    """Whether the claims give ``event`` more than two values (as ``value`` reads them)."""
    seen = set()
    for read in reads:
        for other in read.events:
            if other.same_event(event, pronouns) and (found := value(other)):
                seen.add(found)
                if len(seen) > 2:
                    return True
    return False


def _values(event: Event, key: tuple[tuple[str, ...], str, str]) -> frozenset[object]:
    return frozenset(f.value for f in event.figures if f.key == key)


def _when(event: Event) -> frozenset[object]:
    return frozenset((p.granularity, p.value) for p in event.dates)


def _figure_candidate(event: Event, fa: Figure, fb: Figure, voice: str) -> _Candidate:
    thing = event.wording
    if voice == "same":
        explanation = (
            f"The same figure ({thing}) is given as {fa.surface} in one claim "
            f"and {fb.surface} in the other."
        )
        return _Candidate("quantity", explanation, confident=True)
    explanation = (
        f"The claims give different figures for the same thing ({thing}): "
        f"{fa.surface} in one and {fb.surface} in the other."
    )
    return _Candidate("disagreement", explanation, confident=True)


def _date_candidate(event: Event, da: DatePoint, db: DatePoint, voice: str) -> _Candidate:
    if voice == "same":
        explanation = (
            f"The same event is dated {date_label(da)} in one claim "
            f"and {date_label(db)} in the other."
        )
        return _Candidate("date", explanation, confident=True)
    explanation = (
        f"The claims date the same event ({event.wording}) differently: "
        f"{date_label(da)} in one and {date_label(db)} in the other."
    )
    return _Candidate("disagreement", explanation, confident=True)


def _figures_by_key(event: Event) -> dict[tuple[tuple[str, ...], str, str], list[Figure]]:
    grouped: dict[tuple[tuple[str, ...], str, str], list[Figure]] = {}
    for figure in event.figures:
        grouped.setdefault(figure.key, []).append(figure)
    return grouped


def _figure_clash(ea: Event, eb: Event) -> tuple[Figure, Figure] | None:
    """The one figure of an event that the two claims give different values, if exactly one.

    The event must be placed at the same time in both (or at none), and every other figure must
    agree: several differing at once are another poll, place or time. Two figures of one thing
    in one claim are a range ("between 30 and 50 million"): a value inside it agrees. A hedged
    figure ("more than 40") is a bound, not a value, and is never held against another.
    """
    if not _same_time(ea, eb):
        return None
    ga, gb = _figures_by_key(ea), _figures_by_key(eb)
    if not ga or ga.keys() != gb.keys():
        return None
    differ = [key for key in ga if not _within(ga[key], gb[key])]
    if len(differ) != 1:
        return None
    fa, fb = ga[differ[0]], gb[differ[0]]
    if any(f.hedged for f in (*fa, *fb)):
        return None
    return fa[0], fb[0]


def _within(fa: Sequence[Figure], fb: Sequence[Figure]) -> bool:
    """Whether the values (or ranges) of two sides overlap."""
    low_a, high_a = min(f.value for f in fa), max(f.value for f in fa)
    low_b, high_b = min(f.value for f in fb), max(f.value for f in fb)
    return (low_a <= high_b or _close(low_a, high_b)) and (low_b <= high_a or _close(low_b, high_a))


def _close(x: float, y: float) -> bool:
    return abs(x - y) <= 0.005 * max(abs(x), abs(y))


def _same_time(ea: Event, eb: Event) -> bool:
    """Whether two events are placed at the same time, or neither is placed at all."""
    if ea.unread != eb.unread or bool(ea.dates) != bool(eb.dates):
        return False
    return not ea.dates or _date_clash(ea.dates, eb.dates) is None


def _event_date_clash(ea: Event, eb: Event) -> tuple[DatePoint, DatePoint] | None:
    """Two dates that cannot name one time for an event with the same figures, if any."""
    if not (ea.dates and eb.dates) or ea.unread != eb.unread:
        return None
    ga, gb = _figures_by_key(ea), _figures_by_key(eb)
    if ga.keys() != gb.keys() or not all(_within(ga[k], gb[k]) for k in ga):
        return None  # different figures at different times: two events, not one
    return _date_clash(ea.dates, eb.dates)


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
