"""Removing an article scanned by mistake: its text, claims and contradictions go; the history
of its claims stays in the log, with one ``removed`` change each saying why."""

from __future__ import annotations

from typing import Any

from claimtrack.store.documents import catalog_entry, docs_of, record_change, resolve_article
from claimtrack.store.engine import Session
from claimtrack.store.matching import MatchIndex
from claimtrack.store.schema import article_group


def remove_article(session: Session, key: str, who: str) -> dict[str, Any]:
    """Remove one article (by id prefix or source); return its catalog entry as it was."""
    article_id = resolve_article(session, key)
    entry = catalog_entry(session, article_id) or {"id": article_id}
    claims = docs_of(session, article_id).claims
    for doc in claims:
        if not doc.get("removed"):
            record_change(session, doc["id"], article_id, "removed", who, note="article removed")
    MatchIndex(session).drop(doc["id"] for doc in claims)
    session.run("DELETE FROM claim_ids WHERE article = ?", (article_id,))
    session.run("DELETE FROM catalog WHERE id = ?", (article_id,))
    session.run("DELETE FROM documents WHERE name = ?", (article_group(article_id),))
    return entry
