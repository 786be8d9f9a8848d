"""A plugin that raises, returns garbage, hangs or writes to the store cannot harm a scan."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimtrack.cli import app
from claimtrack.store import recovery

runner = CliRunner()

PLUGINS = {
    "raises": """
        @hookimpl
        def claimtrack_extract_claims(article):
            raise RuntimeError("boom")
    """,
    "wrong_type": """
        @hookimpl
        def claimtrack_extract_claims(article):
            return 42
    """,
    "wrong_items": """
        @hookimpl
        def claimtrack_extract_claims(article):
            return ["not a claim", {"start": 0, "end": 3}, None]
    """,
    "outside": """
        from claimtrack import Claim

        @hookimpl
        def claimtrack_extract_claims(article):
            n = len(article.text)
            return [
                Claim(start=n - 2, end=n + 50, text=article.text[n - 2:], claim="x", score=0.5),
                Claim(start=-5, end=3, text=article.text[:3], claim="x", score=0.5),
                Claim(start=0, end=5, text="WRONG", claim="x", score=0.5),
            ]
    """,
    "bad_enricher": """
        @hookimpl
        def claimtrack_enrich_claims(article, claims):
            return 42
    """,
    "hangs": """
        import time

        @hookimpl
        def claimtrack_extract_claims(article):
            while True:
                try:
                    time.sleep(0.05)
                except Exception:
                    pass  # tries to swallow the time limit
    """,
    "writes_store": """
        import os
        from claimtrack.store import open_store

        @hookimpl
        def claimtrack_extract_claims(article):
            store = open_store(os.environ["CLAIMTRACK_DB"])
            claim = store.claims()[0].id
            store.mark([claim], "false", note="plugin was here")
    """,
    "keeps_token": """
        @hookimpl
        def claimtrack_enrich_claims(article, claims):
            for claim in claims:  # in place, into the claims it was given
                claim.details["token"] = article.doc[0]
    """,
    "token_details": """
        from claimtrack import Claim

        @hookimpl
        def claimtrack_enrich_claims(article, claims):
            root = article.doc[0]
            return [Claim.evolve(c, details={**c.details, 1: "x", "root": root}) for c in claims]
    """,
    "set_details": """
        from claimtrack import Claim

        @hookimpl
        def claimtrack_enrich_claims(article, claims):
            return [Claim.evolve(c, details={1, 2}) for c in claims]
    """,
    "span_speaker": """
        from claimtrack import Claim, Speaker

        @hookimpl
        def claimtrack_enrich_claims(article, claims):
            name = article.doc[0:1]  # a spaCy span, not its text
            return [Claim.evolve(c, speaker=Speaker(name=name, mention="x")) for c in claims]
    """,
    "mutates": """
        @hookimpl
        def claimtrack_extract_claims(article):
            article.text = "replaced"
    """,
}


def write_plugins(folder: Path, names: list[str]) -> Path:
    folder.mkdir()
    for name in names:
        body = "from claimtrack import hookimpl\n" + textwrap.dedent(PLUGINS[name])
        (folder / f"{name}.py").write_text(body)
    return folder


def scan(article: Path, plugins: Path, timeout: str = "60") -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = runner.invoke(
        app,
        ["scan", "--json", "--plugins-dir", str(plugins), str(article)],
        env={"CLAIMTRACK_PLUGIN_TIMEOUT": timeout},
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return result.exit_code, json.loads(lines[0]), result.stderr


@pytest.fixture
def baseline(db_path: Path, harbour_path: Path) -> dict:  # type: ignore[type-arg]
    """The harbour article scanned with the bundled plugins only (stored)."""
    result = runner.invoke(app, ["scan", "--json", str(harbour_path)])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "name",
    [
        "raises",
        "wrong_type",
        "wrong_items",
        "outside",
        "bad_enricher",
        "keeps_token",
        "token_details",
        "set_details",
        "span_speaker",
        "mutates",
    ],
)
def test_misbehaving_plugin_is_reported_and_others_kept(
    name: str,
    baseline: dict,
    harbour_path: Path,
    tmp_path: Path,
    db_path: Path,  # type: ignore[type-arg]
) -> None:
    plugins = write_plugins(tmp_path / "plugins", [name])
    code, record, err = scan(harbour_path, plugins)
    assert code == 3
    assert {e["plugin"] for e in record["errors"]} == {name}
    assert f"plugin {name}" in err
    assert [c["id"] for c in record["claims"]] == [c["id"] for c in baseline["claims"]]
    assert recovery.check(db_path).ok


def test_hanging_plugin_is_stopped_at_the_time_limit(
    baseline: dict,
    harbour_path: Path,
    tmp_path: Path,
    db_path: Path,  # type: ignore[type-arg]
) -> None:
    plugins = write_plugins(tmp_path / "plugins", ["hangs"])
    began = time.monotonic()
    code, record, _ = scan(harbour_path, plugins, timeout="0.5")
    assert time.monotonic() - began < 10
    assert code == 3
    [problem] = record["errors"]
    assert problem["plugin"] == "hangs" and "longer than 0.5 s" in problem["message"]
    assert len(record["claims"]) == len(baseline["claims"])


def test_plugin_cannot_write_to_the_store(
    baseline: dict,
    harbour_path: Path,
    tmp_path: Path,
    db_path: Path,  # type: ignore[type-arg]
) -> None:
    plugins = write_plugins(tmp_path / "plugins", ["writes_store"])
    code, record, _ = scan(harbour_path, plugins)
    assert code == 3
    [problem] = record["errors"]
    assert problem["plugin"] == "writes_store"
    assert "may not write to the claimtrack database" in problem["message"]
    history = runner.invoke(app, ["show", "--json", baseline["claims"][0]["id"]]).stdout
    assert json.loads(history)["status"] == "unverified"
    assert recovery.check(db_path).ok


def test_every_misbehaving_plugin_at_once(
    baseline: dict,
    harbour_path: Path,
    tmp_path: Path,
    db_path: Path,  # type: ignore[type-arg]
) -> None:
    plugins = write_plugins(tmp_path / "plugins", sorted(PLUGINS))
    code, record, _ = scan(harbour_path, plugins, timeout="0.5")
    assert code == 3
    assert {e["plugin"] for e in record["errors"]} == set(PLUGINS)
    assert [c["id"] for c in record["claims"]] == [c["id"] for c in baseline["claims"]]
    assert recovery.check(db_path).ok
