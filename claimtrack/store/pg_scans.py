"""Storing scans on the team desk: what ``scan_plan.plan_scan`` decides, written as rows.

Scans from several machines are serialised by one transaction-scoped advisory lock, so two
machines storing the same article at once store it once: ids are deterministic, and the second
finds the first's rows. Everything else that changes the match index (removing an article,
``db reindex``, ``db copy``) takes the same lock, so the word counts its triggers keep are
changed by one transaction at a time. A batch is one transaction: a scan killed before it
commits leaves nothing of that batch.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from claimtrack.config import Config
from claimtrack.contract import scan_json
from claimtrack.model import ScanResult
from claimtrack.store import documents
from claimtrack.store.interface import current_user
from claimtrack.store.pg_rows import (
    ARTICLE_INSERT,
    CLAIM_COLUMNS,
    CLAIM_INSERT,
    ServerMatchIndex,
    Tx,
    article_values,
    as_json,
    claim_docs,
    claim_values,
    insert,
    record_change,
)
from claimtrack.store.scan_plan import (
    ARTICLE_FIELDS,
    article_record,
    link_repeats,
    plan_scan,
    stored_source,
)

#: The advisory lock that serialises storing scans (any fixed number unlikely to clash).
SCAN_LOCK = 0x636C61696D


def save_scans(
    tx: Tx, results: Sequence[ScanResult], checkers: Collection[str] | None, config: Config
) -> list[dict[str, Any]]:
    """Store scan results in a transaction; return each article's ``scan --json`` object."""
    tx.run("SELECT pg_advisory_xact_lock(%s)", (SCAN_LOCK,))
    index = ServerMatchIndex(tx)
    return [_save_scan(tx, result, index, checkers, config) for result in results]


def _save_scan(
    tx: Tx,
    result: ScanResult,
    index: ServerMatchIndex,
    checkers: Collection[str] | None,
    config: Config,
) -> dict[str, Any]:
    article = result.article
    source = stored_source(article.source)
    known = "SELECT id, sha256, first_scanned FROM articles WHERE {} = %s ORDER BY seq LIMIT 1"
    entry = tx.one(known.format("sha256"), (article.sha256,))
    if entry is None and source != "-":
        entry = tx.one(known.format("source"), (source,))
    article_id = entry["id"] if entry else article.id
    old = {d["id"]: d for d in claim_docs(tx, "c.article = %s", (article_id,), lock=True)}
    existing = {d["id"]: d for d in contradiction_docs(tx, "article = %s", (article_id,))}
    stamp = documents.now()
    record = article_record(article, article_id, source, stamp)
    tx.run(
        f"{ARTICLE_INSERT} ON CONFLICT (id) DO UPDATE SET"
        f" ({', '.join(ARTICLE_FIELDS[1:])}, text) ="
        f" ({', '.join(f'excluded.{name}' for name in ARTICLE_FIELDS[1:])}, excluded.text)",
        article_values(record, entry["first_scanned"] if entry else stamp, article.text),
    )
    plan = plan_scan(result, entry, old, existing, checkers, config, stamp)
    tx.many(
        f"UPDATE claims SET ({', '.join(CLAIM_COLUMNS[1:])}) ="
        f" ({', '.join(['%s'] * (len(CLAIM_COLUMNS) - 1))}) WHERE id = %s",
        [(*claim_values(doc)[1:], claim_id) for claim_id, doc in plan.kept.items()],
    )
    if plan.gone:
        tx.run(
            "UPDATE claims SET removed = TRUE, updated = %s WHERE id = ANY(%s)",
            (stamp, plan.gone),
        )
        index.drop(plan.gone)
    index.add(plan.reindexed)
    if plan.rescan is not None:
        tx.run(
            "INSERT INTO rescans(article, body) VALUES (%s, %s)",
            (article_id, as_json(plan.rescan)),
        )
    if plan.new_docs:
        rows = []  # each link both ways
        for doc, other, value in link_repeats(index, plan.new_docs, article_id):
            rows.append((doc["id"], other["id"], other["article"], value))
            rows.append((other["id"], doc["id"], article_id, value))
        tx.many(CLAIM_INSERT, [claim_values(doc) for doc in plan.new_docs])
        tx.many(
            "INSERT INTO claim_links(claim, other, other_article, score) VALUES (%s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            rows,
        )
        index.add(plan.new_docs)
    tx.many(
        CONTRADICTION_INSERT,
        [contradiction_values(doc, article_id) for doc in plan.new_contradictions],
    )
    for contradiction_id, changes in plan.contradiction_updates.items():
        tx.run(
            f"UPDATE contradictions SET ({', '.join(changes)}) ="
            f" ROW({', '.join(['%s'] * len(changes))}) WHERE id = %s",
            [
                *(as_json(v) if name in ("a", "b") else v for name, v in changes.items()),
                contradiction_id,
            ],
        )
    who = current_user()
    for claim_id, action, fields in plan.changes:
        record_change(tx, claim_id, article_id, action, who, **fields)
    return scan_json(result, plan.stored_ids, plan.statuses, article_id)


#: A contradiction's columns, in the order ``contradiction_values`` gives them.
CONTRADICTION_COLUMNS = [
    "id", "article", "claim_a", "claim_b", "a", "b", "kind", "explanation", "extractor",
    "decision", "decision_note", "decided_by", "decided_at", "stale", "first_seen", "updated",
]  # fmt: skip
CONTRADICTION_INSERT = insert("contradictions", CONTRADICTION_COLUMNS)


def contradiction_values(doc: dict[str, Any], article_id: str) -> tuple[Any, ...]:
    """A contradiction (as ``ContradictionRecord.to_json`` gives it; undecided and live when it
    says nothing of that) as the values of ``CONTRADICTION_INSERT``."""
    claim_a, claim_b = doc["claims"]
    values = doc | {
        "article": article_id,
        "claim_a": claim_a,
        "claim_b": claim_b,
        "a": as_json(doc["a"]),
        "b": as_json(doc["b"]),
        "extractor": doc.get("extractor") or "",
        "stale": bool(doc.get("stale")),
    }
    return tuple(values.get(column) for column in CONTRADICTION_COLUMNS)


def contradiction_docs(
    tx: Tx, where: str, args: Sequence[Any], lock: bool = False, with_article: bool = False
) -> list[dict[str, Any]]:
    """Stored contradictions as documents, in the order first stored (locked, in id order).

    ``with_article`` keeps each one's article id (a listing across articles shows it)."""
    article = "article, " if with_article else ""
    return tx.all(
        f"SELECT id, ARRAY[claim_a, claim_b] AS claims, {article}"
        f"{', '.join(CONTRADICTION_COLUMNS[4:])} FROM contradictions"
        f" WHERE {where} ORDER BY {'id FOR NO KEY UPDATE' if lock else 'seq'}",
        args,
    )
