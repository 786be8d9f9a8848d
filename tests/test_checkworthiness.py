"""The check-worthiness scorer: ordering of obvious cases, range, determinism and the hook."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from claimtrack import DEFAULT_THRESHOLD, Claim, Speaker
from claimtrack.text import make_article
from claimtrack_plugins import checkworthiness as cw

FACTS = [
    "Unemployment fell to 4.2 percent in March 2015, the lowest rate since 2008.",
    "The state spent $3 billion on prisons last year.",
    "Congress passed the Affordable Care Act in 2010.",
]
NOT_FACTS = [
    "I think we need a leader who believes in this country.",
    "What are you going to do about it?",
    "Thank you very much.",
    "Well, look.",
]


def test_facts_score_above_opinions_and_questions(score_text: Callable[[str], float]) -> None:
    lowest_fact = min(score_text(s) for s in FACTS)
    highest_other = max(score_text(s) for s in NOT_FACTS)
    assert lowest_fact > highest_other


@pytest.mark.parametrize("sentence", FACTS + NOT_FACTS + ["", "   ", "?", "1", "A" * 5000])
def test_score_in_unit_interval(sentence: str, score_text: Callable[[str], float]) -> None:
    assert 0.0 <= score_text(sentence) <= 1.0


def test_deterministic(score_text: Callable[[str], float]) -> None:
    assert [score_text(s) for s in FACTS] == [score_text(s) for s in FACTS]


def test_threshold_decision(score_text: Callable[[str], float]) -> None:
    assert cw.THRESHOLD == DEFAULT_THRESHOLD
    assert cw.is_checkworthy(cw.THRESHOLD)
    assert not cw.is_checkworthy(cw.THRESHOLD - 1e-9)
    assert all(cw.is_checkworthy(score_text(s)) for s in FACTS)
    assert not any(cw.is_checkworthy(score_text(s)) for s in NOT_FACTS)


def test_the_model_file_is_small_and_complete() -> None:
    model = cw.model()
    assert 0 < len(model.weights) <= 10_000
    assert len(model.dense) == len(model.dense_mean) == 96  # en_core_web_sm's tensor width
    assert 0.0 <= model.neighbour_weight < 1.0


def test_hook_scores_every_claim_and_decides_the_undecided() -> None:
    text = "I feel good about it. The city lost 12,000 jobs in 2009, the council said."
    article = make_article(text, "t.txt")
    first, second = article.sentences
    claims = [
        Claim.from_span(article, first.start, first.end, score=0.5, checkworthy=None),
        Claim.from_span(
            article,
            second.start,
            second.end,
            checkworthy=None,
            speaker=Speaker("the council", "the council"),
        ),
    ]
    out = cw.claimtrack_enrich_claims(article, claims)
    assert [c.id for c in out] == [c.id for c in claims]
    opinion, fact = out
    assert fact.score > opinion.score
    assert fact.checkworthy and not opinion.checkworthy
    assert fact.speaker == claims[1].speaker
    assert all(c.checkworthy == (c.score >= cw.THRESHOLD) for c in out)


def test_hook_rescores_every_claim_and_keeps_the_extractors_score_and_decision() -> None:
    text = "I feel good about it. The city lost 12,000 jobs in 2009, the council said."
    article = make_article(text, "t.txt")
    claims = [
        Claim.from_span(article, s.start, s.end, score=0.9, details={"k": 1})
        for s in article.sentences
    ]
    out = cw.claimtrack_enrich_claims(article, claims)
    assert out[0].score < 0.5 and out[0].checkworthy  # ranked low, but the extractor decided
    assert [c.details for c in out] == [{"k": 1, "extractor_score": 0.9}] * 2
    again = cw.claimtrack_enrich_claims(article, out)
    assert [c.details["extractor_score"] for c in again] == [0.9, 0.9]  # the first score stays


def test_a_part_claim_is_scored_with_its_sentence() -> None:
    text = "I feel good about it. The city lost 12,000 jobs in 2009, the council said."
    article = make_article(text, "t.txt")
    start = text.index("The city")
    part = Claim.from_span(article, start, start + len("The city lost 12,000 jobs"))
    sentence = article.sentences[1]
    model = cw.model()
    place = cw.placements(article)[sentence.start, sentence.end]  # the part's is its sentence's
    expected = 0.5 * (
        model.logit(article.parsed(part.span), (), place)
        + model.logit(article.parsed(sentence), (), place)
    )
    assert cw.claim_logits(article, [part]) == {0: pytest.approx(expected)}


def test_the_hook_uses_the_articles_parse_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from claimtrack import nlp

    calls: list[str] = []
    real = nlp.parse

    def counting(text: str, sentences=()):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real(text, sentences)

    monkeypatch.setattr(nlp, "parse", counting)
    article = make_article(" ".join(FACTS + NOT_FACTS), "t.txt")
    claims = [Claim.from_span(article, s.start, s.end) for s in article.sentences]
    cw.claimtrack_enrich_claims(article, claims)
    cw.claimtrack_enrich_claims(article, claims)
    assert len(calls) == 1
