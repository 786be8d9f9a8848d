"""Where scan time goes: load, segment, each plugin hook implementation, validation, storage."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from claimtrack.pipeline import scan_article
from claimtrack.plugins import PluginHost, load_plugins
from claimtrack.store import Store
from claimtrack.text import make_article


class TimedHost(PluginHost):
    """A plugin host that adds the time of every hook implementation to ``spent``."""

    spent: dict[str, float]

    def implementations(self, hook: str) -> list[tuple[str, Callable[..., Any], list[str]]]:
        return [
            (name, self._timed(f"{hook} {name}", fn), args)
            for name, fn, args in super().implementations(hook)
        ]

    def _timed(self, key: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(**kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                result = function(**kwargs)
                if hasattr(result, "__next__"):
                    result = list(result)  # generators do their work when consumed
                return result
            finally:
                self.spent[key] += time.perf_counter() - started

        return timed


def breakdown(paths: list[Path], store_path: Path, batch: int = 64) -> dict[str, Any]:
    """Scan ``paths`` in this process, timing each stage; return ms per article by stage."""
    started = time.perf_counter()
    plain = load_plugins()
    plugin_load_s = time.perf_counter() - started
    host = TimedHost(timeout=plain.timeout)
    host.pm = plain.pm
    host.spent = defaultdict(float)
    spent = host.spent
    store = Store(store_path)
    pending: list[Any] = []
    claims = stored = 0

    def clock(key: str, since: float) -> float:
        now = time.perf_counter()
        spent[key] += now - since
        return now

    total_started = time.perf_counter()
    for path in paths:
        t = time.perf_counter()
        loaded = host.first_result("claimtrack_load_article", source=str(path))
        t = clock("load (read, decode, metadata)", t)
        article = make_article(loaded.text, loaded.source, loaded.metadata)
        t = clock("segment (paragraphs, sentences, quotes)", t)
        result = scan_article(host, article)
        clock("scan_article", t)
        claims += len(result.claims)
        kept = [c for c in result.claims if c.checkworthy]
        stored += len(kept)
        pending.append(replace(result, claims=tuple(kept), contradictions=()))
        if len(pending) >= batch:
            t = time.perf_counter()
            records = store.save_scans(pending)
            t = clock("store (save_scans)", t)
            for record in records:
                orjson.dumps(record)
            clock("emit (JSON line)", t)
            pending.clear()
    if pending:
        t = time.perf_counter()
        store.save_scans(pending)
        clock("store (save_scans)", t)
    total = time.perf_counter() - total_started
    return _table(dict(spent), total, len(paths), plugin_load_s, claims, stored)


def _table(
    spent: dict[str, float], total: float, n: int, plugin_load_s: float, claims: int, stored: int
) -> dict[str, Any]:
    load_hook = sum(v for k, v in spent.items() if k.startswith("claimtrack_load_article"))
    scan_hooks = {
        k: v
        for k, v in spent.items()
        if k.startswith("claimtrack_") and not k.startswith("claimtrack_load_article")
    }
    rows: dict[str, float] = {}
    rows["load (read, decode, metadata)"] = spent["load (read, decode, metadata)"]
    rows["segment (paragraphs, sentences, quotes)"] = spent[
        "segment (paragraphs, sentences, quotes)"
    ]
    rows.update(sorted(scan_hooks.items(), key=lambda kv: -kv[1]))
    rows["core: validation, merging (scan_article minus hooks)"] = spent["scan_article"] - sum(
        scan_hooks.values()
    )
    rows["store (save_scans, per batch of 64)"] = spent.get("store (save_scans)", 0.0)
    rows["emit (JSON line)"] = spent.get("emit (JSON line)", 0.0)
    accounted = sum(rows.values())
    rows["unaccounted"] = total - accounted
    return {
        "articles": n,
        "claims_per_article": claims / n,
        "stored_per_article": stored / n,
        "plugin_load_ms": 1000 * plugin_load_s,
        "load_hook_ms_per_article": 1000 * load_hook / n,
        "total_ms_per_article": 1000 * total / n,
        "ms_per_article": {k: 1000 * v / n for k, v in rows.items()},
    }
