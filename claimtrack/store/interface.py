"""The ``Store`` interface: everything above storage reaches stored data through it.

Two backends implement it: the embedded desk (``embedded.EmbeddedStore``: TinyDB documents in
one SQLite file) and a team desk on a database server. Records are the plain dataclasses of
``records.py``; ids are deterministic keys (a claim's id comes from its article's text and span,
so two machines scanning the same article make the same ids); any unique prefix of four or more
hex digits names a claim. The history is append-only: every change is a new ``Change`` with its
author (``by``, default ``current_user()``) and, for a status change, the status before it.
A backend raises ``StoreError`` (or ``UsageError`` for values that make no sense) with one line
a person can act on, never an engine's own exception.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from claimtrack.store.records import (
    ArticleRecord,
    ArticleSection,
    Change,
    ClaimRecord,
    ContradictionRecord,
    Dashboard,
    Evidence,
    Link,
    Match,
    Rescan,
    StoredArticle,
    Summary,
)

if TYPE_CHECKING:
    from claimtrack.config import Config
    from claimtrack.exchange import Review
    from claimtrack.model import ScanResult

#: Score (rapidfuzz, 0–100) from which a claim in another article is taken to be the same claim.
LINK_THRESHOLD = 80.0
#: Score from which ``similar`` and ``search`` list a claim.
SEARCH_THRESHOLD = 60.0
#: Who makes changes, when a command is not told (``--by``).
USER_ENV = "CLAIMTRACK_USER"


def current_user() -> str:
    """Who is making a change: ``CLAIMTRACK_USER``, else the login name, else ``unknown``.

    The login name comes from the environment (``LOGNAME``, ``USER``…) or the password
    database; a process with neither (a container's bare uid) is ``unknown``, never nothing.
    """
    chosen = os.environ.get(USER_ENV, "").strip()
    if chosen:
        return chosen
    try:
        return getpass.getuser().strip() or "unknown"
    except (OSError, KeyError, ImportError):  # KeyError: no password entry (Python < 3.13)
        return "unknown"


@dataclass(frozen=True)
class Filters:
    """Which claims a listing, bulk change or export selects."""

    article: str | None = None
    status: str | None = None
    type: str | None = None
    speaker: str | None = None
    min_score: float | None = None
    checkworthy_only: bool = False
    include_removed: bool = False

    def matches(self, claim: ClaimRecord) -> bool:
        """Whether a stored claim passes every filter (``article`` is the backend's to apply)."""
        speaker = (claim.speaker.name if claim.speaker else None) or ""
        return (
            (self.include_removed or not claim.removed)
            and (self.status is None or claim.status == self.status)
            and (self.type is None or claim.type == self.type)
            and (self.speaker is None or self.speaker.lower() in speaker.lower())
            and (self.min_score is None or claim.score >= self.min_score)
            and (not self.checkworthy_only or claim.checkworthy)
        )


class Store(Protocol):
    """A claimtrack database, whatever keeps it."""

    #: Where the database is (a folder, or a redacted server address).
    location: str

    @property
    def config(self) -> Config:
        """The database's settings (statuses and their ratings)."""

    def settings(self) -> str | None:
        """The TOML text the settings come from (a folder's ``config.toml``, a team desk's
        ``desk_settings`` row); None when the desk has none and uses the defaults."""

    def configure(self, text: str | None) -> Config:
        """Replace the desk's settings with ``text`` (the form of a ``config.toml``; None: the
        defaults) and return them. ``text`` is parsed and checked first (``UsageError`` naming
        the bad setting): a bad one changes nothing. The change is atomic."""

    @property
    def created(self) -> bool:
        """Whether opening this store made a new, empty database."""

    def session(self) -> AbstractContextManager[None]:
        """Read everything inside the block from one snapshot (one read session per command)."""

    # -- scanning --------------------------------------------------------------------------

    def save_scans(
        self, results: Sequence[ScanResult], checkers: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Store scan results atomically; return each article's ``scan --json`` object.

        Rescanning the same text adds nothing and keeps verdicts; a known source with changed
        text keeps the ids and verdicts of claims still there (or lightly edited), marks the
        others removed and records the rescan; new claims repeating a claim of another article
        are linked to it both ways. ``checkers`` names the contradiction plugins that ran.
        """

    # -- reading ---------------------------------------------------------------------------

    def claim(self, prefix: str) -> ClaimRecord:
        """One claim by unique id prefix."""

    def claims(self, filters: Filters = Filters()) -> list[ClaimRecord]:
        """Claims passing ``filters``, article by article, in text order."""

    def claims_as_of(self, moment: str, filters: Filters = Filters()) -> list[ClaimRecord]:
        """Claims as they stood at ``moment`` (an ISO time), each with the status it had then."""

    def history(self, prefix: str) -> list[Change]:
        """Every change of one claim, oldest first."""

    def log(self, limit: int | None = None, claim: str | None = None) -> list[Change]:
        """Changes across the database (or of claims whose id starts with ``claim``), newest
        first: the latest ``limit`` of them (all when None)."""

    def articles(self, ids: Collection[str] | None = None) -> list[ArticleRecord]:
        """Every stored article (or those of ``ids`` that are stored), without text, in the
        order they were first stored."""

    def article(self, prefix: str) -> ArticleRecord:
        """One article with its text, by id prefix or the source it was scanned from."""

    def contradictions(self, article_id: str) -> list[ContradictionRecord]:
        """The stored contradictions of one article."""

    def select_contradictions(
        self,
        article: str | None = None,
        kind: str | None = None,
        decision: str | None = None,
        include_stale: bool = False,
    ) -> list[ContradictionRecord]:
        """Contradictions across articles (or of one) with both statements' text and speaker;
        ``decision`` is ``open``, ``confirmed`` or ``dismissed``."""

    def rescans(self, article: str) -> list[Rescan]:
        """What each rescan of an article changed."""

    def links(self, prefix: str) -> list[Link]:
        """The claims of other articles one claim repeats, with their current status."""

    def earlier_verdicts(self, claim_ids: Iterable[str]) -> dict[str, list[Link]]:
        """For each claim with links, the claims of other articles it repeats."""

    def similar(
        self, prefix: str, limit: int = 20, threshold: float = SEARCH_THRESHOLD
    ) -> list[Match]:
        """Claims in other articles alike to one claim, best first."""

    def search(
        self, text: str, limit: int = 20, threshold: float = SEARCH_THRESHOLD
    ) -> list[Match]:
        """Stored claims alike to ``text``, best first."""

    def summary(self) -> Summary:
        """Counts by status and type over the whole database."""

    def dashboard(self, limit: int = 10) -> Dashboard:
        """The report's overview."""

    def latest_articles(
        self, limit: int = 10, article: str | None = None
    ) -> tuple[list[ArticleSection], int]:
        """The ``limit`` most recently updated articles (or the one given), and how many exist."""

    # -- changing (each call one atomic change; every change appends to the history) --------

    def mark(
        self,
        prefixes: Iterable[str],
        status: str,
        note: str | None = None,
        evidence: Sequence[Evidence | str] = (),
        by: str | None = None,
        filters: Filters | None = None,
        confirm: Callable[[int], bool] | None = None,
    ) -> list[Change]:
        """Set the status of claims (by id prefixes, ``filters`` or both); one change each.

        All ids are resolved before anything is written; ``confirm`` is asked with the number of
        claims and may decline (``Declined``), which changes nothing. It may read the store (it
        sees the change's own transaction) but not change it.
        """

    def add_evidence(self, prefix: str, item: Evidence, by: str | None = None) -> Change:
        """Attach one evidence item to a claim."""

    def add_note(self, prefix: str, text: str, by: str | None = None) -> Change:
        """Attach a note to a claim."""

    def undo(
        self, prefix: str | None = None, by: str | None = None, note: str | None = None
    ) -> Change:
        """Reverse the latest change not yet undone (of one claim, or anywhere), as a new change."""

    def import_reviews(
        self, reviews: Sequence[Review], set_status: bool = False, by: str | None = None
    ) -> tuple[list[Change], int]:
        """Attach outside verdicts to the claims they match; return the changes and the number
        of reviews that matched nothing. A review a claim holds already is not added again."""

    def remove_article(self, key: str, by: str | None = None) -> ArticleRecord:
        """Remove an article scanned by mistake (by id prefix or source), with its claims and
        contradictions; their history stays, with a ``removed`` change per claim. Returns the
        article as it was listed."""

    def decide_contradictions(
        self, prefixes: Iterable[str], decision: str, note: str | None = None, by: str | None = None
    ) -> list[Change]:
        """Confirm or dismiss contradictions (``open`` reopens them)."""

    # -- moving a whole desk (``db copy``) -----------------------------------------------------

    def stored_articles(self) -> Iterator[StoredArticle]:
        """Every article with everything kept about it (text, every claim and contradiction,
        removed and stale ones too, rescans), in the order they were first stored."""

    def load(
        self,
        articles: Iterable[StoredArticle],
        changes: Iterable[Change],
        replace: bool = False,
        settings: str | None = None,
    ) -> None:
        """Write whole articles and history entries exactly as given, and the desk's settings
        (``settings``, as ``configure`` takes them: None for the defaults), in one atomic change.

        Ids, statuses, times, authors and decisions are kept as they are; ``changes`` come
        oldest first and keep that order (``log`` gives them back newest first). The derived
        indexes (claim ids, matching, counts) are rebuilt. ``settings`` is checked before
        anything is written. A database that already holds articles or history is refused
        (``StoreError``) unless ``replace``, which empties it first, within the same change.
        """

    # -- feeds (``watch``) -------------------------------------------------------------------

    def unseen_feed_items(self, keys: Iterable[str]) -> list[str]:
        """The feed item keys not remembered yet, each once, in the order given."""

    def remember_feed_items(self, feed: str, items: Mapping[str, str]) -> None:
        """Remember feed items as scanned: item key → the id of its stored article."""

    def reindex(self) -> int:
        """Rebuild the derived indexes from the stored articles; return the live claims."""
