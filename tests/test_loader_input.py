"""What the loader accepts: regular files and ``-`` only, damaged UTF-8, HTML by its content,
dates from a plain article's byline or dateline, and metadata given to ``scan``."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack import loader
from claimtrack.cli import app

runner = CliRunner()

BODY = "The port handled 1.2 million containers in 2020, up 8% from 2019, the director said.\n"


def scan_child(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``claimtrack scan --no-store --json ARGS`` in a child process that must end within 20 s."""
    return subprocess.run(
        [sys.executable, "-m", "claimtrack", "scan", "--no-store", "--json", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=20,
    )


def test_fifo_is_rejected_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = scan_child(str(fifo))
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {fifo}: not a regular file (a pipe or device); give standard input as -\n"
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_endless_devices_are_rejected_at_once(device: str) -> None:
    result = scan_child(device)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {device}: not a regular file")


def test_standard_input_is_read_only_as_dash() -> None:
    assert scan_child("/dev/stdin", stdin=BODY).returncode == 1
    result = scan_child("-", stdin=BODY)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["claims"]


ACCENTED = "Le café de Zoë a reçu 40 000 visiteurs en 2023, selon la mairie.\n"


def test_utf8_with_a_bom_and_two_invalid_bytes_is_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + ACCENTED.encode() + b"Bad \xff\xfe bytes.\n")
    article = loader.load(str(path))
    assert article.text == ACCENTED + "Bad \ufffd\ufffd bytes.\n"
    assert article.metadata.invalid_bytes == 2 and article.metadata.decoded_as is None
    result = scan_child(str(path))
    assert result.returncode == 0
    assert result.stderr == f"warning: {path}: 2 invalid UTF-8 bytes replaced with U+FFFD\n"


def test_mostly_valid_utf8_is_utf8_with_the_invalid_byte_replaced(tmp_path: Path) -> None:
    path = tmp_path / "damaged.txt"
    path.write_bytes(ACCENTED.encode() + b"One stray \xe9 byte.\n")
    article = loader.load(str(path))
    assert article.text.startswith(ACCENTED)
    assert article.metadata.invalid_bytes == 1


def test_legacy_text_is_still_read_as_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(ACCENTED.encode("cp1252"))
    article = loader.load(str(path))
    assert article.text == ACCENTED
    assert article.metadata.decoded_as == "cp1252" and article.metadata.invalid_bytes == 0


PAGE = """<!DOCTYPE html>
<html><head><title>Harbour doubles capacity</title></head>
<body><article><h1>Harbour doubles capacity</h1>
<p>The port of Easthaven handled 1.2 million containers in 2020, up 8% from the year before,
port authority director Maria Lindqvist said on Tuesday.</p>
<p>The new quay cost 340 million euros and was built by Nordbygg, the authority said.</p>
</article></body></html>
"""


@pytest.mark.parametrize("name", ["page.txt", "page.md", "page"])
def test_html_is_detected_by_its_content_whatever_its_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(PAGE, encoding="utf-8")
    article = loader.load(str(path))
    assert article.metadata.title == "Harbour doubles capacity"
    assert "<" not in article.text and "1.2 million containers" in article.text


def test_plain_text_mentioning_a_tag_stays_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Web pages\n\nEvery page has a <body> element, the W3C says.\n")
    assert "<body>" in loader.load(str(path)).text


@pytest.mark.parametrize(
    "dateline",
    [
        "March 8, 2024",
        "8 March 2024",
        "Published: 2024-03-08",
        "Updated Fri 8 Mar 2024 10:30 GMT",
        "By Jane Doe, March 8, 2024",
        "LONDON, March 8, 2024 — The council said on Friday that rents rose.",
    ],
)
def test_plain_text_dates_come_from_the_byline_or_dateline(dateline: str) -> None:
    text = f"Rents rise again\n\n{dateline}\n\n{BODY}"
    assert loader.text_metadata(text).published == "2024-03-08"


def test_byline_names_the_author_and_the_footer_the_publisher() -> None:
    text = f"Rents rise\nBy Jane Doe\n8 March 2024\n{BODY}\nPublished in The Gazette, 9 March 2024."
    meta = loader.text_metadata(text)
    assert (meta.author, meta.published) == ("Jane Doe", "2024-03-08")
    assert meta.publisher == "The Gazette"


@pytest.mark.parametrize(
    "line",
    ["The deal was signed on March 8, 2024.", "Prices rose 4% in 2019.", "Since 2019"],
)
def test_sentences_and_bare_years_give_no_date(line: str) -> None:
    assert loader.text_metadata(f"Rents rise\n\n{line}\n\n{BODY}").published is None


def test_scan_takes_title_url_publisher_and_date(tmp_path: Path, db_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(f"Rents rise\n\n{BODY}")
    given = [
        "--title", "Rents rise again", "--url", "https://example.org/rents",
        "--publisher", "The Gazette", "--date", "8 March 2024",
    ]  # fmt: skip
    result = runner.invoke(app, ["scan", "--json", *given, str(path)])
    assert result.exit_code == 0, result.stderr
    article = json.loads(result.stdout)["article"]
    assert (article["title"], article["publisher"], article["published"]) == (
        "Rents rise again",
        "The Gazette",
        "2024-03-08",
    )
    stored = runner.invoke(app, ["articles", article["id"][:8], "--json"])
    assert json.loads(stored.stdout)["url"] == "https://example.org/rents"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--date", "someday"], "--date 'someday' is not a date with a day, month and year"),
        (["--url", "example.org"], "--url 'example.org' is not an http(s) URL"),
        (["--title", "One", "-", "-"], "--title and --url describe one article: give one source"),
    ],
)
def test_scan_rejects_bad_metadata_in_one_line(options: list[str], message: str) -> None:
    result = runner.invoke(app, ["scan", "--no-store", *options, "-"], input=BODY)
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
