"""Count the code lines of the store (issue 14's measure), per file and per backend.

    python benchmarks/store_lines.py [claimtrack/store]

A code line is a physical line holding a token that is neither a comment nor part of a
docstring (module, class or function); blank lines do not count. The files fall in three groups:
the team desk (``postgres.py``, ``pg_*.py``), the shared typed interface (``interface.py``,
``records.py``, ``scan_plan.py``, ``__init__.py``) with the methods both desks share
(``desk.py``), and the embedded desk (the rest).
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from collections import Counter
from pathlib import Path

#: Tokens that hold no code.
_SKIPPED = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
}
SHARED = {"interface.py", "records.py", "scan_plan.py", "__init__.py", "desk.py"}


def code_lines(source: str) -> int:
    """The number of code lines of a Python module's ``source``."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    lines: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _SKIPPED:
            lines.update(range(token.start[0], token.end[0] + 1))
    return len(lines - docstrings)


def group(name: str) -> str:
    """The part of the store a file belongs to."""
    if name == "postgres.py" or name.startswith("pg_"):
        return "team desk"
    return "shared" if name in SHARED else "embedded desk"


def main(argv: list[str]) -> int:
    """Print each file's code lines, then each group's and the total."""
    folder = Path(argv[0] if argv else "claimtrack/store")
    totals: Counter[str] = Counter()
    for path in sorted(folder.glob("*.py")):
        count = code_lines(path.read_text(encoding="utf-8"))
        totals[group(path.name)] += count
        print(f"{path.name:20} {group(path.name):14} {count:5}")
    for name, count in sorted(totals.items()):
        print(f"{name:35} {count:5}")
    print(f"{'total':35} {sum(totals.values()):5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
