"""``claimtrack docs``: the documentation installed with claimtrack, listed or printed."""

from __future__ import annotations

from typing import Annotated

import typer

from claimtrack.commands.options import guarded

#: The package the ``docs/`` folder is installed as (``pyproject.toml``).
DOCS_PACKAGE = "claimtrack_docs"


def shipped() -> dict[str, str]:
    """Name → Markdown text of every document installed with claimtrack."""
    from importlib.resources import files

    folder = files(DOCS_PACKAGE)
    return {
        entry.name.removesuffix(".md"): entry.read_text(encoding="utf-8")
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".md")
    }


@guarded
def docs(
    name: Annotated[
        str | None, typer.Argument(help="The document to print, e.g. contract (default: list).")
    ] = None,
) -> None:
    """List the documentation installed with claimtrack, or print one document (Markdown)."""
    from claimtrack.errors import UsageError
    from claimtrack.terminal import inert

    found = shipped()
    if name is None:
        typer.echo("\n".join(f"claimtrack docs {doc}" for doc in found))
        return
    key = name.lower().removesuffix(".md")
    if key not in found:
        raise UsageError(f"no document {name!r}; documents: {', '.join(found)}")
    typer.echo(inert(found[key]), nl=False)


def register(app: typer.Typer) -> None:
    """Add ``docs`` to the app."""
    app.command("docs")(docs)
