"""SIGKILL at any moment of ``scan`` or ``verify`` loses nothing reported done, half-writes nothing.

A worker process runs the real commands (``scan``, ``verify``, ``dispute``) one after another on a
copy of a database of a few hundred claims, printing each change once its command has returned.
The test kills it at a random moment, then opens the database and checks every file parses,
the files agree with each other (``recovery.check``) and every reported change is there.
The default run kills 20 times; ``-m slow`` runs 200 kills.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from claimtrack import recovery
from claimtrack.store import Store

WORKER = r"""
import json, sys
from claimtrack.cli import app

db, articles, claims = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

def run(*args):
    try:
        app([*args, "--db", db], standalone_mode=False)
    except SystemExit as exc:
        if exc.code not in (0, 3, None):
            raise

print("ready", flush=True)
for i, claim in enumerate(claims):
    if i % 4 == 3:
        path = f"{articles}/new{i}.txt"
        run("scan", "--json", path)
        print("scanned", path, flush=True)
    else:
        status = "verified" if i % 2 else "disputed"
        run("verify" if status == "verified" else "dispute", claim, "--note", f"n{i}")
        print("marked", claim, status, flush=True)
"""

TOPICS = ["harbour", "council", "hospital", "school", "railway", "budget", "airport", "mill"]


def article(number: int, seed: int) -> str:
    rng = random.Random(number * 7919 + seed)
    topic = TOPICS[number % len(TOPICS)]
    lines = [f"The {topic} report number {number}", ""]
    for k in range(8):
        value = rng.randint(2, 900)
        lines.append(
            f"Officials said the {topic} spent ${value} million in {2000 + k + number % 20}, "
            f"up {rng.randint(2, 60)} per cent on the year before, according to figures {k}."
        )
        lines.append("")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """A database of 40 articles (a few hundred claims) and 300 more articles to scan."""
    root = tmp_path_factory.mktemp("crash")
    source, extra = root / "articles", root / "extra"
    source.mkdir()
    extra.mkdir()
    for n in range(40):
        (source / f"a{n:03d}.txt").write_text(article(n, 0))
    for n in range(300):
        (extra / f"new{n}.txt").write_text(article(1000 + n, 1))
    db = root / "db"
    env = os.environ | {"CLAIMTRACK_DB": str(db), "CLAIMTRACK_USER": "crash"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from claimtrack.cli import main; main()",
            "scan",
            "--json",
            str(source),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 3), done.stderr
    claims = [c["id"] for c in Store(db).claims()]
    assert len(claims) >= 200
    return db, extra, claims


def kill_once(
    seeded: tuple[Path, Path, list[str]], work: Path, rng: random.Random
) -> dict[str, int]:
    """One worker killed after a random delay; return what the kill interrupted."""
    base, extra, claims = seeded
    db = work / "db"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(base, db)
    order = claims[:]
    rng.shuffle(order)
    env = os.environ | {"CLAIMTRACK_USER": "crash"}
    env.pop("CLAIMTRACK_DB", None)
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(db), str(extra), json.dumps(order[:120])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0.02, 1.0))
    worker.send_signal(signal.SIGKILL)
    out, err = worker.communicate()
    assert worker.returncode == -signal.SIGKILL, err
    reported = [
        line.split() for line in out.splitlines() if line.startswith(("marked ", "scanned "))
    ]
    interrupted = int((db / "journal.json").exists() or any(db.rglob(".*.tmp")))

    report = recovery.check(db)  # opens the database: finishes an interrupted commit
    assert [p for p in report.problems if p.kind != "leftover"] == [], report.to_json()
    store = Store(db)
    for entry in reported:
        if entry[0] == "marked":
            claim = store.claim(entry[1])
            assert claim["status"] == entry[2]
            assert sum(h["action"] == "status" for h in store.history(entry[1])) == 1
        elif entry[0] == "scanned":
            assert any(a["source"] == str(Path(entry[1]).resolve()) for a in store.articles())
    return {"changes": len(reported), "interrupted": interrupted}


def kill_loop(seeded: tuple[Path, Path, list[str]], tmp_path: Path, kills: int) -> None:
    rng = random.Random(kills)
    totals = {"changes": 0, "interrupted": 0}
    for n in range(kills):
        for key, value in kill_once(seeded, tmp_path / f"k{n}", rng).items():
            totals[key] += value
        shutil.rmtree(tmp_path / f"k{n}", ignore_errors=True)
    print(
        f"\n{kills} kills survived; {totals['changes']} changes reported and found; "
        f"{totals['interrupted']} kills interrupted a commit mid-write"
    )
    assert totals["changes"] > 0


def test_kills_during_scan_and_verify_lose_nothing(
    seeded: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    kill_loop(seeded, tmp_path, 20)


@pytest.mark.slow
def test_two_hundred_kills_lose_nothing(
    seeded: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    kill_loop(seeded, tmp_path, 200)
