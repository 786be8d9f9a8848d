"""Upgrading a database folder of JSON files (schemas 1 and 2) to the SQLite layout.

Older claimtrack kept a database as a folder of TinyDB JSON files: ``catalog.json``,
``articles/<id>.json`` (text, claims, contradictions, history, rescans), ``log/<month>.json``,
``feeds.json`` and index folders. ``upgrade`` copies every article, claim, verdict, note,
evidence item, contradiction decision, history entry and remembered feed item into
``claimtrack.sqlite`` in one transaction, rebuilds the derived tables, and then moves the old
files into ``pre-sqlite/`` (nothing is deleted).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from claimtrack.errors import StoreError
from claimtrack.store.documents import put_entry
from claimtrack.store.engine import Session
from claimtrack.store.recovery import rebuild
from claimtrack.store.schema import article_group

CATALOG = "catalog.json"
#: Where the files of the old layout are moved once upgraded.
MOVED = "pre-sqlite"
#: The files and folders of the old layout.
_OLD = ("catalog.json", "feeds.json", "articles", "index", "log", "match", ".staging", ".lock")


@dataclass(frozen=True)
class Upgraded:
    """What an upgrade carried over."""

    articles: int
    claims: int
    changes: int
    moved_to: Path


def is_legacy(root: Path) -> bool:
    """Whether ``root`` holds a database in the folder layout."""
    return (root / CATALOG).is_file()


def upgrade(session: Session) -> Upgraded:
    """Copy the folder-layout database of ``session.root`` into the session's database.

    Call on a write session of a new, migrated database; the old files are moved away only
    after the caller commits (``finish``).
    """
    root = session.root
    if (root / "journal.json").exists():
        raise StoreError(
            f"{root} has an unfinished commit of an older claimtrack (journal.json); "
            "open it once with that version to finish it, then upgrade"
        )
    entries = _catalog(root)
    histories: list[dict[str, Any]] = []
    claims = 0
    for entry in entries:
        tables = _tables(root / "articles" / f"{entry['id']}.json")
        histories.extend((tables.pop("history", None) or {}).values())
        claims += len(tables.get("claims") or {})
        session.run(  # the old files' tables are TinyDB JSON already: kept as they are
            "INSERT OR REPLACE INTO documents(name, body) VALUES (?, ?)",
            (article_group(entry["id"]), orjson.dumps(tables)),
        )
        put_entry(session, entry)
    logs = sorted((root / "log").glob("*.json"))
    logged = [e for path in logs for e in (_tables(path).get("log") or {}).values()]
    order = {e["id"]: n for n, e in enumerate(logged)}
    histories.sort(key=lambda e: (e["at"], order.get(e["id"], len(order))))
    session.many(
        "INSERT OR IGNORE INTO history(id, claim, article, at, body) VALUES (?, ?, ?, ?, ?)",
        [(e["id"], e["claim"], e["article"], e["at"], orjson.dumps(e)) for e in histories],
    )
    if (root / "feeds.json").is_file():
        seen = (_tables(root / "feeds.json").get("seen") or {}).values()
        session.many(
            "INSERT OR REPLACE INTO feed_items(key, feed, article, at) VALUES (?, ?, ?, ?)",
            [(d["key"], d["feed"], d["article"], d["at"]) for d in seen],
        )
    rebuild(session)
    return Upgraded(len(entries), claims, len(histories), root / MOVED)


def finish(root: Path) -> None:
    """Move the files of the old layout into ``pre-sqlite/`` (after the upgrade committed)."""
    target = root / MOVED
    target.mkdir(exist_ok=True)
    for name in _OLD:
        for path in (root / name, root / f"{name}.bak"):
            if path.exists():
                shutil.move(str(path), str(target / path.name))


def _catalog(root: Path) -> list[dict[str, Any]]:
    """The catalog's entries; from the articles' own records if the catalog is unreadable."""
    try:
        catalog = _tables(root / CATALOG)
    except StoreError:
        found = [_tables(path) for path in sorted((root / "articles").glob("*.json"))]
        records = [next(iter((t.get("article") or {}).values()), None) for t in found]
        return [
            {k: v for k, v in r.items() if k != "text"} | {"first_scanned": r.get("scanned")}
            for r in records
            if r
        ]
    meta: dict[str, Any] = next(iter((catalog.get("meta") or {}).values()), {})
    schema = meta.get("schema", 0)
    if schema not in (1, 2):
        raise StoreError(f"{root / CATALOG} has schema {schema}; cannot upgrade it")
    return list((catalog.get("articles") or {}).values())


def _tables(path: Path) -> dict[str, dict[str, Any]]:
    """A TinyDB JSON file's tables (its ``.bak`` if it is unreadable); a clear error if neither
    can be read."""
    for candidate in (path, path.with_name(path.name + ".bak")):
        try:
            tables = orjson.loads(candidate.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if isinstance(tables, dict):
            return tables
    raise StoreError(f"cannot upgrade {path}: it is unreadable and has no readable backup")
