"""Where scan time goes: load, segment, each plugin hook implementation, validation, storage.

Each stage is timed twice: wall time, and CPU time of this process. On a machine shared with
other work, wall time is inflated by the load; CPU time is what the stage itself costs.
Segmentation is also timed on its own, as a speed in MB/s (:func:`segmentation_speed`).
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

from claimtrack.pipeline import scan_article
from claimtrack.plugins import PluginHost, load_plugins, time_limits
from claimtrack.store import open_store
from claimtrack.text import make_article, split_paragraphs, split_sentences


class TimedHost(PluginHost):
    """A plugin host that adds the wall and CPU time of every hook implementation to ``spent``
    and ``cpu``."""

    spent: dict[str, float]
    cpu: dict[str, float]

    def implementations(self, hook: str) -> list[tuple[str, Callable[..., Any], list[str]]]:
        return [
            (name, self._timed(f"{hook} {name}", fn), args)
            for name, fn, args in super().implementations(hook)
        ]

    def _timed(self, key: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(**kwargs: Any) -> Any:
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                result = function(**kwargs)
                if hasattr(result, "__next__"):
                    result = list(result)  # generators do their work when consumed
                return result
            finally:
                self.spent[key] += time.perf_counter() - started
                self.cpu[key] += time.process_time() - cpu_started

        return timed


def breakdown(paths: list[Path], store_path: Path, batch: int = 64) -> dict[str, Any]:
    """Scan ``paths`` in this process, timing each stage; return ms per article by stage."""
    started = time.perf_counter()
    plain = load_plugins()
    plugin_load_s = time.perf_counter() - started
    host = TimedHost(timeout=plain.timeout)
    host.pm = plain.pm
    host.spent, host.cpu = defaultdict(float), defaultdict(float)
    store = open_store(store_path)
    pending: list[Any] = []
    claims = stored = 0

    def now() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def clock(key: str, since: tuple[float, float]) -> tuple[float, float]:
        wall, cpu = now()
        host.spent[key] += wall - since[0]
        host.cpu[key] += cpu - since[1]
        return wall, cpu

    total_started = now()
    for path in paths:
        with time_limits():  # as scan_source does: the alarm handler once per article
            t = now()
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
            t = now()
            records = store.save_scans(pending)
            t = clock("store (save_scans)", t)
            for record in records:
                orjson.dumps(record)
            clock("emit (JSON line)", t)
            pending.clear()
    if pending:
        t = now()
        store.save_scans(pending)
        clock("store (save_scans)", t)
    ended = now()
    total = (ended[0] - total_started[0], ended[1] - total_started[1])
    n = len(paths)
    table = _table(dict(host.spent), total[0], n, plugin_load_s, claims, stored)
    cpu = _table(dict(host.cpu), total[1], n, plugin_load_s, claims, stored)
    table["cpu_ms_per_article"] = cpu["ms_per_article"]
    table["cpu_total_ms_per_article"] = cpu["total_ms_per_article"]
    table["segmentation"] = segmentation_speed(paths)
    return table


def segmentation_speed(paths: list[Path], repeats: int = 30) -> dict[str, Any]:
    """MB/s (UTF-8 bytes of article text per CPU second, median of ``repeats`` passes over
    ``paths``) of the core's segmentation: ``make_article`` (paragraphs, sentences and quotes)
    and paragraphs and sentences alone."""
    texts = [p.read_bytes().decode("utf-8-sig") for p in paths]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6

    def full() -> None:
        for text in texts:
            make_article(text, "bench")

    def sentences() -> None:
        for text in texts:
            for index, paragraph in enumerate(split_paragraphs(text)):
                split_sentences(text, paragraph, index)

    speeds: dict[str, Any] = {"articles": len(texts), "megabytes": megabytes, "repeats": repeats}
    for name, run in (("make_article", full), ("paragraphs_sentences", sentences)):
        run()  # warm up
        seconds = []
        for _ in range(repeats):
            started = time.process_time()
            run()
            seconds.append(time.process_time() - started)
        speeds[f"{name}_cpu_mb_per_s"] = megabytes / statistics.median(seconds)
    return speeds


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
