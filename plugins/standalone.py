"""Stand-alone claims: split sentences holding several checkable parts, and restate each part.

Both jobs read the article's spaCy parse (``article.doc``) and the attribution frames that the
attribution plugin records on each claim (``details["attributions"]``, public data); neither
matches words or verbs in the raw text.

Splitting cuts a claim between clauses only, so that no part is a fragment:

- at ``;`` between two clauses that each have a subject and a finite verb;
- before a ``where`` clause, with a subject and a finite verb, that follows a place the entity
  recogniser names ("… visited Moscow where a meeting … took place");
- at ``and`` or ``but`` joining two clauses that each have a subject and a finite verb, and at
  ``, while`` / ``, whereas`` before such a clause, when the first is the sentence's main
  clause or the clause its main verb reports (so "If prices rise and wages fall, …" stays
  whole);
- at ``and`` before a second verb of saying of the same subject, a cue of a recorded frame
  ("She cited … and said that …": one speaker, two statements).

Each part needs four words. It keeps the sentence's extractor, type, score, check-worthiness and
details, and records the sentence span in ``details["split_from"]`` so that sentence-level tools
can map it back. It keeps the sentence's speaker too, unless it holds a recorded frame of its
own ("…, but officials said B"): then it takes that frame's speaker.

The stand-alone ``claim`` text drops the frame of a recorded attribution of speech or thought
("X said that", ", she added.", "According to X,", "The report concluded that") where it
asserts its content (not "asked whether", "did not say", "would hope", "denied that"),
quotation marks and a joining conjunction; a ``where`` clause gets its place back ("… took
place in Moscow"); a leading wire dateline is dropped.
Relative dates are resolved against the article's publication date and kept visible: "last year
[2014]". ``text``/``start``/``end`` stay the exact span. See docs/extraction.md.

A claim whose ``claim`` text was already restated (``Claim.restated``: its extractor, say a
language model, wrote it) is left as it is: neither split nor rewritten.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from typing import TYPE_CHECKING

from claimtrack import Article, Claim, Quote, Span, Speaker, hookimpl
from claimtrack_plugins._dates import parse_iso, resolve_dates
from claimtrack_plugins._frames import DENYING
from claimtrack_plugins._recorded import ATTRIBUTIONS, RecordedFrame, record, recorded_frames

if TYPE_CHECKING:  # spaCy is imported by the scan, not by loading the plugins
    from spacy.tokens import Doc, Token

#: Words (tokens other than punctuation) each part of a split needs.
MIN_WORDS = 4
#: Words a statement needs once its frame is dropped ("The report said nothing." is kept whole).
MIN_STATEMENT_WORDS = 3
#: Dependency labels of a clause's subject.
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})
#: Entity labels of a place a ``where`` clause can follow.
_PLACES = frozenset({"GPE", "LOC", "FAC"})
#: Coordinators that join two asserted clauses ("or" offers alternatives, asserting neither).
_JOINING = frozenset({"and", "but"})
#: Subordinators that, after a comma, join two asserted clauses.
_CONTRASTING = frozenset({"while", "whereas"})
#: Dependencies through which a clause still belongs to the sentence's main assertion.
_MAIN = frozenset({"ROOT", "conj", "ccomp", "parataxis"})
#: A cue's dependents after it that say something besides the frame ("…, adding that …").
_SAYING = frozenset({"ccomp", "xcomp", "conj", "advcl", "parataxis", "csubj"})
#: Entity labels of a time.
_WHEN = frozenset({"DATE", "TIME"})
#: Tags of question words ("how", "what", "which", "whose").
_WH = frozenset({"WRB", "WP", "WDT", "WP$"})
#: Dependents of a clause whose question word does not make the clause a question: its
#: circumstances ("When asked …, she said …") and a clause as its subject ("What happened
#: is …").
_NOT_ASKING = frozenset({"advcl", "prep", "npadvmod", "csubj", "csubjpass"})
#: Characters trimmed from the ends of a part's span.
_TRIM = " \t\r\n,;"
#: Dependencies of the words that may stand between a reported statement and its cue besides
#: the source ("A, X often said", "A, other studies have shown").
_BETWEEN = frozenset({"aux", "auxpass", "advmod", "npadvmod"})
#: Punctuation dropped where a frame was cut out of a statement ("X — according to Y — Z").
_CUT_PUNCT = frozenset({",", ";", ":", "—", "–", "--"})


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a claim: its span, the boundary that opens it (``None`` for the first;
    ``semi``, ``where``, ``conj``, ``contrast``, ``andsaid``) and, for a ``where`` clause, the
    place it refers to."""

    kind: str | None
    span: Span
    place: str | None = None


@dataclass(frozen=True, slots=True)
class _Cut:
    """A candidate boundary: tokens ``drop``–``opens`` are left out between the two parts."""

    kind: str
    drop: int  # first token of the boundary (the part before ends here)
    opens: int  # first token of the part after
    head: int  # the verb of the clause before (the ``;`` itself for a semicolon)
    place: str | None = None


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
        recorded = recorded_frames(claim)
        # A quoted speaker's own frame ("“I think …,” she said") is not the article's attribution.
        frames = [frame for frame in recorded if not frame.quoted]
        parts = split_points(article, claim.span, frames)
        if len(parts) == 1:
            part = Part(None, claim.span)
            out.append(_restated(article, furniture, claim, part, frames, published))
            continue
        speakers = _part_speakers(article, claim, frames, [part.span for part in parts])
        for part, speaker in zip(parts, speakers, strict=True):
            piece = Claim.from_span(
                article,
                part.span.start,
                part.span.end,
                speaker=speaker,
                type=claim.type,
                score=claim.score,
                checkworthy=claim.checkworthy,
                extractor=claim.extractor,
                details=_part_details(claim, recorded, part.span),
            )
            out.append(_restated(article, furniture, piece, part, frames, published))
    return out


def _part_details(claim: Claim, recorded: list[RecordedFrame], span: Span) -> dict[str, object]:
    """A part's details: the claim's, with only the frames whose cue lies in the part (the
    attribution plugin's rule for any claim) and where the part was split from."""
    details = {key: value for key, value in claim.details.items() if key != ATTRIBUTIONS}
    own = [record(frame) for frame in recorded if span.start <= frame.cue.start < span.end]
    return details | ({ATTRIBUTIONS: own} if own else {}) | {"split_from": [claim.start, claim.end]}


def _part_speakers(
    article: Article, claim: Claim, frames: list[RecordedFrame], spans: list[Span]
) -> list[Speaker | None]:
    """Each part's speaker: that of the reported frame whose cue lies in the part (of several,
    the one whose content covers most of it), else the sentence's.

    "Officials said A, but economists said B" gives each part the frame it holds, however
    short what it reports ("The governor said taxes rose; …").
    """
    speakers: list[Speaker | None] = []
    for span in spans:
        own = [f for f in frames if f.reported and span.start <= f.cue.start < span.end]
        best = max(own, key=lambda f: _words_in(article, _overlap(f.content, span)), default=None)
        speakers.append(best.speaker if best else claim.speaker)
    return speakers


def _overlap(a: Span, b: Span) -> Span:
    return Span(max(a.start, b.start), max(max(a.start, b.start), min(a.end, b.end)))


def _words_in(article: Article, span: Span) -> int:
    return len(article.text[span.start : span.end].split())


# --- Splitting -----------------------------------------------------------------------------


def split_points(article: Article, span: Span, frames: Sequence[RecordedFrame] = ()) -> list[Part]:
    """The parts of the claim at ``span``, in order; one part (the span) if it is not split.

    ``frames`` are the claim's recorded frames: the cue of a reported one may open an
    "and said" part.
    """
    tokens = article.parsed(span)
    doc = tokens.doc
    first = next((t.i for t in tokens if t.idx >= span.start), tokens.end)
    last = next((t.i + 1 for t in reversed(tokens) if t.idx + len(t) <= span.end), first)
    if last <= first:
        return [Part(None, span)]
    cues = {frame.cue.start for frame in frames if frame.reported}
    cuts = sorted(
        (cut for t in doc[first:last] if (cut := _cut(t, first, last, cues)) is not None),
        key=lambda c: c.drop,
    )
    if not cuts:
        return [Part(None, span)]
    # Words before each token, to count a side's words at once.
    words = [0, *accumulate(0 if t.is_punct or t.is_space else 1 for t in doc[first:last])]

    def count(a: int, b: int) -> int:
        return words[b - first] - words[a - first] if b > a else 0

    parts: list[Part] = []
    opened, kind, place = first, None, None
    for k, cut in enumerate(cuts):
        if cut.drop < opened:
            continue  # inside the boundary before
        if cut.head < opened and not _has_clause(doc, opened, cut.drop):
            continue  # the clause it joins lies in the part before ("A, B and C" keeps B)
        following = next((c.drop for c in cuts[k + 1 :] if c.drop >= cut.opens), last)
        if count(opened, cut.drop) < MIN_WORDS or count(cut.opens, following) < MIN_WORDS:
            continue
        if cut.kind == "semi" and not (
            _has_clause(doc, opened, cut.drop) and _has_clause(doc, cut.opens, following)
        ):
            continue
        parts.append(Part(kind, _token_span(article.text, doc, opened, cut.drop), place))
        opened, kind, place = cut.opens, cut.kind, cut.place
    if not parts:
        return [Part(None, span)]
    parts.append(Part(kind, _trim(article.text, Span(doc[opened].idx, span.end)), place))
    first_part = parts[0]
    parts[0] = Part(None, _trim(article.text, Span(span.start, first_part.span.end)))
    return parts


def _cut(token: Token, first: int, last: int, cues: set[int]) -> _Cut | None:
    """The boundary ``token`` opens, if it is one (its sides are counted by the caller)."""
    if token.text == ";":
        return _Cut("semi", token.i, token.i + 1, token.i)
    if token.lower_ == "where" and token.tag_ == "WRB":
        return _where(token, first, last)
    if token.dep_ not in ("conj", "advcl"):
        return None
    head = token.head
    if not (first <= head.i < token.i and _is_clause(head) and _is_main(head)):
        return None
    opens = _clause_start(token)
    if token.dep_ == "conj":
        cc = token.doc[opens - 1]
        if not (head.i < cc.i and cc.dep_ == "cc" and cc.lower_ in _JOINING):
            return None
        drop = cc.i - 1 if cc.nbor(-1).text == "," and cc.i - 1 > head.i else cc.i
        if _is_clause(token) and _is_main(token) and not _subordinated(token):
            return _Cut("conj", drop, opens, head.i)
        # "… and said that …": the same subject's second statement, a cue right after "and".
        if opens == token.i and cc.lower_ == "and" and token.idx in cues and _is_finite(token):
            return _Cut("andsaid", drop, opens, head.i)
        return None
    if token.dep_ == "advcl" and _is_clause(token):
        mark = token.doc[opens]
        comma = opens - 1
        if (
            mark.dep_ == "mark"
            and mark.head.i == token.i
            and mark.lower_ in _CONTRASTING
            and comma > head.i
            and token.doc[comma].text == ","
        ):
            return _Cut("contrast", comma, opens + 1, head.i)
    return None


def _clause_start(token: Token) -> int:
    """The first token of the clause ``token`` heads, its own coordinator and commas aside."""
    start = token.left_edge.i
    while start < token.i and (token.doc[start].dep_ == "cc" or token.doc[start].is_punct):
        start += 1
    return start


def _where(token: Token, first: int, last: int) -> _Cut | None:
    """A ``where`` clause with its own subject after a named place."""
    clause = token.head
    if not (token.i < clause.i < last and _is_clause(clause)):
        return None
    before = token.i - 1
    while before >= first and token.doc[before].is_punct:
        before -= 1
    if before < first or token.doc[before].ent_type_ not in _PLACES:
        return None
    return _Cut("where", token.i, token.i, before, _entity_at(token.doc, before))


def _entity_at(doc: Doc, index: int) -> str:
    """The text of the named entity holding token ``index`` (read from the token's entity tags:
    ``doc.ents`` would list every entity of the article at each call)."""
    start = index
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = index + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end].text


def _subordinated(token: Token) -> bool:
    """Whether ``token``'s clause has a subordinator other than "that" ("much like …")."""
    return any(c.dep_ == "mark" and c.lower_ != "that" for c in token.children)


def _own_subject(token: Token) -> bool:
    return any(child.dep_ in _SUBJECTS for child in token.children)


def _is_finite(token: Token) -> bool:
    """Whether ``token`` is a finite verb, or a verb with a finite auxiliary or a modal."""
    return _finite_form(token) or any(
        c.dep_ in ("aux", "auxpass") and _finite_form(c) for c in token.children
    )


def _finite_form(token: Token) -> bool:
    return "Fin" in token.morph.get("VerbForm", []) or token.tag_ in ("VBD", "VBZ", "VBP", "MD")


def _is_clause(token: Token) -> bool:
    """Whether ``token`` heads a clause of its own: a finite verb with its own subject."""
    return token.pos_ in ("VERB", "AUX") and _is_statement(token)


def _is_statement(token: Token) -> bool:
    """Whether ``token`` heads a finite clause with its own subject, as a verb or as the
    predicate the parser made its head ("… was “unhinged”")."""
    return _own_subject(token) and _is_finite(token)


def _is_main(token: Token) -> bool:
    """Whether ``token``'s clause belongs to the sentence's main assertion: the main verb, a
    clause it reports, or one joined to either; not a condition, a relative clause, or a
    question it reports ("… how valuable it is, and how …")."""
    for _ in range(len(token.doc)):  # a tree is acyclic: this bounds the walk to the root
        if _is_question(token):
            return False
        if token.dep_ == "ROOT" or token.head.i == token.i:
            return True
        if token.dep_ not in _MAIN:
            return False
        token = token.head
    return False


def _is_question(clause: Token) -> bool:
    """Whether the clause ``clause`` heads opens with a question word or a subordinator other
    than "that" ("whether …", "if …", "how swift …"), its own circumstances aside."""
    start = _clause_start(clause)
    word = clause.doc[start]
    if word.dep_ == "mark" and word.head.i == clause.i:
        return word.lower_ != "that"
    if word.tag_ not in _WH:
        return False
    node = word.head
    while node.i != clause.i:
        # "When asked …, X said": a circumstance's question word; "What happened is …": a
        # subject's. Neither makes the clause a question.
        if node.dep_ in _NOT_ASKING or node.head.i == node.i:
            return False
        node = node.head
    return True


def _has_clause(doc: Doc, start: int, end: int) -> bool:
    """Whether tokens ``start``–``end`` hold a clause with its subject among them."""
    return any(
        _is_clause(t) and any(start <= c.i < end for c in t.children if c.dep_ in _SUBJECTS)
        for t in doc[start:end]
    )


def _token_span(text: str, doc: Doc, start: int, end: int) -> Span:
    """The characters of tokens ``start``–``end`` of ``text``, trimmed."""
    last = doc[end - 1]
    return _trim(text, Span(doc[start].idx, last.idx + len(last.text)))


def _trim(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return Span(start, end)


# --- Restating -----------------------------------------------------------------------------


def _restated(
    article: Article,
    furniture: _Furniture,
    claim: Claim,
    part: Part,
    frames: Sequence[RecordedFrame],
    published: date | None,
) -> Claim:
    start = _after_furniture(furniture, part.span)
    statement = restate(article, Span(start, part.span.end), frames, part)
    dates: list[dict[str, str]] = []
    if published is not None:
        statement, dates = resolve_dates(statement, published)
    if dates:
        return claim.evolve(claim=statement, details={**claim.details, "dates": dates})
    return claim.evolve(claim=statement)


def restate(
    article: Article, span: Span, frames: Sequence[RecordedFrame] = (), part: Part | None = None
) -> str:
    """The stand-alone text of ``span``: without its attribution frames, quotation marks or a
    joining word, capitalised and closed; a ``where`` part ends with its place. Dates are
    left as written."""
    doc = article.doc
    kept = [t for t in article.parsed(span) if span.start <= t.idx and t.idx + len(t) <= span.end]
    body: list[Token] = []
    for sentence in _by_sentence(article, kept):
        body.extend(doc[i] for i in _without_frames(article, sentence, frames))
    body = _without_quotation_marks(body)
    while body and _leading_filler(body[0], part):
        body = body[1:]
    text = _joined(article.text, body)
    written = article.text[span.start : span.end]
    if not text:
        return " ".join(written.split())
    if part is not None and part.place:
        text += f" in {part.place}"
    closing = "?" if written.rstrip().rstrip('”"’').endswith("?") else "."
    return text[0].upper() + text[1:] + closing


def _by_sentence(article: Article, tokens: list[Token]) -> Iterator[list[int]]:
    """The indices of ``tokens`` (in order) grouped by the article's sentence each starts in."""
    sentences = article.sentences
    group: list[int] = []
    current = -1
    for token in tokens:
        index = bisect_right(sentences, token.idx, key=lambda s: s.end)
        if index != current and group:
            yield group
            group = []
        current = index
        group.append(token.i)
    if group:
        yield group


def _without_frames(
    article: Article, tokens: list[int], frames: Sequence[RecordedFrame]
) -> list[int]:
    """``tokens`` (one sentence's, in order) without the words of the attribution frames that
    can be dropped: the reported frame whose content covers most of them first, then any frame
    within what is left ("He added that A, he said" → "A")."""
    doc = article.doc
    if not tokens:
        return tokens
    lo, hi = doc[tokens[0]].idx, doc[tokens[-1]].idx + len(doc[tokens[-1]])
    quoted = {
        i
        for quote in _quotes_over(article, lo, hi)
        for i in tokens
        if quote.inner.start <= doc[i].idx < quote.inner.end
    }
    pending = [frame for frame in frames if frame.reported and lo <= frame.cue.start < hi]
    speaker: Speaker | None = None
    while pending:
        present = set(tokens)
        candidates = []
        for frame in pending:
            content = {i for i in tokens if frame.content.start <= doc[i].idx < frame.content.end}
            if _word_count(doc, content) >= MIN_STATEMENT_WORDS:
                candidates.append((len(content), frame.cue.start, frame, content))
        for _, _, frame, content in sorted(candidates, key=lambda c: (-c[0], c[1])):
            found = _droppable(doc, frame, content, present, quoted)
            if found is None:
                continue
            words, governs = found
            # Once a frame is dropped, another speaker's frame that governs what is left
            # ("Pence: Clinton thinks that …") is what the first one reports, and stays; the
            # same speaker's ("He added that A, he said") and an aside go.
            if speaker is not None and governs and not _same(frame.speaker, speaker):
                continue
            if words and _word_count(doc, present - words) >= MIN_STATEMENT_WORDS:
                tokens = [i for i in tokens if i not in words]
                speaker = speaker or frame.speaker
                pending.remove(frame)
                break
        else:
            break
    return tokens


def _same(a: Speaker, b: Speaker) -> bool:
    """Whether two frames' speakers are one: the same name, or the same words if unnamed."""
    if a.name or b.name:
        return a.name == b.name
    return (a.start, a.end) == (b.start, b.end)


def _quotes_over(article: Article, start: int, end: int) -> list[Quote]:
    """The article's quotations overlapping ``start``–``end`` (quotations do not overlap)."""
    quotes = article.quotes
    index = bisect_left(quotes, end, key=lambda q: q.start)
    found = []
    while index > 0 and quotes[index - 1].end > start:
        index -= 1
        found.append(quotes[index])
    return found


def _droppable(
    doc: Doc, frame: RecordedFrame, content: set[int], tokens: set[int], quoted: set[int]
) -> tuple[set[int], bool] | None:
    """The frame's own words among ``tokens``, if dropping them leaves what it reports, and
    whether it governs its content (else it is set into it).

    The content must be a statement (not a question: "asked whether …"; if the frame governs it,
    a finite clause with a subject, governed by a finite cue: not "consider the policy to be
    …"), and the cue an assertion (not negated, "did not say", nor denying, "denied that", nor
    hypothetical, "would hope"). The frame's words are its cue (which must be among ``tokens``),
    its source, the "that" opening its content, and the cue's other dependents up to a comma
    after the cue: what follows that comma is not the frame's ("…, scientists think, with
    warming oceans …"), nor is another clause joined to the cue, nor are words inside quotation
    marks (``quoted``), which are the speaker's. A frame that governs its content (a verb and
    its clause) must hold every other word of ``tokens`` but those beyond its content ("X said A
    on Friday"); one set into its content ("The plan, she said, failed", "According to X, …", a
    headline label "X: …") leaves the rest.
    """
    span = doc.char_span(frame.cue.start, frame.cue.end, alignment_mode="expand")
    if span is None or not len(span) or span[0].i not in tokens:
        return None
    cue = span[0]
    if cue.lemma_ in DENYING or any(
        c.dep_ == "neg" or (c.dep_ == "aux" and c.tag_ == "MD") for c in cue.children
    ):
        return None
    subtree = {t.i for t in cue.subtree}
    governs = any(t in content for t in subtree if t != cue.i)
    roots = [doc[i] for i in content if doc[i].head.i not in content or doc[i].head.i == i]
    if any(_is_question(root) for root in roots):
        return None
    if governs and not (_asserts(cue) and any(_is_statement(root) for root in roots)):
        # "We consider the policy to be …", "demanding Obama make a pledge": no statement of
        # its own; a bare participle for a main verb is a misparse
        return None
    if not (governs or cue.is_punct or cue.lower_ == "according") and not (
        cue.head.i in content and _own_subject(cue.head)
    ):
        # A verb set into a clause that is not its content ("McConnell, the leader, who said
        # …"), or that lacks a subject. "According to X" and a label are set in wherever the
        # parser hangs them.
        return None
    source = _source_words(doc, frame, cue, subtree)
    if source is None:
        return None
    own = {cue.i, *source}
    after = min(content) > cue.i
    if cue.is_punct:  # a headline or transcript label: everything before its colon
        own.update(range(cue.sent.start, cue.i))
    commas = [c.i for c in cue.children if c.i > cue.i and c.text == ","]
    joined = [c for c in cue.children if c.dep_ == "conj"]
    besides: set[int] = set()  # another clause joined to the cue ("… and added …")
    for child in cue.children:
        below = {t.i for t in child.subtree}
        if below & content:
            continue
        if child.dep_ == "conj" or (child.dep_ == "cc" and any(c.i > child.i for c in joined)):
            besides |= below
            continue
        if child.i > cue.i and (child.dep_ in _SAYING or any(c < child.i for c in commas)):
            continue  # said besides the frame, or after its closing comma
        if (child.i > max(content)) if after else (child.i < min(content)):
            continue  # beyond its content ("… replacing the lines … with plastic piping")
        if after and child.i < cue.i and child.i not in source and _sets_the_scene(doc, child):
            return None  # "In 2014, the ministry said A": A may be 2014's; the frame stays
        own |= below
    own -= content if cue.is_punct else content | quoted  # a label is never quoted speech
    if not governs:
        own = _run_around(doc, cue.i, own)
    opening = doc[min(content)]
    if opening.dep_ == "mark" and opening.lower_ == "that" and opening.head.i in content:
        own.add(opening.i)  # "said that A": the "that" goes with the frame
    if governs and not after:
        # "A, X said", "A, X often said": only the source, auxiliaries and adverbs between
        between = [doc[i] for i in range(max(content) + 1, cue.i) if i not in source]
        if any(not t.is_punct and t.dep_ not in _BETWEEN for t in between):
            return None
    if governs:
        for i in tokens - own - content:
            beyond = i > max(content) if after else i < min(content)
            if not doc[i].is_punct and (i in besides or not beyond):
                return None
    return own & tokens, governs


def _sets_the_scene(doc: Doc, child: Token) -> bool:
    """Whether a dependent of the cue before it gives a time ("In 2014") or a circumstance
    with a subject of its own ("After the plant closed", "If the talks fail"): the parse
    cannot tell whether it belongs to the saying or to what is said, and dropping it with the
    frame would lose it. "When asked …" and "In a statement" are the saying's."""
    if child.dep_ == "advcl" and any(c.dep_ in _SUBJECTS for c in child.children):
        return True
    return any(t.ent_type_ in _WHEN for t in child.subtree)


def _run_around(doc: Doc, cue: int, words: set[int]) -> set[int]:
    """The words of ``words`` in one run with the cue (punctuation may come between): an
    aside is a stretch of its own, and a word the parser hung on it from afar ("To understand
    the real Dred Scott, Chief Justice Roberts said, …") is not its."""
    run = {cue}
    for step in (-1, 1):
        i = cue + step
        while 0 <= i < len(doc) and (i in words or (doc[i].is_punct and i + step in words)):
            run.add(i)
            i += step
    return run & words | {cue}


def _asserts(cue: Token) -> bool:
    """Whether the cue verb is finite, or a past participle with an active subject (the
    tagger's "worried" for "worried"), not a bare "saying" the parser made a main verb."""
    if _is_finite(cue):
        return True
    return cue.tag_ == "VBN" and any(c.dep_ == "nsubj" for c in cue.children)


def _source_words(doc: Doc, frame: RecordedFrame, cue: Token, subtree: set[int]) -> set[int] | None:
    """The words of the frame's source: its speaker's mention and the phrase it heads ("Mr.
    McHugh", "Scott Pruitt, the Republican attorney general of Oklahoma"), if they belong to
    the frame: they depend on the cue or stand right next to it ("“…,” said the spokesman").
    None when the cue is inside that phrase: a relative clause on its source describes it."""
    start, end = frame.speaker.start, frame.speaker.end
    if start is None or end is None:
        return set()
    words = {d.i for t in cue.sent if start <= t.idx < end for d in t.subtree}
    if cue.i in words and not cue.is_punct:
        return None  # a relative clause on its source ("Obama, who said …, told …")
    words.discard(cue.i)
    if not words or words <= subtree:
        return words
    gap = range(max(words) + 1, cue.i) if max(words) < cue.i else range(cue.i + 1, min(words))
    return words if all(doc[i].is_punct for i in gap) else set()


def _without_quotation_marks(body: list[Token]) -> list[Token]:
    """``body`` without double quotation marks and without paired single ones (‘…’); an
    apostrophe ("countries’ relations") is a word's, not a mark."""
    marks: set[int] = set()
    opening: int | None = None
    for token in body:
        if not token.is_quote or token.dep_ == "case":
            continue
        if token.text in ("‘", "’", "'", "‚"):
            if token.text == "‘":
                opening = token.i
            elif token.text == "’" and opening is not None:
                marks.update((opening, token.i))
                opening = None
            continue
        marks.add(token.i)
    return [token for token in body if token.i not in marks]


def _leading_filler(token: Token, part: Part | None) -> bool:
    """Whether ``token``, opening a statement, is left out: punctuation (but an opening
    bracket), a joining conjunction ("And …", "But …"), a ``where`` part's "where", the "that"
    of a second reported clause ("… said A, but that B")."""
    if token.is_punct and not token.is_left_punct:
        return True
    if token.dep_ == "cc" or (token.pos_ == "CCONJ" and token.dep_ != "preconj"):
        return True  # not "Neither … nor …"
    if part is None or part.kind is None:
        return False
    if part.kind == "where":
        return token.lower_ == "where"
    return token.dep_ == "mark" and token.lower_ == "that"


def _joined(text: str, body: list[Token]) -> str:
    """The words of tokens ``body`` of ``text``: as written where they follow each other
    (quotation marks aside), else joined by a space, the punctuation left at the cut dropped."""
    pieces: list[str] = []
    previous: Token | None = None
    for token in body:
        if previous is None:
            pieces.append(token.text)
        elif token.i == previous.i + 1 or all(
            token.doc[j].is_quote for j in range(previous.i + 1, token.i)
        ):
            gap = text[previous.idx + len(previous) : token.idx]
            pieces.append("".join(c for c in gap if c.isspace()) + token.text)
        else:
            if token.text in _CUT_PUNCT:
                continue  # the comma after the words left out
            while pieces and pieces[-1].strip() in _CUT_PUNCT:
                pieces.pop()
            pieces.append(" " + token.text)
        previous = token
    joined = " ".join("".join(pieces).split())
    return joined.strip(" ,;:").rstrip(" .!?,;:")


def _word_count(doc: Doc, tokens: Sequence[int] | set[int]) -> int:
    return sum(1 for i in tokens if not doc[i].is_punct and not doc[i].is_space)


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


def _after_furniture(furniture: _Furniture, span: Span) -> int:
    """Where the span's text starts once furniture at its start (a wire dateline) is left out."""
    start = span.start
    # Only furniture overlapping the span can move its start.
    for piece in furniture.overlapping(span.start, span.end):
        if piece.start <= start < piece.end < span.end:
            start = piece.end
    return start
