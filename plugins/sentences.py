"""Baseline extractor: every sentence of the article is a candidate claim.

Later plugins refine these candidates (attribution, types, check-worthiness); on its own it
scores a sentence by simple signs of checkable content: numbers, dates and named things.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimtrack import Article, Claim, hookimpl

_DIGIT = re.compile(r"\d")
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")


@hookimpl
def claimtrack_extract_claims(article: Article) -> Iterator[Claim]:
    """Yield one candidate claim per sentence that is not furniture."""
    for sentence in article.sentences:
        if article.is_furniture(sentence):
            continue
        text = article.slice(sentence)
        score = 0.3 + 0.3 * bool(_DIGIT.search(text)) + 0.2 * bool(_NAME.search(text))
        if text.rstrip().endswith("?"):
            score = 0.1
        yield Claim.from_span(
            article, sentence.start, sentence.end, score=score, checkworthy=score >= 0.5
        )
