"""Checking a database folder and restoring damaged files from their backups.

``check`` reads every file of the database on its own (one unreadable file does not hide the
state of the others), then cross-checks the files against each other: the claim index against
the article files, and the catalog's counts against the claims. ``restore`` puts a file's
``.bak`` back in place, keeping the damaged file beside it: nothing is ever overwritten silently.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimtrack.errors import StoreError
from claimtrack.storage import JOURNAL, backup_path, locked, read_json, write_atomic
from claimtrack.store import CATALOG, SCHEMA, _summarise

#: The catalog fields that must equal what the article's own claims give.
_COUNTED = ("claims", "checkworthy", "statuses", "types")


@dataclass
class Problem:
    """One thing wrong with the database."""

    file: str  # relative to the database folder
    message: str
    kind: str  # unreadable, schema, index, catalog, duplicate, leftover

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
    """The database's TinyDB files (catalog, articles, index and log), sorted."""
    found = [root / CATALOG] if (root / CATALOG).exists() else []
    for folder in ("articles", "index", "log"):
        found.extend(sorted((root / folder).glob("*.json")))
    return found


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
        parsed = _parse_all(root, report)
        _check_schema(parsed.get(root / CATALOG), report)
        _cross_check(root, parsed, report)
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


def _parse_all(root: Path, report: Report) -> dict[Path, Any]:
    parsed: dict[Path, Any] = {}
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
        parsed[path] = data
    return parsed


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


def _cross_check(root: Path, parsed: dict[Path, Any], report: Report) -> None:
    unreadable = {p.file for p in report.problems if p.kind == "unreadable"}
    article_claims: dict[str, list[dict[str, Any]]] = {}
    for path, data in parsed.items():
        if path.parent.name == "articles":
            claims = _rows(data, "claims")
            article_claims[path.stem] = claims
            report.claims += sum(1 for c in claims if not c.get("removed"))
            _duplicates(report, _relative(root, path), [c.get("id") for c in claims], "claim")
    report.articles = len(article_claims)

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
            known = {c.get("id") for c in article_claims.get(article_id, [])}
            if claim_id not in known:
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
        _check_catalog(root, catalog, article_claims, unreadable, report)


def _check_catalog(
    root: Path,
    catalog: Any,
    article_claims: dict[str, list[dict[str, Any]]],
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
