"""The optional LLM extractor, against a local HTTP server on 127.0.0.1 that plays the model."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from claimtrack.testing import run_plugins

PLUGIN = "claimtrack_plugins.llm_extractor"
TEXT = "The minister spoke.  Exports rose 12% in 2014 and imports fell,\nshe said."

Answer = Callable[[dict[str, Any]], str]


class FakeModel:
    """What the fake server answers and what it was asked."""

    def __init__(self) -> None:
        self.answer: Answer = lambda request: json.dumps({"claims": []})
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []
        self.raw: str | None = None


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeModel]:
    fake = FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            request = json.loads(self.rfile.read(length))
            fake.requests.append(request | {"path": self.path})
            time.sleep(fake.delay)
            content = fake.answer(request)
            body = (
                fake.raw
                if fake.raw is not None
                else json.dumps(
                    {"choices": [{"message": {"role": "assistant", "content": content}}]}
                )
            )
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):  # the client gave up (timeout test)
                self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("CLAIMTRACK_LLM_URL", f"http://127.0.0.1:{server.server_port}/v1")
    monkeypatch.setenv("CLAIMTRACK_LLM_MODEL", "tiny")
    monkeypatch.setenv("CLAIMTRACK_LLM_TIMEOUT", "5")
    yield fake
    server.shutdown()
    server.server_close()


def _claims(*items: dict[str, Any]) -> Answer:
    return lambda request: json.dumps({"claims": list(items)})


def test_off_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMTRACK_LLM_URL", raising=False)
    monkeypatch.delenv("CLAIMTRACK_LLM_MODEL", raising=False)
    result = run_plugins(TEXT, PLUGIN)
    assert result.claims == () and result.errors == ()


def test_atomic_claims_get_exact_spans(model: FakeModel) -> None:
    model.answer = _claims(
        {
            "sentence": 2,
            "quote": "Exports rose 12% in 2014",
            "claim": "Exports rose 12% in 2014.",
            "type": "quantity",
        },
        {
            "sentence": 2,
            "quote": "imports fell, she",
            "claim": "Imports fell in 2014.",
            "type": "event",
        },
    )
    result = run_plugins(TEXT, PLUGIN)
    assert not result.errors
    texts = [c.text for c in result.claims]
    assert texts == ["Exports rose 12% in 2014", "imports fell,\nshe"]
    assert all(TEXT[c.start : c.end] == c.text for c in result.claims)
    assert result.claims[1].claim == "Imports fell in 2014."
    assert result.claims[0].type == "quantity"
    assert result.claims[0].extractor == "llm_extractor"


def test_request_is_an_openai_chat_completion(model: FakeModel) -> None:
    run_plugins(TEXT, PLUGIN)
    request = model.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["model"] == "tiny"
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    sent = request["messages"][1]["content"]
    assert "2. Exports rose 12% in 2014 and imports fell, she said." in sent


def test_fenced_json_is_accepted(model: FakeModel) -> None:
    answer = {"claims": [{"sentence": 1, "quote": "The minister spoke", "type": "event"}]}
    model.answer = lambda request: "```json\n" + json.dumps(answer) + "\n```"
    result = run_plugins(TEXT, PLUGIN)
    assert [c.text for c in result.claims] == ["The minister spoke"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("Sure! Here are the claims.", "not JSON"),
        (json.dumps({"facts": []}), 'no "claims" list'),
        (json.dumps({"claims": [{"sentence": 9, "quote": "Exports"}]}), "names no sentence"),
        (json.dumps({"claims": [{"sentence": 2, "quote": "Exports fell 50%"}]}), "quote not in"),
        (
            json.dumps({"claims": [{"sentence": 2, "quote": "Exports", "type": "gossip"}]}),
            "unknown claim type",
        ),
    ],
)
def test_bad_answers_are_reported_and_builtins_kept(
    model: FakeModel, answer: str, message: str
) -> None:
    model.answer = lambda request: answer
    result = run_plugins(TEXT, PLUGIN, "claimtrack_plugins.sentences")
    assert [e.plugin for e in result.errors] == ["llm_extractor"]
    assert message in result.errors[0].message
    assert {c.extractor for c in result.claims} == {"sentences"}


def test_a_response_that_is_not_a_chat_completion_is_reported(model: FakeModel) -> None:
    model.raw = json.dumps({"error": "model not found"})
    result = run_plugins(TEXT, PLUGIN)
    assert "not an OpenAI-style chat completion" in result.errors[0].message


def test_timeouts_are_reported(model: FakeModel, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_LLM_TIMEOUT", "0.2")
    model.delay = 1.0
    result = run_plugins(TEXT, PLUGIN, "claimtrack_plugins.sentences")
    assert [e.plugin for e in result.errors] == ["llm_extractor"]
    assert "within 0.2 s" in result.errors[0].message
    builtin = run_plugins(TEXT, "claimtrack_plugins.sentences").claims
    assert result.claims == builtin and len(builtin) == 2
    assert {c.extractor for c in result.claims} == {"sentences"}


def test_bundled_enrichers_keep_the_models_claim_text_and_type(model: FakeModel) -> None:
    model.answer = _claims(
        {
            "sentence": 2,
            "quote": "Exports rose 12% in 2014 and imports fell",
            "claim": "Exports rose 12% in 2014 and imports fell in 2014.",
            "type": "event",
        },
    )
    result = run_plugins(TEXT, bundled=True)
    assert not result.errors
    (claim,) = [c for c in result.claims if c.extractor == "llm_extractor"]
    assert claim.text == "Exports rose 12% in 2014 and imports fell"
    assert claim.claim == "Exports rose 12% in 2014 and imports fell in 2014."  # not rewritten
    assert claim.type == "event"  # the typer would have said quantity
    assert "split_from" not in claim.details  # a restated claim is not split
    assert claim.details["extractor_score"] == 0.6  # the scorer rescored it; the model's is kept


def test_an_unreachable_server_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CLAIMTRACK_LLM_MODEL", "tiny")
    result = run_plugins(TEXT, PLUGIN)
    assert "cannot reach" in result.errors[0].message
