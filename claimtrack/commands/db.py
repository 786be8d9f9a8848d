"""``claimtrack db``: check a database, restore damaged files from their backups, reindex."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrack.cli import DbOption, JsonOption, guarded

db_app = typer.Typer(
    name="db",
    help="Check the database, restore damaged files from their backups, rebuild its indexes.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@guarded
def check(json: JsonOption = False, db: DbOption = None) -> None:
    """Read every database file and cross-check them; exit 1 if anything is wrong."""
    from claimtrack.recovery import check as run_check
    from claimtrack.store import default_db_path
    from claimtrack.terminal import print_json, safe, stdout

    report = run_check(db or default_db_path())
    if json:
        print_json(report.to_json())
    else:
        console = stdout()
        console.print(
            safe(
                f"{report.path}: {report.files} files, {report.articles} articles, "
                f"{report.claims} claims"
            )
        )
        for problem in report.problems:
            style = "yellow" if problem.kind == "leftover" else "red"
            console.print(safe(f"{problem.kind}: {problem.file}: {problem.message}", style=style))
        unreadable = [b for b in report.backups if not b.readable]
        console.print(
            safe(
                f"{len(report.backups)} backups ({len(unreadable)} unreadable); "
                + ("database is healthy" if report.ok else "problems found (claimtrack db restore)")
            ),
            style="green" if report.ok else "red",
        )
    if not report.ok:
        raise typer.Exit(1)


@guarded
def restore(
    files: Annotated[
        list[str] | None,
        typer.Argument(
            help="Database files to restore, e.g. catalog.json [default: every "
            "unreadable file with a readable backup]."
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Put files back from their backups; each replaced file is kept as NAME.damaged-TIME."""
    from claimtrack import recovery
    from claimtrack.store import default_db_path
    from claimtrack.terminal import safe, stdout

    root = db or default_db_path()
    console = stdout()
    chosen = files or recovery.restorable(root)
    if not chosen:
        console.print(safe("nothing to restore: no unreadable file has a readable backup"))
        return
    for relative in chosen:
        if not yes and not typer.confirm(
            f"Replace {root / relative} by its backup?", default=False
        ):
            console.print(safe(f"skipped {relative}"))
            continue
        kept = recovery.restore(root, relative)
        where = f"; the replaced file is kept as {kept.name}" if kept else ""
        console.print(safe(f"restored {relative} from its backup{where}"))
    console.print(safe("run claimtrack db check to see whether the files agree with each other"))


@guarded
def reindex(json: JsonOption = False, db: DbOption = None) -> None:
    """Rebuild the claim index, the match index and the catalog's counts from the articles."""
    from claimtrack.errors import StoreError
    from claimtrack.store import CATALOG, Store, default_db_path
    from claimtrack.terminal import print_json, safe, stdout

    root = db or default_db_path()
    if not (root / CATALOG).exists():
        raise StoreError(f"{root} is not a claimtrack database (no {CATALOG})")
    count = Store(root).reindex()
    if json:
        print_json({"database": str(root), "claims": count})
    else:
        stdout().print(safe(f"{root}: indexed {count} claims"))


def register(app: typer.Typer) -> None:
    """Add the ``db`` sub-app to the app."""
    db_app.command("check")(check)
    db_app.command("restore")(restore)
    db_app.command("reindex")(reindex)
    app.add_typer(db_app, name="db")
