"""claimtrack: find, track and verify the checkable claims in news articles.

This module is the public plugin API: everything a plugin author needs, and nothing else.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from claimtrack.pipeline import MAX_CONTRADICTIONS

    #: Decorator marking a function as the implementation of a claimtrack hook.
    hookimpl: pluggy.HookimplMarker

__version__ = "0.1.0"

# Names are imported on first use, so that `claimtrack --help` does not pay for the model.
_LAZY = {
    **dict.fromkeys(("ArticleError", "ClaimtrackError", "PluginError", "StoreError"), "errors"),
    **dict.fromkeys(
        (
            "CLAIM_TYPES",
            "DEFAULT_THRESHOLD",
            "Article",
            "Claim",
            "Contradiction",
            "Metadata",
            "Paragraph",
            "Quote",
            "Sentence",
            "Span",
            "Speaker",
        ),
        "model",
    ),
    "MAX_CONTRADICTIONS": "pipeline",
}


def __getattr__(name: str) -> Any:
    """Import the public API's names lazily (PEP 562)."""
    if name == "hookimpl":
        import pluggy

        value: Any = pluggy.HookimplMarker("claimtrack")
    elif name in _LAZY:
        value = getattr(import_module(f"claimtrack.{_LAZY[name]}"), name)
    else:
        raise AttributeError(f"module 'claimtrack' has no attribute {name!r}")
    globals()[name] = value
    return value


def score_pair(article: Article, a: Claim, b: Claim) -> float | None:
    """Probability that two claims contradict, from any ``claimtrack_score_pair`` plugin.

    For contradiction plugins during a scan; None when no plugin scores pairs.
    """
    from claimtrack.pipeline import score_pair as ask_plugins

    return ask_plugins(article, a, b)


__all__ = [
    "CLAIM_TYPES",
    "DEFAULT_THRESHOLD",
    "MAX_CONTRADICTIONS",
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
