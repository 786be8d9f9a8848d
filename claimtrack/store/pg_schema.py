"""The team desk's tables on PostgreSQL and their numbered migrations.

Tables (every id is a deterministic key, so two machines storing the same article agree):

- ``schema_version``: one row per applied migration (``claimtrack db upgrade`` applies the rest);
- ``articles``: one row per article, with its text, in the order first stored (``seq``);
- ``claims``: one row per claim, with its verdict (``status``) and the normalised forms the
  matching reads (``norm``, ``clauses``); ``claim_forms`` holds each live claim's forms, their
  words spaced (until migration 3, also as a GIN-indexed ``tsvector``);
- ``claim_links``: a claim of another article that a claim repeats (both ways);
- ``notes`` and ``evidence``: attached to a claim, in the order attached;
- ``history``: every change, append-only (``seq`` orders it), with author and from-status;
- ``contradictions``: between two claims of an article, with the decision a person made;
- ``rescans``: what each rescan of an article with changed text did;
- ``feed_items``: the feed items ``watch`` has scanned.

Migration 2 adds the indexes that keep the dashboard's waiting claims and the counts by status
and type cheap on a large desk. Migration 3 adds what triggers keep in step with every change, in
the same transaction, so that matching and the counts read few rows however many claims repeat:

- ``claim_vocab``: the desk's vocabulary, how many forms in ``claim_forms`` hold each word
  (matching looks a text up by its rarest words);
- ``form_words``: each distinct form once, with its words as a ``tsvector`` under a GIN index and
  how many claims have it (full-text search finds distinct forms, then the claims of the best);
- ``claim_tally``: live claims by status and type, in a few slots (chosen by the server process)
  so that people marking claims at once seldom wait on the same counter row.

Migration 4 adds ``desk_settings``: at most one row, the text of the desk's settings in the form
of a folder's ``config.toml`` (its statuses and ratings; ``claimtrack db config`` sets it).

Migration 5 gives each claim the key of what it says (``said``: the digest of its normalised
text and clauses, kept by the server) and an index holding, for each live claim, its article,
when it was first seen and that key: matching chooses the claims it reads whole from the index
alone (``matching.BEST_CLAIMS``). It also gathers ``claim_tally`` into one slot and leaves room
on its pages, so that its counter rows are updated in place instead of spreading over pages.

Migration 6 keeps a claim's ``details``, a history entry's ``details`` and a rescan's ``body``
as ``JSON`` (their keys in the order written, as the embedded desk keeps them) instead of
``JSONB``.
"""

from __future__ import annotations

#: The newest migration this claimtrack knows.
SCHEMA = 6

#: The order the dashboard reads waiting claims in: oldest first, most check-worthy first.
WAITING_ORDER = '(COALESCE(first_seen, \'\') COLLATE "C"), score DESC, (id COLLATE "C")'
#: A form's words as a ``tsvector``: the form holds them spaced, as the full-text index takes them.
FORM_WORDS = "array_to_tsvector(array_remove(string_to_array(form, ' '), ''))"
#: The ``claim_tally`` slot a change counts in: the server process's, one of a few.
TALLY_SLOT = "mod(pg_backend_pid(), 16)"

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
        f"CREATE INDEX claims_waiting ON claims({WAITING_ORDER}) WHERE NOT removed",
        "CREATE INDEX claims_counts ON claims(status, type) WHERE NOT removed",
        "DROP INDEX claims_status",
    ],
    3: [
        # Nothing changes the claims or their forms while their counts are taken.
        "LOCK TABLE claims, claim_forms IN SHARE ROW EXCLUSIVE MODE",
        "CREATE TABLE claim_vocab(term TEXT PRIMARY KEY, forms BIGINT NOT NULL CHECK (forms >= 0))",
        "CREATE TABLE form_words(form TEXT NOT NULL, words TSVECTOR NOT NULL,"
        " claims BIGINT NOT NULL CHECK (claims >= 0))",
        # md5: a form may be longer than a B-tree entry can be.
        "CREATE UNIQUE INDEX form_words_form ON form_words(md5(form))",
        "CREATE INDEX form_words_words ON form_words USING GIN(words)",
        # A form's claims are read from the index alone (a form's key: its md5, as above).
        "ALTER TABLE claim_forms ADD COLUMN form_key TEXT GENERATED ALWAYS AS (md5(form)) STORED",
        "CREATE INDEX claim_forms_form ON claim_forms(form_key, claim)",
        "INSERT INTO claim_vocab(term, forms) SELECT term, count(*) FROM claim_forms,"
        " unnest(tsvector_to_array(words)) AS term GROUP BY term",
        f"INSERT INTO form_words(form, words, claims) SELECT form, {FORM_WORDS}, count(*)"
        " FROM claim_forms GROUP BY form",
        "DROP INDEX claim_forms_words",
        "ALTER TABLE claim_forms DROP COLUMN words",
        f"""CREATE FUNCTION claim_forms_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO form_words(form, words, claims)
                SELECT form, {FORM_WORDS}, count(*) FROM added GROUP BY form ORDER BY md5(form)
                ON CONFLICT ((md5(form))) DO UPDATE
                SET claims = form_words.claims + excluded.claims;
                INSERT INTO claim_vocab(term, forms)
                SELECT term, count(*) FROM (SELECT DISTINCT id, term FROM added,
                    unnest(string_to_array(form, ' ')) AS term WHERE term <> '') AS held
                GROUP BY term ORDER BY term
                ON CONFLICT (term) DO UPDATE SET forms = claim_vocab.forms + excluded.forms;
            ELSE
                UPDATE form_words f SET claims = f.claims - d.n
                FROM (SELECT form, count(*) AS n FROM dropped GROUP BY form) AS d
                WHERE md5(f.form) = md5(d.form);
                DELETE FROM form_words
                WHERE claims = 0 AND md5(form) IN (SELECT md5(form) FROM dropped);
                UPDATE claim_vocab v SET forms = v.forms - d.n
                FROM (SELECT term, count(*) AS n FROM (SELECT DISTINCT id, term FROM dropped,
                    unnest(string_to_array(form, ' ')) AS term WHERE term <> '') AS held
                    GROUP BY term) AS d
                WHERE v.term = d.term;
                DELETE FROM claim_vocab WHERE forms = 0 AND term IN (SELECT term FROM dropped,
                    unnest(string_to_array(form, ' ')) AS term);
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER claim_forms_added AFTER INSERT ON claim_forms REFERENCING NEW TABLE AS"
        " added FOR EACH STATEMENT EXECUTE FUNCTION claim_forms_changed()",
        "CREATE TRIGGER claim_forms_dropped AFTER DELETE ON claim_forms REFERENCING OLD TABLE AS"
        " dropped FOR EACH STATEMENT EXECUTE FUNCTION claim_forms_changed()",
        "CREATE TABLE claim_tally(slot INTEGER NOT NULL, status TEXT NOT NULL, type TEXT NOT NULL,"
        " claims BIGINT NOT NULL, PRIMARY KEY (slot, status, type))",
        "INSERT INTO claim_tally(slot, status, type, claims) SELECT 0, status, type, count(*)"
        " FROM claims WHERE NOT removed GROUP BY status, type",
        f"""CREATE FUNCTION claims_counted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO claim_tally(slot, status, type, claims)
                SELECT {TALLY_SLOT}, status, type, count(*) FROM added WHERE NOT removed
                GROUP BY status, type ORDER BY status, type
                ON CONFLICT (slot, status, type) DO UPDATE
                SET claims = claim_tally.claims + excluded.claims;
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO claim_tally(slot, status, type, claims)
                SELECT {TALLY_SLOT}, status, type, -count(*) FROM dropped WHERE NOT removed
                GROUP BY status, type ORDER BY status, type
                ON CONFLICT (slot, status, type) DO UPDATE
                SET claims = claim_tally.claims + excluded.claims;
            ELSE
                INSERT INTO claim_tally(slot, status, type, claims)
                SELECT {TALLY_SLOT}, status, type, sum(n) FROM (
                    SELECT status, type, 1 AS n FROM added WHERE NOT removed
                    UNION ALL SELECT status, type, -1 FROM dropped WHERE NOT removed) AS d
                GROUP BY status, type HAVING sum(n) <> 0 ORDER BY status, type
                ON CONFLICT (slot, status, type) DO UPDATE
                SET claims = claim_tally.claims + excluded.claims;
            END IF;
            RETURN NULL;
        END $$""",
        "CREATE TRIGGER claims_added AFTER INSERT ON claims REFERENCING NEW TABLE AS added"
        " FOR EACH STATEMENT EXECUTE FUNCTION claims_counted()",
        "CREATE TRIGGER claims_dropped AFTER DELETE ON claims REFERENCING OLD TABLE AS dropped"
        " FOR EACH STATEMENT EXECUTE FUNCTION claims_counted()",
        "CREATE TRIGGER claims_changed AFTER UPDATE ON claims REFERENCING OLD TABLE AS dropped"
        " NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION claims_counted()",
    ],
    # The desk's settings: the text of a config.toml (its statuses and ratings), one row.
    4: [
        "CREATE TABLE desk_settings(one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),"
        " toml TEXT NOT NULL)",
    ],
    # What a claim says, as a key: claims saying the same score alike against any query.
    5: [
        "ALTER TABLE claims ADD COLUMN said TEXT GENERATED ALWAYS AS"
        " (md5(norm || ' ' || clauses::text)) STORED",
        "CREATE INDEX claims_said ON claims(id) INCLUDE (article, first_seen, said)"
        " WHERE NOT removed",
        # Every change rewrites a counter row: with room on its page the new version stays
        # there (a HOT update) and the old one is pruned, so the tally stays a few pages.
        "CREATE TEMPORARY TABLE tally ON COMMIT DROP AS SELECT 0 AS slot, status, type,"
        " sum(claims) AS claims FROM claim_tally GROUP BY status, type HAVING sum(claims) <> 0",
        "TRUNCATE claim_tally",
        "ALTER TABLE claim_tally SET (fillfactor = 10)",
        "INSERT INTO claim_tally(slot, status, type, claims) SELECT * FROM tally",
    ],
    # A claim's details, a history entry's fields and a rescan's report as written (JSON, not
    # JSONB, which reorders keys), so that both desks print them alike; rows stored before keep
    # JSONB's order.
    6: [
        "ALTER TABLE claims ALTER COLUMN details TYPE JSON USING details::json",
        "ALTER TABLE history ALTER COLUMN details TYPE JSON USING details::json",
        "ALTER TABLE rescans ALTER COLUMN body TYPE JSON USING body::json",
    ],
}
