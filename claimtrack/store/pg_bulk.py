"""The team desk's whole-desk reads and writes (``db copy``): articles with all they hold.

``stored_articles`` reads each article's rows as records; ``load`` writes records back as rows,
ids, statuses, times, authors and decisions as they are, and indexes the live claims' forms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from claimtrack.errors import StoreError
from claimtrack.store.pg_rows import (
    ARTICLE_INSERT,
    CLAIM_INSERT,
    ServerMatchIndex,
    Tx,
    add_evidence_rows,
    add_note_rows,
    append_history,
    article_rescans,
    article_values,
    as_json,
    catalog,
    claim_docs,
    claim_values,
    with_text,
)
from claimtrack.store.pg_scans import (
    CONTRADICTION_INSERT,
    SCAN_LOCK,
    contradiction_docs,
    contradiction_values,
)
from claimtrack.store.records import (
    Change,
    ClaimRecord,
    ContradictionRecord,
    StoredArticle,
)


def stored_articles(tx: Tx) -> Iterator[StoredArticle]:
    """Every article with everything kept about it, in the order they were first stored."""
    for entry in catalog(tx):
        article_id = entry["id"]
        claims = claim_docs(tx, "c.article = %s", (article_id,))
        claims.sort(key=lambda d: (d["start"], d["end"], d["id"]))
        yield StoredArticle(
            article=with_text(tx, entry),
            claims=tuple(ClaimRecord.from_json(d) for d in claims),
            contradictions=tuple(
                ContradictionRecord.from_json(d)
                for d in contradiction_docs(tx, "article = %s", (article_id,))
            ),
            rescans=tuple(article_rescans(tx, article_id)),
        )


def load(
    tx: Tx,
    location: str,
    articles: Iterable[StoredArticle],
    changes: Iterable[Change],
    replace: bool,
) -> None:
    """Write whole articles and history entries (oldest first) in one transaction."""
    tx.run("SELECT pg_advisory_xact_lock(%s)", (SCAN_LOCK,))  # it changes the match index
    if replace:
        for table in ("articles", "history", "feed_items"):  # claims, notes, ... cascade
            tx.run(f"DELETE FROM {table}")
    elif tx.one("SELECT 1 AS x FROM articles UNION ALL SELECT 1 FROM history LIMIT 1"):
        raise StoreError(
            f"database {location} is not empty; copy into a new one, or replace its content"
        )
    index = ServerMatchIndex(tx)
    for stored in articles:
        record = stored.article.to_json()
        text = stored.article.text or ""
        tx.run(ARTICLE_INSERT, article_values(record, record.get("first_scanned"), text))
        docs = [c.to_json() for c in stored.claims]
        tx.many(CLAIM_INSERT, [claim_values(doc) for doc in docs])
        for doc in docs:
            add_evidence_rows(tx, doc["id"], doc["evidence"])
        add_note_rows(tx, ((d["id"], n) for d in docs for n in d["notes"]))
        tx.many(
            "INSERT INTO claim_links(claim, other, other_article, score) VALUES (%s, %s, %s, %s)",
            [(d["id"], k["id"], k["article"], k["score"]) for d in docs for k in d["links"]],
        )
        index.add(d for d in docs if not d["removed"])
        tx.many(
            CONTRADICTION_INSERT,
            [contradiction_values(c.to_json(), stored.article.id) for c in stored.contradictions],
        )
        tx.many(
            "INSERT INTO rescans(article, body) VALUES (%s, %s)",
            [(stored.article.id, as_json(r.to_json())) for r in stored.rescans],
        )
    append_history(tx, [change.to_json() for change in changes])
