"""``claimtrack scan``: extract claims from articles, store them and show what was found.

Enough input (:data:`BYTES_PER_WORKER` per worker) is scanned by a pool of worker processes,
forked once the plugins are loaded (a spawned worker loads them itself); less is scanned in this
process, which is faster than starting workers. Results come back in input order through a
bounded window of chunks, so the scanning side's memory stays flat however large the corpus;
the parent writes them to the database one batch per transaction, in memory that grows with the
batch, not the database (see ``Store.save_scans``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from claimtrack.commands.options import (
    PLUGIN_FAILED,
    DbOption,
    DisableOption,
    JsonOption,
    PluginsDirOption,
    announce_new,
    guarded,
    open_store,
    plugin_host,
    warn_decoded,
)

if TYPE_CHECKING:
    from claimtrack.model import Metadata
    from claimtrack.pipeline import Outcome
    from claimtrack.store import Link, Store

#: Articles stored per database write when scanning many files.
BATCH = 64


@guarded
def scan(
    sources: Annotated[list[str], typer.Argument(help="Files, directories, - for stdin, or URLs.")],
    json: JsonOption = False,
    all_candidates: Annotated[
        bool, typer.Option("--all", help="Also emit candidates that are not check-worthy.")
    ] = False,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Do not touch the database.")
    ] = False,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Most worker processes; small inputs are scanned in one [default: cores].",
        ),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="local:N|tcp://HOST:PORT",
            help="Scan on Dask workers: a local cluster of N processes, or a scheduler "
            "(needs claimtrack[cluster]).",
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="The article's title (one source only).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Where the article was published (one source only).")
    ] = None,
    publisher: Annotated[str | None, typer.Option(help="Who published the articles.")] = None,
    date: Annotated[
        str | None,
        typer.Option(help="When the articles were published (2024-03-08, March 8, 2024...)."),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help="A table of claims per article (the default for one source)."
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rescan files whose text is stored unchanged.")
    ] = False,
    db: DbOption = None,
    disable: DisableOption = None,
    plugins_dir: PluginsDirOption = None,
) -> None:
    """Scan articles for checkable claims and store them (--json: see claimtrack docs contract).

    Many sources end with a summary (a progress bar on a terminal meanwhile); one source, or
    --verbose, prints each article's claims. Files stored with the same text are skipped
    (not with --json, --force or given metadata).
    """
    from claimtrack.contract import scan_json
    from claimtrack.loader import expand_sources
    from claimtrack.pipeline import checkworthy_only, default_jobs, scan_sources
    from claimtrack.terminal import error, print_json_line, stderr, warn_failure

    paths = list(expand_sources(sources))
    given = _given_metadata(paths, title=title, url=url, publisher=publisher, date=date)
    if cluster and given is not None:
        from claimtrack.errors import UsageError

        raise UsageError("--title, --url, --publisher and --date need a local scan, not --cluster")
    host = plugin_host(disable, plugins_dir)
    # A plugin that failed to load is missing from every article: each record's errors say so.
    load_failures = tuple(host.take_failures())
    for failure in load_failures:
        warn_failure(failure)
    checkers = [name for name, _, _ in host.implementations("claimtrack_find_contradictions")]
    store = None if no_store else open_store(db, create=True)
    listed, total, skipped = paths, len(paths), 0
    if store is not None and not (force or json or given):  # --json gives every record
        paths = _changed(host, store, paths)
        skipped = total - len(paths)
    tables = not json and (verbose or total == 1)
    tally = _Tally(skipped=skipped)
    unreadable = stored = False
    plugin_failed = bool(load_failures)
    pending: list[Any] = []

    def flush() -> None:
        nonlocal stored
        records = store.save_scans(pending, checkers) if store else [scan_json(r) for r in pending]
        stored = store is not None
        earlier: dict[str, list[Link]] = {}
        if store is not None and not json:
            earlier = store.earlier_verdicts(c["id"] for r in records for c in r["claims"])
        for result, record in zip(pending, records, strict=True):
            emit(result, record, earlier)
        pending.clear()

    def emit(
        result: Any, record: dict[str, Any], earlier: dict[str, list[Link]] | None = None
    ) -> None:
        nonlocal plugin_failed
        record = _select(record, all_candidates)
        for failure in result.errors:
            plugin_failed = True
            if failure not in load_failures:  # those were shown once, when loading
                warn_failure(failure)
        tally.add(record, earlier or {}, len(result.errors))
        if json:
            print_json_line(record)
        elif tables:
            _show(record, earlier or {})

    with _progress(len(paths), tables) as advance:
        if cluster:
            outcomes = _cluster_outcomes(cluster, paths, disable, plugins_dir, advance)
        else:
            local = scan_sources(
                host, paths, given, jobs or default_jobs(), disable or (), plugins_dir
            )
            outcomes = _counted(local, advance)
        for kind, value in outcomes:
            if kind == "unreadable":
                unreadable = True
                tally.unreadable += 1
                error(value)
                continue
            warn_decoded(value.article.source, value.article.metadata)
            if load_failures:  # missing from every article: each result's errors say so
                value = replace(value, errors=(*load_failures, *value.errors))
            if store is None:
                emit(value, scan_json(value))
                continue
            pending.append(value if all_candidates else checkworthy_only(value))
            if len(pending) >= BATCH:
                flush()
        if pending:
            flush()
    if tables and skipped:
        from claimtrack.terminal import safe, stdout

        stdout().print(safe(f"{listed[0]}: stored with this text already; skipped (--force)"))
    if not json and total > 1:
        from claimtrack.report import scan_summary
        from claimtrack.terminal import stdout

        stdout().print(scan_summary(tally.rows(), tally.title()))
    if store is not None and stored:
        announce_new(store)
        if not json:
            stderr().print(f"[dim]stored in {store.location}[/dim]")
    if unreadable:
        raise typer.Exit(1)
    if plugin_failed:
        raise typer.Exit(PLUGIN_FAILED)


@dataclass
class _Tally:
    """What a scan of many sources found, for its summary."""

    articles: int = 0
    claims: int = 0
    checkworthy: int = 0
    repeats: int = 0
    contradictions: int = 0
    unreadable: int = 0
    plugin_failures: int = 0
    skipped: int = 0

    def add(self, record: dict[str, Any], earlier: dict[str, list[Link]], failures: int) -> None:
        """Count one scanned article's record (claims as printed) and its plugin failures."""
        self.articles += 1
        self.claims += len(record["claims"])
        self.checkworthy += sum(1 for c in record["claims"] if c["checkworthy"])
        self.repeats += sum(1 for c in record["claims"] if earlier.get(c["id"]))
        self.contradictions += len(record["contradictions"])
        self.plugin_failures += failures

    def title(self) -> str:
        """The summary's heading."""
        title = f"Scanned {self.articles} article{'s' * (self.articles != 1)}"
        if self.skipped:
            title += f"; {self.skipped} unchanged, skipped (--force rescans them)"
        return title

    def rows(self) -> list[tuple[str, int]]:
        """(what, how many) for the summary table."""
        return [
            ("claims", self.claims),
            ("check-worthy", self.checkworthy),
            ("repeats of claims in other articles", self.repeats),
            ("contradictions", self.contradictions),
            ("unreadable sources", self.unreadable),
            ("plugin failures", self.plugin_failures),
        ]


def _changed(host: Any, store: Store, paths: Sequence[str]) -> list[str]:
    """The paths to scan: those not stored yet, or whose text differs from what is stored.

    A file is read (through the loader hook, as the scan would) only if its path is stored; one
    that cannot be read is kept, for the scan to report.
    """
    from claimtrack.errors import ArticleError
    from claimtrack.loader import is_url

    known = {entry.source: entry.sha256 for entry in store.articles()}
    keep = []
    for path in paths:
        stored = None if path == "-" or is_url(path) else known.get(str(Path(path).resolve()))
        if stored is not None:
            try:
                article = host.first_result(
                    "claimtrack_load_article", propagate=(ArticleError,), source=path
                )
            except ArticleError:
                article = None
            if article is not None and article.sha256 == stored:
                continue
        keep.append(path)
    return keep


def _given_metadata(
    paths: Sequence[str],
    *,
    title: str | None,
    url: str | None,
    publisher: str | None,
    date: str | None,
) -> Metadata | None:
    """The metadata given on the command line, checked, or None if none was."""
    from claimtrack.errors import UsageError
    from claimtrack.loader import full_date, is_url
    from claimtrack.model import Metadata

    if not any((title, url, publisher, date)):
        return None
    if (title or url) and len(paths) > 1:
        raise UsageError("--title and --url describe one article: give one source")
    if url and not is_url(url):
        raise UsageError(f"--url {url!r} is not an http(s) URL")
    published = full_date(date) if date else None
    if date and published is None:
        raise UsageError(f"--date {date!r} is not a date with a day, month and year")
    return Metadata(title=title, url=url, publisher=publisher, published=published)


def _counted(outcomes: Iterator[Outcome], advance: Callable[[int], None]) -> Iterator[Outcome]:
    """``outcomes``, advancing the progress bar by one as each is taken."""
    for outcome in outcomes:
        advance(1)
        yield outcome


def _cluster_outcomes(
    spec: str,
    paths: Sequence[str],
    disable: list[str] | None,
    plugins_dir: Path | None,
    advance: Callable[[int], None],
) -> Iterator[Outcome]:
    """Scan every source on the Dask cluster ``spec``, in order (``claimtrack.cluster``)."""
    from claimtrack.cluster import connect, host_options, scan_sources
    from claimtrack.errors import UsageError

    if "-" in paths:
        raise UsageError("standard input cannot be scanned on a cluster; save it to a file")
    with connect(spec) as client:
        for outcome in scan_sources(client, paths, host_options(disable, plugins_dir), advance):
            if outcome.result is None:
                yield "unreadable", outcome.error
            else:
                yield "ok", outcome.result


class _progress:
    """A transient progress bar on stderr for many files, when stderr is a terminal.

    It stays off when tables go to the same terminal (they show the progress themselves).
    """

    def __init__(self, total: int, tables: bool) -> None:
        import sys

        from claimtrack.terminal import stderr_is_terminal

        self.total = total
        self.enabled = total > 1 and stderr_is_terminal() and not (tables and sys.stdout.isatty())
        self.bar: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if not self.enabled:
            return lambda done: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        from claimtrack.terminal import stderr

        self.bar = Progress(
            "scanning",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=stderr(),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.bar.start()
        task = self.bar.add_task("scan", total=self.total)
        return lambda done: self.bar.advance(task, done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _select(record: dict[str, Any], all_candidates: bool) -> dict[str, Any]:
    if all_candidates:
        return record
    needed = {cid for c in record["contradictions"] for cid in c["claims"]}
    claims = [c for c in record["claims"] if c["checkworthy"] or c["id"] in needed]
    return record | {"claims": claims}


def _show(record: dict[str, Any], earlier: dict[str, list[Link]]) -> None:
    from claimtrack.report import claims_table, contradiction_line, link_line
    from claimtrack.store import ArticleRecord, ClaimRecord, ContradictionRecord
    from claimtrack.terminal import safe, stdout

    article = ArticleRecord.from_json(record["article"])
    claims = [ClaimRecord.from_json(c | {"article": article.id}) for c in record["claims"]]
    contradictions = [ContradictionRecord.from_json(c) for c in record["contradictions"]]
    console = stdout()
    console.print(safe(article.title or article.source, style="bold"))
    console.print(
        safe(
            f"{article.id[:8]} · {article.publisher or '—'} · "
            f"{article.published or 'date unknown'} · {len(claims)} claims · "
            f"{len(contradictions)} contradictions"
        ),
        style="dim",
    )
    if claims:
        console.print(claims_table(sorted(claims, key=lambda c: -c.score)))
    for claim in claims:
        for link in earlier.get(claim.id, []):
            line = safe(f"↺ {claim.id[:8]} repeats ", style="cyan")
            console.print(line.append_text(link_line(link)))
    by_id = {claim.id: claim for claim in claims}
    for conflict in contradictions:
        console.print(contradiction_line(conflict, by_id))
    console.print()


def register(app: typer.Typer) -> None:
    """Add ``scan`` to the app."""
    app.command("scan")(scan)
