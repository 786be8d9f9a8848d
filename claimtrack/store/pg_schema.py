"""The team desk's tables on PostgreSQL and their numbered migrations.

Tables (every id is a deterministic key, so two machines storing the same article agree):

- ``schema_version``: one row per applied migration (``claimtrack db upgrade`` applies the rest);
- ``articles``: one row per article, with its text, in the order first stored (``seq``);
- ``claims``: one row per claim, with its verdict (``status``) and the normalised forms the
  matching reads (``norm``, ``clauses``); ``claim_forms`` holds each form's words as a
  ``tsvector`` under a GIN index (PostgreSQL's full-text search finds the candidates);
- ``claim_links``: a claim of another article that a claim repeats (both ways);
- ``notes`` and ``evidence``: attached to a claim, in the order attached;
- ``history``: every change, append-only (``seq`` orders it), with author and from-status;
- ``contradictions``: between two claims of an article, with the decision a person made;
- ``rescans``: what each rescan of an article with changed text did;
- ``feed_items``: the feed items ``watch`` has scanned.

Migration 2 adds the indexes that keep the dashboard's waiting claims and the counts by status
and type cheap on a large desk.
"""

from __future__ import annotations

#: The newest migration this claimtrack knows.
SCHEMA = 2

#: The order the dashboard reads waiting claims in: oldest first, most check-worthy first.
WAITING_ORDER = '(COALESCE(first_seen, \'\') COLLATE "C"), score DESC, (id COLLATE "C")'
WAITING_INDEX = f"CREATE INDEX claims_waiting ON claims({WAITING_ORDER}) WHERE NOT removed"

#: Migrations by the version they bring the database to: each a list of statements.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE articles(seq BIGSERIAL UNIQUE, id TEXT PRIMARY KEY, source TEXT NOT NULL,"
        " sha256 TEXT NOT NULL, title TEXT, published TEXT, publisher TEXT, author TEXT,"
        " url TEXT, scanned TEXT, updated TEXT, first_scanned TEXT, text TEXT NOT NULL)",
        "CREATE INDEX articles_sha256 ON articles(sha256)",
        "CREATE INDEX articles_source ON articles(source)",
        "CREATE TABLE claims(id TEXT PRIMARY KEY,"
        " article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " start_at INTEGER NOT NULL CHECK (start_at >= 0), end_at INTEGER NOT NULL"
        " CHECK (end_at >= start_at), text TEXT NOT NULL, claim TEXT NOT NULL,"
        " score DOUBLE PRECISION NOT NULL, checkworthy BOOLEAN NOT NULL, type TEXT NOT NULL,"
        " status TEXT NOT NULL, speaker JSONB, speaker_name TEXT, extractor TEXT NOT NULL,"
        " details JSONB NOT NULL, removed BOOLEAN NOT NULL DEFAULT FALSE, first_seen TEXT,"
        " updated TEXT, norm TEXT NOT NULL, clauses JSONB NOT NULL)",
        "CREATE INDEX claims_article ON claims(article, start_at, end_at)",
        "CREATE INDEX claims_status ON claims(status) WHERE NOT removed",
        "CREATE INDEX claims_first_seen ON claims(first_seen) WHERE NOT removed",
        "CREATE TABLE claim_forms(id BIGSERIAL PRIMARY KEY,"
        " claim TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE, form TEXT NOT NULL,"
        " words TSVECTOR NOT NULL)",
        "CREATE INDEX claim_forms_claim ON claim_forms(claim)",
        "CREATE INDEX claim_forms_words ON claim_forms USING GIN(words)",
        "CREATE TABLE claim_links(claim TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE,"
        " other TEXT NOT NULL, other_article TEXT NOT NULL, score DOUBLE PRECISION NOT NULL,"
        " seq BIGSERIAL, PRIMARY KEY (claim, other))",
        "CREATE TABLE notes(id TEXT PRIMARY KEY, seq BIGSERIAL,"
        " claim TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE, text TEXT NOT NULL,"
        " by TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE INDEX notes_claim ON notes(claim, seq)",
        "CREATE TABLE evidence(id TEXT PRIMARY KEY, seq BIGSERIAL,"
        " claim TEXT NOT NULL REFERENCES claims(id) ON DELETE CASCADE, kind TEXT NOT NULL"
        " CHECK (kind IN ('url', 'file', 'claimreview')), target TEXT NOT NULL, title TEXT,"
        " publisher TEXT, date TEXT, stance TEXT NOT NULL, rating TEXT, status TEXT)",
        "CREATE INDEX evidence_claim ON evidence(claim, seq)",
        "CREATE TABLE history(seq BIGSERIAL PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
        " claim TEXT NOT NULL, article TEXT NOT NULL, at TEXT NOT NULL, by TEXT NOT NULL,"
        " action TEXT NOT NULL, before TEXT, after TEXT, note TEXT, details JSONB NOT NULL)",
        "CREATE INDEX history_claim ON history(claim, seq)",
        "CREATE INDEX history_article ON history(article, seq)",
        "CREATE TABLE contradictions(id TEXT PRIMARY KEY, seq BIGSERIAL,"
        " article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,"
        " claim_a TEXT NOT NULL, claim_b TEXT NOT NULL, a JSONB NOT NULL, b JSONB NOT NULL,"
        " kind TEXT NOT NULL, explanation TEXT NOT NULL, extractor TEXT NOT NULL,"
        " decision TEXT CHECK (decision IN ('confirmed', 'dismissed')), decision_note TEXT,"
        " decided_by TEXT, decided_at TEXT, stale BOOLEAN NOT NULL DEFAULT FALSE,"
        " first_seen TEXT, updated TEXT)",
        "CREATE INDEX contradictions_article ON contradictions(article)",
        "CREATE TABLE rescans(seq BIGSERIAL PRIMARY KEY,"
        " article TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, body JSONB NOT NULL)",
        "CREATE INDEX rescans_article ON rescans(article, seq)",
        "CREATE TABLE feed_items(key TEXT PRIMARY KEY, feed TEXT NOT NULL,"
        " article TEXT NOT NULL, at TEXT NOT NULL)",
    ],
    # The dashboard's oldest waiting claims, read in index order however many claims wait;
    # counts by status and type from the index alone (once autovacuum has seen the table).
    2: [
        WAITING_INDEX,
        "CREATE INDEX claims_counts ON claims(status, type) WHERE NOT removed",
        "DROP INDEX claims_status",
    ],
}
