"""Reading articles: files, standard input, directories and URLs, in text, Markdown or HTML.

Plain text keeps its line endings exactly (CONTRACT.md offsets); HTML is reduced to its main
text with trafilatura. This module is also the core's default ``claimtrack_load_article``
implementation, registered last so that user loaders can take over.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pluggy

from claimtrack.errors import ArticleError
from claimtrack.model import Article, Metadata

hookimpl = pluggy.HookimplMarker("claimtrack")

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
#: Largest input read, in bytes (files, standard input and URLs alike).
MAX_BYTES = 10 * 1024 * 1024
#: Seconds to wait for a URL, and the number of redirects followed.
URL_TIMEOUT = 20.0
MAX_REDIRECTS = 5
_URL = re.compile(r"^https?://", re.IGNORECASE)

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = rf"(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})"
_BYLINE_DATE = re.compile(
    rf"^(?:By\s+)?(?P<author>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){{0,4}})\s+{_DATE}$"
)
_BYLINE = re.compile(r"^By\s+(?P<author>[A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,6})$")
_PUBLISHED_IN = re.compile(rf"^Published in (?P<publisher>[^,]+),\s*{_DATE}\.?$")


@hookimpl(trylast=True)
def claimtrack_load_article(source: str) -> Article:
    """Load a path, ``-`` (standard input) or an http(s) URL as an article."""
    return load(source)


def load(source: str) -> Article:
    """Read ``source`` and return its unsegmented article; raise ``ArticleError`` if unreadable."""
    if source == "-":
        data = _read_limited(sys.stdin.buffer, "standard input")
        return article_from_bytes(data, "-", html=_looks_like_html(data))
    if _URL.match(source):
        data, content_type = fetch(source)
        return article_from_bytes(data, source, html="html" in content_type, url=source)
    path = Path(source)
    if not path.exists():
        raise ArticleError(f"{source}: no such file")
    if path.is_dir():
        raise ArticleError(f"{source}: is a directory (scan expands directories itself)")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise ArticleError(
            f"{source}: file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
        )
    with path.open("rb") as handle:
        data = handle.read()
    html = path.suffix.lower() in HTML_SUFFIXES or (
        path.suffix.lower() not in TEXT_SUFFIXES and _looks_like_html(data)
    )
    return article_from_bytes(data, source, html=html)


def article_from_bytes(
    data: bytes, source: str, html: bool = False, url: str | None = None
) -> Article:
    """Decode bytes (and extract HTML) into an unsegmented article with metadata."""
    text = decode(data, source)
    if html:
        text, metadata = extract_html(text, source, url)
    else:
        metadata = text_metadata(text)
    if not text.strip():
        raise ArticleError(f"{source}: no text to scan (empty file)")
    return Article(text=text, source=source, metadata=metadata)


def decode(data: bytes, source: str) -> str:
    """Decode UTF-8 (BOM removed) or a confidently detected encoding; reject binary data."""
    if not data.strip():
        raise ArticleError(f"{source}: no text to scan (empty file)")
    if b"\x00" in data[:65536]:
        raise ArticleError(f"{source}: looks like a binary file (NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:MAX_BYTES]).best()
    if best is None or best.encoding in {"utf_8", "utf_8_sig"} or best.chaos > 0.2:
        raise ArticleError(
            f"{source}: not valid UTF-8 and no other text encoding fits; convert it to UTF-8"
        )
    text = str(best)
    return text[1:] if text.startswith("\ufeff") else text


def extract_html(html: str, source: str, url: str | None = None) -> tuple[str, Metadata]:
    """Main text and metadata of an HTML page (trafilatura)."""
    try:
        import trafilatura
    except ImportError as exc:  # a broken install must still give one line, not a traceback
        raise ArticleError(f"{source}: HTML support is not installed ({exc})") from exc
    try:
        text = trafilatura.extract(
            html, url=url, include_comments=False, include_tables=False, favor_precision=True
        )
        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception as exc:  # trafilatura raises many kinds on malformed markup
        raise ArticleError(
            f"{source}: cannot extract text from HTML ({type(exc).__name__})"
        ) from exc
    if not text or not text.strip():
        raise ArticleError(f"{source}: no article text found in the HTML")
    if meta is None:
        return text, Metadata(url=url)
    return text, Metadata(
        title=meta.title or None,
        published=(meta.date or None),
        publisher=meta.sitename or None,
        author=meta.author or None,
        url=url or meta.url or None,
    )


def text_metadata(text: str) -> Metadata:
    """Title, author, publisher and date from a plain article's own header and footer lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return Metadata()
    first = lines[0].lstrip("#").strip()
    title = first if len(first) <= 200 and not first.endswith((".", "?", "!")) else None
    author = published = publisher = None
    for line in lines[1:8]:
        match = _BYLINE_DATE.match(line)
        if match:
            author, published = match["author"].strip(), iso_date(match)
            break
        match = _BYLINE.match(line)
        if match:
            author = match["author"].strip()
            break
    for line in lines[-12:]:
        match = _PUBLISHED_IN.match(line)
        if match:
            publisher = match["publisher"].strip()
            published = published or iso_date(match)
            break
    return Metadata(title=title, published=published, publisher=publisher, author=author)


def iso_date(match: re.Match[str]) -> str | None:
    """YYYY-MM-DD from a match with ``month``, ``day`` and ``year`` groups, if valid."""
    month = MONTHS.get(match["month"].rstrip(".").lower())
    day, year = int(match["day"]), int(match["year"])
    if month is None or not 1 <= day <= 31:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def fetch(url: str) -> tuple[bytes, str]:
    """GET a URL with a timeout, size cap, redirect limit and content-type check."""
    import urllib.error  # here: most scans read files, and urllib takes 20 ms to import
    import urllib.request

    class LimitedRedirects(urllib.request.HTTPRedirectHandler):
        max_redirections = MAX_REDIRECTS

    opener = urllib.request.build_opener(LimitedRedirects)
    request = urllib.request.Request(url, headers={"User-Agent": "claimtrack"})
    deadline = time.monotonic() + URL_TIMEOUT
    try:
        with opener.open(request, timeout=URL_TIMEOUT) as response:
            content_type = response.headers.get("Content-Type", "").lower()
            if not content_type.startswith(("text/html", "text/plain", "application/xhtml")):
                raise ArticleError(
                    f"{url}: content type {content_type or 'unknown'} is not an article"
                )
            return _read_by_deadline(response, url, deadline), content_type
    except ArticleError:
        raise
    except urllib.error.HTTPError as exc:
        raise ArticleError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ArticleError(f"{url}: cannot fetch ({reason})") from exc


def _read_limited(stream: BinaryIO, name: str) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ArticleError(
            f"{name}: more than {MAX_BYTES / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
        )
    return data


def _read_by_deadline(response: Any, url: str, deadline: float) -> bytes:
    """Read at most ``MAX_BYTES`` before ``deadline``: the socket timeout alone only bounds
    each read, so a server trickling bytes could otherwise hold the scan for hours."""
    read = getattr(response, "read1", None) or response.read
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise ArticleError(f"{url}: took longer than {URL_TIMEOUT:g} s to download")
        chunk: bytes = read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_BYTES:
            raise ArticleError(
                f"{url}: more than {MAX_BYTES / 1e6:.0f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB"
            )
        chunks.append(chunk)


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<body" in head


def expand_sources(sources: Iterable[str]) -> Iterator[str]:
    """Sources with directories replaced by their supported files, recursively, in sorted order."""
    for source in sources:
        if source == "-" or _URL.match(source) or not os.path.isdir(source):
            yield source
            continue
        found = False
        for path in sorted(Path(source).rglob("*")):
            if path.suffix.lower() in SUPPORTED_SUFFIXES and path.is_file():
                found = True
                yield str(path)
        if not found:
            raise ArticleError(f"{source}: no supported files (.txt, .md, .html) in this directory")
