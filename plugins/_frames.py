"""Attribution frames read off the dependency parse: who is cited, by which word, saying what.

A frame is a cue (a verb of saying, thinking or reporting, or "according to"), the token heading
its source (the subject of the cue, the agent of a passive cue, the object of "according to",
the name before a headline colon), and the content it governs (the clause or quotation it
introduces, or the clause it is set into). Which words cue an attribution is learned from
annotated news (``data/cues.json``, written by ``scripts/train_attribution_cues.py`` from
PolNeAR's training articles); the structure comes from spaCy's parse, never from patterns over
characters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from claimtrack import Quote, Span

if TYPE_CHECKING:  # spaCy is imported by the scan, not by loading the plugins
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as DocSpan

#: How often a lemma must head an annotated cue, among its occurrences, to count as a cue.
MIN_CUE_RATE = 0.3
#: The rate that makes a lemma a cue when it governs a clause ("found that …").
MIN_CLAUSE_CUE_RATE = 0.05
#: How many annotated cues a lemma must head in the training articles to count at all.
MIN_CUE_COUNT = 8
#: Dependency labels of a verb's subject.
SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
#: Dependencies through which a verb shares the subject of its head ("he smiled and said",
#: "she went on to say", "was quoted as saying").
_SHARES_SUBJECT = frozenset({"conj", "xcomp", "advcl", "pcomp", "prep"})
#: Dependencies of what a cue governs besides a reported clause.
_OBJECTS = frozenset({"xcomp", "dobj", "prep", "advcl"})
#: Dependencies of a clause or phrase that sets the scene of a cue ("When Congress cut
#: funding, Mexico said enough", "Two years later, …"), not what it reports.
_SETTING = frozenset({"advcl", "prep", "npadvmod", "advmod", "mark"})
#: Dependencies of the words before a noun phrase's head ("the", "Prime Minister", "its own").
_IN_PHRASE = frozenset({"det", "compound", "amod", "poss", "nmod", "nummod", "case", "predet"})
#: Verbs whose subject "it" cites nobody ("it seems", "it appears", "it is said").
_IMPERSONAL = frozenset({"seem", "appear", "be"})
#: Cues whose source rejects what they report ("denied that …", "disputed that …"): the
#: reported words are not the source's claim, so no rewrite may state them as one.
DENYING = frozenset(
    {"deny", "dispute", "reject", "refute", "rebut", "doubt", "dismiss", "contest", "disagree"}
)
#: Prepositions that credit a work to its author ("a study by X", "a video from X").
_AUTHORED = frozenset({"by", "from"})
#: Entity labels of who can author a work (a place is where it comes from).
_AUTHORS = frozenset({"PERSON", "ORG", "NORP"})
#: Entity labels that can be a source on their own.
SOURCE_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True, slots=True)
class Frame:
    """One attribution: ``cue`` the cue words, ``source`` the source's head token (its index
    in the doc), ``content`` the characters it attributes. ``reported`` marks reported speech
    or thought (a clause the cue governs or is set into, "according to", a headline label):
    only such a frame makes its source a claim's speaker. ``aside`` marks a cue set into the
    clause it reports ("The plan, she said, failed"; "according to"; a headline label) rather
    than governing it. ``quoted`` marks a cue inside a quotation: the quoted speaker's own frame
    ("“I think the plant will close,” she said"), which cites no one for the article.
    ``closing`` marks a frame that closes its sentence after a comma and reports all before it
    with a word that usually cues ("…, he said.", "…, the Journal reports.")."""

    cue: Span
    source: int
    content: Span
    reported: bool = False
    according: bool = False
    label: bool = False
    aside: bool = False
    quoted: bool = False
    closing: bool = False


@lru_cache(maxsize=1)
def _cue_table() -> dict[str, list[int]]:
    data = resources.files("claimtrack_plugins").joinpath("data/cues.json").read_text("utf-8")
    table: dict[str, list[int]] = json.loads(data)["cues"]
    return table


@lru_cache(maxsize=1)
def cue_lemmas() -> frozenset[str]:
    """The ``lemma/POS`` keys that cue an attribution wherever they stand."""
    return _cues(MIN_CUE_RATE)


@lru_cache(maxsize=1)
def clause_cue_lemmas() -> frozenset[str]:
    """The ``lemma/POS`` keys that cue an attribution when they govern a clause."""
    return _cues(MIN_CLAUSE_CUE_RATE)


def _cues(rate: float) -> frozenset[str]:
    return frozenset(
        key
        for key, (cued, seen) in _cue_table().items()
        if cued >= MIN_CUE_COUNT and cued >= rate * seen
    )


def is_cue(token: Token) -> bool:
    """Whether ``token`` is a verb that cues an attribution: one that usually does in annotated
    news, or one that sometimes does and here governs a clause ("the report found that …")."""
    key = f"{token.lemma_.lower()}/{token.pos_}"
    if key in cue_lemmas():
        return True
    return key in clause_cue_lemmas() and any(c.dep_ == "ccomp" for c in token.children)


def _is_strong_cue(token: Token) -> bool:
    return f"{token.lemma_.lower()}/{token.pos_}" in cue_lemmas()


def _own_source(cue: Token, source: Token) -> bool:
    """Whether ``source`` is the cue's own subject or agent, or the noun its relative clause
    describes, rather than a subject shared with the verb it hangs on."""
    if source.head.i == cue.i or (cue.dep_ == "relcl" and source.i == cue.head.i):
        return True
    return source.head.dep_ == "agent" and source.head.head.i == cue.i


def find_frames(doc: Doc, sentence: DocSpan, quoted: Sequence[Quote]) -> Iterator[Frame]:
    """The frames of one sentence of ``doc``. A cue inside a quotation is the quoted speaker's
    own, not the article's attribution: its frame is read as if that quotation were plain text,
    and marked :attr:`Frame.quoted`."""
    for token in sentence:
        holding = [q for q in quoted if q.inner.start <= token.idx < q.inner.end]
        others = [q for q in quoted if q not in holding] if holding else quoted
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            frame = _according(token, sentence)
        elif token.pos_ in ("VERB", "AUX") and (is_cue(token) or _may_find(token)):
            frame = _verb_frame(token, sentence, others)
            if frame is not None and _finding(token) and _authored(doc[frame.source]):
                # "A 2014 study by Justin Levitt found 31 incidents": a work reports what it
                # finds, its object as much as a clause.
                frame = replace(frame, reported=True)
            elif not is_cue(token):
                continue
        else:
            continue
        if frame is not None:
            yield replace(frame, quoted=True) if holding else frame
    label = headline_label(sentence)
    if label is not None:
        yield label
    signed = signature(sentence, quoted)
    if signed is not None:
        yield signed


def _may_find(token: Token) -> bool:
    """Whether ``token`` is a word that cues an attribution when it governs a clause, here
    governing a direct object instead ("found 31 incidents")."""
    key = f"{token.lemma_.lower()}/{token.pos_}"
    return key in clause_cue_lemmas() and _finding(token)


def _finding(cue: Token) -> bool:
    """Whether the cue governs what was found or shown as its direct object ("found 31
    incidents", "references four cases"), not whom it addresses or asks ("asked NBC's Lester
    Holt to fact check"), and no clause of its own."""
    objects = [c for c in cue.children if c.dep_ == "dobj"]
    if not objects or any(c.dep_ in ("ccomp", "xcomp", "dative") for c in cue.children):
        return False
    return not any(o.ent_type_ in SOURCE_ENTITIES or o.tag_ == "PRP" for o in objects)


def _authored(source: Token) -> bool:
    """Whether the source is a work credited to someone the article names by "by" or "from"
    ("a 2014 study by Loyola Law School professor Justin Levitt", "a web video by the
    Republican National Committee"). A possessor or a name before the noun is no author ("the
    Trump campaign", "Clinton allies": people, whose acts the journalist reports), nor is
    whoever leads a group through a participle ("states led by West Virginia"), nor a place
    ("SurveyMonkey data from Iowa")."""
    if source.pos_ != "NOUN" or source.ent_type_:
        return False
    return any(
        g.dep_ == "pobj" and g.ent_type_ in _AUTHORS
        for c in source.children
        if c.dep_ == "prep" and c.lower_ in _AUTHORED
        for g in c.children
    )


def _in_quote(offset: int, quoted: Sequence[Quote]) -> bool:
    return any(q.inner.start <= offset < q.inner.end for q in quoted)


def _according(token: Token, sentence: DocSpan) -> Frame | None:
    """ "According to X": X is the source and the clause the phrase is set into the content.
    X is the object of "to", else the last noun after it (the parser read "according to show
    insiders" as a verb); the phrase ends at the first comma after X, whatever the parser hung
    on it ("According to Rush Limbaugh, the move reeks …")."""
    to = next(c for c in token.children if c.lower_ == "to")
    objects = [c for c in to.children if c.dep_ == "pobj"] or [
        t for t in to.subtree if t.i > to.i and t.pos_ in ("NOUN", "PROPN", "PRON")
    ][-1:]
    if not objects:
        return None
    source = objects[0]
    end = source.i
    while end + 1 < sentence.end and sentence.doc[end + 1].text not in (",", ";", ":"):
        if sentence.doc[end + 1] not in source.subtree:
            break
        end += 1
    last = sentence.doc[end]
    content = _without(sentence, Span(token.idx, last.idx + len(last.text)))
    cue = Span(token.idx, to.idx + len(to.text))
    return Frame(cue, source.i, content, reported=True, according=True, aside=True)


def _verb_frame(cue: Token, sentence: DocSpan, quoted: Sequence[Quote]) -> Frame | None:
    source = subject_of(cue)
    if source is not None and _in_quote(source.idx, quoted):
        # A subject inside the quotation is the parser's mistake for "“…,” X said" when the
        # cue has another one outside it.
        source = next(
            (c for c in cue.children if c.dep_ in SUBJECTS and not _in_quote(c.idx, quoted)),
            source,
        )
    if _after_quote(cue, quoted) and (source is None or _in_quote(source.idx, quoted)):
        # No subject, or one inside the quotation: the parser's mistake for "“…,” said X".
        source = _inverted_subject(cue, sentence)
    elif source is not None and source.i > cue.i and _in_quote(source.idx, quoted):
        # A quoted title after the cue taken for its subject ("“…,” Flynn, a top Trump
        # surrogate, said on “Fox and Friends.”"): the source is the noun phrase before the cue.
        source = _phrase_before(cue, sentence, quoted) or source
    if source is not None and not _own_source(cue, source) and not _is_strong_cue(cue):
        # A word that cues only now and then ("make sure …") cites its own subject, not one
        # borrowed from the verb it hangs on.
        return None
    dateline = _dateline_end(sentence)
    if source is not None and source.i < dateline:
        # "WASHINGTON -- President Obama … said": the place the story was filed from is not
        # the source; the noun phrase after the dash is.
        source = _phrase_at(sentence, dateline)
    if source is None:
        return None
    cue_span = Span(cue.idx, cue.idx + len(cue.text))
    trailing = _trailing_content(cue, source, sentence)
    if trailing is not None:  # "…, the source added.", "…, said Ms. Aslam."
        closing = _is_strong_cue(cue)
        return Frame(cue_span, source.i, trailing, reported=True, closing=closing)
    clauses = [c for c in cue.children if c.dep_ == "ccomp" or _unmarked_clause(cue, c)]
    if clauses:  # "X said (that) …", "…, X said"
        return Frame(cue_span, source.i, _covering(clauses), reported=True)
    # Set into the clause it reports: "The plan, she said, failed", "As the report states, …".
    if cue.dep_ == "parataxis" or (
        cue.dep_ == "advcl"
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children)
        # "as it is called by …" names a thing; "as the report states" reports the clause
        and not any(c.dep_ == "nsubjpass" for c in cue.children)
    ):
        content = _without(sentence, _extent(cue))
        return Frame(cue_span, source.i, content, reported=True, aside=True)
    # What else the cue governs ("denounced the plan", "wants to cut taxes"): an attribution
    # of a stance or an act, which the journalist reports in their own voice.
    objects = [c for c in cue.children if c.dep_ in _OBJECTS and c.i != source.i]
    if objects:
        return Frame(cue_span, source.i, _covering(objects))
    frame = _extent(source)
    outside = Span(min(frame.start, cue.idx), max(frame.end, cue_span.end))
    return Frame(cue_span, source.i, _without(sentence, outside))


def _unmarked_clause(cue: Token, child: Token) -> bool:
    """Whether ``child`` is a clause with its own subject after the cue and no word to
    subordinate it: what the cue reports, though the parser took it for a circumstance ("said
    after the convention he would not accept …"), as it often does when a phrase comes between."""
    return (
        child.dep_ == "advcl"
        and child.i > cue.i
        and any(c.dep_ in SUBJECTS for c in child.children)
        and not any(c.dep_ == "mark" or c.tag_ in ("WRB", "WP", "WDT") for c in child.children)
    )


def _dateline_end(sentence: DocSpan) -> int:
    """The index just after a dateline that opens ``sentence`` ("WASHINGTON -- ", "LONDON,
    Jan. 5 — "): words in capitals, then a dash; else the sentence's start."""
    for token in sentence[:8]:
        if token.is_punct and token.text.strip("-—―–") == "" and token.i > sentence.start:
            opening = [t for t in sentence.doc[sentence.start : token.i] if t.is_alpha]
            if opening and opening[0].is_upper and len(opening[0]) > 1:
                return token.i + 1
            break
    return sentence.start


def _after_quote(cue: Token, quoted: Sequence[Quote]) -> bool:
    """Whether the cue follows a quotation's closing mark ("“…,” said", "“…” she said")."""
    return any(0 <= cue.idx - q.end <= 3 for q in quoted) or any(
        0 <= cue.left_edge.idx - q.end <= 3 for q in quoted
    )


def _inverted_subject(cue: Token, sentence: DocSpan) -> Token | None:
    """The noun phrase right after a cue ("said James Acton", "said the spokesman")."""
    return _phrase_at(sentence, cue.i + 1)


def _phrase_before(cue: Token, sentence: DocSpan, quoted: Sequence[Quote]) -> Token | None:
    """The head of the noun phrase ending right before a cue, outside any quotation, with the
    name an apposition set off by commas describes ("Flynn, a top Trump surrogate, said")."""
    index = cue.i - 1
    while index >= sentence.start and sentence.doc[index].text == ",":
        index -= 1
    if index < sentence.start:
        return None
    token = sentence.doc[index]
    while token.dep_ in _IN_PHRASE and sentence.start <= token.head.i < sentence.end:
        if token.head.i < token.i or token.head.i >= cue.i:
            break
        token = token.head
    while token.dep_ == "appos" and sentence.start <= token.head.i < token.i:
        if _in_quote(token.head.idx, quoted):
            break
        token = token.head
    if _in_quote(token.idx, quoted) or token.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    # An object is not who speaks ("retired in Cambridge, Mass., said", "after the debate,").
    return None if token.dep_ in _OBJECTS or token.dep_ == "pobj" else token


def _phrase_at(sentence: DocSpan, start: int) -> Token | None:
    """The head of the noun phrase opening at token ``start`` of ``sentence``, if one does."""
    if start >= sentence.end:
        return None
    token = sentence.doc[start]
    while token.dep_ in _IN_PHRASE and sentence.start <= token.head.i < sentence.end:
        if token.head.i <= token.i:
            return None
        token = token.head
    return token if token.pos_ in ("NOUN", "PROPN", "PRON") else None


def _trailing_content(cue: Token, source: Token, sentence: DocSpan) -> Span | None:
    """The whole sentence before a frame that closes it after a comma ("…, the source added",
    "…, said Ms. Aslam on Monday"): the news convention that attributes everything before it,
    whatever the parser hung the frame on."""
    start = min(source.left_edge.i, cue.i)
    end = sentence.end
    while end > start and sentence.doc[end - 1].is_punct:
        end -= 1
    comma = start - 1
    while comma > sentence.start and sentence.doc[comma].is_quote:
        comma -= 1
    if comma <= sentence.start or sentence.doc[comma].text != ",":
        return None
    own = {cue.i, *(t.i for t in source.subtree)}
    for child in cue.children:
        if child.i > cue.i and _circumstance(child):
            own.update(t.i for t in child.subtree)
    if any(i not in own for i in range(start, end)):
        return None
    for token in sentence.doc[sentence.start : comma]:
        if token.head.i == cue.i and token.dep_ in _SETTING:
            return None  # "Two years later, Mexico said enough": the cue's own circumstance
    first = sentence.doc[sentence.start]
    return Span(first.idx, sentence.doc[comma].idx)


def _circumstance(child: Token) -> bool:
    """Whether a cue's dependent tells when, where or to whom it was said ("on Monday", "in a
    statement", "told reporters"), not what ("said enough")."""
    if child.dep_ in ("prep", "npadvmod", "advmod", "agent", "dative", "punct"):
        return True
    return child.dep_ == "dobj" and (
        child.ent_type_ in SOURCE_ENTITIES or child.tag_ in ("NNS", "NNPS", "PRP")
    )


def _covering(tokens: list[Token]) -> Span:
    """The characters from the first to the last of the tokens' subtrees."""
    return Span(min(_extent(t).start for t in tokens), max(_extent(t).end for t in tokens))


def subject_of(verb: Token) -> Token | None:
    """The source of a cue verb: its subject, the agent of a passive, or the subject it shares
    with the verb it depends on ("was quoted as saying", "went on to say", "smiled and said")."""
    node = verb
    for _ in range(4):
        subjects = [c for c in node.children if c.dep_ in SUBJECTS]
        agents = [g for c in node.children if c.dep_ == "agent" for g in c.children]
        if node.dep_ == "relcl" and subjects and subjects[0].tag_ in ("WP", "WDT"):
            return node.head  # "officials, who said …": the noun the clause describes
        if agents and (node is verb or not subjects):
            return agents[0]
        if subjects:
            subject = subjects[0]
            # "It was said that …", "it is believed": no one is cited.
            if subject.dep_ == "nsubjpass" and node is verb:
                return None
            if subject.dep_ == "csubj" or subject.tag_ == "EX":  # "there are said to be …"
                return None
            if subject.lower_ == "it" and node.lemma_.lower() in _IMPERSONAL:
                return None  # "it seems", "it appears": nobody is cited
            return subject
        if node.dep_ not in _SHARES_SUBJECT or node.head.i == node.i:
            return None
        node = node.head
    return None


def headline_label(sentence: DocSpan) -> Frame | None:
    """ "Pence: …", "JAKE TAPPER: …": capitalised words, then a colon that opens the sentence;
    the words are the source and the rest the content. Only a label that names someone the
    article names is kept (:class:`Frame.label`): "Update: …" names no one."""
    colon = next((t for t in sentence[:8] if t.text == ":"), None)
    if colon is None or colon.i == sentence.start or colon.i + 1 >= sentence.end:
        return None
    label = sentence.doc[sentence.start : colon.i]
    words = [t for t in label if not t.is_punct]
    if not words or len(words) > 5:
        return None
    if not all(t.is_title or t.is_upper for t in words):
        return None
    rest = sentence.doc[colon.i + 1 : sentence.end]
    return Frame(
        Span(colon.idx, colon.idx + 1),
        words[-1].i,
        Span(rest.start_char, rest.end_char),
        reported=True,
        label=True,
        aside=True,
    )


def signature(sentence: DocSpan, quoted: Sequence[Quote]) -> Frame | None:
    """ "“…” ― Krystal Correa": a quotation that opens its sentence, then a dash and a name
    that closes the sentence (a pull quote, a reader's answer, an epigraph signed by its
    speaker). The name is the source and the quotation the content. A dash after a quotation
    that only ends a sentence ("… insisted he was “still the No. 1 force.”--Kim Hjelmgaard",
    a byline) signs nothing: the quotation must be all that the dash follows."""
    doc = sentence.doc
    for token in sentence:
        if token.text.strip("-—―–") != "":  # the tagger may not call "―" punctuation
            continue
        quote = next((q for q in quoted if 0 <= token.idx - q.end <= 2), None)
        if quote is None:
            continue
        opening = doc.char_span(quote.start, quote.start + 1, alignment_mode="expand")
        if opening is None or not opening[0].is_sent_start:
            return None
        words = [t for t in doc[token.i + 1 : sentence.end] if not (t.is_punct or t.is_space)]
        if not words or len(words) > 5:
            return None
        if not all(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in words):
            return None  # "Julie A. Diaz Martinez": an initial may be tagged a noun
        return Frame(
            Span(token.idx, token.idx + len(token.text)),
            words[-1].i,
            quote.inner,
            reported=True,
            aside=True,
        )
    return None


def _extent(token: Token) -> Span:
    """The characters of a token's subtree."""
    left, right = token.left_edge, token.right_edge
    return Span(left.idx, right.idx + len(right.text))


def _without(sentence: DocSpan, part: Span) -> Span:
    """The larger side of ``sentence`` around ``part`` (the clause a frame is set into)."""
    before = Span(sentence.start_char, max(sentence.start_char, part.start))
    after = Span(min(part.end, sentence.end_char), sentence.end_char)
    return before if len(before) >= len(after) else after
