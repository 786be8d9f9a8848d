"""Storing scans on the embedded desk: new articles, rescans of changed text, links between
repeated claims.

What a scan does to an article's stored claims is decided as on the team desk
(``scan_plan.plan_scan``); this writes it into the article's documents. New claims that repeat
a claim of another article are linked to it both ways.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import Any

from tinydb import Query

from claimtrack.config import Config
from claimtrack.contract import scan_json
from claimtrack.model import ScanResult
from claimtrack.store import documents
from claimtrack.store.documents import (
    claims_table,
    find_entry,
    put_entry,
    record_change,
    summarise,
)
from claimtrack.store.engine import Session
from claimtrack.store.interface import LINK_THRESHOLD, current_user
from claimtrack.store.matching import MatchIndex
from claimtrack.store.scan_plan import (
    article_record,
    plan_contradictions,
    plan_scan,
    stored_source,
)
from claimtrack.store.schema import article_group

#: JSON a batch of scans may parse before it lets go of the document groups it opened: enough
#: to keep an article that many in the batch link to parsed once, little enough that copies
#: linking to hundreds of stored articles do not hold them all.
RELEASE_BYTES = 4_000_000


def save_scans(
    session: Session,
    results: Sequence[ScanResult],
    checkers: Collection[str] | None,
    config: Config,
) -> list[dict[str, Any]]:
    """Store scan results in a session; return each article's ``scan --json`` object."""
    index = MatchIndex(session)
    records = []
    for result in results:
        records.append(_save_scan(session, result, index, checkers, config))
        if session.parsed > RELEASE_BYTES:  # the articles linked to are written and let go
            session.release()
    return records


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
    stamp = documents.now()
    who = current_user()
    plan = plan_scan(old, result, article_id, text_changed, config, stamp)
    for claim_id, doc in plan.kept.items():
        claims.update(doc, Query().id == claim_id)
    for claim_id, action, fields in plan.changes:
        record_change(session, claim_id, article_id, action, who, **fields)
    for claim_id in plan.gone:
        claims.update({"removed": True, "updated": stamp}, Query().id == claim_id)
    index.drop(plan.gone)
    index.add(plan.reindexed)
    if plan.rescan is not None:
        file.table("rescans").insert(plan.rescan)
    if plan.new_docs:
        _link_repeats(session, index, plan.new_docs, article_id)
        claims.insert_multiple(plan.new_docs)
        session.many(
            "INSERT OR REPLACE INTO claim_ids(id, article) VALUES (?, ?)",
            [(doc["id"], article_id) for doc in plan.new_docs],
        )
        index.add(plan.new_docs)

    save_contradictions(session, article_id, result, plan.stored_ids, checkers)
    record = article_record(article, article_id, source, stamp)
    file.table("article").upsert(record | {"text": article.text}, Query().id == article_id)
    summary = summarise(claims.all())
    summary["contradictions"] = len(file.table("contradictions"))  # lets listings skip the file
    first = {"first_scanned": entry.get("first_scanned", stamp) if entry else stamp}
    put_entry(session, (entry or {}) | record | summary | first)
    return scan_json(result, plan.stored_ids, plan.statuses, article_id)


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


def save_contradictions(
    session: Session,
    article_id: str,
    result: ScanResult,
    stored_ids: dict[str, str],
    checkers: Collection[str] | None,
) -> None:
    """Store a scan's contradictions of an article, keeping the decisions made about them
    (the rules of ``scan_plan.plan_contradictions``)."""
    file = session.group(article_group(article_id))
    table = file.table("contradictions")
    plan = plan_contradictions(
        {d["id"]: d for d in table.all()},
        result,
        stored_ids,
        checkers,
        lambda: {d["id"]: d for d in file.table("claims").all() if not d.get("removed")},
    )
    stamp = documents.now()
    who = current_user()
    for doc in plan.added:
        table.insert(
            doc | {"decision": None, "decision_note": None, "stale": False, "first_seen": stamp}
        )
    for before, doc in plan.found_again:
        changes = doc | {"stale": False}
        if before.get("stale"):
            changes["updated"] = stamp
        table.update(changes, Query().id == doc["id"])  # keeps the user's decision
    for contradiction_id, (a, b) in plan.following.items():
        table.update({"a": a, "b": b}, Query().id == contradiction_id)
    for before, _ in plan.stale:
        table.update({"stale": True, "updated": stamp}, Query().id == before["id"])
    for contradiction_id, action, fields in plan.changes:
        record_change(session, contradiction_id, article_id, action, who, **fields)
