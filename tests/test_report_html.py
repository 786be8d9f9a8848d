"""``claimtrack report --html FILE``: one self-contained page, escaped, opened in a real browser
(Debian's headless ``chromium``): highlights present, no script from article text run."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "express-tribune-2015-01-17-pakistan-russia.txt"
#: The screenshot the README shows; rewritten when this is set.
SCREENSHOT = ROOT / "docs" / "report-example.png"
UPDATE = os.environ.get("CLAIMTRACK_UPDATE_SCREENSHOT") == "1"
HOSTILE = (
    "Harbour <b>news</b>\n\n"
    "The port moved 40 million tonnes in 2021, the mayor said. "
    "<script>document.documentElement.setAttribute('data-pwned', 'script')</script>\n\n"
    'The council spent 3 million euros on roads <img src=x onerror="document.documentElement.'
    "setAttribute('data-pwned', 'img')\"> in 2022, the report said.\n"
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: On CI the browser is installed by .ci/run: its absence is a failure there, a skip elsewhere.
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true", reason="chromium is not installed"
)


def run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    """Headless chromium with a fresh profile, no network services, no sandbox (root on CI)."""
    assert CHROMIUM, "chromium is not installed (.ci/run installs Debian's chromium)"
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [
                CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", f"--user-data-dir={profile}", *args,
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=True,
        )  # fmt: skip


@pytest.fixture
def example_report(desk: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example article scanned, two verdicts, a note and evidence; its HTML report."""
    monkeypatch.chdir(ROOT)  # the page names the source as the README's tour gives it
    run("scan", str(EXAMPLE.relative_to(ROOT)))
    run("verify", "1c17", "--note", "Shoigu visited Islamabad in Nov 2014",
        "--evidence", "https://example.org/tass")  # fmt: skip
    run("dispute", "6cbd", "--note", "the mill was built 1973-1985")
    page = tmp_path / "report.html"
    assert "wrote" in run("report", "--html", str(page))
    return page


@pytest.fixture
def hostile_report(desk: str, tmp_path: Path) -> Path:
    article = tmp_path / "hostile.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    run("scan", "--all", str(article))
    claim = json.loads(run("claims", "--json"))[0]["id"]
    run("verify", claim, "--note", "<script>alert('note')</script> & more")
    page = tmp_path / "hostile.html"
    run("report", "--html", str(page))
    return page


def test_the_page_is_self_contained(example_report: Path) -> None:
    page = example_report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<link\b|\bsrc=|@import|url\(", page)  # nothing fetched
    assert page.count("<script") == 1  # the JSON-LD, which is data
    assert 'class="claim status-verified"' in page and 'class="claim status-disputed"' in page
    assert "Tasnim Aslam" in page and "Shoigu visited Islamabad in Nov 2014" in page
    assert '<a href="https://example.org/tass">' in page


def test_claimreview_json_ld_of_the_verdicts_is_embedded(example_report: Path) -> None:
    page = example_report.read_text(encoding="utf-8")
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert data
    reviews = json.loads(data.group(1))
    assert sorted(r["reviewRating"]["alternateName"] for r in reviews) == ["Disputed", "True"]
    assert all(r["@type"] == "ClaimReview" for r in reviews)


def test_contradictions_name_both_claims(example_report: Path) -> None:
    page = example_report.read_text(encoding="utf-8")
    block = re.search(r'<div class="contradiction".*?</div>', page, re.S)
    assert block
    named = r'<a href="#claim-[0-9a-f]+"><code>[0-9a-f]{8}</code></a> “'
    assert len(re.findall(named, block[0])) == 2


def test_article_text_and_notes_stay_text(hostile_report: Path) -> None:
    page = hostile_report.read_text(encoding="utf-8")
    assert "&lt;script&gt;document.documentElement" in page
    assert "<script>document" not in page and "<img" not in page and "<b>news" not in page
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt; &amp; more" in page


@needs_chromium
def test_chromium_shows_highlights_and_runs_no_article_script(hostile_report: Path) -> None:
    dom = chromium("--dump-dom", hostile_report.as_uri()).stdout
    assert "data-pwned" not in dom.split("<body", 1)[0]  # <html> untouched: nothing ran
    assert re.search(r"<mark class=\"claim status-verified\"[^>]*>", dom)
    assert "&lt;script&gt;document.documentElement" in dom  # shown as text


@needs_chromium
def test_chromium_renders_the_example_report(example_report: Path, tmp_path: Path) -> None:
    dom = chromium("--dump-dom", example_report.as_uri()).stdout
    marks = re.findall(r'<mark class="claim status-([a-z-]+)"', dom)
    assert len(marks) >= 8 and {"verified", "disputed", "unverified"} <= set(marks)
    shot = SCREENSHOT if UPDATE else tmp_path / "report.png"
    chromium("--window-size=1200,1500", "--hide-scrollbars", f"--screenshot={shot}",
             example_report.as_uri())  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_readme_shows_the_screenshot() -> None:
    assert SCREENSHOT.is_file()
    assert "docs/report-example.png" in (ROOT / "README.md").read_text(encoding="utf-8")
