"""Writing a whole desk into the embedded database at once (``db copy``).

``load`` writes articles given as records as rows (the document group, the catalog entry, the
history) and rebuilds the derived tables from them, as ``db restore`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from claimtrack.errors import StoreError
from claimtrack.store.documents import append_history, put_entry
from claimtrack.store.engine import Session
from claimtrack.store.records import Change, StoredArticle
from claimtrack.store.recovery import rebuild
from claimtrack.store.scan_plan import ARTICLE_FIELDS
from claimtrack.store.schema import article_group

#: The tables a load writes; emptied first when it replaces a database (``rebuild`` empties and
#: fills the derived ones).
_TABLES = ("documents", "catalog", "history", "feed_items")


def load(
    session: Session,
    articles: Iterable[StoredArticle],
    changes: Iterable[Change],
    replace: bool,
) -> None:
    """Write whole articles and history entries (oldest first) in a write session."""
    if replace:
        for table in _TABLES:
            session.run(f"DELETE FROM {table}")
    elif session.one("SELECT 1 FROM catalog UNION ALL SELECT 1 FROM history LIMIT 1"):
        raise StoreError(
            f"database {session.root} is not empty; copy into a new one, or replace its content"
        )
    for stored in articles:
        docs = stored.to_json()
        record = docs.pop("article")
        entry = {k: v for k, v in record.items() if k != "text"}
        put_entry(session, entry)
        tables = {"article": {"1": {k: record.get(k) for k in [*ARTICLE_FIELDS, "text"]}}}
        tables |= {name: _numbered(found) for name, found in docs.items()}
        session.run(
            "INSERT INTO documents(name, body) VALUES (?, ?)",
            (article_group(entry["id"]), orjson.dumps(tables)),
        )
    append_history(session, (change.to_json() for change in changes))
    rebuild(session)


def _numbered(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Documents as a TinyDB table holds them: by document id, counted from 1."""
    return {str(n): doc for n, doc in enumerate(docs, start=1)}
