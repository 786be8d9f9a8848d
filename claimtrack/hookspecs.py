"""Every hook a claimtrack plugin can implement, in the order a scan calls them.

A plugin is a module (or object) with functions named after these hooks and decorated with
``claimtrack.hookimpl``. It may implement any subset, and may accept fewer arguments than the
spec lists. The core calls each plugin's implementation on its own: a plugin that raises or
returns something malformed is reported by name and skipped, and the other plugins' results are
kept. Plugins must not print, touch the store or change the objects they are given.

Every hook given an article runs inside that article's scan: its parse (``article.doc``) and
every spaCy object or string hash taken from it are valid until the scan ends, so a plugin keeps
only plain data (``str``, numbers, offsets) beyond it, in its caches and in ``Claim.details``,
which holds JSON data only (docs/plugins.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from claimtrack.model import Article, Claim, Contradiction, Span

hookspec = pluggy.HookspecMarker("claimtrack")


# --- loading -------------------------------------------------------------------------------


@hookspec(firstresult=True)
def claimtrack_load_article(source: str) -> Article | None:
    """Load the article at ``source`` (a path, ``-`` or a URL), or return None to pass.

    Called once per source before the built-in loader, last-registered plugin first; the first
    non-None result wins, so a user's loader can take over a format the core already reads.
    The returned article needs only ``text``, ``source`` and ``metadata``: the core segments it.
    Raise ``claimtrack.ArticleError`` with a one-line message for input that cannot be read.
    """


# --- extraction ----------------------------------------------------------------------------


@hookspec
def claimtrack_find_furniture(article: Article) -> Iterable[Span] | None:
    """Return spans of boilerplate that must never become claims.

    Called once per article after segmentation and before extraction. Bylines, datelines, photo
    captions, "Published in …" footers, comment sections and share lines are furniture; the
    title and standfirst are not. The spans of all plugins are merged into
    ``article.furniture``, which extractors can consult through ``article.is_furniture(span)``;
    the core also drops any claim that lies mostly in furniture.
    """


@hookspec
def claimtrack_extract_claims(article: Article) -> Iterable[Claim] | None:
    """Yield the candidate claims of ``article``: the main extension point.

    Called once per article for every extractor. ``article.doc`` is the article's spaCy parse
    (tokens, sentences, entities, dependency trees; parsed once and shared by every plugin) and
    ``article.parsed(span)`` the tokens of a span; their offsets index ``article.text``. Both
    are valid during this article's scan only: keep ``str`` and offsets, never a spaCy object,
    beyond it (docs/plugins.md). Make each claim with
    ``Claim.from_span(article, start, end, type=..., score=...)``; the core sets ``extractor`` to
    the plugin's name. Yield check-worthy and not check-worthy candidates alike: ``scan`` shows
    the check-worthy ones and ``scan --all`` shows both. ``checkworthy`` is yours to decide: a
    claim keeps True (the default: an extractor that finds a claim is heard) or False, and
    ``checkworthy=None`` leaves the decision to the bundled scorer, which ranks every claim
    (``score``) and decides only these (with the scorer disabled, ``score`` decides at
    ``DEFAULT_THRESHOLD``). Spans outside the text and objects that are not
    claims are rejected and reported against the plugin. When two extractors yield the same
    span, the one called first keeps it: the last registered is called first, so a
    ``--plugins-dir`` plugin wins over an installed one, and both over the bundled extractors.
    """


@hookspec
def claimtrack_enrich_claims(article: Article, claims: Sequence[Claim]) -> Sequence[Claim] | None:
    """Return the claims with fields filled in or refined, or None to leave them as they are.

    Called after extraction, once per enricher, each receiving the previous enricher's output:
    attribution, typing, stand-alone text, splitting and check-worthiness scoring live here.
    Order enrichers with ``hookimpl(tryfirst=True)`` (runs early: attribution) or
    ``hookimpl(trylast=True)`` (runs late: final scoring). An enricher may drop claims or
    replace one by several (a sentence holding two checkable parts); every returned item must be
    a ``Claim`` whose span lies in the text.
    """


# --- relating ------------------------------------------------------------------------------


@hookspec
def claimtrack_find_contradictions(
    article: Article, claims: Sequence[Claim]
) -> Iterable[Contradiction] | None:
    """Yield pairs of claims in one article that contradict each other.

    Called once per article after enrichment with all claims, check-worthy or not. Make each
    result with ``Contradiction.between(a, b, kind, explanation)``; ``kind`` is one of the
    self-contradictions ``frame``, ``polarity``, ``quantity`` and ``date`` (one source
    contradicting itself), ``disagreement`` (two claims, whoever made them, giving different
    figures or dates for one thing) or a plugin's own word. The core sets
    ``extractor`` and drops duplicates of the same pair and kind. An article with more than
    ``claimtrack.MAX_CONTRADICTIONS`` contradictions is rejected, so a plugin may stop at one
    past that number.
    """


@hookspec(firstresult=True)
def claimtrack_score_pair(article: Article, a: Claim, b: Claim) -> float | None:
    """Return the probability in [0, 1] that claims ``a`` and ``b`` contradict, or None to pass.

    An optional hook for model-based checkers (a local NLI model, say). Contradiction plugins
    call it through ``claimtrack.score_pair`` to confirm or rank a candidate pair; with no
    implementation it returns None and they rely on their own rules.
    """


# --- output and commands -------------------------------------------------------------------


@hookspec
def claimtrack_exporters() -> dict[str, Any] | None:
    """Return extra export formats as ``{name: callable(records, stream) -> None}``.

    Called when ``claimtrack export`` starts. Each callable receives an iterable of claim
    records (the dicts ``claims --json`` prints) and a text stream to write to.
    """
