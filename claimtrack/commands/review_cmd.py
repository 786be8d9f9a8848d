"""``claimtrack review``: the interactive review queue (see ``claimtrack.review``)."""

from __future__ import annotations

import typer

from claimtrack.commands.options import (
    ArticleOption,
    ByOption,
    DbOption,
    MinScoreOption,
    SpeakerOption,
    StatusOption,
    TypeOption,
    guarded,
    open_store,
)


@guarded
def review(
    article: ArticleOption = None,
    status: StatusOption = None,
    type_: TypeOption = None,
    speaker: SpeakerOption = None,
    min_score: MinScoreOption = None,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Review claims one by one in an interactive queue, the most check-worthy first: claims
    without a verdict unless --status says otherwise. Press ? in the queue for its keys."""
    import sys

    from claimtrack.errors import UsageError
    from claimtrack.review import run_review
    from claimtrack.store import Filters

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("review needs a terminal; use claims, mark and note in scripts")
    store = open_store(db)
    if status:
        status = store.config.status(status).name
    filters = Filters(
        article=article, status=status, type=type_, speaker=speaker, min_score=min_score
    )
    run_review(store, filters, by=by)


def register(app: typer.Typer) -> None:
    """Add ``review`` to the app."""
    app.command("review")(review)
