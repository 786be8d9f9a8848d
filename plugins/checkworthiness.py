"""Check-worthiness scoring: how much a sentence asks to be fact-checked, as a score in [0, 1].

The score is a logistic model over lowercased word unigrams and bigrams (numbers folded into shape
tokens such as ``<year>`` and ``<num>``) plus hand-written signals that carry over from debate
transcripts to news prose: numbers, percentages, money, dates, named entities (capitalised words
inside the sentence), attribution verbs, past tense, hedges, opinion words, questions,
first-person opinion and very short fragments. The weights are learned by
``scripts/train_checkworthy.py`` on CheckThat! 2024 / ClaimBuster debate sentences and shipped in
``data/checkworthy.json``; this module only reads them, in pure Python.

Threshold: a claim is check-worthy when its score is at least :data:`THRESHOLD` (0.5, the same
as ``claimtrack.DEFAULT_THRESHOLD``). The training script moves the model's intercept so that the
F1-optimal cut on CheckThat! 2024 dev lands exactly on 0.5: the score is therefore not a
calibrated probability but a ranking whose midpoint is the decision, which keeps the plugin
consistent with any tool that compares scores against the default threshold.

News reports speech: "X said the economy lost 2 million jobs" is check-worthy because of what was
said, and "'It's an invasion,' Scott Pruitt, the attorney general of Oklahoma, said" is not, however
many names and titles the frame holds. So a sentence with a reporting cue is scored on its reported
content (:func:`reported_content`, :func:`claim_features`), keeping two things from the whole
sentence: its length (a reported clause is not a fragment) and, when the content is not marked as
an opinion, guess, promise or question, the weight the model learned for being attributed.
Whether the attribution stage found a speaker is not used.

The scorer owns ``score`` and ``checkworthy``: it rescores every claim, whichever extractor
made it and whatever score that extractor gave, so that one threshold and one ranking hold for
all claims. The extractor's own score is not lost: it is kept in ``details["extractor_score"]``
(see :data:`EXTRACTOR_SCORE`). Disable this plugin to keep the extractors' scores as they are.

Context: in an article, each claim's logit moves towards the mean logit of its neighbours
(:func:`smooth`), because check-worthy claims come in passages and opinion pieces are opinion
throughout. A one-sentence document is scored as it is.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

from claimtrack import DEFAULT_THRESHOLD, Article, Claim, hookimpl

#: Decision threshold on the score (see the module docstring for why 0.5).
THRESHOLD: float = DEFAULT_THRESHOLD
#: The ``details`` key that keeps the score a claim had before this plugin rescored it.
EXTRACTOR_SCORE = "extractor_score"

_TOKEN = re.compile(r"[a-z]+(?:['’][a-z]+)?|\d+(?:[.,]\d+)*|[%$?!]")
_YEAR = re.compile(r"^(?:1[89]\d\d|20\d\d)$")
_DIGIT = re.compile(r"\d")
# Whether a text matches "[$£€]\s?\d|\b\d[\d,.]*\s?(?:dollars|pounds|euros)\b" (only that is read),
# with each run of digits, commas and points read once: the run holds a digit at a word boundary
# (its first character, or one after a comma or a point) and the currency word follows it. Tried
# at each digit, a long run took quadratic time.
_MONEY = re.compile(
    r"[$£€]\s?\d|(?<![\d,.])(?:(?<!\w)\d|(?>[\d,.]*?[,.]\d))[\d,.]*+\s?(?:dollars|pounds|euros)\b"
)
_PERCENT = re.compile(r"\d\s?%|\bper ?cent\b|\bpercentage\b")
_BIG = re.compile(r"\b(?:hundred|thousand|million|billion|trillion|dozens?)\b")
_DATE = re.compile(
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|aug|sept?|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|yesterday|today|last (?:week|month|year|night)|(?:this|next) (?:week|month|year))\b"
)
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|reported|announced|stated|claimed|testified|wrote"
    r"|confirmed|revealed|disclosed|noted|admitted|acknowledged)\b"
)
_PAST = re.compile(r"\b(?:was|were|had|did|[a-z]{3,}ed)\b")
_HEDGE = re.compile(
    r"\b(?:may|might|could|perhaps|maybe|probably|possibly|likely|seems?|appears?|suggests?)\b"
)
_OPINION = re.compile(
    r"\b(?:think|believe|feel|hope|wish|great|terrible|wonderful|horrible|best|worst|wrong"
    r"|right thing|should|must|ought|need to|needs to|shame|disgrace|ridiculous|amazing"
    r"|incredible|love|hate|fear|outrageous|absolutely)\b"
)
_FIRST_PERSON_OPINION = re.compile(
    r"\b(?:i think|i believe|i feel|i hope|i want|i'm going to|in my (?:view|opinion)|we need"
    r"|we must|we should|we have to|we're going to|let's|let me)\b"
)
_FUTURE = re.compile(r"\b(?:will|won't|going to|gonna|would)\b")
# Capitalised words inside a sentence, a cheap stand-in for named entities ("I'm", "I've" are not).
_CAPITALISED = re.compile(r"(?<![.!?:;\"“‘'(]\s)(?<!^)\b(?!I['’])[A-Z][a-zA-Z'’-]+")
_QUOTE = re.compile(r"[\"“”]")
# Reporting frames in news: "X said (that) ...", "... , X said.", "According to X, ...".
_CUE = re.compile(
    r"\b(?:said|says|told|according to|added|asserted|argued|wrote|stated|claimed|noted"
    r"|continued|explained)\b"
)
_QUOTED = re.compile(r"(?:“|\"|'')([^\"“”]{12,}?)(?:”|\"|''|$)")
_THAT = re.compile(r"^\s*(?:that\s+|,\s*)")


def _number_token(token: str) -> str:
    if _YEAR.match(token):
        return "<year>"
    return "<num>" if len(token) < 4 else "<bignum>"


def _signals(text: str, lowered: str, n_tokens: int) -> list[str]:
    """The hand-written features of one sentence, as feature names."""
    found: list[str] = []
    digit = _DIGIT.search(text) is not None
    if digit:
        found.append("f:digit")
    # Both money patterns need a digit, and a percentage a digit or "per": skip the searches.
    if digit and _MONEY.search(lowered):
        found.append("f:money")
    if (digit or "per" in lowered) and _PERCENT.search(lowered):
        found.append("f:percent")
    if _BIG.search(lowered):
        found.append("f:big")
    if _DATE.search(lowered):
        found.append("f:date")
    if _ATTRIBUTION.search(lowered):
        found.append("f:attribution")
    past = len(_PAST.findall(lowered))
    if past:
        found.append("f:past" if past < 3 else "f:past3")
    if _HEDGE.search(lowered):
        found.append("f:hedge")
    if _OPINION.search(lowered):
        found.append("f:opinion")
    if _FIRST_PERSON_OPINION.search(lowered):
        found.append("f:first_opinion")
    if _FUTURE.search(lowered):
        found.append("f:future")
    if "?" in text:
        found.append("f:question")
    if _QUOTE.search(text):
        found.append("f:quote")
    words = text.split()
    capitalised = len(_CAPITALISED.findall(text))
    # A headline capitalises every word, which says nothing about named entities.
    if words and capitalised < 0.6 * len(words):
        found.append(f"f:entities{min(capitalised, 3)}")
    found.append(_length(n_tokens))
    return found


def _length(n_tokens: int) -> str:
    """The length feature of a sentence of ``n_tokens`` tokens (fragments are under 5)."""
    if n_tokens < 5:
        return "f:len<5"
    if n_tokens < 10:
        return "f:len<10"
    if n_tokens < 20:
        return "f:len<20"
    return "f:len<40" if n_tokens < 40 else "f:len40+"


def features(text: str) -> list[str]:
    """The feature names active in ``text``: word unigrams, bigrams and hand-written signals."""
    lowered = text.lower()
    tokens = [
        _number_token(t) if t[0].isdigit() else t.replace("’", "'") for t in _TOKEN.findall(lowered)
    ]
    names = ["w:" + t for t in tokens]
    names.extend(f"b:{a} {b}" for a, b in zip(["<s>", *tokens], [*tokens, "</s>"], strict=True))
    names.extend(_signals(text, lowered, len(tokens)))
    return names


def reported_content(text: str) -> str | None:
    """What a reported-speech sentence says was said, without the frame naming who said it.

    Returns None when ``text`` has no reporting cue. A quotation is its quoted words; indirect
    speech is what follows an early cue ("X said that ...") or precedes a late one
    ("..., X said").
    """
    cue = _CUE.search(text)
    if cue is None:
        return None
    quoted = _QUOTED.findall(text)
    if quoted:
        return " ".join(quoted)
    if cue.start() < len(text) // 2:
        rest = _THAT.sub("", text[cue.end() :])
        return rest if rest.count(" ") >= 2 else None
    comma = text.rfind(",", 0, cue.start())
    return text[:comma] if comma > 10 else None


@lru_cache(maxsize=1)
def _weights() -> tuple[dict[str, float], float]:
    """The shipped weights and intercept, read once."""
    data = (
        resources.files("claimtrack_plugins").joinpath("data/checkworthy.json").read_text("utf-8")
    )
    model: dict[str, Any] = json.loads(data)
    return {str(k): float(v) for k, v in model["weights"].items()}, float(model["intercept"])


def _sum(names: set[str]) -> float:
    weights, intercept = _weights()
    get = weights.get
    return intercept + sum(get(name, 0.0) for name in names)


def logit(text: str) -> float:
    """The model's raw score of ``text`` before the sigmoid."""
    return _sum(set(features(text)))


def _sigmoid(x: float) -> float:
    if x < -30.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


#: Signals that make a statement an opinion, a guess, a promise or a question.
_NOT_FACT = frozenset({"f:opinion", "f:hedge", "f:future", "f:first_opinion", "f:question"})


def claim_features(text: str) -> set[str]:
    """The features a claim is scored on: its own, or for reported speech its content's.

    The reported clause is part of a whole sentence, not a fragment, so its length is the
    sentence's; and a factual report keeps the attribution signal, while a reported opinion,
    guess, promise or question does not.
    """
    content = reported_content(text)
    if not content:
        return set(features(text))
    names = set(features(content))
    names.discard(_length(len(_TOKEN.findall(content.lower()))))
    names.add(_length(len(_TOKEN.findall(text.lower()))))
    if names.isdisjoint(_NOT_FACT):
        names.add("f:attribution")
    return names


def _claim_logit(text: str) -> float:
    return _sum(claim_features(text))


def _logit_of(
    sentence: str, context: str | None, claim_logit: Callable[[str], float] = _claim_logit
) -> float:
    """The logit behind :func:`score_text`; ``claim_logit`` may memoise :func:`_claim_logit`."""
    value = claim_logit(sentence)
    if context and context.strip() and context.strip() != sentence.strip():
        value = 0.5 * (value + claim_logit(context))
    return value


def score_text(sentence: str, context: str | None = None) -> float:
    """Check-worthiness of ``sentence`` in [0, 1]; ``context`` is the sentence that holds it.

    Reported speech is scored by its content (:func:`claim_features`). A claim cut from a
    longer sentence keeps the context's signals: the two logits are averaged. This is the score of
    a sentence on its own; in an article, :func:`smooth` also weighs in its neighbours.
    """
    if not sentence.strip():
        return 0.0
    return _sigmoid(_logit_of(sentence, context))


#: How far a claim's logit moves towards the mean logit of its neighbours (see :func:`smooth`).
NEIGHBOUR_WEIGHT: float = 0.3
#: How many claims on each side count as neighbours.
NEIGHBOURS: int = 2


def smooth(logits: Sequence[float]) -> list[float]:
    """Move each logit of a document's claims, in reading order, towards its neighbours' mean.

    Check-worthy claims come in passages (a run of figures, a record being argued over), and an
    opinion piece is opinion throughout, so the neighbours are evidence about a claim. Each logit
    becomes ``(1 - w) * own + w * mean(neighbours)`` with ``w`` :data:`NEIGHBOUR_WEIGHT`, over
    up to :data:`NEIGHBOURS` claims on each side. A lone claim is left as it is.
    """
    out = []
    for i, own in enumerate(logits):
        near = [*logits[max(0, i - NEIGHBOURS) : i], *logits[i + 1 : i + 1 + NEIGHBOURS]]
        out.append(own + NEIGHBOUR_WEIGHT * (sum(near) / len(near) - own) if near else own)
    return out


def score_sentences(sentences: Sequence[str]) -> list[float]:
    """Check-worthiness of a document's sentences, given in reading order (see :func:`smooth`).

    Blank sentences score 0 and are not anyone's neighbours.
    """
    kept = [i for i, sentence in enumerate(sentences) if sentence.strip()]
    smoothed = smooth([_logit_of(sentences[i], None) for i in kept])
    scores = [0.0] * len(sentences)
    for i, value in zip(kept, smoothed, strict=True):
        scores[i] = _sigmoid(value)
    return scores


def is_checkworthy(score: float) -> bool:
    """The decision at :data:`THRESHOLD`."""
    return score >= THRESHOLD


@hookimpl(trylast=True)
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> list[Claim]:
    """Give every claim its check-worthiness score and decision (see :func:`smooth`).

    Every claim is rescored, whatever its extractor set, so that all claims share one scale; the
    score a claim arrived with is kept in ``details["extractor_score"]``.
    """
    # Many claims share a sentence: score each distinct text (claim or context) once per article.
    claim_logit = lru_cache(maxsize=None)(_claim_logit)
    logits: dict[int, float] = {}
    for i, claim in enumerate(claims):
        if not claim.text.strip():
            continue
        sentence = article.sentence_at(claim.start)
        # Only a sentence that holds the whole claim is its context.
        context = (
            article.slice(sentence)
            if sentence is not None and sentence.contains(claim.span)
            else None
        )
        logits[i] = _logit_of(claim.text, context, claim_logit)
    order = sorted(logits, key=lambda i: claims[i].start)
    smoothed = dict(zip(order, smooth([logits[i] for i in order]), strict=True))
    scored = []
    for i, claim in enumerate(claims):
        # Decide on the rounded score so the printed score and the decision always agree.
        value = round(_sigmoid(smoothed[i]), 4) if i in smoothed else 0.0
        details = claim.details
        if EXTRACTOR_SCORE not in details:
            details = {**details, EXTRACTOR_SCORE: claim.score}
        decision = is_checkworthy(value) if claim.checkworthy is None else claim.checkworthy
        scored.append(claim.evolve(score=value, checkworthy=decision, details=details))
    return scored
