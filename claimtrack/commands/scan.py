"""``claimtrack scan``: extract claims from articles, store them and show what was found."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from claimtrack.cli import (
    PLUGIN_FAILED,
    DbOption,
    DisableOption,
    JsonOption,
    PluginsDirOption,
    guarded,
    open_store,
    plugin_host,
)

#: Articles stored per database write when scanning many files.
BATCH = 64


@guarded
def scan(
    sources: Annotated[list[str], typer.Argument(help="Files, directories, - for stdin, or URLs.")],
    json: JsonOption = False,
    all_candidates: Annotated[
        bool, typer.Option("--all", help="Also emit candidates that are not check-worthy.")
    ] = False,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not touch the database.")] = False,
    db: DbOption = None,
    disable: DisableOption = None,
    plugins_dir: PluginsDirOption = None,
) -> None:
    """Scan articles for checkable claims and store them (see docs/CONTRACT.md for --json)."""
    from claimtrack.errors import ArticleError
    from claimtrack.loader import expand_sources
    from claimtrack.pipeline import scan_source
    from claimtrack.store import scan_json
    from claimtrack.terminal import error, print_json_line, stderr, warn

    host = plugin_host(disable, plugins_dir)
    for failure in host.take_failures():
        warn(f"plugin {failure.plugin}: {failure.message}")
    store = None if no_store else open_store(db)
    unreadable = plugin_failed = False
    pending: list[Any] = []

    def flush() -> None:
        records = store.save_scans(pending) if store else [scan_json(r) for r in pending]
        for result, record in zip(pending, records, strict=True):
            emit(result, record)
        pending.clear()

    def emit(result: Any, record: dict[str, Any]) -> None:
        nonlocal plugin_failed
        record = _select(record, all_candidates)
        for failure in result.errors:
            plugin_failed = True
            warn(f"plugin {failure.plugin}: {failure.message}")
        if json:
            print_json_line(record)
        else:
            _show(record)

    for source in expand_sources(sources):
        try:
            result = scan_source(host, source)
        except ArticleError as exc:
            unreadable = True
            error(str(exc))
            continue
        if store is None:
            emit(result, scan_json(result))
            continue
        if not all_candidates:
            result = _keep_checkworthy(result)
        pending.append(result)
        if len(pending) >= BATCH:
            flush()
    if pending:
        flush()
    if store is not None and not json:
        stderr().print(f"[dim]stored in {store.path}[/dim]")
    if unreadable:
        raise typer.Exit(1)
    if plugin_failed:
        raise typer.Exit(PLUGIN_FAILED)


def _keep_checkworthy(result: Any) -> Any:
    """Only check-worthy claims, plus any claim a contradiction points at, are stored."""
    from dataclasses import replace

    needed = {c.a.id for c in result.contradictions} | {c.b.id for c in result.contradictions}
    return replace(result, claims=tuple(c for c in result.claims if c.checkworthy or c.id in needed))


def _select(record: dict[str, Any], all_candidates: bool) -> dict[str, Any]:
    if all_candidates:
        return record
    needed = {cid for c in record["contradictions"] for cid in c["claims"]}
    claims = [c for c in record["claims"] if c["checkworthy"] or c["id"] in needed]
    return record | {"claims": claims}


def _show(record: dict[str, Any]) -> None:
    from claimtrack.report import claims_table
    from claimtrack.terminal import safe, stdout

    article = record["article"]
    console = stdout()
    title = article.get("title") or article["source"]
    console.print(safe(f"{title}", style="bold"))
    console.print(
        safe(
            f"{article['id'][:8]} · {article.get('publisher') or '—'} · "
            f"{article.get('published') or 'date unknown'} · {len(record['claims'])} claims · "
            f"{len(record['contradictions'])} contradictions"
        ),
        style="dim",
    )
    if record["claims"]:
        ordered = sorted(record["claims"], key=lambda c: -c["score"])
        console.print(claims_table(ordered))
    for conflict in record["contradictions"]:
        console.print(safe(f"⚠ {conflict['kind']} conflict: {conflict['explanation']}", style="yellow"))
    console.print()


def register(app: typer.Typer) -> None:
    """Add ``scan`` to the app."""
    app.command("scan")(scan)
