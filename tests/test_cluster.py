"""``claimtrack scan --cluster``: the same scan on a real ``distributed.LocalCluster``.

Worker processes (two, as the machine has two cores) scan 200 small articles written here; the
output and the stored database are those of a local scan, a failing article is reported while
the others go on, and a worker killed mid-run loses nothing and stores nothing twice.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import dask
import distributed  # noqa: F401  (its config defaults loaded before a test sets one)
import orjson
import pytest
from click.testing import Result
from typer.testing import CliRunner

from claimtrack import cluster
from claimtrack.cli import app
from claimtrack.cluster import (
    ClusterError,
    HostOptions,
    Outcome,
    connect,
    scan_sources,
    scan_texts,
)
from claimtrack.contract import scan_json
from claimtrack.errors import UsageError
from claimtrack.pipeline import scan_source
from claimtrack.plugins import load_plugins
from claimtrack.store import documents

runner = CliRunner()

# Two articles share each fact (n // 2), so stored claims link across articles; never more than
# two, so that which links are kept does not depend on the seconds the articles were stored in.
ARTICLE = """Harbour {n} gets new cranes

By Ada Lovelace

The port authority of harbour {n} said on Monday that it will spend {n} million dollars on cranes.
"We expect traffic to grow by {n} percent next year," said director Ben Okri.
Unemployment in district {pair} fell to {pair}.5 percent in 2023, said the statistics office.
Critics say the plan will raise fees for small fishing boats.
"""

SLOW_PLUGIN = """
import time

from claimtrack import hookimpl


@hookimpl
def claimtrack_extract_claims(article):
    time.sleep(0.01)
    return []
"""

POISON_PLUGIN = """
import os

from claimtrack import hookimpl


@hookimpl
def claimtrack_extract_claims(article):
    if "POISON" in article.text:
        os._exit(1)
    return []
"""

LOOPING_PLUGIN = """
from claimtrack import hookimpl


@hookimpl
def claimtrack_extract_claims(article):
    while "LOOP" in article.text:
        pass
    return []
"""


@pytest.fixture
def articles(tmp_path: Path) -> list[str]:
    """200 small articles in a folder, and an unreadable (binary) file among them."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(200):
        (folder / f"{n:03d}.txt").write_text(ARTICLE.format(n=n, pair=n // 2), encoding="utf-8")
    (folder / "100-binary.txt").write_bytes(b"\x00\x01 not an article")
    return sorted(str(p) for p in folder.iterdir())


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """One storage time for every article: which of several equally alike claims an article is
    linked to follows the times claims were stored at (to the second), in any scan."""
    monkeypatch.setattr(documents, "now", lambda: "2026-12-06T21:00:00+00:00")


def run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def stored(db: Path) -> Any:
    """The stored claims and articles, without the times they were stored at."""
    claims = orjson.loads(run("claims", "--json", "--db", str(db)).stdout)
    articles = orjson.loads(run("articles", "--json", "--db", str(db)).stdout)
    return _timeless({"claims": claims, "articles": articles})


def _timeless(value: Any) -> Any:
    """``value`` without times; links sorted (their order follows the times, for equal scores)."""
    if isinstance(value, dict):
        return {
            k: sorted(map(_timeless, v), key=orjson.dumps) if k == "links" else _timeless(v)
            for k, v in value.items()
            if k not in {"first_seen", "updated", "at", "first_scanned", "scanned", "seen"}
        }
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def test_cluster_scan_is_identical_to_local_scan(
    articles: list[str], tmp_path: Path, db_path: Path, frozen_clock: None
) -> None:
    folder = str(Path(articles[0]).parent)
    local = run("scan", "--json", "--db", str(tmp_path / "local"), folder)
    cluster = run("scan", "--json", "--cluster=local:2", "--db", str(tmp_path / "cluster"), folder)
    assert cluster.stdout == local.stdout
    assert len(cluster.stdout.splitlines()) == 200
    assert stored(tmp_path / "cluster") == stored(tmp_path / "local")
    # The failing article is reported, once, and the others are scanned and stored.
    assert cluster.exit_code == local.exit_code == 1
    assert cluster.stderr.count("100-binary.txt: looks like a binary file") == 1

    def said(err: str) -> list[str]:  # but where each new database is
        return [line for line in err.splitlines() if not line.startswith("new database at")]

    assert said(cluster.stderr) == said(local.stderr)


def test_worker_killed_mid_run_loses_nothing(articles: list[str], tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "slow.py").write_text(SLOW_PLUGIN)  # ~2 s of work, so the kill lands mid-run
    options = HostOptions(plugins_dir=str(plugins))
    killed: list[int] = []
    with connect("local:2") as client:

        def kill_a_worker(done: int) -> None:
            if not killed:
                pid = next(iter(client.run(os.getpid).values()))
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        outcomes = list(scan_sources(client, articles, options, kill_a_worker))
        survivors = set(client.run(os.getpid).values())
    assert killed and killed[0] not in survivors
    # Every source once, in input order, with the result a local scan gives.
    assert [o.source for o in outcomes] == articles
    host = load_plugins(plugins_dir=plugins)
    for outcome in outcomes:
        if outcome.source.endswith("binary.txt"):
            assert outcome.result is None
            assert "binary file" in (outcome.error or "")
        else:
            assert outcome.result is not None
            expected = scan_json(scan_source(host, outcome.source))
            assert scan_json(outcome.result) == expected


def test_scanning_again_on_the_cluster_stores_nothing_twice(
    articles: list[str], db_path: Path, frozen_clock: None
) -> None:
    folder = str(Path(articles[0]).parent)
    first = run("scan", "--json", "--cluster", "local:2", folder)
    before = stored(db_path)
    log_before = run("log", "--json").stdout
    again = run("scan", "--json", "--cluster", "local:2", folder)
    assert again.stdout == first.stdout
    assert stored(db_path) == before
    assert len(before["articles"]) == 200
    assert run("log", "--json").stdout == log_before


def test_article_that_kills_workers_is_reported_alone(articles: list[str], tmp_path: Path) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "poison.py").write_text(POISON_PLUGIN)
    poisoned = Path(articles[5])
    poisoned.write_text(poisoned.read_text() + "\nPOISON\n")
    sources = articles[:16]
    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        connect("local:2") as client,
    ):
        outcomes = list(scan_sources(client, sources, HostOptions(plugins_dir=str(plugins))))
    assert [o.source for o in outcomes] == sources
    failed = [o for o in outcomes if o.result is None]
    assert [o.source for o in failed] == [str(poisoned)]
    assert "every worker that scanned it died" in (failed[0].error or "")


def test_an_article_that_never_finishes_is_stopped_and_reported(
    articles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "looping.py").write_text(LOOPING_PLUGIN)
    looping = Path(articles[1])
    looping.write_text(looping.read_text() + "\nLOOP\n")
    monkeypatch.setenv("CLAIMTRACK_PLUGIN_TIMEOUT", "0.5")  # the workers inherit it
    sources = articles[:4]
    options = HostOptions(plugins_dir=str(plugins))
    with connect("local:1") as client:
        list(scan_sources(client, articles[10:11], options))  # plugins and model loaded
        outcomes = list(scan_sources(client, sources, options))
    assert [o.result is None for o in outcomes] == [False, True, False, False]
    assert "scan took longer than" in (outcomes[1].error or "")


def test_a_bag_of_texts_is_scanned_on_the_workers(articles: list[str]) -> None:
    import dask.bag

    texts = [Path(p).read_text() for p in articles[:6] if not p.endswith("binary.txt")]
    with connect("local:2"):
        outcomes: list[Outcome] = scan_texts(dask.bag.from_sequence(texts, npartitions=2)).compute()
    local = [o.result for o in scan_texts(dask.bag.from_sequence(texts)).compute(scheduler="sync")]
    assert [o.result for o in outcomes] == local
    assert all(r is not None and r.claims and r.article.source == "-" for r in local)


def test_bad_cluster_spec_is_a_usage_error(articles: list[str], db_path: Path) -> None:
    with pytest.raises(UsageError), connect("local:zero"):
        pass
    result = run("scan", "--cluster", "nowhere", articles[0])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --cluster nowhere")
    assert "Traceback" not in result.stderr


def test_unreachable_scheduler_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)
    expected = r"^cannot reach the Dask scheduler at tcp://127.0.0.1:9 "
    with pytest.raises(ClusterError, match=expected), connect("tcp://127.0.0.1:9"):
        pass
