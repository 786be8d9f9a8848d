"""Changing the team desk: verdicts, notes, evidence, imports, undo, decisions, removal.

The rules are the embedded desk's (``verdicts.py``, where the verdict changes are written once
for both desks, ``contradictions.py``, ``removal.py``); what this adds is how several people
change one database at once. Every change locks the rows it changes (claims in id order, then
their articles) before reading them, so two people marking the same claim at once are
serialised: the second change waits for the first, then records the status the first left as
its ``before``. Nothing is lost and the history says who changed what from which status, in the
order the changes were made.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from claimtrack.errors import UsageError
from claimtrack.store import documents, pg_rows
from claimtrack.store.contradictions import (
    OPEN,
    _resolve_contradiction,
    check_decision,
    deciding,
)
from claimtrack.store.interface import Filters
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
    resolve_article,
)
from claimtrack.store.pg_scans import SCAN_LOCK, contradiction_docs
from claimtrack.store.records import ClaimRecord
from claimtrack.store.verdicts import Edit, VerdictDesk, as_they_stood

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


def undo(tx: Tx, prefix: str | None, who: str, note: str | None) -> dict[str, Any]:
    """Reverse the latest change not yet undone (of one claim, or anywhere), one undo at a
    time."""
    tx.run("SELECT pg_advisory_xact_lock(%s)", (UNDO_LOCK,))
    return _DESK.undo(tx, prefix, who, note)


def claims_as_of(tx: Tx, moment: str, filters: Filters) -> list[ClaimRecord]:
    """Claims as they stood at ``moment`` (an ISO time), each with the status it had then."""
    where = """c.first_seen <= %s AND COALESCE(a.first_scanned, '') COLLATE "C" <= %s"""
    args = [moment, moment]
    if filters.article:
        where += " AND c.article = %s"
        args.append(resolve_article(tx, filters.article))
    return as_they_stood(claim_docs(tx, where, args), history(tx, "at <= %s", (moment,)), filters)


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


def _locked(tx: Tx, targets: dict[str, str]) -> list[dict[str, Any]]:
    """The documents of claims (id: article id), in the order given, locked in id order until
    the transaction ends."""
    ids = list(targets)
    if len(ids) == 1:  # by its key: cheaper than an array
        return [claim_doc(tx, ids[0], lock=True)]
    docs = {d["id"]: d for d in claim_docs(tx, "c.id = ANY(%s)", (ids,), lock=True)}
    return [docs[claim_id] for claim_id in ids]


def _apply(tx: Tx, edits: Sequence[Edit]) -> None:
    """Change claims' rows, then mark the articles of those whose status was set as updated."""
    stamp = documents.now()
    for edit in edits:
        claim_id = edit.doc["id"]
        add_evidence_rows(tx, claim_id, edit.evidence)
        add_note_rows(tx, [(claim_id, note) for note in edit.notes])
        if edit.dropped:
            table, item = edit.dropped  # evidence or notes
            tx.run(f"DELETE FROM {table} WHERE id = %s", (item,))
        tx.run(
            "UPDATE claims SET status = COALESCE(%s, status), updated = %s WHERE id = %s",
            (edit.fields.get("after"), stamp, claim_id),
        )
    if touched := {edit.doc["article"] for edit in edits if "after" in edit.fields}:
        tx.run(  # locking the articles in id order
            "UPDATE articles SET updated = %s WHERE id IN"
            " (SELECT id FROM articles WHERE id = ANY(%s) ORDER BY id FOR UPDATE)",
            (stamp, sorted(touched)),
        )


_DESK = VerdictDesk(pg_rows, "%s", select, ServerMatchIndex, _locked, _apply)
# What the Store base calls (``desk.Verdicts``; ``undo`` above), this desk's way:
mark = _DESK.mark
add_evidence = _DESK.add_evidence
add_note = _DESK.add_note
import_reviews = _DESK.import_reviews
