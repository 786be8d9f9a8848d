"""The one place that owns terminal output: consoles, JSON lines and safe text.

rich is imported on first use of a console or ``safe``, so that JSON output does not pay for it.
"""

from __future__ import annotations

import os
import re
import sys
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from claimtrack.model import PluginFailure

# C0/C1 controls (escape sequences start with ESC) and bidi overrides; tab and newline stay.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same, but a carriage return ending a line (CSV's "\r\n") stays.
_UNSAFE_TEXT = re.compile(
    "\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)


def stdout() -> Console:
    """Console for data meant for people (``NO_COLOR`` is respected by rich)."""
    return _console(sys.stdout, stderr=False, **_settings())


def stderr() -> Console:
    """Console for progress, warnings and errors."""
    return _console(sys.stderr, stderr=True, **_settings())


def stderr_is_terminal() -> bool:
    """Whether :func:`stderr` writes to a terminal, as rich decides it.

    rich calls a stream a terminal when ``TTY_COMPATIBLE=1`` or a non-empty ``FORCE_COLOR``
    says so, else when the stream is a tty; when none of these holds the answer is no, given
    without importing rich (~30 ms of CPU at every scan of several files into a pipe).
    """
    if not (
        sys.stderr.isatty()
        or os.environ.get("TTY_COMPATIBLE") == "1"
        or os.environ.get("FORCE_COLOR")
    ):
        return False
    return stderr().is_terminal


def _settings() -> dict[str, str | None]:
    """The environment a console reads when it is made (width, colour)."""
    return {name.lower(): os.environ.get(name) for name in _READ}


#: What rich reads from the environment when a console is made.
_READ = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM")


@lru_cache(maxsize=8)
def _console(stream: object, stderr: bool, **settings: str | None) -> Console:
    """One console per output stream and environment: rich reads the width and colour settings
    once, so a console made for one stream or ``COLUMNS`` must not serve another (the tests run
    many commands in one process, each with its own streams and environment)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def clean(value: object) -> str:
    """Text from articles or plugins with control and direction-override characters made visible."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def inert(text: str, json: bool = False) -> str:
    """``text`` made safe to show on a terminal, for output that is not a rich table.

    JSON text gets JSON escapes (``\\u202e``): it still parses to exactly the same data. Other
    text gets :func:`clean`'s visible form (``\\x202e``), its line ends kept. Output to files
    and pipes is left exact: only call this when the output is a terminal.
    """
    if json:
        return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return _UNSAFE_TEXT.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def safe(value: object, style: str = "") -> Text:
    """A rich ``Text`` that shows ``value`` literally: no markup, no escape sequences."""
    from rich.text import Text

    return Text(clean(value), style=style)


def print_json_line(obj: Any) -> None:
    """Write one JSON object as a line on standard output (:func:`inert` on a terminal)."""
    _write_json(orjson.dumps(obj, default=_record, option=_PASS).decode() + "\n")
    sys.stdout.flush()


def print_json(obj: Any) -> None:
    """Write a JSON document, indented, on standard output (:func:`inert` on a terminal).

    Records (dataclasses) are written as their ``to_json()``.
    """
    _write_json(
        orjson.dumps(obj, default=_record, option=_PASS | orjson.OPT_INDENT_2).decode() + "\n"
    )


_PASS = orjson.OPT_PASSTHROUGH_DATACLASS


def _record(obj: Any) -> Any:
    to_json = getattr(obj, "to_json", None)
    if to_json is None:
        raise TypeError(f"{type(obj).__name__} is not JSON serialisable")
    return to_json()


def _write_json(text: str) -> None:
    # orjson escapes C0 controls itself, but not DEL, C1 controls or bidi overrides.
    sys.stdout.write(inert(text, json=True) if sys.stdout.isatty() else text)


def error(message: str) -> None:
    """Print a one-line error on standard error."""
    stderr().print(safe(f"error: {message}", style="bold red"), soft_wrap=True)


def warn(message: str) -> None:
    """Print a one-line warning on standard error."""
    stderr().print(safe(f"warning: {message}", style="yellow"), soft_wrap=True)


#: Whether plugin failures are shown with their tracebacks (``claimtrack --debug``).
debug = False


def warn_failure(failure: PluginFailure) -> None:
    """Warn that a plugin failed: one line, and with ``--debug`` its traceback."""
    warn(f"plugin {failure.plugin}: {failure.message}")
    if debug and failure.traceback:
        stderr().print(safe(failure.traceback.rstrip("\n"), style="dim"), soft_wrap=True)
