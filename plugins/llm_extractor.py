"""Atomic claims from a local language model behind an OpenAI-compatible chat API (optional).

Off unless ``CLAIMTRACK_LLM_URL`` and ``CLAIMTRACK_LLM_MODEL`` are set (Ollama, llama.cpp's
server and vLLM all speak this API). The model splits sentences into atomic, stand-alone claims
and quotes the words of each; offsets come from finding those quotes in the sentence, never from
the model. Any answer that is not exactly what was asked for raises, so the core reports the
failure against this plugin and keeps the built-in extractors' claims.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

from claimtrack import CLAIM_TYPES, Article, Claim, Sentence, hookimpl

URL_ENV = "CLAIMTRACK_LLM_URL"
MODEL_ENV = "CLAIMTRACK_LLM_MODEL"
TIMEOUT_ENV = "CLAIMTRACK_LLM_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
#: Sentences sent in one request: enough context, short enough for small local models.
BATCH = 30
#: Score of a claim the model found: it judged it checkable, but it is not calibrated.
SCORE = 0.6

PROMPT = """You extract checkable factual claims from news text.
The user sends numbered sentences. Split each checkable sentence into atomic claims: one fact per
claim. For each claim return an object with:
  "sentence": the sentence number,
  "quote": the shortest exact substring of that sentence stating the claim, copied character for
           character,
  "claim": the claim rewritten to stand alone (pronouns replaced by who or what they refer to),
  "type": one of {types}.
Skip opinions, questions and sentences with nothing to check.
Answer with JSON only: {{"claims": [...]}}"""


class LLMError(Exception):
    """The model server could not be reached or answered something unusable."""


@hookimpl
def claimtrack_extract_claims(article: Article) -> list[Claim] | None:
    """Claims the configured model finds, or None when no model is configured."""
    url, model = os.environ.get(URL_ENV, "").strip(), os.environ.get(MODEL_ENV, "").strip()
    if not url or not model:
        return None
    timeout = _timeout()
    sentences = [s for s in article.sentences if not article.is_furniture(s)]
    claims: list[Claim] = []
    for first in range(0, len(sentences), BATCH):
        batch = sentences[first : first + BATCH]
        answer = chat(url, model, _numbered(article, batch), timeout)
        claims += parse_claims(article, batch, answer, model)
    return claims


def chat(url: str, model: str, user: str, timeout: float) -> str:
    """Send one chat completion request and return the answer's text."""
    import urllib.error  # only when the plugin is on: ~8 ms of every scan's start-up otherwise
    import urllib.request

    body = {
        "model": model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": PROMPT.format(types=", ".join(CLAIM_TYPES))},
            {"role": "user", "content": user},
        ],
    }
    request = urllib.request.Request(
        url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    # A local server: never route the request through a proxy from the environment.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except TimeoutError as exc:
        raise LLMError(f"no answer from {url} within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        raise LLMError(f"cannot reach {url}: {exc.reason}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise LLMError(f"{url} did not answer with JSON") from exc
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as exc:
        raise LLMError("answer is not an OpenAI-style chat completion") from exc
    if not isinstance(content, str):
        raise LLMError("answer has no text content")
    return content


def parse_claims(
    article: Article, sentences: Sequence[Sentence], answer: str, model: str
) -> list[Claim]:
    """Validate the model's JSON answer and turn it into claims with exact spans."""
    try:
        data = json.loads(_unfenced(answer))
    except (ValueError, RecursionError) as exc:  # RecursionError: JSON nested too deep
        raise LLMError(f"model answer is not JSON: {answer[:60]!r}") from exc
    items = data.get("claims") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise LLMError('model answer has no "claims" list')
    claims = []
    for item in items:
        claims.append(_claim(article, sentences, item, model))
    return claims


def _claim(article: Article, sentences: Sequence[Sentence], item: Any, model: str) -> Claim:
    if not isinstance(item, dict):
        raise LLMError(f"claim is not an object: {item!r:.60}")
    number, quote = item.get("sentence"), item.get("quote")
    restated, claim_type = item.get("claim") or quote, item.get("type", "other")
    if not isinstance(number, int) or not 1 <= number <= len(sentences):
        raise LLMError(f"claim names no sentence of the request: {number!r:.20}")
    if not isinstance(quote, str) or not quote.strip() or not isinstance(restated, str):
        raise LLMError("claim has no quote")
    if not isinstance(claim_type, str) or claim_type not in CLAIM_TYPES:
        raise LLMError(f"unknown claim type {claim_type!r:.30}")
    sentence = sentences[number - 1]
    # The request collapsed whitespace, so the quote may differ from the text in spacing only.
    pattern = r"\s+".join(map(re.escape, quote.split()))
    found = re.search(pattern, article.slice(sentence))
    if not found:
        raise LLMError(f"quote not in sentence {number}: {quote[:60]!r}")
    return Claim.from_span(
        article,
        sentence.start + found.start(),
        sentence.start + found.end(),
        claim=" ".join(restated.split()),
        type=claim_type,
        score=SCORE,
        details={"model": model},
    )


def _unfenced(answer: str) -> str:
    """The answer without a Markdown code fence (```json … ```) around it, if it has one.

    String operations, not a regular expression: the pattern ``\\s*(.*?)\\s*```\\s*$`` took
    90 s on a fence followed by 5,000 spaces.
    """
    text = answer.strip()
    if len(text) < 6 or not (text.startswith("```") and text.endswith("```")):
        return answer
    return text[3:-3].removeprefix("json").strip()


def _numbered(article: Article, sentences: Sequence[Sentence]) -> str:
    return "\n".join(
        f"{number}. {' '.join(article.slice(s).split())}" for number, s in enumerate(sentences, 1)
    )


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        return float(raw) if raw else DEFAULT_TIMEOUT
    except ValueError as exc:
        raise LLMError(f"{TIMEOUT_ENV} must be a number of seconds, not {raw!r}") from exc
