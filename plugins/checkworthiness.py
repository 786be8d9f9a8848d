"""Check-worthiness scoring: how much a claim asks to be fact-checked, as a score in [0, 1].

The score is a logistic model over what the article's spaCy parse (:attr:`Article.doc`) says
about the claim's sentence, read from the parse the other plugins share and never parsed again:

- words and word pairs, lowercased, with numbers folded into ``<year>``, ``<num>``, ``<bignum>``;
- named entities by label (people, organisations, places, laws) and numeric ones (dates, money,
  percentages, quantities, counts);
- the tags of the clause: tense (past, present, perfect), modal verbs, comparatives and
  superlatives, negation, who the subject is (first person, second person, a named entity, a
  pronoun or a noun), whether the main verb has a subject at all (commands, fragments);
- hedges and opinion words, questions, quotation marks and the length in words;
- the language model's own representation of the clause: the mean of the rows of
  ``doc.tensor`` (the pipeline's contextual token vectors) over its tokens.

Reporting frames come from the one attribution engine: the attribution plugin records each
claim's frames as public data (``details["attributions"]``), and a span that holds the cue of
one reporting speech or thought ("X said (that) ...", "'...,' X said", "I think ...",
"according to X") is scored on the reported content, with features that name the frame (its
cue's lemma, "according", first person). So "X said the economy lost 2 million jobs" is scored
on the jobs, and a quoted opinion is not lifted by the attorney general of Oklahoma who said
it. Without the attribution plugin (disabled), every claim is scored whole.

The weights are learned by ``scripts/train_checkworthy.py`` on CheckThat! 2024 / ClaimBuster
debate sentences and the labelled news sets, with the threshold chosen by grouped
cross-validation (publishers and debates held out whole; docs/checkworthiness.md), and shipped
in ``data/checkworthy.json``. The training script moves the intercept so that the chosen cut is
0.5 (:data:`THRESHOLD`): the score ranks, and its midpoint is the decision.

Context: where the claim's sentence sits in its article is a feature too (:func:`placements`:
how far into the article, the headline, the first sentence of a paragraph, or a sentence
scanned alone), and in an article each claim's logit moves towards the mean logit of its
neighbours (:func:`smooth`), because check-worthy claims come in passages and opinion pieces
are opinion throughout. A claim cut from a longer sentence is scored as the mean of its own
logit and its sentence's.

The scorer owns ``score``: it rescores every claim, whichever extractor made it, so that all
claims rank on one scale; the score a claim arrived with is kept in ``details["extractor_score"]``
(:data:`EXTRACTOR_SCORE`). It decides ``checkworthy`` only for claims whose extractor left the
decision to it (``checkworthy=None``, as the bundled ``sentences`` extractor does); a claim an
extractor called check-worthy or not keeps that decision.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from claimtrack import DEFAULT_THRESHOLD, Article, Claim, Sentence, Span, hookimpl
from claimtrack_plugins._encoder import configured_encoder, encode
from claimtrack_plugins._recorded import RecordedFrame, recorded_frames

if TYPE_CHECKING:
    from spacy.tokens import Span as DocSpan
    from spacy.tokens import Token

#: Decision threshold on the score (see the module docstring for why 0.5).
THRESHOLD: float = DEFAULT_THRESHOLD
#: The ``details`` key that keeps the score a claim had before this plugin rescored it.
EXTRACTOR_SCORE = "extractor_score"

_HEDGES = frozenset(
    {
        *("may", "might", "could", "perhaps", "maybe", "probably", "possibly", "likely", "seem"),
        *("appear", "suggest", "apparently", "reportedly", "allegedly"),
    }
)
_OPINION = frozenset(
    {
        *("great", "terrible", "wonderful", "horrible", "best", "worst", "wrong", "should"),
        *("must", "ought", "shame", "disgrace", "ridiculous", "amazing", "incredible", "love"),
        *("hate", "outrageous", "absolutely", "tremendous", "disaster", "beautiful", "good"),
        *("bad", "fantastic"),
    }
)
#: Entity labels that name someone or something (as opposed to numbers and dates).
NAMED = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
)
#: Entity labels that are figures: a date, an amount, a count.
FIGURES = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
_QUOTES = frozenset("\"“”‘’'`")
_KEPT_PUNCTUATION = frozenset("?%$£€")
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_FIRST_PERSON = frozenset({"i", "we"})


def _word(token: Token) -> str:
    """The token's word feature: lowercased, with a number folded into its shape."""
    text = token.text
    if token.like_num or any(c.isdigit() for c in text):
        if len(text) == 4 and text.isdigit() and text[:2] in ("18", "19", "20"):
            return "<year>"
        return "<num>" if len(text) < 4 else "<bignum>"
    return token.lower_.replace("’", "'")


def _length(n_words: int) -> str:
    """The length feature of a clause of ``n_words`` words (fragments are under 5)."""
    if n_words < 5:
        return "len:<5"
    if n_words < 10:
        return "len:<10"
    if n_words < 20:
        return "len:<20"
    return "len:<40" if n_words < 40 else "len:40+"


#: Words a frame's content needs in the scored span to be scored alone (as the attribution
#: plugin asks of a frame before it gives a claim its speaker: "He said:" reports nothing).
MIN_CONTENT_WORDS = 3


def recorded_reports(claims: Iterable[Claim]) -> tuple[RecordedFrame, ...]:
    """The reporting frames recorded on ``claims`` (``details["attributions"]``), each once,
    in reading order. Frames of a stance or an act ("denounced the plan") are left out."""
    found = {frame for claim in claims for frame in recorded_frames(claim) if frame.reported}
    return tuple(sorted(found, key=lambda r: (r.cue.start, r.content.start, r.content.end)))


@dataclass(frozen=True, slots=True)
class Content:
    """What a span says, without its reporting frame: the tokens, and the features that name
    the frame (none when the span reports no one)."""

    tokens: tuple[Token, ...]
    frame: tuple[str, ...] = ()


def reported_content(span: DocSpan, reports: Sequence[RecordedFrame] = ()) -> Content:
    """The reported content of ``span``, else all of it.

    Of the ``reports`` (:func:`recorded_reports`) that frame the span's main clause (the cue is
    the root of its sentence's tree, or is "according to" or a headline's "Name:") and whose cue
    lies in ``span``, the one whose content covers most of it (at least
    :data:`MIN_CONTENT_WORDS` words) gives the content: the span's tokens inside it. A frame
    deeper in the tree reports a part of the span ("the things that I said we would do, …"),
    not what the span says. The frame is named by its cue's lemma ("frame:say",
    "frame:think"), "frame:according" or "frame:label", plus "frame" and, when the source's
    words are "I" or "we", "frame:1p".
    """
    best: tuple[tuple[Token, ...], str, RecordedFrame] | None = None
    for report in reports:
        if not span.start_char <= report.cue.start < span.end_char:
            continue
        kind = _main_frame(span.doc, report)
        if kind is None:
            continue
        inside = tuple(t for t in span if report.content.start <= t.idx < report.content.end)
        if sum(1 for t in inside if not (t.is_punct or t.is_space)) < MIN_CONTENT_WORDS:
            continue
        if best is None or len(inside) > len(best[0]):
            best = (inside, kind, report)
    if best is None:
        return Content(tuple(span))
    tokens, kind, report = best
    names = ["frame", "frame:" + kind]
    if (report.speaker.mention or "").strip().lower() in _FIRST_PERSON:
        names.append("frame:1p")
    return Content(tokens, tuple(names))


def _main_frame(doc: Any, report: RecordedFrame) -> str | None:
    """What a frame's cue is ("according", "label" or the cue verb's lemma) when it frames its
    sentence's main clause; None for a frame deeper in the tree."""
    cue = doc.char_span(report.cue.start, report.cue.end, alignment_mode="expand")
    words = [t for t in cue or () if not t.is_punct]
    if not words:  # a headline or transcript label's colon ("Pence: …"); else nothing read
        return "label" if cue is not None and cue.text == ":" else None
    if words[0].lower_ == "according":
        return "according"
    return words[0].lemma_.lower() if words[0].dep_ == "ROOT" else None


def _entity_labels(span: DocSpan, first: int, last: int) -> list[str]:
    """Labels of the entities inside ``span`` that begin between tokens ``first`` and ``last``.

    Read from the tokens' entity tags: ``span.ents`` walks every entity of the document, which
    made scoring an article's claims quadratic in its length.
    """
    doc = span.doc
    labels = []
    for token in doc[first : last + 1]:
        if token.ent_iob_ != "B":
            continue
        end = token.i + 1
        while end < span.end and doc[end].ent_iob_ == "I":
            end += 1
        if end < len(doc) and doc[end].ent_iob_ == "I":
            continue  # the entity runs on past the span
        labels.append(token.ent_type_)
    return labels


def features(span: DocSpan, content: Content | None = None) -> list[str]:
    """The sparse feature names of a sentence (or any span of a parsed article).

    ``content`` is the span's :func:`reported_content`; without it the whole span is scored,
    as if it reported no one.
    """
    content = content or reported_content(span)
    tokens = content.tokens
    words = [
        _word(t)
        for t in tokens
        if not t.is_space and (not t.is_punct or t.text in _KEPT_PUNCTUATION)
    ]
    names = ["w:" + w for w in words]
    names.extend(f"b:{a} {b}" for a, b in zip(["<s>", *words], [*words, "</s>"], strict=True))
    first, last = tokens[0].i, tokens[-1].i
    labels = _entity_labels(span, first, last)
    for label in set(labels):
        names.append("e:" + label)
        if labels.count(label) > 1:
            names.append("e2:" + label)
    names.append(f"named:{min(sum(1 for x in labels if x in NAMED), 3)}")
    names.append(f"figures:{min(sum(1 for x in labels if x in FIGURES), 2)}")
    names.extend({"t:" + t.tag_ for t in tokens})
    for token in tokens:
        names.extend(_token_signals(token))
    if any(t.text == "?" for t in tokens):
        names.append("question")
    names.extend(content.frame)
    if any(t.text in _QUOTES for t in span):
        names.append("quoted")
    names.append(_length(sum(1 for t in span if not (t.is_punct or t.is_space))))
    return names


def scored_sentences(article: Article) -> list[Sentence]:
    """The sentences of ``article`` a scan scores: those with words that are not furniture."""
    return [
        s for s in article.sentences if article.slice(s).strip() and not article.is_furniture(s)
    ]


def placements(article: Article) -> dict[tuple[int, int], tuple[str, ...]]:
    """The context features of each of the article's :func:`scored_sentences`, by (start, end).

    Where a sentence sits in its article, from the segmentation alone: the quarter of the
    article it falls in (``pos:q0`` … ``pos:q3``: news puts its facts first), ``pos:first`` for
    the first (the headline), ``par:first`` or ``par:later`` in its paragraph and ``par:alone``
    for a paragraph of one sentence. A text of one sentence (a CheckThat! sentence scanned
    alone) gets ``pos:single`` and nothing else. Whether a sentence is quoted is left out: the
    quoted statements of officials are what fact-checkers check, and a feature for quotation
    marks cost the example article a must-claim (docs/checkworthiness.md).
    """
    sentences = scored_sentences(article)
    if len(sentences) < 2:
        return {(s.start, s.end): ("pos:single",) for s in sentences}
    per_paragraph = Counter(s.paragraph for s in sentences)
    seen: Counter[int] = Counter()
    found = {}
    for i, sentence in enumerate(sentences):
        names = [f"pos:q{min(3, 4 * i // len(sentences))}"]
        if i == 0:
            names.append("pos:first")
        names.append("par:later" if seen[sentence.paragraph] else "par:first")
        if per_paragraph[sentence.paragraph] == 1:
            names.append("par:alone")
        seen[sentence.paragraph] += 1
        found[sentence.start, sentence.end] = tuple(names)
    return found


def _token_signals(token: Token) -> Iterable[str]:
    """The parse signals one token gives: modality, negation, subject, root, hedges, opinion."""
    dep = token.dep_
    if token.tag_ == "MD":
        yield "md:" + token.lower_
    if dep == "neg":
        yield "neg"
    if dep in _SUBJECTS:
        low = token.lower_
        if low in _FIRST_PERSON:
            yield "subj:1p"
        elif low == "you":
            yield "subj:2p"
        elif token.ent_type_ in NAMED:
            yield "subj:named"
        else:
            yield "subj:" + token.pos_
    elif dep == "ROOT":
        yield "root:" + token.tag_
        if not any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in token.children):
            yield "root:nosubj"
    lemma = token.lemma_.lower()
    if lemma in _HEDGES:
        yield "hedge"
    if lemma in _OPINION:
        yield "opinion"


def representation(span: DocSpan, content: Content | None = None) -> list[float] | None:
    """The mean of ``doc.tensor`` over the content tokens of ``span`` (None without a tensor).

    ``doc.tensor`` holds the pipeline's contextual token vectors (96 numbers a token for
    ``en_core_web_sm``); ``content`` is the span's :func:`reported_content` (default: all of
    it).
    """
    tensor = span.doc.tensor
    rows = [t.i for t in (content or reported_content(span)).tokens if not t.is_space]
    if tensor is None or not rows or tensor.shape[0] != len(span.doc):
        return None
    return [float(x) for x in tensor[rows].mean(axis=0)]


@dataclass(frozen=True, slots=True)
class Model:
    """The shipped weights: sparse feature weights, dense weights over the representation.

    ``dense_mean`` is the training mean of the representation: a pipeline whose tensor has
    another width (or none) is scored as if its representation were that mean, which adds the
    same as the average training sentence. ``encoder`` names the optional sentence encoder
    (:mod:`claimtrack_plugins._encoder`) whose embedding ``encoder_weights`` weigh, None for the
    default model.
    """

    intercept: float
    weights: dict[str, float]
    dense: tuple[float, ...]
    dense_mean: tuple[float, ...]
    neighbour_weight: float
    encoder: str | None = None
    encoder_weights: tuple[float, ...] = ()

    def logit(
        self, span: DocSpan, reports: Sequence[RecordedFrame] = (), context: Sequence[str] = ()
    ) -> float:
        """The model's raw score of ``span`` before the sigmoid, read on its content among
        the article's ``reports`` (:func:`reported_content`), with the ``context`` features of
        its sentence (:func:`placements`; none: scored as if nowhere in particular)."""
        content = reported_content(span, reports)
        get = self.weights.get
        names = {*features(span, content), *context}
        value = self.intercept + sum(get(name, 0.0) for name in names)
        vector = representation(span, content)
        if vector is None or len(vector) != len(self.dense):
            vector = list(self.dense_mean)
        return value + math.fsum(w * x for w, x in zip(self.dense, vector, strict=True))


@lru_cache(maxsize=2)
def model(encoder: str | None = None) -> Model:
    """The shipped model, read once: the default one, or the one fitted with ``encoder``'s
    sentence embeddings (``data/checkworthy_<encoder>.json``)."""
    name = f"data/checkworthy_{encoder}.json" if encoder else "data/checkworthy.json"
    raw: dict[str, Any] = json.loads(
        resources.files("claimtrack_plugins").joinpath(name).read_text("utf-8")
    )
    return Model(
        intercept=float(raw["intercept"]),
        weights={str(k): float(v) for k, v in raw["weights"].items()},
        dense=tuple(float(x) for x in raw["dense"]),
        dense_mean=tuple(float(x) for x in raw["dense_mean"]),
        neighbour_weight=float(raw["neighbour_weight"]),
        encoder=encoder,
        encoder_weights=tuple(float(x) for x in raw.get("encoder_weights", ())),
    )


def active_model() -> Model:
    """The model a scan uses: with the configured sentence encoder, if any."""
    return model(configured_encoder())


def _sigmoid(x: float) -> float:
    if x < -30.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))


#: How many claims on each side count as neighbours (see :func:`smooth`).
NEIGHBOURS: int = 2


def smooth(logits: Sequence[float], weight: float | None = None) -> list[float]:
    """Move each logit of a document's claims, in reading order, towards its neighbours' mean.

    Check-worthy claims come in passages (a run of figures, a record being argued over), and an
    opinion piece is opinion throughout, so the neighbours are evidence about a claim. Each logit
    becomes ``(1 - w) * own + w * mean(neighbours)`` over up to :data:`NEIGHBOURS` claims on each
    side, with ``w`` the active model's neighbour weight unless given. A lone claim is left as
    it is.
    """
    w = active_model().neighbour_weight if weight is None else weight
    out = []
    for i, own in enumerate(logits):
        near = [*logits[max(0, i - NEIGHBOURS) : i], *logits[i + 1 : i + 1 + NEIGHBOURS]]
        out.append(own + w * (sum(near) / len(near) - own) if near else own)
    return out


def is_checkworthy(score: float) -> bool:
    """The decision at :data:`THRESHOLD`."""
    return score >= THRESHOLD


def claim_logits(
    article: Article, claims: Sequence[Claim], scorer: Model | None = None
) -> dict[int, float]:
    """The unsmoothed logit of each claim with text, by its index in ``claims``, by ``scorer``
    (default :func:`active_model`).

    A claim is scored on its sentence; a claim cut from a longer sentence on the mean of its own
    logit and its sentence's. A span is read on its reported content, from the frames the
    attribution plugin recorded on the claims (:func:`recorded_reports`), with the
    :func:`placements` of the sentence that holds its start. Each distinct span is
    scored once per article (and, with a sentence encoder, all of an article's spans are
    encoded in one batch).
    """
    scorer = scorer or active_model()
    reports = recorded_reports(claims)
    places = placements(article)
    wanted: dict[int, list[tuple[int, int]]] = {}
    for i, claim in enumerate(claims):
        if not claim.text.strip():
            continue
        wanted[i] = [(claim.start, claim.end)]
        sentence = article.sentence_at(claim.start)
        if (
            sentence is not None
            and sentence.contains(claim.span)
            and (sentence.start, sentence.end) != (claim.start, claim.end)
            and article.slice(sentence).strip() != claim.text.strip()
        ):
            wanted[i].append((sentence.start, sentence.end))
    distinct = sorted({key for keys in wanted.values() for key in keys})
    values: dict[tuple[int, int], float] = {}
    for start, end in distinct:
        held = article.sentence_at(start)
        context = places.get((held.start, held.end), ()) if held is not None else ()
        values[start, end] = scorer.logit(article.parsed(Span(start, end)), reports, context)
    if scorer.encoder is not None:
        texts = [article.text[start:end].strip() for start, end in distinct]
        weights = scorer.encoder_weights
        for key, vector in zip(distinct, encode(scorer.encoder, texts), strict=True):
            values[key] += math.fsum(w * x for w, x in zip(weights, vector, strict=True))
    return {i: sum(values[key] for key in keys) / len(keys) for i, keys in wanted.items()}


@hookimpl(trylast=True)
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> list[Claim]:
    """Give every claim its check-worthiness score, and decide the claims left undecided.

    Every claim is rescored, whatever its extractor set, so that all claims share one scale; the
    score a claim arrived with is kept in ``details["extractor_score"]``. ``checkworthy`` is set
    only where it is None (the extractor left the decision to the scorer).
    """
    scorer = active_model()  # once per article: it reads the user configuration
    logits = claim_logits(article, claims, scorer)
    order = sorted(logits, key=lambda i: claims[i].start)
    smoothed = dict(
        zip(order, smooth([logits[i] for i in order], scorer.neighbour_weight), strict=True)
    )
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
