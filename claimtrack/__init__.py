"""claimtrack: find, track and verify the checkable claims in news articles.

This module is the public plugin API: everything a plugin author needs, and nothing else.
"""

import pluggy

from claimtrack.errors import ArticleError, ClaimtrackError, PluginError, StoreError
from claimtrack.model import (
    CLAIM_TYPES,
    DEFAULT_THRESHOLD,
    Article,
    Claim,
    Contradiction,
    Metadata,
    Paragraph,
    Quote,
    Sentence,
    Span,
    Speaker,
)

__version__ = "0.1.0"

#: Decorator marking a function as the implementation of a claimtrack hook.
hookimpl = pluggy.HookimplMarker("claimtrack")


def score_pair(article: Article, a: Claim, b: Claim) -> float | None:
    """Probability that two claims contradict, from any ``claimtrack_score_pair`` plugin.

    For contradiction plugins during a scan; None when no plugin scores pairs.
    """
    from claimtrack.pipeline import score_pair as ask_plugins

    return ask_plugins(article, a, b)


__all__ = [
    "CLAIM_TYPES",
    "DEFAULT_THRESHOLD",
    "Article",
    "ArticleError",
    "Claim",
    "ClaimtrackError",
    "Contradiction",
    "Metadata",
    "Paragraph",
    "PluginError",
    "Quote",
    "Sentence",
    "Span",
    "Speaker",
    "StoreError",
    "__version__",
    "hookimpl",
    "score_pair",
]
