"""The embedded desk's layout: tables, document group names and numbered migrations.

Tables of ``claimtrack.sqlite``:

- ``meta``: the schema version (``SCHEMA``) and when the database was created;
- ``documents``: TinyDB document groups, one row each: ``article/<id>`` holds one article's
  record and text, claims, contradictions and rescans (tables ``article``, ``claims``,
  ``contradictions``, ``rescans``);
- ``catalog``: one summary per article (counts by status and type, contradictions), in the
  order articles were first stored, so that listings never open the documents;
- ``claim_ids``: claim id → article id (a claim is found by an id prefix with one range scan);
- ``history``: every change, append-only, in order (``claimtrack log``, ``history``, ``undo``);
- ``match_rows``, ``match_forms``, ``match_texts`` (each distinct form once) and
  ``match_words`` (the distinct forms holding each word): the index that finds repeated claims
  (see ``matching.py``; until schema 5, an FTS5 index ``match_fts`` in place of the last two);
- ``feed_items``: the feed items ``watch`` has scanned, with the article each became.

Schema versions 1 and 2 were folders of JSON files; ``legacy.py`` upgrades them.
"""

from __future__ import annotations

from claimtrack.errors import StoreError
from claimtrack.store.engine import Session

#: Version of the database layout (1 and 2: folders of JSON files; 3 and on: SQLite).
SCHEMA = 5

#: The migrations, by the version they bring the database to: each a list of statements.
MIGRATIONS: dict[int, list[str]] = {
    3: [
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "CREATE TABLE documents(name TEXT PRIMARY KEY, body BLOB NOT NULL)",
        "CREATE TABLE catalog(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
        " sha256 TEXT NOT NULL, source TEXT NOT NULL, body BLOB NOT NULL)",
        "CREATE INDEX catalog_sha256 ON catalog(sha256)",
        "CREATE INDEX catalog_source ON catalog(source)",
        "CREATE TABLE claim_ids(id TEXT PRIMARY KEY, article TEXT NOT NULL) WITHOUT ROWID",
        "CREATE TABLE history(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
        " claim TEXT NOT NULL, article TEXT NOT NULL, at TEXT NOT NULL, body BLOB NOT NULL)",
        "CREATE INDEX history_claim ON history(claim, seq)",
        "CREATE INDEX history_article ON history(article, seq)",
        "CREATE TABLE match_rows(claim TEXT PRIMARY KEY, article TEXT NOT NULL, status TEXT"
        " NOT NULL, speaker TEXT, type TEXT, seen TEXT, norm TEXT NOT NULL, clauses TEXT NOT NULL)",
        "CREATE INDEX match_rows_status ON match_rows(status, speaker)",
        "CREATE TABLE match_forms(id INTEGER PRIMARY KEY, claim TEXT NOT NULL, form TEXT NOT NULL)",
        "CREATE INDEX match_forms_claim ON match_forms(claim)",
        "CREATE VIRTUAL TABLE match_fts USING fts5(form, content='match_forms',"
        " content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
        "CREATE VIRTUAL TABLE match_vocab USING fts5vocab(match_fts, 'row')",
        "CREATE TRIGGER match_forms_added AFTER INSERT ON match_forms BEGIN"
        " INSERT INTO match_fts(rowid, form) VALUES (new.id, new.form); END",
        "CREATE TABLE feed_items(key TEXT PRIMARY KEY, feed TEXT NOT NULL,"
        " article TEXT NOT NULL, at TEXT NOT NULL) WITHOUT ROWID",
        "CREATE TRIGGER match_forms_dropped AFTER DELETE ON match_forms BEGIN"
        " INSERT INTO match_fts(match_fts, rowid, form) VALUES ('delete', old.id, old.form); END",
    ],
    # Matching reads the claims of a few distinct forms (``matching.WordMatcher``).
    4: ["CREATE INDEX match_forms_form ON match_forms(form)"],
    # Matching counts the words each distinct form shares with a query from a list of the forms
    # holding each word, read whole (FTS5 gave the forms holding a word, one row per claim, and
    # the words shared were counted by reading the forms).
    5: [
        "DROP TRIGGER match_forms_added",
        "DROP TRIGGER match_forms_dropped",
        "DROP TABLE match_vocab",
        "DROP TABLE match_fts",
        "CREATE TABLE match_texts(id INTEGER PRIMARY KEY, form TEXT NOT NULL UNIQUE)",
        "CREATE TABLE match_words(word TEXT NOT NULL, text INTEGER NOT NULL,"
        " PRIMARY KEY(word, text)) WITHOUT ROWID",
        "INSERT OR IGNORE INTO match_texts(form) SELECT form FROM match_forms ORDER BY id",
        "WITH RECURSIVE split(text, word, rest) AS (SELECT id, '', form || ' ' FROM match_texts"
        " UNION ALL SELECT text, substr(rest, 1, instr(rest, ' ') - 1),"
        " substr(rest, instr(rest, ' ') + 1) FROM split WHERE rest != '')"
        " INSERT OR IGNORE INTO match_words(word, text) SELECT word, text FROM split"
        " WHERE word != ''",
    ],
}


def newer_schema(location: str, found: int, known: int) -> StoreError:
    """The error for a database (of either backend) made by a newer claimtrack."""
    return StoreError(
        f"database {location} has schema {found}, newer than this claimtrack understands "
        f"({known}); upgrade claimtrack"
    )


def article_group(article_id: str) -> str:
    """The document group of one article."""
    return f"article/{article_id}"


def version(session: Session) -> int:
    """The schema version of an open database (0 for a new, empty one)."""
    if session.one("SELECT 1 FROM sqlite_master WHERE name = 'meta'") is None:
        return 0
    row = session.one("SELECT value FROM meta WHERE key = 'schema'")
    return int(row[0]) if row else 0


def migrate(session: Session, created: str) -> bool:
    """Bring the database up to ``SCHEMA`` (in a write session); return whether it was new.

    Refuses a database made by a newer claimtrack.
    """
    current = version(session)
    if current > SCHEMA:
        raise newer_schema(str(session.root), current, SCHEMA)
    for number in sorted(n for n in MIGRATIONS if n > current):
        for statement in MIGRATIONS[number]:
            session.run(statement)
    if current < SCHEMA:
        session.run("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        session.run("INSERT OR IGNORE INTO meta VALUES ('created', ?)", (created,))
    return current == 0
