"""What both desks do alike: the ``Store`` methods that open a read session or one write
transaction, call the desk's function for the operation and turn what it returns into records.

A desk (``EmbeddedStore``, ``PostgresStore``) gives its transactions (``_transaction``: the base
reads in the read session open, else in a new one, and changes in one transaction, refused inside
a read session) and the modules that do the work: its rows (``documents``, ``pg_rows``), verdicts
(``verdicts``, ``pg_verdicts``), scans (``scans``, ``pg_scans``), the removal of articles
(``removal``) and decisions about contradictions (``contradictions``; on the team desk both are
``pg_verdicts``'). The protocols below name the functions the base calls: mypy checks that a
desk's modules have each, taking that desk's session first and giving what the base expects;
``tests/test_desk_base.py`` checks that both desks' take the same arguments after it. What the
desks do differently (one claim or article, listing contradictions, links, similar claims, the
dashboard, settings, loading a whole desk, feeds, reindexing) stays with each.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from claimtrack.errors import StoreError
from claimtrack.store.interface import SEARCH_THRESHOLD, Filters, current_user
from claimtrack.store.matching import WordMatcher, as_match
from claimtrack.store.records import ArticleRecord, Change, ClaimRecord, Evidence, Match

if TYPE_CHECKING:
    from claimtrack.config import Config
    from claimtrack.exchange import Review
    from claimtrack.model import ScanResult

#: A desk's open session: the embedded desk's ``engine.Session``, the team desk's ``pg_rows.Tx``
#: (contravariant: a module's functions take it).
S = TypeVar("S", contravariant=True)
T = TypeVar("T")
#: A stored document (a claim, an article's catalog entry, a history entry) as JSON.
Doc = dict[str, Any]


class Rows(Protocol[S]):
    """Reading a desk's stored rows (``documents``, ``pg_rows``)."""

    def resolve(self, session: S, /, *args: Any, **kwargs: Any) -> tuple[str, str]:
        """(claim id, article id) for a unique id prefix."""

    def catalog(self, session: S, /, *args: Any, **kwargs: Any) -> list[Doc]:
        """Every article's catalog entry (or those of ``ids``), in the order first stored."""

    def history(self, session: S, /, *args: Any, **kwargs: Any) -> Iterable[Doc]:
        """History entries (``where``: an SQL condition), in order."""

    def record_change(self, session: S, /, *args: Any, **kwargs: Any) -> Doc:
        """Append a history entry; return it."""


class Verdicts(Protocol[S]):
    """Changing a desk's verdicts, and reading them as they were (``verdicts``, ``pg_verdicts``)."""

    def mark(self, session: S, /, *args: Any, **kwargs: Any) -> list[Doc]:
        """Set the status of claims; return the history entries."""

    def add_evidence(self, session: S, /, *args: Any, **kwargs: Any) -> Doc:
        """Attach one evidence item to a claim; return the history entry."""

    def add_note(self, session: S, /, *args: Any, **kwargs: Any) -> Doc:
        """Attach a note to a claim; return the history entry."""

    def undo(self, session: S, /, *args: Any, **kwargs: Any) -> Doc:
        """Reverse the latest change not yet undone; return the history entry."""

    def import_reviews(self, session: S, /, *args: Any, **kwargs: Any) -> tuple[list[Doc], int]:
        """Attach outside verdicts; return the entries and the reviews that matched nothing."""

    def claims_as_of(self, session: S, /, *args: Any, **kwargs: Any) -> list[ClaimRecord]:
        """Claims as they stood at a moment, each with the status it had then."""


class Scans(Protocol[S]):
    """Storing scans on a desk (``scans``, ``pg_scans``)."""

    def save_scans(self, session: S, /, *args: Any, **kwargs: Any) -> list[Doc]:
        """Store scan results; return each article's ``scan --json`` object."""


class Removal(Protocol[S]):
    """Removing an article scanned by mistake (``removal``, ``pg_verdicts``)."""

    def remove_article(self, session: S, /, *args: Any, **kwargs: Any) -> Doc:
        """Remove one article; return its catalog entry as it was."""


class Decisions(Protocol[S]):
    """Deciding about contradictions (``contradictions``, ``pg_verdicts``)."""

    def decide_contradictions(self, session: S, /, *args: Any, **kwargs: Any) -> list[Doc]:
        """Confirm, dismiss or reopen contradictions; return the history entries."""


class Desk(ABC, Generic[S]):
    """The ``Store`` methods both desks share. A desk names its modules (``_rows`` to
    ``_decisions``, as the protocols above), its match index and its SQL's parameter marker, and
    gives its settings (``config``) and its transactions (``_transaction``)."""

    _rows: Rows[S]
    _verdicts: Verdicts[S]
    _scans: Scans[S]
    _removal: Removal[S]
    _decisions: Decisions[S]
    #: The desk's match index (``WordMatcher``) over an open session.
    _matcher: Callable[[S], WordMatcher]
    #: The parameter marker of the desk's SQL (``?``, ``%s``).
    _param: str
    #: The open connection (None: closed, or not opened yet).
    _conn: Any
    #: The read session open (``session()``), else None.
    _session: Any

    @property
    @abstractmethod
    def config(self) -> Config:
        """The desk's settings."""

    @abstractmethod
    def _transaction(self, write: bool) -> AbstractContextManager[S]:
        """A new transaction (``write``: one that may change the database)."""

    @contextmanager
    def _read(self) -> Iterator[S]:
        """The read session open, else a new read-only transaction."""
        if self._session is not None:
            yield self._session
            return
        with self._transaction(write=False) as session:
            self._session = session
            try:
                yield session
            finally:
                self._session = None

    def _write(self, change: Callable[[S], T]) -> T:
        """What ``change`` returns, run in one write transaction (never inside a read session
        or another change); reads made while it runs (a ``confirm`` listing claims) are its."""
        if self._session is not None:
            raise StoreError("a change cannot be made inside a read session or another change")
        with self._transaction(write=True) as session:
            self._session = session
            try:
                return change(session)
            finally:
                self._session = None

    def close(self) -> None:
        """Close the connection (it reopens on the next call)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def session(self) -> Iterator[None]:
        """Read everything inside the block from one snapshot."""
        with self._read():
            yield

    def save_scans(
        self, results: Sequence[ScanResult], checkers: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Store scan results in one transaction; return each article's ``scan --json``."""
        save, config = self._scans.save_scans, self.config
        return self._write(lambda session: save(session, results, checkers, config))

    # -- reading ---------------------------------------------------------------------------

    def claims_as_of(self, moment: str, filters: Filters = Filters()) -> list[ClaimRecord]:
        """Claims as they stood at ``moment``, each with the status it had then."""
        with self._read() as session:
            return self._verdicts.claims_as_of(session, moment, filters)

    def history(self, prefix: str) -> list[Change]:
        """Every change of one claim, oldest first."""
        rows = self._rows
        with self._read() as session:
            claim_id, _ = rows.resolve(session, prefix)
            found = rows.history(session, f"claim = {self._param}", (claim_id,))
            return [Change.from_json(entry) for entry in found]

    def log(self, limit: int | None = None, claim: str | None = None) -> list[Change]:
        """Changes across the database, newest first."""
        rows, p = self._rows, self._param
        where, args = (f"claim >= {p} AND claim < {p}", (claim, claim + "g")) if claim else ("", ())
        with self._read() as session:
            found = rows.history(session, where, args, newest_first=True, limit=limit)
            return [Change.from_json(entry) for entry in found]

    def articles(self, ids: Collection[str] | None = None) -> list[ArticleRecord]:
        """Every stored article (or those of ``ids``), without text, in the order first stored."""
        with self._read() as session:
            return [ArticleRecord.from_json(e) for e in self._rows.catalog(session, ids)]

    def search(
        self, text: str, limit: int = 20, threshold: float = SEARCH_THRESHOLD
    ) -> list[Match]:
        """Stored claims alike to ``text``, best first."""
        with self._read() as session:
            found = self._matcher(session).find(text, threshold, limit)
            return [as_match(item, score) for item, score in found]

    # -- changing --------------------------------------------------------------------------

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
        """Set the status of claims (by id prefixes, ``filters`` or both); one change each."""
        mark, config, who = self._verdicts.mark, self.config, by or current_user()
        wanted = list(prefixes)  # a change tried again reads the same prefixes
        found = self._write(
            lambda session: mark(
                session, config, wanted, status, note, evidence, who, filters, confirm
            )
        )
        return [Change.from_json(entry) for entry in found]

    def add_evidence(self, prefix: str, item: Evidence, by: str | None = None) -> Change:
        """Attach one evidence item to a claim."""
        add, who = self._verdicts.add_evidence, by or current_user()
        return Change.from_json(self._write(lambda session: add(session, prefix, item, who)))

    def add_note(self, prefix: str, text: str, by: str | None = None) -> Change:
        """Attach a note to a claim."""
        add, who = self._verdicts.add_note, by or current_user()
        return Change.from_json(self._write(lambda session: add(session, prefix, text, who)))

    def undo(
        self, prefix: str | None = None, by: str | None = None, note: str | None = None
    ) -> Change:
        """Reverse the latest change not yet undone (of one claim, or anywhere)."""
        undo, who = self._verdicts.undo, by or current_user()
        return Change.from_json(self._write(lambda session: undo(session, prefix, who, note)))

    def import_reviews(
        self, reviews: Sequence[Review], set_status: bool = False, by: str | None = None
    ) -> tuple[list[Change], int]:
        """Attach outside verdicts to the claims they match."""
        attach, config, who = self._verdicts.import_reviews, self.config, by or current_user()
        found, unmatched = self._write(
            lambda session: attach(session, config, reviews, set_status, who)
        )
        return [Change.from_json(entry) for entry in found], unmatched

    def remove_article(self, key: str, by: str | None = None) -> ArticleRecord:
        """Remove an article scanned by mistake; its claims' history stays."""
        remove, who = self._removal.remove_article, by or current_user()
        return ArticleRecord.from_json(self._write(lambda session: remove(session, key, who)))

    def decide_contradictions(
        self, prefixes: Iterable[str], decision: str, note: str | None = None, by: str | None = None
    ) -> list[Change]:
        """Confirm or dismiss contradictions (``open`` reopens them)."""
        decide, who = self._decisions.decide_contradictions, by or current_user()
        wanted = list(prefixes)  # a change tried again reads the same ids
        found = self._write(lambda session: decide(session, wanted, decision, note, who))
        return [Change.from_json(entry) for entry in found]
