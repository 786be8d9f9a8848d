"""Hostile articles are scanned or rejected with one clear message, in bounded time and memory."""

from __future__ import annotations

import codecs
import json
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


WESTERN = (
    "Le café de Genève coûte 3 € ; the naïve plan cost £40 million, “a bargain”, she said — "
    "über 12 % mehr als 2019. Señor Muñoz’s façade, déjà vu.\n"
)


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_western_legacy_text_is_read_as_cp1252_and_said_so(
    codec: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        WESTERN
        if codec == "cp1252"
        else WESTERN.translate({0x20AC: "EUR", 0x201C: '"', 0x201D: '"', 0x2014: "-", 0x2019: "'"})
    )
    assert loader.decode(text.encode(codec), "old.txt") == text
    assert "old.txt: not UTF-8, decoded as cp1252" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("codec", "text"),
    [
        ("cp1251", "Министр сказал, что бюджет вырос на 40 процентов в 2019 году.\n"),
        ("cp1253", "Ο υπουργός είπε ότι ο προϋπολογισμός αυξήθηκε κατά 40 τοις εκατό.\n"),
        ("cp1250", "Minister powiedział, że budżet wzrósł o 40 procent; Łódź się cieszy.\n"),
    ],
)
def test_text_that_clearly_is_not_cp1252_keeps_its_detected_encoding(
    codec: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert loader.decode(text.encode(codec), "old.txt") == text
    assert "decoded as cp1252" not in capsys.readouterr().err


UTF16_TEXT = "The port’s naïve plan: 40 million tonnes.\r\nДва абзаца.\n"


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (UTF16_TEXT.encode("utf-16"), "UTF-16 (byte-order mark)"),
        (codecs.BOM_UTF16_BE + UTF16_TEXT.encode("utf-16-be"), "UTF-16 (byte-order mark)"),
        (UTF16_TEXT.encode("utf-16-le"), "UTF-16-LE (no byte-order mark)"),
        (UTF16_TEXT.encode("utf-16-be"), "UTF-16-BE (no byte-order mark)"),
        (UTF16_TEXT.encode("utf-32"), "UTF-32 (byte-order mark)"),
    ],
)
def test_utf16_and_utf32_are_decoded_not_called_binary(
    data: bytes, named: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(data)
    article = loader.load(str(path))
    assert article.text == UTF16_TEXT
    assert f"decoded as {named}" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            codecs.BOM_UTF16_LE + b"\x00\xd8ab",
            "byte-order mark but is not UTF-16",
        ),  # lone surrogate
        (codecs.BOM_UTF32_LE + b"garbage\x80\x81", "byte-order mark but is not UTF-32"),
        (b"\x00\x01\x02abc", "binary file"),  # NULs in one column, but control characters
        (bytes(range(128, 256)) * 50, "no other text encoding fits"),
    ],
)
def test_bytes_no_encoding_fits_are_rejected_with_a_message(data: bytes, message: str) -> None:
    with pytest.raises(ArticleError, match=message):
        loader.decode(data, "odd.txt")


def test_legacy_encoded_file_scans_with_offsets_into_the_decoded_text(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes(
        ("Budget\n\n" + WESTERN + "The port handled 40 million tonnes in 2019.\n").encode("cp1252")
    )
    result = runner.invoke(app, ["scan", "--json", "--no-store", "--all", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "decoded as cp1252" in result.stderr
    text = path.read_bytes().decode("cp1252")
    claims = json.loads(result.stdout)["claims"]
    assert claims and all(text[c["start"] : c["end"]] == c["text"] for c in claims)
