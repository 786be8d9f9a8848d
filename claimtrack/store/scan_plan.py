"""What storing a scan does to its article's stored claims and contradictions, decided the same way
on both backends.

``plan_scan`` takes the claims an article has stored and a new scan of it, and says which stored
claim each scanned claim is (a rescan of the same text adds nothing and keeps verdicts; when a
known source comes back with changed text, claims whose text is still there, or lightly edited,
keep their ids and verdicts, moved to the new offsets, and claims whose text is gone are
removed), what each kept claim becomes, what becomes of the article's contradictions, which
history entries to append and the rescan's report; ``link_repeats`` links new claims to the
claims of other articles they repeat. ``scans.py`` (the embedded desk) and ``pg_scans.py`` (the
team desk) write it down.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimtrack.config import INITIAL_STATUS, Config
from claimtrack.edits import material_change
from claimtrack.model import Article, ScanResult
from claimtrack.store.interface import LINK_THRESHOLD

if TYPE_CHECKING:
    from claimtrack.store.matching import WordMatcher

#: How alike (rapidfuzz ratio, 0–100) an edited sentence must be to keep its claim's id.
EDIT_THRESHOLD = 85.0
#: The fields of an article's own record (``article_record``), as both backends store them.
ARTICLE_FIELDS = [
    "id", "source", "sha256", "title", "published", "publisher", "author", "url", "scanned",
    "updated",
]  # fmt: skip


@dataclass
class ScanPlan:
    """What storing one scan does to its article's stored claims and contradictions."""

    #: The stored id of each scanned claim (a kept claim's, else its own).
    stored_ids: dict[str, str] = field(default_factory=dict)
    #: Each stored claim's status after the scan.
    statuses: dict[str, str] = field(default_factory=dict)
    #: Claims already stored, by id, as they are after the scan (verdict, notes and all).
    kept: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Kept claims the match index must take again (edited, or back after being removed).
    reindexed: list[dict[str, Any]] = field(default_factory=list)
    #: Claims stored for the first time.
    new_docs: list[dict[str, Any]] = field(default_factory=list)
    #: Live claims whose text is gone from a changed article (to mark removed).
    gone: list[str] = field(default_factory=list)
    #: History entries to append, in order, the claims' then the contradictions': (claim or
    #: contradiction id, action, fields).
    changes: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    #: What a rescan of changed text did (as ``Rescan.to_json`` gives it), or None.
    rescan: dict[str, Any] | None = None
    #: Contradictions found for the first time, as stored (undecided, live, first seen now).
    new_contradictions: list[dict[str, Any]] = field(default_factory=list)
    #: Stored contradictions that change, by id: the fields they change (a decision is kept).
    contradiction_updates: dict[str, dict[str, Any]] = field(default_factory=dict)


def plan_scan(
    result: ScanResult,
    entry: dict[str, Any] | None,
    old: Mapping[str, dict[str, Any]],
    existing: Mapping[str, dict[str, Any]],
    checkers: Collection[str] | None,
    config: Config,
    stamp: str,
) -> ScanPlan:
    """What storing ``result`` at ``stamp`` does to its article (its catalog ``entry``, None
    when new) and the claims ``old`` and contradictions ``existing`` (by id) it has stored.

    An edited claim's verdict is reopened when the edit changed what it rests on
    (``reopening``); the old verdict and text stay in the history. The contradictions follow
    ``plan_contradictions`` (``checkers``: the plugins that looked for them; any when None).
    """
    article = result.article
    article_id = entry["id"] if entry else article.id
    text_changed = entry is not None and entry["sha256"] != article.sha256
    remap = _rematch(old, article.text) if text_changed else {}
    edited = _rematch_edited(old, result.claims, remap) if text_changed else {}
    remap.update(edited)
    plan = ScanPlan()
    moved: list[dict[str, Any]] = []
    edits: list[dict[str, Any]] = []
    for claim in result.claims:
        span = (claim.start, claim.end)
        claim_id = remap.get(span, claim.id)
        plan.stored_ids[claim.id] = claim_id
        fields = claim.to_json()
        fields.update(id=claim_id, article=article_id, details=dict(claim.details), removed=False)
        if claim_id not in old:
            fields.update(first_seen=stamp, updated=stamp, notes=[], evidence=[], links=[])
            plan.new_docs.append(fields)
            plan.statuses[claim_id] = INITIAL_STATUS
            continue
        before = old[claim_id]
        status = before["status"]
        if span in edited:
            texts = {"text_before": before["text"], "text_after": claim.text}
            plan.changes.append((claim_id, "edited", texts))
            reopened = reopening(config, before, claim.text)
            if reopened is not None:
                plan.changes.append((claim_id, "status", reopened[1]))
                status = INITIAL_STATUS
            edits.append(
                {"id": claim_id, "before": before["text"], "after": claim.text}
                | {"reopened": reopened[0] if reopened else None}
            )
        was = [before["start"], before["end"]]
        if was != list(span) or before.get("removed") or span in edited:
            moved.append({"id": claim_id, "from": was, "to": list(span), "edited": span in edited})
        plan.statuses[claim_id] = status
        plan.kept[claim_id] = before | fields | {"status": status}
        if span in edited or before.get("removed"):
            plan.reindexed.append(plan.kept[claim_id])
    if text_changed:
        plan.gone = [
            cid for cid, doc in old.items() if cid not in plan.kept and not doc.get("removed")
        ]
        plan.changes += [(cid, "removed", {"note": "text changed"}) for cid in plan.gone]
        plan.rescan = {
            "at": stamp,
            "sha256": article.sha256,
            "added": [d["id"] for d in plan.new_docs],
            "moved": moved,
            "removed": list(plan.gone),
            "kept": sorted(set(plan.kept) - {m["id"] for m in moved}),
            "edited": edits,
        }
    live = {i: d for i, d in old.items() if not d.get("removed") and i not in plan.gone}
    live |= plan.kept | {doc["id"]: doc for doc in plan.new_docs}
    plan_contradictions(plan, existing, result, checkers, live, stamp)
    return plan


def link_repeats(
    index: WordMatcher, new_docs: list[dict[str, Any]], article_id: str
) -> list[tuple[dict[str, Any], dict[str, Any], float]]:
    """Link each new claim (in its ``links``) to the claims of other articles it repeats;
    return the links made, (new claim, the claim it repeats, score), for the desk to link back."""
    texts = [doc.get("claim") or doc["text"] for doc in new_docs]
    found = index.find_many(texts, LINK_THRESHOLD, limit=5, exclude_article=article_id)
    links = []
    for doc, hits in zip(new_docs, found, strict=True):
        for other, value in hits:
            doc["links"].append({"id": other["id"], "article": other["article"], "score": value})
            links.append((doc, other, value))
    return links


def stored_source(source: str) -> str:
    """The source an article is stored under: a file's absolute path, a URL as it is."""
    if source != "-" and not source.lower().startswith(("http://", "https://")):
        return str(Path(source).resolve())
    return source


def article_record(article: Article, article_id: str, source: str, stamp: str) -> dict[str, Any]:
    """An article's stored record (without counts and text), scanned at ``stamp``: the fields
    of ``ARTICLE_FIELDS``, those not given here from its metadata."""
    given = dict(id=article_id, source=source, sha256=article.sha256, scanned=stamp, updated=stamp)
    return {k: given[k] if k in given else getattr(article.metadata, k) for k in ARTICLE_FIELDS}


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


def _rematch_edited(
    old: Mapping[str, dict[str, Any]], claims: Sequence[Any], remap: dict[tuple[int, int], str]
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


def _rematch(old: Mapping[str, dict[str, Any]], text: str) -> dict[tuple[int, int], str]:
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


def plan_contradictions(
    plan: ScanPlan,
    existing: Mapping[str, dict[str, Any]],
    result: ScanResult,
    checkers: Collection[str] | None,
    live: dict[str, dict[str, Any]],
    stamp: str,
) -> None:
    """Add to ``plan`` what storing its scan at ``stamp`` does to the contradictions
    ``existing`` (by id) of its article, whose live claims after the scan are ``live``.

    A contradiction's id is made of its kind and its claims' stored ids, which a rescan of the
    same or lightly edited text keeps: found again, it keeps its decision and note (and its
    spans follow the text). One the scan did not find again is marked stale (and the change
    recorded in the history, as a claim whose text is gone is marked removed) when one of its
    claims is gone, or when the plugin that found it (one of ``checkers``; any when None) ran
    and no plugin failed; otherwise it stays live, its spans following its claims. Found by a
    later scan, a stale one is live again, decision and all (both changes recorded in the
    history).
    """
    found: set[str] = set()
    updates = plan.contradiction_updates
    for contradiction in result.contradictions:
        doc = contradiction.to_json(plan.stored_ids)
        if doc["id"] in found:
            continue  # two scanned claims that map to one stored claim
        found.add(doc["id"])
        before = existing.get(doc["id"])
        if before is None:
            fresh = {"decision": None, "decision_note": None, "stale": False, "first_seen": stamp}
            plan.new_contradictions.append(doc | fresh)
            continue
        again = {key: doc[key] for key in ("a", "b", "explanation")}
        again["extractor"] = doc.get("extractor") or ""
        updates[doc["id"]] = again | {"stale": False}
        if before.get("stale"):
            updates[doc["id"]]["updated"] = stamp
            about = about_contradiction(before | doc)
            plan.changes.append((doc["id"], "contradiction found again", about))
    missed = {i: d for i, d in existing.items() if i not in found and not d.get("stale")}
    for contradiction_id, before in missed.items():
        first, second = (live.get(claim_id) for claim_id in before["claims"])
        if first and second:
            ran = checkers is None or before.get("extractor") in checkers
            if result.errors or not ran:  # not looked for again: keep it, spans and all
                updates[contradiction_id] = {
                    "a": {"start": first["start"], "end": first["end"]},
                    "b": {"start": second["start"], "end": second["end"]},
                }
                continue
            why = "no longer found by a scan"
        else:
            why = "one of its claims is no longer in the article"
        updates[contradiction_id] = {"stale": True, "updated": stamp}
        about = about_contradiction(before) | {"note": why}
        plan.changes.append((contradiction_id, "contradiction stale", about))


def about_contradiction(doc: dict[str, Any]) -> dict[str, Any]:
    """What a history entry about a contradiction says of it (its id stands where a claim's
    would)."""
    return {"contradiction": doc["id"], "kind": doc["kind"], "claims": doc["claims"]}
