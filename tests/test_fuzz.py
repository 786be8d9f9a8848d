"""Property tests: for any input the loader, segmenter and bundled plugins raise nothing unexpected
and every claim's text is the article text at its offsets."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
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
