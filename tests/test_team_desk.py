"""Fact-checkers working together on one PostgreSQL desk: nothing lost, nothing doubled.

The workers and the checks are those of ``benchmarks/team_desk.py`` (which runs them for 60 s):
processes mark, note and store scans at once; afterwards every change a worker was told was made
is in the history, each claim's status changes form one unbroken chain (every ``before`` is the
``after`` of the change before it: no change was based on a lost one), the status counts agree
with the history, and no article is stored twice or in part. Changes to one claim at once are
serialised, not refused: each waits for the one before and records what it replaced.
"""

from __future__ import annotations

import importlib.util
import itertools
import random
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from claimtrack.store import open_store

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def team() -> ModuleType:
    """``benchmarks/team_desk.py``, loaded as a module."""
    spec = importlib.util.spec_from_file_location("team_desk", ROOT / "benchmarks" / "team_desk.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def finish(procs: list[Any]) -> None:
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err


def test_eight_workers_marking_noting_and_scanning_lose_nothing(
    team: ModuleType, pg_url: str, tmp_path: Path
) -> None:
    url = pg_url
    open_store(url).save_scans([team.synthetic_scan(n) for n in range(6)])
    finish(team.start_workers(url, "mix", 8, 10, tmp_path))
    done = team.acknowledged_in(tmp_path)
    kinds = Counter(d["kind"] for d in done)
    assert kinds["mark"] >= 8 and kinds["note"] and kinds["scan"], kinds
    checked = team.verify_desk(open_store(url), done)
    assert checked.problems == []
    assert checked.changes >= kinds["mark"] + kinds["note"]


def test_one_claim_marked_by_four_at_once_keeps_every_change_in_order(
    team: ModuleType, pg_url: str, tmp_path: Path
) -> None:
    url = pg_url
    store = open_store(url)
    store.save_scans([team.synthetic_scan(0)])
    claim = store.claims()[0].id
    finish(team.start_workers(url, f"hammer:{claim}", 4, 5, tmp_path))
    done = team.acknowledged_in(tmp_path)
    history = store.history(claim)
    assert {h.id for h in history} == {d["change"] for d in done}
    assert {h.by for h in history} == {f"worker{n}" for n in range(4)}
    for earlier, later in itertools.pairwise(history):
        assert later.before == earlier.after
    assert store.claim(claim).status == history[-1].after
    assert team.verify_desk(store, done).problems == []


def test_killed_scans_and_bulk_marks_leave_whole_articles_and_whole_changes(
    team: ModuleType, pg_url: str, tmp_path: Path
) -> None:
    url = pg_url
    open_store(url).save_scans([team.synthetic_scan(n) for n in range(4)])
    rng = random.Random(15)
    for round_ in range(5):
        logs = tmp_path / f"round{round_}"
        procs = [
            *team.start_workers(url, "scans", 1, 60, logs / "scans"),
            *team.start_workers(url, "bulk", 1, 60, logs / "bulk"),
        ]
        time.sleep(rng.uniform(2.0, 5.0))
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
    done = team.acknowledged_in(tmp_path)
    assert Counter(d["kind"] for d in done)["scan"], "no scan was acknowledged before a kill"
    assert team.verify_desk(open_store(url), done).problems == []
