"""Reading articles: files, standard input, directories and URLs, in text, Markdown or HTML.

Plain text keeps its line endings exactly (CONTRACT.md offsets); HTML is reduced to its main
text with trafilatura. This module is also the core's default ``claimtrack_load_article``
implementation, registered last so that user loaders can take over.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
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

#: A line that may carry a date holds a year; lines without one are not handed to the parser.
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
#: Longest header or footer line read for a date (a dateline, not a sentence of the article).
_DATELINE_CHARS = 100
#: Most words a date takes ("Tuesday, March 8, 2024, 10:30 am EST").
_DATE_WORDS = 7
_BYLINE = re.compile(r"^By\s+(?P<author>[A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,6})$")
_NAME = re.compile(r"^(?:By\s+)?(?P<author>[A-Z][\w.'’-]*(?:\s+(?:and\s+)?[A-Z][\w.'’-]*){0,6})$")
_LABEL = re.compile(
    r"^(?:first\s+|last\s+)?(?:published|updated|posted|dated?)\b(?:\s+(?:in|by)\s+"
    r"(?P<publisher>.+?))?(?:\s+on)?$",
    re.IGNORECASE,
)


@hookimpl(trylast=True)
def claimtrack_load_article(source: str) -> Article:
    """Load a path, ``-`` (standard input) or an http(s) URL as an article."""
    return load(source)


def load(source: str) -> Article:
    """Read ``source`` and return its unsegmented article; raise ``ArticleError`` if unreadable."""
    if source == "-":
        data = _read_limited(sys.stdin.buffer, "standard input")
        return article_from_bytes(data, "-", html=_looks_like_html(data))
    if is_url(source):
        data, content_type = fetch(source)
        return article_from_bytes(data, source, html="html" in content_type, url=source)
    data = read_file(source)
    html = Path(source).suffix.lower() in HTML_SUFFIXES or _looks_like_html(data)
    return article_from_bytes(data, source, html=html)


def read_file(source: str) -> bytes:
    """The bytes of a regular file; anything else (a FIFO, a device, a socket) is rejected at
    once, without reading: ``/dev/zero`` never ends and a FIFO waits for a writer."""
    try:
        # Non-blocking, so that opening a FIFO returns at once; the open file is then checked.
        fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError as exc:
        raise ArticleError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise ArticleError(f"{source}: is a directory (scan expands directories itself)") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ArticleError(f"{source}: is a directory (scan expands directories itself)")
        if not stat.S_ISREG(info.st_mode):
            raise ArticleError(
                f"{source}: not a regular file (a pipe or device); give standard input as -"
            )
        if info.st_size > MAX_BYTES:
            raise ArticleError(
                f"{source}: file is {info.st_size / 1e6:.1f} MB; "
                f"the limit is {MAX_BYTES / 1e6:.0f} MB"
            )
        return handle.read()


def article_from_bytes(
    data: bytes, source: str, html: bool = False, url: str | None = None
) -> Article:
    """Decode bytes (and extract HTML) into an unsegmented article with metadata.

    An encoding other than UTF-8 is kept in ``metadata.decoded_as``, and the count of invalid
    bytes replaced in mostly valid UTF-8 in ``metadata.invalid_bytes``, for the CLI to name.
    """
    text, encoding = decode(data, source)
    replaced = invalid_bytes(data) if encoding == REPLACED else 0
    if html:
        text, metadata = extract_html(text, source, url)
    else:
        metadata = text_metadata(text)
    if not text.strip():
        raise ArticleError(f"{source}: no text to scan (empty file)")
    if replaced:
        metadata = replace(metadata, invalid_bytes=replaced)
    elif encoding != "utf-8":
        metadata = replace(metadata, decoded_as=encoding)
    return Article(text=text, source=source, metadata=metadata)


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode an article's bytes: the text and the encoding it was read in (``utf-8``,
    :data:`REPLACED` or another).

    UTF-8 (a BOM removed) is read as is; so is text that starts with a UTF-8 byte-order mark or
    is mostly UTF-8, its invalid bytes replaced with U+FFFD; UTF-16 or UTF-32 with a byte-order
    mark, or UTF-16 without one whose NUL bytes give it away; otherwise a legacy encoding
    (:func:`decode_legacy`).
    Binary data, and bytes no encoding fits, are rejected with ``ArticleError``.
    """
    if not data.strip():
        raise ArticleError(f"{source}: no text to scan (empty file)")
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ArticleError(
                    f"{source}: starts with a {name} byte-order mark but is not {name} text"
                ) from exc
            if "\x00" in text:
                raise ArticleError(f"{source}: {name} data with NUL characters, not an article")
            return text, f"{name} (byte-order mark)"
    if b"\x00" in data[:65536]:
        wide = _bomless_utf16(data)
        if wide is None:
            raise ArticleError(f"{source}: looks like a binary file (NUL bytes), not an article")
        return data.decode(wide), f"{wide.upper()} (no byte-order mark)"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if data.startswith(codecs.BOM_UTF8) or _mostly_utf8(data):
        return data.decode("utf-8-sig", errors="replace"), REPLACED
    found = decode_legacy(data)
    if found is None:
        raise ArticleError(
            f"{source}: not valid UTF-8 and no other text encoding fits; convert it to UTF-8"
        )
    return found


#: What :func:`decode` calls UTF-8 read with its invalid bytes replaced.
REPLACED = "utf-8 (invalid bytes replaced)"
#: Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
#: How much better another charset must fit than cp1252 to be chosen over it, in
#: charset_normalizer's measures (coherence, the fit to a language's letter frequencies, minus
#: chaos, the share of implausible characters). Legacy-encoded news in Western languages is
#: overwhelmingly cp1252 (or latin-1, its subset), and on such text several Latin code pages fit
#: almost equally well, so the detector's own first choice (cp1250, cp1257, even Shift-JIS) is
#: often wrong. Chosen on text in 37 languages (sentences of justext's stop words) and PolNeAR
#: articles, each encoded in its usual Windows code page: every cp1252 text was read right (the
#: detector alone: 74 of 100), and every Cyrillic, Greek, Polish and Slovak one; Hungarian,
#: Romanian, Croatian, Turkish and Baltic text was mostly read as cp1252 (the warning says so).
CP1252_MARGIN = 0.1


def decode_legacy(data: bytes) -> tuple[str, str] | None:
    """Decode non-UTF-8 bytes as cp1252 unless another charset clearly fits better.

    Returns (text, encoding name), or None when no encoding fits (charset_normalizer finds every
    candidate's text too chaotic).
    """
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding in {"utf_8", "utf_8_sig"}:
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # bytes cp1252 leaves undefined: not cp1252 text
        western = None
    else:
        western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and _fit(best) - _fit(western) <= CP1252_MARGIN:
        return text, "cp1252"
    decoded = str(best)
    return decoded.removeprefix("\ufeff"), best.encoding


def _fit(match: Any) -> float:
    fit: float = match.coherence - match.chaos
    return fit


def _mostly_utf8(data: bytes) -> bool:
    """Whether bytes that are not valid UTF-8 are still mostly UTF-8: more of their non-ASCII
    characters are well-formed UTF-8 sequences than stray bytes. Legacy text (cp1252, latin-1)
    almost never forms a valid sequence, so a few damaged bytes in UTF-8 text do not turn every
    accented letter into mojibake."""
    stray = invalid_bytes(data)
    non_ascii = len(_NON_ASCII.findall(data.decode("utf-8", errors="surrogateescape")))
    return non_ascii - stray > stray


def invalid_bytes(data: bytes) -> int:
    """How many bytes of ``data`` are not part of a well-formed UTF-8 sequence."""
    # surrogateescape turns each such byte into one lone surrogate, U+DC80 to U+DCFF.
    return len(_ESCAPED.findall(data.decode("utf-8", errors="surrogateescape")))


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ESCAPED = re.compile(r"[\udc80-\udcff]")


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le`` or ``-be`` if ``data`` is clearly UTF-16 text without a byte-order mark.

    Clearly: an even length; NUL bytes in the high byte of at least one pair in eight (nearly
    every pair in Latin-script text, every space and digit in Cyrillic or Greek) and never in the
    low byte; and a strict decode whose first 32,768 characters hold no control characters but
    whitespace and no unassigned code points.
    """
    head = data[:65536]
    if len(data) % 2 or len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    pairs = len(head) // 2
    if even and odd:
        return None
    codec = "utf-16-le" if odd else "utf-16-be"
    if max(even, odd) * 8 < pairs:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    sample = text[:32768]
    if any(unicodedata.category(c) in ("Cc", "Cn") and c not in "\t\n\r\f\v" for c in sample):
        return None
    return codec


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
    """Title, author, publisher and date from a plain article's own header and footer lines.

    The title is the first line; a byline ("By Jane Doe"), a dateline ("March 8, 2024",
    "8 March 2024", "Published: 2024-03-08", "By Jane Doe March 8, 2024", "LONDON, 8 March 2024 —")
    among the next lines, and a footer ("Published in The Gazette, March 8, 2024.") give the rest.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return Metadata()
    first = lines[0].lstrip("#").strip()
    title = first if len(first) <= 200 and not first.endswith((".", "?", "!")) else None
    author = published = publisher = None
    for line in (*lines[1:8], *lines[-12:]):
        dated = dateline(line)
        if dated is None:
            byline = _BYLINE.match(line)
            author = author or (byline["author"].strip() if byline else None)
            continue
        before, day = dated
        label, name = _LABEL.match(before), _NAME.match(before)
        if before and not label and not name:  # a sentence that ends in a date
            continue
        published = published or day
        if label:
            publisher = publisher or label["publisher"]
        elif name and not before.isupper():  # "LONDON, March 8, 2024" names a place
            author = author or name["author"].strip()
    return Metadata(title=title, published=published, publisher=publisher, author=author)


def dateline(line: str) -> tuple[str, str] | None:
    """(what comes before, YYYY-MM-DD) for a short line that ends in a full date, else None.

    The date is the longest run of closing words that ``dateutil`` reads as a day, month and
    year; a dash after it ("LONDON, March 8, 2024 — The council ...") ends the dateline.
    """
    head = re.split(r"\s[—–-]\s", line, maxsplit=1)[0].strip().rstrip(".")
    if len(head) > _DATELINE_CHARS or not _YEAR.search(head):
        return None
    words = head.split()
    for start in range(max(0, len(words) - _DATE_WORDS), len(words)):
        day = full_date(" ".join(words[start:]))
        if day is not None:
            return " ".join(words[:start]).rstrip(" ,:;|·"), day
    return None


def full_date(text: str) -> str | None:
    """YYYY-MM-DD if ``text`` is a date naming its day, month and year, else None."""
    from datetime import datetime

    from dateutil import parser

    try:
        # Parsed twice with different defaults: a part the text leaves out shows as a change.
        one = parser.parse(text, default=datetime(2000, 1, 1))
        two = parser.parse(text, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError):
        return None
    if one.date() != two.date():
        return None
    return one.date().isoformat()


#: Content types read as articles from a URL.
ARTICLE_TYPES = ("text/html", "text/plain", "application/xhtml")


def fetch(
    url: str, accept: tuple[str, ...] = ARTICLE_TYPES, kind: str = "an article"
) -> tuple[bytes, str]:
    """GET a URL with a timeout, size cap, redirect limit and content-type check.

    ``accept`` are the content types taken (prefixes), ``kind`` names them in the error.
    """
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
            if not content_type.startswith(accept):
                raise ArticleError(f"{url}: content type {content_type or 'unknown'} is not {kind}")
            return _read_by_deadline(response, url, deadline), content_type
    except ArticleError:
        raise
    except urllib.error.HTTPError as exc:
        if str(exc.msg).startswith(LimitedRedirects.inf_msg):  # a redirect past the limit
            raise ArticleError(f"{url}: more than {MAX_REDIRECTS} redirects") from exc
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
    """Whether ``data`` is an HTML page, whatever its file name says: it opens with a doctype,
    an ``<html>`` tag, or markup that holds a ``<head>`` or ``<body>`` early on."""
    head = data[:2048].removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return True
    return head.startswith(b"<") and (b"<body" in head or b"<head" in head or b"<html" in head)


def is_url(source: str) -> bool:
    """Whether ``source`` is an http(s) URL (which the loader fetches)."""
    return _URL.match(source) is not None


def expand_sources(sources: Iterable[str]) -> Iterator[str]:
    """Sources with directories replaced by their supported files, recursively, in sorted order."""
    for source in sources:
        if source == "-" or is_url(source) or not os.path.isdir(source):
            yield source
            continue
        found = False
        for path in sorted(Path(source).rglob("*")):
            if path.suffix.lower() in SUPPORTED_SUFFIXES and path.is_file():
                found = True
                yield str(path)
        if not found:
            raise ArticleError(f"{source}: no supported files (.txt, .md, .html) in this directory")
