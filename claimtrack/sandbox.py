"""While plugin code runs it hands back data; it never writes the claimtrack database itself.

Kept apart from the storage module so that running plugins does not import TinyDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_WRITER: ContextVar[str | None] = ContextVar("claimtrack_writes_forbidden", default=None)


@contextmanager
def writes_forbidden(who: str) -> Iterator[None]:
    """Make every database commit in the block fail with a ``StoreError`` naming ``who``."""
    token = _WRITER.set(who)
    try:
        yield
    finally:
        _WRITER.reset(token)


def forbidden_writer() -> str | None:
    """Who runs now and may not write the database (a plugin's name), or None."""
    return _WRITER.get()
