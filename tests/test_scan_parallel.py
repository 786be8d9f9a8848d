"""``claimtrack scan --jobs N`` gives the same output, errors and exit codes as ``--jobs 1``."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from claimtrack import pipeline
from claimtrack.cli import app
from claimtrack.commands import scan as scan_command
from claimtrack.commands.options import PLUGIN_FAILED
from claimtrack.contract import scan_json
from claimtrack.errors import ArticleError
from claimtrack.plugins import load_plugins

runner = CliRunner()

ARTICLE = """Harbour {n} gets new cranes

By Ada Lovelace

The port authority said on Monday that it will spend {n} million dollars on four cranes.
"We expect traffic to grow by {n} percent next year," said director Ben Okri.
Unemployment in the town fell to {n}.5 percent in 2023, according to the statistics office.
Critics say the plan will raise fees for small fishing boats.
"""

FAILING_PLUGIN = """
from claimtrack import hookimpl


@hookimpl
def claimtrack_enrich_claims(article, claims):
    if "Harbour 3 " in article.text:
        raise RuntimeError("cannot enrich harbour 3")
    return None
"""


@pytest.fixture
def corpus(tmp_path: Path) -> list[str]:
    """Eleven articles, one unreadable (binary) file in the middle."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    paths = []
    for n in range(1, 12):
        path = folder / f"{n:02d}.txt"
        if n == 6:
            path.write_bytes(b"\x00\x01binary")
        else:
            path.write_text(ARTICLE.format(n=n), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small chunks and batches, so a few files cross several of each boundary."""
    monkeypatch.setattr(pipeline, "CHUNK", 2)
    monkeypatch.setattr(scan_command, "BATCH", 3)
    monkeypatch.setattr(pipeline, "WINDOW_PER_JOB", 1)
    monkeypatch.setattr(pipeline, "BYTES_PER_WORKER", 1)  # these few small files use --jobs
    monkeypatch.setattr(pipeline, "PARSE_BATCH_CHARS", 1_000)  # three articles a parse batch


def scan(*args: str) -> tuple[int, list[dict], list[str]]:
    """Exit code, JSON records and stderr lines of one scan (but where a new database is)."""
    result = runner.invoke(app, ["scan", "--json", *args])
    records = [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]
    lines = [line for line in result.stderr.splitlines() if not line.startswith("new database")]
    return result.exit_code, records, lines


def test_json_is_identical_without_store(corpus: list[str], db_path: Path) -> None:
    one = scan("--no-store", "--jobs", "1", *corpus)
    two = scan("--no-store", "--jobs", "2", *corpus)
    assert one == two
    assert one[0] == 1  # the unreadable file
    assert [r["article"]["source"] for r in one[1]] == [
        p for p in corpus if not p.endswith("06.txt")
    ]
    assert any("06.txt" in line for line in one[2])


def test_json_is_identical_with_store(corpus: list[str], tmp_path: Path, db_path: Path) -> None:
    one = scan("--db", str(tmp_path / "one"), "--jobs", "1", *corpus)
    two = scan("--db", str(tmp_path / "two"), "--jobs", "3", *corpus)
    assert one == two
    assert sum(len(r["claims"]) for r in one[1]) > 0


def test_plugin_failures_are_reported_the_same(
    corpus: list[str], tmp_path: Path, db_path: Path
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "flaky.py").write_text(FAILING_PLUGIN, encoding="utf-8")
    good = [p for p in corpus if not p.endswith("06.txt")]
    one = scan("--no-store", "--plugins-dir", str(plugins), "--jobs", "1", *good)
    two = scan("--no-store", "--plugins-dir", str(plugins), "--jobs", "2", *good)
    assert one == two
    assert one[0] == PLUGIN_FAILED
    assert [r["errors"] != [] for r in one[1]] == [p.endswith("03.txt") for p in good]
    assert any("cannot enrich harbour 3" in line for line in one[2])


def test_disabled_plugins_stay_disabled_in_workers(corpus: list[str], db_path: Path) -> None:
    good = [p for p in corpus if not p.endswith("06.txt")]
    _, records, _ = scan("--no-store", "--disable", "sentences", "--jobs", "2", *good)
    assert records and all(r["claims"] == [] for r in records)


def test_articles_parsed_in_batches_scan_as_each_alone(corpus: list[str]) -> None:
    host = load_plugins()
    together = list(pipeline.scan_many(host, corpus))
    alone = []
    for path in corpus:
        try:
            alone.append(("ok", pipeline.scan_source(host, path)))
        except ArticleError as exc:
            alone.append(("unreadable", str(exc)))
    assert [kind for kind, _ in together] == [
        "unreadable" if Path(p).name == "06.txt" else "ok" for p in corpus
    ]
    assert [(k, scan_json(v) if k == "ok" else v) for k, v in together] == [
        (k, scan_json(v) if k == "ok" else v) for k, v in alone
    ]


def test_standard_input_is_read_by_one_process(corpus: list[str], db_path: Path) -> None:
    text = ARTICLE.format(n=42)
    result = runner.invoke(
        app, ["scan", "--json", "--no-store", "--jobs", "2", corpus[0], "-"], input=text
    )
    sources = [orjson.loads(line)["article"]["source"] for line in result.stdout.splitlines()]
    assert sources == [corpus[0], "-"]


def test_workers_are_chosen_by_input_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "BYTES_PER_WORKER", 10_000)
    paths = []
    for n in range(3):
        path = tmp_path / f"{n}.txt"
        path.write_text("x" * 4_000, encoding="utf-8")
        paths.append(str(path))
    assert pipeline._workers(4, paths) == 1  # 12 kB: one process
    assert pipeline._workers(4, [*paths, "https://example.org/a"]) == 2  # a URL counts full
    (tmp_path / "0.txt").write_text("x" * 30_000, encoding="utf-8")
    assert pipeline._workers(2, paths) == 2
    assert pipeline._workers(8, paths) == 3  # never more than files
    assert pipeline._workers(1, paths) == 1
