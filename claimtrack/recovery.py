"""Checking a database folder and restoring damaged files from their backups.

``check`` reads every file of the database on its own (one unreadable file does not hide the
state of the others), then cross-checks the files against each other: the claim index and the
match index against the article files, and the catalog's counts against the claims. ``restore``
puts a file's ``.bak`` back in place, keeping the damaged file beside it: nothing is ever
overwritten silently. Both indexes can also be rebuilt from the articles (``Store.reindex``).
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimtrack.errors import StoreError
from claimtrack.matching import (
    MATCH_DIR,
    ROWS_DIR,
    STATS_FILE,
    WORDS_DIR,
    posting_keys,
    word_file,
)
from claimtrack.storage import JOURNAL, backup_path, locked, read_json, write_atomic
from claimtrack.store import CATALOG, MATCH_INDEX, SCHEMA, _summarise

#: The catalog fields that must equal what the article's own claims give.
_COUNTED = ("claims", "checkworthy", "statuses", "types")


@dataclass
class Problem:
    """One thing wrong with the database."""

    file: str  # relative to the database folder
    message: str
    kind: str  # unreadable, schema, index, match, catalog, duplicate, leftover

    def to_json(self) -> dict[str, str]:
        """The record ``db check --json`` prints."""
        return {"file": self.file, "kind": self.kind, "message": self.message}


@dataclass
class Backup:
    """A ``.bak`` file and whether it can replace its file."""

    file: str  # the file it backs up, relative to the database folder
    readable: bool
    modified: str
    size: int

    def to_json(self) -> dict[str, Any]:
        """The record ``db check --json`` prints."""
        return {
            "file": self.file,
            "readable": self.readable,
            "modified": self.modified,
            "size": self.size,
        }


@dataclass
class Report:
    """What ``db check`` found."""

    path: Path
    files: int = 0
    articles: int = 0
    claims: int = 0
    problems: list[Problem] = field(default_factory=list)
    backups: list[Backup] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the database has no problem (leftover temporary files are harmless)."""
        return all(p.kind == "leftover" for p in self.problems)

    def to_json(self) -> dict[str, Any]:
        """The object ``db check --json`` prints."""
        return {
            "database": str(self.path),
            "ok": self.ok,
            "files": self.files,
            "articles": self.articles,
            "claims": self.claims,
            "problems": [p.to_json() for p in self.problems],
            "backups": [b.to_json() for b in self.backups],
        }


def data_files(root: Path) -> list[Path]:
    """The database's files (catalog, articles, index, log and match index), sorted.

    The match index's word files come last: ``check`` reads them one at a time.
    """
    found = [root / CATALOG] if (root / CATALOG).exists() else []
    for folder in ("articles", "index", "log", ROWS_DIR):
        found.extend(sorted((root / folder).glob("*.json")))
    if (root / STATS_FILE).exists():
        found.append(root / STATS_FILE)
    return found + sorted((root / WORDS_DIR).glob("*.json"))


def check(root: Path) -> Report:
    """Read every file of the database at ``root`` and cross-check them; change nothing.

    The check runs under the database lock, so an interrupted commit is finished first (as
    every command does) and a concurrent command cannot show a half-made change.
    """
    catalog = root / CATALOG
    if not catalog.exists() and not backup_path(catalog).exists():
        raise StoreError(f"{root} is not a claimtrack database (no {CATALOG})")
    report = Report(path=root)
    with locked(root):
        if not catalog.exists():
            report.problems.append(Problem(CATALOG, "the catalog is missing", "unreadable"))
        parsed, digests = _parse_all(root, report)
        _check_schema(parsed.get(root / CATALOG), report)
        _cross_check(root, parsed, digests, report)
        report.backups = list_backups(root)
        report.problems.extend(
            Problem(_relative(root, p), "temporary file left by an interrupted write", "leftover")
            for p in sorted(root.rglob(".*.tmp"))
        )
    return report


def list_backups(root: Path) -> list[Backup]:
    """Every ``.bak`` file of the database, with whether it parses."""
    backups = []
    for target in _backed_up(root):
        bak = backup_path(target)
        stat = bak.stat()
        backups.append(
            Backup(
                file=_relative(root, target),
                readable=_readable(bak),
                modified=datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(timespec="seconds"),
                size=stat.st_size,
            )
        )
    return backups


def restorable(root: Path) -> list[str]:
    """Files (relative names) that cannot be read but have a readable backup."""
    return [
        _relative(root, target)
        for target in _backed_up(root)
        if not _readable(target) and _readable(backup_path(target))
    ]


def restore(root: Path, relative: str) -> Path | None:
    """Replace one database file by its backup; return where the replaced file was kept.

    The replaced file is kept as ``NAME.damaged-<UTC time>``, never deleted (None when the file
    was missing).
    """
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        raise StoreError(f"{relative} is not a file of the database {root}")
    bak = backup_path(target)
    if not bak.exists():
        raise StoreError(f"{relative} has no backup ({bak.name})")
    if not _readable(bak):
        raise StoreError(f"the backup {bak} is unreadable too; nothing was restored")
    with locked(root):
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = target.with_name(f"{target.name}.damaged-{stamp}")
        if not target.exists():
            write_atomic(target, bak.read_bytes(), keep_backup=False)
            return None
        shutil.copy2(target, kept)
        write_atomic(target, bak.read_bytes(), keep_backup=False)
    return kept


# -- internals ----------------------------------------------------------------------------------


def _parse_all(root: Path, report: Report) -> tuple[dict[Path, Any], dict[str, int]]:
    """Every readable file's tables, but for the match index's word files, of which only a
    digest of their postings (``_postings_digest``) is kept, by relative name."""
    parsed: dict[Path, Any] = {}
    digests: dict[str, int] = {}
    for path in data_files(root):
        report.files += 1
        try:
            data = read_json(path)
        except StoreError as exc:
            report.problems.append(Problem(_relative(root, path), str(exc), "unreadable"))
            continue
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            report.problems.append(
                Problem(_relative(root, path), "it does not hold TinyDB tables", "unreadable")
            )
            continue
        if path.parent == root / WORDS_DIR:
            digests[_relative(root, path)] = _postings_digest(
                (word, key, size)
                for word, claims in (data.get("words") or {}).items()
                for key, size in claims.items()
            )
        else:
            parsed[path] = data
    return parsed, digests


def _postings_digest(postings: Iterable[tuple[str, str, int]]) -> int:
    """An order-free digest of (word, key, size) postings, the XOR of their hashes: equal sets
    give equal digests (within one process)."""
    digest = 0
    for posting in postings:
        digest ^= hash(posting)
    return digest


def _check_schema(catalog: Any, report: Report) -> None:
    if catalog is None:
        return
    meta = _rows(catalog, "meta")
    schema = meta[0].get("schema") if meta else None
    if not isinstance(schema, int):
        report.problems.append(Problem(CATALOG, "no schema version recorded", "schema"))
    elif schema > SCHEMA:
        report.problems.append(
            Problem(CATALOG, f"schema {schema} is newer than this claimtrack ({SCHEMA})", "schema")
        )


def _cross_check(
    root: Path, parsed: dict[Path, Any], digests: dict[str, int], report: Report
) -> None:
    unreadable = {p.file for p in report.problems if p.kind == "unreadable"}
    article_claims: dict[str, list[dict[str, Any]]] = {}
    contradictions: dict[str, int] = {}
    for path, data in parsed.items():
        if path.parent.name == "articles":
            claims = _rows(data, "claims")
            article_claims[path.stem] = claims
            contradictions[path.stem] = len(_rows(data, "contradictions"))
            report.claims += sum(1 for c in claims if not c.get("removed"))
            _duplicates(report, _relative(root, path), [c.get("id") for c in claims], "claim")
    report.articles = len(article_claims)

    held = {(str(c.get("id")), a) for a, claims in article_claims.items() for c in claims}
    indexed: dict[str, str] = {}
    for path, data in parsed.items():
        if path.parent.name != "index":
            continue
        rows = _rows(data, "ids")
        _duplicates(report, _relative(root, path), [r.get("id") for r in rows], "index entry")
        for row in rows:
            claim_id, article_id = str(row.get("id")), str(row.get("article"))
            indexed[claim_id] = article_id
            if f"articles/{article_id}.json" in unreadable:
                continue
            if (claim_id, article_id) not in held:
                report.problems.append(
                    Problem(
                        _relative(root, path),
                        f"claim {claim_id} points to article {article_id}, which does not hold it",
                        "index",
                    )
                )
    index_ok = not any(p.startswith("index/") for p in unreadable)
    for article_id, claims in article_claims.items():
        for claim in claims:
            if index_ok and indexed.get(str(claim.get("id"))) != article_id:
                report.problems.append(
                    Problem(
                        f"articles/{article_id}.json",
                        f"claim {claim.get('id')} is missing from the index",
                        "index",
                    )
                )

    catalog = parsed.get(root / CATALOG)
    if catalog is not None:
        _check_catalog(catalog, article_claims, contradictions, unreadable, report)
        meta = _rows(catalog, "meta")
        current = bool(meta) and meta[0].get("match_index") == MATCH_INDEX
        if current and not any(p.startswith(f"{MATCH_DIR}/") for p in unreadable):
            _check_match(root, parsed, digests, article_claims, unreadable, report)


def _check_match(
    root: Path,
    parsed: dict[Path, Any],
    digests: dict[str, int],
    article_claims: dict[str, list[dict[str, Any]]],
    unreadable: set[str],
    report: Report,
) -> None:
    """The match index against the live claims: rows, word postings and speaker counts.

    Disagreements are summed up in one problem per kind, with a few claim ids: the fix is the
    same for all of them (``claimtrack db reindex``). Indexes of older layouts are not checked:
    they are rebuilt when the database is next opened.
    """
    rows: dict[str, dict[str, Any]] = {}
    for path, data in parsed.items():
        if path.parent == root / ROWS_DIR:
            rows.update((k, v) for k, v in (data.get("claims") or {}).items())
    live = {
        str(c.get("id")): (article_id, c)
        for article_id, claims in article_claims.items()
        if f"articles/{article_id}.json" not in unreadable
        for c in claims
        if not c.get("removed")
    }
    missing = [cid for cid in live if cid not in rows]
    stale = [
        cid
        for cid, item in rows.items()
        if cid not in live and f"articles/{item.get('article')}.json" not in unreadable
    ]
    wrong = [
        cid
        for cid, (article_id, claim) in live.items()
        if cid in rows
        and (rows[cid].get("article"), rows[cid].get("status")) != (article_id, claim.get("status"))
    ]
    expected: dict[str, int] = {}
    files: dict[str, str] = {}
    for item in rows.values():
        for key, words in posting_keys(item):
            for word in words:
                name = files.get(word) or files.setdefault(word, word_file(word))
                expected[name] = expected.get(name, 0) ^ hash((word, key, len(words)))
    names = set(digests) | set(expected)
    postings = sorted(n for n in names if digests.get(n, 0) != expected.get(n, 0))
    for ids, what in (
        (missing, "live claims missing from the match index"),
        (stale, "match index rows of claims that are not live"),
        (wrong, "match index rows with another article or status than their claim"),
        (postings, "word files whose postings are not those of the rows"),
    ):
        if ids:
            examples = ", ".join(sorted(ids)[:3]).replace(f"{WORDS_DIR}/", "")
            report.problems.append(
                Problem(
                    MATCH_DIR,
                    f"{len(ids)} {what} (e.g. {examples}); run claimtrack db reindex",
                    "match",
                )
            )
    counts: dict[str, Counter[str]] = {}
    for item in rows.values():
        if item.get("speaker"):
            counts.setdefault(item["status"], Counter())[item["speaker"]] += 1
    stats = parsed.get(root / STATS_FILE, {}).get("speakers") or {}
    if {k: dict(v) for k, v in counts.items()} != stats:
        report.problems.append(
            Problem(
                STATS_FILE,
                "speaker counts do not match the index rows; run claimtrack db reindex",
                "match",
            )
        )


def _check_catalog(
    catalog: Any,
    article_claims: dict[str, list[dict[str, Any]]],
    contradictions: dict[str, int],
    unreadable: set[str],
    report: Report,
) -> None:
    entries = _rows(catalog, "articles")
    _duplicates(report, CATALOG, [e.get("id") for e in entries], "article")
    listed = {str(e.get("id")) for e in entries}
    for entry in entries:
        article_id = str(entry.get("id"))
        if f"articles/{article_id}.json" in unreadable:
            continue
        if article_id not in article_claims:
            report.problems.append(Problem(CATALOG, f"article {article_id} has no file", "catalog"))
            continue
        expected = _summarise(article_claims[article_id])
        wrong = [k for k in _COUNTED if entry.get(k) != expected[k]]
        if wrong:
            report.problems.append(
                Problem(
                    CATALOG,
                    f"article {article_id}: {', '.join(wrong)} do not match its claims",
                    "catalog",
                )
            )
        # A catalog written before the count was kept has none: listings then read the file.
        counted = entry.get("contradictions", contradictions[article_id])
        if counted != contradictions[article_id]:
            report.problems.append(
                Problem(
                    CATALOG,
                    f"article {article_id}: {counted} contradictions counted, "
                    f"{contradictions[article_id]} in its file; run claimtrack db reindex",
                    "catalog",
                )
            )
    for article_id in sorted(set(article_claims) - listed):
        report.problems.append(
            Problem(f"articles/{article_id}.json", "article is not in the catalog", "catalog")
        )


def _duplicates(report: Report, file: str, values: list[Any], what: str) -> None:
    for value, count in Counter(values).items():
        if count > 1:
            report.problems.append(
                Problem(file, f"{what} {value} appears {count} times", "duplicate")
            )


def _rows(data: Any, table: str) -> list[dict[str, Any]]:
    rows = data.get(table) if isinstance(data, dict) else None
    return [r for r in rows.values() if isinstance(r, dict)] if isinstance(rows, dict) else []


def _backed_up(root: Path) -> list[Path]:
    found = sorted(
        p.with_name(p.name[: -len(".bak")])
        for p in root.rglob("*.json.bak")
        if not p.name.startswith(".")
    )
    return [p for p in found if p.name != JOURNAL]


def _readable(path: Path) -> bool:
    try:
        return isinstance(read_json(path), dict)
    except StoreError:
        return False


def _relative(root: Path, path: Path) -> str:
    return os.path.relpath(path, root)
