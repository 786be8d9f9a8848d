"""Stored claims: the ``Store`` interface, its records, and opening a database.

``open_store(db)`` gives the store at a path (the embedded desk, ``embedded.py``); everything
above storage (the CLI, the report, exports, evaluation, scripts and notebooks) uses only the
``Store`` interface (``interface.py``) and the records it returns (``records.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

from claimtrack.store.interface import LINK_THRESHOLD, SEARCH_THRESHOLD, Filters, Store
from claimtrack.store.records import (
    ArticleRecord,
    ArticleSection,
    Change,
    ClaimRecord,
    ContradictionRecord,
    Dashboard,
    Evidence,
    Link,
    Match,
    Note,
    Rescan,
    Side,
    Summary,
)

DB_ENV = "CLAIMTRACK_DB"


def default_db_path() -> Path:
    """``CLAIMTRACK_DB`` if set, else the per-user data folder (platformdirs)."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path

    return user_data_path("claimtrack", appauthor=False) / "db"


def open_store(db: Path | str | None = None) -> Store:
    """The store at ``db`` (default: ``CLAIMTRACK_DB`` or the per-user data folder).

    The database is created on first use if it does not exist; a folder of an older
    claimtrack is upgraded.
    """
    from claimtrack.store.embedded import EmbeddedStore

    return EmbeddedStore(Path(db) if db is not None else default_db_path())


__all__ = [
    "DB_ENV",
    "LINK_THRESHOLD",
    "SEARCH_THRESHOLD",
    "ArticleRecord",
    "ArticleSection",
    "Change",
    "ClaimRecord",
    "ContradictionRecord",
    "Dashboard",
    "Evidence",
    "Filters",
    "Link",
    "Match",
    "Note",
    "Rescan",
    "Side",
    "Store",
    "Summary",
    "default_db_path",
    "open_store",
]
