"""Verdicts and their history: marking claims, notes, evidence, imported reviews and undo.

Every change is appended to the history (``record_change``) with who made it and, for a status
change, the status before it; nothing in the history is ever rewritten: an undo is a new change
pointing at the change it reverses. The changes are written once for both desks
(``VerdictDesk``), as edits of claims that each desk applies its way; the embedded desk's way is
at the end of this module, the team desk's in ``pg_verdicts.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic

from claimtrack.config import INITIAL_STATUS, Config
from claimtrack.errors import UsageError
from claimtrack.model import short_hash
from claimtrack.store import documents
from claimtrack.store.desk import Rows, S
from claimtrack.store.documents import (
    catalog_of,
    claim_doc,
    docs_of,
    history,
    move_status,
    select,
    update_claim,
)
from claimtrack.store.engine import Session
from claimtrack.store.interface import LINK_THRESHOLD, Filters
from claimtrack.store.matching import MatchIndex, WordMatcher
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


@dataclass
class Edit:
    """One claim's part of a verdict change: the claim as read before it (locked, on the team
    desk), the fields of the history entry that records it (its ``after``, when it has one, is the
    claim's new status), and what is attached to the claim or dropped from it."""

    doc: dict[str, Any]
    fields: dict[str, Any]
    evidence: list[dict[str, Any]] = field(default_factory=list)  # attached
    notes: list[dict[str, Any]] = field(default_factory=list)  # attached
    dropped: tuple[str, str | None] | None = None  # ("evidence" or "notes", id) an undo drops


@dataclass(frozen=True)
class VerdictDesk(Generic[S]):
    """The verdict changes, written once for both desks over what a desk gives: its rows
    (``resolve``, ``history``, ``record_change``), its SQL's parameter marker, how it selects
    and matches claims, ``read``: the documents of claims (id: article id) in the order given,
    locked until the change ends, and ``apply``: how it changes claims as ``Edit`` says."""

    rows: Rows[S]
    param: str
    select: Callable[[S, Filters], list[ClaimRecord]]
    matcher: Callable[[S], WordMatcher]
    read: Callable[[S, dict[str, str]], list[dict[str, Any]]]
    apply: Callable[[S, Sequence[Edit]], None]

    def mark(
        self,
        session: S,
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
        targets = dict(self.rows.resolve(session, prefix) for prefix in prefixes)
        if filters is not None:
            targets.update((c.id, c.article) for c in self.select(session, filters))
        if confirm is not None and not confirm(len(targets)):
            raise Declined("nothing changed")
        edits = []
        for doc in self.read(session, targets):
            items = [_attached(item, doc["id"]) for item in evidence]
            notes = [_note(doc["id"], note, who)] if note else []
            change = {"before": doc["status"], "after": status, "note": note, "evidence": items}
            edits.append(Edit(doc, change, items, notes))
        return self._commit(session, "status", who, *edits)

    def add_evidence(self, session: S, prefix: str, item: Evidence, who: str) -> dict[str, Any]:
        """Attach one evidence item to a claim; return the history entry."""
        [doc] = self.read(session, dict([self.rows.resolve(session, prefix)]))
        attached = _attached(item, doc["id"])
        edit = Edit(doc, {"evidence": attached}, evidence=[attached])
        return self._commit(session, "evidence", who, edit)[0]

    def add_note(self, session: S, prefix: str, text: str, who: str) -> dict[str, Any]:
        """Attach a note to a claim; return the history entry."""
        if not text.strip():
            raise UsageError("a note needs some text")
        [doc] = self.read(session, dict([self.rows.resolve(session, prefix)]))
        note = _note(doc["id"], text, who)
        edit = Edit(doc, {"note": text, "item": note["id"]}, notes=[note])
        return self._commit(session, "note", who, edit)[0]

    def undo(self, session: S, prefix: str | None, who: str, note: str | None) -> dict[str, Any]:
        """Reverse the latest change not yet undone (of one claim, or anywhere)."""
        claim = (self.rows.resolve(session, prefix)[0],) if prefix else ()
        where = f"claim = {self.param}" if prefix else ""
        entry = latest_undoable(self.rows.history(session, where, claim, newest_first=True))
        [doc] = self.read(session, {entry["claim"]: entry["article"]})
        edit = Edit(doc, {"undoes": entry["id"], "undone": entry["action"], "note": note})
        if "after" in entry:
            edit.fields.update(before=doc["status"], after=entry["before"])
        # Evidence given with a status change stays: it was gathered, whatever the verdict.
        if entry["action"] in ("evidence", "import"):
            edit.dropped = ("evidence", entry["evidence"]["id"])
        if entry["action"] == "note":
            edit.dropped = ("notes", entry.get("item"))
        return self._commit(session, "undo", who, edit)[0]

    def import_reviews(
        self, session: S, config: Config, reviews: Sequence[Review], set_status: bool, who: str
    ) -> tuple[list[dict[str, Any]], int]:
        """Attach outside verdicts to the stored claims they match; return the entries and the
        number of reviews that matched no claim."""
        index = self.matcher(session)
        entries, unmatched = [], 0
        for review in reviews:
            status = config.status_for_rating(review.label, review.value)
            found = index.find(review.claim, LINK_THRESHOLD, limit=5)
            unmatched += not found
            for match, value in found:
                [doc] = self.read(session, {match["id"]: match["article"]})
                evidence = _review_evidence(review, status, config)
                if _attached_already(doc, evidence):  # the same file imported again
                    continue
                item = _with_id(evidence, doc["id"])
                edit = Edit(doc, {"evidence": item, "score": value}, evidence=[item])
                if set_status and status is not None and status.name != doc["status"]:
                    edit.fields.update(before=doc["status"], after=status.name)
                entries += self._commit(session, "import", who, edit)
        return entries, unmatched

    def _commit(self, session: S, action: str, who: str, *edits: Edit) -> list[dict[str, Any]]:
        """Apply ``edits``, then record each in the history; return the entries."""
        self.apply(session, edits)
        return [
            self.rows.record_change(session, e.doc["id"], e.doc["article"], action, who, **e.fields)
            for e in edits
        ]


def claims_as_of(session: Session, moment: str, filters: Filters) -> list[ClaimRecord]:
    """Claims as they stood at ``moment`` (an ISO time), each with the status it had then."""
    selected = []
    for entry in catalog_of(session, filters.article):
        if entry.get("first_scanned", "") <= moment:
            claims = docs_of(session, entry["id"]).claims
            changes = history(session, "article = ? AND at <= ?", (entry["id"], moment))
            selected += as_they_stood(
                (d for d in claims if d.get("first_seen", "") <= moment), changes, filters
            )
    return selected


def as_they_stood(
    docs: Iterable[dict[str, Any]], changes: Iterable[dict[str, Any]], filters: Filters
) -> list[ClaimRecord]:
    """The claims ``docs`` passing ``filters`` as ``changes`` (oldest first) left them: each
    with the status it was left with; those they removed left out."""
    status: dict[str, str] = {}
    removed: set[str] = set()
    for change in changes:
        if "after" in change and change["action"] != "edited":
            status[change["claim"]] = change["after"]
        if change["action"] == "removed":
            removed.add(change["claim"])
    records = (
        ClaimRecord.from_json(d | {"status": status.get(d["id"], INITIAL_STATUS), "removed": False})
        for d in docs
        if d["id"] not in removed
    )
    return [r for r in records if filters.matches(r)]


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


def _read(session: Session, targets: dict[str, str]) -> list[dict[str, Any]]:
    """The documents of claims (id: article id), in the order given."""
    return [claim_doc(session, claim_id, article_id) for claim_id, article_id in targets.items()]


def _apply(session: Session, edits: Sequence[Edit]) -> None:
    """Change claim documents whole, and count each claim under its new status."""
    for edit in edits:
        doc = edit.doc
        changes: dict[str, Any] = {}
        if "after" in edit.fields:
            changes["status"] = edit.fields["after"]
            move_status(session, doc["id"], doc["article"], doc["status"], changes["status"])
        for key, added in (("evidence", edit.evidence), ("notes", edit.notes)):
            held = doc.get(key, [])
            if edit.dropped and edit.dropped[0] == key:
                changes[key] = [i for i in held if i.get("id") != edit.dropped[1]]
            elif added:
                changes[key] = [*held, *added]
        update_claim(session, doc["id"], doc["article"], changes)


_DESK = VerdictDesk(documents, "?", select, MatchIndex, _read, _apply)
# What the Store base calls (``desk.Verdicts``), this desk's way:
mark = _DESK.mark
add_evidence = _DESK.add_evidence
add_note = _DESK.add_note
undo = _DESK.undo
import_reviews = _DESK.import_reviews
