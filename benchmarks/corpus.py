"""The benchmark corpus (real articles repeated to N distinct files) and the read-split floor."""

from __future__ import annotations

import re
import time
import tracemalloc
from pathlib import Path
from typing import Any

#: A plain sentence split: what any tool reading news must at least do.
PLAIN_SPLIT = re.compile(r"(?<=[.!?])\s+|\n\s*\n")


def source_articles(folder: Path) -> list[Path]:
    """The ``.txt`` articles of ``folder``, sorted (the order is part of the benchmark)."""
    paths = sorted(p for p in folder.rglob("*.txt") if p.is_file())
    if not paths:
        raise SystemExit(f"no .txt articles in {folder}")
    return paths


def materialise(originals: list[Path], n: int, into: Path) -> list[Path]:
    """Write ``n`` files cycling through ``originals``; repeats get a distinct closing line.

    Repeats must differ in content: the store keys articles by text hash, so identical copies
    would measure updates instead of inserts. The line is appended, so claim offsets and the
    work plugins do are those of the original article.
    """
    into.mkdir(parents=True, exist_ok=True)
    texts = [p.read_bytes() for p in originals]
    written = []
    for index in range(n):
        original = originals[index % len(originals)]
        data = texts[index % len(originals)]
        copy = index // len(originals)
        if copy:
            data = data.rstrip() + f"\n\nArchive copy {copy}.\n".encode()
        path = into / f"{index:06d}_{original.name}"
        path.write_bytes(data)
        written.append(path)
    return written


def floor(paths: list[Path]) -> dict[str, Any]:
    """Read every file, decode it and split it with one plain regular expression."""
    tracemalloc.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    pieces = 0
    for path in paths:
        text = path.read_bytes().decode("utf-8-sig")
        pieces += len(PLAIN_SPLIT.split(text))
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "articles": len(paths),
        "seconds": seconds,
        "articles_per_s": len(paths) / seconds,
        "ms_per_article": 1000 * seconds / len(paths),
        "cpu_ms_per_article": 1000 * cpu / len(paths),
        "pieces": pieces,
        "peak_traced_mb": peak / 1e6,
    }
