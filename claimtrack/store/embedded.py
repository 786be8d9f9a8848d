"""The embedded desk: the ``Store`` interface over TinyDB documents in one SQLite file.

Each call is one SQLite transaction (see ``engine.py``), unless it runs inside ``session()``,
which reads everything from one snapshot. Opening a database made by an older claimtrack (a
folder of JSON files) upgrades it first (``legacy.py``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from pathlib import Path

from claimtrack.config import CONFIG_FILE, Config, parse_config_text
from claimtrack.errors import StoreError, UsageError
from claimtrack.store import (
    bulk,
    contradictions,
    dashboard,
    documents,
    legacy,
    links,
    recovery,
    removal,
    scans,
    verdicts,
)
from claimtrack.store.desk import Desk
from claimtrack.store.documents import (
    catalog,
    catalog_entry,
    claim_doc,
    docs_of,
    resolve,
    resolve_article,
    select,
    stored_article,
)
from claimtrack.store.engine import Session, connect, transaction
from claimtrack.store.interface import SEARCH_THRESHOLD, Filters
from claimtrack.store.matching import MatchIndex, as_match
from claimtrack.store.records import (
    ArticleRecord,
    ArticleSection,
    Change,
    ClaimRecord,
    ContradictionRecord,
    Dashboard,
    Link,
    Match,
    Rescan,
    StoredArticle,
    Summary,
)
from claimtrack.store.schema import SCHEMA, migrate, version


class EmbeddedStore(Desk[Session]):
    """A claimtrack database folder (``claimtrack.sqlite`` and an optional ``config.toml``)."""

    _rows, _verdicts, _scans = documents, verdicts, scans
    _removal, _decisions = removal, contradictions
    _matcher, _param = MatchIndex, "?"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()
        self.location = str(self.path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a claimtrack database folder")
        self._conn: sqlite3.Connection | None = None
        self._session: Session | None = None
        self._config: Config | None = None
        self._created = False
        self.upgraded: legacy.Upgraded | None = None

    # -- sessions --------------------------------------------------------------------------

    @property
    def created(self) -> bool:
        """Whether opening this store made a new, empty database."""
        self._connection()
        return self._created

    def _transaction(self, write: bool) -> AbstractContextManager[Session]:
        """A new SQLite transaction (``write``: one holding the write lock)."""
        return transaction(self.path, self._connection(), write)

    def _connection(self) -> sqlite3.Connection:
        """The open connection; the first call creates or upgrades the database if need be."""
        if self._conn is None:
            conn = connect(self.path)
            with transaction(self.path, conn, write=False) as session:
                current = version(session)
            if current != SCHEMA:
                with transaction(self.path, conn, write=True) as session:
                    new = migrate(session, documents.now())
                    old_layout = new and legacy.is_legacy(self.path)
                    if old_layout:
                        self.upgraded = legacy.upgrade(session)
                    self._created = new and not old_layout
                if self.upgraded is not None:
                    legacy.finish(self.path)
            self._conn = conn
        return self._conn

    @property
    def config(self) -> Config:
        """This database's settings (``config.toml``), read once."""
        if self._config is None:
            self._config = self._checked(self.settings())
        return self._config

    def settings(self) -> str | None:
        """The text of the folder's ``config.toml``, or None when it has none."""
        try:
            return (self.path / CONFIG_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError as exc:
            raise UsageError(f"{self.path / CONFIG_FILE} is not valid TOML: {exc}") from exc

    def configure(self, text: str | None) -> Config:
        """Check ``text``, then replace the folder's ``config.toml`` with it atomically (None:
        remove it)."""
        self._connection()  # a folder that is no database is refused before anything is written
        config = self._checked(text)
        self._put_settings(text)
        self._config = config
        return config

    def _checked(self, text: str | None) -> Config:
        """The settings ``text`` gives (None: the defaults), or ``UsageError``."""
        return Config() if text is None else parse_config_text(text, str(self.path / CONFIG_FILE))

    def _put_settings(self, text: str | None) -> None:
        """Replace ``config.toml`` with ``text`` atomically (None: remove it)."""
        path = self.path / CONFIG_FILE
        if text is None:
            path.unlink(missing_ok=True)
            return
        temporary = path.with_name(f".{CONFIG_FILE}.{os.getpid()}")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)

    # -- reading (what both desks do alike is ``Desk``'s) -----------------------------------

    def claim(self, prefix: str) -> ClaimRecord:
        """One claim by unique id prefix."""
        with self._read() as session:
            return ClaimRecord.from_json(claim_doc(session, *resolve(session, prefix)))

    def claims(self, filters: Filters = Filters()) -> list[ClaimRecord]:
        """Claims passing ``filters``, article by article, in text order."""
        with self._read() as session:
            return select(session, filters)

    def article(self, prefix: str) -> ArticleRecord:
        """One article with its text, by id prefix or source."""
        with self._read() as session:
            article_id = resolve_article(session, prefix)
            entry = catalog_entry(session, article_id) or {}
            return ArticleRecord.from_json(docs_of(session, article_id).record | entry)

    def contradictions(self, article_id: str) -> list[ContradictionRecord]:
        """The stored contradictions of one article."""
        with self._read() as session:
            found = docs_of(session, article_id).contradictions
            return [ContradictionRecord.from_json(d) for d in found]

    def select_contradictions(
        self,
        article: str | None = None,
        kind: str | None = None,
        decision: str | None = None,
        include_stale: bool = False,
    ) -> list[ContradictionRecord]:
        """Contradictions across articles (or of one), with both statements."""
        with self._read() as session:
            found = contradictions.select(session, article, kind, decision, include_stale)
            return [ContradictionRecord.from_json(d) for d in found]

    def rescans(self, article: str) -> list[Rescan]:
        """What each rescan of an article changed."""
        with self._read() as session:
            docs = docs_of(session, resolve_article(session, article))
            return [Rescan.from_json(d) for d in docs.rescans]

    def links(self, prefix: str) -> list[Link]:
        """The claims of other articles one claim repeats, with their current status."""
        with self._read() as session:
            return links.links(session, prefix)

    def earlier_verdicts(self, claim_ids: Iterable[str]) -> dict[str, list[Link]]:
        """For each claim with links, the claims of other articles it repeats."""
        with self._read() as session:
            return links.earlier_verdicts(session, claim_ids)

    def similar(
        self, prefix: str, limit: int = 20, threshold: float = SEARCH_THRESHOLD
    ) -> list[Match]:
        """Claims in other articles alike to one claim, best first."""
        with self._read() as session:
            claim_id, article_id = resolve(session, prefix)
            doc = claim_doc(session, claim_id, article_id)
            found = MatchIndex(session).find(
                doc.get("claim") or doc["text"], threshold, limit, exclude_article=article_id
            )
            return [as_match(row, score) for row, score in found]

    def summary(self) -> Summary:
        """Counts by status and type over the whole database, from the catalog alone."""
        with self._read() as session:
            return dashboard.summary(catalog(session))

    def dashboard(self, limit: int = 10) -> Dashboard:
        """The report's overview."""
        with self._read() as session:
            return dashboard.dashboard(session, self.config, limit)

    def latest_articles(
        self, limit: int = 10, article: str | None = None
    ) -> tuple[list[ArticleSection], int]:
        """The ``limit`` most recently updated articles (or the one given), and how many exist."""
        with self._read() as session:
            return dashboard.latest_articles(session, limit, article)

    # -- moving a whole desk ---------------------------------------------------------------

    def stored_articles(self) -> Iterator[StoredArticle]:
        """Every article with everything kept about it, in the order they were first stored."""
        with self._read() as session:
            for entry in catalog(session):
                yield stored_article(entry, docs_of(session, entry["id"]))

    def load(
        self,
        articles: Iterable[StoredArticle],
        changes: Iterable[Change],
        replace: bool = False,
        settings: str | None = None,
    ) -> None:
        """Write whole articles and history entries as given, in one transaction, and the
        folder's settings with it.

        ``config.toml`` is a file beside the SQLite database, so it cannot join the
        transaction: it is replaced once everything else is written, just before the commit,
        and put back as it was if anything fails (a kill in between leaves the new settings
        over the old content: on a copy into a new folder, an empty desk).
        """
        config = self._checked(settings)
        before = self.settings()

        def write(session: Session) -> None:
            bulk.load(session, articles, changes, replace)
            self._put_settings(settings)

        try:
            self._write(write)
        except BaseException:
            self._put_settings(before)
            raise
        self._config = config

    # -- feeds ---------------------------------------------------------------------------------

    def unseen_feed_items(self, keys: Iterable[str]) -> list[str]:
        """The feed item keys (``watch``) not remembered yet, each once, in the order given."""
        wanted = list(dict.fromkeys(keys))
        marks = ",".join("?" * len(wanted))
        with self._read() as session:
            found = session.all(f"SELECT key FROM feed_items WHERE key IN ({marks})", (*wanted,))
        known = {key for (key,) in found}
        return [key for key in wanted if key not in known]

    def remember_feed_items(self, feed: str, items: Mapping[str, str]) -> None:
        """Remember feed items as scanned: item key → the id of its stored article."""
        stamp = documents.now()
        rows = [(key, feed, article, stamp) for key, article in items.items()]
        self._write(
            lambda session: session.many(
                "INSERT OR REPLACE INTO feed_items(key, feed, article, at) VALUES (?, ?, ?, ?)",
                rows,
            )
        )

    def reindex(self) -> int:
        """Rebuild the claim ids, the match index and the catalog's counts from the articles."""
        return self._write(recovery.rebuild)
