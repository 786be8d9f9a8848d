"""Baseline extractor: every sentence of the article is a candidate claim.

Later plugins refine these candidates (attribution, types, check-worthiness). It leaves the
check-worthy decision to the scorer (``checkworthy=None``): every sentence is a candidate, not a
claim the extractor vouches for. Its own score, by simple signs of checkable content (numbers
and named things), decides only when the scorer is disabled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimtrack import Article, Claim, hookimpl

_DIGIT = re.compile(r"\d")
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")


@hookimpl
def claimtrack_extract_claims(article: Article) -> Iterator[Claim]:
    """Yield one candidate claim per sentence that is not furniture, undecided."""
    for sentence in article.sentences:
        if article.is_furniture(sentence):
            continue
        text = article.slice(sentence)
        score = 0.3 + 0.3 * bool(_DIGIT.search(text)) + 0.2 * bool(_NAME.search(text))
        if text.rstrip().endswith("?"):
            score = 0.1
        yield Claim.from_span(article, sentence.start, sentence.end, score=score, checkworthy=None)
