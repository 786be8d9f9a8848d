"""The claim database: articles, claims, contradictions and their append-only history.

Layout (a folder; every file a TinyDB JSON file, see ``storage.py`` for atomicity):

- ``catalog.json``: schema version and one summary record per article (counts by status and
  type), so that listings and report summaries never open the article files;
- ``articles/<article id>.json``: one article's text, claims, contradictions and history;
- ``index/<first hex digit>.json``: claim id → article id, so a claim is found by opening one
  small shard and one article file, however large the database grows;
- ``log/<YYYY-MM>.json``: every change across the database, in order, for ``claimtrack log``.
"""

from __future__ import annotations

import getpass
import os
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query

from claimtrack.errors import StoreError, UsageError
from claimtrack.model import DEFAULT_STATUSES, ScanResult, short_hash
from claimtrack.storage import Transaction, locked

SCHEMA = 1
DB_ENV = "CLAIMTRACK_DB"
USER_ENV = "CLAIMTRACK_USER"
CATALOG = "catalog.json"
MIN_PREFIX = 4


def default_db_path() -> Path:
    """``CLAIMTRACK_DB`` if set, else the per-user data folder (platformdirs)."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("claimtrack", appauthor=False) / "db"


def current_user() -> str:
    """Who is making a change: ``CLAIMTRACK_USER`` or the login name."""
    try:
        return os.environ.get(USER_ENV) or getpass.getuser()
    except OSError:
        return "unknown"


def now() -> str:
    """The current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Filters:
    """Which claims a listing, bulk change or export selects."""

    article: str | None = None
    status: str | None = None
    type: str | None = None
    speaker: str | None = None
    min_score: float | None = None
    checkworthy_only: bool = False
    include_removed: bool = False

    def matches(self, doc: dict[str, Any]) -> bool:
        """Whether a stored claim passes every filter."""
        speaker = (doc.get("speaker") or {}).get("name") or ""
        return (
            (self.include_removed or not doc.get("removed"))
            and (self.status is None or doc["status"] == self.status)
            and (self.type is None or doc["type"] == self.type)
            and (self.speaker is None or self.speaker.lower() in speaker.lower())
            and (self.min_score is None or doc["score"] >= self.min_score)
            and (not self.checkworthy_only or doc["checkworthy"])
        )


class Store:
    """A claimtrack database folder."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a claimtrack database folder")

    # -- sessions ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A locked unit of work on this database, checked for its schema version."""
        with locked(self.path) as tx:
            _check_schema(tx)
            yield tx

    # -- scanning ------------------------------------------------------------------------------

    def save_scans(self, results: Sequence[ScanResult]) -> list[dict[str, Any]]:
        """Store scan results in one transaction; return each article's stored JSON record.

        Rescanning the same text adds nothing and keeps verdicts. When a known source comes back
        with changed text, claims whose text is still there keep their ids and verdicts (moved to
        the new offsets), and claims whose text is gone are marked removed.
        """
        saved = []
        with self.transaction() as tx:
            for result in results:
                saved.append(_save_scan(tx, result))
        return saved

    # -- reading -------------------------------------------------------------------------------

    def resolve(self, prefix: str) -> tuple[str, str]:
        """(claim id, article id) for a unique id prefix; raise ``StoreError`` otherwise."""
        with self.transaction() as tx:
            return _resolve(tx, prefix)

    def claim(self, prefix: str) -> dict[str, Any]:
        """The stored claim record (with notes, evidence and links) for an id prefix."""
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            doc = _claims(tx, article_id).get(Query().id == claim_id)
            if doc is None:
                raise StoreError(f"claim {claim_id} is indexed but missing; run claimtrack db check")
            return dict(doc)

    def history(self, prefix: str) -> list[dict[str, Any]]:
        """Every change of one claim, oldest first."""
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            table = tx.db(_article_file(article_id)).table("history")
            return [dict(d) for d in table.search(Query().claim == claim_id)]

    def articles(self) -> list[dict[str, Any]]:
        """Summary records of every stored article, in the order they were first stored."""
        with self.transaction() as tx:
            return [dict(d) for d in tx.db(CATALOG).table("articles").all()]

    def article(self, prefix: str) -> dict[str, Any]:
        """One article's stored record, including its text, by id prefix or source."""
        with self.transaction() as tx:
            article_id = _resolve_article(tx, prefix)
            doc = tx.db(_article_file(article_id)).table("article").get(doc_id=1)
            return dict(doc or {})

    def claims(self, filters: Filters = Filters()) -> list[dict[str, Any]]:
        """Stored claims passing ``filters``, article by article, in text order."""
        selected: list[dict[str, Any]] = []
        with self.transaction() as tx:
            catalog = tx.db(CATALOG).table("articles").all()
            wanted = _resolve_article(tx, filters.article) if filters.article else None
            for entry in catalog:
                if wanted and entry["id"] != wanted:
                    continue
                if filters.status and not entry.get("statuses", {}).get(filters.status):
                    continue
                docs = _claims(tx, entry["id"]).all()
                for doc in sorted(docs, key=lambda d: (d["start"], d["end"])):
                    if filters.matches(doc):
                        selected.append(dict(doc))
        return selected

    def contradictions(self, article_id: str) -> list[dict[str, Any]]:
        """The stored contradictions of one article."""
        with self.transaction() as tx:
            return [dict(d) for d in tx.db(_article_file(article_id)).table("contradictions").all()]

    def summary(self) -> dict[str, Any]:
        """Counts by status and type over the whole database, from the catalog alone."""
        statuses: Counter[str] = Counter()
        types: Counter[str] = Counter()
        articles = self.articles()
        for entry in articles:
            statuses.update(entry.get("statuses", {}))
            types.update(entry.get("types", {}))
        return {
            "articles": len(articles),
            "claims": sum(statuses.values()),
            "statuses": dict(statuses),
            "types": dict(types),
        }

    # -- changing ------------------------------------------------------------------------------

    def mark(
        self,
        prefixes: Iterable[str],
        status: str,
        note: str | None = None,
        evidence: Sequence[str] = (),
        by: str | None = None,
        statuses: Sequence[str] = DEFAULT_STATUSES,
    ) -> list[dict[str, Any]]:
        """Set the status of claims, recording one history entry each; return the entries.

        All ids are resolved before anything is written: one unknown id changes nothing.
        """
        if status not in statuses:
            raise UsageError(f"unknown status {status!r}; valid statuses: {', '.join(statuses)}")
        who = by or current_user()
        with self.transaction() as tx:
            targets = [_resolve(tx, prefix) for prefix in prefixes]
            entries = []
            for claim_id, article_id in dict.fromkeys(targets):
                claims = _claims(tx, article_id)
                doc = claims.get(Query().id == claim_id)
                if doc is None:
                    raise StoreError(f"claim {claim_id} is indexed but missing; run claimtrack db check")
                previous = doc["status"]
                changes: dict[str, Any] = {"status": status, "updated": now()}
                if evidence:
                    changes["evidence"] = [*doc.get("evidence", []), *({"url": e} for e in evidence)]
                if note:
                    changes["notes"] = [*doc.get("notes", []), {"text": note, "by": who, "at": now()}]
                claims.update(changes, Query().id == claim_id)
                _adjust_counts(tx, article_id, {previous: -1, status: +1}, "statuses")
                entries.append(
                    record_change(
                        tx, claim_id, article_id, "status", who,
                        before=previous, after=status, note=note, evidence=list(evidence),
                    )
                )
            return entries


def record_change(
    tx: Transaction,
    claim_id: str,
    article_id: str,
    action: str,
    by: str,
    **fields: Any,
) -> dict[str, Any]:
    """Append a history entry to the claim's article file and to the database log."""
    at = now()
    entry = {
        "id": short_hash(claim_id, at, time.perf_counter_ns(), os.getpid()),
        "at": at,
        "by": by,
        "claim": claim_id,
        "article": article_id,
        "action": action,
        **fields,
    }
    tx.db(_article_file(article_id)).table("history").insert(entry)
    tx.db(f"log/{at[:7]}.json").table("log").insert(entry)
    return entry


# -- internals ----------------------------------------------------------------------------------


def _check_schema(tx: Transaction) -> None:
    meta = tx.db(CATALOG).table("meta")
    doc = meta.get(doc_id=1)
    if doc is None:
        meta.insert({"schema": SCHEMA, "created": now()})
        return
    if doc.get("schema", 0) > SCHEMA:
        raise StoreError(
            f"database {tx.root} has schema {doc['schema']}, newer than this claimtrack "
            f"understands ({SCHEMA}); upgrade claimtrack"
        )


def _article_file(article_id: str) -> str:
    return f"articles/{article_id}.json"


def _index_file(claim_id: str) -> str:
    return f"index/{claim_id[0]}.json"


def _claims(tx: Transaction, article_id: str) -> Any:
    return tx.db(_article_file(article_id)).table("claims")


def _resolve(tx: Transaction, prefix: str) -> tuple[str, str]:
    prefix = prefix.strip().lower()
    if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
        raise StoreError(f"{prefix!r} is not a claim id (give at least {MIN_PREFIX} hex digits)")
    if not tx.exists(_index_file(prefix)):
        raise StoreError(f"no claim with id {prefix}")
    table = tx.db(_index_file(prefix)).table("ids")
    found = [d for d in table.all() if d["id"].startswith(prefix)]
    if not found:
        raise StoreError(f"no claim with id {prefix}")
    if len(found) > 1:
        ids = ", ".join(sorted(d["id"] for d in found)[:5])
        raise StoreError(f"claim id {prefix} is ambiguous: {ids}")
    return found[0]["id"], found[0]["article"]


def _resolve_article(tx: Transaction, key: str) -> str:
    """An article id from an id prefix or the source it was scanned from."""
    entries = tx.db(CATALOG).table("articles").all()
    absolute = str(Path(key).resolve()) if key != "-" else key
    exact = [e["id"] for e in entries if e["id"] == key or e.get("source") in (key, absolute)]
    found = exact or [e["id"] for e in entries if e["id"].startswith(key.lower())]
    if not found:
        raise StoreError(f"no article {key!r} in the database")
    if len(set(found)) > 1:
        raise StoreError(f"article {key!r} is ambiguous: {', '.join(sorted(set(found))[:5])}")
    return found[0]


def _adjust_counts(tx: Transaction, article_id: str, delta: dict[str, int], field: str) -> None:
    articles = tx.db(CATALOG).table("articles")
    entry = articles.get(Query().id == article_id)
    if entry is None:
        return
    counts = Counter(entry.get(field, {}))
    counts.update(delta)
    articles.update(
        {field: {k: v for k, v in sorted(counts.items()) if v > 0}, "updated": now()},
        Query().id == article_id,
    )


def _save_scan(tx: Transaction, result: ScanResult) -> dict[str, Any]:
    article = result.article
    source = article.source if article.source == "-" else str(Path(article.source).resolve())
    articles = tx.db(CATALOG).table("articles")
    entry = articles.get(Query().sha256 == article.sha256)
    if entry is None and source != "-":
        entry = articles.get(Query().source == source)
    article_id = entry["id"] if entry else article.id
    file = tx.db(_article_file(article_id))
    claims_table = file.table("claims")
    old = {d["id"]: d for d in claims_table.all()}
    text_changed = entry is not None and entry["sha256"] != article.sha256
    remap = _rematch(old, article.text) if text_changed else {}
    stamp = now()

    stored_ids: dict[str, str] = {}
    statuses: dict[str, str] = {}
    kept: set[str] = set()
    new_docs: list[dict[str, Any]] = []
    for claim in result.claims:
        claim_id = remap.get((claim.start, claim.end), claim.id)
        stored_ids[claim.id] = claim_id
        fields = claim.to_json()
        fields.update(id=claim_id, article=article_id, details=dict(claim.details), removed=False)
        if claim_id in old:
            kept.add(claim_id)
            fields.pop("status")
            claims_table.update(fields, Query().id == claim_id)
            statuses[claim_id] = old[claim_id]["status"]
        else:
            fields.update(first_seen=stamp, updated=stamp, notes=[], evidence=[], links=[])
            new_docs.append(fields)
            statuses[claim_id] = "unverified"
    if text_changed:
        gone = [cid for cid, doc in old.items() if cid not in kept and not doc.get("removed")]
        for cid in gone:
            claims_table.update({"removed": True, "updated": stamp}, Query().id == cid)
            record_change(tx, cid, article_id, "removed", current_user(), note="text changed")
    if new_docs:
        claims_table.insert_multiple(new_docs)
        for doc in new_docs:
            tx.db(_index_file(doc["id"])).table("ids").insert({"id": doc["id"], "article": article_id})

    _save_contradictions(tx, article_id, result, stored_ids)
    record = _article_record(article, article_id, source, stamp)
    file.table("article").upsert(record | {"text": article.text}, Query().id == article_id)
    summary = _summarise(claims_table.all())
    if entry:
        articles.update(record | summary, Query().id == article_id)
    else:
        articles.insert(record | summary | {"first_scanned": stamp})
    return scan_json(result, stored_ids, statuses, article_id)


def _rematch(old: dict[str, dict[str, Any]], text: str) -> dict[tuple[int, int], str]:
    """Old claim ids by their span in the new text, for claims whose text is still there."""
    remap: dict[tuple[int, int], str] = {}
    for claim_id, doc in old.items():
        if doc.get("removed"):
            continue
        positions, at = [], text.find(doc["text"])
        while at != -1 and len(positions) < 50:
            positions.append(at)
            at = text.find(doc["text"], at + 1)
        if positions:
            start = min(positions, key=lambda p: abs(p - doc["start"]))
            remap.setdefault((start, start + len(doc["text"])), claim_id)
    return remap


def _save_contradictions(
    tx: Transaction, article_id: str, result: ScanResult, stored_ids: dict[str, str]
) -> None:
    table = tx.db(_article_file(article_id)).table("contradictions")
    existing = {d["id"]: d for d in table.all()}
    for contradiction in result.contradictions:
        doc = contradiction.to_json()
        doc["claims"] = [stored_ids.get(c, c) for c in doc["claims"]]
        doc["id"] = short_hash(*doc["claims"], contradiction.kind)
        if doc["id"] in existing:
            table.update(doc, Query().id == doc["id"])  # keeps the user's decision
        else:
            table.insert(doc | {"decision": None, "decision_note": None})


def _summarise(docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    live = [d for d in docs if not d.get("removed")]
    return {
        "claims": len(live),
        "checkworthy": sum(1 for d in live if d["checkworthy"]),
        "statuses": dict(sorted(Counter(d["status"] for d in live).items())),
        "types": dict(sorted(Counter(d["type"] for d in live).items())),
    }


def _article_record(article: Any, article_id: str, source: str, stamp: str) -> dict[str, Any]:
    meta = article.metadata
    return {
        "id": article_id,
        "source": source,
        "sha256": article.sha256,
        "title": meta.title,
        "published": meta.published,
        "publisher": meta.publisher,
        "author": meta.author,
        "url": meta.url,
        "scanned": stamp,
        "updated": stamp,
    }


def scan_json(
    result: ScanResult,
    stored_ids: dict[str, str] | None = None,
    statuses: dict[str, str] | None = None,
    article_id: str | None = None,
) -> dict[str, Any]:
    """The contract's JSON object for one scanned article (CONTRACT.md)."""
    ids = stored_ids or {}
    states = statuses or {}
    article = result.article
    meta = article.metadata
    claims = []
    for claim in result.claims:
        doc = claim.to_json(states.get(ids.get(claim.id, claim.id), "unverified"))
        doc["id"] = ids.get(claim.id, claim.id)
        claims.append(doc)
    contradictions = []
    for contradiction in result.contradictions:
        doc = contradiction.to_json()
        doc["claims"] = [ids.get(c, c) for c in doc["claims"]]
        contradictions.append(doc)
    return {
        "schema": "claimtrack.scan/1",
        "article": {
            "id": article_id or article.id,
            "source": article.source,
            "sha256": article.sha256,
            "title": meta.title,
            "published": meta.published,
            "publisher": meta.publisher,
            "author": meta.author,
        },
        "claims": claims,
        "contradictions": contradictions,
        "errors": [e.to_json() for e in result.errors],
    }
