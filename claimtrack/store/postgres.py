"""The team desk: the ``Store`` interface over tables in a PostgreSQL database.

``PostgresStore("postgresql://user@host/dbname")`` opens a database on a server (psycopg 3, the
optional extra ``claimtrack[postgres]``). Each call is one transaction; ``session()`` reads
several calls from one snapshot (``REPEATABLE READ``). An empty database gets the tables on
first use; one made by an older claimtrack is refused until ``claimtrack db upgrade`` applies
the missing migrations (``pg_schema.py``). How several people change one database at once is
said in ``pg_verdicts.py`` and ``pg_scans.py``. The URL's password never appears in a message:
``location`` is the redacted URL, and a driver's errors are scrubbed (``locations.scrub``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from typing import Any, NoReturn

from claimtrack.config import Config, parse_config_text
from claimtrack.errors import StoreError
from claimtrack.sandbox import forbidden_writer
from claimtrack.store import documents, pg_bulk, pg_rows, pg_scans, pg_verdicts
from claimtrack.store.contradictions import OPEN, check_decision, with_statements
from claimtrack.store.dashboard import review_statuses
from claimtrack.store.desk import Desk, T
from claimtrack.store.engine import LOCK_TIMEOUT_ENV, lock_timeout
from claimtrack.store.interface import SEARCH_THRESHOLD, Filters
from claimtrack.store.locations import redact, scrub
from claimtrack.store.matching import as_match
from claimtrack.store.pg_rows import (
    ServerMatchIndex,
    Tx,
    article_rescans,
    article_text,
    catalog,
    claim_doc,
    claim_docs,
    history,
    resolve,
    resolve_article,
    summary,
    with_text,
)
from claimtrack.store.pg_scans import contradiction_docs
from claimtrack.store.pg_schema import MIGRATIONS, SCHEMA, WAITING_ORDER
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
from claimtrack.store.schema import newer_schema

#: The extra that installs the PostgreSQL driver.
EXTRA = "claimtrack[postgres]"
#: The advisory lock that serialises schema migrations.
SCHEMA_LOCK = 0x736368656D61
#: How often a change that met another in a deadlock is tried again.
ATTEMPTS = 5
#: Seconds to wait for the server to answer a connection.
CONNECT_TIMEOUT = 10


class PostgresStore(Desk[Tx]):
    """A claimtrack database on a PostgreSQL server."""

    _rows, _verdicts, _scans = pg_rows, pg_verdicts, pg_scans
    _removal = _decisions = pg_verdicts
    _matcher, _param = ServerMatchIndex, "%s"

    def __init__(self, url: str, migrate: bool = True) -> None:
        self.url = url
        self.location = redact(url)
        self._migrate = migrate
        self._conn: Any = None
        self._session: Tx | None = None
        self._created = False
        self._config: Config | None = None

    # -- connection and transactions -----------------------------------------------------------

    @property
    def created(self) -> bool:
        """Whether opening this store made the tables of a new, empty database."""
        self._connection()
        return self._created

    @property
    def config(self) -> Config:
        """The desk's settings (``desk_settings``, else the defaults), read once."""
        if self._config is None:
            self._config = self._checked(self.settings())
        return self._config

    def _checked(self, text: str | None) -> Config:
        """The settings ``text`` gives (None: the defaults), or ``UsageError`` naming the desk's
        settings."""
        where = f"{self.location} desk_settings"
        return Config() if text is None else parse_config_text(text, where)

    def settings(self) -> str | None:
        """The text of the desk's settings, or None when it has none."""
        with self._read() as tx:
            return tx.value("SELECT toml FROM desk_settings")

    def configure(self, text: str | None) -> Config:
        """Check ``text``, then replace the desk's settings with it in one transaction."""
        config = self._checked(text)
        self._write(lambda tx: _put_settings(tx, text))
        self._config = config
        return config

    def _connection(self) -> Any:
        """The open connection; the first call makes the tables of an empty database."""
        if self._conn is None:
            try:
                import psycopg
                from psycopg.rows import dict_row
            except ImportError:
                raise StoreError(
                    f"{self.location} is a PostgreSQL database: install its driver with "
                    f"pip install '{EXTRA}'"
                ) from None
            try:
                self._conn = psycopg.connect(
                    self.url, row_factory=dict_row, connect_timeout=CONNECT_TIMEOUT
                )
            except (psycopg.Error, ValueError) as exc:
                self._fail("cannot connect to", exc)
            # A change waiting for another's row locks gives up as the embedded desk does.
            wait = f"{int(lock_timeout() * 1000)}ms"
            self._conn.execute("SELECT set_config('lock_timeout', %s, false)", (wait,))
            self._conn.commit()
            try:
                self._checked_schema()
            except BaseException:  # refused: the next call connects and checks again
                self.close()
                raise
        return self._conn

    def _checked_schema(self) -> None:
        """Make the tables of an empty database; refuse one of another schema."""
        current = self._version()
        if current == 0 and self._migrate:
            self._created = self.upgrade()[1] > 0
        elif current > SCHEMA:
            raise newer_schema(self.location, current, SCHEMA)
        elif current < SCHEMA and self._migrate:
            raise StoreError(
                f"database {self.location} has schema {current}; this claimtrack needs "
                f"{SCHEMA}: run claimtrack db upgrade --db URL"
            )

    def _fail(self, doing: str, exc: BaseException) -> NoReturn:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StoreError(f"{doing} {self.location}: {scrub(first, self.url)}") from None

    def _version(self) -> int:
        """The schema version of the database (0: no claimtrack tables yet)."""
        with self._transaction(write=False, connect=False) as tx:
            if tx.value("SELECT to_regclass('schema_version')") is None:
                return 0
            return int(tx.value("SELECT coalesce(max(version), 0) FROM schema_version"))

    def upgrade(self) -> tuple[int, int]:
        """Apply the migrations this database lacks; return (version before, migrations applied).

        Migrations are serialised by an advisory lock, so two machines upgrading at once apply
        each once.
        """
        self._connection()
        with self._transaction(write=True, connect=False) as tx:
            tx.run("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            tx.run(
                "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER PRIMARY KEY,"
                " applied TEXT NOT NULL)"
            )
            current = int(tx.value("SELECT coalesce(max(version), 0) FROM schema_version"))
            if current > SCHEMA:
                raise newer_schema(self.location, current, SCHEMA)
            pending = sorted(n for n in MIGRATIONS if n > current)
            for number in pending:
                for statement in MIGRATIONS[number]:
                    tx.run(statement)
                tx.run(
                    "INSERT INTO schema_version(version, applied) VALUES (%s, %s)",
                    (number, documents.now()),
                )
        return current, len(pending)

    def _write(self, change: Callable[[Tx], T], attempts: int = ATTEMPTS) -> T:
        """Run ``change`` in one transaction, again (up to ``attempts`` times in all) if it met
        another change in a deadlock."""
        import psycopg.errors

        for attempt in range(attempts):
            try:
                return super()._write(change)
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure) as exc:
                if attempt == attempts - 1:
                    self._fail("gave up after a deadlock on", exc)
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    @contextmanager
    def _transaction(self, write: bool, connect: bool = True) -> Iterator[Tx]:
        if write and forbidden_writer():
            raise StoreError(f"{forbidden_writer()} may not write to the claimtrack database")
        conn = self._connection() if connect else self._conn
        import psycopg  # (installed: connecting said so otherwise)

        try:
            with conn.transaction(), conn.cursor() as cursor:
                if not write:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield Tx(cursor)
        except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure):
            raise
        except psycopg.errors.LockNotAvailable:
            raise StoreError(
                f"database {self.location} is busy: another claimtrack command held what this "
                f"one changes for {lock_timeout():g} s (set {LOCK_TIMEOUT_ENV} to wait longer)"
            ) from None
        except psycopg.Error as exc:
            if conn.closed:
                self._conn = None
            self._fail("database error on", exc)

    # -- reading (what both desks do alike is ``Desk``'s) -----------------------------------

    def claim(self, prefix: str) -> ClaimRecord:
        """One claim by unique id prefix."""
        with self._read() as tx:
            return ClaimRecord.from_json(claim_doc(tx, resolve(tx, prefix)[0]))

    def claims(self, filters: Filters = Filters()) -> list[ClaimRecord]:
        """Claims passing ``filters``, article by article, in text order."""
        with self._read() as tx:
            return pg_verdicts.select(tx, filters)

    def article(self, prefix: str) -> ArticleRecord:
        """One article with its text, by id prefix or source."""
        with self._read() as tx:
            return with_text(tx, catalog(tx, [resolve_article(tx, prefix)])[0])

    def contradictions(self, article_id: str) -> list[ContradictionRecord]:
        """The stored contradictions of one article."""
        with self._read() as tx:
            found = contradiction_docs(tx, "article = %s", (article_id,))
            return [ContradictionRecord.from_json(d) for d in found]

    def select_contradictions(
        self,
        article: str | None = None,
        kind: str | None = None,
        decision: str | None = None,
        include_stale: bool = False,
    ) -> list[ContradictionRecord]:
        """Contradictions across articles (or of one), with both statements."""
        if decision is not None:
            check_decision(decision)
        where, args = ["TRUE"], []
        with self._read() as tx:
            if article:
                where.append("article = %s")
                args.append(resolve_article(tx, article))
            if kind is not None:
                where.append("kind = %s")
                args.append(kind)
            if decision is not None:  # open: not decided yet
                where.append("decision IS NOT DISTINCT FROM nullif(%s, %s)")
                args += [decision, OPEN]
            if not include_stale:
                where.append("NOT stale")
            found = contradiction_docs(tx, " AND ".join(where), args, with_article=True)
            return _with_statements(tx, found)

    def rescans(self, article: str) -> list[Rescan]:
        """What each rescan of an article changed."""
        with self._read() as tx:
            return article_rescans(tx, resolve_article(tx, article))

    def links(self, prefix: str) -> list[Link]:
        """The claims of other articles one claim repeats, with their current status."""
        with self._read() as tx:
            claim_id, _ = resolve(tx, prefix)
            return _current_links(tx, [claim_id]).get(claim_id, [])

    def earlier_verdicts(self, claim_ids: Iterable[str]) -> dict[str, list[Link]]:
        """For each claim with links, the claims of other articles it repeats."""
        wanted = list(claim_ids)
        with self._read() as tx:
            found = _current_links(tx, wanted)
        return {claim_id: found[claim_id] for claim_id in wanted if found.get(claim_id)}

    def similar(
        self, prefix: str, limit: int = 20, threshold: float = SEARCH_THRESHOLD
    ) -> list[Match]:
        """Claims in other articles alike to one claim, best first."""
        with self._read() as tx:
            [doc] = claim_docs(tx, "c.id = %s", (resolve(tx, prefix)[0],), attached=False)
            found = ServerMatchIndex(tx).find(
                doc.get("claim") or doc["text"], threshold, limit, exclude_article=doc["article"]
            )
            return [as_match(item, score) for item, score in found]

    def summary(self) -> Summary:
        """Counts by status and type over the whole database."""
        with self._read() as tx:
            return summary(tx)

    def dashboard(self, limit: int = 10) -> Dashboard:
        """The report's overview."""
        pending, faulted = review_statuses(self.config)
        with self._read() as tx:
            counts = summary(tx)
            speakers = ServerMatchIndex(tx).speakers(faulted)
            recent = history(tx, newest_first=True, limit=limit)
            waiting = claim_docs(
                tx,
                "NOT c.removed AND c.status = ANY(%s) AND c.id IN (SELECT id FROM claims WHERE"
                f" NOT removed AND status = ANY(%s) ORDER BY {WAITING_ORDER} LIMIT %s)",
                (pending, pending, limit),
            )
        waiting.sort(key=lambda d: (d["first_seen"] or "", -float(d["score"]), d["id"]))
        return Dashboard(
            summary=counts,
            speakers=tuple(speakers.most_common(limit)),
            awaiting=tuple(ClaimRecord.from_json(d) for d in waiting),
            awaiting_total=sum(counts.statuses.get(status, 0) for status in pending),
            recent=tuple(Change.from_json(e) for e in recent),
        )

    def latest_articles(
        self, limit: int = 10, article: str | None = None
    ) -> tuple[list[ArticleSection], int]:
        """The ``limit`` most recently updated articles (or the one given), and how many exist."""
        with self._read() as tx:
            entries = catalog(tx, [resolve_article(tx, article)] if article else None)
            latest = sorted(entries, key=lambda e: e.get("updated") or "", reverse=True)[:limit]
            sections = []
            for entry in latest:
                claims = claim_docs(tx, "c.article = %s AND NOT c.removed", (entry["id"],))
                found = contradiction_docs(tx, "article = %s", (entry["id"],))
                sections.append(
                    ArticleSection(
                        article=with_text(tx, entry),
                        claims=tuple(ClaimRecord.from_json(d) for d in claims),
                        contradictions=tuple(ContradictionRecord.from_json(d) for d in found),
                    )
                )
        return sections, len(entries)

    # -- moving a whole desk -------------------------------------------------------------------

    def stored_articles(self) -> Iterator[StoredArticle]:
        """Every article with everything kept about it, in the order they were first stored."""
        with self._read() as tx:
            yield from pg_bulk.stored_articles(tx)

    def load(
        self,
        articles: Iterable[StoredArticle],
        changes: Iterable[Change],
        replace: bool = False,
        settings: str | None = None,
    ) -> None:
        """Write whole articles, history entries and the desk's settings as given, in one
        transaction."""
        config = self._checked(settings)
        wanted = list(changes)  # articles stream through once: a deadlock is not retried

        def write(tx: Tx) -> None:
            pg_bulk.load(tx, self.location, articles, wanted, replace)
            _put_settings(tx, settings)

        self._write(write, 1)
        self._config = config

    # -- feeds ---------------------------------------------------------------------------------

    def unseen_feed_items(self, keys: Iterable[str]) -> list[str]:
        """The feed item keys (``watch``) not remembered yet, each once, in the order given."""
        wanted = list(dict.fromkeys(keys))
        with self._read() as tx:
            found = tx.all("SELECT key FROM feed_items WHERE key = ANY(%s)", (wanted,))
        known = {r["key"] for r in found}
        return [key for key in wanted if key not in known]

    def remember_feed_items(self, feed: str, items: Mapping[str, str]) -> None:
        """Remember feed items as scanned: item key → the id of its stored article."""
        stamp = documents.now()
        rows = [(key, feed, article, stamp) for key, article in items.items()]
        self._write(
            lambda tx: tx.many(
                "INSERT INTO feed_items(key, feed, article, at) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (key) DO UPDATE SET feed = excluded.feed,"
                " article = excluded.article, at = excluded.at",
                rows,
            )
        )

    def reindex(self) -> int:
        """Rebuild the match index from the stored claims; return the live claims."""

        def rebuild(tx: Tx) -> int:
            tx.run("SELECT pg_advisory_xact_lock(%s)", (pg_scans.SCAN_LOCK,))
            tx.run("DELETE FROM claim_forms")
            live = claim_docs(tx, "NOT c.removed", attached=False)
            ServerMatchIndex(tx).add(live)
            return len(live)

        return self._write(rebuild)


def _put_settings(tx: Tx, text: str | None) -> None:
    """Replace the desk's settings with ``text`` (None: none, the defaults)."""
    tx.run("DELETE FROM desk_settings")
    if text is not None:
        tx.run("INSERT INTO desk_settings(toml) VALUES (%s)", (text,))


def _with_statements(tx: Tx, docs: list[dict[str, Any]]) -> list[ContradictionRecord]:
    """Contradictions (as ``contradiction_docs`` reads them with their article) with their
    article's title and source and both statements' text and speaker, article by article in
    text order."""
    if not docs:
        return []
    ids = sorted({claim_id for d in docs for claim_id in d["claims"]})
    claims = {d["id"]: d for d in claim_docs(tx, "c.id = ANY(%s)", (ids,), attached=False)}
    articles = {e["id"]: e for e in catalog(tx, {d["article"] for d in docs})}
    order = {article_id: n for n, article_id in enumerate(articles)}
    records = []
    for doc in sorted(docs, key=lambda d: (order[d["article"]], d["a"]["start"], d["b"]["start"])):
        entry = articles[doc["article"]]
        found = with_statements(doc, claims, partial(article_text, tx, doc["article"]))
        where = {"title": entry.get("title"), "source": entry.get("source")}
        records.append(ContradictionRecord.from_json(found | where))
    return records


def _current_links(tx: Tx, claim_ids: list[str]) -> dict[str, list[Link]]:
    """The live claims each of ``claim_ids`` repeats, with their current state."""
    found: dict[str, list[Link]] = {}
    for r in tx.all(
        "SELECT l.claim AS of, l.other AS id, l.other_article AS article, l.score, c.status,"
        " COALESCE(NULLIF(c.claim, ''), c.text) AS claim, c.speaker->>'name' AS speaker,"
        " c.first_seen FROM claim_links l JOIN claims c"
        " ON c.id = l.other AND c.article = l.other_article"
        " WHERE l.claim = ANY(%s) AND NOT c.removed ORDER BY l.seq",
        (claim_ids,),
    ):
        found.setdefault(r.pop("of"), []).append(Link(**r))
    return found
