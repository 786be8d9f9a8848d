"""Fetching a URL is bounded: timeout, size cap, content type and redirects (127.0.0.1 only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from claimtrack import loader
from claimtrack.errors import ArticleError

PAGE = (
    b"<html><head><title>Port news</title></head><body><article><h1>Port news</h1>"
    b"<p>The harbour handled 4.2 million containers last year, the authority said in a "
    b"statement on Tuesday. Cargo volumes rose by 12 per cent compared with the year before.</p>"
    b"</article></body></html>"
)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        path = self.path
        if path == "/article":
            self.reply(200, "text/html; charset=utf-8", PAGE)
        elif path == "/plain":
            self.reply(200, "text/plain", b"The council spent $3 million on roads in 2023.")
        elif path == "/image":
            self.reply(200, "image/png", b"\x89PNG\r\n\x1a\n")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"word " * (loader.MAX_BYTES // 5 + 1000))
        elif path == "/slow":
            time.sleep(3)
            self.reply(200, "text/plain", b"late")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"a ")
                self.wfile.flush()
                time.sleep(0.1)
        elif path.startswith("/chain/"):  # /chain/N: N redirects, then the article
            left = int(path.rsplit("/", 1)[-1])
            if left == 0:
                self.reply(200, "text/html; charset=utf-8", PAGE)
                return
            self.send_response(302)
            self.send_header("Location", f"/chain/{left - 1}")
            self.end_headers()
        elif path.startswith("/loop"):
            step = int(path.rsplit("/", 1)[-1]) if path.count("/") > 1 else 0
            self.send_response(302)
            self.send_header("Location", f"/loop/{step + 1}")
            self.end_headers()
        elif path == "/missing":
            self.reply(404, "text/plain", b"no")
        else:
            self.reply(500, "text/plain", b"?")

    def reply(self, code: int, content_type: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client hanging up early is what several tests do on purpose


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_html_page_is_loaded(server: str) -> None:
    article = loader.load(f"{server}/article")
    assert "4.2 million containers" in article.text
    assert article.metadata.url == f"{server}/article"


def test_plain_text_page_is_loaded(server: str) -> None:
    assert loader.load(f"{server}/plain").text.startswith("The council")


def test_wrong_content_type_is_refused(server: str) -> None:
    with pytest.raises(ArticleError, match="content type image/png is not an article"):
        loader.load(f"{server}/image")


def test_body_over_the_size_cap_is_refused(server: str) -> None:
    with pytest.raises(ArticleError, match="the limit is 10 MB"):
        loader.load(f"{server}/huge")


def test_slow_server_times_out(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "URL_TIMEOUT", 0.5)
    began = time.monotonic()
    with pytest.raises(ArticleError, match="cannot fetch"):
        loader.load(f"{server}/slow")
    assert time.monotonic() - began < 2.5


def test_trickling_server_hits_the_total_deadline(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "URL_TIMEOUT", 1.0)
    began = time.monotonic()
    with pytest.raises(ArticleError, match="took longer than 1 s"):
        loader.load(f"{server}/trickle")
    assert time.monotonic() - began < 3


def test_redirect_loop_stops_at_the_limit(server: str) -> None:
    with pytest.raises(ArticleError, match="redirect"):
        loader.load(f"{server}/loop")


def test_exactly_the_redirect_limit_is_followed(server: str) -> None:
    limit = loader.MAX_REDIRECTS
    assert "4.2 million containers" in loader.load(f"{server}/chain/{limit}").text
    with pytest.raises(ArticleError) as raised:
        loader.load(f"{server}/chain/{limit + 1}")
    assert str(raised.value) == f"{server}/chain/{limit + 1}: more than {limit} redirects"


def test_http_error_is_one_clear_message(server: str) -> None:
    with pytest.raises(ArticleError, match="HTTP 404"):
        loader.load(f"{server}/missing")


def test_refused_connection_is_one_clear_message() -> None:
    with pytest.raises(ArticleError, match="cannot fetch"):
        loader.load("http://127.0.0.1:9/nothing-listens-here")
