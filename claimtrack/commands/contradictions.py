"""``claimtrack contradictions``: list the contradictions found inside articles, decide on them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from claimtrack.commands.options import (
    ArticleOption,
    ByOption,
    DbOption,
    JsonOption,
    NoteOption,
    guarded,
    open_store,
)

ContradictionIds = Annotated[
    list[str], typer.Argument(help="Contradiction ids (any unique prefix of 4+ characters).")
]


@guarded
def listing(
    ctx: typer.Context,
    article: ArticleOption = None,
    kind: Annotated[
        str | None,
        typer.Option(help="Only this kind: frame, polarity, quantity, date, disagreement …"),
    ] = None,
    open_: Annotated[bool, typer.Option("--open", help="Only those not decided yet.")] = False,
    decision: Annotated[
        str | None, typer.Option(help="Only those with this decision: confirmed or dismissed.")
    ] = None,
    stale: Annotated[
        bool, typer.Option("--stale", help="Also those the latest scan no longer found.")
    ] = False,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List the contradictions found inside stored articles; confirm or dismiss them with the
    subcommands."""
    ctx.obj = {"db": db, "json": json}
    if ctx.invoked_subcommand is not None:
        return
    from claimtrack.errors import UsageError
    from claimtrack.terminal import print_json, stdout

    if open_ and decision:
        raise UsageError("give --open or --decision, not both")
    found = open_store(db).select_contradictions(
        article=article, kind=kind, decision="open" if open_ else decision, include_stale=stale
    )
    if json:
        print_json(found)
        return
    if not found:
        stdout().print("no contradictions match")
        return
    from claimtrack.report import contradictions_table

    stdout().print(contradictions_table(found, title=f"{len(found)} contradictions"))


def _decide(decision: str) -> Any:
    def command(
        ctx: typer.Context,
        ids: ContradictionIds,
        note: NoteOption = None,
        by: ByOption = None,
        json: JsonOption = False,
        db: DbOption = None,
    ) -> None:
        from claimtrack.terminal import print_json, safe, stdout

        shared = ctx.obj or {}
        entries = open_store(db or shared.get("db")).decide_contradictions(
            ids, decision, note=note, by=by
        )
        if json or shared.get("json"):
            print_json(entries)
            return
        for entry in entries:
            what = entry.details
            change = f"{what['previous'] or 'open'} → {what['decision'] or 'open'}"
            stdout().print(safe(f"{what['contradiction'][:8]} ({what['kind']}): {change}"))

    command.__doc__ = {
        "confirmed": "Confirm contradictions: the article does contradict itself.",
        "dismissed": "Dismiss contradictions: a false alarm.",
        "open": "Reopen contradictions: take back their decision.",
    }[decision]
    return guarded(command)


def register(app: typer.Typer) -> None:
    """Add the ``contradictions`` group (list, confirm, dismiss, reopen) to the app."""
    group = typer.Typer(
        name="contradictions",
        help=listing.__doc__,
        invoke_without_command=True,
        no_args_is_help=False,
        rich_markup_mode=None,
    )
    group.callback()(listing)
    group.command("confirm")(_decide("confirmed"))
    group.command("dismiss")(_decide("dismissed"))
    group.command("reopen")(_decide("open"))
    app.add_typer(group, name="contradictions")
