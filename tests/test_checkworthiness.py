"""The check-worthiness scorer: ordering of obvious cases, range, determinism and the hook."""

from __future__ import annotations

import pytest

from claimtrack import DEFAULT_THRESHOLD, Article, Claim, Sentence, Speaker
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


def test_facts_score_above_opinions_and_questions() -> None:
    lowest_fact = min(cw.score_text(s) for s in FACTS)
    highest_other = max(cw.score_text(s) for s in NOT_FACTS)
    assert lowest_fact > highest_other


@pytest.mark.parametrize("sentence", FACTS + NOT_FACTS + ["", "   ", "?", "1", "A" * 5000])
def test_score_in_unit_interval(sentence: str) -> None:
    assert 0.0 <= cw.score_text(sentence) <= 1.0


def test_deterministic() -> None:
    assert [cw.score_text(s) for s in FACTS] == [cw.score_text(s) for s in FACTS]


def test_threshold_decision() -> None:
    assert cw.THRESHOLD == DEFAULT_THRESHOLD
    assert cw.is_checkworthy(cw.THRESHOLD)
    assert not cw.is_checkworthy(cw.THRESHOLD - 1e-9)
    assert all(cw.is_checkworthy(cw.score_text(s)) for s in FACTS)
    assert not any(cw.is_checkworthy(cw.score_text(s)) for s in NOT_FACTS)


def test_reported_speech_is_scored_on_its_content() -> None:
    assert cw.reported_content("Smith said that the plant employs 300 people.") == (
        "the plant employs 300 people."
    )
    assert cw.reported_content("“It is a disgrace,” Smith, the mayor of Leeds, said.") == (
        "It is a disgrace,"
    )
    assert cw.reported_content("The plant employs 300 people.") is None
    framed_opinion = "“It is a disgrace,” Jane Smith, the mayor of Leeds, said on Monday."
    assert cw.score_text(framed_opinion) < cw.score_text("Smith said the plant employs 300 people.")


def _article(text: str) -> Article:
    first = text.index(". ") + 1
    return Article(
        text=text,
        source="test.txt",
        sentences=(Sentence(0, first, 0), Sentence(first + 1, len(text), 0)),
    )


def test_hook_scores_every_claim() -> None:
    text = "I feel good about it. The city lost 12,000 jobs in 2009, the council said."
    article = _article(text)
    second = article.sentences[1]
    claims = [
        Claim.from_span(article, 0, article.sentences[0].end, score=0.5, checkworthy=None),
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


def test_hook_uses_the_sentence_around_a_part_claim() -> None:
    text = "I feel good about it. The city lost 12,000 jobs in 2009, the council said."
    article = _article(text)
    start = text.index("The city")
    part = Claim.from_span(article, start, start + len("The city lost 12,000 jobs"))
    (scored,) = cw.claimtrack_enrich_claims(article, [part])
    whole = article.slice(article.sentences[1])
    assert scored.score == round(cw.score_text(part.text, whole), 4)


def test_hook_rescores_every_claim_and_keeps_the_extractors_score() -> None:
    text = "I feel good about it. The city lost 12,000 jobs in 2009, the council said."
    article = _article(text)
    claims = [
        Claim.from_span(article, s.start, s.end, score=0.9, checkworthy=None, details={"k": 1})
        for s in article.sentences
    ]
    out = cw.claimtrack_enrich_claims(article, claims)
    assert not out[0].checkworthy and out[0].score < 0.9  # the scorer's decision, not the plugin's
    assert [c.details for c in out] == [{"k": 1, "extractor_score": 0.9}] * 2
    again = cw.claimtrack_enrich_claims(article, out)
    assert [c.details["extractor_score"] for c in again] == [0.9, 0.9]  # the first score stays


def test_hook_scores_a_shared_sentence_once(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "I feel good. The city lost 12,000 jobs in 2009 and 300 in 2010, the council said."
    article = _article(text)
    sentence = article.slice(article.sentences[1])
    parts = ["The city lost 12,000 jobs", "12,000 jobs in 2009", "300 in 2010"]
    claims = [Claim.from_span(article, text.index(p), text.index(p) + len(p)) for p in parts]
    logits = cw.smooth([cw._logit_of(p, sentence) for p in parts])  # claims in reading order
    expected = [round(cw._sigmoid(value), 4) for value in logits]
    seen: list[str] = []
    real = cw.claim_features

    def counting(t: str) -> set[str]:
        seen.append(t)
        return real(t)

    monkeypatch.setattr(cw, "claim_features", counting)
    out = cw.claimtrack_enrich_claims(article, claims)
    assert sorted(seen) == sorted([sentence, *parts])  # the sentence once, not once per claim
    assert [c.score for c in out] == expected
