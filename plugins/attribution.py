"""Speaker attribution: who makes each claim, resolved to an entity the article names.

Works on the article's spaCy parse (``article.doc``). In every sentence it finds attribution
frames (:mod:`claimtrack_plugins._frames`): a cue learned from annotated news (a verb of saying,
thinking or reporting, "according to", a headline colon), its source (the cue's subject, a
passive's agent, the object of "according to") and the content the cue governs. Sources are
resolved in text order (:mod:`claimtrack_plugins._mentions`): names to their full form, pronouns
to the latest suitable speaker, role nouns and documents to the entity introduced with them.

A quotation takes the speaker of a frame whose content it is ("“…,” she said", "She added:
“…”") and otherwise continues the attribution just before it in the same or the previous
paragraph. A claim takes the speaker of the quotation holding most of it; else of the frame in
its span whose content covers most of it, unless that frame's cue sets the scene of another's
("When X announced …, Y said …" is Y's); else it is the journalist's own (speaker None).
A source that resolves to no entity ("officials said") keeps its words as the mention, with no
name.

Each claim also carries its frames as public data in ``details["attributions"]``
(:mod:`claimtrack_plugins._recorded`): for every frame whose cue lies in the claim, the
speaker, the cue's and content's offsets and whether it reports speech or thought
(``reported``; false for a stance or an act, "denounced the plan"), so that later enrichers
(splitting, restating, contradictions, check-worthiness) read frames from the claim. A frame
inside a quotation, the quoted speaker's own ("“I think it will close,” she said"), is
recorded too, with ``quoted`` true and its source's word unresolved as the mention: it gives
no claim a speaker, but tells the check-worthiness scorer what the quotation reports.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimtrack import Article, Claim, Quote, Sentence, Span, Speaker, hookimpl
from claimtrack_plugins._frames import Frame, find_frames
from claimtrack_plugins._mentions import Resolver
from claimtrack_plugins._recorded import ATTRIBUTIONS, RecordedFrame, record

if TYPE_CHECKING:  # spaCy is imported by the scan, not by loading the plugins
    from spacy.tokens import Token

#: Words a sentence needs besides its frame to carry a claim of its own ("He said:" has none).
_MIN_CONTENT_WORDS = 3
#: Characters (about eight words) allowed between a quotation and a cue that claims it without
#: governing it.
_NEAR = 53


@dataclass(frozen=True, slots=True)
class Attribution:
    """The frames of one article with their speakers, and the speaker of each quotation."""

    frames: tuple[tuple[Frame, Speaker], ...]
    quotes: dict[Quote, Speaker]
    cues: tuple[int, ...]  # where each frame's cue starts, for bisection
    #: Paragraph index → (where its transcript label "PENCE: …" ends, the label's speaker).
    turns: dict[int, tuple[int, Speaker]]
    #: The frames inside quotations (the quoted speakers' own), recorded on the claims only,
    #: each with its source's words, unresolved; and where their cues start.
    quoted: tuple[tuple[Frame, Speaker], ...] = ()
    quoted_cues: tuple[int, ...] = ()
    #: Sentence index → the speaker its paraphrase runs on from (:func:`_continued`), filled
    #: as sentences are asked about, each once.
    runs: dict[int, Speaker | None] = field(default_factory=dict)


def attribute(article: Article) -> Attribution:
    """Find every frame of ``article``, resolve its source, and give each quotation a speaker."""
    doc = article.doc
    resolver = Resolver(doc)
    found: list[tuple[Frame, Speaker]] = []
    inner: list[tuple[Frame, Speaker]] = []
    quotes = article.quotes
    opens = [q.start for q in quotes]
    for sentence in article.sentences:
        tokens = article.parsed(sentence)
        first = max(0, bisect_left(opens, sentence.start) - 1)
        near = quotes[first : bisect_left(opens, sentence.end)]
        frames = sorted(find_frames(doc, tokens, near), key=lambda f: doc[f.source].idx)
        for frame in frames:
            if frame.quoted:  # the quoted speaker's own frame: it cites no one for the article
                source = doc[frame.source]
                mention = Speaker(None, source.text, source.idx, source.idx + len(source.text))
                inner.append((frame, mention))
                continue
            governed = None if frame.aside else frame.content
            speaker = resolver.speaker(doc[frame.source], governed)
            if not frame.label:
                found.append((frame, speaker))
            elif speaker.name and (resolver.names(doc[frame.source]) or doc[frame.source].is_upper):
                # A label names someone the article names ("Pence: …"), or is a transcript's
                # speaker in capitals ("JAKE TAPPER: …"); "Correction: …" names no one.
                found.append((frame, speaker))
    found.sort(key=lambda item: item[0].cue.start)
    cues = tuple(frame.cue.start for frame, _ in found)
    by_quote: dict[Quote, Speaker] = {}
    for quote in quotes:
        speaker = _attached(article, quote, found, cues) or _inherited(article, quote, found, cues)
        if speaker is not None:
            by_quote[quote] = speaker
    turns: dict[int, tuple[int, Speaker]] = {}
    for frame, speaker in found:
        there = article.sentence_at(frame.cue.start)
        if frame.label and there is not None:
            turns.setdefault(there.paragraph, (frame.cue.start, speaker))
    inner.sort(key=lambda item: item[0].cue.start)
    inner_cues = tuple(frame.cue.start for frame, _ in inner)
    return Attribution(tuple(found), by_quote, cues, turns, tuple(inner), inner_cues)


def _attached(
    article: Article, quote: Quote, found: list[tuple[Frame, Speaker]], cues: Sequence[int]
) -> Speaker | None:
    """The speaker of a frame outside the quotation, in the sentences it touches, whose content
    is the quotation or that stands right next to it."""
    first = article.sentence_at(quote.start)
    last = article.sentence_at(max(quote.start, quote.end - 1))
    lo = first.start if first else quote.start
    hi = last.end if last else quote.end
    best: tuple[int, Speaker] | None = None
    # A dash and a name right after the closing mark sign it ("“…” ― Krystal Correa"), in
    # the sentence after the quotation's last or in that sentence.
    signed = bisect_left(cues, max(hi, quote.end + 3))
    for frame, speaker in found[bisect_left(cues, lo) : signed]:
        if quote.inner.start <= frame.cue.start < quote.inner.end and not frame.label:
            continue  # the quoted speaker's words; a transcript label opens a turn in quotes
        if frame.cue.start >= hi and frame.content != quote.inner:
            continue  # a frame after the quotation's sentences claims it only by signing it
        covered = _overlap(frame.content, quote.inner)
        gap = min(abs(frame.cue.start - quote.end), abs(quote.start - frame.cue.end))
        close = gap <= _NEAR
        if covered * 3 >= len(quote.inner) or close:
            rank = covered if covered else -gap
            if best is None or rank > best[0]:
                best = (rank, speaker)
    return best[1] if best else None


def _inherited(
    article: Article, quote: Quote, found: list[tuple[Frame, Speaker]], cues: Sequence[int]
) -> Speaker | None:
    """A quotation without its own frame continues the attribution just before it, in the same
    paragraph or the one before (the newspaper convention for a quotation run on); a frame of
    an act whose subject names no one ("opportunities appeared") does not interrupt it."""
    here = article.sentence_at(quote.start)
    index = bisect_right(cues, quote.start)
    while index and not (found[index - 1][0].reported or found[index - 1][1].name):
        index -= 1
    if here is None or not index:
        return None
    frame, speaker = found[index - 1]
    there = article.sentence_at(frame.cue.start)
    if there is None or here.paragraph - there.paragraph > 1:
        return None
    return speaker


def _overlap(a: Span, b: Span) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def _holding_quote(quotes: Sequence[Quote], span: Span) -> Quote | None:
    """The quotation whose words hold at least half of ``span``."""
    first = bisect_left(quotes, span.start, key=lambda q: q.start)
    for quote in quotes[max(0, first - 1) :]:
        if _overlap(quote.inner, span) * 2 >= len(span):
            return quote
        if quote.start >= span.end:
            break
    return None


def frames_in(found: Attribution, span: Span) -> list[tuple[Frame, Speaker]]:
    """The frames whose cue lies in ``span`` (the quoted speakers' own left out)."""
    lo, hi = bisect_left(found.cues, span.start), bisect_left(found.cues, span.end)
    return list(found.frames[lo:hi])


def quoted_frames_in(found: Attribution, span: Span) -> list[tuple[Frame, Speaker]]:
    """The frames inside quotations whose cue lies in ``span``."""
    lo = bisect_left(found.quoted_cues, span.start)
    hi = bisect_left(found.quoted_cues, span.end)
    return list(found.quoted[lo:hi])


def speaker_for(article: Article, found: Attribution, span: Span) -> Speaker | None:
    """The speaker of the claim at ``span``: the transcript turn's it lies in ("PENCE: …" to the
    end of the paragraph), else its quotation's, else its main frame's, else None."""
    here = article.sentence_at(span.start)
    turn = found.turns.get(here.paragraph) if here is not None else None
    if turn is not None and turn[0] < span.end:
        return turn[1]
    quote = _holding_quote(article.quotes, span)
    if quote is not None and quote in found.quotes:
        return found.quotes[quote]
    best: tuple[int, Speaker] | None = None
    candidates: list[tuple[Frame, Speaker]] = []
    for frame, speaker in frames_in(found, span):
        if not frame.reported:
            continue
        if quote is not None and quote.inner.start <= frame.cue.start < quote.inner.end:
            continue
        if not _overlap(frame.content, span):
            continue  # what it reports lies outside the claim ("― Krystal Correa" signs a quote)
        if len(article.text[frame.content.start : frame.content.end].split()) < _MIN_CONTENT_WORDS:
            continue
        candidates.append((frame, speaker))
    cues = {_cue_token(article, frame).i for frame, _ in candidates}
    for frame, speaker in candidates:
        if not frame.aside and _sets_the_scene(_cue_token(article, frame), cues):
            continue  # "When Patriot signaled that …, Mr. Barrett said, “we were floored.”"
        covered = _overlap(frame.content, span)
        rank = covered + (len(span) if frame.according else 0)
        if best is None or rank > best[0]:
            best = (rank, speaker)
    if best is None and quote is None and here is not None:
        return _continued(article, found, here)
    return best[1] if best else None


def _cue_token(article: Article, frame: Frame) -> Token:
    """The token a frame's cue starts at."""
    doc = article.doc
    index = bisect_right(doc, frame.cue.start, key=lambda t: t.idx) - 1
    return doc[max(index, 0)]


def _sets_the_scene(cue: Token, cues: set[int]) -> bool:
    """Whether the first adverbial clause above ``cue`` that hangs on another cue among
    ``cues`` opens with a subordinating word ("when …", "after …", "because …", "although …"):
    that cue's frame is then the sentence's attribution, as in "When Patriot signaled that it
    would sell, Mr. Barrett said, “we were floored.”" """
    token = cue
    while token.head.i != token.i:
        if token.dep_ == "advcl" and token.head.i in cues and token.head.i != cue.i:
            return any(c.dep_ == "mark" or c.tag_ == "WRB" for c in token.children)
        token = token.head
    return False


def _continued(article: Article, found: Attribution, here: Sentence) -> Speaker | None:
    """The speaker of a paraphrase run on: a sentence with no frame or quotation of its own,
    right after one that a frame closes or "according to" attributes in the same paragraph
    ("Simply put, more freeze-thaw cycles result in more potholes, he said. Currently, the
    department has 25 crews repairing potholes."), or after such a sentence run on. A sentence
    about the source itself stays the journalist's: one whose subject is a name, a pronoun or
    a thing of someone's ("Mr. Clarke also bought …", "His support for …"), or the source's own
    noun ("… according to a CBS poll. The new poll has a margin of error …").

    A run is followed forward from the first sentence of the paragraph not yet settled, so
    each sentence is settled once, whatever the length of the paragraph."""
    sentences = article.sentences
    index = bisect_left(sentences, here.start, key=lambda s: s.start)
    start = index
    while (
        start not in found.runs
        and start > 0
        and start - 1 not in found.runs
        and sentences[start - 1].paragraph == here.paragraph
    ):
        start -= 1
    for i in range(start, index + 1):
        if i not in found.runs:
            found.runs[i] = _run_on(article, found, i)
    return found.runs[index]


def _run_on(article: Article, found: Attribution, index: int) -> Speaker | None:
    """:func:`_continued` for the sentence at ``index``, the one before it settled."""
    if not index:
        return None
    here, before = article.sentences[index], article.sentences[index - 1]
    if before.paragraph != here.paragraph or frames_in(found, here):
        return None
    if quoted_frames_in(found, here) or _overlaps_a_quote(article.quotes, here):
        return None
    root = article.parsed(here).root
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subject is None or subject.pos_ != "NOUN" or subject.ent_type_:
        return None
    if any(c.dep_ == "poss" and (c.pos_ == "PRON" or c.ent_type_) for c in subject.children):
        return None
    frames = [
        frame
        for frame, speaker in frames_in(found, before)
        if frame.reported and speaker.name and (frame.closing or frame.according)
    ]
    if any(article.doc[frame.source].lemma_ == subject.lemma_ for frame in frames):
        return None
    if not frames and found.runs.get(index - 1) is None:
        return None
    speaker = speaker_for(article, found, before)
    return speaker if speaker is not None and speaker.name else None


def _overlaps_a_quote(quotes: Sequence[Quote], span: Span) -> bool:
    """Whether a quotation overlaps ``span`` (quotations are in order and do not overlap, so
    the last one opening before its end is the one to look at)."""
    index = bisect_left(quotes, span.end, key=lambda q: q.start)
    return index > 0 and quotes[index - 1].end > span.start


@hookimpl(tryfirst=True)
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> list[Claim]:
    """Set each claim's speaker (None for the journalist's own statements) and its frames."""
    if not claims:
        return []
    found = attribute(article)
    out = []
    for claim in claims:
        frames = [
            record(RecordedFrame(frame.cue, frame.content, speaker, frame.reported, frame.quoted))
            for frame, speaker in sorted(
                frames_in(found, claim.span) + quoted_frames_in(found, claim.span),
                key=lambda item: item[0].cue.start,
            )
        ]
        details = {**claim.details, ATTRIBUTIONS: frames} if frames else claim.details
        out.append(claim.evolve(speaker=speaker_for(article, found, claim.span), details=details))
    return out
