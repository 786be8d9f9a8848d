"""Check-worthiness in context: neighbours in a document, reported speech, named entities."""

from __future__ import annotations

import math

import pytest

from claimtrack import Article, Claim, Sentence
from claimtrack_plugins import checkworthiness as cw


def _logit(score: float) -> float:
    return math.log(score / (1.0 - score))


def test_smooth_leaves_a_lone_claim_alone() -> None:
    assert cw.smooth([]) == []
    assert cw.smooth([1.5]) == [1.5]


def test_smooth_moves_towards_the_neighbours_mean() -> None:
    w, n = cw.NEIGHBOUR_WEIGHT, cw.NEIGHBOURS
    logits = [0.0] * (2 * n + 3)
    logits[n + 1] = 4.0
    out = cw.smooth(logits)
    # The middle value moves towards its neighbours' mean (0) by the weight w.
    assert out[n + 1] == pytest.approx(4.0 * (1 - w))
    # Each value within reach of it is pulled up; the values out of reach are not.
    for i in range(1, n + 1):
        assert out[n + 1 - i] > 0.0 and out[n + 1 + i] > 0.0
    assert out[0] == 0.0 and out[-1] == 0.0


def test_score_sentences_of_one_sentence_is_score_text() -> None:
    sentence = "The state spent $3 billion on prisons last year."
    assert cw.score_sentences([sentence]) == [pytest.approx(cw.score_text(sentence))]


def test_score_sentences_skips_blanks() -> None:
    facts = ["The state spent $3 billion on prisons last year.", "  "]
    scores = cw.score_sentences(facts)
    assert scores[1] == 0.0
    assert scores[0] == pytest.approx(cw.score_text(facts[0]))


def test_neighbours_lift_a_claim_among_facts() -> None:
    middle = "The plan was approved."
    facts = [
        "Unemployment fell to 4.2 percent in March 2015.",
        "The state spent $3 billion on prisons last year.",
    ]
    opinions = ["I think we need a leader.", "What are you going to do about it?"]
    among_facts = cw.score_sentences([facts[0], middle, facts[1]])[1]
    among_opinions = cw.score_sentences([opinions[0], middle, opinions[1]])[1]
    assert among_facts > cw.score_text(middle) > among_opinions


def test_hook_smooths_in_reading_order() -> None:
    parts = [
        "Unemployment fell to 4.2 percent in March 2015.",
        "The plan was approved.",
        "The state spent $3 billion on prisons last year.",
    ]
    text = " ".join(parts)
    sentences, start = [], 0
    for part in parts:
        sentences.append(Sentence(start, start + len(part), 0))
        start += len(part) + 1
    article = Article(text=text, source="t.txt", sentences=tuple(sentences))
    claims = [Claim.from_span(article, s.start, s.end) for s in sentences]
    # Given out of order, the claims are still smoothed with their neighbours in the text.
    shuffled = [claims[2], claims[0], claims[1]]
    out = cw.claimtrack_enrich_claims(article, shuffled)
    assert [c.id for c in out] == [c.id for c in shuffled]
    expected = cw.score_sentences(parts)
    by_id = {c.id: c.score for c in out}
    for claim, score in zip(claims, expected, strict=True):
        assert by_id[claim.id] == round(score, 4)


def test_reported_fact_keeps_the_attribution_weight_and_opinion_does_not() -> None:
    fact = "We maintain contacts with many companies, including Siemens,” the spokesperson said."
    fact_content = cw.reported_content(fact)
    assert fact_content == "We maintain contacts with many companies, including Siemens"
    opinion = "“I think it is a disgrace,” the spokesperson said."
    opinion_content = cw.reported_content(opinion)
    assert opinion_content == "I think it is a disgrace,"
    fact_gain = _logit(cw.score_text(fact)) - cw.logit(fact_content)
    opinion_gain = _logit(cw.score_text(opinion)) - cw.logit(opinion_content)
    # Both lose the frame's names; only the factual report keeps the attribution weight.
    assert fact_gain > opinion_gain + 0.5 * cw._weights()[0]["f:attribution"]
    assert cw.score_text(opinion) < cw.score_text(fact)


def test_first_person_contractions_are_not_named_entities() -> None:
    names = set(cw.features("So I'm sure I've said it and I'll say it again."))
    assert "f:entities0" in names
    assert "f:entities1" in set(cw.features("So I'm sure Gazprom said it again."))
