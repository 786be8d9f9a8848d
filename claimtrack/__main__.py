"""Start the command line: the ``claimtrack`` console script and ``python -m claimtrack``."""

import gc


def main() -> None:
    """Import the command line with the cyclic garbage collector paused, freeze what it made,
    then run the command.

    Importing typer and the commands' registrations creates tens of thousands of objects that
    live until the process exits. The collector's passes over them, while they are made and at
    every later collection, free nothing: they go to its permanent generation (``gc.freeze``)
    before it resumes, as it was before, for the command's own work.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from claimtrack import cli

        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()
    cli.main()


if __name__ == "__main__":
    main()
