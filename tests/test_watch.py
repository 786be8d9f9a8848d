"""``claimtrack watch``: feeds and pages served from 127.0.0.1, rounds, repeats and failures."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.errors import UsageError
from claimtrack.feeds import feed_urls
from claimtrack.watch import parse_every

runner = CliRunner()

CHECKED = """Town statistics published

By Ada Lovelace

Unemployment in Lowtown fell to 4.5 percent in 2023, according to the statistics office.
The council will meet again in March.
"""

REPEATING = """Mayor campaigns on jobs record

By Ben Okri

At a rally on Friday the mayor said: "Unemployment in Lowtown fell to 4.5 percent in 2023."
Supporters cheered as the band played.
"""

UNRELATED = """Harbour gets new cranes

By Ada Lovelace

The port authority said it will spend 40 million dollars on four cranes next year.
"""


@dataclass
class Site:
    """What the local server serves (path → content type and body) and what was asked of it."""

    url: str = ""
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)

    def page(self, path: str, text: str) -> str:
        self.pages[path] = ("text/plain; charset=utf-8", text.encode())
        return self.url + path

    def feed(self, path: str, items: list[tuple[str, str]]) -> str:
        """An RSS feed of (title, link) items."""
        entries = "".join(
            f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid></item>"
            for title, link in items
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Local news</title>'
            f"<link>{self.url}/</link><description>news</description>{entries}</channel></rss>"
        )
        self.pages[path] = ("application/rss+xml", body.encode())
        return self.url + path


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.hits[self.path] += 1
            if self.path not in served.pages:
                self.send_error(404)
                return
            content_type, body = served.pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()


@pytest.fixture
def disputed(desk: str, tmp_path: Path) -> str:
    """The id of a claim the desk has disputed, with a note and evidence."""
    article = tmp_path / "checked.txt"
    article.write_text(CHECKED, encoding="utf-8")
    assert runner.invoke(app, ["scan", "--json", str(article)]).exit_code == 0
    claims = orjson.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    [claim] = [c["id"] for c in claims if "Unemployment" in c["text"]]
    note = "the office says 5.1 percent"
    evidence = "https://example.org/statistics"
    result = runner.invoke(app, ["dispute", claim, "--note", note, "--evidence", evidence])
    assert result.exit_code == 0, result.output
    return str(claim)


def watch(*args: str) -> tuple[int, list[dict[str, Any]], str]:
    """Exit code, JSON lines and stderr of one ``watch --once --json`` round."""
    result = runner.invoke(app, ["watch", "--once", "--json", *args])
    lines = [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_a_repeated_disputed_claim_is_alerted_once(site: Site, disputed: str) -> None:
    first = site.page("/mayor", REPEATING)
    feed = site.feed("/feed.xml", [("Mayor campaigns on jobs record", first)])
    code, alerts, _ = watch(feed)
    assert code == 0
    [alert] = alerts
    assert alert["schema"] == "claimtrack.repeat/1"
    assert alert["item"]["link"] == first
    assert "4.5 percent" in alert["claim"]["text"]
    earlier = alert["earlier"]
    assert earlier["id"] == disputed
    assert earlier["verdict"] == "disputed"
    assert earlier["notes"] == ["the office says 5.1 percent"]
    assert [e["url"] for e in earlier["evidence"]] == ["https://example.org/statistics"]

    # Items are added between rounds: only the new one is fetched, nothing is alerted again.
    second = site.page("/harbour", UNRELATED)
    site.feed("/feed.xml", [("Harbour", second), ("Mayor campaigns on jobs record", first)])
    code, alerts, _ = watch(feed)
    assert (code, alerts) == (0, [])
    assert site.hits["/mayor"] == 1
    assert site.hits["/harbour"] == 1
    assert site.hits["/feed.xml"] == 2


def test_new_items_are_stored_as_scan_stores_them(site: Site, desk: str) -> None:
    link = site.page("/harbour", UNRELATED)
    watch(site.feed("/feed.xml", [("Harbour", link)]))
    [article] = orjson.loads(runner.invoke(app, ["articles", "--json"]).stdout)
    assert article["source"] == link
    claims = orjson.loads(runner.invoke(app, ["claims", "--json"]).stdout)
    assert claims and all(c["checkworthy"] for c in claims)


def test_a_broken_feed_is_reported_and_the_others_go_on(site: Site, disputed: str) -> None:
    good = site.feed("/feed.xml", [("Mayor", site.page("/mayor", REPEATING))])
    missing = site.url + "/gone.xml"
    site.pages["/garbage.xml"] = ("application/xml", b"<html><p>not a feed")
    garbage = site.url + "/garbage.xml"
    code, alerts, stderr = watch(missing, garbage, good)
    assert code == 1
    assert [a["earlier"]["id"] for a in alerts] == [disputed]
    assert f"error: {missing}: HTTP 404" in stderr
    assert f"error: {garbage}: not an RSS or Atom feed" in stderr
    # The broken feeds are tried again next round; the good one's item is not fetched again.
    site.feed("/gone.xml", [])
    code, alerts, stderr = watch(missing, garbage, good)
    assert (code, alerts) == (1, [])
    assert missing not in stderr
    assert site.hits["/gone.xml"] == 2
    assert site.hits["/mayor"] == 1


def test_a_failing_page_is_reported_and_tried_again(site: Site, desk: str) -> None:
    missing = site.url + "/later"
    feed = site.feed("/feed.xml", [("Later", missing)])
    code, _, stderr = watch(feed)
    assert code == 1
    assert f"error: {missing}: HTTP 404" in stderr
    site.page("/later", UNRELATED)
    assert watch(feed)[0] == 0
    assert site.hits["/later"] == 2


def test_the_terminal_alert_names_the_verdict_note_and_evidence(site: Site, disputed: str) -> None:
    feed = site.feed("/feed.xml", [("Mayor campaigns", site.page("/mayor", REPEATING))])
    result = runner.invoke(app, ["watch", "--once", feed])
    assert result.exit_code == 0
    assert f"repeats {disputed[:8]}" in result.stdout
    assert "disputed" in result.stdout
    assert "note: the office says 5.1 percent" in result.stdout
    assert "https://example.org/statistics" in result.stdout


def test_a_feed_may_not_point_at_local_files(site: Site, desk: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(UNRELATED)
    code, _, _ = watch(site.feed("/feed.xml", [("Secret", str(secret))]))
    assert code == 0
    assert orjson.loads(runner.invoke(app, ["articles", "--json"]).stdout) == []


def test_feeds_can_be_listed_in_a_file(tmp_path: Path) -> None:
    listing = tmp_path / "feeds.txt"
    listing.write_text("# local news\nhttp://a.example/rss\n\nhttps://b.example/atom # b\n")
    assert feed_urls([str(listing), "http://a.example/rss"]) == [
        "http://a.example/rss",
        "https://b.example/atom",
    ]
    listing.write_text("ftp://nope\n")
    with pytest.raises(UsageError, match=r"feeds\.txt:1"):
        feed_urls([str(listing)])


@pytest.mark.parametrize(("text", "seconds"), [("15m", 900), ("30s", 30), ("1h", 3600)])
def test_every_takes_durations(text: str, seconds: float) -> None:
    assert parse_every(text) == seconds


def test_a_bad_every_is_a_usage_error(db_path: Path) -> None:
    result = runner.invoke(app, ["watch", "--every", "soon", "http://a.example/rss"])
    assert result.exit_code == 2
    assert "--every 'soon'" in result.stderr
