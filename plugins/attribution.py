"""Speaker attribution: who makes each claim, resolved to a full name where the text allows.

A rule-based enricher over the core's segmentation (no models). For every sentence it finds
attribution frames outside quotation marks: a cue ("said", "told", "according to", a leading
"Name:") and the noun phrase naming its source. A quotation takes the frame attached to it
("…,” she said" / "She added: “…"), or, when it has none, the speaker of the attribution just
before it in the same or the previous paragraph. A claim gets the speaker of the quotation that
holds most of it, else of the first frame in its sentence; prose without a cue is the journalist's
own (speaker None). Mentions are resolved in text order: pronouns to the latest speaker, role nouns
to the person introduced with that role, surnames and first names to the full name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from claimtrack import Article, Claim, Quote, Sentence, Speaker, hookimpl
from claimtrack_plugins._attribution_frames import Frame, Token, find_frames, tokenize
from claimtrack_plugins._attribution_names import Resolver, find_names, find_roles

#: Words allowed between a quotation and the cue attached to it (",” the party's spokesman said").
_ATTACH_AFTER = 8
#: Words allowed between a cue and the quotation it introduces ("She said of the plan: “…").
_ATTACH_BEFORE = 6
#: Words a sentence needs besides its frame to carry a claim of its own.
_MIN_CONTENT_WORDS = 3
_OPENING_MARKS = frozenset('"“«„')


@dataclass(frozen=True, slots=True)
class Attribution:
    """The speakers found in one article: per sentence (by index) and per quotation."""

    sentences: dict[int, Speaker]
    quotes: dict[Quote, Speaker]
    quoted: tuple[Quote, ...]


def _segments(tokens: list[Token], quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """Index ranges of the tokens that lie outside every quotation."""
    ranges: list[tuple[int, int]] = []
    lo = None
    for k, tok in enumerate(tokens):
        inside = any(q.start <= tok.start < q.end for q in quotes)
        if inside and lo is not None:
            ranges.append((lo, k))
            lo = None
        elif not inside and lo is None:
            lo = k
    if lo is not None:
        ranges.append((lo, len(tokens)))
    return ranges


def _sentence_frames(
    article: Article, sentence: Sentence, all_quoted: Sequence[Quote]
) -> tuple[list[Token], list[Frame]]:
    tokens = tokenize(article.text, sentence.start, sentence.end)
    quotes = [q for q in all_quoted if q.start < sentence.end and sentence.start < q.end]
    frames: list[Frame] = []
    for lo, hi in _segments(tokens, quotes):
        frames.extend(find_frames(tokens, lo, hi))
    return tokens, frames


def _main_frame(text: str, frames: list[Frame]) -> Frame:
    """The frame a sentence is attributed by.

    "According to X" governs its whole clause; a cue in the body of a transcript turn ("PENCE:
    … as the Journal wrote") names the source the turn relays. Otherwise the first verb of
    saying, else the first cue.
    """
    according = [f for f in frames if text[f.cue_start : f.cue_end].lower().startswith("accord")]
    if according:
        return according[0]
    body = [f for f in frames if f.speech and text[f.cue_start : f.cue_end] != ":"]
    return next(iter(body), None) or next((f for f in frames if f.speech), frames[0])


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
    per_sentence: list[tuple[list[Token], list[Frame]]] = [
        _sentence_frames(article, s, quotes) for s in article.sentences
    ]
    all_frames = sorted(
        {f.cue_start: f for _, frames in per_sentence for f in frames}.values(),
        key=lambda f: f.start,
    )
    speakers: dict[int, Speaker] = {}
    for frame in all_frames:
        name = resolver.resolve(frame.words)
        mention = text[frame.start : frame.end]
        if frame.start and text[frame.start - 1] in _OPENING_MARKS:
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
    quote_speakers: dict[Quote, Speaker] = {}
    for quote in quotes:
        speaker = _attached(article, quote, quotes, per_sentence, index_of, speakers)
        if speaker is None:
            speaker = _inherited(article, quote, all_frames, speakers)
        if speaker is not None:
            quote_speakers[quote] = speaker
    return Attribution(sentence_speakers, quote_speakers, quotes)


def _attached(
    article: Article,
    quote: Quote,
    quotes: tuple[Quote, ...],
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
            if close and not any(quote.end <= q.start < near for q in quotes):
                return speakers[frame.cue_start]
    first = article.sentence_at(quote.start)
    if first is not None:
        tokens, frames = per_sentence[index_of[(first.start, first.end)]]
        for frame in reversed(frames):
            if frame.cue_end <= quote.start and frame.end <= quote.start:
                gap = _words_between(tokens, frame.cue_end, quote.start)
                between = any(frame.cue_end <= q.start < quote.start for q in quotes)
                if gap <= _ATTACH_BEFORE and not between:
                    return speakers[frame.cue_start]
                break
    return None


def _inherited(
    article: Article, quote: Quote, frames: list[Frame], speakers: dict[int, Speaker]
) -> Speaker | None:
    """A quotation without its own cue continues the attribution just before it, if close."""
    here = article.sentence_at(quote.start)
    if here is None:
        return None
    earlier = [f for f in frames if f.cue_end <= quote.start]
    if not earlier:
        return None
    there = article.sentence_at(earlier[-1].cue_start)
    if there is None or here.paragraph - there.paragraph > 1:
        return None
    return speakers[earlier[-1].cue_start]


def _holding_quote(quotes: tuple[Quote, ...], claim: Claim) -> Quote | None:
    """The quotation that holds at least half of the claim's characters."""
    for quote in quotes:
        inner = quote.inner
        overlap = min(inner.end, claim.end) - max(inner.start, claim.start)
        if overlap * 2 >= claim.end - claim.start:
            return quote
        if quote.start >= claim.end:
            break
    return None


def speaker_for(article: Article, found: Attribution, claim: Claim) -> Speaker | None:
    """The speaker of one claim: its quotation's, else its sentence's, else None (the author)."""
    quote = _holding_quote(found.quoted, claim)
    if quote is not None and quote in found.quotes:
        return found.quotes[quote]
    for index, sentence in enumerate(article.sentences):
        if sentence.end <= claim.start:
            continue
        if sentence.start >= claim.end:
            break
        if index in found.sentences:
            return found.sentences[index]
    return None


@hookimpl(tryfirst=True)
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> list[Claim]:
    """Set each claim's speaker (None for the journalist's own statements)."""
    found = attribute(article)
    return [claim.evolve(speaker=speaker_for(article, found, claim)) for claim in claims]
