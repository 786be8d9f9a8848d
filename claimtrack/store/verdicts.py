"""Verdicts and their history: marking claims, notes, evidence, imported reviews and undo.

Every change is appended to the history (``documents.record_change``) with who made it and,
for a status change, the status before it; nothing in the history is ever rewritten: an undo
is a new change pointing at the change it reverses.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimtrack.config import INITIAL_STATUS, Config
from claimtrack.errors import UsageError
from claimtrack.model import short_hash
from claimtrack.store import documents
from claimtrack.store.documents import (
    catalog_of,
    claim_doc,
    docs_of,
    history,
    move_status,
    record_change,
    resolve,
    select,
    update_claim,
)
from claimtrack.store.engine import Session
from claimtrack.store.interface import LINK_THRESHOLD, Filters
from claimtrack.store.matching import MatchIndex
from claimtrack.store.records import ClaimRecord, Evidence

if TYPE_CHECKING:
    from claimtrack.config import Status
    from claimtrack.exchange import Review

#: How a piece of evidence bears on a claim.
STANCES = ("supports", "refutes", "context")
#: Changes that ``undo`` can reverse (scan-made changes are undone by rescanning).
UNDOABLE = ("status", "note", "evidence", "import")


class Declined(UsageError):
    """The user declined to confirm a change."""

    exit_code = 1


def evidence_item(
    target: str,
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    stance: str = "context",
) -> Evidence:
    """A checked evidence item: ``target`` must be an http(s) URL or an existing file.

    Its id is given when it is attached to a claim.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    local = not parts.scheme or len(parts.scheme) == 1 or parts.scheme == "file"
    path = Path(parts.path if parts.scheme == "file" else target)
    with suppress(RuntimeError):  # "~name/..." where no user is called name: no file either
        path = path.expanduser()
    if parts.scheme in ("http", "https") and parts.netloc and " " not in target:
        kind, where = "url", target
    elif local and path.is_file():
        kind, where = "file", str(path.resolve())
    else:
        raise UsageError(f"evidence {target!r} is neither an http(s) URL nor an existing file")
    if stance not in STANCES:
        raise UsageError(f"unknown stance {stance!r}; valid stances: {', '.join(STANCES)}")
    if date:
        try:
            datetime.fromisoformat(date)
        except ValueError as exc:
            raise UsageError(f"evidence date {date!r} is not an ISO date (YYYY-MM-DD)") from exc
    return Evidence(
        id="", kind=kind, target=where, title=title, publisher=publisher, date=date, stance=stance
    )


def mark(
    session: Session,
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
    targets = list(dict.fromkeys(resolve(session, prefix) for prefix in prefixes))
    if filters is not None:
        chosen = dict.fromkeys(targets)
        chosen.update(dict.fromkeys((c.id, c.article) for c in select(session, filters)))
        targets = list(chosen)
    if confirm is not None and not confirm(len(targets)):
        raise Declined("nothing changed")
    entries = []
    for claim_id, article_id in targets:
        doc = claim_doc(session, claim_id, article_id)
        previous = doc["status"]
        changes: dict[str, Any] = {"status": status}
        items = [_attached(item, claim_id) for item in evidence]
        if items:
            changes["evidence"] = [*doc.get("evidence", []), *items]
        if note:
            changes["notes"] = [*doc.get("notes", []), _note(claim_id, note, who)]
        update_claim(session, claim_id, article_id, changes)
        move_status(session, claim_id, article_id, previous, status)
        change = {"before": previous, "after": status, "note": note, "evidence": items}
        entries.append(record_change(session, claim_id, article_id, "status", who, **change))
    return entries


def add_evidence(session: Session, prefix: str, item: Evidence, who: str) -> dict[str, Any]:
    """Attach one evidence item to a claim; return the history entry."""
    claim_id, article_id = resolve(session, prefix)
    doc = claim_doc(session, claim_id, article_id)
    attached = _attached(item, claim_id)
    update_claim(session, claim_id, article_id, {"evidence": [*doc.get("evidence", []), attached]})
    return record_change(session, claim_id, article_id, "evidence", who, evidence=attached)


def add_note(session: Session, prefix: str, text: str, who: str) -> dict[str, Any]:
    """Attach a note to a claim; return the history entry."""
    if not text.strip():
        raise UsageError("a note needs some text")
    claim_id, article_id = resolve(session, prefix)
    doc = claim_doc(session, claim_id, article_id)
    note = _note(claim_id, text, who)
    update_claim(session, claim_id, article_id, {"notes": [*doc.get("notes", []), note]})
    return record_change(session, claim_id, article_id, "note", who, note=text, item=note["id"])


def undo(session: Session, prefix: str | None, who: str, note: str | None) -> dict[str, Any]:
    """Reverse the latest change not yet undone (of one claim, or anywhere)."""
    if prefix:
        claim_id, _ = resolve(session, prefix)
        newest_first = history(session, "claim = ?", (claim_id,), newest_first=True)
    else:
        newest_first = history(session, newest_first=True)
    return _reverse(session, latest_undoable(newest_first), who, note)


def import_reviews(
    session: Session, config: Config, reviews: Sequence[Review], set_status: bool, who: str
) -> tuple[list[dict[str, Any]], int]:
    """Attach outside verdicts to the stored claims they match; return the entries and the
    number of reviews that matched no claim."""
    index = MatchIndex(session)
    entries, unmatched = [], 0
    for review in reviews:
        status = config.status_for_rating(review.label, review.value)
        found = index.find(review.claim, LINK_THRESHOLD, limit=5)
        unmatched += not found
        for match, value in found:
            doc = claim_doc(session, match["id"], match["article"])
            evidence = _review_evidence(review, status, config)
            if _attached_already(doc, evidence):  # the same file imported again
                continue
            item = _with_id(evidence, doc["id"])
            changes: dict[str, Any] = {"evidence": [*doc.get("evidence", []), item]}
            fields: dict[str, Any] = {"evidence": item, "score": value}
            if set_status and status is not None and status.name != doc["status"]:
                changes["status"] = status.name
                fields.update(before=doc["status"], after=status.name)
                move_status(session, doc["id"], doc["article"], doc["status"], status.name)
            update_claim(session, doc["id"], doc["article"], changes)
            entries.append(
                record_change(session, doc["id"], doc["article"], "import", who, **fields)
            )
    return entries, unmatched


def claims_as_of(session: Session, moment: str, filters: Filters) -> list[ClaimRecord]:
    """Claims as they stood at ``moment`` (an ISO time), each with the status it had then."""
    selected = []
    for entry in catalog_of(session, filters.article):
        if entry.get("first_scanned", "") > moment:
            continue
        status, removed = replay(history(session, "article = ? AND at <= ?", (entry["id"], moment)))
        for doc in docs_of(session, entry["id"]).claims:
            if doc.get("first_seen", "") > moment or doc["id"] in removed:
                continue
            then = ClaimRecord.from_json(
                doc | {"status": status.get(doc["id"], INITIAL_STATUS), "removed": False}
            )
            if filters.matches(then):
                selected.append(then)
    return selected


def replay(changes: Iterable[dict[str, Any]]) -> tuple[dict[str, str], set[str]]:
    """The status each claim was left with by ``changes`` (oldest first), and the claims they
    removed: what a claim stood at, at the time of the last of them."""
    status: dict[str, str] = {}
    removed: set[str] = set()
    for change in changes:
        if "after" in change and change["action"] != "edited":
            status[change["claim"]] = change["after"]
        if change["action"] == "removed":
            removed.add(change["claim"])
    return status, removed


def _attached(item: Evidence | str, claim_id: str) -> dict[str, Any]:
    """An evidence item (or a bare URL) as stored with a claim, with its id."""
    if isinstance(item, str):
        item = Evidence(id="", kind="url", target=item)
    doc = item.to_json()
    del doc["id"]
    return _with_id(doc, claim_id)


def _with_id(item: dict[str, Any], claim_id: str) -> dict[str, Any]:
    return {"id": short_hash(claim_id, sorted(item.items()), time.perf_counter_ns())} | item


def _note(claim_id: str, text: str, by: str) -> dict[str, Any]:
    return _with_id({"text": text, "by": by, "at": documents.now()}, claim_id)


def _review_evidence(review: Review, status: Status | None, config: Config) -> dict[str, Any]:
    rating = None if status is None else status.rating
    stance = (
        "context" if rating is None else "supports" if rating >= config.best_rating else "refutes"
    )
    return {
        "kind": "claimreview",
        "url": review.url,
        "title": f"ClaimReview: {review.label or review.value}",
        "publisher": review.author,
        "date": review.date,
        "stance": stance,
        "rating": review.label,
        "status": None if status is None else status.name,
    }


def _attached_already(doc: dict[str, Any], evidence: dict[str, Any]) -> bool:
    """Whether a claim holds this review already (same URL, rating, author and date)."""
    same = ("kind", "url", "rating", "publisher", "date")
    return any(
        all(held.get(key) == evidence.get(key) for key in same) for held in doc.get("evidence", [])
    )


def latest_undoable(newest_first: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The latest of the history entries ``newest_first`` that ``undo`` can reverse and no
    undo has reversed yet; ``UsageError`` when there is none."""
    undone: set[str] = set()
    for entry in newest_first:
        if entry["action"] == "undo":
            undone.add(entry["undoes"])
        elif entry["action"] in UNDOABLE and entry["id"] not in undone:
            return dict(entry)
    raise UsageError("nothing to undo")


def _reverse(session: Session, entry: dict[str, Any], by: str, note: str | None) -> dict[str, Any]:
    claim_id, article_id = entry["claim"], entry["article"]
    doc = claim_doc(session, claim_id, article_id)
    changes: dict[str, Any] = {}
    fields: dict[str, Any] = {"undoes": entry["id"], "undone": entry["action"], "note": note}
    if "after" in entry:
        changes["status"] = entry["before"]
        fields.update(before=doc["status"], after=entry["before"])
        move_status(session, claim_id, article_id, doc["status"], entry["before"])
    # Evidence given with a status change stays: it was gathered, whatever the verdict.
    items = [entry["evidence"]["id"]] if entry["action"] in ("evidence", "import") else []
    if items:
        changes["evidence"] = [e for e in doc.get("evidence", []) if e.get("id") not in items]
    if entry["action"] == "note":
        changes["notes"] = [n for n in doc.get("notes", []) if n.get("id") != entry.get("item")]
    update_claim(session, claim_id, article_id, changes)
    return record_change(session, claim_id, article_id, "undo", by, **fields)
