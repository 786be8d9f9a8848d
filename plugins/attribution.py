"""Speaker attribution: who makes each claim, resolved to a full name where the text allows.

A rule-based enricher over the core's segmentation (no models). For every sentence it finds
attribution frames outside quotation marks: a cue ("said", "told", "according to", a leading
"Name:") and the noun phrase naming its source. A quotation takes the frame attached to it
("…,” she said" / "She added: “…"), or, when it has none, the speaker of the attribution just
before it in the same or the previous paragraph. In a transcript a speaker label ("PENCE: …")
holds its turn. A claim gets the speaker of the quotation that holds most of it, else of its turn,
else of the main frame in its sentence; prose without a cue is the journalist's own (speaker
None). Mentions are resolved in text order: pronouns to a person of their gender in the sentence
or to the latest speaker, role nouns to the person introduced with that role, documents to their
owners, surnames and first names to the full name (see docs/attribution.md). The hook keeps what
it found for the article, so that a sentence split later ("X said A, but officials said B") can
give each part the speaker of its own frame (``part_speaker``).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from claimtrack import Article, Claim, Quote, Sentence, Span, Speaker, hookimpl
from claimtrack_plugins._attribution_frames import (
    Frame,
    Token,
    find_frames,
    tokenize,
    turn_label,
)
from claimtrack_plugins._attribution_names import Resolver, find_names, find_roles

#: Words allowed between a quotation and the cue attached to it (",” the party's spokesman said").
_ATTACH_AFTER = 8
#: Words allowed between a cue and the quotation it introduces ("She said of the plan: “…").
_ATTACH_BEFORE = 6
#: Words a sentence needs besides its frame to carry a claim of its own.
_MIN_CONTENT_WORDS = 3
_OPENING_MARKS = frozenset('"“«„')
_CLOSING_MARKS = frozenset('"”»')
#: Paragraphs a transcript turn may run over ("PENCE: …" and the paragraphs after it).
_TURN_PARAGRAPHS = 8
#: Words a quotation inside a clause may hold and still not cut the clause.
_SHORT_QUOTE = 4
#: Articles whose attribution the hook keeps for later enrichers (one scan runs one at a time).
_KEPT = 4


@dataclass(frozen=True, slots=True)
class Attribution:
    """The speakers found in one article: per sentence (by index) and per quotation.

    ``attached`` holds the quotations whose speaker is named at them (not inherited), and
    ``turns`` the speaker of each sentence in a transcript turn ("PENCE: …") by index.
    """

    sentences: dict[int, Speaker]
    quotes: dict[Quote, Speaker]
    quoted: tuple[Quote, ...]
    attached: frozenset[Quote] = frozenset()
    turns: dict[int, Speaker | None] = field(default_factory=dict)
    ends: tuple[int, ...] = ()  # where each sentence ends, to find a claim's sentences
    frames: tuple[tuple[Frame, Speaker], ...] = ()  # every frame and its speaker, by cue


def _segments(
    tokens: list[Token], quotes: Sequence[Quote]
) -> tuple[list[tuple[int, int]], frozenset[int]]:
    """Index ranges of the tokens outside quotations, and the indices of quoted tokens.

    A quotation of a few words inside a clause ("Trump called the plan “a disaster” and
    said …", "visited NBC’s “Today” to discuss") does not cut the clause: its tokens stay in
    the range, listed as quoted so that none of them is read as a cue.
    """
    if not quotes:
        return [(0, len(tokens))], frozenset()
    # Tokens and quotations are in text order, and quotations do not overlap: a token's holder
    # is the last quotation opening at or before it, and counts of words up to each token give
    # a quotation's words (searching every quotation for every token was quadratic).
    starts = [t.start for t in tokens]
    words = list(accumulate((t.is_word for t in tokens), initial=0))
    short = {
        q
        for q in quotes
        if tokens
        and not q.start <= tokens[0].start
        and words[bisect_left(starts, q.end)] - words[bisect_left(starts, q.start)] <= _SHORT_QUOTE
    }
    opens = [q.start for q in quotes]
    ranges: list[tuple[int, int]] = []
    quoted: set[int] = set()
    lo = None
    for k, tok in enumerate(tokens):
        index = bisect_right(opens, tok.start) - 1
        holder = quotes[index] if index >= 0 and tok.start < quotes[index].end else None
        inside = holder is not None and holder not in short
        if holder is not None:
            quoted.add(k)
        if inside and lo is not None:
            ranges.append((lo, k))
            lo = None
        elif not inside and lo is None:
            lo = k
    if lo is not None:
        ranges.append((lo, len(tokens)))
    return ranges, frozenset(quoted)


def _sentence_frames(
    article: Article, sentence: Sentence, starts: Sequence[int]
) -> tuple[list[Token], list[Frame]]:
    tokens = tokenize(article.text, sentence.start, sentence.end)
    # The core lists quotations in text order, and they do not nest.
    first = max(0, bisect_left(starts, sentence.start) - 1)
    last = bisect_left(starts, sentence.end)
    quotes = [q for q in article.quotes[first:last] if sentence.start < q.end]
    frames: list[Frame] = []
    ranges, quoted = _segments(tokens, quotes)
    for lo, hi in ranges:
        frames.extend(find_frames(tokens, lo, hi, quoted))
    return tokens, frames


def _main_frame(text: str, frames: list[Frame]) -> Frame:
    """The frame a sentence is attributed by.

    "According to X" governs its whole clause; a cue in the body of a transcript turn ("PENCE:
    … as the Journal wrote") names the source the turn relays. Otherwise the first verb of
    saying, else the first cue, else the poll or interview the clause opens with.
    """
    according = [f for f in frames if text[f.cue_start : f.cue_end].lower().startswith("accord")]
    if according:
        return according[0]
    body = [f for f in frames if f.speech and text[f.cue_start : f.cue_end] != ":"]
    cues = [f for f in frames if not f.venue]
    return (
        next(iter(body), None)
        or next((f for f in frames if f.speech), None)
        or next(iter(cues), frames[0])
    )


def _has_content(tokens: list[Token], frame: Frame) -> bool:
    """Whether a sentence says more than its frame ("He said:" introduces what follows)."""
    outside = [
        t
        for t in tokens
        if t.is_word
        and not frame.start <= t.start < frame.end
        and not frame.cue_start <= t.start < frame.cue_end
    ]
    return len(outside) >= _MIN_CONTENT_WORDS


def _words_between(tokens: list[Token], start: int, end: int) -> int:
    return sum(1 for t in tokens if start <= t.start and t.end <= end and t.is_word)


def attribute(article: Article) -> Attribution:
    """Find and resolve the speakers of every sentence and quotation of ``article``."""
    text = article.text
    quotes = article.quotes
    names = find_names(text)
    resolver = Resolver(names, find_roles(text, names))
    starts = [q.start for q in quotes]
    per_sentence: list[tuple[list[Token], list[Frame]]] = [
        _sentence_frames(article, s, starts) for s in article.sentences
    ]
    labels = {
        index: label
        for index, (tokens, _) in enumerate(per_sentence)
        if (label := turn_label(tokens)) is not None
    }
    spans = _turn_spans(article, labels)
    for k in spans:
        # A transcript's paragraph-opening marks are not quotations: read the whole turn.
        tokens = per_sentence[k][0]
        per_sentence[k] = (tokens, find_frames(tokens, 0, len(tokens)))
    all_frames = sorted(
        {
            f.cue_start: f
            for f in [*labels.values(), *(f for _, frames in per_sentence for f in frames)]
        }.values(),
        key=lambda f: f.start,
    )
    speakers: dict[int, Speaker] = {}
    for frame in all_frames:
        here = article.sentence_at(frame.start)
        name = resolver.resolve(frame.words, here.start if here else None)
        mention = text[frame.start : frame.end]
        if (
            frame.start
            and text[frame.start - 1] in _OPENING_MARKS
            and text[frame.end : frame.end + 1] in _CLOSING_MARKS
        ):
            name = mention  # a title in quotation marks is named as written ("The Times")
        speakers[frame.cue_start] = Speaker(
            name=name or mention, mention=mention, start=frame.start, end=frame.end
        )
    sentence_speakers = {
        index: speakers[_main_frame(text, frames).cue_start]
        for index, (tokens, frames) in enumerate(per_sentence)
        if frames and _has_content(tokens, _main_frame(text, frames))
    }
    index_of = {(s.start, s.end): i for i, s in enumerate(article.sentences)}
    leading = sorted((f for f in all_frames if f.words[0].low != "who"), key=lambda f: f.cue_end)
    quote_speakers: dict[Quote, Speaker] = {}
    attached: set[Quote] = set()
    for quote in quotes:
        speaker = _attached(article, quote, starts, per_sentence, index_of, speakers)
        if speaker is not None:
            attached.add(quote)
        else:
            speaker = _inherited(article, quote, leading, speakers)
        if speaker is not None:
            quote_speakers[quote] = speaker
    turns = _turn_speakers(spans, labels, speakers, per_sentence)
    ends = tuple(s.end for s in article.sentences)
    by_cue = tuple(
        (f, speakers[f.cue_start]) for f in sorted(all_frames, key=lambda f: f.cue_start)
    )
    return Attribution(
        sentence_speakers, quote_speakers, quotes, frozenset(attached), turns, ends, by_cue
    )


def _turn_spans(article: Article, labels: dict[int, Frame]) -> dict[int, int | None]:
    """For every sentence in a transcript turn, the index of its label's sentence.

    A turn opens at a speaker label in capitals ("PENCE: …", "JAKE TAPPER: …"; a title-case
    "Jeb Bush: …" is as often a section heading) and runs to the next label, over at most
    ``_TURN_PARAGRAPHS`` paragraphs; the last turn runs on only into paragraphs that open with
    a quotation mark (a quotation continued). A line without words or in parentheses
    ("(CROSSTALK.)") is in the turn but belongs to no one (None).
    """
    text = article.text
    sentences = article.sentences
    order = sorted(i for i, f in labels.items() if all(t.text.isupper() for t in f.words))
    spans: dict[int, int | None] = {}
    for n, index in enumerate(order):
        stop = order[n + 1] if n + 1 < len(order) else len(sentences)
        first = sentences[index].paragraph
        for k in range(index, stop):
            sentence = sentences[k]
            raw = text[sentence.start : sentence.end]
            words = raw.strip(' \t\n"“”')
            if sentence.paragraph != first and (
                sentence.paragraph - first >= _TURN_PARAGRAPHS
                or (n + 1 == len(order) and words[:1] == raw[:1])
            ):
                break
            blank = words.startswith("(") or not any(c.isalpha() for c in words)
            spans[k] = None if blank else index
    return spans


def _turn_speakers(
    spans: dict[int, int | None],
    labels: dict[int, Frame],
    speakers: dict[int, Speaker],
    per_sentence: list[tuple[list[Token], list[Frame]]],
) -> dict[int, Speaker | None]:
    """The speaker of each sentence in a turn: a verb of saying in it names its own source
    ("as the Journal wrote"); else, "I" and "we" included, the turn's speaker."""
    turns: dict[int, Speaker | None] = {}
    for k, index in spans.items():
        if index is None:
            turns[k] = None
            continue
        label = labels[index]
        turns[k] = speakers[label.cue_start]
        for frame in per_sentence[k][1]:
            own = frame.speech and frame.cue_start != label.cue_start
            if own and not (len(frame.words) == 1 and frame.words[0].low in ("i", "we")):
                turns[k] = speakers[frame.cue_start]
                break
    return turns


def _attached(
    article: Article,
    quote: Quote,
    starts: list[int],
    per_sentence: list[tuple[list[Token], list[Frame]]],
    index_of: dict[tuple[int, int], int],
    speakers: dict[int, Speaker],
) -> Speaker | None:
    """The speaker of a frame right after the quotation, or right before it."""
    last = article.sentence_at(quote.end - 1)
    if last is not None:
        tokens, frames = per_sentence[index_of[(last.start, last.end)]]
        for frame in frames:
            near = min(frame.start, frame.cue_start)
            close = near >= quote.end and _words_between(tokens, quote.end, near) <= _ATTACH_AFTER
            if close and not _opens_between(starts, quote.end, near):
                return speakers[frame.cue_start]
    first = article.sentence_at(quote.start)
    if first is not None:
        tokens, frames = per_sentence[index_of[(first.start, first.end)]]
        for frame in reversed(frames):
            if frame.cue_end <= quote.start and frame.end <= quote.start:
                gap = _words_between(tokens, frame.cue_end, quote.start)
                between = _opens_between(starts, frame.cue_end, quote.start)
                if gap <= _ATTACH_BEFORE and not between:
                    return speakers[frame.cue_start]
                break
    return None


def _opens_between(starts: list[int], lo: int, hi: int) -> bool:
    """Whether a quotation opens in ``[lo, hi)`` (``starts`` are the sorted openings)."""
    index = bisect_left(starts, lo)
    return index < len(starts) and starts[index] < hi


def _inherited(
    article: Article, quote: Quote, frames: list[Frame], speakers: dict[int, Speaker]
) -> Speaker | None:
    """A quotation without its own cue continues the attribution just before it, if close.

    ``frames`` are the article's frames but relative ones ("who endorsed him"), ordered by
    where their cues end.
    """
    here = article.sentence_at(quote.start)
    if here is None:
        return None
    index = bisect_right(frames, quote.start, key=lambda f: f.cue_end)
    if not index:
        return None
    there = article.sentence_at(frames[index - 1].cue_start)
    if there is None or here.paragraph - there.paragraph > 1:
        return None
    return speakers[frames[index - 1].cue_start]


def _holding_quote(quotes: tuple[Quote, ...], claim: Claim | Span) -> Quote | None:
    """The quotation that holds at least half of the claim's characters."""
    # The core lists quotations in text order, and they do not nest.
    first = bisect_left(quotes, claim.start, key=lambda q: q.start)
    for quote in quotes[max(0, first - 1) :]:
        inner = quote.inner
        overlap = min(inner.end, claim.end) - max(inner.start, claim.start)
        if overlap * 2 >= claim.end - claim.start:
            return quote
        if quote.start >= claim.end:
            break
    return None


def speaker_for(article: Article, found: Attribution, claim: Claim) -> Speaker | None:
    """The speaker of one claim.

    The speaker named at the quotation holding it; else, in a transcript turn, its sentence's
    own cue or the turn's speaker; else the speaker its quotation continues; else its
    sentence's; else None (the author).
    """
    quote = _holding_quote(found.quoted, claim)
    if quote is not None and quote in found.attached:
        return found.quotes[quote]
    sentences = article.sentences
    first = bisect_right(found.ends, claim.start)
    for index in range(first, len(sentences)):
        if sentences[index].start >= claim.end:
            break
        if index in found.turns:
            return found.turns[index]
    if quote is not None and quote in found.quotes:
        return found.quotes[quote]
    for index in range(first, len(sentences)):
        if sentences[index].start >= claim.end:
            break
        if index in found.sentences:
            return found.sentences[index]
    return None


def part_speaker(article: Article, found: Attribution, part: Span) -> Speaker | None:
    """The speaker of the attribution within one part of a split sentence, if it has its own.

    "X said A, but officials said B": the part "officials said B" holds a frame of its own,
    source and cue, and takes its speaker; a part in a quotation named at it takes the
    quotation's. A part with neither, or in a transcript turn (the turn holds its speaker), gets
    None: it keeps its sentence's speaker.
    """
    quote = _holding_quote(found.quoted, part)
    if quote is not None and quote in found.attached:
        return found.quotes[quote]
    first = bisect_right(found.ends, part.start)
    last = bisect_left(found.ends, part.end)
    if any(index in found.turns for index in range(first, last + 1)):
        return None
    lo = bisect_left(found.frames, part.start, key=lambda item: item[0].cue_start)
    hi = bisect_left(found.frames, part.end, key=lambda item: item[0].cue_start)
    inside = [
        (frame, speaker)
        for frame, speaker in found.frames[lo:hi]
        if part.start <= frame.start and frame.end <= part.end
    ]
    if not inside:
        return None
    main = _main_frame(article.text, [frame for frame, _ in inside])
    if not _has_content(tokenize(article.text, part.start, part.end), main):
        return None
    return next(speaker for frame, speaker in inside if frame is main)


_attributed: OrderedDict[int, tuple[Article, Attribution]] = OrderedDict()


def attributed(article: Article) -> Attribution | None:
    """The attribution this plugin's hook made for ``article`` (this very object), if any.

    Later enrichers read it instead of attributing again; None when the hook did not run on
    the article (the plugin disabled, or it failed).
    """
    kept = _attributed.get(id(article))
    return kept[1] if kept is not None and kept[0] is article else None


@hookimpl(tryfirst=True)
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> list[Claim]:
    """Set each claim's speaker (None for the journalist's own statements)."""
    found = attribute(article)
    _attributed[id(article)] = (article, found)
    _attributed.move_to_end(id(article))
    while len(_attributed) > _KEPT:
        _attributed.popitem(last=False)
    return [claim.evolve(speaker=speaker_for(article, found, claim)) for claim in claims]
