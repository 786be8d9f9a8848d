"""The one place that owns terminal output: consoles, JSON lines and safe text.

rich is imported on first use of a console or ``safe``, so that JSON output does not pay for it.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# C0/C1 controls (escape sequences start with ESC) and bidi overrides; tab and newline stay.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@cache
def stdout() -> Console:
    """Console for data meant for people (``NO_COLOR`` is respected by rich)."""
    from rich.console import Console

    return Console(highlight=False)


@cache
def stderr() -> Console:
    """Console for progress, warnings and errors."""
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def clean(value: object) -> str:
    """Text from articles or plugins with control and direction-override characters made visible."""
    return _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))


def safe(value: object, style: str = "") -> Text:
    """A rich ``Text`` that shows ``value`` literally: no markup, no escape sequences."""
    from rich.text import Text

    return Text(clean(value), style=style)


def print_json_line(obj: Any) -> None:
    """Write one JSON object as a line on standard output."""
    sys.stdout.write(orjson.dumps(obj).decode() + "\n")
    sys.stdout.flush()


def print_json(obj: Any) -> None:
    """Write a JSON document, indented, on standard output."""
    sys.stdout.write(orjson.dumps(obj, option=orjson.OPT_INDENT_2).decode() + "\n")


def error(message: str) -> None:
    """Print a one-line error on standard error."""
    stderr().print(safe(f"error: {message}", style="bold red"), soft_wrap=True)


def warn(message: str) -> None:
    """Print a one-line warning on standard error."""
    stderr().print(safe(f"warning: {message}", style="yellow"), soft_wrap=True)
