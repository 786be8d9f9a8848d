"""Storing scans: new articles, rescans of changed text, links between repeated claims.

A rescan of the same text adds nothing and keeps verdicts. When a known source comes back with
changed text, claims whose text is still there, or lightly edited, keep their ids and verdicts
(moved to the new offsets), claims whose text is gone are marked removed, and what changed is
kept as a rescan. New claims that repeat a claim of another article are linked to it both ways.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from tinydb import Query

from claimtrack.config import INITIAL_STATUS, Config
from claimtrack.contract import scan_json
from claimtrack.edits import material_change
from claimtrack.model import Article, ScanResult
from claimtrack.store import documents
from claimtrack.store.contradictions import record_contradiction
from claimtrack.store.documents import (
    claims_table,
    find_entry,
    put_entry,
    record_change,
    summarise,
)
from claimtrack.store.engine import Session
from claimtrack.store.interface import LINK_THRESHOLD, current_user
from claimtrack.store.matching import MatchIndex, row
from claimtrack.store.schema import article_group

#: How alike (rapidfuzz ratio, 0–100) an edited sentence must be to keep its claim's id.
EDIT_THRESHOLD = 85.0


def save_scans(
    session: Session,
    results: Sequence[ScanResult],
    checkers: Collection[str] | None,
    config: Config,
) -> list[dict[str, Any]]:
    """Store scan results in a session; return each article's ``scan --json`` object."""
    index = MatchIndex(session)
    return [_save_scan(session, result, index, checkers, config) for result in results]


def _save_scan(
    session: Session,
    result: ScanResult,
    index: MatchIndex,
    checkers: Collection[str] | None,
    config: Config,
) -> dict[str, Any]:
    article = result.article
    source = stored_source(article.source)
    entry = find_entry(session, article.sha256, source)
    article_id = entry["id"] if entry else article.id
    file = session.group(article_group(article_id))
    claims = file.table("claims")
    old: dict[str, dict[str, Any]] = {d["id"]: d for d in claims.all()}
    text_changed = entry is not None and entry["sha256"] != article.sha256
    remap = _rematch(old, article.text) if text_changed else {}
    edited = _rematch_edited(old, result.claims, remap) if text_changed else {}
    remap.update(edited)
    stamp = documents.now()
    who = current_user()

    stored_ids: dict[str, str] = {}
    statuses: dict[str, str] = {}
    kept: set[str] = set()
    moved: list[dict[str, Any]] = []
    edits: list[dict[str, Any]] = []
    new_docs: list[dict[str, Any]] = []
    for claim in result.claims:
        span = (claim.start, claim.end)
        claim_id = remap.get(span, claim.id)
        stored_ids[claim.id] = claim_id
        fields = claim.to_json()
        fields.update(id=claim_id, article=article_id, details=dict(claim.details), removed=False)
        if claim_id in old:
            kept.add(claim_id)
            fields.pop("status")
            claims.update(fields, Query().id == claim_id)
            statuses[claim_id] = old[claim_id]["status"]
            before = old[claim_id]
            moved.extend(moved_entry(claim_id, before, span, span in edited))
            if span in edited:
                record_change(
                    session,
                    claim_id,
                    article_id,
                    "edited",
                    who,
                    text_before=before["text"],
                    text_after=claim.text,
                )
                reopened = _reopen(session, config, before, claim.text, who)
                if reopened:
                    statuses[claim_id] = INITIAL_STATUS
                    claims.update({"status": INITIAL_STATUS}, Query().id == claim_id)
                edits.append(
                    {"id": claim_id, "before": before["text"], "after": claim.text}
                    | {"reopened": reopened}
                )
                forms = row(before | fields | {"status": statuses[claim_id]})
                index.update(
                    claim_id,
                    norm=forms["norm"],
                    clauses=forms["clauses"],
                    status=statuses[claim_id],
                )
            elif before.get("removed"):
                index.add([before | fields])
        else:
            fields.update(first_seen=stamp, updated=stamp, notes=[], evidence=[], links=[])
            new_docs.append(fields)
            statuses[claim_id] = INITIAL_STATUS
    if text_changed:
        gone = [cid for cid, doc in old.items() if cid not in kept and not doc.get("removed")]
        for cid in gone:
            claims.update({"removed": True, "updated": stamp}, Query().id == cid)
            record_change(session, cid, article_id, "removed", who, note="text changed")
        index.drop(gone)
        file.table("rescans").insert(
            rescan_entry(stamp, article.sha256, new_docs, moved, gone, kept, edits)
        )
    if new_docs:
        _link_repeats(session, index, new_docs, article_id)
        claims.insert_multiple(new_docs)
        session.many(
            "INSERT OR REPLACE INTO claim_ids(id, article) VALUES (?, ?)",
            [(doc["id"], article_id) for doc in new_docs],
        )
        index.add(new_docs)

    save_contradictions(session, article_id, result, stored_ids, checkers)
    record = article_record(article, article_id, source, stamp)
    file.table("article").upsert(record | {"text": article.text}, Query().id == article_id)
    summary = summarise(claims.all())
    summary["contradictions"] = len(file.table("contradictions"))  # lets listings skip the file
    first = {"first_scanned": entry.get("first_scanned", stamp) if entry else stamp}
    put_entry(session, (entry or {}) | record | summary | first)
    return scan_json(result, stored_ids, statuses, article_id)


def stored_source(source: str) -> str:
    """The source an article is stored under: a file's absolute path, a URL as it is."""
    if source != "-" and not source.lower().startswith(("http://", "https://")):
        return str(Path(source).resolve())
    return source


def _reopen(
    session: Session, config: Config, before: dict[str, Any], text: str, who: str
) -> str | None:
    """Put an edited claim back to needing review if the edit changed what its verdict rests
    on; return what changed, or None (see ``reopening``)."""
    found = reopening(config, before, text)
    if found is None:
        return None
    reason, fields = found
    record_change(session, before["id"], before["article"], "status", who, **fields)
    return reason


def reopening(
    config: Config, before: dict[str, Any], text: str
) -> tuple[str, dict[str, Any]] | None:
    """Whether an edit to a reviewed claim changed what its verdict rests on
    (:func:`claimtrack.edits.material_change`): what changed, and the fields of the status
    change that reopens it, or None.

    The verdict stays in the history: the status change names it, with the old and new text.
    """
    status = before["status"]
    if not config.status(status).reviewed:
        return None
    reason = material_change(before["text"], text)
    if reason is None:
        return None
    return reason, {
        "before": status,
        "after": INITIAL_STATUS,
        "note": f"reopened: the text changed ({reason})",
        "text_before": before["text"],
        "text_after": text,
    }


def moved_entry(
    claim_id: str, before: dict[str, Any], span: tuple[int, int], edited: bool
) -> list[dict[str, Any]]:
    """The rescan's ``moved`` entry for a kept claim, if it moved, came back or was edited."""
    if (before["start"], before["end"]) == span and not before.get("removed") and not edited:
        return []
    return [
        {"id": claim_id, "from": [before["start"], before["end"]], "to": list(span)}
        | {"edited": edited}
    ]


def rescan_entry(
    stamp: str,
    sha256: str,
    new_docs: Sequence[dict[str, Any]],
    moved: Sequence[dict[str, Any]],
    gone: Sequence[str],
    kept: Collection[str],
    edits: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """What a rescan of a changed text did to the article's claims, as both backends keep it."""
    return {
        "at": stamp,
        "sha256": sha256,
        "added": [d["id"] for d in new_docs],
        "moved": list(moved),
        "removed": list(gone),
        "kept": sorted(set(kept) - {m["id"] for m in moved}),
        "edited": list(edits),
    }


def _link_repeats(
    session: Session, index: MatchIndex, new_docs: list[dict[str, Any]], article_id: str
) -> None:
    """Link each new claim to the claims of other articles it repeats, both ways."""
    texts = [doc.get("claim") or doc["text"] for doc in new_docs]
    found = index.find_many(texts, LINK_THRESHOLD, limit=5, exclude_article=article_id)
    back: dict[str, dict[str, list[dict[str, Any]]]] = {}  # article → claim → links to add
    for doc, matches in zip(new_docs, found, strict=True):
        for other, value in matches:
            doc["links"].append({"id": other["id"], "article": other["article"], "score": value})
            links = back.setdefault(other["article"], {}).setdefault(other["id"], [])
            links.append({"id": doc["id"], "article": article_id, "score": value})
    for other_article, adding in back.items():
        claims_table(session, other_article).update(
            functools.partial(_extend_links, adding), Query().id.one_of(list(adding))
        )


def _extend_links(adding: dict[str, list[dict[str, Any]]], linked: dict[str, Any]) -> None:
    """Append to a stored claim the links to it that a scan made (TinyDB updates in place)."""
    linked["links"] = [*linked.get("links", []), *adding[linked["id"]]]


def _rematch_edited(
    old: dict[str, dict[str, Any]], claims: Sequence[Any], remap: dict[tuple[int, int], str]
) -> dict[tuple[int, int], str]:
    """Old claim ids for new spans whose text is a slightly edited version of an old claim."""
    from rapidfuzz import fuzz

    taken = set(remap.values())
    unmatched_old = [d for cid, d in old.items() if cid not in taken and not d.get("removed")]
    pairs = []
    for claim in claims:
        span = (claim.start, claim.end)
        if span in remap or claim.id in old:
            continue
        for doc in unmatched_old:
            value = fuzz.ratio(claim.text, doc["text"])
            if value >= EDIT_THRESHOLD:
                pairs.append((value, span, doc["id"]))
    edited: dict[tuple[int, int], str] = {}
    for _, span, claim_id in sorted(pairs, reverse=True):
        if span not in edited and claim_id not in edited.values():
            edited[span] = claim_id
    return edited


def _rematch(old: dict[str, dict[str, Any]], text: str) -> dict[tuple[int, int], str]:
    """Old claim ids by their span in the new text, for claims whose text is still there."""
    remap: dict[tuple[int, int], str] = {}
    for claim_id, doc in old.items():
        if doc.get("removed"):
            continue
        positions: list[int] = []
        at = text.find(doc["text"])
        while at != -1 and len(positions) < 50:
            positions.append(at)
            at = text.find(doc["text"], at + 1)
        if positions:
            start = min(positions, key=lambda p: abs(p - doc["start"]))
            remap.setdefault((start, start + len(doc["text"])), claim_id)
    return remap


def save_contradictions(
    session: Session,
    article_id: str,
    result: ScanResult,
    stored_ids: dict[str, str],
    checkers: Collection[str] | None,
) -> None:
    """Store a scan's contradictions of an article, keeping the decisions made about them.

    A contradiction's id is made of its kind and its claims' stored ids, which a rescan of the
    same or lightly edited text keeps: found again, it keeps its decision and note (and its
    spans follow the text). One the scan did not find again is marked ``stale`` (and the change
    recorded in the history, as a claim whose text is gone is marked removed) when one of its
    claims is gone, or when the plugin that found it (one of ``checkers``; any when None) ran
    and no plugin failed; otherwise it stays live, its spans following its claims. Found by a
    later scan, a stale one is live again, decision and all.
    """
    file = session.group(article_group(article_id))
    table = file.table("contradictions")
    existing = {d["id"]: d for d in table.all()}
    stamp = documents.now()
    who = current_user()
    found: set[str] = set()
    for contradiction in result.contradictions:
        doc = contradiction.to_json(stored_ids)
        if doc["id"] in found:
            continue  # two scanned claims that map to one stored claim
        found.add(doc["id"])
        before = existing.get(doc["id"])
        if before is None:
            table.insert(
                doc | {"decision": None, "decision_note": None, "stale": False, "first_seen": stamp}
            )
            continue
        changes = doc | {"stale": False}
        if before.get("stale"):
            changes["updated"] = stamp
            record_contradiction(
                session, before | doc, article_id, "contradiction found again", who
            )
        table.update(changes, Query().id == doc["id"])  # keeps the user's decision
    missed = {i: d for i, d in existing.items() if i not in found and not d.get("stale")}
    if not missed:
        return
    live = {d["id"]: d for d in file.table("claims").all() if not d.get("removed")}
    for contradiction_id, before in missed.items():
        first, second = (live.get(claim_id) for claim_id in before["claims"])
        if first and second:
            ran = checkers is None or before.get("extractor") in checkers
            if result.errors or not ran:  # not looked for again: keep it, spans and all
                spans = {
                    side: {"start": claim["start"], "end": claim["end"]}
                    for side, claim in (("a", first), ("b", second))
                }
                table.update(spans, Query().id == contradiction_id)
                continue
            why = "no longer found by a scan"
        else:
            why = "one of its claims is no longer in the article"
        table.update({"stale": True, "updated": stamp}, Query().id == contradiction_id)
        record_contradiction(session, before, article_id, "contradiction stale", who, note=why)


def article_record(article: Article, article_id: str, source: str, stamp: str) -> dict[str, Any]:
    """An article's stored record (without counts and text), scanned at ``stamp``."""
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
