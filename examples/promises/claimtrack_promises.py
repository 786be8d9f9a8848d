"""A claimtrack extractor for promises: "we will cut…", "by 2030 every home…".

A promise is checkable later: whoever made it either kept it or did not. This plugin yields every
sentence that commits someone to a future action or sets a dated target, typed ``position``
(what a speaker intends), with the words that make it a promise in ``details``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimtrack import Article, Claim, hookimpl

__version__ = "0.1.0"

# "we will", "I'll", "the government is going to", "they pledged to" ...
_COMMITMENT = re.compile(
    r"\b(?:we|i|they|he|she|it|government|ministry|party|company|council)"
    r"(?:\s+(?:will|shall|would)|'ll|\s+(?:is|are|was|were)\s+going\s+to"
    r"|\s+(?:promise[sd]?|pledge[sd]?|vow(?:s|ed)?|commit(?:s|ted)?|intends?|plans?)\s+to)\b",
    re.IGNORECASE,
)
# "by 2030", "by the end of 2025", "before 2040"
_TARGET = re.compile(r"\b(?:by|before)\s+(?:the\s+end\s+of\s+)?(?:19|20)\d\d\b", re.IGNORECASE)


@hookimpl
def claimtrack_extract_claims(article: Article) -> Iterator[Claim]:
    """Yield each sentence that makes a promise or sets a dated target."""
    for sentence in article.sentences:
        text = article.slice(sentence)
        if text.rstrip().endswith("?"):
            continue  # a question promises nothing
        cues = [m.group() for pattern in (_COMMITMENT, _TARGET) for m in pattern.finditer(text)]
        if not cues:
            continue
        yield Claim.from_span(
            article,
            sentence.start,
            sentence.end,
            type="position",
            score=0.8 if len(cues) > 1 else 0.6,
            details={"promise": cues},
        )
