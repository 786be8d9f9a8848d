"""Storing scans on the embedded desk: new articles, rescans of changed text, links between
repeated claims.

What a scan does to an article's stored claims and contradictions is decided as on the team
desk (``scan_plan.plan_scan``); this writes it into the article's documents. New claims that
repeat a claim of another article are linked to it both ways.
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
from claimtrack.store.interface import current_user
from claimtrack.store.matching import MatchIndex
from claimtrack.store.scan_plan import (
    article_record,
    link_repeats,
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
    claims, contradictions = file.table("claims"), file.table("contradictions")
    stamp = documents.now()
    old, existing = ({d["id"]: d for d in table.all()} for table in (claims, contradictions))
    plan = plan_scan(result, entry, old, existing, checkers, config, stamp)
    claims.update(functools.partial(_update, plan.kept), Query().id.one_of(list(plan.kept)))
    claims.update({"removed": True, "updated": stamp}, Query().id.one_of(plan.gone))
    index.drop(plan.gone)
    index.add(plan.reindexed)
    if plan.rescan is not None:
        file.table("rescans").insert(plan.rescan)
    if plan.new_docs:
        back: dict[str, dict[str, list[dict[str, Any]]]] = {}  # article → claim → links to add
        for doc, other, value in link_repeats(index, plan.new_docs, article_id):
            links = back.setdefault(other["article"], {}).setdefault(other["id"], [])
            links.append({"id": doc["id"], "article": article_id, "score": value})
        for other_article, adding in back.items():
            claims_table(session, other_article).update(
                functools.partial(_extend_links, adding), Query().id.one_of(list(adding))
            )
        claims.insert_multiple(plan.new_docs)
        session.many(
            "INSERT OR REPLACE INTO claim_ids(id, article) VALUES (?, ?)",
            [(doc["id"], article_id) for doc in plan.new_docs],
        )
        index.add(plan.new_docs)
    contradictions.insert_multiple(plan.new_contradictions)
    updates = plan.contradiction_updates
    contradictions.update(functools.partial(_update, updates), Query().id.one_of(list(updates)))
    who = current_user()
    for claim_id, action, fields in plan.changes:
        record_change(session, claim_id, article_id, action, who, **fields)
    record = article_record(article, article_id, source, stamp)
    file.table("article").upsert(record | {"text": article.text}, Query().id == article_id)
    summary = summarise(claims.all())
    summary["contradictions"] = len(contradictions)  # lets listings skip the file
    first = {"first_scanned": entry.get("first_scanned", stamp) if entry else stamp}
    put_entry(session, (entry or {}) | record | summary | first)
    return scan_json(result, plan.stored_ids, plan.statuses, article_id)


def _update(changes: dict[str, dict[str, Any]], doc: dict[str, Any]) -> None:
    """Set on a stored document what ``changes`` (by id) says of it (TinyDB updates in place)."""
    doc.update(changes[doc["id"]])


def _extend_links(adding: dict[str, list[dict[str, Any]]], linked: dict[str, Any]) -> None:
    """Append to a stored claim the links to it that a scan made (TinyDB updates in place)."""
    linked["links"] = [*linked.get("links", []), *adding[linked["id"]]]
