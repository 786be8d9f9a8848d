"""Reading RSS and Atom feeds: the items they list, each with a key and the link to its page.

Feeds are fetched with the loader's URL limits (time, size, redirects) and parsed by feedparser
from the bytes fetched; feedparser never fetches anything itself. Only http(s) links are taken:
a feed must not make claimtrack read files on this machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from claimtrack.errors import ArticleError, UsageError

#: Content types taken as feeds (servers use all of them).
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "text/plain",
)
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)


class FeedError(ArticleError):
    """A feed that cannot be fetched or is not RSS or Atom."""


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed: its key (the entry's id, else its link), link and title."""

    feed: str
    key: str
    link: str
    title: str | None = None


def feed_urls(arguments: Iterable[str]) -> list[str]:
    """Feed URLs from the command line: URLs, and files listing one URL a line (``#`` comments).

    Each URL once, in the order given; a file that cannot be read, or a line that is not an
    http(s) URL, is a ``UsageError``.
    """
    urls: list[str] = []
    for argument in arguments:
        if _URL.match(argument):
            urls.append(argument)
            continue
        try:
            lines = Path(argument).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{argument}: neither an http(s) feed URL nor a file of them") from exc
        for number, line in enumerate(lines, 1):
            line = line.split("#", 1)[0].strip()
            if line and not _URL.match(line):
                raise UsageError(f"{argument}:{number}: {line!r} is not an http(s) URL")
            if line:
                urls.append(line)
    return list(dict.fromkeys(urls))


def read_feed(url: str) -> list[FeedItem]:
    """The items of the feed at ``url``, in feed order; raise ``FeedError`` if unreadable."""
    import feedparser

    from claimtrack.loader import fetch

    try:
        data, _ = fetch(url, accept=FEED_TYPES, kind="a feed")
    except ArticleError as exc:
        raise FeedError(str(exc)) from exc
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if (parsed.get("bozo") and not parsed.entries) or not parsed.get("version"):
        reason = parsed.get("bozo_exception") or "no RSS or Atom items"
        raise FeedError(f"{url}: not an RSS or Atom feed ({reason})")
    items: dict[str, FeedItem] = {}
    for entry in parsed.entries:
        link = str(entry.get("link") or "").strip()
        if not _URL.match(link):  # no page, or a page that is not on the web
            continue
        key = str(entry.get("id") or link).strip()
        items.setdefault(key, FeedItem(url, key, link, entry.get("title") or None))
    return list(items.values())
