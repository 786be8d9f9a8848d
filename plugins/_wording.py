"""Reading the wording of a claim: its reported content, clauses, negation, tense and content words.

A contradiction check compares what was said, so the reporting frame ("X said:", ", she added")
is set aside first (the attribution plugin's frames on the claim say where it is). The rest is
split into clauses (a clause holding a frame's cue of its own reports someone else's words, and
is not asserted), and each clause is reduced to a set of
stemmed content words plus its polarity: the parity of its negations, where "not only … but
also", "no doubt" and the like do not count, and a word from the lexicon's opposite pairs
("unsafe") counts as a negation of its partner ("safe").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ._numbers import stem
from ._regex import LazyPattern

NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "none", "nowhere", "neither",
                       "nor", "cannot"})  # fmt: skip
# Phrases that hold a negation word without negating the clause.
_NOT_NEGATING = LazyPattern(
    r"\b(?:not only|not just|not merely|not simply|not least|no doubt|no matter|nothing but"
    r"|not to mention|whether or not|if not|never mind|no sooner|no less than|no more than"
    r"|none other than|could not agree more|can not help|cannot help|not necessarily"
    r"|no longer|not yet)\b"
)
# Contractions, spelt out in two passes that give what applying each form in turn would: within
# a pass no two matches overlap and no replacement moves a word boundary that a later form of the
# pass looks at. The second pass reads the first one's output ("it's not" from "it'sn't").
_NEGATIVE_CONTRACTION = LazyPattern(r"\b(?:won|can|shan|ain)['’]t\b|\bcannot\b|n['’]t\b")
_OTHER_CONTRACTION = LazyPattern(
    r"['’](?:re|ll|ve|m|d)\b|\b(?:it|that|there|what|he|she|who|this)['’]s\b"
)
_SPELT_OUT = {
    "won't": "will not", "can't": "can not", "cannot": "can not", "shan't": "shall not",
    "ain't": "is not", "n't": " not", "'re": " are", "'ll": " will", "'ve": " have",
    "'m": " am", "'d": " would",
}  # fmt: skip
# Clause boundaries; the captured word says whether the clause after it is subordinate.
_CLAUSE_BREAK = LazyPattern(
    r"[;:]|—|\s–\s|,\s*(?:but|yet)\b|\b(but|however|whereas|although|though|because|unless"
    r"|while|since)\b",
    re.IGNORECASE,
)
_REASONS = frozenset({"because", "since"})
# Clauses that do not assert: conditions, commands, and other people's words reported.
_CONDITIONAL = LazyPattern(r"^\s*(?:if|unless|whether|when|once|until|as long as)\b")
_IMPERATIVE = LazyPattern(r"^\s*(?:do not|never|please|let s|let us)\b")
# "No, schools are not safe": an answer word, not a negation of what follows.
_INTERJECTION = LazyPattern(
    r"^\W*(?:no|yes|yeah|well|oh|okay|ok|look|listen)\b\s*[,.!—–-]+\s*", re.I
)
_WORD = LazyPattern(r"[a-z0-9%$]+")
PRONOUNS = frozenset({"i", "we", "you", "he", "she", "they", "it", "me", "us", "him", "her",
                      "them", "my", "our", "your", "his", "their", "its"})  # fmt: skip
_STOPWORD_TEXT = """
a an the and or of to in on at by for with from as into onto about over under than then that
this these those there here is are was were be been being am do does did done have has had
having will would shall should can could may might must also just very really actually
absolutely totally completely quite so too even still ever all any some much many more most
such what which who whom whose when where why how if because while whether up out off down
again further once only after before own same other both each few s t d ll ve re m o well now yes oh
think believe guess suppose know say said says feel mean sure certainly definitely indeed
clearly simply obviously course fact going get got let lot thing things way kind sort bit
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split()) | NEGATIONS
_TENSE = {
    "was": "past", "were": "past", "had": "past", "did": "past",
    "is": "present", "are": "present", "am": "present", "does": "present", "do": "present",
    "has": "present", "have": "present",
    "will": "future", "shall": "future", "going": "future",
    "could": "modal", "would": "modal", "might": "modal", "may": "modal", "should": "modal",
    "must": "modal", "can": "modal",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause reduced for comparison."""

    wording: str  # the clause as written, for explanations
    negated: bool
    words: frozenset[str]  # stemmed content words, with subject pronouns kept
    tenses: frozenset[str]
    asserted: bool  # False for conditions, reasons, commands and reported words

    @property
    def content(self) -> frozenset[str]:
        """The words that carry the proposition (pronouns left out)."""
        return self.words - PRONOUNS


@lru_cache(maxsize=4096)  # a claim's text is expanded for its wording, words and negations
def expand(text: str) -> str:
    """Lowercase ``text`` with contractions spelled out ("won't" -> "will not")."""
    text = text.lower()
    if "'" in text or "’" in text:
        text = _NEGATIVE_CONTRACTION.sub(_spelt_out, text)
        return _OTHER_CONTRACTION.sub(_spelt_out, text)
    if "cannot" in text:
        return _NEGATIVE_CONTRACTION.sub(_spelt_out, text)
    return text


def _spelt_out(match: re.Match[str]) -> str:
    found = match.group(0).replace("’", "'")
    return _SPELT_OUT.get(found) or found[:-2] + " is"  # "it's" -> "it is"


def normalise(text: str) -> str:
    """``text`` expanded, with everything but letters, digits, "%" and "$" read as one space."""
    return " ".join(_WORD.findall(expand(text)))


def content_words(text: str) -> frozenset[str]:
    """Stemmed words of ``text`` that are not stopwords (subject pronouns kept)."""
    return frozenset(
        stem(w) for w in _WORD.findall(expand(text)) if w not in STOPWORDS and not w.isdigit()
    )


def negations(text: str, opposites: Mapping[str, str]) -> int:
    """How many negations and opposite words ``text`` holds, except those that do not negate."""
    counted = _NOT_NEGATING.sub(" ", normalise(_INTERJECTION.sub("", text)))
    return sum(1 for t in counted.split() if t in NEGATIONS or t in opposites)


def clauses(text: str, opposites: Mapping[str, str], cues: Sequence[int] = ()) -> list[Clause]:
    """The clauses of ``text``, each with its polarity and content words.

    ``cues`` are the offsets in ``text`` of attribution cues (the frames the attribution plugin
    records on a claim): a clause holding one reports someone else's words and is not asserted.
    """
    out: list[Clause] = []
    for start, piece, marker in _pieces(text):
        wording = _INTERJECTION.sub("", piece).strip(" \t\r\n,.;:“”\"‘’'")
        norm = normalise(wording)
        if not norm:
            continue
        counted = _NOT_NEGATING.sub(" ", norm)
        tokens = counted.split()
        flips = sum(1 for t in tokens if t in NEGATIONS)
        words = set()
        for token in tokens:
            if token in opposites:
                flips += 1
                token = opposites[token]
            if token not in STOPWORDS and not token.isdigit():
                words.add(stem(token))
        out.append(
            Clause(
                wording=wording,
                negated=flips % 2 == 1,
                words=frozenset(words),
                tenses=frozenset(_TENSE[t] for t in tokens if t in _TENSE),
                asserted=not (
                    marker == "unless"
                    # "this is not X because Y": the denial covers the reason too
                    or (marker in _REASONS and bool(out) and out[-1].negated)
                    or _CONDITIONAL.match(norm)
                    or _IMPERATIVE.match(norm)
                    or any(start <= cue < start + len(piece) for cue in cues)
                ),
            )
        )
    return out


def _pieces(text: str) -> Iterator[tuple[int, str, str]]:
    """Each piece of ``text`` between clause breaks: where it starts, its words, and the
    lower-cased word that opened it ("because"; "" after punctuation or at the start)."""
    start, marker = 0, ""
    for match in _CLAUSE_BREAK.finditer(text):
        yield start, text[start : match.start()], marker
        start, marker = match.end(), (match.group(1) or "").lower()
    yield start, text[start:], marker


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared words over all words of the two sets."""
    union = a | b
    return len(a & b) / len(union) if union else 0.0
