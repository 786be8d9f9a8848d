"""``claimtrack db``: check a database, salvage a damaged one, rebuild indexes, upgrade, copy,
show or set its statuses and ratings."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from claimtrack.commands.options import (
    DbOption,
    JsonOption,
    database,
    database_folder,
    guarded,
)
from claimtrack.commands.options import open_store as open_desk

if TYPE_CHECKING:
    from claimtrack.store import Store

db_app = typer.Typer(
    name="db",
    help="Check the database, salvage a damaged one, rebuild its indexes, upgrade an old one, "
    "copy a desk, show or set its statuses.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@guarded
def check(json: JsonOption = False, db: DbOption = None) -> None:
    """Check SQLite's integrity, every stored article and the indexes; exit 1 if anything is
    wrong."""
    from claimtrack.store.recovery import check as run_check
    from claimtrack.terminal import print_json, safe, stdout

    report = run_check(database_folder(db, "db check"))
    if json:
        print_json(report.to_json())
    else:
        console = stdout()
        console.print(
            safe(
                f"{report.path}: {report.articles} articles, {report.claims} claims, "
                f"{report.changes} changes"
            )
        )
        for problem in report.problems:
            console.print(safe(f"{problem.kind}: {problem.where}: {problem.message}"), style="red")
        console.print(
            "database is healthy"
            if report.ok
            else "problems found: claimtrack db reindex for index and catalog problems, "
            "claimtrack db restore for damage",
            style="green" if report.ok else "red",
        )
    if not report.ok:
        raise typer.Exit(1)


@guarded
def restore(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Copy everything still readable into a new database; the damaged file is kept beside it."""
    from claimtrack.store.recovery import restore as run_restore
    from claimtrack.terminal import safe, stdout

    root = database_folder(db, "db restore")
    if not yes and not typer.confirm(
        f"Rebuild {root} from what can still be read (the damaged file is kept)?", default=False
    ):
        stdout().print("nothing changed")
        raise typer.Exit(1)
    done = run_restore(root)
    lost = f"; {done.lost} damaged rows could not be read" if done.lost else ""
    stdout().print(
        safe(
            f"{root}: {done.articles} articles, {done.claims} claims and {done.changes} changes "
            f"carried over{lost}; the damaged file is kept as {done.kept.name}"
        )
    )


@guarded
def reindex(json: JsonOption = False, db: DbOption = None) -> None:
    """Rebuild the claim ids, the match index and the catalog's counts from the articles."""
    from claimtrack.errors import StoreError
    from claimtrack.store import open_store
    from claimtrack.store.embedded import EmbeddedStore
    from claimtrack.store.engine import database_file
    from claimtrack.store.legacy import is_legacy
    from claimtrack.terminal import print_json, safe, stdout

    root = database(db)
    if isinstance(root, str):
        store = open_store(root)
        count = store.reindex()
        root = store.location
    elif not database_file(root).exists() and not is_legacy(root):
        raise StoreError(f"{root} is not a claimtrack database")
    else:
        count = EmbeddedStore(root).reindex()
    if json:
        print_json({"database": str(root), "claims": count})
    else:
        stdout().print(safe(f"{root}: indexed {count} claims"))


@guarded
def upgrade(json: JsonOption = False, db: DbOption = None) -> None:
    """Upgrade a database made by an older claimtrack: a folder of JSON files to SQLite, or a
    PostgreSQL database to the newest schema (its tables made if it is empty)."""
    from claimtrack.errors import StoreError
    from claimtrack.store.embedded import EmbeddedStore
    from claimtrack.store.engine import database_file
    from claimtrack.store.legacy import is_legacy
    from claimtrack.terminal import print_json, safe, stdout

    root = database(db)
    if isinstance(root, str):
        _upgrade_server(root, json)
        return
    if not is_legacy(root):
        if database_file(root).exists():
            EmbeddedStore(root).articles()  # applies any pending migration
            if json:
                print_json({"database": str(root), "upgraded": False})
            else:
                stdout().print(safe(f"{root} is up to date"))
            return
        raise StoreError(f"{root} is not a claimtrack database")
    store = EmbeddedStore(root)
    store.articles()
    done = store.upgraded
    if done is None:
        raise StoreError(f"{root} was not upgraded: it already holds {database_file(root).name}")
    if json:
        print_json(
            {
                "database": str(root),
                "upgraded": True,
                "articles": done.articles,
                "claims": done.claims,
                "changes": done.changes,
                "old_files": str(done.moved_to),
            }
        )
    else:
        stdout().print(
            safe(
                f"{root}: upgraded {done.articles} articles, {done.claims} claims, "
                f"{done.changes} changes; the old files are in {done.moved_to}"
            )
        )


@guarded
def copy(
    source: Annotated[str, typer.Argument(help="Database to copy (a folder or a server URL).")],
    target: Annotated[str, typer.Argument(help="Database to copy into (made if need be).")],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace what the target holds (else it must be empty)."),
    ] = False,
    json: JsonOption = False,
) -> None:
    """Copy a whole desk into another database, of any backend; check both sides' digests."""
    import time

    from claimtrack.errors import StoreError, UsageError
    from claimtrack.store import open_store
    from claimtrack.store.transfer import copy_desk
    from claimtrack.terminal import print_json, safe, stdout

    if "://" not in source and not Path(source).expanduser().is_dir():
        raise UsageError(f"no database at {source}")
    if "://" not in target and not Path(target).expanduser().parent.is_dir():
        raise UsageError(f"no folder {Path(target).parent} to make the database {target} in")
    origin, destination = open_store(source), open_store(target)
    started = time.perf_counter()
    copied, stored = copy_desk(origin, destination, replace)
    seconds = round(time.perf_counter() - started, 3)
    same = copied.digest == stored.digest and copied.counts() == stored.counts()
    if json:
        print_json(
            {
                "source": origin.location,
                "target": destination.location,
                "counts": copied.counts(),
                "digest": copied.digest,
                "target_counts": stored.counts(),
                "target_digest": stored.digest,
                "identical": same,
                "seconds": seconds,
            }
        )
    else:
        counts = ", ".join(f"{v} {k}" for k, v in copied.counts().items())
        where = f"{origin.location} to {destination.location}"
        stdout().print(safe(f"copied {where} in {seconds:g} s: {counts}"))
        verdict = "identical" if same else f"differs: {stored.digest} in the target"
        stdout().print(safe(f"digest {copied.digest}: {verdict}"))
    if not same:
        raise StoreError("the copy differs from the source: the digests disagree")


@guarded
def config(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="A config.toml to give the desk (its statuses and ratings); without it, show "
            "the desk's.",
            dir_okay=False,
        ),
    ] = None,
    json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Show the desk's statuses and ratings, or set them from a config.toml (a folder keeps it
    as its config.toml, a team desk in its database)."""
    from claimtrack.config import parse_config_text
    from claimtrack.errors import UsageError

    store = open_desk(db)
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {file}: {exc}") from None
        wanted = parse_config_text(text, str(file))
        held = [s for s in store.summary().statuses if wanted.find(s) is None]
        if held:
            raise UsageError(
                f"{file} lacks statuses claims of {store.location} have: {', '.join(held)}"
            )
        store.configure(text)
    _show_config(store, json)


def _show_config(store: Store, json: bool) -> None:
    """Print a desk's vocabulary: a table, or JSON."""
    from rich.table import Table

    from claimtrack.terminal import print_json, safe, stdout

    config = store.config
    if json:
        print_json(
            {
                "database": store.location,
                "statuses": [asdict(s) for s in config.statuses],
                "best_rating": config.best_rating,
                "worst_rating": config.worst_rating,
                "organisation": config.organisation,
                "organisation_url": config.organisation_url,
                "review_url": config.review_url,
            }
        )
        return
    table = Table(title=safe(f"Statuses of {store.location}"), title_justify="left")
    for column in ("status", "rating", "label"):
        table.add_column(column)
    for status in config.statuses:
        rating = "—" if status.rating is None else f"{status.rating:g}"
        table.add_row(safe(status.name, style=status.colour), rating, safe(status.label or "—"))
    stdout().print(table)
    scale = f"ratings from {config.worst_rating:g} (worst) to {config.best_rating:g} (best)"
    stdout().print(safe(scale + (f"; by {config.organisation}" if config.organisation else "")))


def _upgrade_server(url: str, json: bool) -> None:
    """Apply the migrations a PostgreSQL database lacks, and say which."""
    from claimtrack.store.pg_schema import SCHEMA
    from claimtrack.store.postgres import PostgresStore
    from claimtrack.terminal import print_json, safe, stdout

    store = PostgresStore(url, migrate=False)
    before, applied = store.upgrade()
    if json:
        print_json(
            {"database": store.location, "upgraded": bool(applied), "from": before, "to": SCHEMA}
        )
    elif applied:
        stdout().print(safe(f"{store.location}: schema {before} → {SCHEMA}"), soft_wrap=True)
    else:
        stdout().print(safe(f"{store.location} is up to date (schema {SCHEMA})"), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``db`` sub-app to the app."""
    db_app.command("check")(check)
    db_app.command("restore")(restore)
    db_app.command("reindex")(reindex)
    db_app.command("upgrade")(upgrade)
    db_app.command("copy")(copy)
    db_app.command("config")(config)
    app.add_typer(db_app, name="db")
