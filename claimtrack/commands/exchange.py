"""``claimtrack export`` and ``claimtrack import``: claims out to files, outside verdicts in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, TextIO

import typer

from claimtrack.commands.options import (
    DbOption,
    JsonOption,
    StatusOption,
    announce_new,
    guarded,
    open_store,
)

BUILTIN_FORMATS = ("jsonl", "csv", "markdown", "claimreview")


@guarded
def export(
    format_: Annotated[
        str,
        typer.Option("--format", "-f", help=f"{', '.join(BUILTIN_FORMATS)} or a plugin's format."),
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    article: Annotated[str | None, typer.Option(help="Article id prefix or source path.")] = None,
    status: StatusOption = None,
    type_: Annotated[str | None, typer.Option("--type", help="Only claims of this type.")] = None,
    speaker: Annotated[
        str | None, typer.Option(help="Only claims whose speaker contains this.")
    ] = None,
    min_score: Annotated[
        float | None, typer.Option(help="Only claims scoring at least this.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export stored claims (filtered as for the claims command) to a file or stdout."""
    import io
    import sys

    from claimtrack.errors import UsageError
    from claimtrack.exchange import BUILTIN, status_authors, with_article, write_claimreview
    from claimtrack.store import Filters
    from claimtrack.terminal import inert

    store = open_store(db)
    exporters: dict[str, Any] = dict(BUILTIN)
    if format_ not in BUILTIN_FORMATS:
        exporters |= _plugin_exporters()
    if format_ not in exporters and format_ != "claimreview":
        known = sorted({*BUILTIN_FORMATS, *exporters})
        raise UsageError(f"unknown export format {format_!r}; formats: {', '.join(known)}")
    if status:
        status = store.config.status(status).name
    with store.session():
        found = store.claims(
            Filters(
                article=article, status=status, type=type_, speaker=speaker, min_score=min_score
            )
        )
        listed = store.articles()
        authors = status_authors(store.log())
    # Exporters (plugins among them) are given JSON records, as documented in docs/plugins.md.
    unset = {"status_by": None, "status_at": None}
    records = [c.to_json() | authors.get(c.id, unset) for c in found]
    articles = {a.id: a.to_json() for a in listed}
    if format_ != "claimreview":
        records = [with_article(record, articles.get(record["article"], {})) for record in records]

    def write(stream: TextIO) -> None:
        if format_ == "claimreview":
            write_claimreview(records, stream, articles, store.config)
        else:
            exporters[format_](records, stream)

    if output:
        with output.open("w", encoding="utf-8", newline="") as stream:
            write(stream)
    elif sys.stdout.isatty():  # data stays exact in files and pipes; a terminal gets it inert
        buffer = io.StringIO()
        write(buffer)
        sys.stdout.write(inert(buffer.getvalue(), json=format_ in ("jsonl", "claimreview")))
    else:
        write(sys.stdout)


def _plugin_exporters() -> dict[str, Any]:
    from claimtrack.commands.options import plugin_host
    from claimtrack.terminal import warn_failure

    host = plugin_host(None, None)
    found: dict[str, Any] = {}
    for name, result in host.call_each("claimtrack_exporters", stage="export"):
        if isinstance(result, dict):
            found |= {k: v for k, v in result.items() if isinstance(k, str) and callable(v)}
        elif result is not None:
            host.record(name, "claimtrack_exporters must return a dict of callables")
    for failure in host.take_failures():
        warn_failure(failure)
    return found


@guarded
def import_(
    file: Annotated[Path, typer.Argument(help="A ClaimReview JSON-LD file (- for stdin).")],
    set_status: Annotated[
        bool,
        typer.Option(
            "--set-status", help="Also give matched claims the status the rating maps to."
        ),
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who imported [env: CLAIMTRACK_USER].")
    ] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Attach the verdicts of a ClaimReview JSON-LD file to the stored claims they match.

    Importing a file again adds nothing new; the reviews this desk exported are skipped.
    """
    import sys

    from claimtrack.exchange import is_own_review, read_claimreviews
    from claimtrack.terminal import print_json, safe, stdout

    data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    store = open_store(db, create=True)
    read = read_claimreviews(data, str(file))
    reviews = [review for review in read if not is_own_review(review, store.config)]
    own = len(read) - len(reviews)
    entries, unmatched = store.import_reviews(reviews, set_status=set_status, by=by)
    announce_new(store)
    if json:
        print_json({"entries": entries, "unmatched": unmatched, "own": own})
        return
    for entry in entries:
        change = f" ({entry.before} → {entry.after})" if entry.after is not None else ""
        item = entry.details["evidence"]
        rating = item.get("rating") or item.get("status")
        stdout().print(safe(f"{entry.claim[:8]}: {rating}{change}"))
    stdout().print(f"{len(reviews)} reviews, {len(entries)} claims matched, {unmatched} unmatched")
    if own:
        stdout().print(f"{own} of this desk's own reviews skipped (exported from this database)")


def register(app: typer.Typer) -> None:
    """Add ``export`` and ``import`` to the app."""
    app.command("export")(export)
    app.command("import")(import_)
