"""Checking the embedded desk, salvaging a damaged one, rebuilding what is derived.

SQLite keeps the database consistent through crashes; what can still go wrong is damage from
outside (a disk error, a file truncated or overwritten by another program). ``check`` runs
SQLite's integrity check, parses every stored document and cross-checks the derived tables (the
claim ids, the match index, the catalog's counts) against the articles; it changes nothing.
``restore`` copies every row that can still be read into a new database, rebuilds the derived
tables from the articles, and keeps the damaged file beside it: the result always checks clean,
so check and restore never send a user round in circles. ``rebuild`` (``claimtrack db
reindex``) recomputes the derived tables of a healthy database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from claimtrack.errors import StoreError
from claimtrack.store.documents import ArticleDocs, catalog, now, put_entry, summarise
from claimtrack.store.engine import DB_FILE, Session, connect, database_file, transaction
from claimtrack.store.matching import MatchIndex
from claimtrack.store.schema import SCHEMA, article_group, migrate, version

#: The tables whose rows are the database's content (the rest is derived from them), with
#: their columns and which row wins where a damaged key index let two rows share a key: a
#: document group is rewritten as a new row (the last is the newest); a catalog entry is
#: updated in place (the first keeps the article's place); history is append-only.
_CONTENT = {
    "documents": ("name, body", "REPLACE"),
    "catalog": ("id, sha256, source, body", "IGNORE"),
    "history": ("id, claim, article, at, body", "IGNORE"),
}


@dataclass
class Problem:
    """One thing wrong with the database."""

    where: str  # the database file, or a document or table in it
    kind: str  # damaged, unreadable, schema, index, match, catalog
    message: str


@dataclass
class Report:
    """What ``db check`` found."""

    path: Path
    articles: int = 0
    claims: int = 0
    changes: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the database has no problem."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """The object ``db check --json`` prints."""
        found = asdict(self)
        return {"database": str(found.pop("path")), "ok": self.ok, **found}


@dataclass
class Restored:
    """What ``restore`` carried over into the new database."""

    kept: Path  # the damaged file, kept beside the new one
    articles: int
    claims: int
    changes: int
    lost: int  # rows that could not be read


def check(root: Path) -> Report:
    """Check the database at ``root``: SQLite's integrity, every document, the derived tables."""
    if not database_file(root).exists():
        raise StoreError(f"{root} is not a claimtrack database (no {DB_FILE})")
    report = Report(path=root)
    try:
        with closing(connect(root)) as conn, transaction(root, conn, write=False) as session:
            _check_all(session, report)
    except (StoreError, sqlite3.DatabaseError) as exc:
        report.problems.append(Problem(DB_FILE, "damaged", str(exc)))
    return report


def restore(root: Path) -> Restored:
    """Copy every readable row into a new database at ``root``; keep the damaged file beside it.

    The derived tables are rebuilt from the articles, so the new database checks clean.
    """
    file = database_file(root)
    if not file.exists():
        raise StoreError(f"{root} is not a claimtrack database (no {DB_FILE})")
    rows, lost = _salvage(file)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kept = file.with_name(f"{DB_FILE}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        part = Path(f"{file}{suffix}")
        if part.exists():
            part.rename(Path(f"{kept}{suffix}"))
    with closing(connect(root)) as conn, transaction(root, conn, write=True) as session:
        migrate(session, now())
        articles = _restore_rows(session, rows)
        claims = rebuild(session)
        changes = session.one("SELECT COUNT(*) FROM history")[0]
    return Restored(kept, articles, claims, changes, lost)


def rebuild(session: Session) -> int:
    """Recompute the claim ids, the match index and the catalog's counts from the articles.

    An article without a catalog entry gets one from its own record; an entry without its
    article is dropped. Returns the number of live claims indexed.
    """
    session.flush()  # the groups changed in this session are read back as stored
    session.run("DELETE FROM claim_ids")
    index = MatchIndex(session)
    index.clear()
    entries = {e["id"]: e for e in catalog(session)}
    count = 0
    for article_id, docs in _documents(session):
        session.many(
            "INSERT OR REPLACE INTO claim_ids(id, article) VALUES (?, ?)",
            [(doc["id"], article_id) for doc in docs.claims],
        )
        live = [d for d in docs.claims if not d.get("removed")]
        index.add(live)
        count += len(live)
        entry = entries.pop(article_id, None)
        if entry is None and not docs.record:
            continue
        if entry is None:
            entry = {k: v for k, v in docs.record.items() if k != "text"}
            entry.setdefault("first_scanned", entry.get("scanned"))
        counts = summarise(live) | {"contradictions": len(docs.contradictions)}
        if any(entry.get(k) != v for k, v in counts.items()):
            put_entry(session, entry | counts)
    for orphan in entries:
        session.run("DELETE FROM catalog WHERE id = ?", (orphan,))
    return count


def _check_all(session: Session, report: Report) -> None:
    found = session.all("PRAGMA integrity_check")
    if found != [("ok",)]:
        message = "; ".join(str(r[0]) for r in found[:3])
        report.problems.append(Problem(DB_FILE, "damaged", message))
        return
    if version(session) != SCHEMA:
        report.problems.append(
            Problem(DB_FILE, "schema", f"schema {version(session)}, expected {SCHEMA}")
        )
        return
    ids = dict(session.all("SELECT id, article FROM claim_ids"))
    rows = dict(session.all("SELECT claim, status FROM match_rows"))
    entries = {e["id"]: e for e in catalog(session)}
    seen: dict[str, str] = {}
    live: dict[str, str] = {}
    for article_id, docs in _documents(session, report):
        name = article_group(article_id)
        report.articles += 1
        for doc in docs.claims:
            seen[doc["id"]] = article_id
            if not doc.get("removed"):
                live[doc["id"]] = doc["status"]
        counts = summarise(docs.claims) | {"contradictions": len(docs.contradictions)}
        entry = entries.pop(article_id, None)
        if entry is None:
            report.problems.append(Problem(name, "catalog", "the article is not in the catalog"))
        elif any(entry.get(k) != v for k, v in counts.items()):
            report.problems.append(
                Problem(name, "catalog", "the catalog's counts differ from the article's claims")
            )
    report.claims = len(live)
    for orphan in entries:
        report.problems.append(
            Problem(article_group(orphan), "catalog", "in the catalog but not stored")
        )
    if ids != seen:
        wrong = sorted(set(ids.items()) ^ set(seen.items()))
        report.problems.append(
            Problem("claim_ids", "index", f"{len(wrong)} claim ids disagree with the articles")
        )
    if rows != live:
        wrong = sorted(set(rows.items()) ^ set(live.items()))
        report.problems.append(
            Problem("match_rows", "match", f"{len(wrong)} rows disagree with the live claims")
        )
    for (body,) in session.all("SELECT body FROM history"):
        report.changes += 1
        if not _parses(body):
            report.problems.append(Problem("history", "unreadable", "an entry is not valid JSON"))


def _documents(session: Session, report: Report | None = None) -> Iterator[tuple[str, ArticleDocs]]:
    """Every article's id and documents; unreadable ones reported (or skipped)."""
    for name, body in session.run(
        "SELECT name, body FROM documents WHERE name >= ? AND name < ? ORDER BY name",
        (article_group(""), article_group("~")),
    ):
        try:
            tables = orjson.loads(body)
        except orjson.JSONDecodeError:
            tables = None
        if not isinstance(tables, dict) or not isinstance(tables.get("claims", {}), dict):
            if report is not None:
                report.problems.append(Problem(name, "unreadable", "not valid TinyDB JSON"))
            continue
        yield name.removeprefix(article_group("")), ArticleDocs.of(tables)


def _salvage(file: Path) -> tuple[dict[str, list[tuple[Any, ...]]], int]:
    """The readable rows of each content table of a (damaged) database, and how many were lost."""
    rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _CONTENT}
    lost = 0
    try:
        conn = sqlite3.connect(file, isolation_level=None)
    except sqlite3.DatabaseError:
        return rows, 0
    try:
        for table, (columns, _) in _CONTENT.items():
            try:
                rows[table] = conn.execute(
                    f"SELECT {columns} FROM {table} ORDER BY rowid"
                ).fetchall()
                continue
            except sqlite3.DatabaseError:
                pass
            last, misses = 0, 0
            while misses < 1000:  # step over damaged pages row by row
                try:
                    found = conn.execute(
                        f"SELECT rowid, {columns} FROM {table} WHERE rowid > ? ORDER BY rowid"
                        " LIMIT 1",
                        (last,),
                    ).fetchone()
                except sqlite3.DatabaseError:
                    last, misses, lost = last + 1, misses + 1, lost + 1
                    continue
                if found is None:
                    break
                last, misses = found[0], 0
                rows[table].append(tuple(found[1:]))
    finally:
        conn.close()
    return rows, lost


def _restore_rows(session: Session, rows: dict[str, list[tuple[Any, ...]]]) -> int:
    """Insert the salvaged rows whose body (each table's last column) parses; return the
    number of articles."""
    for table, (columns, winner) in _CONTENT.items():
        marks = ", ".join("?" * len(columns.split(",")))
        session.many(
            f"INSERT OR {winner} INTO {table}({columns}) VALUES ({marks})",
            [row for row in rows[table] if _parses(row[-1])],
        )
    found = session.one(
        "SELECT COUNT(*) FROM documents WHERE name >= ? AND name < ?",
        (article_group(""), article_group("~")),
    )
    return int(found[0])


def _parses(body: Any) -> bool:
    try:
        orjson.loads(body)
    except (orjson.JSONDecodeError, TypeError):
        return False
    return True
