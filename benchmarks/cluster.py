"""Scanning on Dask workers against the local scan, in one run; per-article cost for scaling.md.

    python benchmarks/cluster.py --articles ../shared/data/polnear/dev/text --n 400 \
        [--out benchmarks/results/cluster.json]

Every run stores into a fresh database, as a desk would. A cluster run pays a fixed start (the
worker processes, their imports and plugins); a run of :data:`SMALL` articles measures it, and
``marginal_articles_per_s`` is the rate once the workers run: (n - SMALL) / (time - start).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from rich.console import Console
from rich.table import Table

from benchmarks import corpus, procs

#: Articles of the run that measures a scan's fixed start.
SMALL = 16
#: The scans compared: a name and the options that select them.
MODES = (
    ("local --jobs 1", ["--jobs", "1"]),
    ("local --jobs 2", ["--jobs", "2"]),
    ("cluster local:1", ["--cluster", "local:1"]),
    ("cluster local:2", ["--cluster", "local:2"]),
)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison; print a table and write the figures as JSON."""
    args = _parser().parse_args(argv)
    console = Console(stderr=True, width=140)
    work = Path(tempfile.mkdtemp(prefix="claimtrack-cluster-bench-"))
    originals = corpus.source_articles(Path(args.articles))
    paths = corpus.materialise(originals, args.n, work / "corpus")
    small = work / "small"
    small.mkdir()
    for path in paths[:SMALL]:
        shutil.copy(path, small)
    figures: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "articles": args.n,
        "input_bytes": sum(p.stat().st_size for p in paths),
        "load_at_start": procs.load(),
        "runs": [],
    }
    for stored in (False, True):
        for name, options in MODES:
            figures["runs"].append(_measure(console, work, name, options, stored, args.n))
    for run in figures["runs"]:
        run["speedup"] = run["marginal_articles_per_s"] / next(
            r["marginal_articles_per_s"]
            for r in figures["runs"]
            if r["stored"] == run["stored"] and r["mode"][:-1] == run["mode"][:-1]
        )
    figures["load_at_end"] = procs.load()
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    _print(console, figures)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _measure(
    console: Console, work: Path, name: str, options: list[str], stored: bool, n: int
) -> dict[str, Any]:
    """One kind of scan, of the small corpus and of the whole one, each into a fresh database."""
    runs = {}
    for label, folder, count in (("small", work / "small", SMALL), ("full", work / "corpus", n)):
        db = work / f"db-{label}"
        target = ["--db", str(db)] if stored else ["--no-store"]
        console.log(f"{name}, {'stored' if stored else 'not stored'}: {count} articles")
        command = [*procs.claimtrack_command(), "scan", "--json", *options, *target, str(folder)]
        run = procs.run(command)
        run["stored_bytes"] = sum(f.stat().st_size for f in db.rglob("*") if f.is_file())
        runs[label] = run
        shutil.rmtree(db, ignore_errors=True)
    full, start = runs["full"], runs["small"]
    return {
        "mode": name,
        "stored": stored,
        "seconds": full["seconds"],
        "articles_per_s": n / full["seconds"],
        "start_s": start["seconds"],
        "marginal_articles_per_s": (n - SMALL) / max(1e-9, full["seconds"] - start["seconds"]),
        "cpu_ms_per_article": 1000 * full["cpu_s"] / n,
        "marginal_cpu_ms_per_article": 1000 * (full["cpu_s"] - start["cpu_s"]) / (n - SMALL),
        "tree_pss_mb": full["tree_pss_mb"],
        "stored_bytes_per_article": full["stored_bytes"] / n,
        "returncode": full["returncode"],
        "load_before": full["load_before"],
    }


def _print(console: Console, figures: dict[str, Any]) -> None:
    table = Table(title=f"{figures['articles']} articles", title_justify="left", width=140)
    columns = ("scan", "stored", "art/s", "start s", "marginal/s", "× 1 worker", "CPU ms/art",
               "marginal CPU", "PSS MB", "B/art")  # fmt: skip
    for column in columns:
        table.add_column(column, justify="right")
    for run in figures["runs"]:
        table.add_row(
            run["mode"],
            "yes" if run["stored"] else "no",
            f"{run['articles_per_s']:.1f}",
            f"{run['start_s']:.1f}",
            f"{run['marginal_articles_per_s']:.1f}",
            f"{run['speedup']:.2f}",
            f"{run['cpu_ms_per_article']:.1f}",
            f"{run['marginal_cpu_ms_per_article']:.1f}",
            f"{run['tree_pss_mb']:.0f}",
            f"{run['stored_bytes_per_article']:.0f}",
        )
    console.print(table)
    console.print(
        f"load {figures['load_at_start']} → {figures['load_at_end']} (1, 5, 15 min); "
        "marginal: the rate once started, from the 16-article run"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", required=True, help="Folder of .txt articles to cycle.")
    parser.add_argument("--n", type=int, default=400, help="Articles per run.")
    parser.add_argument("--out", help="Write the figures as JSON here.")
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
