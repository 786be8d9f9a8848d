"""Reading and writing the embedded desk's stored documents within a session.

An article's claims are TinyDB documents of its group (``schema.article_group``); the catalog,
the claim ids and the history are rows. Everything here takes an open ``Session``.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from tinydb import Query
from tinydb.table import Table

from claimtrack.errors import StoreError
from claimtrack.model import short_hash
from claimtrack.store.engine import Session, damaged
from claimtrack.store.interface import Filters
from claimtrack.store.matching import MatchIndex
from claimtrack.store.records import (
    ArticleRecord,
    ClaimRecord,
    ContradictionRecord,
    Rescan,
    StoredArticle,
)
from claimtrack.store.scan_plan import stored_source
from claimtrack.store.schema import article_group

#: Fewest hex digits of an id a command accepts.
MIN_PREFIX = 4


def now() -> str:
    """The current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def claims_table(session: Session, article_id: str) -> Table:
    """The claims of one article, as a TinyDB table."""
    return session.group(article_group(article_id)).table("claims")


@dataclass(frozen=True)
class ArticleDocs:
    """One article's stored documents: its record (with the text), its claims in text order, its
    contradictions and rescans in the order they were written."""

    record: dict[str, Any]
    claims: list[dict[str, Any]]
    contradictions: list[dict[str, Any]]
    rescans: list[dict[str, Any]]

    @classmethod
    def of(cls, tables: dict[str, dict[str, Any]]) -> ArticleDocs:
        """The documents of an article's parsed TinyDB tables."""
        docs = {name: list((tables.get(name) or {}).values()) for name in _ARTICLE_TABLES}
        claims = sorted(docs["claims"], key=lambda d: (d["start"], d["end"]))
        return cls(next(iter(docs["article"]), {}), claims, docs["contradictions"], docs["rescans"])


_ARTICLE_TABLES = ("article", "claims", "contradictions", "rescans")


def docs_of(session: Session, article_id: str) -> ArticleDocs:
    """An article's documents, read without opening its group in the session."""
    return ArticleDocs.of(session.peek(article_group(article_id)) or {})


def stored_article(entry: dict[str, Any], docs: ArticleDocs) -> StoredArticle:
    """An article as records, from its catalog entry (which the counts and the latest change
    keep current) and its documents (which hold the text)."""
    return StoredArticle(
        article=ArticleRecord.from_json(docs.record | entry),
        claims=tuple(ClaimRecord.from_json(d) for d in docs.claims),
        contradictions=tuple(ContradictionRecord.from_json(d) for d in docs.contradictions),
        rescans=tuple(Rescan.from_json(d) for d in docs.rescans),
    )


def id_prefix(prefix: str, what: str = "claim") -> str:
    """``prefix`` lower-cased, if it can name a claim (or a contradiction): at least
    ``MIN_PREFIX`` hex digits; ``StoreError`` otherwise."""
    prefix = prefix.strip().lower()
    if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
        raise StoreError(f"{prefix!r} is not a {what} id (give at least {MIN_PREFIX} hex digits)")
    return prefix


def only_id(prefix: str, found: Sequence[str], what: str = "claim") -> str:
    """The one id of ``found`` (in order) that ``prefix`` names; ``StoreError`` for none or
    several."""
    if not found:
        raise StoreError(f"no {what} with id {prefix}")
    if len(found) > 1:
        raise StoreError(f"{what} id {prefix} is ambiguous: {', '.join(found[:5])}")
    return found[0]


def only_article(key: str, found: Iterable[str]) -> str:
    """The one article id of ``found`` that ``key`` names; ``StoreError`` for none or several."""
    ids = sorted(set(found))
    if not ids:
        raise StoreError(f"no article {key!r} in the database")
    if len(ids) > 1:
        raise StoreError(f"article {key!r} is ambiguous: {', '.join(ids[:5])}")
    return ids[0]


def resolve(session: Session, prefix: str) -> tuple[str, str]:
    """(claim id, article id) for a unique id prefix; raise ``StoreError`` otherwise."""
    prefix = id_prefix(prefix)
    found = dict(
        session.all(
            "SELECT id, article FROM claim_ids WHERE id >= ? AND id < ? ORDER BY id LIMIT 6",
            (prefix, prefix + "g"),
        )
    )
    claim_id = only_id(prefix, list(found))
    return claim_id, found[claim_id]


def resolve_article(session: Session, key: str) -> str:
    """An article id from an id prefix or the source it was scanned from."""
    exact = session.all(
        "SELECT id FROM catalog WHERE id = ? OR source IN (?, ?)", (key, key, stored_source(key))
    )
    found = exact or session.all(
        "SELECT id FROM catalog WHERE id >= ? AND id < ?", (key.lower(), key.lower() + "g")
    )
    return only_article(key, (r[0] for r in found))


def claim_doc(session: Session, claim_id: str, article_id: str) -> dict[str, Any]:
    """The stored claim document of a resolved claim."""
    doc = claims_table(session, article_id).get(Query().id == claim_id)
    if doc is None or isinstance(doc, list):
        raise StoreError(f"claim {claim_id} is indexed but missing; run claimtrack db check")
    return dict(doc)


def update_claim(session: Session, claim_id: str, article_id: str, changes: dict[str, Any]) -> None:
    """Change fields of a resolved claim, and the time it was updated."""
    claims_table(session, article_id).update(changes | {"updated": now()}, Query().id == claim_id)


def catalog(session: Session, ids: Collection[str] | None = None) -> list[dict[str, Any]]:
    """Every article's catalog entry (or those of ``ids``), in the order they were first
    stored."""
    if ids is None:
        found = session.all("SELECT body FROM catalog ORDER BY seq")
    else:
        found = session.all(
            "SELECT body FROM catalog WHERE id IN (SELECT value FROM json_each(?)) ORDER BY seq",
            (orjson.dumps(sorted(ids)).decode(),),
        )
    return [_loads(session, body) for (body,) in found]


def catalog_of(session: Session, key: str | None) -> list[dict[str, Any]]:
    """The catalog entries of every article, or of the one ``key`` names (``resolve_article``)."""
    return catalog(session, [resolve_article(session, key)] if key else None)


def catalog_entry(session: Session, article_id: str) -> dict[str, Any] | None:
    """One article's catalog entry."""
    row = session.one("SELECT body FROM catalog WHERE id = ?", (article_id,))
    return _loads(session, row[0]) if row else None


def find_entry(session: Session, sha256: str, source: str) -> dict[str, Any] | None:
    """The catalog entry of the article with this text, else of this source (not ``-``)."""
    row = session.one("SELECT body FROM catalog WHERE sha256 = ? ORDER BY seq", (sha256,))
    if row is None and source != "-":
        row = session.one("SELECT body FROM catalog WHERE source = ? ORDER BY seq", (source,))
    return _loads(session, row[0]) if row else None


def put_entry(session: Session, entry: dict[str, Any]) -> None:
    """Store an article's catalog entry (a new one goes last)."""
    session.run(
        "INSERT INTO catalog(id, sha256, source, body) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO"
        " UPDATE SET sha256 = excluded.sha256, source = excluded.source, body = excluded.body",
        (entry["id"], entry["sha256"], entry["source"], orjson.dumps(entry)),
    )


def move_status(session: Session, claim_id: str, article_id: str, before: str, after: str) -> None:
    """Count a claim under its new status instead of the old: in the match index and its
    article's catalog entry."""
    MatchIndex(session).update(claim_id, status=after)
    entry = catalog_entry(session, article_id)
    if entry is None:
        return
    counts = Counter(entry.get("statuses", {}))
    counts[before] -= 1  # two steps: a claim marked with the status it has stays counted once
    counts[after] += 1
    entry["statuses"] = {k: v for k, v in sorted(counts.items()) if v > 0}
    entry["updated"] = now()
    put_entry(session, entry)


def summarise(docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """An article's catalog counts, from its claims."""
    live = [d for d in docs if not d.get("removed")]
    return {
        "claims": len(live),
        "checkworthy": sum(1 for d in live if d["checkworthy"]),
        "statuses": dict(sorted(Counter(d["status"] for d in live).items())),
        "types": dict(sorted(Counter(d["type"] for d in live).items())),
    }


def select(session: Session, filters: Filters) -> list[ClaimRecord]:
    """Stored claims passing ``filters``, article by article, in text order."""
    selected: list[ClaimRecord] = []
    for entry in catalog_of(session, filters.article):
        if filters.status and not entry.get("statuses", {}).get(filters.status):
            continue
        for doc in docs_of(session, entry["id"]).claims:
            record = ClaimRecord.from_json(doc)
            if filters.matches(record):
                selected.append(record)
    return selected


def record_change(
    session: Session, claim_id: str, article_id: str, action: str, by: str, **fields: Any
) -> dict[str, Any]:
    """Append a history entry (the history is never rewritten); return it."""
    entry = change_entry(claim_id, article_id, action, by, **fields)
    append_history(session, [entry])
    return entry


def append_history(session: Session, entries: Iterable[dict[str, Any]]) -> None:
    """Append history entries (as ``Change.to_json`` gives them), in the order given."""
    session.many(
        "INSERT INTO history(id, claim, article, at, body) VALUES (?, ?, ?, ?, ?)",
        [(e["id"], e["claim"], e["article"], e["at"], orjson.dumps(e)) for e in entries],
    )


def change_entry(
    claim_id: str, article_id: str, action: str, by: str, **fields: Any
) -> dict[str, Any]:
    """A new history entry, as every backend stores it: a unique id, when, who, what."""
    at = now()
    return {
        "id": short_hash(claim_id, at, time.perf_counter_ns(), os.getpid()),
        "at": at,
        "by": by,
        "claim": claim_id,
        "article": article_id,
        "action": action,
        **fields,
    }


def history(
    session: Session,
    where: str = "",
    args: tuple[Any, ...] = (),
    newest_first: bool = False,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """History entries (``where``: an SQL condition on claim, article or at), in order, the
    first ``limit`` of them (all when None)."""
    order = "DESC" if newest_first else "ASC"
    clause = f"WHERE {where}" if where else ""
    bound = "" if limit is None else f"LIMIT {max(int(limit), 0)}"
    sql = f"SELECT body FROM history {clause} ORDER BY seq {order} {bound}"
    for (body,) in session.run(sql, args):
        yield _loads(session, body)


def _loads(session: Session, body: bytes) -> dict[str, Any]:
    try:
        found = orjson.loads(body)
    except orjson.JSONDecodeError:
        damaged(session.root, "a row is not valid JSON")
    return dict(found)
