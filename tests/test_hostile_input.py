"""Hostile articles are scanned or rejected with one clear message, in bounded time and memory."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack import loader, terminal, text
from claimtrack.cli import app
from claimtrack.errors import ArticleError
from claimtrack.text import make_article

runner = CliRunner()

REJECTED = {
    "binary.bin": (b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 50, "binary file"),
    "nul.txt": (b"The port said 40 tonnes.\x00\x00 More text.", "binary file"),
    "empty.txt": (b"   \n\n\t ", "empty file"),
    "scripts.html": (
        b"<html><body><script>alert(1)</script><style>p{}</style></body></html>",
        "no article text",
    ),
}


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_unreadable_input_is_rejected_with_a_message(tmp_path: Path, name: str) -> None:
    data, message = REJECTED[name]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ArticleError, match=message):
        loader.load(str(path))


def test_invalid_utf8_is_decoded_or_rejected(tmp_path: Path) -> None:
    path = tmp_path / "invalid.txt"
    path.write_bytes(bytes([0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0x20]) * 500)
    try:
        article = loader.load(str(path))
    except ArticleError as exc:
        assert "not valid UTF-8" in str(exc)
    else:
        assert article.text.strip()


def test_fifty_megabyte_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: the size check must come before any read
    began = time.monotonic()
    with pytest.raises(ArticleError, match="the limit is 10 MB"):
        loader.load(str(path))
    assert time.monotonic() - began < 1


def segmented_within(source: str, seconds: float) -> None:
    began = time.monotonic()
    article = make_article(source, "hostile")
    assert time.monotonic() - began < seconds
    for sentence in article.sentences:
        assert 0 <= sentence.start < sentence.end <= len(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("The port moved 42 tonnes and " * 170_000, id="5MB-single-line"),
        pytest.param("Item rose 5%.\n\n" * 100_000, id="100k-paragraphs"),
        pytest.param("\u200b\u200d\u202e\u2066" * 250_000 + "Mr. X said 4.", id="zero-width-rtl"),
        pytest.param("Mr. " * 300_000, id="abbreviations"),
        pytest.param("“" * 200_000 + "”" * 200_000, id="quotes"),
        pytest.param("." * 1_000_000 + " A", id="dots"),
        pytest.param("\r" * 500_000 + "\n" * 500_000, id="line-endings"),
    ],
)
def test_segmenter_is_linear_on_hostile_text(source: str) -> None:
    segmented_within(source, 15)


def test_deeply_nested_and_malformed_html_is_bounded(tmp_path: Path) -> None:
    body = "<p>The port handled 4 million tonnes in 2021, officials said on Monday.</p>"
    pages = {
        "nested.html": "<html><body>" + "<div>" * 100_000 + body + "</div>" * 100_000,
        "malformed.html": "<html><body><p <<>>" + "<b><i>" * 20_000 + body + "</p></i></html>",
    }
    for name, html in pages.items():
        path = tmp_path / name
        path.write_text(html)
        began = time.monotonic()
        try:
            article = loader.load(str(path))
        except ArticleError as exc:
            assert name in str(exc)
        else:
            assert "<" not in article.text or "4 million" in article.text
        assert time.monotonic() - began < 20


def all_patterns() -> list[tuple[str, re.Pattern[str]]]:
    found = []
    for module in (loader, text, terminal):
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.append((f"{module.__name__}.{name}", value))
    return found


ADVERSARIAL = [
    "a" * 20_000,
    " " * 20_000,
    "." * 20_000,
    "A. " * 7_000,
    "Mr. " * 5_000,
    "1," * 10_000,
    "By " + "Aa " * 7_000,
    "Published in " + "x," * 10_000,
    "\r" * 20_000,
    "“" * 20_000,
    "Jan 1 " * 4_000,
    "'" * 20_000,
    "A" * 20_000 + "!",
]


@pytest.mark.parametrize(("name", "pattern"), all_patterns(), ids=lambda v: str(v)[:40])
def test_core_regular_expressions_are_linear(name: str, pattern: re.Pattern[str]) -> None:
    for sample in ADVERSARIAL:
        began = time.monotonic()
        for _ in pattern.finditer(sample):
            pass
        pattern.match(sample)
        assert time.monotonic() - began < 0.5, f"{name} is slow on {sample[:20]!r}"


def test_hostile_article_scan_is_bounded_by_the_plugin_time_limit(
    db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "long.txt"
    path.write_text("The port moved 42 tonnes in 2021 and " * 20_000)
    began = time.monotonic()
    result = runner.invoke(
        app, ["scan", "--json", "--no-store", str(path)], env={"CLAIMTRACK_PLUGIN_TIMEOUT": "2"}
    )
    assert result.exit_code in (0, 3), result.stderr
    assert time.monotonic() - began < 60
