"""Changing the team desk: verdicts, notes, evidence, imports, undo, decisions, removal.

The rules are the embedded desk's (``verdicts.py``, ``contradictions.py``, ``removal.py``);
what this adds is how several people change one database at once. Every change locks the rows
it changes (claims in id order, then their articles) before reading them, so two people
marking the same claim at once are serialised: the second change waits for the first, then
records the status the first left as its ``before``. Nothing is lost and the history says who
changed what from which status, in the order the changes were made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from claimtrack.config import INITIAL_STATUS, Config
from claimtrack.errors import UsageError
from claimtrack.store import documents
from claimtrack.store.contradictions import (
    OPEN,
    _resolve_contradiction,
    check_decision,
    deciding,
)
from claimtrack.store.interface import LINK_THRESHOLD, Filters
from claimtrack.store.pg_rows import (
    ServerMatchIndex,
    Tx,
    add_evidence_rows,
    add_note_rows,
    catalog,
    claim_doc,
    claim_docs,
    history,
    record_change,
    resolve,
    resolve_article,
)
from claimtrack.store.pg_scans import SCAN_LOCK, contradiction_docs
from claimtrack.store.records import ClaimRecord, Evidence
from claimtrack.store.verdicts import (
    Declined,
    _attached,
    _attached_already,
    _note,
    _review_evidence,
    _with_id,
    latest_undoable,
    replay,
)

if TYPE_CHECKING:
    from claimtrack.exchange import Review

#: The advisory lock that serialises ``undo`` (two undos must not reverse the same change).
UNDO_LOCK = 0x756E646F


def select(tx: Tx, filters: Filters) -> list[ClaimRecord]:
    """Stored claims passing ``filters``, article by article, in text order."""
    where, args = ["TRUE"], []
    if filters.article:
        where.append("c.article = %s")
        args.append(resolve_article(tx, filters.article))
    if filters.status:
        where.append("c.status = %s")
        args.append(filters.status)
    if not filters.include_removed:
        where.append("NOT c.removed")
    records = (ClaimRecord.from_json(d) for d in claim_docs(tx, " AND ".join(where), args))
    return [r for r in records if filters.matches(r)]


def mark(
    tx: Tx,
    config: Config,
    prefixes: Iterable[str],
    status: str,
    note: str | None,
    evidence: Sequence[Evidence | str],
    who: str,
    filters: Filters | None,
    confirm: Callable[[int], bool] | None,
) -> list[dict[str, Any]]:
    """Set the status of claims, recording one history entry each; return the entries."""
    config.status(status)
    targets = list(dict.fromkeys(resolve(tx, prefix)[0] for prefix in prefixes))
    if filters is not None:
        targets = list(dict.fromkeys([*targets, *(c.id for c in select(tx, filters))]))
    if confirm is not None and not confirm(len(targets)):
        raise Declined("nothing changed")
    docs = {d["id"]: d for d in claim_docs(tx, "c.id = ANY(%s)", (targets,), lock=True)}
    stamp = documents.now()
    entries = []
    for claim_id in targets:
        doc = docs[claim_id]
        items = [_attached(item, claim_id) for item in evidence]
        add_evidence_rows(tx, claim_id, items)
        if note:
            add_note_rows(tx, [(claim_id, _note(claim_id, note, who))])
        tx.run(
            "UPDATE claims SET status = %s, updated = %s WHERE id = %s", (status, stamp, claim_id)
        )
        change = {"before": doc["status"], "after": status, "note": note, "evidence": items}
        entries.append(record_change(tx, claim_id, doc["article"], "status", who, **change))
    _touch(tx, {d["article"] for d in docs.values()}, stamp)
    return entries


def add_evidence(tx: Tx, prefix: str, item: Evidence, who: str) -> dict[str, Any]:
    """Attach one evidence item to a claim; return the history entry."""
    claim_id, article_id = resolve(tx, prefix)
    claim_doc(tx, claim_id, lock=True)
    attached = _attached(item, claim_id)
    add_evidence_rows(tx, claim_id, [attached])
    tx.run("UPDATE claims SET updated = %s WHERE id = %s", (documents.now(), claim_id))
    return record_change(tx, claim_id, article_id, "evidence", who, evidence=attached)


def add_note(tx: Tx, prefix: str, text: str, who: str) -> dict[str, Any]:
    """Attach a note to a claim; return the history entry."""
    if not text.strip():
        raise UsageError("a note needs some text")
    claim_id, article_id = resolve(tx, prefix)
    claim_doc(tx, claim_id, lock=True)
    note = _note(claim_id, text, who)
    add_note_rows(tx, [(claim_id, note)])
    tx.run("UPDATE claims SET updated = %s WHERE id = %s", (documents.now(), claim_id))
    return record_change(tx, claim_id, article_id, "note", who, note=text, item=note["id"])


def undo(tx: Tx, prefix: str | None, who: str, note: str | None) -> dict[str, Any]:
    """Reverse the latest change not yet undone (of one claim, or anywhere)."""
    tx.run("SELECT pg_advisory_xact_lock(%s)", (UNDO_LOCK,))
    if prefix:
        claim_id, _ = resolve(tx, prefix)
        newest_first = history(tx, "claim = %s", (claim_id,), newest_first=True)
    else:
        newest_first = history(tx, newest_first=True)
    target = latest_undoable(newest_first)
    claim_id, article_id = target["claim"], target["article"]
    doc = claim_doc(tx, claim_id, lock=True)
    stamp = documents.now()
    fields: dict[str, Any] = {"undoes": target["id"], "undone": target["action"], "note": note}
    if "after" in target:
        fields.update(before=doc["status"], after=target["before"])
        tx.run("UPDATE claims SET status = %s WHERE id = %s", (target["before"], claim_id))
        _touch(tx, {article_id}, stamp)
    # Evidence given with a status change stays: it was gathered, whatever the verdict.
    if target["action"] in ("evidence", "import"):
        tx.run("DELETE FROM evidence WHERE id = %s", (target["evidence"]["id"],))
    if target["action"] == "note":
        tx.run("DELETE FROM notes WHERE id = %s", (target.get("item"),))
    tx.run("UPDATE claims SET updated = %s WHERE id = %s", (stamp, claim_id))
    return record_change(tx, claim_id, article_id, "undo", who, **fields)


def import_reviews(
    tx: Tx, config: Config, reviews: Sequence[Review], set_status: bool, who: str
) -> tuple[list[dict[str, Any]], int]:
    """Attach outside verdicts to the stored claims they match; return the entries and the
    number of reviews that matched no claim."""
    index = ServerMatchIndex(tx)
    entries, unmatched = [], 0
    for review in reviews:
        status = config.status_for_rating(review.label, review.value)
        found = index.find(review.claim, LINK_THRESHOLD, limit=5)
        unmatched += not found
        for match, value in found:
            doc = claim_doc(tx, match["id"], lock=True)
            evidence = _review_evidence(review, status, config)
            if _attached_already(doc, evidence):  # the same file imported again
                continue
            item = _with_id(evidence, doc["id"])
            add_evidence_rows(tx, doc["id"], [item])
            stamp = documents.now()
            fields: dict[str, Any] = {"evidence": item, "score": value}
            if set_status and status is not None and status.name != doc["status"]:
                fields.update(before=doc["status"], after=status.name)
                tx.run("UPDATE claims SET status = %s WHERE id = %s", (status.name, doc["id"]))
                _touch(tx, {doc["article"]}, stamp)
            tx.run("UPDATE claims SET updated = %s WHERE id = %s", (stamp, doc["id"]))
            entries.append(record_change(tx, doc["id"], doc["article"], "import", who, **fields))
    return entries, unmatched


def claims_as_of(tx: Tx, moment: str, filters: Filters) -> list[ClaimRecord]:
    """Claims as they stood at ``moment`` (an ISO time), each with the status it had then."""
    where = """c.first_seen <= %s AND COALESCE(a.first_scanned, '') COLLATE "C" <= %s"""
    args = [moment, moment]
    if filters.article:
        where += " AND c.article = %s"
        args.append(resolve_article(tx, filters.article))
    status, removed = replay(history(tx, "at <= %s", (moment,)))
    records = (
        ClaimRecord.from_json(d | {"status": status.get(d["id"], INITIAL_STATUS), "removed": False})
        for d in claim_docs(tx, where, args)
        if d["id"] not in removed
    )
    return [r for r in records if filters.matches(r)]


def decide_contradictions(
    tx: Tx, prefixes: Iterable[str], decision: str, note: str | None, who: str
) -> list[dict[str, Any]]:
    """Confirm or dismiss contradictions (``open`` reopens them); return the history entries."""
    check_decision(decision)
    value = None if decision == OPEN else decision
    known = {r["id"]: r["article"] for r in tx.all("SELECT id, article FROM contradictions")}
    targets = list(dict.fromkeys(_resolve_contradiction(known, p) for p in prefixes))
    if not targets:
        raise UsageError("give one or more contradiction ids")
    ids = [contradiction_id for contradiction_id, _ in targets]
    docs = {d["id"]: d for d in contradiction_docs(tx, "id = ANY(%s)", (ids,), lock=True)}
    stamp = documents.now()
    entries = []
    for contradiction_id, article_id in targets:
        decided, change = deciding(docs[contradiction_id], value, note, who, stamp)
        tx.run(
            f"UPDATE contradictions SET {', '.join(f'{k} = %s' for k in decided)} WHERE id = %s",
            (*decided.values(), contradiction_id),
        )
        action = "contradiction decided"
        entries.append(record_change(tx, contradiction_id, article_id, action, who, **change))
    return entries


def remove_article(tx: Tx, key: str, who: str) -> dict[str, Any]:
    """Remove one article (by id prefix or source); return its catalog entry as it was."""
    tx.run("SELECT pg_advisory_xact_lock(%s)", (SCAN_LOCK,))  # it changes the match index
    article_id = resolve_article(tx, key)
    tx.run("SELECT id FROM articles WHERE id = %s FOR UPDATE", (article_id,))
    entry = catalog(tx, [article_id])[0]
    for doc in claim_docs(tx, "c.article = %s AND NOT c.removed", (article_id,), lock=True):
        record_change(tx, doc["id"], article_id, "removed", who, note="article removed")
    tx.run("DELETE FROM articles WHERE id = %s", (article_id,))  # claims and the rest cascade
    return entry


def _touch(tx: Tx, articles: Iterable[str], stamp: str) -> None:
    """Mark articles as updated now (a verdict changed), locking them in id order."""
    tx.run(
        "UPDATE articles SET updated = %s WHERE id IN"
        " (SELECT id FROM articles WHERE id = ANY(%s) ORDER BY id FOR UPDATE)",
        (stamp, sorted(articles)),
    )
