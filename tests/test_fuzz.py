"""Property tests: for any input the loader, segmenter and bundled plugins raise nothing unexpected
and every claim's text is the article text at its offsets."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from claimtrack import loader
from claimtrack.errors import ArticleError
from claimtrack.pipeline import scan_article
from claimtrack.plugins import PluginHost, load_plugins
from claimtrack.text import make_article

NEWSY = st.text(
    alphabet=st.sampled_from(
        list("Aa Mr. U.S. said “”\"'\n\r\t.!?…,;:0123456789%$— \u200b\u202eé")
    ),
    min_size=1,
    max_size=400,
) | st.text(min_size=1, max_size=300)

_HOST: list[PluginHost] = []


def host() -> PluginHost:
    if not _HOST:
        _HOST.append(load_plugins(entry_points=False))
    return _HOST[0]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.booleans())
def test_loader_accepts_or_rejects_any_bytes(data: bytes, html: bool) -> None:
    try:
        article = loader.article_from_bytes(data, "fuzz", html=html)
    except ArticleError:
        return
    assert article.text.strip()


@settings(max_examples=300, deadline=None)
@given(NEWSY)
def test_segmentation_offsets_index_the_text(source: str) -> None:
    article = make_article(source, "fuzz")
    for span in (*article.paragraphs, *article.sentences, *article.quotes):
        assert 0 <= span.start <= span.end <= len(source)
    for sentence in article.sentences:
        piece = source[sentence.start : sentence.end]
        assert piece and piece == piece.strip()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NEWSY)
def test_bundled_plugins_keep_offsets_and_never_fail(source: str) -> None:
    if not source.strip():
        return
    result = scan_article(host(), make_article(source, "fuzz"))
    assert [e for e in result.errors] == []
    for claim in result.claims:
        assert claim.text == source[claim.start : claim.end]
    for conflict in result.contradictions:
        assert conflict.a.text == source[conflict.a.start : conflict.a.end]


@pytest.mark.slow
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(NEWSY)
def test_bundled_plugins_long_fuzz(source: str) -> None:
    test_bundled_plugins_keep_offsets_and_never_fail.hypothesis.inner_test(source)  # type: ignore[attr-defined]


# The LLM extractor's parser: whatever a model (or a hostile server posing as one) answers,
# it raises LLMError or returns claims whose text is the article's text at their offsets.
ARTICLE_TEXT = st.text(
    alphabet=st.sampled_from(list("Aa Bb said 12% in 2014 “”\"'\n\t.!?,\u200b\u202eé€")),
    min_size=1,
    max_size=200,
).filter(str.strip)
JSON_SCALAR = st.none() | st.booleans() | st.integers(-3, 40) | st.floats() | st.text(max_size=20)
JSON_VALUE = st.recursive(
    JSON_SCALAR,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def model_answers(draw: st.DrawFn) -> tuple[str, str]:
    """(article text, answer): JSON built from the article's sentences, mangled or not."""
    from claimtrack import CLAIM_TYPES

    source = draw(ARTICLE_TEXT)
    sentences = make_article(source, "fuzz").sentences
    items: list[object] = []
    for _ in range(draw(st.integers(0, 4))):
        number = draw(st.integers(0, len(sentences) + 1) | JSON_SCALAR)
        quote: object
        if sentences and isinstance(number, int) and 1 <= number <= len(sentences):
            words = source[sentences[number - 1].start : sentences[number - 1].end]
            lo = draw(st.integers(0, len(words)))
            hi = draw(st.integers(lo, len(words)))
            quote = draw(st.sampled_from([words[lo:hi], " ".join(words[lo:hi].split())]))
        else:
            quote = draw(st.text(max_size=30))
        quote = draw(st.just(quote) | JSON_VALUE)
        item = {
            "sentence": number,
            "quote": quote,
            "claim": draw(st.text(max_size=30) | JSON_VALUE),
            "type": draw(st.sampled_from(list(CLAIM_TYPES)) | JSON_VALUE),
        }
        items.append(draw(st.just(item) | JSON_VALUE))
    answer = json.dumps(
        draw(st.just({"claims": items}) | JSON_VALUE), ensure_ascii=draw(st.booleans())
    )
    wrapped = draw(
        st.sampled_from(["{}", "```json\n{}\n```", "```{}```", " {} ", "{}\n```", "[{}"])
    ).replace("{}", answer)
    return source, draw(st.just(wrapped) | st.text(max_size=80))


def check_parse_claims(source: str, answer: str) -> None:
    from claimtrack_plugins.llm_extractor import LLMError, parse_claims

    article = make_article(source, "fuzz")
    try:
        claims = parse_claims(article, article.sentences, answer, "fuzz-model")
    except LLMError:
        return
    for claim in claims:
        assert claim.text == source[claim.start : claim.end]
        assert any(s.start <= claim.start < claim.end <= s.end for s in article.sentences)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_answers())
@example(("The port moved 4 tonnes.", "[" * 100_000))
@example(("The port moved 4 tonnes.", "```" + " " * 5_000 + "x"))
@example(("The port moved 4 tonnes.", '{"claims": [{"sentence": 1, "quote": "port", "type": []}]}'))
def test_llm_answers_raise_llm_error_or_give_exact_claims(case: tuple[str, str]) -> None:
    check_parse_claims(*case)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_answers())
def test_llm_answers_long_fuzz(case: tuple[str, str]) -> None:
    check_parse_claims(*case)
