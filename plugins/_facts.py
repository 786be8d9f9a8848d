"""The events a claim dates or measures, read from the article's parse.

A figure ("40 million dollars") or a date ("in 2019") found in a claim is hung on the verb that
governs it in the dependency parse ("cost"). The verb, its tense, its subject and the other
content words of its clause tell which event it is; the figures and dates hung on it say how much
and when. Two claims speak of the same event when all of those match, figures and dates aside, so
"the project cost 40 million dollars in 2019" and "the same project cost 65 million dollars in
2019" are one event with two figures, whoever said each.

Values are read by :mod:`._numbers` and :mod:`._dates` (the parse tells where a number is and
what it hangs on, not what it is worth); everything else comes from the parse: lemmas, the
dependency arcs, spaCy's stop words and its DATE and TIME entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from claimtrack import Article, Claim

from ._dates import undated_points
from ._numbers import DatePoint, Quantity, currency, dates, quantities

if TYPE_CHECKING:  # spaCy is imported by the parse, not by listing the plugins
    from spacy.tokens import Doc, Token

#: Dependents of an event verb that hold another clause: their words are not the event's own.
_OTHER_CLAUSES = frozenset({"ccomp", "parataxis", "advcl", "conj", "csubj", "xcomp", "cc"})
#: Arcs from a number to the noun it counts ("13,000 families").
_COUNTING = frozenset({"nummod", "compound", "quantmod", "amod", "appos"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_AUXILIARIES = frozenset({"aux", "auxpass"})
#: Entity labels that say when.
_TIME_LABELS = frozenset({"DATE", "TIME"})
#: How far up the tree a figure or date may hang below its verb.
_MAX_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure stated about an event: where it hangs, what it counts, its value."""

    role: tuple[str, ...]  # the arcs from the verb down to it ("dobj",) or ("prep:in", "pobj")
    measures: str  # the lemma of the noun counted ("family"), or "" (money, a share)
    unit: str  # "%", a currency sign or ""
    value: float
    hedged: bool
    surface: str  # as written, with its currency word ("40 million dollars")

    @property
    def key(self) -> tuple[tuple[str, ...], str, str]:
        """What the figure is a figure of: two figures with one key may be compared."""
        return self.role, self.measures, self.unit


@dataclass(slots=True)
class Event:
    """What one verb of a claim states: who did what, and the figures and dates hung on it."""

    verb: str  # the lemma
    wording: str  # subject and verb as written ("bridge opened"), for explanations
    tense: tuple[str, ...]  # the verb's tense ("Past") and its auxiliaries' lemmas
    subject: str  # the lemma of the subject's head
    pronoun: bool  # whether the subject is a pronoun (who it is depends on the text around)
    context: frozenset[str] = frozenset()  # the clause's content lemmas, figures and dates aside
    figures: list[Figure] = field(default_factory=list)
    dates: list[DatePoint] = field(default_factory=list)
    unread: set[str] = field(default_factory=set)  # dates the readers cannot value ("last week")

    def same_event(self, other: Event, pronouns: bool) -> bool:
        """Whether both describe one event; a pronoun subject counts only if ``pronouns``."""
        if (self.pronoun or other.pronoun) and not pronouns:
            return False
        return (self.verb, self.tense, self.subject, self.context) == (
            other.verb,
            other.tense,
            other.subject,
            other.context,
        )


def claim_dates(text: str, published: str | None) -> list[DatePoint]:
    """The dates of a text: those with a year (or relative), then days and months without one."""
    found = dates(text, published)
    undated = [DatePoint(*point) for point in undated_points(text, published)]
    found += [p for p in undated if not any(_overlap(p, q) for q in found)]
    return sorted(found, key=lambda p: p.start)


def events(article: Article, claim: Claim) -> tuple[Event, ...]:
    """The events of ``claim`` that carry a figure or a date, in the order of their verbs.

    An event needs a subject that is not itself a figure: a verb without one ("compared with
    …") or whose subject is the figure ("78 percent were white", of whom?) names no event.
    """
    text = claim.text
    found_dates = claim_dates(text, article.metadata.published)
    found_figures = [q for q in quantities(text) if not any(_overlap(q, d) for d in found_dates)]
    if not (found_dates or found_figures):
        return ()  # no figure and no date: the parse is not needed
    doc = article.doc
    inside = range(*_token_range(doc, claim.start, claim.end))
    # The tokens that say how much or when: left out of every event's context.
    valued: set[int] = set()
    by_verb: dict[int, Event] = {}
    for figure in found_figures:
        tokens = _tokens(doc, claim.start + figure.start, claim.start + figure.end)
        valued.update(t.i for t in tokens)
        anchor, measures, written_end = _counted(tokens, figure)
        hung = _hang(anchor, inside, claim)
        if hung is None:
            continue
        verb, role = hung
        valued.update(t.i for t in doc[tokens[0].i : written_end])
        surface = doc[tokens[0].i : written_end].text
        _event(by_verb, verb, claim).figures.append(
            Figure(role, measures, figure.unit, figure.value, figure.hedged, surface)
        )
    for point in found_dates:
        tokens = _tokens(doc, claim.start + point.start, claim.start + point.end)
        valued.update(t.i for t in tokens)
        hung = _hang(_root(tokens), inside, claim)
        if hung is not None:
            _event(by_verb, hung[0], claim).dates.append(point)
    for entity in _time_entities(doc, inside):
        if any(t.i in valued for t in entity):
            continue  # read above, or a figure the tagger took for a date
        valued.update(t.i for t in entity)
        hung = _hang(_root(entity), inside, claim)
        if hung is not None:
            text = doc[entity[0].i : entity[-1].i + 1].text
            _event(by_verb, hung[0], claim).unread.add(text.lower())
    found = []
    for index in sorted(by_verb):
        subject = _subject(doc[index])
        if subject is None or subject.i in valued:
            continue  # "compared with …", "78 percent were white": which event is not said
        event = by_verb[index]
        event.context = _context(doc[index], valued, inside, claim)
        found.append(event)
    return tuple(found)


def _time_entities(doc: Doc, inside: range) -> Iterator[list[Token]]:
    """The DATE and TIME entities among the tokens ``inside``, as lists of tokens.

    Read token by token: ``doc.ents`` builds every entity of the article at each use.
    """
    entity: list[Token] = []
    for index in inside:
        token = doc[index]
        if entity and token.ent_iob_ != "I":
            yield entity
            entity = []
        if token.ent_iob_ == "B" and token.ent_type_ in _TIME_LABELS:
            entity = [token]
        elif entity:
            entity.append(token)
    if entity:
        yield entity


def _overlap(x: Quantity | DatePoint, y: DatePoint) -> bool:
    return x.start < y.end and y.start < x.end


def _token_range(doc: Doc, start: int, end: int) -> tuple[int, int]:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None else (0, 0)


def _tokens(doc: Doc, start: int, end: int) -> list[Token]:
    first, last = _token_range(doc, start, end)
    return list(doc[first:last])


def _root(tokens: Sequence[Token]) -> Token:
    """The token of a phrase whose head lies outside it (the first such, if several)."""
    indices = {t.i for t in tokens}
    for token in tokens:
        if token.head.i not in indices or token.head.i == token.i:
            return token
    return tokens[0]


def _counted(tokens: Sequence[Token], figure: Quantity) -> tuple[Token, str, int]:
    """Where a figure hangs, the lemma of what it counts, and the end of its written form.

    "13,000 families" counts families and hangs where "families" does; "40 million dollars" and
    "45 per cent of voters" count money and a share (of voters), and hang where the figure does.
    """
    root = _root(tokens)
    end = tokens[-1].i + 1
    head = root.head
    if root.dep_ in _COUNTING and head.i >= end and head.pos_ in ("NOUN", "PROPN"):
        written_end = head.i + 1 if head.i == end else end  # "13,000 families"
        return head, "" if currency(head.lower_) else head.lemma_.lower(), written_end
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return root, objects[0].lemma_.lower(), end
    return root, "", end


def _hang(token: Token, inside: range, claim: Claim) -> tuple[Token, tuple[str, ...]] | None:
    """The verb ``token`` hangs on inside the claim, and the arcs from it down to ``token``.

    None when there is no such verb near, or when it is the claim's frame: a verb that reports
    another clause ("said on Monday that …") or whose subject is the claim's speaker.
    """
    role: list[str] = []
    for _ in range(_MAX_DEPTH):
        head = token.head
        if head.i == token.i or head.i not in inside:
            return None
        role.append(f"{token.dep_}:{token.lower_}" if token.dep_ == "prep" else token.dep_)
        if head.pos_ in ("VERB", "AUX"):
            if _frame(head, claim) or _denied(head):
                return None
            return head, tuple(reversed(role))
        token = head
    return None


def _denied(verb: Token) -> bool:
    """Whether the verb or a verb above it is negated ("did not open", "does not believe that
    it will win"): what it says is not asserted, so it has no figure or date to hold."""
    for _ in range(_MAX_DEPTH * 2):
        if any(child.dep_ == "neg" for child in verb.children):
            return True
        if verb.head.i == verb.i:
            return False
        verb = verb.head
    return False


def _frame(verb: Token, claim: Claim) -> bool:
    """Whether ``verb`` frames the claim: it reports a clause, or the speaker is its subject."""
    said_by = _speaker_range(claim)
    for child in verb.children:
        if child.dep_ == "ccomp" or (child.dep_ in _SUBJECTS and child.idx in said_by):
            return True
    return False


def _speaker_range(claim: Claim) -> range:
    """The characters of the speaker's mention in the article, if the claim has one."""
    speaker = claim.speaker
    if speaker is None or speaker.start is None or speaker.end is None:
        return range(0)
    return range(speaker.start, speaker.end)


def _event(by_verb: dict[int, Event], verb: Token, claim: Claim) -> Event:
    found = by_verb.get(verb.i)
    if found is None:
        subject = _subject(verb)
        wording = f"{subject.text} {verb.text}" if subject is not None else verb.text
        auxiliaries = sorted(c.lemma_.lower() for c in verb.children if c.dep_ in _AUXILIARIES)
        found = by_verb[verb.i] = Event(
            verb=verb.lemma_.lower(),
            wording=wording,
            tense=(*verb.morph.get("Tense", []), *auxiliaries),
            subject=subject.lemma_.lower() if subject is not None else "",
            pronoun=subject is not None and subject.pos_ == "PRON",
        )
    return found


def _subject(verb: Token) -> Token | None:
    """The verb's subject, or the subject of the verb it is coordinated with."""
    for _ in range(_MAX_DEPTH):
        for child in verb.children:
            if child.dep_ in _SUBJECTS:
                return child
        if verb.dep_ not in ("conj", "xcomp") or verb.head.i == verb.i:
            return None
        verb = verb.head
    return None


def _context(verb: Token, valued: set[int], inside: range, claim: Claim) -> frozenset[str]:
    """The content lemmas of the verb's own clause inside the claim, figures and dates aside.

    Other clauses (a reported statement, a condition, a coordinated verb) and the words naming
    who made the claim are left out.
    """
    said_by = _speaker_range(claim)
    words: set[str] = set()
    doc = verb.doc
    for child in verb.children:
        if child.dep_ in _OTHER_CLAUSES:
            continue
        # The words from the child's left edge to its right edge: its subtree, read in time
        # linear in its length however deep it is (``Token.subtree`` recurses level by level).
        first, last = child.left_edge.i, child.right_edge.i + 1
        subtree = doc[max(first, inside.start) : min(last, inside.stop)]
        if said_by and any(t.idx in said_by for t in subtree):
            continue
        words.update(_content(subtree, valued, inside))
    return frozenset(words)


def _content(tokens: Iterable[Token], valued: set[int], inside: range) -> Iterable[str]:
    for token in tokens:
        if token.i not in inside or token.i in valued:
            continue
        if not (token.is_stop or token.is_punct or token.is_space or token.pos_ == "DET"):
            yield token.lemma_.lower()
