"""Contradictions: listing them across articles, and the decisions people make about them.

What a person decided (confirmed or dismissed, with a note, who and when) is kept with the
contradiction, so a rescan that finds it again keeps the decision
(``scan_plan.plan_contradictions``); every decision is also a change in the history (action
``contradiction decided``, with the ``previous`` and new ``decision``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from tinydb import Query

from claimtrack.errors import UsageError
from claimtrack.store import documents
from claimtrack.store.documents import (
    ArticleDocs,
    catalog_of,
    docs_of,
    id_prefix,
    only_id,
    record_change,
)
from claimtrack.store.engine import Session
from claimtrack.store.scan_plan import about_contradiction
from claimtrack.store.schema import article_group

#: What a person may decide about a contradiction; ``OPEN`` (stored as None) is undecided.
DECISIONS = ("confirmed", "dismissed")
OPEN = "open"


def check_decision(decision: str) -> None:
    """Refuse a decision that is not ``open`` or one of ``DECISIONS``."""
    if decision not in (OPEN, *DECISIONS):
        raise UsageError(f"unknown decision {decision!r}; valid: {', '.join((OPEN, *DECISIONS))}")


def select(
    session: Session,
    article: str | None = None,
    kind: str | None = None,
    decision: str | None = None,
    include_stale: bool = False,
) -> list[dict[str, Any]]:
    """Stored contradictions across articles (or of one), article by article, in text order.

    ``decision`` is ``open`` (not decided yet), ``confirmed`` or ``dismissed``; contradictions
    a later scan no longer found (``stale``) are left out unless ``include_stale``. Each
    record also holds its article's ``title`` and ``source``, and under ``a`` and ``b`` the
    two statements' ``text`` and ``speaker``.
    """
    if decision is not None:
        check_decision(decision)
    wanted = None if decision in (None, OPEN) else decision
    found: list[dict[str, Any]] = []
    for entry, stored in _articles_with_contradictions(session, article):
        docs = [
            d
            for d in stored.contradictions
            if (include_stale or not d.get("stale"))
            and (kind is None or d["kind"] == kind)
            and (decision is None or d.get("decision") == wanted)
        ]
        if docs:
            found.extend(_contradiction_records(entry, stored, docs))
    return found


def decide_contradictions(
    session: Session,
    prefixes: Iterable[str],
    decision: str,
    note: str | None,
    who: str,
) -> list[dict[str, Any]]:
    """Confirm or dismiss contradictions (``open`` reopens them); return the history entries.

    Contradictions are given by unique prefixes of their ids. All are resolved before
    anything is written: one unknown id changes nothing. The decision, its note, who and
    when are kept with the contradiction, which keeps them across rescans that still find
    it, and each change is appended to the article's history and the log (action
    ``contradiction decided``, with the ``previous`` and new ``decision``).
    """
    check_decision(decision)
    value = None if decision == OPEN else decision
    known = {
        doc_id: entry["id"]
        for entry, stored in _articles_with_contradictions(session)
        for doc_id in (d["id"] for d in stored.contradictions)
    }
    targets = list(dict.fromkeys(_resolve_contradiction(known, p) for p in prefixes))
    if not targets:
        raise UsageError("give one or more contradiction ids")
    stamp = documents.now()
    entries = []
    for contradiction_id, article_id in targets:
        table = session.group(article_group(article_id)).table("contradictions")
        doc = next(d for d in table.all() if d["id"] == contradiction_id)
        decided, change = deciding(doc, value, note, who, stamp)
        table.update(decided, Query().id == contradiction_id)
        action = "contradiction decided"
        entries.append(record_change(session, contradiction_id, article_id, action, who, **change))
    return entries


def deciding(
    doc: dict[str, Any], value: str | None, note: str | None, who: str, stamp: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """What deciding ``value`` (None: open) about a stored contradiction sets on it, and the
    fields of the history entry that says so (action ``contradiction decided``). The same
    decision again without a note keeps the note it had."""
    same = note is None and value == doc.get("decision")
    decided = {
        "decision": value,
        "decision_note": doc.get("decision_note") if same else note,
        "decided_by": who,
        "decided_at": stamp,
    }
    about = {"previous": doc.get("decision"), "decision": value, "note": note}
    return decided, about_contradiction(doc) | about


def _articles_with_contradictions(
    session: Session, article: str | None = None
) -> Iterator[tuple[dict[str, Any], ArticleDocs]]:
    """(catalog entry, documents) of each article (or the one given) with contradictions.

    The articles are read without being kept open, so that listing a large database holds
    one at a time.
    """
    for entry in catalog_of(session, article):
        if entry.get("contradictions") == 0:
            continue  # (a catalog written before the count was kept has no count: read the file)
        stored = docs_of(session, entry["id"])
        if stored.contradictions:
            yield dict(entry), stored


def _contradiction_records(
    entry: dict[str, Any], stored: ArticleDocs, docs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Stored contradictions with their article and both statements' text and speaker."""
    claims = {d["id"]: d for d in stored.claims}
    text = stored.record.get("text", "")
    where = {"article": entry["id"], "title": entry.get("title"), "source": entry.get("source")}
    return [
        with_statements(doc, claims, lambda: text) | where
        for doc in sorted(docs, key=lambda d: (d["a"]["start"], d["b"]["start"]))
    ]


def with_statements(
    doc: dict[str, Any], claims: Mapping[str, dict[str, Any]], text: Callable[[], str]
) -> dict[str, Any]:
    """A contradiction with its two statements' ``text`` and ``speaker`` under ``a`` and ``b``:
    its claims' (``claims``, by id), else its spans of the article's text (``text()``)."""
    sides = {}
    for side, claim_id in zip(("a", "b"), doc["claims"], strict=True):
        claim = claims.get(claim_id) or {}
        span = doc[side]
        said = claim.get("text") or text()[span["start"] : span["end"]]
        sides[side] = span | {"text": said, "speaker": (claim.get("speaker") or {}).get("name")}
    return dict(doc) | sides


def _resolve_contradiction(known: dict[str, str], prefix: str) -> tuple[str, str]:
    """(contradiction id, article id) for a unique id prefix; raise ``StoreError`` otherwise."""
    prefix = id_prefix(prefix, "contradiction")
    found = only_id(prefix, sorted(c for c in known if c.startswith(prefix)), "contradiction")
    return found, known[found]
