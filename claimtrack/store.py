"""The claim database: articles, claims, contradictions and their append-only history.

Layout (a folder; every file a TinyDB JSON file, see ``storage.py`` for atomicity):

- ``catalog.json``: schema version and one summary record per article (counts by status and
  type, and of contradictions), so that listings and report summaries never open the article
  files (and listing contradictions opens only those of articles that have some);
- ``articles/<article id>.json``: one article's text, claims, contradictions and history;
- ``index/<first two hex digits>.json``: claim id → article id, so a claim is found by opening
  one small shard and one article file, however large the database grows;
- ``log/<YYYY-MM>.json``: every change across the database, in order, for ``claimtrack log``;
- ``match/``: the index that finds repeated claims (see ``matching.py``), rebuilt from the
  article files when its layout changes (``claimtrack db reindex`` rebuilds it on demand).
"""

from __future__ import annotations

import functools
import getpass
import os
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query

from claimtrack.config import INITIAL_STATUS, Config, load_config
from claimtrack.contract import scan_json
from claimtrack.errors import StoreError, UsageError
from claimtrack.matching import LINK_THRESHOLD, SEARCH_THRESHOLD, MatchIndex, row
from claimtrack.model import ScanResult, short_hash
from claimtrack.storage import Transaction, locked

#: Version of the database layout; 2 shards ``index/`` by two hex digits (1 had one).
SCHEMA = 2
DB_ENV = "CLAIMTRACK_DB"
USER_ENV = "CLAIMTRACK_USER"
CATALOG = "catalog.json"
#: The feed items ``watch`` has scanned.
FEEDS = "feeds.json"
MIN_PREFIX = 4
#: Articles whose claims a lookup of linked claims keeps parsed (the most recently read).
LINKED_ARTICLES = 64
#: Version of the layout of ``match/``; a database with another is reindexed when opened.
MATCH_INDEX = 3
#: How a piece of evidence bears on a claim.
STANCES = ("supports", "refutes", "context")
#: Changes that ``undo`` can reverse (scan-made changes are undone by rescanning).
UNDOABLE = ("status", "note", "evidence", "import")
#: How alike (rapidfuzz ratio, 0–100) an edited sentence must be to keep its claim's id.
EDIT_THRESHOLD = 85.0


def default_db_path() -> Path:
    """``CLAIMTRACK_DB`` if set, else the per-user data folder (platformdirs)."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("claimtrack", appauthor=False) / "db"


def current_user() -> str:
    """Who is making a change: ``CLAIMTRACK_USER`` or the login name."""
    try:
        return os.environ.get(USER_ENV) or getpass.getuser()
    except OSError:
        return "unknown"


def now() -> str:
    """The current UTC time as an ISO 8601 string (seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Filters:
    """Which claims a listing, bulk change or export selects."""

    article: str | None = None
    status: str | None = None
    type: str | None = None
    speaker: str | None = None
    min_score: float | None = None
    checkworthy_only: bool = False
    include_removed: bool = False

    def matches(self, doc: dict[str, Any]) -> bool:
        """Whether a stored claim passes every filter."""
        speaker = (doc.get("speaker") or {}).get("name") or ""
        return (
            (self.include_removed or not doc.get("removed"))
            and (self.status is None or doc["status"] == self.status)
            and (self.type is None or doc["type"] == self.type)
            and (self.speaker is None or self.speaker.lower() in speaker.lower())
            and (self.min_score is None or doc["score"] >= self.min_score)
            and (not self.checkworthy_only or doc["checkworthy"])
        )


class Store:
    """A claimtrack database folder."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()
        self._config: Config | None = None
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a claimtrack database folder")

    # -- sessions ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A locked unit of work on this database, checked for its schema version."""
        with locked(self.path) as tx:
            _check_schema(tx)
            yield tx

    # -- scanning ------------------------------------------------------------------------------

    def save_scans(
        self, results: Sequence[ScanResult], checkers: Collection[str] | None = None
    ) -> list[dict[str, Any]]:
        """Store scan results; return each article's stored JSON record.

        The results are stored in one transaction. It holds open the files of their articles and
        the catalog; the index shards and earlier articles they change are changed at commit,
        one file at a time (``Transaction.edit``), so memory grows with the results given, not
        with the database.

        Rescanning the same text adds nothing and keeps verdicts. When a known source comes back
        with changed text, claims whose text is still there, or lightly edited, keep their ids
        and verdicts (moved to the new offsets), claims whose text is gone are marked removed,
        and what changed is kept for ``rescans``. New claims that repeat a claim of another
        article are linked to it (see ``earlier_verdicts``). ``checkers`` names the contradiction
        plugins that ran (default: any): only their contradictions can go stale for not being
        found again.
        """
        with self.transaction() as tx:
            return _save_scans(tx, results, checkers)

    # -- reading -------------------------------------------------------------------------------

    def resolve(self, prefix: str) -> tuple[str, str]:
        """(claim id, article id) for a unique id prefix; raise ``StoreError`` otherwise."""
        with self.transaction() as tx:
            return _resolve(tx, prefix)

    def claim(self, prefix: str) -> dict[str, Any]:
        """The stored claim record (with notes, evidence and links) for an id prefix."""
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            doc = _claims(tx, article_id).get(Query().id == claim_id)
            if doc is None:
                raise StoreError(
                    f"claim {claim_id} is indexed but missing; run claimtrack db check"
                )
            return dict(doc)

    def history(self, prefix: str) -> list[dict[str, Any]]:
        """Every change of one claim, oldest first."""
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            table = tx.db(_article_file(article_id)).table("history")
            return [dict(d) for d in table.search(Query().claim == claim_id)]

    def articles(self) -> list[dict[str, Any]]:
        """Summary records of every stored article, in the order they were first stored."""
        with self.transaction() as tx:
            return [dict(d) for d in tx.db(CATALOG).table("articles").all()]

    def article(self, prefix: str) -> dict[str, Any]:
        """One article's stored record, including its text, by id prefix or source."""
        with self.transaction() as tx:
            article_id = _resolve_article(tx, prefix)
            doc = tx.db(_article_file(article_id)).table("article").get(doc_id=1)
            return dict(doc or {})

    def claims(self, filters: Filters = Filters()) -> list[dict[str, Any]]:
        """Stored claims passing ``filters``, article by article, in text order."""
        with self.transaction() as tx:
            return _select(tx, filters)

    def contradictions(self, article_id: str) -> list[dict[str, Any]]:
        """The stored contradictions of one article."""
        with self.transaction() as tx:
            return [dict(d) for d in tx.db(_article_file(article_id)).table("contradictions").all()]

    # -- contradictions: listing and decisions (see also _save_contradictions) -----------------

    def select_contradictions(
        self,
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
            _check_decision(decision)
        wanted = None if decision in (None, OPEN) else decision
        found: list[dict[str, Any]] = []
        with self.transaction() as tx:
            for entry, tables in _articles_with_contradictions(tx, article):
                docs = [
                    d
                    for d in tables["contradictions"].values()
                    if (include_stale or not d.get("stale"))
                    and (kind is None or d["kind"] == kind)
                    and (decision is None or d.get("decision") == wanted)
                ]
                if docs:
                    found.extend(_contradiction_records(entry, tables, docs))
        return found

    def decide_contradictions(
        self,
        prefixes: Iterable[str],
        decision: str,
        note: str | None = None,
        by: str | None = None,
    ) -> list[dict[str, Any]]:
        """Confirm or dismiss contradictions (``open`` reopens them); return the history entries.

        Contradictions are given by unique prefixes of their ids. All are resolved before
        anything is written: one unknown id changes nothing. The decision, its note, who and
        when are kept with the contradiction, which keeps them across rescans that still find
        it, and each change is appended to the article's history and the log (action
        ``contradiction decided``, with the ``previous`` and new ``decision``).
        """
        _check_decision(decision)
        value = None if decision == OPEN else decision
        who = by or current_user()
        with self.transaction() as tx:
            known = {
                doc_id: entry["id"]
                for entry, tables in _articles_with_contradictions(tx)
                for doc_id in (d["id"] for d in tables["contradictions"].values())
            }
            targets = list(dict.fromkeys(_resolve_contradiction(known, p) for p in prefixes))
            if not targets:
                raise UsageError("give one or more contradiction ids")
            stamp = now()
            entries = []
            for contradiction_id, article_id in targets:
                table = tx.db(_article_file(article_id)).table("contradictions")
                doc = next(d for d in table.all() if d["id"] == contradiction_id)
                same = note is None and value == doc.get("decision")
                kept_note = doc.get("decision_note") if same else note  # same decision: same note
                table.update(
                    {
                        "decision": value,
                        "decision_note": kept_note,
                        "decided_by": who,
                        "decided_at": stamp,
                    },
                    Query().id == contradiction_id,
                )
                entries.append(
                    _record_contradiction(
                        tx,
                        dict(doc),
                        article_id,
                        "contradiction decided",
                        who,
                        previous=doc.get("decision"),
                        decision=value,
                        note=note,
                    )
                )
            return entries

    def summary(self) -> dict[str, Any]:
        """Counts by status and type over the whole database, from the catalog alone."""
        return _summary(self.articles())

    def latest_articles(
        self, limit: int = 10, article: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """The ``limit`` most recently updated articles (or the one given) and how many there are.

        Each is ``{"article", "claims", "contradictions", "text"}``: its record without the text,
        its live claims in text order, its contradictions and its text. One transaction.
        """
        with self.transaction() as tx:
            catalog = tx.db(CATALOG).table("articles").all()
            if article:
                wanted = _resolve_article(tx, article)
                catalog = [e for e in catalog if e["id"] == wanted]
            latest = sorted(catalog, key=lambda e: e.get("updated") or "", reverse=True)[:limit]
            sections = []
            for entry in latest:
                file = tx.db(_article_file(entry["id"]))
                record = dict(file.table("article").get(doc_id=1) or {})
                claims = [dict(d) for d in file.table("claims").all() if not d.get("removed")]
                sections.append(
                    {
                        "article": {k: v for k, v in record.items() if k != "text"},
                        "claims": sorted(claims, key=lambda d: (d["start"], d["end"])),
                        "contradictions": [dict(d) for d in file.table("contradictions").all()],
                        "text": record.get("text", ""),
                    }
                )
            return sections, len(catalog)

    # -- changing ------------------------------------------------------------------------------

    def mark(
        self,
        prefixes: Iterable[str],
        status: str,
        note: str | None = None,
        evidence: Sequence[str | dict[str, Any]] = (),
        by: str | None = None,
        filters: Filters | None = None,
        confirm: Callable[[int], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Set the status of claims, recording one history entry each; return the entries.

        Claims are given by id prefixes, by ``filters``, or both. All are resolved before
        anything is written: one unknown id changes nothing. ``confirm`` is asked with the
        number of claims selected and may decline, which also changes nothing. Each evidence
        item is an ``evidence_item`` record or a bare URL.
        """
        self.config.status(status)
        who = by or current_user()
        with self.transaction() as tx:
            targets = list(dict.fromkeys(_resolve(tx, prefix) for prefix in prefixes))
            if filters is not None:
                chosen = dict.fromkeys(targets)
                chosen.update(dict.fromkeys((d["id"], d["article"]) for d in _select(tx, filters)))
                targets = list(chosen)
            if confirm is not None and not confirm(len(targets)):
                raise Declined("nothing changed")
            index = MatchIndex(tx)
            entries = []
            for claim_id, article_id in targets:
                doc = _claim_doc(tx, claim_id, article_id)
                previous = doc["status"]
                changes: dict[str, Any] = {"status": status, "updated": now()}
                items = [
                    {"url": item} if isinstance(item, str) else _with_id(item, claim_id)
                    for item in evidence
                ]
                if items:
                    changes["evidence"] = [*doc.get("evidence", []), *items]
                if note:
                    changes["notes"] = [*doc.get("notes", []), _note(claim_id, note, who)]
                _claims(tx, article_id).update(changes, Query().id == claim_id)
                _move_count(tx, article_id, previous, status)
                index.update(claim_id, status=status)
                entries.append(
                    record_change(
                        tx,
                        claim_id,
                        article_id,
                        "status",
                        who,
                        before=previous,
                        after=status,
                        note=note,
                        evidence=items,
                    )
                )
            return entries

    def add_evidence(
        self, prefix: str, item: dict[str, Any], by: str | None = None
    ) -> dict[str, Any]:
        """Attach one evidence item (see ``evidence_item``) to a claim; return the history entry."""
        who = by or current_user()
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            doc = _claim_doc(tx, claim_id, article_id)
            item = _with_id(item, claim_id)
            _claims(tx, article_id).update(
                {"evidence": [*doc.get("evidence", []), item], "updated": now()},
                Query().id == claim_id,
            )
            return record_change(tx, claim_id, article_id, "evidence", who, evidence=item)

    def add_note(self, prefix: str, text: str, by: str | None = None) -> dict[str, Any]:
        """Attach a note to a claim; return the history entry."""
        if not text.strip():
            raise UsageError("a note needs some text")
        who = by or current_user()
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            doc = _claim_doc(tx, claim_id, article_id)
            note = _note(claim_id, text, who)
            _claims(tx, article_id).update(
                {"notes": [*doc.get("notes", []), note], "updated": now()}, Query().id == claim_id
            )
            return record_change(tx, claim_id, article_id, "note", who, note=text, item=note["id"])

    def undo(
        self, prefix: str | None = None, by: str | None = None, note: str | None = None
    ) -> dict[str, Any]:
        """Reverse the latest change not yet undone (of one claim, or anywhere).

        The reversal is itself a change in the history, pointing at the change it undoes.
        """
        who = by or current_user()
        with self.transaction() as tx:
            if prefix:
                claim_id, article_id = _resolve(tx, prefix)
                table = tx.db(_article_file(article_id)).table("history")
                newest_first: Iterable[dict[str, Any]] = reversed(
                    table.search(Query().claim == claim_id)
                )
            else:
                newest_first = _log_newest_first(tx)
            target = _undoable(newest_first)
            if target is None:
                raise UsageError("nothing to undo")
            return _reverse(tx, target, who, note)

    def import_reviews(
        self, reviews: Sequence[Any], set_status: bool = False, by: str | None = None
    ) -> tuple[list[dict[str, Any]], int]:
        """Attach outside verdicts (``exchange.Review``) to the stored claims they match.

        Each match gets the review as evidence and an ``import`` history entry; with
        ``set_status`` its status also becomes the one the rating maps to. Returns the entries
        and the number of reviews that matched no claim.
        """
        config = self.config
        who = by or current_user()
        with self.transaction() as tx:
            index = MatchIndex(tx)
            entries, unmatched = [], 0
            for review in reviews:
                status = config.status_for_rating(review.label, review.value)
                found = index.find(review.claim, LINK_THRESHOLD, limit=5)
                unmatched += not found
                for match, value in found:
                    doc = _claim_doc(tx, match["id"], match["article"])
                    item = _with_id(_review_evidence(review, status, config), doc["id"])
                    changes: dict[str, Any] = {
                        "evidence": [*doc.get("evidence", []), item],
                        "updated": now(),
                    }
                    fields: dict[str, Any] = {"evidence": item, "score": value}
                    if set_status and status is not None and status.name != doc["status"]:
                        changes["status"] = status.name
                        fields.update(before=doc["status"], after=status.name)
                        _move_count(tx, doc["article"], doc["status"], status.name)
                        index.update(doc["id"], status=status.name)
                    _claims(tx, doc["article"]).update(changes, Query().id == doc["id"])
                    entries.append(
                        record_change(tx, doc["id"], doc["article"], "import", who, **fields)
                    )
            return entries, unmatched

    # -- history -------------------------------------------------------------------------------

    def log(self, limit: int | None = None, claim: str | None = None) -> list[dict[str, Any]]:
        """Changes across the database, newest first."""
        with self.transaction() as tx:
            found = []
            for entry in _log_newest_first(tx):
                if claim and not entry["claim"].startswith(claim):
                    continue
                found.append(dict(entry))
                if limit and len(found) >= limit:
                    break
            return found

    def claims_as_of(self, moment: str, filters: Filters = Filters()) -> list[dict[str, Any]]:
        """Claims as they stood at ``moment`` (an ISO time), each with the status it had then."""
        selected = []
        with self.transaction() as tx:
            wanted = _resolve_article(tx, filters.article) if filters.article else None
            for entry in tx.db(CATALOG).table("articles").all():
                if (wanted and entry["id"] != wanted) or entry.get("first_scanned", "") > moment:
                    continue
                file = tx.db(_article_file(entry["id"]))
                status: dict[str, str] = {}
                removed: dict[str, bool] = {}
                for change in file.table("history").all():
                    if change["at"] > moment:
                        continue
                    if "after" in change and change["action"] != "edited":
                        status[change["claim"]] = change["after"]
                    if change["action"] == "removed":
                        removed[change["claim"]] = True
                docs = sorted(file.table("claims").all(), key=lambda d: (d["start"], d["end"]))
                for doc in docs:
                    if doc.get("first_seen", "") > moment or removed.get(doc["id"]):
                        continue
                    then = dict(doc) | {"status": status.get(doc["id"], INITIAL_STATUS)}
                    if filters.matches(then | {"removed": False}):
                        selected.append(then)
        return selected

    # -- matching ------------------------------------------------------------------------------

    def similar(
        self, prefix: str, limit: int = 20, threshold: float = SEARCH_THRESHOLD
    ) -> list[dict[str, Any]]:
        """Claims in other articles alike to one claim, best first, with their verdicts."""
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            doc = _claim_doc(tx, claim_id, article_id)
            found = MatchIndex(tx).find(
                doc.get("claim") or doc["text"], threshold, limit, exclude_article=article_id
            )
            return [r | {"score": s} for r, s in found]

    def search(
        self, text: str, limit: int = 20, threshold: float = SEARCH_THRESHOLD
    ) -> list[dict[str, Any]]:
        """Stored claims alike to ``text``, best first."""
        with self.transaction() as tx:
            return [r | {"score": s} for r, s in MatchIndex(tx).find(text, threshold, limit)]

    def earlier_verdicts(self, claim_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """For each claim, the claims of other articles it repeats, with their current status.

        This is what ``scan`` shows after storing an article: a claim already checked elsewhere
        comes with the earlier verdict. Claims without links are left out.
        """
        found: dict[str, list[dict[str, Any]]] = {}
        with self.transaction() as tx:
            claims_of = _linked_claims(tx)
            for claim_id in claim_ids:
                try:
                    _, article_id = _resolve(tx, claim_id)
                except StoreError:
                    continue
                doc = _claims(tx, article_id).get(Query().id == claim_id)
                links = _current_links(claims_of, (doc or {}).get("links", []))
                if links:
                    found[claim_id] = links
        return found

    def links(self, prefix: str) -> list[dict[str, Any]]:
        """The claims of other articles linked to one claim, with their current status."""
        with self.transaction() as tx:
            claim_id, article_id = _resolve(tx, prefix)
            links = _claim_doc(tx, claim_id, article_id).get("links", [])
            return _current_links(_linked_claims(tx), links)

    def rescans(self, article: str) -> list[dict[str, Any]]:
        """What each rescan of an article changed (added, moved, edited, removed, kept)."""
        with self.transaction() as tx:
            article_id = _resolve_article(tx, article)
            return [dict(d) for d in tx.db(_article_file(article_id)).table("rescans").all()]

    def reindex(self) -> int:
        """Rebuild the claim and match indexes and the catalog's counts from the article files.

        Returns the number of live claims indexed.
        """
        with self.transaction() as tx:
            return _rebuild_index(tx, ids=True)

    def dashboard(self, limit: int = 10) -> dict[str, Any]:
        """The report's overview, from the catalog, the match index's counts and the log.

        Counts by status and type; the speakers with most claims rated below the top of the
        scale; the ``limit`` oldest claims still awaiting a verdict (read from the oldest
        articles that have some) and how many there are; the latest changes.
        """
        config = self.config
        pending = {s.name for s in config.statuses if not s.reviewed}
        faulted = {
            s.name
            for s in config.statuses
            if s.rating is not None and s.rating < config.best_rating
        }
        with self.transaction() as tx:
            catalog = tx.db(CATALOG).table("articles").all()
            speakers = MatchIndex(tx).speakers(faulted)
            awaiting = _oldest_pending(tx, catalog, pending, limit)
            recent = []
            for entry in _log_newest_first(tx):
                recent.append(dict(entry))
                if len(recent) >= limit:
                    break
        return {
            "summary": _summary(catalog),
            "speakers": speakers.most_common(limit),
            "awaiting": awaiting,
            "awaiting_total": sum(
                count
                for entry in catalog
                for status, count in entry.get("statuses", {}).items()
                if status in pending
            ),
            "recent": recent,
        }

    # -- feeds ---------------------------------------------------------------------------------

    def unseen_feed_items(self, keys: Iterable[str]) -> list[str]:
        """The feed item keys (``watch``) not remembered yet, each once, in the order given."""
        with self.transaction() as tx:
            known = {doc["key"] for doc in (tx.peek(FEEDS).get("seen") or {}).values()}
        return [key for key in dict.fromkeys(keys) if key not in known]

    def remember_feed_items(self, feed: str, items: Mapping[str, str]) -> None:
        """Remember feed items as scanned: item key → the id of its stored article."""
        stamp = now()
        with self.transaction() as tx:
            for key, article_id in items.items():
                seen = {"key": key, "feed": feed, "article": article_id, "at": stamp}
                tx.insert(FEEDS, "seen", seen)

    # -- settings ------------------------------------------------------------------------------

    @property
    def config(self) -> Config:
        """This database's settings (``config.toml``), read once."""
        if self._config is None:
            self._config = load_config(self.path)
        return self._config


class Declined(UsageError):
    """The user declined to confirm a change."""

    exit_code = 1


def evidence_item(
    target: str,
    title: str | None = None,
    publisher: str | None = None,
    date: str | None = None,
    stance: str = "context",
) -> dict[str, Any]:
    """A checked evidence record: ``target`` must be an http(s) URL or an existing file."""
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.netloc and " " not in target:
        kind, where = "url", target
    elif not parts.scheme or len(parts.scheme) == 1 or parts.scheme == "file":
        path = Path(parts.path if parts.scheme == "file" else target).expanduser()
        if not path.is_file():
            raise UsageError(f"evidence {target!r} is neither an http(s) URL nor an existing file")
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
    return {
        "kind": kind,
        kind: where,
        "title": title,
        "publisher": publisher,
        "date": date,
        "stance": stance,
    }


def record_change(
    tx: Transaction,
    claim_id: str,
    article_id: str,
    action: str,
    by: str,
    **fields: Any,
) -> dict[str, Any]:
    """Append a history entry to the claim's article file and to the database log."""
    at = now()
    entry = {
        "id": short_hash(claim_id, at, time.perf_counter_ns(), os.getpid()),
        "at": at,
        "by": by,
        "claim": claim_id,
        "article": article_id,
        "action": action,
        **fields,
    }
    tx.insert(_article_file(article_id), "history", entry)
    tx.insert(f"log/{at[:7]}.json", "log", entry)
    return entry


# -- internals ----------------------------------------------------------------------------------


def _check_schema(tx: Transaction) -> None:
    """Refuse a newer layout; bring an older one (or an older match index) up to date."""
    meta = tx.db(CATALOG).table("meta")
    doc = meta.get(doc_id=1)
    if doc is None:
        meta.insert({"schema": SCHEMA, "created": now(), "match_index": MATCH_INDEX})
        return
    if doc.get("schema", 0) > SCHEMA:
        raise StoreError(
            f"database {tx.root} has schema {doc['schema']}, newer than this claimtrack "
            f"understands ({SCHEMA}); upgrade claimtrack"
        )
    if doc.get("schema", 0) < SCHEMA:
        _rebuild_index(tx, ids=True)
    elif doc.get("match_index") != MATCH_INDEX:
        _rebuild_index(tx)  # a database made before this version of the match index


def _article_file(article_id: str) -> str:
    return f"articles/{article_id}.json"


def _index_file(claim_id: str) -> str:
    return f"index/{claim_id[:2]}.json"


def _claims(tx: Transaction, article_id: str) -> Any:
    return tx.db(_article_file(article_id)).table("claims")


def _resolve(tx: Transaction, prefix: str) -> tuple[str, str]:
    prefix = prefix.strip().lower()
    if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
        raise StoreError(f"{prefix!r} is not a claim id (give at least {MIN_PREFIX} hex digits)")
    if not tx.exists(_index_file(prefix)):
        raise StoreError(f"no claim with id {prefix}")
    table = tx.db(_index_file(prefix)).table("ids")
    found = [d for d in table.all() if d["id"].startswith(prefix)]
    if not found:
        raise StoreError(f"no claim with id {prefix}")
    if len(found) > 1:
        ids = ", ".join(sorted(d["id"] for d in found)[:5])
        raise StoreError(f"claim id {prefix} is ambiguous: {ids}")
    return found[0]["id"], found[0]["article"]


def _resolve_article(tx: Transaction, key: str) -> str:
    """An article id from an id prefix or the source it was scanned from."""
    entries = tx.db(CATALOG).table("articles").all()
    absolute = str(Path(key).resolve()) if key != "-" else key
    exact = [e["id"] for e in entries if e["id"] == key or e.get("source") in (key, absolute)]
    found = exact or [e["id"] for e in entries if e["id"].startswith(key.lower())]
    if not found:
        raise StoreError(f"no article {key!r} in the database")
    if len(set(found)) > 1:
        raise StoreError(f"article {key!r} is ambiguous: {', '.join(sorted(set(found))[:5])}")
    return found[0]


def _select(tx: Transaction, filters: Filters) -> list[dict[str, Any]]:
    selected: list[dict[str, Any]] = []
    wanted = _resolve_article(tx, filters.article) if filters.article else None
    for entry in tx.db(CATALOG).table("articles").all():
        if wanted and entry["id"] != wanted:
            continue
        if filters.status and not entry.get("statuses", {}).get(filters.status):
            continue
        docs = _claims(tx, entry["id"]).all()
        for doc in sorted(docs, key=lambda d: (d["start"], d["end"])):
            if filters.matches(doc):
                selected.append(dict(doc))
    return selected


def _claim_doc(tx: Transaction, claim_id: str, article_id: str) -> dict[str, Any]:
    doc = _claims(tx, article_id).get(Query().id == claim_id)
    if doc is None:
        raise StoreError(f"claim {claim_id} is indexed but missing; run claimtrack db check")
    return dict(doc)


def _with_id(item: dict[str, Any], claim_id: str) -> dict[str, Any]:
    return {"id": short_hash(claim_id, sorted(item.items()), time.perf_counter_ns())} | item


def _note(claim_id: str, text: str, by: str) -> dict[str, Any]:
    return _with_id({"text": text, "by": by, "at": now()}, claim_id)


def _review_evidence(review: Any, status: Any, config: Config) -> dict[str, Any]:
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


def _log_newest_first(tx: Transaction) -> Iterator[dict[str, Any]]:
    folder = tx.root / "log"
    months = sorted(p.name for p in folder.glob("*.json")) if folder.is_dir() else []
    for name in reversed(months):
        yield from reversed(tx.db(f"log/{name}").table("log").all())


def _undoable(newest_first: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    undone: set[str] = set()
    for entry in newest_first:
        if entry["action"] == "undo":
            undone.add(entry["undoes"])
        elif entry["action"] in UNDOABLE and entry["id"] not in undone:
            return dict(entry)
    return None


def _reverse(tx: Transaction, entry: dict[str, Any], by: str, note: str | None) -> dict[str, Any]:
    claim_id, article_id = entry["claim"], entry["article"]
    doc = _claim_doc(tx, claim_id, article_id)
    changes: dict[str, Any] = {"updated": now()}
    fields: dict[str, Any] = {"undoes": entry["id"], "undone": entry["action"], "note": note}
    if "after" in entry:
        changes["status"] = entry["before"]
        fields.update(before=doc["status"], after=entry["before"])
        _move_count(tx, article_id, doc["status"], entry["before"])
        MatchIndex(tx).update(claim_id, status=entry["before"])
    # Evidence given with a status change stays: it was gathered, whatever the verdict.
    items = [entry["evidence"]["id"]] if entry["action"] in ("evidence", "import") else []
    if items:
        changes["evidence"] = [e for e in doc.get("evidence", []) if e.get("id") not in items]
    if entry["action"] == "note":
        changes["notes"] = [n for n in doc.get("notes", []) if n.get("id") != entry.get("item")]
    _claims(tx, article_id).update(changes, Query().id == claim_id)
    return record_change(tx, claim_id, article_id, "undo", by, **fields)


def _linked_claims(tx: Transaction) -> Callable[[str], dict[str, dict[str, Any]]]:
    """The stored claims of an article by id, read without opening its file in the transaction;
    the last ``LINKED_ARTICLES`` articles read are kept, as links often lead to the same ones."""

    @functools.lru_cache(maxsize=LINKED_ARTICLES)
    def claims_of(article_id: str) -> dict[str, dict[str, Any]]:
        claims = (tx.peek(_article_file(article_id)).get("claims") or {}).values()
        return {doc["id"]: doc for doc in claims}

    return claims_of


def _current_links(
    claims_of: Callable[[str], dict[str, dict[str, Any]]], links: Iterable[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Links with their claims' current status and text (``claims_of``: ``_linked_claims``)."""
    current = []
    for link in links:
        doc = claims_of(link["article"]).get(link["id"])
        if doc is not None and not doc.get("removed"):
            current.append(
                link
                | {
                    "status": doc["status"],
                    "claim": doc.get("claim") or doc["text"],
                    "speaker": (doc.get("speaker") or {}).get("name"),
                    "first_seen": doc.get("first_seen"),
                }
            )
    return current


def _rebuild_index(tx: Transaction, ids: bool = False) -> int:
    """Rebuild the match index (with ``ids`` the claim index too) from the article files.

    The catalog's claim counts are recomputed on the way. The article files are read without
    being kept open; files of older layouts are deleted once the rebuilt index is committed.
    Returns the number of live claims indexed.
    """
    index = MatchIndex(tx)
    index.clear()
    shards: dict[str, dict[str, dict[str, Any]]] = {}
    count = 0
    articles = tx.db(CATALOG).table("articles")
    for entry in articles.all():
        tables = tx.peek(_article_file(entry["id"]))
        claims = list((tables.get("claims") or {}).values())
        live = [d for d in claims if not d.get("removed")]
        index.add(live)
        count += len(live)
        summary = _summarise(live) | {"contradictions": len(tables.get("contradictions") or {})}
        if any(entry.get(k) != v for k, v in summary.items()):
            articles.update(summary, doc_ids=[entry.doc_id])
        for doc in claims if ids else ():
            rows = shards.setdefault(_index_file(doc["id"]), {})
            rows[str(len(rows) + 1)] = {"id": doc["id"], "article": entry["id"]}
    if ids:
        folder = tx.root / "index"
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if f"index/{path.name}" not in shards:
                tx.remove(f"index/{path.name}")
        for name, rows in shards.items():
            tx.replace(name, {"ids": rows})
    tx.db(CATALOG).table("meta").update({"schema": SCHEMA, "match_index": MATCH_INDEX}, doc_ids=[1])
    return count


def _summary(catalog: Iterable[dict[str, Any]]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    types: Counter[str] = Counter()
    articles = 0
    for entry in catalog:
        articles += 1
        statuses.update(entry.get("statuses", {}))
        types.update(entry.get("types", {}))
    return {
        "articles": articles,
        "claims": sum(statuses.values()),
        "statuses": dict(statuses),
        "types": dict(types),
    }


def _oldest_pending(
    tx: Transaction, catalog: Sequence[dict[str, Any]], pending: set[str], limit: int
) -> list[dict[str, Any]]:
    """The ``limit`` live claims with a status in ``pending`` first seen earliest.

    A claim is first seen no earlier than its article was first scanned, so articles are read
    oldest first, only those the catalog counts pending claims in, until no later one can hold
    an earlier claim.
    """
    waiting: list[tuple[str, str, dict[str, Any]]] = []
    for entry in sorted(catalog, key=lambda e: e.get("first_scanned") or ""):
        first = entry.get("first_scanned") or ""
        if len(waiting) >= limit and (not waiting or first > waiting[-1][0]):
            break
        if not any(entry.get("statuses", {}).get(status) for status in pending):
            continue
        for doc in _claims(tx, entry["id"]).all():
            if doc["status"] in pending and not doc.get("removed"):
                waiting.append((doc.get("first_seen") or "", doc["id"], dict(doc)))
        waiting.sort(key=lambda item: item[:2])
        del waiting[limit:]
    return [doc for _, _, doc in waiting]


def _move_count(tx: Transaction, article_id: str, before: str, after: str) -> None:
    """Count one claim of an article under its new status in the catalog instead of the old."""
    articles = tx.db(CATALOG).table("articles")
    entry = articles.get(Query().id == article_id)
    if entry is None:
        return
    counts = Counter(entry.get("statuses", {}))
    counts[before] -= 1  # two steps: a claim marked with the status it has stays counted once
    counts[after] += 1
    articles.update(
        {"statuses": {k: v for k, v in sorted(counts.items()) if v > 0}, "updated": now()},
        Query().id == article_id,
    )


def _save_scans(
    tx: Transaction, results: Sequence[ScanResult], checkers: Collection[str] | None
) -> list[dict[str, Any]]:
    """Store scan results in a transaction (the match index's cache is freed before the commit)."""
    index = MatchIndex(tx)
    return [_save_scan(tx, result, index, checkers) for result in results]


def _save_scan(
    tx: Transaction, result: ScanResult, index: MatchIndex, checkers: Collection[str] | None
) -> dict[str, Any]:
    article = result.article
    source = article.source
    if source != "-" and not source.lower().startswith(("http://", "https://")):
        source = str(Path(source).resolve())  # URLs are kept as they are
    articles = tx.db(CATALOG).table("articles")
    entry = articles.get(Query().sha256 == article.sha256)
    if entry is None and source != "-":
        entry = articles.get(Query().source == source)
    article_id = entry["id"] if entry else article.id
    file = tx.db(_article_file(article_id))
    claims_table = file.table("claims")
    old: dict[str, dict[str, Any]] = {d["id"]: d for d in claims_table.all()}
    text_changed = entry is not None and entry["sha256"] != article.sha256
    remap = _rematch(old, article.text) if text_changed else {}
    edited = _rematch_edited(old, result.claims, remap) if text_changed else {}
    remap.update(edited)
    stamp = now()
    who = current_user()

    stored_ids: dict[str, str] = {}
    statuses: dict[str, str] = {}
    kept: set[str] = set()
    moved: list[dict[str, Any]] = []
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
            claims_table.update(fields, Query().id == claim_id)
            statuses[claim_id] = old[claim_id]["status"]
            before = old[claim_id]
            if (before["start"], before["end"]) != span or before.get("removed"):
                moved.append(
                    {
                        "id": claim_id,
                        "from": [before["start"], before["end"]],
                        "to": list(span),
                        "edited": span in edited,
                    }
                )
            if span in edited:
                record_change(
                    tx,
                    claim_id,
                    article_id,
                    "edited",
                    who,
                    text_before=before["text"],
                    text_after=claim.text,
                )
                forms = row(before | fields)
                index.update(claim_id, norm=forms["norm"], clauses=forms["clauses"])
            elif before.get("removed"):
                index.add([before | fields])
        else:
            fields.update(first_seen=stamp, updated=stamp, notes=[], evidence=[], links=[])
            new_docs.append(fields)
            statuses[claim_id] = INITIAL_STATUS
    if text_changed:
        gone = [cid for cid, doc in old.items() if cid not in kept and not doc.get("removed")]
        for cid in gone:
            claims_table.update({"removed": True, "updated": stamp}, Query().id == cid)
            record_change(tx, cid, article_id, "removed", who, note="text changed")
        index.drop(gone)
        file.table("rescans").insert(
            {
                "at": stamp,
                "sha256": article.sha256,
                "added": [d["id"] for d in new_docs],
                "moved": moved,
                "removed": gone,
                "kept": sorted(kept - {m["id"] for m in moved}),
            }
        )
    if new_docs:
        _link_repeats(tx, index, new_docs, article_id)
        claims_table.insert_multiple(new_docs)
        for doc in new_docs:
            tx.insert(_index_file(doc["id"]), "ids", {"id": doc["id"], "article": article_id})
        index.add(new_docs)

    _save_contradictions(tx, article_id, result, stored_ids, checkers)
    record = _article_record(article, article_id, source, stamp)
    file.table("article").upsert(record | {"text": article.text}, Query().id == article_id)
    summary = _summarise(claims_table.all())
    summary["contradictions"] = len(file.table("contradictions"))  # lets listings skip the file
    if entry:
        articles.update(record | summary, Query().id == article_id)
    else:
        articles.insert(record | summary | {"first_scanned": stamp})
    return scan_json(result, stored_ids, statuses, article_id)


def _link_repeats(
    tx: Transaction, index: MatchIndex, new_docs: list[dict[str, Any]], article_id: str
) -> None:
    """Link each new claim to the claims of other articles it repeats, both ways.

    The link back is added at commit (``Transaction.edit``): the earlier article is not held.
    """
    for doc in new_docs:
        found = index.find(
            doc.get("claim") or doc["text"], LINK_THRESHOLD, limit=5, exclude_article=article_id
        )
        for other, value in found:
            doc["links"].append({"id": other["id"], "article": other["article"], "score": value})
            back = {"id": doc["id"], "article": article_id, "score": value}
            tx.edit(_article_file(other["article"]), functools.partial(_link, other["id"], back))


def _link(claim_id: str, link: dict[str, Any], tables: dict[str, dict[str, Any]]) -> None:
    """Add a link to a stored claim's (in an article file's parsed tables), if it is there."""
    for doc in (tables.get("claims") or {}).values():
        if doc["id"] == claim_id:
            doc["links"] = [*doc.get("links", []), link]
            return


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


# -- contradictions: storing, finding and recording (see Store.select_contradictions) ---------

#: What a person may decide about a contradiction; ``OPEN`` (stored as None) is undecided.
DECISIONS = ("confirmed", "dismissed")
OPEN = "open"


def _check_decision(decision: str) -> None:
    if decision not in (OPEN, *DECISIONS):
        raise UsageError(f"unknown decision {decision!r}; valid: {', '.join((OPEN, *DECISIONS))}")


def _save_contradictions(
    tx: Transaction,
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
    file = tx.db(_article_file(article_id))
    table = file.table("contradictions")
    existing = {d["id"]: d for d in table.all()}
    stamp = now()
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
            _record_contradiction(tx, before | doc, article_id, "contradiction found again", who)
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
        _record_contradiction(tx, before, article_id, "contradiction stale", who, note=why)


def _record_contradiction(
    tx: Transaction,
    doc: dict[str, Any],
    article_id: str,
    action: str,
    by: str,
    **fields: Any,
) -> dict[str, Any]:
    """A history entry about a contradiction: its id stands where a claim's would."""
    return record_change(
        tx,
        doc["id"],
        article_id,
        action,
        by,
        contradiction=doc["id"],
        kind=doc["kind"],
        claims=doc["claims"],
        **fields,
    )


def _articles_with_contradictions(
    tx: Transaction, article: str | None = None
) -> Iterator[tuple[dict[str, Any], dict[str, dict[str, Any]]]]:
    """(catalog entry, parsed tables) of each article (or the one given) with contradictions.

    The article files are read without being kept open, so that listing a large database
    holds one at a time.
    """
    wanted = _resolve_article(tx, article) if article else None
    for entry in tx.db(CATALOG).table("articles").all():
        if (wanted and entry["id"] != wanted) or entry.get("contradictions") == 0:
            continue  # (a catalog written before the count was kept has no count: read the file)
        tables = tx.peek(_article_file(entry["id"]))
        if tables.get("contradictions"):
            yield dict(entry), tables


def _contradiction_records(
    entry: dict[str, Any], tables: dict[str, dict[str, Any]], docs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Stored contradictions with their article and both statements' text and speaker."""
    claims = {d["id"]: d for d in (tables.get("claims") or {}).values()}
    article: dict[str, Any] = next(iter((tables.get("article") or {}).values()), {})
    text = article.get("text", "")
    records = []
    for doc in sorted(docs, key=lambda d: (d["a"]["start"], d["b"]["start"])):
        sides = {}
        for side, claim_id in zip(("a", "b"), doc["claims"], strict=True):
            claim = claims.get(claim_id) or {}
            span = doc[side]
            sides[side] = span | {
                "text": claim.get("text") or text[span["start"] : span["end"]],
                "speaker": (claim.get("speaker") or {}).get("name"),
            }
        records.append(
            dict(doc)
            | sides
            | {"article": entry["id"], "title": entry.get("title"), "source": entry.get("source")}
        )
    return records


def _resolve_contradiction(known: dict[str, str], prefix: str) -> tuple[str, str]:
    """(contradiction id, article id) for a unique id prefix; raise ``StoreError`` otherwise."""
    prefix = prefix.strip().lower()
    if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
        raise StoreError(
            f"{prefix!r} is not a contradiction id (give at least {MIN_PREFIX} hex digits)"
        )
    found = sorted(c for c in known if c.startswith(prefix))
    if not found:
        raise StoreError(f"no contradiction with id {prefix}")
    if len(found) > 1:
        raise StoreError(f"contradiction id {prefix} is ambiguous: {', '.join(found[:5])}")
    return found[0], known[found[0]]


def _summarise(docs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    live = [d for d in docs if not d.get("removed")]
    return {
        "claims": len(live),
        "checkworthy": sum(1 for d in live if d["checkworthy"]),
        "statuses": dict(sorted(Counter(d["status"] for d in live).items())),
        "types": dict(sorted(Counter(d["type"] for d in live).items())),
    }


def _article_record(article: Any, article_id: str, source: str, stamp: str) -> dict[str, Any]:
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
