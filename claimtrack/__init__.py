"""claimtrack: find, track and verify the checkable claims in news articles.

This module is the public API: everything a plugin author needs, and, for scripts and notebooks,
``scan`` (one article in, typed results out) and ``open_store`` (the stored claims, verdicts and
history as typed records; see ``claimtrack.store``).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module
from pathlib import Path
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
        ScanResult,
        Sentence,
        Span,
        Speaker,
    )
    from claimtrack.pipeline import MAX_CONTRADICTIONS
    from claimtrack.store import open_store

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
    "open_store": "store",
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


def scan(
    source: str | Path,
    *,
    disable: Sequence[str] = (),
    plugins_dir: str | Path | None = None,
) -> ScanResult:
    """Scan one article and return its claims, contradictions and plugin failures, typed.

    ``source`` is a file, a URL, ``-`` for standard input, or the article's text itself (any
    string that is not an existing file or a URL). Plugins load as for ``claimtrack scan``
    (``disable`` blocks some, ``plugins_dir`` adds a folder of plugin files). Nothing is stored:
    ``claimtrack.open_store(db).save_scans([result])`` stores a result as ``scan`` does. Raises
    ``ArticleError`` for input that cannot be read.
    """
    from claimtrack.loader import is_url
    from claimtrack.pipeline import scan_article, scan_source
    from claimtrack.plugins import load_plugins
    from claimtrack.text import make_article

    folder = Path(plugins_dir) if plugins_dir is not None else None
    host = load_plugins(disable=disable, plugins_dir=folder)
    text = str(source)
    named = "\n" not in text and len(text) < 4096 and (text == "-" or Path(text).is_file())
    if isinstance(source, Path) or named or is_url(text):
        return scan_source(host, text)
    return scan_article(host, make_article(text, "-"))


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
    "open_store",
    "scan",
    "score_pair",
]
